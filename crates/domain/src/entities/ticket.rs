use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub site_id: i64,
    pub category_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub body_format: String,
    /// Ordered `[{name, value}]`.
    pub fields: Json,
    pub priority: String,
    /// 1 high, 2 medium, 3 low: the sort order of `priority`.
    pub priority_rank: i16,
    pub status: String,
    /// Position of `status` in the workflow, for sorting.
    pub status_rank: i16,
    pub attack: Option<String>,
    pub incident: Option<String>,
    pub created_by: String,
    pub registered_by: Option<i64>,
    pub rule_id: Option<i64>,
    pub duplicate_count: i64,
    pub risk_score: Option<i32>,
    /// Well-known fields copied out of `fields` so related-ticket lookups use an index.
    pub src_ip: Option<String>,
    pub dst_ip: Option<String>,
    pub host: Option<String>,
    /// Lower-cased title, body, fields and memo text for keyword search.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub first_assigned_at: Option<DateTimeUtc>,
    pub version: i64,
    /// Rule tickets: the canonical values of the rule's dedup fields (none: dedup off).
    pub dedup_key: Option<String>,
    pub first_seen_at: Option<DateTimeUtc>,
    pub last_seen_at: Option<DateTimeUtc>,
    /// Evidence rows kept (capped) while `duplicate_count` keeps counting.
    pub evidence_count: i64,
    /// The status of the latest explanation asked for from this ticket.
    pub explanation_status: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
