//! Runs the unmodified `cyapi` Python client (PyPI package `cyapi` 1.0.20)
//! against the real server: listing users, changing them, and reading and
//! changing devices, zones and policies. The first test also checks that
//! the application secret it used appears in neither the server's log nor
//! any file of its data directory.

use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::is_url_safe_base64;
use super::server::TestServer;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/compat/cyapi_users.py");
const WRITES_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/compat/cyapi_user_writes.py"
);
const RESOURCES_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/compat/cyapi_resources.py"
);

/// Upper bound for the whole script. cyapi 1.0.20 retries 5xx responses and
/// refused connections up to 250 times with back-off, so a broken server would
/// otherwise keep it running for hours.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

#[actix_web::test]
async fn cyapi_client_lists_users() {
    let server = TestServer::start().await;
    let scratch_dir = tempfile::Builder::new()
        .prefix("aurora-e2e-cyapi-")
        .tempdir()
        .unwrap_or_else(|error| panic!("failed to create a temporary directory: {error}"));
    let secret_path = scratch_dir.path().join("application-secret");
    let ScriptRun { stdout, report } =
        run_script(&server, SCRIPT, scratch_dir.path(), &secret_path).await;
    assert!(
        stdout.contains(server.admin_email()),
        "cyapi_users.py succeeded but did not print the Administrator's e-mail\n{report}"
    );
    assert!(
        stdout.contains(server.tenant_id()),
        "cyapi_users.py did not print the tenant ID that it read from the integrations page\n{report}"
    );

    let secret = fs::read_to_string(&secret_path).unwrap_or_else(|error| {
        panic!(
            "failed to read the secret that cyapi_users.py wrote to {}: {error}\n{report}",
            secret_path.display()
        )
    });
    let secret = secret.trim();
    assert!(
        is_url_safe_base64(secret),
        "the application secret is not URL-safe base64"
    );
    let secret_bytes = URL_SAFE_NO_PAD
        .decode(secret.trim_end_matches('='))
        .unwrap_or_else(|error| panic!("failed to decode the application secret: {error}"));
    // Besides the text the client signs with, search for the decoded bytes, in
    // case the server stores the secret as raw bytes.
    let needles: [(&str, &[u8]); 2] = [
        ("the secret", secret.as_bytes()),
        ("the secret's decoded bytes", &secret_bytes),
    ];

    let log = read_bytes(server.log_path());
    for (label, needle) in needles {
        assert!(
            !contains_bytes(&log, needle),
            "the server log contains {label}"
        );
    }

    let data_files = files_under(server.data_dir());
    assert!(
        data_files
            .iter()
            .any(|path| fs::metadata(path).is_ok_and(|metadata| metadata.len() > 0)),
        "the data directory {} has no non-empty file to search: {data_files:?}",
        server.data_dir().display()
    );
    for path in &data_files {
        // SQLite may delete a temporary file between the listing and the read.
        let content = match fs::read(path) {
            Ok(content) => content,
            Err(error) if error.kind() == ErrorKind::NotFound => continue,
            Err(error) => panic!("failed to read {}: {error}", path.display()),
        };
        for (label, needle) in needles {
            assert!(
                !contains_bytes(&content, needle),
                "{} contains {label} in plaintext",
                path.display()
            );
        }
    }
    assert!(
        !contains_bytes(&log, server.admin_password().as_bytes()),
        "the server log contains the Administrator's password"
    );
}

#[actix_web::test]
async fn cyapi_client_changes_users() {
    let server = TestServer::start().await;
    // The zone the script assigns a user to; it must exist in the tenant.
    crate::support::insert_zone(
        &server
            .data_dir()
            .join("aurora.sqlite3")
            .display()
            .to_string(),
        server.tenant_id(),
        "d27ff5c4-5c0d-4f56-a00d-a1fb297e440e",
        "Compatibility zone",
    );
    let scratch_dir = tempfile::Builder::new()
        .prefix("aurora-e2e-cyapi-writes-")
        .tempdir()
        .unwrap_or_else(|error| panic!("failed to create a temporary directory: {error}"));
    let secret_path = scratch_dir.path().join("application-secret");
    let ScriptRun { stdout, report } =
        run_script(&server, WRITES_SCRIPT, scratch_dir.path(), &secret_path).await;

    for step in [
        "create_user: created user",
        "create_user: created administrator",
        "update_user: first name and zone stored",
        "send_invite_email: accepted",
        "send_password_reset_email: accepted",
        "delete_user: user deleted",
    ] {
        assert!(stdout.contains(step), "no {step:?} in the output\n{report}");
    }
    let secret = fs::read_to_string(&secret_path)
        .unwrap_or_else(|error| panic!("failed to read the secret file: {error}\n{report}"));
    assert!(
        !contains_bytes(&read_bytes(server.log_path()), secret.trim().as_bytes()),
        "the server log contains the secret"
    );
}

