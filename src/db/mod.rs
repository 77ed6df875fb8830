//! The database layer: one connection type over PostgreSQL and SQLite, the pool, the
//! embedded migrations and every query. Nothing above this module writes SQL.

pub mod accounts;
pub mod activity;
pub mod approvals;
pub mod bulk;
pub mod campaigns;
pub mod company_pause;
pub mod confirmations;
pub mod contacting;
pub mod digests;
pub mod do_not_email;
pub mod forget;
pub mod ids;
pub mod imports;
pub mod incoming;
pub mod launch;
pub mod messages;
pub mod models;
pub mod outbox;
pub mod prospects;
pub mod recipients;
pub mod schedules;
pub mod schema;
pub mod senders;
pub mod sessions;
pub mod statistics;
pub mod submissions;
pub mod team;
pub mod tracking;
pub mod transfer;
pub mod usage;
pub mod values;
pub mod verifications;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// PostgreSQL first: SQLite accepts any string as a path.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// Errors of the database layer: a write conflicted with a unique index, the query failed,
/// or no connection could be had.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A write broke a unique index (two requests racing for one address, one pending
    /// invitation, one active membership): the caller decides what the user is told. Carries
    /// the database's message for the log.
    #[error("conflicts with an existing row: {0}")]
    Conflict(String),
    #[error("query failed: {0}")]
    Query(diesel::result::Error),
    #[error("no database connection: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot open the database: {0}")]
    Connect(#[from] ConnectionError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("database task failed: {0}")]
    Task(String),
}

/// The one place that tells a unique-index violation from other failures.
impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                info,
            ) => DbError::Conflict(info.message().to_string()),
            other => DbError::Query(other),
        }
    }
}

/// Which backend a `DATABASE_URL` names, and what to hand to that backend's driver.
/// `Debug` hides a PostgreSQL password (`postgres://user:***@host/db`).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path (or `:memory:`).
    Sqlite(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            DatabaseUrl::Postgres(url) => {
                let shown = match url.split_once("://") {
                    Some((scheme, rest)) => match rest.rsplit_once('@') {
                        Some((user_info, host)) => {
                            let user = user_info.split(':').next().unwrap_or("");
                            format!("{scheme}://{user}:***@{host}")
                        }
                        None => url.clone(),
                    },
                    None => url.clone(),
                };
                f.debug_tuple("Postgres").field(&shown).finish()
            }
        }
    }
}

impl DatabaseUrl {
    /// `postgres://` / `postgresql://` select PostgreSQL; `sqlite://PATH` and a plain path SQLite.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.contains("://") {
            return Err(format!(
                "scheme of '{url}' is not supported (use postgres:// or sqlite://)"
            ));
        }
        if path.is_empty() {
            return Err("names no SQLite file".into());
        }
        Ok(Self::Sqlite(path.to_string()))
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }
}

/// An r2d2 manager that opens the backend the URL names and prepares SQLite connections.
#[derive(Clone, Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// A connection given back while a thread panics or with a transaction still open (a
    /// job that panicked inside one) is closed, never handed out again.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Opens the pool after running the migrations of the URL's backend, one process at a time
/// (see [`migrate_exclusively`]).
///
/// Errors: the SQLite directory cannot be created, the database cannot be opened, the
/// migration lock cannot be taken or a migration fails.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> Result<Pool, DbError> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbError::Task(format!("cannot create {}: {e}", dir.display())))?;
    }
    let manager = ConnectionManager { url: url.clone() };
    migrate_exclusively(&manager)?;
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // No `SELECT 1` before every checkout: a connection that broke is found by
        // `has_broken` when it is given back, and its request fails once.
        .test_on_check_out(false)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| DbError::Task(format!("cannot open the database: {e}")))
}

/// The PostgreSQL advisory lock (single 64-bit key: "dripteam" in ASCII) held while one
/// process reads and runs the pending migrations.
const MIGRATION_LOCK_KEY: i64 = 0x6472_6970_7465_616d;

