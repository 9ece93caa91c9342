//! Live updates: the database announces every ticket and explanation it inserts or updates, so
//! no write path can forget to (`socdesk_domain::changes` reads the announcements).
//!
//! PostgreSQL: statement triggers with transition tables send `NOTIFY socdesk_changes` with
//! `kind:id,id,…` (in chunks of 500 ids, well under the 8,000-byte payload limit); notifications
//! are delivered at commit, in commit order, to every process listening. SQLite has no NOTIFY:
//! row triggers append to `change_events` (AUTOINCREMENT, so an id is never reused after
//! pruning and readers can follow `id > last`), which readers poll and prune by age.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [(&str, &str); 2] = [("tickets", "ticket"), ("explanations", "explanation")];

fn sqlite_up() -> Vec<String> {
    let mut sql = vec![
        "CREATE TABLE change_events (\
           id INTEGER PRIMARY KEY AUTOINCREMENT, \
           kind TEXT NOT NULL, \
           entity_id INTEGER NOT NULL, \
           at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))"
            .to_owned(),
        "CREATE INDEX ix_change_events_at ON change_events (at)".to_owned(),
    ];
    for (table, kind) in TABLES {
        for event in ["INSERT", "UPDATE"] {
            sql.push(format!(
                "CREATE TRIGGER {table}_announce_{e} AFTER {event} ON {table} BEGIN \
                   INSERT INTO change_events (kind, entity_id) VALUES ('{kind}', new.id); END",
                e = event.to_lowercase()
            ));
        }
    }
    sql
}

fn sqlite_down() -> Vec<String> {
    let mut sql = Vec::new();
    for (table, _) in TABLES {
        for e in ["insert", "update"] {
            sql.push(format!("DROP TRIGGER IF EXISTS {table}_announce_{e}"));
        }
    }
    sql.push("DROP TABLE IF EXISTS change_events".to_owned());
    sql
}

const POSTGRES_FUNCTION: &str = "\
CREATE FUNCTION socdesk_announce() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text;
BEGIN
  FOR ids IN
    SELECT string_agg(id::text, ',')
    FROM (SELECT id, (row_number() OVER ()) / 500 AS chunk FROM changed) numbered
    GROUP BY chunk
  LOOP
    PERFORM pg_notify('socdesk_changes', TG_ARGV[0] || ':' || ids);
  END LOOP;
  RETURN NULL;
END
$$";

fn postgres_up() -> Vec<String> {
    let mut sql = vec![POSTGRES_FUNCTION.to_owned()];
    for (table, kind) in TABLES {
        // A trigger with transition tables serves one event, so each event has its own.
        for event in ["INSERT", "UPDATE"] {
            sql.push(format!(
                "CREATE TRIGGER {table}_announce_{e} AFTER {event} ON {table} \
                 REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION socdesk_announce('{kind}')",
                e = event.to_lowercase()
            ));
        }
    }
    sql
}

fn postgres_down() -> Vec<String> {
    let mut sql = Vec::new();
    for (table, _) in TABLES {
        for e in ["insert", "update"] {
            sql.push(format!("DROP TRIGGER IF EXISTS {table}_announce_{e} ON {table}"));
        }
    }
    sql.push("DROP FUNCTION IF EXISTS socdesk_announce()".to_owned());
    sql
}

async fn run(m: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    for sql in statements {
        m.get_connection().execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => run(m, sqlite_up()).await,
            DatabaseBackend::Postgres => run(m, postgres_up()).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => run(m, sqlite_down()).await,
            DatabaseBackend::Postgres => run(m, postgres_down()).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }
}
