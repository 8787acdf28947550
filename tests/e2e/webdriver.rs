//! A minimal W3C WebDriver client for the browser tests. It starts Debian's
//! chromedriver on a free loopback port and drives one headless Chromium
//! session through it, covering only the commands these tests use.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use super::free_loopback_port;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "install Debian's packages with \
    `apt-get install chromium chromium-driver`";

/// Web element identifier: the JSON key under which W3C WebDriver returns an
/// element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Maximum time from spawning chromedriver until `/status` reports it ready.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);
/// Per-request time limit, long enough for Chromium's start or a page load.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long "find element" keeps retrying before it reports no such element.
const IMPLICIT_WAIT: Duration = Duration::from_secs(5);
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A chromedriver process with one open Chromium session. Dropping it closes
/// the session and then kills chromedriver.
pub struct Browser {
    client: awc::Client,
    driver_url: String,
    session_id: Option<String>,
    driver: Child,
    // Directory with Chromium's profile and chromedriver's log, deleted after `drop`.
    temp_dir: TempDir,
}

/// A reference to one element of the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
    /// The CSS selector that found the element, for error messages.
    selector: String,
}

impl Browser {
    /// Starts chromedriver and opens a headless Chromium session with a fresh
    /// profile. Panics with an install hint if either program is missing.
    pub async fn start() -> Browser {
        for program in [CHROMEDRIVER, CHROMIUM] {
            assert!(
                Path::new(program).exists(),
                "{program} not found: {INSTALL_HINT}"
            );
        }

        let temp_dir = tempfile::Builder::new()
            .prefix("aurora-e2e-browser-")
            .tempdir()
            .unwrap_or_else(|error| panic!("failed to create a temporary directory: {error}"));
        let log_path = temp_dir.path().join("chromedriver.log");
        let log_file = File::create(&log_path).unwrap_or_else(|error| {
            panic!("failed to create log file {}: {error}", log_path.display())
        });
        let stderr_file = log_file
            .try_clone()
            .unwrap_or_else(|error| panic!("failed to duplicate the log file handle: {error}"));

        let port = free_loopback_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(stderr_file)
            .spawn()
            .unwrap_or_else(|error| {
                panic!("failed to start {CHROMEDRIVER}: {error}; {INSTALL_HINT}")
            });

        // Built before waiting so that a panic below still kills chromedriver.
        let mut browser = Browser {
            client: awc::Client::builder().timeout(COMMAND_TIMEOUT).finish(),
            driver_url: format!("http://127.0.0.1:{port}"),
            session_id: None,
            driver,
            temp_dir,
        };
        browser.wait_until_driver_ready().await;
        browser.open_session().await;
        browser
    }

