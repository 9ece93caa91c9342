use sea_orm::entity::prelude::*;

/// One step of a run: what it does (a copy of the step), how it went.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "playbook_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub ticket_id: i64,
    pub position: i32,
    pub kind: String,
    /// The step (`{"kind", "params"}`) as it was when the run started.
    pub params: Json,
    pub status: String,
    pub output: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// While `running`: until when the process working on it holds it (renewed as it works).
    pub lease_until: Option<DateTimeUtc>,
    pub claimed_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
