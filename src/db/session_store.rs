//! Console sessions kept in the database, so that every instance behind a
//! load balancer sees them and a logged-out or renewed session id is dead
//! everywhere. Only a SHA-256 of the session key is stored.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use diesel::prelude::*;

use super::schema::console_sessions;
use super::{DbPool, StorageError};
use crate::{clock, crypto};

type SessionState = HashMap<String, String>;

#[derive(Clone)]
pub struct DbSessionStore {
    pool: DbPool,
}

impl DbSessionStore {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

fn key_hash(key: &SessionKey) -> String {
    crypto::sha256_hex(key.as_ref().as_bytes())
}

fn new_key() -> SessionKey {
    SessionKey::try_from(crypto::random_token::<32>()).expect("43 characters fit in a cookie")
}

fn expiry(ttl: &Duration) -> i64 {
    clock::now() + ttl.whole_seconds()
}

fn insert_new(pool: &DbPool, state: String, expires_at: i64) -> Result<SessionKey, StorageError> {
    let key = new_key();
    let mut conn = pool.get()?;
    diesel::insert_into(console_sessions::table)
        .values((
            console_sessions::key_hash.eq(key_hash(&key)),
            console_sessions::state.eq(state),
            console_sessions::expires_at.eq(expires_at),
        ))
        .execute(&mut conn)?;
    Ok(key)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, anyhow::Error> {
    let result = actix_web::web::block(work).await?;
    Ok(result?)
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<SessionState>, LoadError> {
        let pool = self.pool.clone();
        let hash = key_hash(session_key);
        let row = blocking(move || {
            let mut conn = pool.get()?;
            let state = console_sessions::table
                .filter(console_sessions::key_hash.eq(hash))
                .filter(console_sessions::expires_at.gt(clock::now()))
                .select(console_sessions::state)
                .first::<String>(&mut conn)
                .optional()?;
            Ok(state)
        })
        .await
        .map_err(LoadError::Other)?;
        match row {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|err| LoadError::Deserialization(err.into())),
        }
    }

    async fn save(&self, state: SessionState, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let text = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let pool = self.pool.clone();
        let expires_at = expiry(ttl);
        blocking(move || insert_new(&pool, text, expires_at))
            .await
            .map_err(SaveError::Other)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: SessionState,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let text =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let pool = self.pool.clone();
        let hash = key_hash(&session_key);
        let expires_at = expiry(ttl);
        let renewed = blocking(move || {
            let mut conn = pool.get()?;
            let updated = diesel::update(
                console_sessions::table
                    .filter(console_sessions::key_hash.eq(&hash))
                    .filter(console_sessions::expires_at.gt(clock::now())),
            )
            .set((
                console_sessions::state.eq(&text),
                console_sessions::expires_at.eq(expires_at),
            ))
            .execute(&mut conn)?;
            drop(conn);
            if updated == 0 {
                // The session expired or was purged meanwhile: start a new one
                // rather than resurrecting the old key.
                return insert_new(&pool, text, expires_at).map(Some);
            }
            Ok(None)
        })
        .await
        .map_err(UpdateError::Other)?;
        Ok(renewed.unwrap_or(session_key))
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let pool = self.pool.clone();
        let hash = key_hash(session_key);
        let expires_at = expiry(ttl);
        blocking(move || {
            let mut conn = pool.get()?;
            diesel::update(console_sessions::table.filter(console_sessions::key_hash.eq(hash)))
                .set(console_sessions::expires_at.eq(expires_at))
                .execute(&mut conn)?;
            Ok(())
        })
        .await
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let pool = self.pool.clone();
        let hash = key_hash(session_key);
        blocking(move || {
            let mut conn = pool.get()?;
            diesel::delete(console_sessions::table.filter(console_sessions::key_hash.eq(hash)))
                .execute(&mut conn)?;
            Ok(())
        })
        .await
    }
}
