use sea_orm::entity::prelude::*;

/// A detection rule; its specs are stored as the API's JSON shapes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub enabled: bool,
    pub table_id: i64,
    pub condition: Option<Json>,
    pub batch: Option<Json>,
    pub ticket: Json,
    pub explanation: Option<Json>,
    pub dedup_fields: Json,
    pub dedup_window_secs: i64,
    pub match_count: i64,
    pub ticket_count: i64,
    pub suppressed_count: i64,
    pub error_count: i64,
    pub last_error: Option<String>,
    pub last_matched_at: Option<DateTimeUtc>,
    pub last_run_at: Option<DateTimeUtc>,
    pub next_run_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
