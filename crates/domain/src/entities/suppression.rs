use sea_orm::entity::prelude::*;

/// Matches of a rule with these key values open nothing until `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppressions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rule_id: i64,
    /// `{field: value}`.
    pub key_values: Json,
    pub reason: String,
    pub expires_at: Option<DateTimeUtc>,
    pub hit_count: i64,
    pub last_hit_at: Option<DateTimeUtc>,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