    /// Opens `url` and waits until the page has loaded.
    pub async fn goto(&self, url: &str) {
        self.session_command(Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// Returns the URL of the current page.
    pub async fn current_url(&self) -> String {
        let value = self.session_command(Method::GET, "/url", None).await;
        value
            .as_str()
            .unwrap_or_else(|| panic!("WebDriver returned a non-string URL: {value}"))
            .to_owned()
    }

    /// Returns the current page's HTML as the browser serializes it.
    pub async fn page_source(&self) -> String {
        let value = self.session_command(Method::GET, "/source", None).await;
        value
            .as_str()
            .unwrap_or_else(|| panic!("WebDriver returned a non-string page source: {value}"))
            .to_owned()
    }

    /// Finds the first element matching the CSS selector, waiting up to the
    /// implicit wait for it to appear.
    pub async fn find(&self, css_selector: &str) -> Element<'_> {
        let query = json!({ "using": "css selector", "value": css_selector });
        let value = match self
            .try_session_command(Method::POST, "/element", Some(query))
            .await
        {
            Ok(value) => value,
            Err(error) => {
                let page = self.describe_page().await;
                panic!("no element matches {css_selector:?}: {error}\n{page}")
            }
        };
        let id = value[ELEMENT_KEY].as_str().unwrap_or_else(|| {
            panic!("WebDriver returned no element reference for {css_selector:?}: {value}")
        });
        Element {
            browser: self,
            id: id.to_owned(),
            selector: css_selector.to_owned(),
        }
    }

    /// Closes the session, which makes chromedriver stop Chromium.
    pub async fn quit(mut self) {
        if self.session_id.is_some() {
            self.session_command(Method::DELETE, "", None).await;
            self.session_id = None;
        }
    }

    /// Describes the current page by its URL and visible text, for failure
    /// messages. Reports WebDriver errors in the text instead of panicking.
    pub async fn describe_page(&self) -> String {
        let url = match self.try_session_command(Method::GET, "/url", None).await {
            Ok(value) => value.as_str().unwrap_or_default().to_owned(),
            Err(error) => format!("(failed to read: {error})"),
        };
        let query = json!({ "using": "css selector", "value": "body" });
        let text = match self
            .try_session_command(Method::POST, "/element", Some(query))
            .await
        {
            Ok(body_element) => {
                let path = format!(
                    "/element/{}/text",
                    body_element[ELEMENT_KEY].as_str().unwrap_or_default()
                );
                match self.try_session_command(Method::GET, &path, None).await {
                    Ok(value) => value.as_str().unwrap_or_default().to_owned(),
                    Err(error) => format!("(failed to read: {error})"),
                }
            }
            Err(error) => format!("(failed to read: {error})"),
        };
        format!("--- page {url} ---\n{text}")
    }

    async fn wait_until_driver_ready(&mut self) {
        let url = format!("{}/status", self.driver_url);
        let deadline = Instant::now() + DRIVER_READY_TIMEOUT;

        loop {
            let exit_status = self
                .driver
                .try_wait()
                .unwrap_or_else(|error| panic!("failed to poll chromedriver: {error}"));
            if let Some(status) = exit_status {
                panic!(
                    "{CHROMEDRIVER} exited with {status} before it was ready\n\
                     --- chromedriver log ---\n{}",
                    self.driver_log()
                );
            }

            let outcome = match self.client.get(&url).send().await {
                Ok(mut response) => match response.json::<Value>().await {
                    Ok(body) if body["value"]["ready"] == json!(true) => return,
                    Ok(body) => format!("status {}: {body}", response.status()),
                    Err(error) => format!("unreadable /status body: {error}"),
                },
                Err(error) => error.to_string(),
            };

            if Instant::now() >= deadline {
                panic!(
                    "chromedriver was not ready within {DRIVER_READY_TIMEOUT:?} \
                     (last outcome: {outcome})\n--- chromedriver log ---\n{}",
                    self.driver_log()
                );
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn open_session(&mut self) {
        let profile_dir = self.temp_dir.path().join("chromium-profile");
        // Without the background-networking switches Chromium keeps trying to
        // reach Google's services, and a machine without internet access rejects
        // each of those connections.
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--window-size=1280,1024",
                            format!("--user-data-dir={}", profile_dir.display()),
                        ],
                    },
                },
            },
        });
        let url = format!("{}/session", self.driver_url);
        let (status, body) = self.send(Method::POST, &url, Some(capabilities)).await;
        let session_id = body["value"]["sessionId"].as_str();
        let Some(session_id) = session_id.filter(|_| status.is_success()) else {
            panic!(
                "chromedriver failed to open a Chromium session ({status}): {}\n\
                 --- chromedriver log ---\n{}",
                describe_error(&body),
                self.driver_log()
            );
        };
        self.session_id = Some(session_id.to_owned());

        let implicit_ms = IMPLICIT_WAIT.as_millis() as u64;
        self.session_command(
            Method::POST,
            "/timeouts",
            Some(json!({ "implicit": implicit_ms })),
        )
        .await;
    }

    /// Sends a command to the open session (`path` is relative to
    /// `/session/{id}`) and returns the response's `value`, or WebDriver's
    /// error code and message.
    async fn try_session_command(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let session_id = self
            .session_id
            .as_deref()
            .expect("a WebDriver command was sent without an open session");
        let url = format!("{}/session/{session_id}{path}", self.driver_url);
        let (status, mut body) = self.send(method.clone(), &url, body).await;
        if status.is_success() {
            Ok(body["value"].take())
        } else {
            Err(format!(
                "WebDriver {method} /session/{{id}}{path} failed with {status}: {}",
                describe_error(&body)
            ))
        }
    }

    async fn session_command(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        self.try_session_command(method, path, body)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<Value>,
    ) -> (awc::http::StatusCode, Value) {
        let request = self.client.request(method.clone(), url);
        let sent = match body {
            Some(body) => request.send_json(&body).await,
            None => request.send().await,
        };
        let mut response =
            sent.unwrap_or_else(|error| panic!("WebDriver request {method} {url} failed: {error}"));
        let bytes = response
            .body()
            .limit(MAX_RESPONSE_BYTES)
            .await
            .unwrap_or_else(|error| {
                panic!("failed to read WebDriver response to {method} {url}: {error}")
            });
        let value = serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            panic!(
                "WebDriver response to {method} {url} is not JSON ({error}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (response.status(), value)
    }

    fn driver_log(&self) -> String {
        let log_path = self.temp_dir.path().join("chromedriver.log");
        match fs::read(&log_path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => format!("(failed to read {}: {error})", log_path.display()),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Killing chromedriver alone would leave Chromium running, so the
        // session is closed first. `drop` cannot await, and the test's runtime
        // may still own this thread, so the request runs on a thread of its own
        // with its own runtime. Errors are ignored because the test is already
        // ending, often by a panic that matters more.
        if let Some(session_id) = self.session_id.take() {
            let url = format!("{}/session/{session_id}", self.driver_url);
            let closer = std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let client = awc::Client::builder().timeout(COMMAND_TIMEOUT).finish();
                    let _ = client.delete(url).send().await;
                });
            });
            let _ = closer.join();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Element<'_> {
    pub async fn click(&self) {
        self.command(Method::POST, "/click", Some(json!({}))).await;
    }

    /// Types `text` into the element as key presses.
    pub async fn send_keys(&self, text: &str) {
        self.command(Method::POST, "/value", Some(json!({ "text": text })))
            .await;
    }

    /// Returns the element's rendered text, as a user would see it.
    pub async fn text(&self) -> String {
        let value = self.command(Method::GET, "/text", None).await;
        value
            .as_str()
            .unwrap_or_else(|| panic!("WebDriver returned non-string element text: {value}"))
            .to_owned()
    }

    async fn command(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let element_path = format!("/element/{}{path}", self.id);
        self.browser
            .try_session_command(method, &element_path, body)
            .await
            .unwrap_or_else(|error| panic!("element {:?}: {error}", self.selector))
    }
}

/// Formats a WebDriver error body as `error: message`, or the raw body when it
/// does not have the W3C error shape.
fn describe_error(body: &Value) -> String {
    match (
        body["value"]["error"].as_str(),
        body["value"]["message"].as_str(),
    ) {
        (Some(error), Some(message)) => format!("{error}: {message}"),
        _ => body.to_string(),
    }
}
