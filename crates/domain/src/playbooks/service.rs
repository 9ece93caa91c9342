//! Creating, reading, changing and deleting playbooks. Every step's parameters are checked when
//! the playbook is saved (a 422 names e.g. `steps[2].params.priority`), so a run fails only for
//! reasons of the moment (a ticket without `emp_key`, a webhook that answers 500).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page,
    playbooks::{NewPlaybook, Playbook, PlaybookStep},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{account, explanation_category, playbook, tag},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    playbooks::template,
    services::audit,
    tickets::service::{check_id, check_ids},
    values::{BoundedName, OptionalText},
};

/// The most steps one playbook may hold.
pub const MAX_STEPS: usize = 50;
/// The most headers one webhook step may send.
const MAX_HEADERS: usize = 20;

/// Checks a webhook URL's syntax at save (the API passes `outbound::parse`; the address itself is
/// checked when the step runs).
pub type UrlCheck = fn(&str) -> Result<(), String>;

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Headers the HTTP client sets itself.
const RESERVED_HEADERS: &[&str] = &["host", "content-length", "transfer-encoding", "connection"];

/// Checks every step that needs no database.
fn check_shape(steps: &[PlaybookStep], url_ok: UrlCheck, v: &mut Violations) {
    if steps.is_empty() || steps.len() > MAX_STEPS {
        v.push("steps", format!("must hold 1 to {MAX_STEPS} steps"));
    }
    for (i, step) in steps.iter().enumerate() {
        let at = |field: &str| format!("steps[{i}].params.{field}");
        match step {
            PlaybookStep::SetPriority(_) => {}
            PlaybookStep::AddTags(p) => {
                if p.tag_ids.is_empty() || p.tag_ids.len() > 50 {
                    v.push(at("tag_ids"), "must hold 1 to 50 tag ids");
                }
            }
            PlaybookStep::Assign(p) => {
                if p.account_ids.is_empty() || p.account_ids.len() > 50 {
                    v.push(at("account_ids"), "must hold 1 to 50 account ids");
                }
            }
            PlaybookStep::AddMemo(p) => {
                let n = p.body.trim().chars().count();
                if n == 0 || n > 100_000 {
                    v.push(at("body"), "must be 1 to 100000 characters");
                }
            }
            PlaybookStep::CallWebhook(p) => {
                if p.url.chars().count() > 2000 {
                    v.push(at("url"), "must be at most 2000 characters");
                } else if let Err(e) = url_ok(&p.url) {
                    v.push(at("url"), e);
                }
                if p.headers.len() > MAX_HEADERS {
                    v.push(at("headers"), format!("at most {MAX_HEADERS} headers"));
                }
                for (name, value) in &p.headers {
                    if name.is_empty() || name.len() > 100 || !name.chars().all(is_token_char) {
                        v.push(at(&format!("headers.{name}")), "is not a valid header name");
                    } else if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                        v.push(at(&format!("headers.{name}")), "is set by the server itself");
                    }
                    if value.chars().count() > 4000 || value.chars().any(|c| c.is_control() && c != '\t') {
                        v.push(
                            at(&format!("headers.{name}")),
                            "must be at most 4000 characters without control characters",
                        );
                    }
                }
                if p.body_template.chars().count() > 100_000 {
                    v.push(at("body_template"), "must be at most 100000 characters");
                } else if let Err(e) = template::check(&p.body_template) {
                    v.push(at("body_template"), e);
                }
            }
            PlaybookStep::RequestExplanation(p) => {
                if !(1..=365).contains(&p.deadline_days) {
                    v.push(at("deadline_days"), "must be between 1 and 365");
                }
                if p.message.as_ref().is_some_and(|m| m.chars().count() > 10_000) {
                    v.push(at("message"), "must be at most 10000 characters");
                }
            }
        }
    }
}

/// Checks the ids the steps refer to.
async fn check_refs(
    db: &impl ConnectionTrait,
    steps: &[PlaybookStep],
    v: &mut Violations,
) -> DomainResult<()> {
    for (i, step) in steps.iter().enumerate() {
        let at = |field: &str| format!("steps[{i}].params.{field}");
        match step {
            PlaybookStep::AddTags(p) => {
                check_ids::<tag::Entity>(db, &at("tag_ids"), &p.tag_ids, tag::Column::Id, v).await?
            }
            PlaybookStep::Assign(p) => {
                check_ids::<account::Entity>(db, &at("account_ids"), &p.account_ids, account::Column::Id, v)
                    .await?
            }
            PlaybookStep::RequestExplanation(p) => {
                check_id::<explanation_category::Entity>(
                    db,
                    &at("category_id"),
                    p.category_id,
                    explanation_category::Column::Id,
                    v,
                )
                .await?
            }
            _ => {}
        }
    }
    Ok(())
}

async fn check(
    db: &impl ConnectionTrait,
    new: &NewPlaybook,
    except: Option<i64>,
    url_ok: UrlCheck,
) -> DomainResult<(String, Option<String>)> {
    let mut v = Violations::new();
    let name = v.check(BoundedName::<100>::parse("name", &new.name));
    let description =
        v.check(OptionalText::<2000>::parse("description", new.description.as_deref().unwrap_or("")));
    check_shape(&new.steps, url_ok, &mut v);
    check_refs(db, &new.steps, &mut v).await?;
    v.finish()?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(DomainError::Internal("validated playbook missing".into()));
    };
    let name = name.into_inner();
    let mut taken = playbook::Entity::find().filter(playbook::Column::Name.eq(&name));
    if let Some(id) = except {
        taken = taken.filter(playbook::Column::Id.ne(id));
    }
    if taken.count(db).await? > 0 {
        return Err(DomainError::Conflict(format!("a playbook named '{name}' already exists")));
    }
    Ok((name, description))
}

