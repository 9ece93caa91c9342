use sea_orm::entity::prelude::*;

/// A record attached to an explanation: a copy, immutable once attached.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "explanation_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub explanation_id: i64,
    /// The schema the record was stored with (evidence is shown in tabs by schema).
    pub schema_name: String,
    pub at: DateTimeUtc,
    pub record: Json,
    pub log_record_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
