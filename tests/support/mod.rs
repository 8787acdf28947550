//! Test harness: a real server on a loopback port with its own SQLite file
//! and key file in a temporary directory, a cookie-keeping HTTP client, and
//! the captured log lines of the whole test binary.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::http::StatusCode;
use aurora_console::config::Config;
use aurora_console::db::DbPool;
use aurora_console::domain::passwords::{self, Password};
use aurora_console::domain::{tenants, users};
use aurora_console::server;
use aurora_console::state::AppState;

pub const PASSWORD: &str = "correct horse battery staple";

/// Log output of every server started by this test binary.
static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn install_log_capture() {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = CapturedLogs(buffer.clone());
        aurora_console::telemetry::init(move || writer.clone(), false);
        buffer
    });
}

/// Everything logged so far by any server of this test binary.
pub fn captured_logs() -> String {
    let buffer = LOGS
        .get()
        .expect("log capture is installed by TestApp::spawn");
    String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
}

/// A migrated database in a temporary directory, for tests that call the
/// domain functions without a server.
pub struct TestDatabase {
    pub pool: DbPool,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aurora.sqlite3").display().to_string();
        TestDatabase {
            pool: aurora_console::db::connect(&path).unwrap(),
            _dir: dir,
        }
    }

    pub fn conn(&self) -> aurora_console::db::PooledConn {
        self.pool.get().unwrap()
    }

    /// Creates a tenant and returns its id.
    pub fn tenant(&self, name: &str) -> String {
        tenants::create(&mut self.conn(), name, aurora_console::clock::now())
            .unwrap()
            .id
    }
}

