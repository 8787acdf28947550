//! Run-time settings: defaults, then environment variables, then
//! command-line flags, validated once at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::api::rate_limit::Limits;
use crate::domain::secrets::{KeyEncryptionKey, KeyError, KeySource};

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";
const DATABASE_FILE: &str = "aurora.sqlite3";
const KEY_FILE: &str = "key-encryption.key";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "DATABASE_URL uses an unsupported scheme ({0}); give a SQLite file path, or leave it unset to use the data directory"
    )]
    UnsupportedDatabase(String),
    #[error("AURORA_PUBLIC_URL must be an absolute http or https URL, got {0:?}")]
    PublicUrl(String),
    #[error("invalid bind address {0:?}; expected HOST:PORT such as 127.0.0.1:8080")]
    Bind(String),
    #[error("key-encryption key: {0}")]
    Key(#[from] KeyError),
    #[error("{name} must be a positive whole number of requests per minute, got {value:?}")]
    RateLimit { name: &'static str, value: String },
    #[error("cannot read AURORA_KEK_FILE {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_path: String,
    /// The API base URL shown to administrators; derived from `bind` when unset.
    pub public_url: String,
    /// Whether cookies get the `Secure` attribute: true when served over https.
    pub secure_cookies: bool,
    pub rate_limits: Limits,
}

impl Config {
    /// Builds the configuration from explicit values; `None` means "use the
    /// environment, then the default".
    pub fn resolve(bind: Option<&str>, data_dir: Option<&Path>) -> Result<Config, ConfigError> {
        let bind_text = bind
            .map(str::to_owned)
            .or_else(|| env("AURORA_BIND"))
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_text
            .parse()
            .map_err(|_| ConfigError::Bind(bind_text.clone()))?;
        let data_dir = data_dir
            .map(Path::to_path_buf)
            .or_else(|| env("AURORA_DATA_DIR").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        create_private_dir(&data_dir).map_err(|source| ConfigError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let database_path = match env("DATABASE_URL") {
            None => data_dir.join(DATABASE_FILE).display().to_string(),
            Some(url) => sqlite_path(&url)?,
        };
        let public_url = match env("AURORA_PUBLIC_URL") {
            Some(url) => normalize_public_url(&url)?,
            None => format!("http://{bind}/"),
        };
        let secure_cookies = public_url.starts_with("https://");
        Ok(Config {
            bind,
            data_dir,
            database_path,
            public_url,
            secure_cookies,
            rate_limits: rate_limits_from_env()?,
        })
    }

    /// Loads the key-encryption key: `AURORA_KEK` (base64), else the file
    /// named by `AURORA_KEK_FILE`, else the key file in the data directory,
    /// created with mode 0600 on first start.
    pub fn load_key(&self) -> Result<(KeyEncryptionKey, KeySource), ConfigError> {
        if let Some(text) = env("AURORA_KEK") {
            return Ok((
                KeyEncryptionKey::from_base64(&text)?,
                KeySource::Environment,
            ));
        }
        if let Some(path) = env("AURORA_KEK_FILE") {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::KeyFile {
                path: path.clone(),
                source,
            })?;
            crate::domain::secrets::check_private(Path::new(&path))?;
            return Ok((KeyEncryptionKey::from_base64(&text)?, KeySource::File));
        }
        Ok(KeyEncryptionKey::load_or_create(
            &self.data_dir.join(KEY_FILE),
        )?)
    }
}

/// Creates the data directory readable by its owner only (mode 0700 on
/// Unix), since SQLite creates its files readable by everyone. An existing
/// directory is left as it is, with a warning when others can read it.
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if path.is_dir() {
            let mode = std::fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    data_dir = %path.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the data directory is readable by other users; restrict it with chmod 700"
                );
            }
            return Ok(());
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(path)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// Reads [`Limits`]: the defaults, each replaceable by an environment variable.
fn rate_limits_from_env() -> Result<Limits, ConfigError> {
    let mut limits = Limits::default();
    let fields: [(&'static str, &mut u32); 5] = [
        (
            "AURORA_LIMIT_EXCHANGES_PER_APPLICATION",
            &mut limits.exchanges_per_application,
        ),
        (
            "AURORA_LIMIT_FAILED_EXCHANGES_PER_ADDRESS",
            &mut limits.failed_exchanges_per_address,
        ),
        (
            "AURORA_LIMIT_EXCHANGES_PER_ADDRESS",
            &mut limits.exchanges_per_address,
        ),
        (
            "AURORA_LIMIT_REQUESTS_PER_TOKEN",
            &mut limits.requests_per_token,
        ),
        (
            "AURORA_LIMIT_BAD_TOKENS_PER_ADDRESS",
            &mut limits.bad_tokens_per_address,
        ),
    ];
    for (name, field) in fields {
        if let Some(value) = env(name) {
            *field = value
                .trim()
                .parse()
                .ok()
                .filter(|n: &u32| *n > 0)
                .ok_or(ConfigError::RateLimit { name, value })?;
        }
    }
    Ok(limits)
}

fn sqlite_path(url: &str) -> Result<String, ConfigError> {
    if let Some((scheme, _)) = url.split_once("://") {
        if scheme.eq_ignore_ascii_case("sqlite") {
            return Ok(url[scheme.len() + 3..].to_owned());
        }
        return Err(ConfigError::UnsupportedDatabase(scheme.to_owned()));
    }
    Ok(url.trim_start_matches("sqlite:").to_owned())
}

fn normalize_public_url(text: &str) -> Result<String, ConfigError> {
    let parsed =
        url::Url::parse(text.trim()).map_err(|_| ConfigError::PublicUrl(text.to_owned()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ConfigError::PublicUrl(text.to_owned()));
    }
    let mut shown = parsed.to_string();
    if !shown.ends_with('/') {
        shown.push('/');
    }
    Ok(shown)
}
