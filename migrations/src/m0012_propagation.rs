//! Propagation and reputation: notification providers (SMS and messenger webhooks), the cache of
//! VirusTotal answers, and the calls made to it (the per-minute quota is counted over these rows
//! so every server process shares it).

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NotificationProviders {
    Table,
    Id,
    Kind,
    Name,
    Enabled,
    Url,
    Headers,
    BodyTemplate,
    CreatedAt,
    ModifiedAt,
}

#[derive(DeriveIden)]
enum ReputationCache {
    Table,
    /// SHA-256 of `kind:value`, so long URLs make short keys.
    Key,
    Kind,
    Value,
    Summary,
    FetchedAt,
}

#[derive(DeriveIden)]
enum ReputationCalls {
    Table,
    Id,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NotificationProviders::Table)
                .col(big_pk_auto(NotificationProviders::Id))
                .col(string_len(NotificationProviders::Kind, 16))
                .col(string_len(NotificationProviders::Name, 100).unique_key())
                .col(boolean(NotificationProviders::Enabled))
                .col(text(NotificationProviders::Url))
                .col(json(NotificationProviders::Headers))
                .col(text(NotificationProviders::BodyTemplate))
                .col(timestamp_with_time_zone(NotificationProviders::CreatedAt))
                .col(timestamp_with_time_zone(NotificationProviders::ModifiedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReputationCache::Table)
                .col(string_len(ReputationCache::Key, 64).primary_key())
                .col(string_len(ReputationCache::Kind, 16))
                .col(text(ReputationCache::Value))
                .col(json(ReputationCache::Summary))
                .col(timestamp_with_time_zone(ReputationCache::FetchedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReputationCalls::Table)
                .col(big_pk_auto(ReputationCalls::Id))
                .col(timestamp_with_time_zone(ReputationCalls::At))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_reputation_calls_at", ReputationCalls::Table, &["at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReputationCalls::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReputationCache::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(NotificationProviders::Table).to_owned()).await?;
        Ok(())
    }
}
