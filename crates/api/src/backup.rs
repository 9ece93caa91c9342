//! `socdesk backup FILE` and `socdesk restore FILE` for the SQLite database. A backup is taken
//! online (`VACUUM INTO`: one consistent snapshot while the server keeps running); a restore
//! checks the copy and puts it in place only while no process has the database open.
//! PostgreSQL is backed up with its own tools (`pg_dump`), which the README documents.

use std::path::{Path, PathBuf};

use crate::{migrate, settings::Settings, startup};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// Why a backup or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup and restore are for SQLite; back PostgreSQL up with pg_dump (see the README)")]
    NotSqlite,
    #[error("{0} already exists; choose a new file")]
    Exists(PathBuf),
    #[error("{0} is not a socdesk database: {1}")]
    NotABackup(PathBuf, String),
    #[error("{0} was made by a newer socdesk (it has migration {1}); upgrade first")]
    Newer(PathBuf, String),
    #[error("the database is in use (a server is running on it); stop every socdesk process first")]
    InUse,
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The SQLite file the settings name.
fn database_file(settings: &Settings) -> Result<PathBuf, BackupError> {
    startup::sqlite_file(&settings.database_url).map(PathBuf::from).ok_or(BackupError::NotSqlite)
}

fn url_of(file: &Path, mode: &str) -> String {
    format!("sqlite://{}?mode={mode}", file.display())
}

/// Writes a consistent copy of the database to `target` (which must not exist) while it stays
/// in use.
pub async fn backup(settings: &Settings, target: &Path) -> Result<(), BackupError> {
    let source = database_file(settings)?;
    if target.exists() {
        return Err(BackupError::Exists(target.to_owned()));
    }
    let db = Database::connect(url_of(&source, "ro")).await?;
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.display().to_string().into()],
        ))
        .await;
    db.close().await.ok();
    result?;
    Ok(())
}

/// Checks that `file` is an intact socdesk database this version can run.
async fn check_backup(file: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(file.to_owned(), why);
    if !file.is_file() {
        return Err(not("no such file".into()));
    }
    let db = Database::connect(url_of(file, "ro")).await.map_err(|e| not(e.to_string()))?;
    let checked = check_open_backup(&db, file).await;
    db.close().await.ok();
    checked
}

async fn check_open_backup(db: &DatabaseConnection, file: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(file.to_owned(), why);
    let query = |sql: &str| db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql));
    let integrity = query("PRAGMA integrity_check").await.map_err(|e| not(e.to_string()))?;
    let verdict: Vec<String> =
        integrity.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect();
    if verdict != ["ok"] {
        return Err(not(format!("integrity check: {}", verdict.join("; "))));
    }
    let recorded = migrate::recorded(db)
        .await
        .map_err(|e| not(e.to_string()))?
        .ok_or_else(|| not("it has no socdesk schema".into()))?;
    let known = migrate::all_migrations();
    match recorded.into_iter().find(|version| !known.contains(version)) {
        Some(newer) => Err(BackupError::Newer(file.to_owned(), newer)),
        None => Ok(()),
    }
}

/// Replaces the database with the backup `source`, refusing while any process has it open.
/// The server applies the migrations the backup lacks when it next starts.
pub async fn restore(settings: &Settings, source: &Path) -> Result<(), BackupError> {
    let target = database_file(settings)?;
    check_backup(source).await?;
    // Leaving WAL mode needs the only connection to the file: a running server makes it fail.
    if target.exists() {
        let mut options = ConnectOptions::new(url_of(&target, "rw"));
        options.max_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await?;
        let mode = db
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA journal_mode = DELETE"))
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get_by_index::<String>(0).ok());
        db.close().await.ok();
        if mode.as_deref() != Some("delete") {
            return Err(BackupError::InUse);
        }
    } else if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let staging = target.with_extension("restoring");
    std::fs::copy(source, &staging)?;
    std::fs::File::open(&staging)?.sync_all()?;
    std::fs::rename(&staging, &target)?;
    for leftover in ["-wal", "-shm"] {
        let mut name = target.clone().into_os_string();
        name.push(leftover);
        let _ = std::fs::remove_file(name);
    }
    Ok(())
}
