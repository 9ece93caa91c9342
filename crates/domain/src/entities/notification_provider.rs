use sea_orm::entity::prelude::*;

/// A notification provider: an HTTP webhook for one channel. `headers` is a JSON list of
/// `{"name", "value"}` (the values are secrets).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_providers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `sms` or `messenger`.
    pub kind: String,
    #[sea_orm(unique)]
    pub name: String,
    pub enabled: bool,
    pub url: String,
    pub headers: Json,
    pub body_template: String,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
