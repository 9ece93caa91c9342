//! Attachments: files uploaded first (unlinked, visible to their uploader), then attached to a
//! memo of a ticket, after which whoever sees the ticket may download them.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use socdesk_types::tickets::Attachment;

use crate::{
    Actor, DomainError, DomainResult,
    entities::{attachment, ticket},
    tickets::scope::visible_tickets,
};

/// The metadata columns (never the bytes) for listings.
pub(crate) fn meta_columns<S: QuerySelect>(select: S) -> S {
    select.select_only().columns([
        attachment::Column::Id,
        attachment::Column::TicketId,
        attachment::Column::MemoId,
        attachment::Column::FileName,
        attachment::Column::ContentType,
        attachment::Column::Size,
        attachment::Column::Sha256,
        attachment::Column::UploadedBy,
        attachment::Column::CreatedAt,
    ])
}

pub(crate) type MetaRow =
    (i64, Option<i64>, Option<i64>, String, String, i64, String, Option<i64>, chrono::DateTime<Utc>);

pub(crate) fn to_dto(r: MetaRow) -> Attachment {
    Attachment {
        id: r.0,
        ticket_id: r.1,
        memo_id: r.2,
        file_name: r.3,
        content_type: r.4,
        size: r.5,
        sha256: r.6,
        uploaded_by: r.7,
        created_at: r.8,
    }
}

pub(crate) fn from_model(m: attachment::Model) -> Attachment {
    to_dto((
        m.id,
        m.ticket_id,
        m.memo_id,
        m.file_name,
        m.content_type,
        m.size,
        m.sha256,
        m.uploaded_by,
        m.created_at,
    ))
}

/// A file name safe to store and to put in a header: the last path component, without control
/// characters or quotes, at most 255 characters, never empty.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'))
        .take(255)
        .collect::<String>();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "file".into() } else { cleaned }
}

/// A media type of the form `type/subtype` (parameters dropped), else `application/octet-stream`.
pub fn clean_content_type(raw: Option<&str>) -> String {
    let essence = raw.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let ok = essence.split_once('/').is_some_and(|(t, s)| {
        let token = |x: &str| {
            !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        token(t) && token(s)
    });
    if ok { essence } else { "application/octet-stream".into() }
}

/// Stores an uploaded file, not yet attached to anything.
pub async fn store(
    db: &impl ConnectionTrait,
    actor: &Actor,
    file_name: &str,
    content_type: Option<&str>,
    data: Vec<u8>,
) -> DomainResult<Attachment> {
    insert(db, Some(actor.account_id), None, file_name, content_type, data).await
}

/// Stores a file uploaded by an account, or (`explanation_id`) by a violator through their link.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    uploaded_by: Option<i64>,
    explanation_id: Option<i64>,
    file_name: &str,
    content_type: Option<&str>,
    data: Vec<u8>,
) -> DomainResult<Attachment> {
    let sha = hex::encode(Sha256::digest(&data));
    let m = attachment::ActiveModel {
        ticket_id: Set(None),
        memo_id: Set(None),
        explanation_id: Set(explanation_id),
        explanation_history_id: Set(None),
        file_name: Set(clean_file_name(file_name)),
        content_type: Set(clean_content_type(content_type)),
        size: Set(data.len() as i64),
        sha256: Set(sha),
        data: Set(data),
        uploaded_by: Set(uploaded_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(from_model(m))
}

/// An attachment's metadata and bytes, if the actor may see it: attached to a ticket the actor
/// sees, or uploaded by the actor and not attached yet. Otherwise `NotFound`.
pub async fn fetch(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> DomainResult<(Attachment, Vec<u8>)> {
    let mut m =
        attachment::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("attachment"))?;
    let visible = match m.ticket_id {
        Some(ticket_id) => {
            visible_tickets(actor).filter(ticket::Column::Id.eq(ticket_id)).one(db).await?.is_some()
        }
        None => m.uploaded_by == Some(actor.account_id),
    };
    if !visible {
        return Err(DomainError::NotFound("attachment"));
    }
    let data = std::mem::take(&mut m.data);
    Ok((from_model(m), data))
}

/// Attaches the actor's unattached uploads to a memo. Fails with `Validation` naming any id that
/// is not the actor's own unattached upload.
pub async fn attach_to_memo(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
    ticket_id: i64,
    memo_id: i64,
) -> DomainResult<()> {
    for (i, id) in ids.iter().enumerate() {
        let done = attachment::Entity::update_many()
            .col_expr(attachment::Column::TicketId, Expr::value(ticket_id))
            .col_expr(attachment::Column::MemoId, Expr::value(memo_id))
            .filter(attachment::Column::Id.eq(*id))
            .filter(attachment::Column::UploadedBy.eq(actor.account_id))
            .filter(attachment::Column::MemoId.is_null())
            .exec(db)
            .await?;
        if done.rows_affected != 1 {
            return Err(DomainError::invalid(
                format!("attachment_ids[{i}]"),
                format!("{id} is not an unattached upload of yours"),
            ));
        }
    }
    Ok(())
}

/// The attachments of these memos, by memo id.
pub async fn of_memos(
    db: &impl ConnectionTrait,
    memo_ids: &[i64],
) -> DomainResult<BTreeMap<i64, Vec<Attachment>>> {
    let rows: Vec<MetaRow> = meta_columns(attachment::Entity::find())
        .filter(attachment::Column::MemoId.is_in(memo_ids.iter().copied()))
        .order_by_asc(attachment::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: BTreeMap<i64, Vec<Attachment>> = BTreeMap::new();
    for r in rows {
        if let Some(memo) = r.2 {
            out.entry(memo).or_default().push(to_dto(r));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_quotes_and_control_characters() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\\\Users\\\\x\\\\report.pdf"), "report.pdf");
        assert_eq!(clean_file_name("a\"b\r\nc.txt"), "abc.txt");
        assert_eq!(clean_file_name(".."), "file");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        assert_eq!(clean_file_name("보고서.xlsx"), "보고서.xlsx");
    }

    #[test]
    fn content_types_are_kept_only_when_well_formed() {
        assert_eq!(clean_content_type(Some("image/PNG; charset=x")), "image/png");
        assert_eq!(clean_content_type(Some("text/html\r\nX-Evil: 1")), "application/octet-stream");
        assert_eq!(clean_content_type(None), "application/octet-stream");
    }
}
