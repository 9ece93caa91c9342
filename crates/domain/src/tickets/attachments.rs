//! Attachments: files uploaded first (unlinked, visible to their uploader), then attached once,
//! either to a ticket's body or to one of its memos, after which whoever sees the ticket may
//! download them. A body file can be removed again; a memo's files stay with the memo, since
//! memos are never edited.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use sha2::{Digest, Sha256};
use socdesk_types::tickets::{AttachFiles, Attachment};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{attachment, ticket},
    error::Violations,
    tickets::{scope::visible_tickets, service::history},
};

/// The most files one request may attach (a new ticket, a memo, or an addition to a body).
pub const MAX_PER_REQUEST: usize = 20;

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

/// The actor's uploads that nothing holds yet: no ticket, no memo, no explanation. Only these
/// can be attached, so a file attached once (to a body or a memo) never moves again.
fn unattached_of(actor: &Actor) -> Condition {
    Condition::all()
        .add(attachment::Column::UploadedBy.eq(actor.account_id))
        .add(attachment::Column::TicketId.is_null())
        .add(attachment::Column::MemoId.is_null())
        .add(attachment::Column::ExplanationId.is_null())
}

/// Records a violation for each of `ids` (the request field `field`) that is not the actor's own
/// unattached upload or is named twice, and for more than [`MAX_PER_REQUEST`] of them.
pub(crate) async fn check_unattached(
    db: &impl ConnectionTrait,
    actor: &Actor,
    field: &str,
    ids: &[i64],
    v: &mut Violations,
) -> DomainResult<()> {
    if ids.len() > MAX_PER_REQUEST {
        v.push(field, format!("at most {MAX_PER_REQUEST} files at once"));
        return Ok(());
    }
    if ids.is_empty() {
        return Ok(());
    }
    let free: BTreeSet<i64> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::Id)
        .filter(attachment::Column::Id.is_in(ids.iter().copied()))
        .filter(unattached_of(actor))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut seen = BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(*id) {
            v.push(format!("{field}[{i}]"), format!("{id} is named twice"));
        } else if !free.contains(id) {
            v.push(format!("{field}[{i}]"), format!("{id} is not an unattached upload of yours"));
        }
    }
    Ok(())
}

/// Attaches each of `ids` to ticket `ticket_id` (to its memo `memo_id`, or with none to its
/// body), provided it is still the actor's unattached upload. Fails with `Validation` naming the
/// first id that is not (`attachment_ids[2]`); the caller's transaction then undoes the rest.
async fn claim(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
    ticket_id: i64,
    memo_id: Option<i64>,
) -> DomainResult<()> {
    for (i, id) in ids.iter().enumerate() {
        let done = attachment::Entity::update_many()
            .col_expr(attachment::Column::TicketId, Expr::value(ticket_id))
            .col_expr(attachment::Column::MemoId, Expr::value(memo_id))
            .filter(attachment::Column::Id.eq(*id))
            .filter(unattached_of(actor))
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

/// Attaches the actor's unattached uploads to a memo. Fails with `Validation` naming any id that
/// is not the actor's own unattached upload (one already on a ticket body or another memo, say).
pub async fn attach_to_memo(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
    ticket_id: i64,
    memo_id: i64,
) -> DomainResult<()> {
    claim(db, actor, ids, ticket_id, Some(memo_id)).await
}

/// Attaches the actor's unattached uploads `ids` to the body of the new ticket `ticket_id`
/// (checked beforehand with [`check_unattached`]) and records them in its history.
pub(crate) async fn attach_to_new_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
    ticket_id: i64,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    claim(db, actor, ids, ticket_id, None).await?;
    history(db, ticket_id, at, actor, "attachments", None, Some(names_of(db, ids).await?), None).await
}

/// The file names of `ids`, in that order, as one history value (`a.pdf, b.png`).
async fn names_of(db: &impl ConnectionTrait, ids: &[i64]) -> DomainResult<String> {
    let names: BTreeMap<i64, String> = attachment::Entity::find()
        .select_only()
        .columns([attachment::Column::Id, attachment::Column::FileName])
        .filter(attachment::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(ids.iter().filter_map(|id| names.get(id).map(String::as_str)).collect::<Vec<_>>().join(", "))
}

async fn visible_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
) -> DomainResult<ticket::Model> {
    visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))
}

