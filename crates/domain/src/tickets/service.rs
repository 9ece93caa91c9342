//! Creating, reading, changing and moving tickets through their workflow.
//!
//! Every change writes its history rows in the same transaction, and bumps `version` with a
//! conditional update so two concurrent writers can never both win.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use socdesk_types::tickets::{
    BodyFormat, CreatedBy, HistoryEntry, NewTicket, Priority, Ticket, TicketField, TicketStatus,
    TransitionRequest,
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{
        account, site, tag, ticket, ticket_approver, ticket_assignee, ticket_category, ticket_history,
        ticket_tag,
    },
    error::Violations,
    services::{
        audit::{self, AuditActor},
        settings,
    },
    tickets::{
        assemble::{self, assemble, load_links, roles},
        attachments,
        ranks::{priority_rank, status_rank},
        scope::visible_tickets,
        workflow::{Refusal, TicketFacts, initial_status, transition as workflow_transition},
    },
    values::{OptionalText, TicketTitle},
};

/// Global option: an assignee may not approve or reject their own ticket (on by default).
pub const SEPARATION_OF_DUTIES_KEY: &str = "separation_of_duties";

/// Whether separation of duties is on (the default).
pub async fn separation_of_duties(db: &impl ConnectionTrait) -> DomainResult<bool> {
    Ok(settings::get(db, SEPARATION_OF_DUTIES_KEY).await?.and_then(|v| v.as_bool()).unwrap_or(true))
}

/// The most fields a detection ticket may carry.
const MAX_FIELDS: usize = 200;
/// The longest body accepted, in characters.
pub(crate) const MAX_BODY_CHARS: usize = 1_000_000;

/// Field names (lower-case, letters and digits only) read as the source IP, for related tickets.
pub(crate) const SOURCE_IP: &[&str] = &["sourceip", "srcip", "src"];
/// Field names read as the destination IP.
pub(crate) const DESTINATION_IP: &[&str] = &["destinationip", "dstip", "destip", "dst"];
/// Field names read as the host.
pub(crate) const HOST: &[&str] = &["host", "hostname"];

/// Well-known field names (compared without case and punctuation) copied into indexed columns.
pub(crate) fn well_known(fields: &[TicketField], names: &[&str]) -> Option<String> {
    fields.iter().find_map(|f| {
        let key: String =
            f.name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        names
            .contains(&key.as_str())
            .then(|| f.value.trim().chars().take(255).collect::<String>())
            .filter(|v| !v.is_empty())
    })
}

pub(crate) fn search_text(title: &str, body: &str, fields: &[TicketField]) -> String {
    let mut text = String::with_capacity(title.len() + body.len() + 64);
    text.push_str(title);
    text.push('\n');
    text.push_str(body);
    for f in fields {
        text.push('\n');
        text.push_str(&f.name);
        text.push(' ');
        text.push_str(&f.value);
    }
    text.to_lowercase()
}

pub(crate) fn check_fields(fields: &[TicketField], v: &mut Violations) {
    if fields.len() > MAX_FIELDS {
        v.push("fields", format!("at most {MAX_FIELDS} fields"));
    }
    for (i, f) in fields.iter().enumerate() {
        if f.name.trim().is_empty() || f.name.chars().count() > 100 {
            v.push(format!("fields[{i}].name"), "must be 1 to 100 characters");
        }
        if f.value.chars().count() > 10_000 {
            v.push(format!("fields[{i}].value"), "must be at most 10000 characters");
        }
    }
}

/// Refuses ids of `entity` rows that do not exist, naming each (`assignee_ids[1]`).
pub(crate) async fn check_ids<E>(
    db: &impl ConnectionTrait,
    field: &str,
    ids: &[i64],
    id_col: E::Column,
    v: &mut Violations,
) -> DomainResult<()>
where
    E: EntityTrait,
    E::Model: Sync,
{
    if ids.is_empty() {
        return Ok(());
    }
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    let found = E::find().filter(id_col.is_in(unique.iter().copied())).count(db).await?;
    if found as usize != unique.len() {
        let existing: BTreeSet<i64> = {
            let mut set = BTreeSet::new();
            for id in &unique {
                if E::find().filter(id_col.eq(*id)).count(db).await? > 0 {
                    set.insert(*id);
                }
            }
            set
        };
        for (i, id) in ids.iter().enumerate() {
            if !existing.contains(id) {
                v.push(format!("{field}[{i}]"), format!("{id} does not exist"));
            }
        }
    }
    Ok(())
}

