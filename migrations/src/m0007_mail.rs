//! Mail: administrators' templates and the outbox that every change needing a mail writes to in
//! its own transaction, delivered by a worker with retries.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailTemplates {
    Table,
    Kind,
    Language,
    Subject,
    Body,
    ModifiedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    Body,
    ExplanationId,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    SentAt,
    LastError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MailTemplates::Table)
                .col(string_len(MailTemplates::Kind, 32))
                .col(string_len(MailTemplates::Language, 8))
                .col(string_len(MailTemplates::Subject, 255))
                .col(text(MailTemplates::Body))
                .col(timestamp_with_time_zone(MailTemplates::ModifiedAt))
                .primary_key(Index::create().col(MailTemplates::Kind).col(MailTemplates::Language))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(big_pk_auto(Outbox::Id))
                .col(string_len(Outbox::Kind, 32))
                .col(string_len(Outbox::Recipient, 320))
                .col(string_len(Outbox::Subject, 1000))
                .col(text(Outbox::Body))
                // No foreign key: a mail already written survives its explanation's deletion.
                .col(big_integer_null(Outbox::ExplanationId))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(integer(Outbox::Attempts).default(0))
                // Null once sent.
                .col(timestamp_with_time_zone_null(Outbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .col(text_null(Outbox::LastError))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_outbox_due", Outbox::Table, &["next_attempt_at", "id"])).await?;
        m.create_index(index("ix_outbox_explanation", Outbox::Table, &["explanation_id", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Outbox::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(MailTemplates::Table).to_owned()).await?;
        Ok(())
    }
}