/// The scheme, host and port of `url`, without credentials, path or query.
pub fn origin(url: &str) -> String {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else { return String::new() };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}")
}

/// What an account without `ADMIN` may see of a step: a webhook's origin, no headers.
fn redacted(step: PlaybookStep) -> PlaybookStep {
    match step {
        PlaybookStep::CallWebhook(mut p) => {
            p.url = origin(&p.url);
            p.headers.clear();
            PlaybookStep::CallWebhook(p)
        }
        other => other,
    }
}

/// The stored steps of a playbook.
pub(crate) fn steps_of(m: &playbook::Model) -> DomainResult<Vec<PlaybookStep>> {
    serde_json::from_value(m.steps.clone())
        .map_err(|e| DomainError::Internal(format!("stored playbook {}: {e}", m.id)))
}

fn to_dto(m: playbook::Model, reveal: bool) -> DomainResult<Playbook> {
    let mut steps = steps_of(&m)?;
    if !reveal {
        steps = steps.into_iter().map(redacted).collect();
    }
    Ok(Playbook {
        id: m.id,
        name: m.name,
        description: m.description,
        enabled: m.enabled,
        steps,
        redacted: !reveal,
        created_at: m.created_at,
        modified_at: m.modified_at,
        version: m.version,
    })
}

/// Creates a playbook. Fails with `Validation` naming every bad field, or `Conflict` for a
/// taken name.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewPlaybook,
    url_ok: UrlCheck,
) -> DomainResult<Playbook> {
    let txn = db.begin().await?;
    let (name, description) = check(&txn, &new, None, url_ok).await?;
    let now = chrono::Utc::now();
    let model = playbook::ActiveModel {
        name: Set(name),
        description: Set(description),
        enabled: Set(new.enabled.unwrap_or(true)),
        steps: Set(json!(new.steps)),
        created_at: Set(now),
        modified_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "playbook.create",
        Some(("playbook", model.id)),
        json!({"name": model.name}),
    )
    .await?;
    txn.commit().await?;
    to_dto(model, true)
}

/// Replaces a playbook (runs already started keep the steps they started with). `if_match` is
/// the version the caller read (412 when stale).
pub async fn replace(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    new: NewPlaybook,
    if_match: Option<i64>,
    url_ok: UrlCheck,
) -> DomainResult<Playbook> {
    let txn = db.begin().await?;
    let current =
        playbook::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("playbook"))?;
    if let Some(expected) = if_match
        && expected != current.version
    {
        return Err(DomainError::PreconditionFailed(format!(
            "the playbook is at version {}, not {expected}; reload it and try again",
            current.version
        )));
    }
    let (name, description) = check(&txn, &new, Some(id), url_ok).await?;
    let updated = playbook::Entity::update_many()
        .col_expr(playbook::Column::Name, sea_orm::sea_query::Expr::value(name.clone()))
        .col_expr(playbook::Column::Description, sea_orm::sea_query::Expr::value(description))
        .col_expr(playbook::Column::Enabled, sea_orm::sea_query::Expr::value(new.enabled.unwrap_or(true)))
        .col_expr(playbook::Column::Steps, sea_orm::sea_query::Expr::value(json!(new.steps)))
        .col_expr(playbook::Column::ModifiedAt, sea_orm::sea_query::Expr::value(chrono::Utc::now()))
        .col_expr(playbook::Column::Version, sea_orm::sea_query::Expr::value(current.version + 1))
        .filter(playbook::Column::Id.eq(id))
        .filter(playbook::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::PreconditionFailed(
            "the playbook changed meanwhile; reload it and try again".into(),
        ));
    }
    audit::record(&txn, actor.into(), "playbook.update", Some(("playbook", id)), json!({"name": name}))
        .await?;
    let model = playbook::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("playbook"))?;
    txn.commit().await?;
    to_dto(model, true)
}

/// Deletes a playbook; its runs stay, under its name.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
    let txn = db.begin().await?;
    let current =
        playbook::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("playbook"))?;
    playbook::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor.into(),
        "playbook.delete",
        Some(("playbook", id)),
        json!({"name": current.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One playbook; webhook secrets shown only to administrators.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> DomainResult<Playbook> {
    let m = playbook::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("playbook"))?;
    to_dto(m, actor.is_admin())
}

/// Playbooks by name, optionally only the enabled ones; webhook secrets shown only to
/// administrators.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    enabled_only: bool,
    page: &PageRequest,
) -> DomainResult<Page<Playbook>> {
    let ordering = Ordering {
        sort: playbook::Column::Name,
        id: playbook::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let mut select = playbook::Entity::find();
    if enabled_only {
        select = select.filter(playbook::Column::Enabled.eq(true));
    }
    let rows = fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.name.clone()), m.id)).await?;
    let reveal = actor.is_admin();
    Ok(Page {
        items: rows.items.into_iter().map(|m| to_dto(m, reveal)).collect::<DomainResult<_>>()?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_keeps_scheme_host_and_port_only() {
        assert_eq!(origin("https://hooks.example.com:8443/a/b?token=x#y"), "https://hooks.example.com:8443");
        assert_eq!(origin("http://user:secret@example.com/x"), "http://example.com");
        assert_eq!(origin("http://[::1]:9/x"), "http://[::1]:9");
    }
}
