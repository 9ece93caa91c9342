use sea_orm::entity::prelude::*;

/// A mail waiting for delivery, or delivered (`sent_at`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub explanation_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    /// When the next delivery try is due; null once sent.
    pub next_attempt_at: Option<DateTimeUtc>,
    /// A worker's lease: until then no other worker takes it.
    pub locked_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