/// Runs the pending migrations while holding a lock that every dripteam process sharing the
/// database takes, so that replicas started together on a fresh database apply each migration
/// once: diesel's harness reads the pending list outside any lock and would otherwise let two
/// processes create the same tables (PostgreSQL: `duplicate key value violates unique
/// constraint "pg_type_typname_nsp_index"`; SQLite: `table ... already exists`).
///
/// - PostgreSQL: `pg_advisory_lock(MIGRATION_LOCK_KEY)` on a connection of its own, released
///   after (and by PostgreSQL when the connection ends, so a crashed process never holds it).
/// - SQLite: an exclusive OS file lock (`flock`) on `<database file>.migrate-lock`, next to
///   the database. A lock inside the database cannot work: diesel runs each migration in its
///   own transaction, which would wait for the lock holder's write lock. The file stays (an
///   empty file); the OS releases the lock when the process ends. `:memory:` needs no lock.
///
/// A process that finds the lock taken waits for it, then finds nothing pending.
fn migrate_exclusively(manager: &ConnectionManager) -> Result<(), DbError> {
    let open = |manager: &ConnectionManager| {
        manager
            .connect()
            .map_err(|e| DbError::Task(format!("cannot open the database: {e}")))
    };
    match &manager.url {
        DatabaseUrl::Postgres(_) => {
            let mut conn = open(manager)?;
            conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let outcome = run_migrations(&mut conn);
            conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            outcome
        }
        DatabaseUrl::Sqlite(path) if path.as_str() == ":memory:" => {
            run_migrations(&mut open(manager)?)
        }
        DatabaseUrl::Sqlite(path) => {
            let lock_path = format!("{path}.migrate-lock");
            let lock_error = |e: std::io::Error| {
                DbError::Migration(format!("cannot lock {lock_path} for migrations: {e}"))
            };
            let lock = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)
                .map_err(lock_error)?;
            if lock.try_lock().is_err() {
                log::info!("waiting for another process to finish the database migrations");
                lock.lock().map_err(lock_error)?;
            }
            let outcome = run_migrations(&mut open(manager)?);
            lock.unlock().map_err(lock_error)?;
            outcome
        }
    }
}

fn run_migrations(conn: &mut AnyConnection) -> Result<(), DbError> {
    let applied = match conn {
        AnyConnection::Postgresql(pg) => pg
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        AnyConnection::Sqlite(lite) => lite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
    }
    .map_err(|e| DbError::Migration(e.to_string()))?;
    if applied > 0 {
        log::info!("applied {applied} database migration(s)");
    }
    Ok(())
}

/// Runs `body` in a transaction that may write. On SQLite it takes the write lock at
/// `BEGIN IMMEDIATE`, so a transaction that reads before it writes waits for another
/// writer (busy_timeout) instead of failing with "database is locked" when it upgrades.
pub fn write_transaction<T, E>(
    conn: &mut AnyConnection,
    body: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DbError>,
{
    match conn {
        AnyConnection::Sqlite(lite) => {
            AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")
                .map_err(DbError::from)?
        }
        AnyConnection::Postgresql(_) => {
            <AnyConnection as Connection>::TransactionManager::begin_transaction(conn)
                .map_err(DbError::from)?
        }
    }
    let outcome = body(conn);
    finish_transaction(conn, outcome)
}

fn finish_transaction<T, E>(conn: &mut AnyConnection, outcome: Result<T, E>) -> Result<T, E>
where
    E: From<DbError>,
{
    match outcome {
        Ok(value) => {
            <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)
                .map_err(DbError::from)?;
            Ok(value)
        }
        Err(e) => {
            <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)
                .map_err(DbError::from)?;
            Err(e)
        }
    }
}

/// Runs `body` in a transaction that holds the write lock on `lock_user_id`'s pool from its
/// first statement: `BEGIN IMMEDIATE` on SQLite (one writer at a time), a row lock on the
/// user on PostgreSQL. Concurrent spends on the same pool are therefore serialised.
pub fn locked_transaction<T, E>(
    conn: &mut AnyConnection,
    lock_user_id: ids::UserId,
    body: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DbError>,
{
    match conn {
        AnyConnection::Sqlite(lite) => {
            AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")
                .map_err(DbError::from)?;
        }
        AnyConnection::Postgresql(_) => {
            <AnyConnection as Connection>::TransactionManager::begin_transaction(conn)
                .map_err(DbError::from)?;
            let lock = diesel::sql_query(format!(
                "SELECT id FROM users WHERE id = {lock_user_id} FOR UPDATE"
            ))
            .execute(conn);
            if let Err(e) = lock {
                <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)
                    .map_err(DbError::from)?;
                return Err(DbError::from(e).into());
            }
        }
    }
    let outcome = body(conn);
    finish_transaction(conn, outcome)
}

/// `GET /healthz`: does the database answer?
pub fn ping(conn: &mut AnyConnection) -> Result<(), DbError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn urls_select_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/dripteam.db"),
            Ok(DatabaseUrl::Sqlite("data/dripteam.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("/tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://postgres@127.0.0.1/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }
}
