//! Explanation requests: the request itself (with the hash of the violator's current link), its
//! evidence snapshot, its history, and the failed token lookups that throttle link guessing.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Explanations {
    Table,
    Id,
    Priority,
    PriorityRank,
    Status,
    StatusRank,
    ViolatorId,
    ManagerId,
    AuditorId,
    OwnerId,
    RuleId,
    CategoryId,
    TicketId,
    Result,
    Message,
    Deadline,
    TokenHash,
    TokenIssuedAt,
    SubmittedAt,
    ClosedAt,
    RemindedAt,
    OverdueNotifiedAt,
    SearchText,
    EvidenceCount,
    CreatedAt,
    ModifiedAt,
    Version,
}

#[derive(DeriveIden)]
enum ExplanationEvidence {
    Table,
    Id,
    ExplanationId,
    SchemaName,
    At,
    Record,
    LogRecordId,
}

#[derive(DeriveIden)]
enum ExplanationHistory {
    Table,
    Id,
    ExplanationId,
    At,
    ActorKind,
    ActorEmployeeId,
    ActorAccountId,
    Action,
    FromStatus,
    ToStatus,
    Result,
    Comment,
    Internal,
}

#[derive(DeriveIden)]
enum TokenFailures {
    Table,
    Id,
    Ip,
    At,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rules {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ExplanationCategories {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    ExplanationStatus,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Explanations::Table)
                .col(big_pk_auto(Explanations::Id))
                .col(string_len(Explanations::Priority, 16))
                .col(small_integer(Explanations::PriorityRank))
                .col(string_len(Explanations::Status, 16))
                .col(small_integer(Explanations::StatusRank))
                .col(string_len(Explanations::ViolatorId, 64))
                .col(string_len(Explanations::ManagerId, 64))
                .col(string_len_null(Explanations::AuditorId, 64))
                .col(big_integer_null(Explanations::OwnerId))
                .col(big_integer_null(Explanations::RuleId))
                .col(big_integer(Explanations::CategoryId))
                .col(big_integer_null(Explanations::TicketId))
                .col(string_len_null(Explanations::Result, 16))
                .col(text(Explanations::Message))
                .col(timestamp_with_time_zone(Explanations::Deadline))
                .col(string_len_null(Explanations::TokenHash, 64).unique_key())
                .col(timestamp_with_time_zone_null(Explanations::TokenIssuedAt))
                .col(timestamp_with_time_zone_null(Explanations::SubmittedAt))
                .col(timestamp_with_time_zone_null(Explanations::ClosedAt))
                .col(timestamp_with_time_zone_null(Explanations::RemindedAt))
                .col(timestamp_with_time_zone_null(Explanations::OverdueNotifiedAt))
                .col(text(Explanations::SearchText))
                .col(integer(Explanations::EvidenceCount).default(0))
                .col(timestamp_with_time_zone(Explanations::CreatedAt))
                .col(timestamp_with_time_zone(Explanations::ModifiedAt))
                .col(big_integer(Explanations::Version).default(1))
                // Employees named on a request cannot be deleted from under it.
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::ViolatorId),
                    (Employees::Table, Employees::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::ManagerId),
                    (Employees::Table, Employees::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::AuditorId),
                    (Employees::Table, Employees::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::OwnerId),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::RuleId),
                    (Rules::Table, Rules::Id),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::CategoryId),
                    (ExplanationCategories::Table, ExplanationCategories::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    (Explanations::Table, Explanations::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // Every list filter and sort leads with its column and ends with the keyset tie-breaker.
        for (name, cols) in [
            ("ix_explanations_created", &["created_at", "id"][..]),
            ("ix_explanations_status", &["status", "created_at", "id"]),
            ("ix_explanations_priority", &["priority", "created_at", "id"]),
            ("ix_explanations_category", &["category_id", "created_at", "id"]),
            ("ix_explanations_deadline", &["deadline", "id"]),
            ("ix_explanations_violator", &["violator_id", "created_at", "id"]),
            ("ix_explanations_manager", &["manager_id", "status"]),
            ("ix_explanations_auditor", &["auditor_id", "status"]),
            ("ix_explanations_ticket", &["ticket_id", "id"]),
        ] {
            m.create_index(index(name, Explanations::Table, cols)).await?;
        }

        m.create_table(
            Table::create()
                .table(ExplanationEvidence::Table)
                .col(big_pk_auto(ExplanationEvidence::Id))
                .col(big_integer(ExplanationEvidence::ExplanationId))
                .col(string_len(ExplanationEvidence::SchemaName, 100))
                .col(timestamp_with_time_zone(ExplanationEvidence::At))
                .col(json(ExplanationEvidence::Record))
                .col(big_integer_null(ExplanationEvidence::LogRecordId))
                .foreign_key(&mut fk(
                    (ExplanationEvidence::Table, ExplanationEvidence::ExplanationId),
                    (Explanations::Table, Explanations::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_explanation_evidence_explanation",
            ExplanationEvidence::Table,
            &["explanation_id", "schema_name", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ExplanationHistory::Table)
                .col(big_pk_auto(ExplanationHistory::Id))
                .col(big_integer(ExplanationHistory::ExplanationId))
                .col(timestamp_with_time_zone(ExplanationHistory::At))
                .col(string_len(ExplanationHistory::ActorKind, 16))
                .col(string_len_null(ExplanationHistory::ActorEmployeeId, 64))
                .col(big_integer_null(ExplanationHistory::ActorAccountId))
                .col(string_len(ExplanationHistory::Action, 32))
                .col(string_len_null(ExplanationHistory::FromStatus, 16))
                .col(string_len_null(ExplanationHistory::ToStatus, 16))
                .col(string_len_null(ExplanationHistory::Result, 16))
                .col(text_null(ExplanationHistory::Comment))
                .col(boolean(ExplanationHistory::Internal).default(false))
                .foreign_key(&mut fk(
                    (ExplanationHistory::Table, ExplanationHistory::ExplanationId),
                    (Explanations::Table, Explanations::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_explanation_history_explanation",
            ExplanationHistory::Table,
            &["explanation_id", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(TokenFailures::Table)
                .col(big_pk_auto(TokenFailures::Id))
                .col(string_len(TokenFailures::Ip, 64))
                .col(timestamp_with_time_zone(TokenFailures::At))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_token_failures_ip", TokenFailures::Table, &["ip", "at"])).await?;

        m.alter_table(
            Table::alter()
                .table(Tickets::Table)
                .add_column(ColumnDef::new(Tickets::ExplanationStatus).string_len(16).null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Tickets::Table).drop_column(Tickets::ExplanationStatus).to_owned(),
        )
        .await?;
        for table in [
            TokenFailures::Table.into_iden(),
            ExplanationHistory::Table.into_iden(),
            ExplanationEvidence::Table.into_iden(),
            Explanations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
