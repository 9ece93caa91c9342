//! Files a violator attaches to their explanation: uploaded through the link while submission is
//! open, then carried by the submission that names them. Reviewers who may read the explanation
//! download them; the violator sees their own through a live link.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use socdesk_types::tickets::Attachment;

use crate::{
    Actor, DomainError, DomainResult,
    entities::{attachment, explanation},
    explanations::{
        service::{TokenUse, by_token, may_read, status_of},
        window::can_submit,
        workflow,
    },
    services::settings,
    tickets::attachments::{MetaRow, clean_file_name, from_model, insert, meta_columns, to_dto},
};

/// Files one submission may carry.
pub const PER_SUBMISSION: usize = 10;
/// Uploads that may wait for a submission at once, per explanation.
const PENDING_MAX: u64 = 20;

/// Stores a file the violator uploads through their link, for their next submission: a
/// document or image by its content ([`super::file_kinds`]), stored with the type its content
/// shows rather than the one the browser claimed.
pub async fn upload(
    db: &DatabaseConnection,
    token: &str,
    ip: &str,
    file_name: &str,
    data: Vec<u8>,
) -> DomainResult<Attachment> {
    let now = Utc::now();
    let e = by_token(db, token, ip, now, TokenUse::Upload).await?;
    let expiry = settings::options(db).await?.explanation_token_expiry;
    if !can_submit(now, e.created_at, e.deadline, expiry) {
        return Err(DomainError::Conflict("the deadline passed: no more files can be added".into()));
    }
    workflow::submit(status_of(&e)?)?;
    let kind = super::file_kinds::violator_file(&clean_file_name(file_name), &data)?;
    let pending = attachment::Entity::find()
        .filter(attachment::Column::ExplanationId.eq(e.id))
        .filter(attachment::Column::ExplanationHistoryId.is_null())
        .count(db)
        .await?;
    if pending >= PENDING_MAX {
        return Err(DomainError::Conflict(format!(
            "{PENDING_MAX} uploaded files already wait for a submission; submit them first"
        )));
    }
    insert(db, None, Some(e.id), file_name, Some(kind), data).await
}

/// Ties the waiting uploads `ids` of explanation `explanation_id` to its submission step
/// `history_id`; any other id is a validation error naming it.
pub(crate) async fn carry(
    db: &impl ConnectionTrait,
    explanation_id: i64,
    history_id: i64,
    ids: &[i64],
) -> DomainResult<()> {
    for (i, id) in ids.iter().enumerate() {
        let done = attachment::Entity::update_many()
            .col_expr(attachment::Column::ExplanationHistoryId, Expr::value(history_id))
            .filter(attachment::Column::Id.eq(*id))
            .filter(attachment::Column::ExplanationId.eq(explanation_id))
            .filter(attachment::Column::ExplanationHistoryId.is_null())
            .exec(db)
            .await?;
        if done.rows_affected != 1 {
            return Err(DomainError::invalid(
                format!("attachment_ids[{i}]"),
                format!("{id} is not a file uploaded through this link and not yet submitted"),
            ));
        }
    }
    Ok(())
}

/// The attachments of these history steps, by step id.
pub(crate) async fn of_steps(
    db: &impl ConnectionTrait,
    step_ids: &[i64],
) -> DomainResult<BTreeMap<i64, Vec<Attachment>>> {
    if step_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let in_steps = attachment::Column::ExplanationHistoryId.is_in(step_ids.iter().copied());
    let step_of: BTreeMap<i64, i64> = attachment::Entity::find()
        .select_only()
        .columns([attachment::Column::Id, attachment::Column::ExplanationHistoryId])
        .filter(in_steps.clone())
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<MetaRow> = meta_columns(attachment::Entity::find())
        .filter(in_steps)
        .order_by_asc(attachment::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: BTreeMap<i64, Vec<Attachment>> = BTreeMap::new();
    for meta in rows {
        if let Some(step) = step_of.get(&meta.0) {
            out.entry(*step).or_default().push(to_dto(meta));
        }
    }
    Ok(out)
}

async fn of_explanation(
    db: &impl ConnectionTrait,
    explanation_id: i64,
    attachment_id: i64,
) -> DomainResult<(Attachment, Vec<u8>)> {
    let mut m = attachment::Entity::find_by_id(attachment_id)
        .filter(attachment::Column::ExplanationId.eq(explanation_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("attachment"))?;
    let data = std::mem::take(&mut m.data);
    Ok((from_model(m), data))
}

/// A file of explanation `explanation_id`, for someone who may read it.
pub async fn fetch(
    db: &impl ConnectionTrait,
    actor: &Actor,
    explanation_id: i64,
    attachment_id: i64,
) -> DomainResult<(Attachment, Vec<u8>)> {
    let e = explanation::Entity::find_by_id(explanation_id)
        .one(db)
        .await?
        .filter(|e| may_read(actor, e))
        .ok_or(DomainError::NotFound("explanation"))?;
    of_explanation(db, e.id, attachment_id).await
}

/// A file of the explanation a live link opens, for the violator.
pub async fn fetch_public(
    db: &DatabaseConnection,
    token: &str,
    ip: &str,
    attachment_id: i64,
) -> DomainResult<(Attachment, Vec<u8>)> {
    let e = by_token(db, token, ip, Utc::now(), TokenUse::Download).await?;
    of_explanation(db, e.id, attachment_id).await
}
