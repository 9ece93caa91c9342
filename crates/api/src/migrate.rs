//! `socdesk migrate [--dry-run]`: applies the schema migrations the database lacks, or with
//! `--dry-run` only names them. The server applies them itself at start; the command lets an
//! operator see and apply them first (before a rolling upgrade of several processes, say).

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr, Statement};
use socdesk_migrations::{Migrator, MigratorTrait, SchemaManager};

use crate::{
    settings::Settings,
    startup::{self, StartupError},
};

/// What a run found and did.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    /// Migrations the database lacked, in the order they apply.
    pub pending: Vec<String>,
    /// Whether they were applied (false on a dry run).
    pub applied: bool,
}

/// Every migration's name, in order.
pub(crate) fn all_migrations() -> Vec<String> {
    Migrator::migrations().iter().map(|m| m.name().to_owned()).collect()
}

/// The migrations `db` records as applied, or `None` when it has no socdesk schema; read
/// without writing anything.
pub(crate) async fn recorded(db: &DatabaseConnection) -> Result<Option<BTreeSet<String>>, DbErr> {
    if !SchemaManager::new(db).has_table("seaql_migrations").await? {
        return Ok(None);
    }
    let sql = "SELECT version FROM seaql_migrations";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    Ok(Some(rows.iter().map(|r| r.try_get::<String>("", "version")).collect::<Result<_, _>>()?))
}

/// The migrations `db` has not recorded.
async fn pending(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    let done = recorded(db).await?.unwrap_or_default();
    Ok(all_migrations().into_iter().filter(|name| !done.contains(name)).collect())
}

/// Runs the command against the settings' database.
pub async fn run(settings: &Settings, dry_run: bool) -> Result<Report, StartupError> {
    let url = &settings.database_url;
    if dry_run {
        if let Some(file) = startup::sqlite_file(url)
            && !std::path::Path::new(file).exists()
        {
            // Nothing to open: a dry run must not create the file.
            return Ok(Report { pending: all_migrations(), applied: false });
        }
        // Read-only where the database allows saying so.
        let url = if url.starts_with("sqlite:") { url.replace("mode=rwc", "mode=ro") } else { url.clone() };
        let db = Database::connect(url).await?;
        let pending = pending(&db).await?;
        db.close().await.ok();
        return Ok(Report { pending, applied: false });
    }
    let db = startup::open(settings).await?;
    let pending = pending(&db).await?;
    Migrator::up(&db, None).await?;
    db.close().await.ok();
    Ok(Report { pending, applied: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_have_unique_names_in_order() {
        let names = all_migrations();
        assert!(names.len() >= 13);
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, names, "migration names sort in the order they apply, once each");
    }
}
