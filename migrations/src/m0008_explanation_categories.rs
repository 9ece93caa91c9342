//! Explanation categories (Response > Explanation Categories): the same shape as ticket
//! categories. The explanations themselves arrive in a later migration.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ExplanationCategories {
    Table,
    Id,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ExplanationCategories::Table)
                .col(big_pk_auto(ExplanationCategories::Id))
                .col(string_len_uniq(ExplanationCategories::Name, 100))
                .col(text(ExplanationCategories::Description).default(""))
                .col(timestamp_with_time_zone(ExplanationCategories::CreatedAt))
                .col(timestamp_with_time_zone(ExplanationCategories::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ExplanationCategories::Table).to_owned()).await
    }
}