/// Every file of ticket `ticket_id`, the body's and the memos', oldest upload first.
async fn all_of(db: &impl ConnectionTrait, ticket_id: i64) -> DomainResult<Vec<Attachment>> {
    let rows: Vec<MetaRow> = meta_columns(attachment::Entity::find())
        .filter(attachment::Column::TicketId.eq(ticket_id))
        .order_by_asc(attachment::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(to_dto).collect())
}

/// Marks a ticket changed by a file added to or removed from its body: a new version and
/// modification time, like any other edit. The increment is done by the database rather than
/// checked against the version read: the change does not depend on the ticket's other fields,
/// so a concurrent edit is no reason to refuse it.
async fn touch(db: &impl ConnectionTrait, ticket_id: i64, at: DateTime<Utc>) -> DomainResult<()> {
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Version, Expr::col(ticket::Column::Version).add(1))
        .col_expr(ticket::Column::ModifiedAt, Expr::value(at))
        .filter(ticket::Column::Id.eq(ticket_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Every file of a ticket the actor may see, the body's and the memos' (each names its
/// `memo_id`), oldest upload first. Another site's ticket is `NotFound`.
pub async fn of_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
) -> DomainResult<Vec<Attachment>> {
    visible_ticket(db, actor, ticket_id).await?;
    all_of(db, ticket_id).await
}

/// Attaches the actor's unattached uploads to the body of a ticket the actor may see, in one
/// transaction with one history row (`attachments`, the file names) and a new ticket version.
/// Rule tickets take files too: files are not their read-only body. Answers every file of the
/// ticket. Fails with `NotFound` (not visible) or `Validation` naming each bad
/// `attachment_ids[i]` (none, more than 20, named twice, not an unattached upload of yours).
pub async fn attach_to_ticket(
    db: &DatabaseConnection,
    actor: &Actor,
    ticket_id: i64,
    req: AttachFiles,
) -> DomainResult<Vec<Attachment>> {
    let txn = db.begin().await?;
    visible_ticket(&txn, actor, ticket_id).await?;
    let mut v = Violations::new();
    if req.attachment_ids.is_empty() {
        v.push("attachment_ids", "name at least one file");
    }
    check_unattached(&txn, actor, "attachment_ids", &req.attachment_ids, &mut v).await?;
    v.finish()?;
    let now = Utc::now();
    claim(&txn, actor, &req.attachment_ids, ticket_id, None).await?;
    touch(&txn, ticket_id, now).await?;
    let names = names_of(&txn, &req.attachment_ids).await?;
    history(&txn, ticket_id, now, actor, "attachments", None, Some(names), None).await?;
    let files = all_of(&txn, ticket_id).await?;
    txn.commit().await?;
    Ok(files)
}

/// Removes a file from the body of a ticket the actor may see, deleting it, in one transaction
/// with a history row (`attachments`, the old value its name) and a new ticket version. Fails
/// with `NotFound` (no such ticket, or no such file on it) or `Conflict` when the file belongs
/// to a memo: memos are never edited, so their files stay.
pub async fn remove_from_ticket(
    db: &DatabaseConnection,
    actor: &Actor,
    ticket_id: i64,
    attachment_id: i64,
) -> DomainResult<()> {
    let txn = db.begin().await?;
    visible_ticket(&txn, actor, ticket_id).await?;
    let (memo_id, file_name) = attachment::Entity::find_by_id(attachment_id)
        .select_only()
        .columns([attachment::Column::MemoId, attachment::Column::FileName])
        .filter(attachment::Column::TicketId.eq(ticket_id))
        .into_tuple::<(Option<i64>, String)>()
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("attachment"))?;
    if let Some(memo_id) = memo_id {
        return Err(DomainError::Conflict(format!(
            "file {attachment_id} belongs to memo {memo_id}, not to the ticket's body: memos are never \
             edited, so their files stay with them"
        )));
    }
    let done = attachment::Entity::delete_many()
        .filter(attachment::Column::Id.eq(attachment_id))
        .filter(attachment::Column::TicketId.eq(ticket_id))
        .filter(attachment::Column::MemoId.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(DomainError::NotFound("attachment"));
    }
    let now = Utc::now();
    touch(&txn, ticket_id, now).await?;
    history(&txn, ticket_id, now, actor, "attachments", Some(file_name), None, None).await?;
    txn.commit().await?;
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
