//! Tickets with their people, tags, history, memos, evidence and attachments.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    SiteId,
    CategoryId,
    Kind,
    Title,
    Body,
    BodyFormat,
    Fields,
    Priority,
    PriorityRank,
    Status,
    StatusRank,
    Attack,
    Incident,
    CreatedBy,
    RegisteredBy,
    RuleId,
    DuplicateCount,
    RiskScore,
    SrcIp,
    DstIp,
    Host,
    SearchText,
    CreatedAt,
    ModifiedAt,
    ClosedAt,
    FirstAssignedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketAssignees {
    Table,
    TicketId,
    AccountId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketApprovers {
    Table,
    TicketId,
    AccountId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketTags {
    Table,
    TicketId,
    TagId,
}

#[derive(DeriveIden)]
enum TicketHistory {
    Table,
    Id,
    TicketId,
    At,
    ActorId,
    Actor,
    Field,
    OldValue,
    NewValue,
    Comment,
}

#[derive(DeriveIden)]
enum TicketMemos {
    Table,
    Id,
    TicketId,
    AuthorId,
    Author,
    Format,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TicketEvidence {
    Table,
    Id,
    TicketId,
    At,
    Record,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    TicketId,
    MemoId,
    FileName,
    ContentType,
    Size,
    Sha256,
    Data,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TicketCategories {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
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

/// A two-column link table whose rows die with either side.
fn link_table(
    table: impl IntoIden + Copy + 'static,
    left: impl IntoIden + Copy + 'static,
    right: impl IntoIden + Copy + 'static,
    right_target: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(big_integer(left))
        .col(big_integer(right))
        .primary_key(Index::create().col(left).col(right))
        .foreign_key(&mut fk((table, left), (Tickets::Table, Tickets::Id), ForeignKeyAction::Cascade))
        .foreign_key(&mut fk((table, right), right_target, ForeignKeyAction::Cascade))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tickets::Table)
                .col(big_pk_auto(Tickets::Id))
                .col(big_integer(Tickets::SiteId))
                .col(big_integer_null(Tickets::CategoryId))
                .col(string_len(Tickets::Kind, 16))
                .col(string_len(Tickets::Title, 255))
                .col(text(Tickets::Body).default(""))
                .col(string_len(Tickets::BodyFormat, 16))
                .col(json(Tickets::Fields))
                .col(string_len(Tickets::Priority, 8))
                // Ranks give the meaningful order (high before low, new before closed) for sorting.
                .col(small_integer(Tickets::PriorityRank))
                .col(string_len(Tickets::Status, 16))
                .col(small_integer(Tickets::StatusRank))
                .col(string_len_null(Tickets::Attack, 16))
                .col(string_len_null(Tickets::Incident, 16))
                .col(string_len(Tickets::CreatedBy, 8))
                .col(big_integer_null(Tickets::RegisteredBy))
                .col(big_integer_null(Tickets::RuleId))
                .col(big_integer(Tickets::DuplicateCount).default(0))
                .col(integer_null(Tickets::RiskScore))
                .col(string_len_null(Tickets::SrcIp, 64))
                .col(string_len_null(Tickets::DstIp, 64))
                .col(string_len_null(Tickets::Host, 255))
                .col(text(Tickets::SearchText).default(""))
                .col(timestamp_with_time_zone(Tickets::CreatedAt))
                .col(timestamp_with_time_zone(Tickets::ModifiedAt))
                .col(timestamp_with_time_zone_null(Tickets::ClosedAt))
                .col(timestamp_with_time_zone_null(Tickets::FirstAssignedAt))
                .col(big_integer(Tickets::Version).default(1))
                .foreign_key(&mut fk(
                    (Tickets::Table, Tickets::SiteId),
                    (Sites::Table, Sites::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    (Tickets::Table, Tickets::CategoryId),
                    (TicketCategories::Table, TicketCategories::Id),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    (Tickets::Table, Tickets::RegisteredBy),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // Every list filter and sort leads with its column and ends with the keyset tie-breaker.
        for (name, cols) in [
            ("ix_tickets_created", &["created_at", "id"][..]),
            ("ix_tickets_modified", &["modified_at", "id"]),
            ("ix_tickets_site_created", &["site_id", "created_at", "id"]),
            ("ix_tickets_status_created", &["status", "created_at", "id"]),
            ("ix_tickets_priority_created", &["priority", "created_at", "id"]),
            ("ix_tickets_category_created", &["category_id", "created_at", "id"]),
            ("ix_tickets_created_by_created", &["created_by", "created_at", "id"]),
            ("ix_tickets_closed", &["closed_at", "id"]),
            ("ix_tickets_title", &["title", "id"]),
            ("ix_tickets_priority_rank", &["priority_rank", "id"]),
            ("ix_tickets_status_rank", &["status_rank", "id"]),
            ("ix_tickets_src_ip", &["src_ip"]),
            ("ix_tickets_dst_ip", &["dst_ip"]),
            ("ix_tickets_host", &["host"]),
            ("ix_tickets_rule", &["rule_id", "status"]),
        ] {
            m.create_index(index(name, Tickets::Table, cols)).await?;
        }

        m.create_table(link_table(
            TicketAssignees::Table,
            TicketAssignees::TicketId,
            TicketAssignees::AccountId,
            (Accounts::Table, Accounts::Id),
        ))
        .await?;
        m.create_index(index(
            "ix_ticket_assignees_account",
            TicketAssignees::Table,
            &["account_id", "ticket_id"],
        ))
        .await?;
        m.create_table(link_table(
            TicketApprovers::Table,
            TicketApprovers::TicketId,
            TicketApprovers::AccountId,
            (Accounts::Table, Accounts::Id),
        ))
        .await?;
        m.create_index(index(
            "ix_ticket_approvers_account",
            TicketApprovers::Table,
            &["account_id", "ticket_id"],
        ))
        .await?;
        m.create_table(link_table(
            TicketTags::Table,
            TicketTags::TicketId,
            TicketTags::TagId,
            (Tags::Table, Tags::Id),
        ))
        .await?;
        m.create_index(index("ix_ticket_tags_tag", TicketTags::Table, &["tag_id", "ticket_id"])).await?;

        m.create_table(
            Table::create()
                .table(TicketHistory::Table)
                .col(big_pk_auto(TicketHistory::Id))
                .col(big_integer(TicketHistory::TicketId))
                .col(timestamp_with_time_zone(TicketHistory::At))
                .col(big_integer_null(TicketHistory::ActorId))
                .col(string_len(TicketHistory::Actor, 255))
                .col(string_len(TicketHistory::Field, 64))
                .col(text_null(TicketHistory::OldValue))
                .col(text_null(TicketHistory::NewValue))
                .col(text_null(TicketHistory::Comment))
                .foreign_key(&mut fk(
                    (TicketHistory::Table, TicketHistory::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ticket_history_ticket", TicketHistory::Table, &["ticket_id", "id"])).await?;

        m.create_table(
            Table::create()
                .table(TicketMemos::Table)
                .col(big_pk_auto(TicketMemos::Id))
                .col(big_integer(TicketMemos::TicketId))
                .col(big_integer_null(TicketMemos::AuthorId))
                .col(string_len(TicketMemos::Author, 255))
                .col(string_len(TicketMemos::Format, 16))
                .col(text(TicketMemos::Body))
                .col(timestamp_with_time_zone(TicketMemos::CreatedAt))
                .foreign_key(&mut fk(
                    (TicketMemos::Table, TicketMemos::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ticket_memos_ticket", TicketMemos::Table, &["ticket_id", "id"])).await?;

        m.create_table(
            Table::create()
                .table(TicketEvidence::Table)
                .col(big_pk_auto(TicketEvidence::Id))
                .col(big_integer(TicketEvidence::TicketId))
                .col(timestamp_with_time_zone(TicketEvidence::At))
                .col(json(TicketEvidence::Record))
                .foreign_key(&mut fk(
                    (TicketEvidence::Table, TicketEvidence::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ticket_evidence_ticket", TicketEvidence::Table, &["ticket_id", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(big_pk_auto(Attachments::Id))
                .col(big_integer_null(Attachments::TicketId))
                .col(big_integer_null(Attachments::MemoId))
                .col(string_len(Attachments::FileName, 255))
                .col(string_len(Attachments::ContentType, 255))
                .col(big_integer(Attachments::Size))
                .col(string_len(Attachments::Sha256, 64))
                .col(blob(Attachments::Data))
                .col(big_integer_null(Attachments::UploadedBy))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .foreign_key(&mut fk(
                    (Attachments::Table, Attachments::TicketId),
                    (Tickets::Table, Tickets::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    (Attachments::Table, Attachments::MemoId),
                    (TicketMemos::Table, TicketMemos::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_attachments_ticket", Attachments::Table, &["ticket_id", "id"])).await?;
        m.create_index(index("ix_attachments_memo", Attachments::Table, &["memo_id", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Attachments::Table.into_iden(),
            TicketEvidence::Table.into_iden(),
            TicketMemos::Table.into_iden(),
            TicketHistory::Table.into_iden(),
            TicketTags::Table.into_iden(),
            TicketApprovers::Table.into_iden(),
            TicketAssignees::Table.into_iden(),
            Tickets::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