pub struct TestApp {
    pub base_url: String,
    pub state: AppState,
    pub data_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server whose configuration `adjust` may change first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        install_log_capture();
        let data_dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let mut config = Config {
            bind: address,
            data_dir: data_dir.path().to_path_buf(),
            database_path: data_dir.path().join("aurora.sqlite3").display().to_string(),
            public_url: format!("http://{address}/"),
            secure_cookies: false,
            rate_limits: Default::default(),
        };
        adjust(&mut config);
        let state = server::prepare(config).unwrap();
        let running = server::start(state.clone(), listener).unwrap();
        actix_web::rt::spawn(running);
        TestApp {
            base_url: format!("http://{address}"),
            state,
            data_dir,
        }
    }

    pub fn pool(&self) -> &DbPool {
        &self.state.pool
    }

    /// Creates a tenant created on `created` (YYYY-MM-DD) and returns its id.
    pub fn tenant(&self, name: &str, created: &str) -> String {
        let created_at = aurora_console::clock::parse_date(created).unwrap();
        tenants::create(&mut self.pool().get().unwrap(), name, created_at)
            .unwrap()
            .id
    }

    /// Creates a user with [`PASSWORD`] and returns its id.
    pub fn user(&self, tenant_id: &str, email: &str, role: users::Role) -> String {
        users::create(
            &mut self.pool().get().unwrap(),
            users::NewUser {
                tenant_id,
                email,
                first_name: "Test",
                last_name: "User",
                role,
                password_hash: Some(passwords::hash(&Password::new(PASSWORD.into()))),
                now: aurora_console::clock::now(),
            },
        )
        .unwrap()
        .id
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base_url: self.base_url.clone(),
            client: awc::Client::builder().disable_redirects().finish(),
            cookies: HashMap::new(),
            accept_language: None,
        }
    }

    /// A tenant (created today) with an administrator signed in.
    pub async fn signed_in_admin(&self, email: &str) -> (String, Browser) {
        let tenant = self.tenant("Tenant of the test", "2024-01-10");
        self.user(&tenant, email, users::Role::Administrator);
        let mut browser = self.browser();
        browser.sign_in(email, PASSWORD).await;
        (tenant, browser)
    }

    /// Every file in the data directory: the database, its WAL and the key file.
    pub fn data_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.data_dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect()
    }

    /// Asserts that no file of the data directory (other than the key file)
    /// and no log line contains `needle`.
    pub fn assert_not_stored_or_logged(&self, needle: &str) {
        for path in self.data_files() {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{} contains the value", path.display());
        }
        assert!(
            !captured_logs().contains(needle),
            "the logs contain the value"
        );
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The value of the hidden input `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no hidden input {name} in:\n{}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }

    /// The text of the element with `id` (no nested markup).
    pub fn text_of(&self, id: &str) -> String {
        let marker = format!("id=\"{id}\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no element #{id} in:\n{}", self.body));
        let open_end = self.body[start..].find('>').unwrap() + start + 1;
        let close = self.body[open_end..].find('<').unwrap() + open_end;
        self.body[open_end..close].trim().to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }
}

/// An HTTP client that keeps cookies like a browser and never follows redirects.
pub struct Browser {
    pub base_url: String,
    client: awc::Client,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(String, &str)>,
    ) -> Response {
        let url = format!("{}{}", self.base_url, path);
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, url);
        if !self.cookies.is_empty() {
            request = request.insert_header(("Cookie", self.cookie_header()));
        }
        if let Some(lang) = &self.accept_language {
            request = request.insert_header(("Accept-Language", lang.clone()));
        }
        let mut response = match body {
            Some((body, content_type)) => request
                .insert_header(("Content-Type", content_type))
                .send_body(body)
                .await
                .unwrap(),
            None => request.send().await.unwrap(),
        };
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let removed = text.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            if removed {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.body().limit(4 * 1024 * 1024).await.unwrap();
        Response {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = url_encode(fields);
        self.send(
            "POST",
            path,
            Some((body, "application/x-www-form-urlencoded")),
        )
        .await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Response {
        let page = self.get("/login").await;
        let csrf = page.hidden("csrf_token");
        let response = self
            .post_form(
                "/login",
                &[
                    ("email", email),
                    ("password", password),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            response.body
        );
        response
    }

    /// The CSRF token the console puts in its forms for this session.
    pub async fn csrf(&mut self) -> String {
        self.get("/dashboard").await.hidden("csrf_token")
    }
}

pub fn url_encode(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().copied())
        .finish()
}

/// What the one-time dialog showed.
pub struct Created {
    pub application_id: String,
    pub secret: String,
    pub response: Response,
}

/// Adds an application through the console's forms and reads the dialog.
pub async fn create_application(browser: &mut Browser, name: &str, privileges: &[&str]) -> Created {
    let form = browser.get("/settings/integrations/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.hidden("csrf_token");
    let form_id = form.hidden("form_id");
    let mut fields = vec![
        ("name", name),
        ("form_id", form_id.as_str()),
        ("csrf_token", csrf.as_str()),
    ];
    fields.extend(privileges.iter().map(|p| ("privileges", *p)));
    let response = browser.post_form("/settings/integrations", &fields).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    Created {
        application_id: response.text_of("application-id"),
        secret: response.text_of("application-secret"),
        response,
    }
}

/// Signs `claims` as an HS256 JWT with `secret`, the way clients do.
pub fn sign_auth_token(secret: &str, claims: &serde_json::Value) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{KeyInit, Mac};
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Claims of a valid 30-minute auth token for `created`, with a fresh `jti`.
pub fn auth_claims(tenant_id: &str, created: &Created) -> serde_json::Value {
    let now = aurora_console::clock::now();
    serde_json::json!({
        "exp": now + 1800,
        "iat": now,
        "iss": "http://cylance.com",
        "sub": created.application_id,
        "tid": tenant_id,
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

/// Posts an auth token to the token endpoint.
pub async fn exchange(browser: &mut Browser, jwt: &str) -> Response {
    let body = serde_json::json!({ "auth_token": jwt }).to_string();
    browser
        .send(
            "POST",
            "/auth/v2/token",
            Some((body, "application/json; charset=utf-8")),
        )
        .await
}

/// Calls the API with a bearer token.
pub async fn api_get(app: &TestApp, access_token: &str, path: &str) -> Response {
    let client = awc::Client::default();
    let mut response = client
        .get(format!("{}{path}", app.base_url))
        .insert_header(("Authorization", format!("Bearer {access_token}")))
        .send()
        .await
        .unwrap();
    let body = response.body().await.unwrap();
    Response {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Inserts a zone with a chosen id into the SQLite file at `database_path`,
/// for tests that assign users to zones before the zone API is at hand.
pub fn insert_zone(database_path: &str, tenant_id: &str, zone_id: &str, name: &str) {
    use aurora_console::db::schema::zones;
    use diesel::prelude::*;
    let pool = aurora_console::db::connect(database_path).unwrap();
    let now = aurora_console::clock::now();
    diesel::insert_into(zones::table)
        .values((
            zones::id.eq(zone_id),
            zones::tenant_id.eq(tenant_id),
            zones::name.eq(name),
            zones::name_normalized.eq(name.to_lowercase()),
            zones::criticality.eq("Normal"),
            zones::update_type.eq("Production"),
            zones::created_at.eq(now),
            zones::modified_at.eq(now),
        ))
        .execute(&mut pool.get().unwrap())
        .unwrap();
}

/// Calls the API with a bearer token, any method, and an optional JSON body.
pub async fn api_request(
    app: &TestApp,
    access_token: &str,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> Response {
    let client = awc::Client::default();
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let request = client
        .request(method, format!("{}{path}", app.base_url))
        .insert_header(("Authorization", format!("Bearer {access_token}")));
    let mut response = match body {
        Some(body) => request
            .insert_header(("Content-Type", "application/json"))
            .send_body(body.to_string())
            .await
            .unwrap(),
        None => request.send().await.unwrap(),
    };
    let body = response.body().limit(16 * 1024 * 1024).await.unwrap();
    Response {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}
