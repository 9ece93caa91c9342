use sea_orm::entity::prelude::*;

/// One ingested record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "log_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub table_id: i64,
    /// The client's `_id`; unique per table when present (see `log_record_id`).
    pub record_id: Option<String>,
    pub time: DateTimeUtc,
    pub emp_key: Option<String>,
    /// The schema's fields as sent (without `_id`, `_time`, `emp_key`).
    pub fields: Json,
    /// Lower-cased values, for keyword search.
    pub search_text: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
