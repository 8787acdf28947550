//! Start-up configuration as the command line applies it: file modes of
//! what it creates and refusals of unsafe key files.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const BINARY: &str = env!("CARGO_BIN_EXE_aurora-console");

fn tenant_create(data_dir: &std::path::Path, extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(BINARY);
    command
        .args(["tenant", "create", "--name", "Modes"])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("AURORA_DATA_DIR")
        .env_remove("DATABASE_URL")
        .env_remove("AURORA_KEK")
        .env_remove("AURORA_KEK_FILE");
    for (name, value) in extra_env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn key_file_readable_by_others_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let key_path = scratch.path().join("shared.key");
    std::fs::write(&key_path, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
    std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = tenant_create(
        &scratch.path().join("data"),
        &[("AURORA_KEK_FILE", key_path.to_str().unwrap())],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is readable by other users (mode 644); restrict it with: chmod 600"),
        "{stderr}"
    );
}

#[test]
fn new_data_directory_is_private() {
    let scratch = tempfile::tempdir().unwrap();
    let data_dir = scratch.path().join("nested").join("data");
    let output = tenant_create(&data_dir, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mode = std::fs::metadata(&data_dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    let key_mode = std::fs::metadata(data_dir.join("key-encryption.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(key_mode & 0o777, 0o600);
}