#[actix_web::test]
async fn cyapi_client_manages_devices_zones_policies() {
    let server = TestServer::start().await;
    let scratch_dir = tempfile::Builder::new()
        .prefix("aurora-e2e-cyapi-resources-")
        .tempdir()
        .unwrap_or_else(|error| panic!("failed to create a temporary directory: {error}"));
    let secret_path = scratch_dir.path().join("application-secret");
    let ScriptRun { stdout, report } =
        run_script(&server, RESOURCES_SCRIPT, scratch_dir.path(), &secret_path).await;
    assert!(
        stdout.contains("all resource calls succeeded"),
        "cyapi_resources.py exited 0 without its closing line\n{report}"
    );
    // The tenant is seeded with 60 devices: 9 pages of 7, fetched shuffled.
    assert!(
        stdout.contains("get_devices: 60 devices over 9 pages, each once"),
        "cyapi did not read every device exactly once\n{report}"
    );
    let secret = fs::read_to_string(&secret_path)
        .unwrap_or_else(|error| panic!("failed to read the secret file: {error}\n{report}"));
    assert!(
        !contains_bytes(&read_bytes(server.log_path()), secret.trim().as_bytes()),
        "the server log contains the secret"
    );
}

/// What a compatibility script printed, and a report for failure messages.
pub(super) struct ScriptRun {
    pub stdout: String,
    pub report: String,
}

/// Runs `script` against `server` with the Administrator's credentials and
/// panics unless it exits 0 within [`SCRIPT_TIMEOUT`]. The script writes the
/// secret of the application it creates to `secret_path`.
async fn run_script(
    server: &TestServer,
    script: &str,
    scratch_dir: &Path,
    secret_path: &Path,
) -> ScriptRun {
    run_script_within(server, script, scratch_dir, secret_path, SCRIPT_TIMEOUT).await
}

/// Runs `script` like [`run_script`], allowing it `timeout`.
pub(super) async fn run_script_within(
    server: &TestServer,
    script: &str,
    scratch_dir: &Path,
    secret_path: &Path,
    timeout: Duration,
) -> ScriptRun {
    let name = Path::new(script)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stdout_path = scratch_dir.join("script-stdout.txt");
    let stderr_path = scratch_dir.join("script-stderr.txt");

    // The password and the secret travel through the environment and a file,
    // never through the command line, where other users could read them.
    let mut child = Command::new("python3")
        .arg(script)
        .env("AURORA_BASE_URL", server.base_url())
        .env("AURORA_ADMIN_EMAIL", server.admin_email())
        .env("AURORA_ADMIN_PASSWORD", server.admin_password())
        .env("AURORA_SECRET_OUT", secret_path)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(create_file(&stdout_path))
        .stderr(create_file(&stderr_path))
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "failed to start python3: {error}; install Python 3 with \
                 `pip install cyapi==1.0.20`"
            )
        });
    let exit_status = wait_with_timeout(&mut child, timeout).await;

    let stdout = read_lossy(&stdout_path);
    let report = format!(
        "--- script stdout ---\n{stdout}\n--- script stderr ---\n{}\n--- server log ---\n{}",
        read_lossy(&stderr_path),
        server.log()
    );
    let Some(exit_status) = exit_status else {
        panic!("{name} was killed after running for {timeout:?}\n{report}");
    };
    assert!(
        exit_status.success(),
        "{name} exited with {exit_status}\n{report}"
    );
    ScriptRun { stdout, report }
}

/// Waits for `child` to exit. Kills it and returns `None` once `timeout` has
/// passed.
async fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        let exit_status = child
            .try_wait()
            .unwrap_or_else(|error| panic!("failed to poll python3: {error}"));
        if exit_status.is_some() {
            return exit_status;
        }
        if Instant::now() >= deadline {
            // The process may have exited in the meantime; the wait reaps it.
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Lists every regular file under `root`, recursively.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("failed to list {}: {error}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|error| panic!("failed to list {}: {error}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files
}

pub(super) fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

fn create_file(path: &Path) -> File {
    File::create(path)
        .unwrap_or_else(|error| panic!("failed to create {}: {error}", path.display()))
}

pub(super) fn read_bytes(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&read_bytes(path)).into_owned()
}
