use sea_orm::entity::prelude::*;

/// An uploaded file, kept in the database so every server process can serve it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub memo_id: Option<i64>,
    /// The explanation a violator uploaded it to (through the token page).
    pub explanation_id: Option<i64>,
    /// The submission that carries it; unset while the upload waits for one.
    pub explanation_history_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub data: Vec<u8>,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
