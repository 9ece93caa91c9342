//! Indexes for the two ticket list sorts added after the first release: `closed_at` with open
//! tickets last in both directions, and `duplicate_count`. Each leads with the sort and ends with
//! the keyset tie-breaker, so a first page (and every next one) reads the index in order instead
//! of sorting every matching ticket.
//!
//! Open tickets have no `closed_at`, and the list puts them last whichever way it sorts: the
//! query orders by `closed_at IS NULL, closed_at, id`, so the index is over those expressions.
//! A B-tree read backwards reverses every column, nulls included, so the descending order
//! (values newest first, then the open tickets) needs an index of its own. Both databases accept
//! the same expression index statement and use it for that `ORDER BY` (checked with `EXPLAIN`).

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tickets {
    Table,
}

const DUPLICATE_COUNT: &str = "ix_tickets_duplicate_count";
const CLOSED_ASC: &str = "ix_tickets_closed_open_last";
const CLOSED_DESC: &str = "ix_tickets_closed_open_last_desc";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(DUPLICATE_COUNT, Tickets::Table, &["duplicate_count", "id"])).await?;
        let db = m.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX {CLOSED_ASC} ON tickets ((closed_at IS NULL), closed_at, id)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX {CLOSED_DESC} ON tickets ((closed_at IS NULL), closed_at DESC, id DESC)"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [CLOSED_DESC, CLOSED_ASC, DUPLICATE_COUNT] {
            m.drop_index(Index::drop().name(name).table(Tickets::Table).to_owned()).await?;
        }
        Ok(())
    }
}
