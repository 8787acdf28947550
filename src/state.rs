//! Shared state handed to every request handler.

use std::sync::Arc;

use crate::api::rate_limit::RateLimiter;
use crate::config::Config;
use crate::db::DbPool;
use crate::domain::secrets::KeyEncryptionKey;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub kek: Arc<KeyEncryptionKey>,
    pub config: Config,
    pub rate_limiter: Arc<RateLimiter>,
}
