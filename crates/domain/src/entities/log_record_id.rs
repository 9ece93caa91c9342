use sea_orm::entity::prelude::*;

/// The `_id` of a stored record, once per log table: what makes ingest idempotent. Kept apart
/// from `log_records` because a partitioned table cannot hold a unique index without its
/// partition key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "log_record_ids")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub table_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: String,
    /// The record's time, so retention forgets the `_id` with the record.
    pub time: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