/// Refuses the id of an `entity` row that does not exist, naming the field (`site_id`).
pub(crate) async fn check_id<E>(
    db: &impl ConnectionTrait,
    field: &str,
    id: i64,
    id_col: E::Column,
    v: &mut Violations,
) -> DomainResult<()>
where
    E: EntityTrait,
    E::Model: Sync,
{
    if E::find().filter(id_col.eq(id)).count(db).await? == 0 {
        v.push(field, format!("{id} does not exist"));
    }
    Ok(())
}

/// Appends one history row.
#[expect(clippy::too_many_arguments, reason = "one row's columns, named at each call")]
pub(crate) async fn history(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    at: DateTime<Utc>,
    actor: &Actor,
    field: &str,
    old: Option<String>,
    new: Option<String>,
    comment: Option<&str>,
) -> DomainResult<()> {
    history_by(db, ticket_id, at, actor.into(), field, old, new, comment).await
}

/// The audit log's action for a history row about `field`, if the audit log records it: every
/// creation, state change and assignment, by a person or the system.
pub(crate) fn audited(field: &str) -> Option<&'static str> {
    match field {
        "created" => Some("ticket.create"),
        "status" => Some("ticket.transition"),
        "assignees" | "approvers" => Some("ticket.assign"),
        _ => None,
    }
}

