//! The audit log is append-only in the database itself: triggers refuse every UPDATE and DELETE
//! of `audit_log` (and TRUNCATE on PostgreSQL), whoever sends them, the application's own
//! connection included. Dropping the triggers takes a schema change, which a deployment that
//! wants more gives to a different role than the one the server runs as (see the README).

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
];

const SQLITE_DOWN: &[&str] =
    &["DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"];

const POSTGRES_UP: &[&str] = &[
    "CREATE FUNCTION socdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
       FOR EACH ROW EXECUTE FUNCTION socdesk_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
       FOR EACH STATEMENT EXECUTE FUNCTION socdesk_append_only()",
    // Nobody else is granted more than reading and appending either.
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS socdesk_append_only()",
];

async fn run(m: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    for sql in statements {
        m.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => run(m, SQLITE_UP).await,
            DatabaseBackend::Postgres => run(m, POSTGRES_UP).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => run(m, SQLITE_DOWN).await,
            DatabaseBackend::Postgres => run(m, POSTGRES_DOWN).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }
}
