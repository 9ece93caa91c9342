use sea_orm::entity::prelude::*;

/// An explanation request to an employee, and where its review stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "explanations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub priority: String,
    pub priority_rank: i16,
    pub status: String,
    pub status_rank: i16,
    pub violator_id: String,
    pub manager_id: String,
    pub auditor_id: Option<String>,
    /// The account that asked; `None` for a rule's request (or a deleted account).
    pub owner_id: Option<i64>,
    pub rule_id: Option<i64>,
    pub category_id: i64,
    pub ticket_id: Option<i64>,
    pub result: Option<String>,
    pub message: String,
    pub deadline: DateTimeUtc,
    /// SHA-256 of the violator's current link token; `None` when no link works.
    pub token_hash: Option<String>,
    pub token_issued_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    pub overdue_notified_at: Option<DateTimeUtc>,
    /// Lower-cased message, violator and category, for keyword search.
    pub search_text: String,
    pub evidence_count: i32,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
