//! Playbooks: named, ordered steps an analyst runs on tickets, and what each run did — a run per
//! ticket, a task per step, each with its status, output and times. A task being worked on holds
//! a lease (`lease_until`, renewed while it runs), so a task left `running` by a dead process is
//! recognised and failed instead of being repeated.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Playbooks {
    Table,
    Id,
    Name,
    Description,
    Enabled,
    Steps,
    CreatedAt,
    ModifiedAt,
    Version,
}

#[derive(DeriveIden)]
enum PlaybookRuns {
    Table,
    Id,
    PlaybookId,
    PlaybookName,
    TicketId,
    StartedById,
    StartedBy,
    Status,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum PlaybookTasks {
    Table,
    Id,
    RunId,
    TicketId,
    Position,
    Kind,
    Params,
    Status,
    Output,
    StartedAt,
    FinishedAt,
    LeaseUntil,
    ClaimedBy,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Playbooks::Table)
                .col(big_pk_auto(Playbooks::Id))
                .col(string_len_uniq(Playbooks::Name, 100))
                .col(text_null(Playbooks::Description))
                .col(boolean(Playbooks::Enabled).default(true))
                .col(json(Playbooks::Steps))
                .col(timestamp_with_time_zone(Playbooks::CreatedAt))
                .col(timestamp_with_time_zone(Playbooks::ModifiedAt))
                .col(big_integer(Playbooks::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlaybookRuns::Table)
                .col(big_pk_auto(PlaybookRuns::Id))
                // A deleted playbook's runs stay, under the name they ran with.
                .col(big_integer_null(PlaybookRuns::PlaybookId))
                .col(string_len(PlaybookRuns::PlaybookName, 100))
                .col(big_integer(PlaybookRuns::TicketId))
                .col(big_integer_null(PlaybookRuns::StartedById))
                .col(string_len(PlaybookRuns::StartedBy, 255))
                .col(string_len(PlaybookRuns::Status, 16))
                .col(timestamp_with_time_zone(PlaybookRuns::CreatedAt))
                .col(timestamp_with_time_zone_null(PlaybookRuns::FinishedAt))
                .foreign_key(&mut fk(
                    (PlaybookRuns::Table, PlaybookRuns::PlaybookId),
                    (Playbooks::Table, Playbooks::Id),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    (PlaybookRuns::Table, PlaybookRuns::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    (PlaybookRuns::Table, PlaybookRuns::StartedById),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_playbook_runs_ticket", PlaybookRuns::Table, &["ticket_id", "id"])).await?;
        m.create_table(
            Table::create()
                .table(PlaybookTasks::Table)
                .col(big_pk_auto(PlaybookTasks::Id))
                .col(big_integer(PlaybookTasks::RunId))
                .col(big_integer(PlaybookTasks::TicketId))
                .col(integer(PlaybookTasks::Position))
                .col(string_len(PlaybookTasks::Kind, 32))
                // The step as it was when the run started: editing the playbook changes no run.
                .col(json(PlaybookTasks::Params))
                .col(string_len(PlaybookTasks::Status, 16))
                .col(text_null(PlaybookTasks::Output))
                .col(timestamp_with_time_zone_null(PlaybookTasks::StartedAt))
                .col(timestamp_with_time_zone_null(PlaybookTasks::FinishedAt))
                .col(timestamp_with_time_zone_null(PlaybookTasks::LeaseUntil))
                .col(string_len_null(PlaybookTasks::ClaimedBy, 64))
                .foreign_key(&mut fk(
                    (PlaybookTasks::Table, PlaybookTasks::RunId),
                    (PlaybookRuns::Table, PlaybookRuns::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_playbook_tasks_run", PlaybookTasks::Table, &["run_id", "position"])).await?;
        m.create_index(index("ix_playbook_tasks_status", PlaybookTasks::Table, &["status", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlaybookTasks::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PlaybookRuns::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Playbooks::Table).to_owned()).await?;
        Ok(())
    }
}
