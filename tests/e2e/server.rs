//! Starts the real `aurora-console` binary for one test: a fresh data
//! directory, one tenant with an Administrator and a generated fleet created
//! through the command line, and `serve` on a free loopback port with its
//! output in a log file.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use tempfile::TempDir;

use super::{free_loopback_port, is_uuid};

const BINARY: &str = env!("CARGO_BIN_EXE_aurora-console");

/// Maximum time from spawning `serve` until `/readyz` returns 200.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const READY_POLL_INTERVAL: Duration = Duration::from_millis(100);

const TENANT_NAME: &str = "E2E Tenant";
const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "e2e-Correct-Horse-Battery-7";
/// Devices the `seed` command generates for the tenant.
const SEEDED_DEVICES: &str = "60";

/// A running `aurora-console serve` process with one tenant and its
/// Administrator. Dropping it kills the process and deletes the data directory.
pub struct TestServer {
    child: Child,
    base_url: String,
    tenant_id: String,
    data_dir: PathBuf,
    log_path: PathBuf,
    // Declared last so it is deleted only after `drop` has killed the server.
    _temp_dir: TempDir,
}

impl TestServer {
    /// Creates a tenant (dated today, so improved security is on) and an
    /// Administrator with the command line, then starts `serve` and waits
    /// until `/readyz` returns 200.
    pub async fn start() -> TestServer {
        Self::start_seeded(SEEDED_DEVICES).await
    }

    /// Starts a server whose tenant `seed` filled with `devices` devices.
    pub async fn start_seeded(devices: &str) -> TestServer {
        let temp_dir = tempfile::Builder::new()
            .prefix("aurora-e2e-")
            .tempdir()
            .unwrap_or_else(|error| panic!("failed to create a temporary directory: {error}"));
        let data_dir = temp_dir.path().join("data");
        fs::create_dir(&data_dir).unwrap_or_else(|error| {
            panic!(
                "failed to create data directory {}: {error}",
                data_dir.display()
            )
        });

        let today = time::OffsetDateTime::now_utc().date().to_string();
        let tenant_id = run_cli(
            &[
                "tenant",
                "create",
                "--name",
                TENANT_NAME,
                "--created-at",
                &today,
            ],
            &data_dir,
            None,
        );
        assert!(
            is_uuid(&tenant_id),
            "`tenant create` printed {tenant_id:?}, expected a UUID alone"
        );

        let user_id = run_cli(
            &[
                "user",
                "create",
                "--tenant",
                &tenant_id,
                "--email",
                ADMIN_EMAIL,
                "--role",
                "administrator",
                "--first-name",
                "Ada",
                "--last-name",
                "Admin",
                "--password-stdin",
            ],
            &data_dir,
            Some(ADMIN_PASSWORD),
        );
        assert!(
            is_uuid(&user_id),
            "`user create` printed {user_id:?}, expected a UUID alone"
        );
        let seeded = run_cli(
            &["seed", "--tenant", &tenant_id, "--devices", devices],
            &data_dir,
            None,
        );
        assert!(
            seeded.contains(&format!("{devices} devices")),
            "`seed` printed {seeded:?}"
        );

        let bind_address = format!("127.0.0.1:{}", free_loopback_port());
        let base_url = format!("http://{bind_address}");
        let log_path = temp_dir.path().join("server.log");
        let log_file = File::create(&log_path).unwrap_or_else(|error| {
            panic!("failed to create log file {}: {error}", log_path.display())
        });
        let stderr_file = log_file
            .try_clone()
            .unwrap_or_else(|error| panic!("failed to duplicate the log file handle: {error}"));

        // Debug logging gives the secret-leak checks more log text to search.
        let child = cli_command(&["serve", "--bind", &bind_address], &data_dir)
            .env("RUST_LOG", "debug")
            .env("AURORA_PUBLIC_URL", &base_url)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(stderr_file)
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start `{BINARY} serve`: {error}"));

        // Built before waiting so that a panic below still kills the process.
        let mut server = TestServer {
            child,
            base_url,
            tenant_id,
            data_dir,
            log_path,
            _temp_dir: temp_dir,
        };
        server.wait_until_ready().await;
        server
    }

    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Absolute URL of `path`, which must start with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    pub fn admin_email(&self) -> &str {
        ADMIN_EMAIL
    }

    pub fn admin_password(&self) -> &str {
        ADMIN_PASSWORD
    }

    /// Directory that contains the server's database and key file.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// File that receives the server's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Reads the server's output so far, with invalid UTF-8 replaced.
    pub fn log(&self) -> String {
        match fs::read(&self.log_path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => format!("(failed to read {}: {error})", self.log_path.display()),
        }
    }

    async fn wait_until_ready(&mut self) {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(2))
            .finish();
        let url = self.url("/readyz");
        let deadline = Instant::now() + READY_TIMEOUT;

        loop {
            let exit_status = self
                .child
                .try_wait()
                .unwrap_or_else(|error| panic!("failed to poll the server process: {error}"));
            if let Some(status) = exit_status {
                panic!(
                    "`aurora-console serve` exited with {status} before {url} answered 200\n\
                     --- server log ---\n{}",
                    self.log()
                );
            }

            let outcome = match client.get(&url).send().await {
                Ok(response) if response.status() == StatusCode::OK => return,
                Ok(response) => format!("status {}", response.status()),
                Err(error) => error.to_string(),
            };

            if Instant::now() >= deadline {
                panic!(
                    "{url} did not answer 200 within {READY_TIMEOUT:?} (last outcome: {outcome})\n\
                     --- server log ---\n{}",
                    self.log()
                );
            }
            actix_web::rt::time::sleep(READY_POLL_INTERVAL).await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // The process may already have exited; only its exit status matters then.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds `aurora-console ARGS --data-dir DIR` with the environment variables
/// that could point it at other storage or another address removed.
fn cli_command(args: &[&str], data_dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("AURORA_DATA_DIR")
        .env_remove("AURORA_BIND")
        .env_remove("AURORA_PUBLIC_URL")
        .env_remove("DATABASE_URL");
    command
}

/// Runs one management command to completion and returns its trimmed stdout.
/// `stdin_text` is written without a trailing newline, then stdin is closed.
fn run_cli(args: &[&str], data_dir: &Path, stdin_text: Option<&str>) -> String {
    let command_line = args.join(" ");
    let mut child = cli_command(args, data_dir)
        .stdin(if stdin_text.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("failed to start `aurora-console {command_line}`: {error}"));

    if let Some(text) = stdin_text {
        // Dropping the handle at the end of this block closes the pipe, so the
        // command reads end of file after the password.
        let mut stdin = child.stdin.take().expect("stdin was requested as a pipe");
        stdin.write_all(text.as_bytes()).unwrap_or_else(|error| {
            panic!("failed to write stdin of `aurora-console {command_line}`: {error}")
        });
    }

    let output = child.wait_with_output().unwrap_or_else(|error| {
        panic!("failed to wait for `aurora-console {command_line}`: {error}")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`aurora-console {command_line}` exited with {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    stdout.trim().to_owned()
}
