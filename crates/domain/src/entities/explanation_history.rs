use sea_orm::entity::prelude::*;

/// One step of an explanation: a request, a submission, a review, a link change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "explanation_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub explanation_id: i64,
    pub at: DateTimeUtc,
    /// `owner`, `system`, `violator`, `manager`, `auditor` or `audit` (bulk review).
    pub actor_kind: String,
    pub actor_employee_id: Option<String>,
    pub actor_account_id: Option<i64>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub result: Option<String>,
    pub comment: Option<String>,
    /// Hidden from the violator's page.
    pub internal: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
