use sea_orm::entity::prelude::*;

/// A raw record that triggered (or was attached to) a ticket.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: i64,
    pub at: DateTimeUtc,
    pub record: Json,
    /// The log record it copies, for batch rules (which see records again on every run).
    pub log_record_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
