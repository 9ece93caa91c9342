//! Files the violator attaches to an explanation. They live in `attachments` beside ticket
//! files: uploaded through the token page (bound to the explanation, attached to nothing yet),
//! then tied to the history step of the submission that carries them. Both go with the
//! explanation when it is deleted.

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    ExplanationId,
    ExplanationHistoryId,
}

/// Both databases accept a column with its reference in one `ADD COLUMN`; SQLite accepts no
/// other way.
const ADD_COLUMNS: [&str; 2] = [
    "ALTER TABLE attachments ADD COLUMN explanation_id BIGINT NULL \
     REFERENCES explanations (id) ON DELETE CASCADE",
    "ALTER TABLE attachments ADD COLUMN explanation_history_id BIGINT NULL \
     REFERENCES explanation_history (id) ON DELETE CASCADE",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for sql in ADD_COLUMNS {
            m.get_connection().execute_unprepared(sql).await?;
        }
        m.create_index(index("ix_attachments_explanation", Attachments::Table, &["explanation_id", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_attachments_explanation").table(Attachments::Table).to_owned())
            .await?;
        for column in [Attachments::ExplanationHistoryId, Attachments::ExplanationId] {
            m.alter_table(Table::alter().table(Attachments::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
