//! Storage: the connection pool, per-connection SQLite settings, embedded
//! migrations and the bridge that runs database work on the blocking pool.
//!
//! TODO: only the SQLite backend exists so far. PostgreSQL would add a diesel
//! `MultiConnection` enum chosen from the `DATABASE_URL` scheme and a
//! `migrations/postgresql` folder mirroring `migrations/sqlite`; the queries
//! elsewhere already use only portable types and statements.

pub mod schema;
pub mod session_store;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub type DbConnection = SqliteConnection;
pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// How long a writer waits for SQLite's write lock before giving up.
const BUSY_TIMEOUT_MS: u32 = 5_000;

/// Failures of the storage layer. None of them is the user's fault, so they
/// are logged with their cause and shown to users as a generic error.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database query: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database migration: {0}")]
    Migration(String),
    #[error("blocking task was cancelled")]
    Cancelled,
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        // WAL lets readers proceed during a write; foreign keys are off by
        // default in SQLite and must be enabled on every connection.
        // secure_delete overwrites deleted rows, so a removed secret does
        // not linger in free pages. The busy timeout comes first: switching to WAL takes a lock that
        // other connections of a starting pool may hold for a moment.
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens the pool for `database_path` and runs pending migrations.
pub fn connect(database_path: &str) -> Result<DbPool, StorageError> {
    // One connection switches the file to WAL and migrates it before the
    // pool opens the others, so they never race for those locks.
    let migrator = Pool::builder()
        .max_size(1)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(ConnectionManager::<DbConnection>::new(database_path))?;
    migrator
        .get()?
        .run_pending_migrations(MIGRATIONS)
        .map_err(|err| StorageError::Migration(err.to_string()))?;
    drop(migrator);

    Ok(Pool::builder()
        .max_size(8)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(ConnectionManager::<DbConnection>::new(database_path))?)
}

/// Runs `work` with a pooled connection on actix's blocking thread pool, so
/// that neither SQLite nor argon2 ever stalls the async workers.
pub async fn run<T, E, F>(pool: &DbPool, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(StorageError::from)?;
        work(&mut conn)
    })
    .await
    .map_err(|_| StorageError::Cancelled)?
}

/// Runs `work` in a transaction that takes the write lock at its first
/// statement. A deferred SQLite transaction that reads before it writes
/// fails at once with "database is locked" when another connection commits
/// in between, and no busy timeout helps it. Starting with the lock makes
/// such transactions wait their turn instead. Use it for every transaction
/// that writes.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.immediate_transaction(work)
}

/// Copies the write-ahead log into the database file and truncates it, so
/// that rows just deleted (with secure_delete, which zeroes them in the
/// database file) leave no copy in the log either. Readers that still need
/// old pages can keep the log from being emptied; that is logged, not fatal.
pub fn flush_deleted_rows(conn: &mut DbConnection) {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
    }
    match diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result::<Checkpoint>(conn) {
        Ok(result) if result.busy == 0 => {}
        Ok(_) => tracing::warn!("write-ahead log not emptied: a reader still uses it"),
        Err(err) => tracing::warn!(error = %err, "write-ahead log checkpoint failed"),
    }
}

/// Returns true when the database responds to a trivial query.
pub fn is_ready(conn: &mut DbConnection) -> bool {
    conn.batch_execute("SELECT 1").is_ok()
}

/// Deletes expired sessions, access tokens, replay records and
/// invitation or password-reset links.
pub fn purge_expired(conn: &mut DbConnection, now: i64) -> Result<usize, StorageError> {
    use diesel::prelude::*;
    use schema::{access_tokens, console_sessions, used_auth_token_ids, user_invitations};

    let sessions =
        diesel::delete(console_sessions::table.filter(console_sessions::expires_at.le(now)))
            .execute(conn)?;
    let tokens = diesel::delete(access_tokens::table.filter(access_tokens::expires_at.le(now)))
        .execute(conn)?;
    let ids =
        diesel::delete(used_auth_token_ids::table.filter(used_auth_token_ids::expires_at.le(now)))
            .execute(conn)?;
    let links =
        diesel::delete(user_invitations::table.filter(user_invitations::expires_at.le(now)))
            .execute(conn)?;
    Ok(sessions + tokens + ids + links)
}

/// True when `err` is a unique-constraint violation.
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
