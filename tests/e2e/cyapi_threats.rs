//! Runs the unmodified `cyapi` Python client (PyPI package `cyapi` 1.0.20)
//! against the real server, on a tenant filled by the `seed` command: its
//! global-list, threat and memory-protection methods, each checked by
//! `tests/compat/cyapi_threats.py`. Then checks that the application secret
//! appears in neither the server's log nor any file of its data directory.

use std::fs;
use std::io::ErrorKind;
use std::time::Duration;

use super::cyapi::{ScriptRun, contains_bytes, read_bytes, run_script_within};
use super::server::TestServer;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/compat/cyapi_threats.py");

/// Devices the tenant is seeded with. They give 250 threats, so cyapi reads
/// threats in two pages of 200 and each global list in pages of 20.
const SEEDED_DEVICES: &str = "1000";

/// Upper bound for the whole script. cyapi 1.0.20 retries 5xx responses and
/// refused connections up to 250 times with back-off, so a broken server would
/// otherwise keep it running for hours.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

#[actix_web::test]
async fn cyapi_client_reads_threats_and_edits_global_lists() {
    let server = TestServer::start_seeded(SEEDED_DEVICES).await;
    let scratch_dir = tempfile::Builder::new()
        .prefix("aurora-e2e-cyapi-threats-")
        .tempdir()
        .unwrap_or_else(|error| panic!("failed to create a temporary directory: {error}"));
    let secret_path = scratch_dir.path().join("application-secret");
    let ScriptRun { stdout, report } = run_script_within(
        &server,
        SCRIPT,
        scratch_dir.path(),
        &secret_path,
        SCRIPT_TIMEOUT,
    )
    .await;
    for step in [
        "get_global_list('quarantine'):",
        "get_global_list('safe'):",
        "add_to_global_list('quarantine'): added, then 409 on the duplicate",
        "add_to_global_list('safe'): added as InternalApplication",
        "delete_from_global_list('quarantine'): removed, then 404 on the repeat",
        "delete_from_global_list('safe'): removed, then 404 on the repeat",
        "get_threats():",
        "get_threats(start_time='",
        "get_threats(start_time, end_time):",
        "get_threat():",
        "get_threat_devices():",
        "get_threat_download_url(): 404, no sample stored",
        "get_memory_protection_events():",
        "get_memory_protection_event():",
    ] {
        assert!(stdout.contains(step), "no {step:?} in the output\n{report}");
    }

    let secret = fs::read_to_string(&secret_path)
        .unwrap_or_else(|error| panic!("failed to read the secret file: {error}\n{report}"));
    let secret = secret.trim().as_bytes();
    assert!(
        !contains_bytes(&read_bytes(server.log_path()), secret),
        "the server log contains the secret"
    );
    for entry in fs::read_dir(server.data_dir())
        .unwrap_or_else(|error| panic!("failed to list {}: {error}", server.data_dir().display()))
    {
        let path = entry
            .unwrap_or_else(|error| panic!("failed to list the data directory: {error}"))
            .path();
        // SQLite may delete a temporary file between the listing and the read.
        let content = match fs::read(&path) {
            Ok(content) => content,
            Err(error) if error.kind() == ErrorKind::NotFound => continue,
            Err(error) => panic!("failed to read {}: {error}", path.display()),
        };
        assert!(
            !contains_bytes(&content, secret),
            "{} contains the secret in plaintext",
            path.display()
        );
    }
}