/// Appends one history row written by `who` (no account id for the system), and the audit
/// entry when [`audited`] names one, in the same transaction.
#[expect(clippy::too_many_arguments, reason = "one row's columns, named at each call")]
pub(crate) async fn history_by(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    at: DateTime<Utc>,
    who: AuditActor<'_>,
    field: &str,
    old: Option<String>,
    new: Option<String>,
    comment: Option<&str>,
) -> DomainResult<()> {
    if let Some(action) = audited(field) {
        let detail = serde_json::json!({"field": field, "from": old, "to": new, "comment": comment});
        audit::record(db, who, action, Some(("ticket", ticket_id)), detail).await?;
    }
    ticket_history::ActiveModel {
        ticket_id: Set(ticket_id),
        at: Set(at),
        actor_id: Set(who.id),
        actor: Set(who.name.chars().take(255).collect()),
        field: Set(field.to_owned()),
        old_value: Set(old),
        new_value: Set(new),
        comment: Set(comment.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(crate) async fn set_links(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    assignees: &[i64],
    approvers: &[i64],
    tags: &[i64],
) -> DomainResult<()> {
    let unique = |ids: &[i64]| ids.iter().copied().collect::<BTreeSet<i64>>();
    let a = unique(assignees);
    if !a.is_empty() {
        ticket_assignee::Entity::insert_many(
            a.into_iter()
                .map(|id| ticket_assignee::ActiveModel { ticket_id: Set(ticket_id), account_id: Set(id) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    let p = unique(approvers);
    if !p.is_empty() {
        ticket_approver::Entity::insert_many(
            p.into_iter()
                .map(|id| ticket_approver::ActiveModel { ticket_id: Set(ticket_id), account_id: Set(id) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    let t = unique(tags);
    if !t.is_empty() {
        ticket_tag::Entity::insert_many(
            t.into_iter().map(|id| ticket_tag::ActiveModel { ticket_id: Set(ticket_id), tag_id: Set(id) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Opens a ticket by hand (`created_by = user`), with the actor's unattached uploads
/// `attachment_ids` as its body's files, all in one transaction. Fails with `Validation`, naming
/// every bad field (a site the actor may not use, `attachment_ids[i]` not an unattached upload
/// of the actor's), and then creates nothing.
pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewTicket) -> DomainResult<Ticket> {
    let mut v = Violations::new();
    let title = v.check(TicketTitle::parse("title", &new.title));
    let body = new.body.unwrap_or_default();
    if body.chars().count() > MAX_BODY_CHARS {
        v.push("body", format!("must be at most {MAX_BODY_CHARS} characters"));
    }
    check_fields(&new.fields, &mut v);
    if new.risk_score.is_some_and(|r| !(0..=100).contains(&r)) {
        v.push("risk_score", "must be between 0 and 100");
    }
    if !actor.can_see_site(new.site_id) {
        v.push("site_id", format!("site {} does not exist", new.site_id));
    }
    let txn = db.begin().await?;
    if actor.can_see_site(new.site_id) {
        check_id::<site::Entity>(&txn, "site_id", new.site_id, site::Column::Id, &mut v).await?;
    }
    if let Some(c) = new.category_id {
        check_id::<ticket_category::Entity>(&txn, "category_id", c, ticket_category::Column::Id, &mut v)
            .await?;
    }
    check_ids::<account::Entity>(&txn, "assignee_ids", &new.assignee_ids, account::Column::Id, &mut v)
        .await?;
    check_ids::<account::Entity>(&txn, "approver_ids", &new.approver_ids, account::Column::Id, &mut v)
        .await?;
    check_ids::<tag::Entity>(&txn, "tag_ids", &new.tag_ids, tag::Column::Id, &mut v).await?;
    attachments::check_unattached(&txn, actor, "attachment_ids", &new.attachment_ids, &mut v).await?;
    v.finish()?;
    let Some(title) = title else { return Err(DomainError::Internal("validated title missing".into())) };
    let title = title.into_inner();
    let now = Utc::now();
    let has_assignee = !new.assignee_ids.is_empty();
    let status = initial_status(has_assignee);
    let priority = new.priority.unwrap_or(Priority::Low);
    let model = ticket::ActiveModel {
        site_id: Set(new.site_id),
        category_id: Set(new.category_id),
        kind: Set(new.kind.as_str().to_owned()),
        search_text: Set(search_text(&title, &body, &new.fields)),
        src_ip: Set(well_known(&new.fields, SOURCE_IP)),
        dst_ip: Set(well_known(&new.fields, DESTINATION_IP)),
        host: Set(well_known(&new.fields, HOST)),
        title: Set(title),
        body: Set(body),
        body_format: Set(new.body_format.unwrap_or(BodyFormat::Markdown).as_str().to_owned()),
        fields: Set(serde_json::to_value(&new.fields).unwrap_or_default()),
        priority: Set(priority.as_str().to_owned()),
        priority_rank: Set(priority_rank(priority)),
        status: Set(status.as_str().to_owned()),
        status_rank: Set(status_rank(status)),
        attack: Set(new.attack.map(|a| a.as_str().to_owned())),
        incident: Set(new.incident.map(|i| i.as_str().to_owned())),
        created_by: Set(CreatedBy::User.as_str().to_owned()),
        registered_by: Set(Some(actor.account_id)),
        rule_id: Set(None),
        duplicate_count: Set(0),
        risk_score: Set(new.risk_score),
        created_at: Set(now),
        modified_at: Set(now),
        closed_at: Set(None),
        first_assigned_at: Set(has_assignee.then_some(now)),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_links(&txn, model.id, &new.assignee_ids, &new.approver_ids, &new.tag_ids).await?;
    history(&txn, model.id, now, actor, "created", None, Some(status.as_str().to_owned()), None).await?;
    attachments::attach_to_new_ticket(&txn, actor, &new.attachment_ids, model.id, now).await?;
    let sod = separation_of_duties(&txn).await?;
    let mut tickets = assemble(&txn, actor, vec![model], sod).await?;
    txn.commit().await?;
    tickets.pop().ok_or_else(|| DomainError::Internal("created ticket vanished".into()))
}

/// One ticket the actor may see. Another site's ticket is `NotFound`, like a missing one.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> DomainResult<Ticket> {
    let model = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let sod = separation_of_duties(db).await?;
    assemble(db, actor, vec![model], sod).await?.pop().ok_or(DomainError::NotFound("ticket"))
}

fn refusal_error(refusal: Refusal) -> DomainError {
    match refusal {
        Refusal::WrongStatus { .. } | Refusal::NoApprover => DomainError::Conflict(refusal.to_string()),
        Refusal::NotPermitted { .. } | Refusal::OwnTicket { .. } => {
            DomainError::Forbidden(refusal.to_string())
        }
    }
}

/// Takes a workflow action. Fails with `NotFound` (not visible), `Forbidden` (not the caller's
/// role, or separation of duties), `Conflict` (not from this status, naming it and the allowed
/// actions; or the ticket changed meanwhile) or `Validation` (comment too long).
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    req: TransitionRequest,
) -> DomainResult<Ticket> {
    let txn = db.begin().await?;
    let ticket = transition_in(&txn, actor, id, req).await?;
    txn.commit().await?;
    Ok(ticket)
}

/// [`transition`] inside the caller's transaction (bulk actions run many in one).
pub async fn transition_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    req: TransitionRequest,
) -> DomainResult<Ticket> {
    let comment = match req.comment.as_deref() {
        Some(c) => {
            OptionalText::<10_000>::parse("comment", c).map_err(|e| DomainError::Validation(vec![e]))?
        }
        None => None,
    };
    let current = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let links = load_links(txn, &[id]).await?;
    let sod = separation_of_duties(txn).await?;
    let (status, next) = decide(actor, &current, &links, sod, req.action)?;
    // Per the manual: work a playbook started must be finished before approval is asked.
    if req.action == socdesk_types::tickets::TicketAction::Submit
        && let Some(why) = crate::playbooks::runs::unfinished_tasks(txn, id).await?
    {
        return Err(DomainError::Conflict(why));
    }
    let now = Utc::now();
    let closed_at = match next {
        TicketStatus::Closed => Some(now),
        _ => None,
    };
    let updated = ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, sea_orm::sea_query::Expr::value(next.as_str()))
        .col_expr(ticket::Column::StatusRank, sea_orm::sea_query::Expr::value(status_rank(next)))
        .col_expr(ticket::Column::ClosedAt, sea_orm::sea_query::Expr::value(closed_at))
        .col_expr(ticket::Column::ModifiedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(ticket::Column::Version, sea_orm::sea_query::Expr::value(current.version + 1))
        .filter(ticket::Column::Id.eq(id))
        .filter(ticket::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DomainError::Conflict("the ticket changed meanwhile; reload it and try again".into()));
    }
    history(
        txn,
        id,
        now,
        actor,
        "status",
        Some(status.as_str().to_owned()),
        Some(next.as_str().to_owned()),
        comment.as_deref(),
    )
    .await?;
    get(txn, actor, id).await
}

/// The status `action` takes `current` from and to, by the workflow's rules for this actor; a
/// refusal names the status and the actions that are allowed.
pub(crate) fn decide(
    actor: &Actor,
    current: &ticket::Model,
    links: &crate::tickets::assemble::Links,
    separation_of_duties: bool,
    action: socdesk_types::tickets::TicketAction,
) -> DomainResult<(TicketStatus, TicketStatus)> {
    let id = current.id;
    let assignees = links.assignees.get(&id).cloned().unwrap_or_default();
    let approvers = links.approvers.get(&id).cloned().unwrap_or_default();
    let status = assemble::stored("status", &current.status, TicketStatus::parse)?;
    let facts = TicketFacts {
        status,
        has_assignee: !assignees.is_empty(),
        has_approver: !approvers.is_empty(),
        separation_of_duties,
    };
    let roles = roles(actor, &assignees, &approvers);
    let next = workflow_transition(facts, roles, action).map_err(|refusal| {
        let mut err = refusal_error(refusal);
        if let DomainError::Conflict(msg) = &mut err {
            let allowed: Vec<&str> =
                crate::tickets::workflow::allowed_actions(facts, roles).iter().map(|a| a.as_str()).collect();
            msg.push_str(&format!(
                "; allowed actions: {}",
                if allowed.is_empty() { "none".into() } else { allowed.join(", ") }
            ));
        }
        err
    })?;
    Ok((status, next))
}

/// The history of a ticket the actor may see, oldest first.
pub async fn history_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> DomainResult<Vec<HistoryEntry>> {
    visible_tickets(actor)
        .filter(ticket::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    Ok(ticket_history::Entity::find()
        .filter(ticket_history::Column::TicketId.eq(id))
        .order_by_asc(ticket_history::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|h| HistoryEntry {
            id: h.id,
            at: h.at,
            actor_id: h.actor_id,
            actor: h.actor,
            field: h.field,
            old_value: h.old_value,
            new_value: h.new_value,
            comment: h.comment,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> TicketField {
        TicketField { name: name.into(), value: value.into() }
    }

    #[test]
    fn well_known_fields_are_found_whatever_their_spelling() {
        let fields =
            [field("Source IP", "10.0.0.5"), field("dst_ip", " 192.168.1.1 "), field("Hostname", "web-01")];
        assert_eq!(well_known(&fields, &["sourceip", "srcip", "src"]), Some("10.0.0.5".into()));
        assert_eq!(
            well_known(&fields, &["destinationip", "dstip", "destip", "dst"]),
            Some("192.168.1.1".into())
        );
        assert_eq!(well_known(&fields, &["host", "hostname"]), Some("web-01".into()));
        assert_eq!(well_known(&[field("src", " ")], &["src"]), None);
    }

    #[test]
    fn search_text_is_lower_case_title_body_and_fields() {
        let text = search_text("Port SCAN", "From **Outside**", &[field("Host", "WEB-01")]);
        assert_eq!(text, "port scan\nfrom **outside**\nhost web-01");
    }
}
