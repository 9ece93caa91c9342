//! Log schemas and tables, ingested records, detection rules, suppressions, and what rule
//! tickets need on top of tickets: a dedup key, first/last seen, an occurrence timeline.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LogSchemas {
    Table,
    Id,
    Name,
    Description,
    Fields,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LogTables {
    Table,
    Id,
    Name,
    Description,
    SchemaId,
    RecordCount,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LogRecords {
    Table,
    Id,
    TableId,
    RecordId,
    Time,
    EmpKey,
    Fields,
    SearchText,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Rules {
    Table,
    Id,
    Name,
    Description,
    Kind,
    Enabled,
    TableId,
    Condition,
    Batch,
    Ticket,
    Explanation,
    DedupFields,
    DedupWindowSecs,
    MatchCount,
    TicketCount,
    SuppressedCount,
    ErrorCount,
    LastError,
    LastMatchedAt,
    LastRunAt,
    NextRunAt,
    CreatedAt,
    ModifiedAt,
    Version,
}

#[derive(DeriveIden)]
enum Suppressions {
    Table,
    Id,
    RuleId,
    KeyValues,
    Reason,
    ExpiresAt,
    HitCount,
    LastHitAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TicketOccurrences {
    Table,
    TicketId,
    Bucket,
    Count,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    DedupKey,
    FirstSeenAt,
    LastSeenAt,
    EvidenceCount,
}

#[derive(DeriveIden)]
enum TicketEvidence {
    Table,
    LogRecordId,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LogSchemas::Table)
                .col(big_pk_auto(LogSchemas::Id))
                .col(string_len_uniq(LogSchemas::Name, 100))
                .col(text_null(LogSchemas::Description))
                .col(json(LogSchemas::Fields))
                .col(timestamp_with_time_zone(LogSchemas::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogTables::Table)
                .col(big_pk_auto(LogTables::Id))
                .col(string_len_uniq(LogTables::Name, 64))
                .col(text_null(LogTables::Description))
                .col(big_integer(LogTables::SchemaId))
                .col(big_integer(LogTables::RecordCount).default(0))
                .col(timestamp_with_time_zone(LogTables::CreatedAt))
                .foreign_key(&mut fk(
                    (LogTables::Table, LogTables::SchemaId),
                    (LogSchemas::Table, LogSchemas::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogRecords::Table)
                .col(big_pk_auto(LogRecords::Id))
                .col(big_integer(LogRecords::TableId))
                .col(string_len_null(LogRecords::RecordId, 255))
                .col(timestamp_with_time_zone(LogRecords::Time))
                .col(string_len_null(LogRecords::EmpKey, 255))
                .col(json(LogRecords::Fields))
                .col(text(LogRecords::SearchText))
                .col(timestamp_with_time_zone(LogRecords::ReceivedAt))
                .foreign_key(&mut fk(
                    (LogRecords::Table, LogRecords::TableId),
                    (LogTables::Table, LogTables::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        // The client's `_id` makes ingest idempotent; records without one never conflict (NULLs
        // are distinct on both databases).
        m.create_index(
            index("ux_log_records_record_id", LogRecords::Table, &["table_id", "record_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_log_records_time", LogRecords::Table, &["table_id", "time", "id"])).await?;
        m.create_index(index(
            "ix_log_records_emp_key",
            LogRecords::Table,
            &["table_id", "emp_key", "time", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Rules::Table)
                .col(big_pk_auto(Rules::Id))
                .col(string_len_uniq(Rules::Name, 100))
                .col(text_null(Rules::Description))
                .col(string_len(Rules::Kind, 16))
                .col(boolean(Rules::Enabled).default(true))
                .col(big_integer(Rules::TableId))
                .col(json_null(Rules::Condition))
                .col(json_null(Rules::Batch))
                .col(json(Rules::Ticket))
                .col(json_null(Rules::Explanation))
                .col(json(Rules::DedupFields))
                .col(big_integer(Rules::DedupWindowSecs))
                .col(big_integer(Rules::MatchCount).default(0))
                .col(big_integer(Rules::TicketCount).default(0))
                .col(big_integer(Rules::SuppressedCount).default(0))
                .col(big_integer(Rules::ErrorCount).default(0))
                .col(text_null(Rules::LastError))
                .col(timestamp_with_time_zone_null(Rules::LastMatchedAt))
                .col(timestamp_with_time_zone_null(Rules::LastRunAt))
                .col(timestamp_with_time_zone_null(Rules::NextRunAt))
                .col(timestamp_with_time_zone(Rules::CreatedAt))
                .col(timestamp_with_time_zone(Rules::ModifiedAt))
                .col(big_integer(Rules::Version).default(1))
                .foreign_key(&mut fk(
                    (Rules::Table, Rules::TableId),
                    (LogTables::Table, LogTables::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_rules_table", Rules::Table, &["table_id", "kind", "enabled"])).await?;
        m.create_index(index("ix_rules_due", Rules::Table, &["kind", "enabled", "next_run_at"])).await?;

        m.create_table(
            Table::create()
                .table(Suppressions::Table)
                .col(big_pk_auto(Suppressions::Id))
                .col(big_integer(Suppressions::RuleId))
                .col(json(Suppressions::KeyValues))
                .col(text(Suppressions::Reason))
                .col(timestamp_with_time_zone_null(Suppressions::ExpiresAt))
                .col(big_integer(Suppressions::HitCount).default(0))
                .col(timestamp_with_time_zone_null(Suppressions::LastHitAt))
                .col(string_len_null(Suppressions::CreatedBy, 255))
                .col(timestamp_with_time_zone(Suppressions::CreatedAt))
                .foreign_key(&mut fk(
                    (Suppressions::Table, Suppressions::RuleId),
                    (Rules::Table, Rules::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_suppressions_rule", Suppressions::Table, &["rule_id", "expires_at"]))
            .await?;

        // SQLite takes one ALTER option per statement.
        for col in [
            ColumnDef::new(Tickets::DedupKey).text().null().to_owned(),
            ColumnDef::new(Tickets::FirstSeenAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Tickets::LastSeenAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Tickets::EvidenceCount).big_integer().not_null().default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Tickets::Table).add_column(col).to_owned()).await?;
        }
        m.create_index(index("ix_tickets_rule_dedup", Tickets::Table, &["rule_id", "dedup_key", "id"]))
            .await?;
        m.alter_table(
            Table::alter()
                .table(TicketEvidence::Table)
                .add_column(ColumnDef::new(TicketEvidence::LogRecordId).big_integer().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TicketOccurrences::Table)
                .col(big_integer(TicketOccurrences::TicketId))
                .col(timestamp_with_time_zone(TicketOccurrences::Bucket))
                .col(big_integer(TicketOccurrences::Count))
                .primary_key(Index::create().col(TicketOccurrences::TicketId).col(TicketOccurrences::Bucket))
                .foreign_key(&mut fk(
                    (TicketOccurrences::Table, TicketOccurrences::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TicketOccurrences::Table).to_owned()).await?;
        m.alter_table(
            Table::alter().table(TicketEvidence::Table).drop_column(TicketEvidence::LogRecordId).to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("ix_tickets_rule_dedup").table(Tickets::Table).to_owned()).await?;
        for col in [Tickets::EvidenceCount, Tickets::LastSeenAt, Tickets::FirstSeenAt, Tickets::DedupKey] {
            m.alter_table(Table::alter().table(Tickets::Table).drop_column(col).to_owned()).await?;
        }
        for table in [
            Suppressions::Table.into_iden(),
            Rules::Table.into_iden(),
            LogRecords::Table.into_iden(),
            LogTables::Table.into_iden(),
            LogSchemas::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
