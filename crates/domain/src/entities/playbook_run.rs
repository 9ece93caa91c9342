use sea_orm::entity::prelude::*;

/// One playbook run on one ticket.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "playbook_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub playbook_id: Option<i64>,
    pub playbook_name: String,
    pub ticket_id: i64,
    /// The account that started it; its steps act as that account.
    pub started_by_id: Option<i64>,
    pub started_by: String,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
