//! Changing a ticket's fields (PATCH), with optimistic concurrency and a history row per change.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, SimpleExpr},
};
use socdesk_types::tickets::{CreatedBy, Ticket, TicketField, TicketPatch, TicketStatus};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{account, site, tag, ticket, ticket_approver, ticket_assignee, ticket_category, ticket_tag},
    error::Violations,
    tickets::{
        assemble::{load_links, stored},
        ranks::{priority_rank, status_rank},
        scope::visible_tickets,
        service::{
            self, DESTINATION_IP, HOST, SOURCE_IP, check_fields, check_id, check_ids, history, search_text,
            set_links, well_known,
        },
    },
    values::TicketTitle,
};

/// The column updates of a PATCH and the history rows they make.
#[derive(Default)]
struct Changes {
    sets: Vec<(ticket::Column, SimpleExpr)>,
    rows: Vec<(&'static str, Option<String>, Option<String>)>,
}

impl Changes {
    /// Records a field change (and its history row) when the value differs.
    fn field(
        &mut self,
        col: ticket::Column,
        field: &'static str,
        old: Option<String>,
        new: Option<String>,
        value: SimpleExpr,
    ) {
        if old != new {
            self.sets.push((col, value));
            self.rows.push((field, old, new));
        }
    }

    /// A derived column that follows other changes (no history row of its own).
    fn set(&mut self, (col, value): (ticket::Column, SimpleExpr)) {
        self.sets.push((col, value));
    }
}

fn ids_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn sorted(ids: &[i64]) -> Vec<i64> {
    ids.iter().copied().collect::<BTreeSet<_>>().into_iter().collect()
}

/// Applies `patch`. With `if_match`, a ticket whose version differs answers `PreconditionFailed`
/// (412) and changes nothing; without it, the change still applies to the version it read, so
/// two concurrent writers never both succeed. Fails with `NotFound`, `Forbidden` (title, body or
/// fields of a rule's ticket) or `Validation`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    patch: TicketPatch,
) -> DomainResult<Ticket> {
    let txn = db.begin().await?;
    let ticket = update_in(&txn, actor, id, if_match, patch).await?;
    txn.commit().await?;
    Ok(ticket)
}

/// [`update`] inside the caller's transaction (bulk actions run many in one).
pub async fn update_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    patch: TicketPatch,
) -> DomainResult<Ticket> {
    let current = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    if let Some(expected) = if_match
        && expected != current.version
    {
        return Err(DomainError::PreconditionFailed(format!(
            "the ticket is at version {}, not {expected}; reload it and apply your change again",
            current.version
        )));
    }
    let system = stored("created_by", &current.created_by, CreatedBy::parse)? == CreatedBy::System;
    if system
        && (patch.title.is_some()
            || patch.body.is_some()
            || patch.body_format.is_some()
            || patch.fields.is_some())
    {
        return Err(DomainError::Forbidden(
            "this ticket was opened by a detection rule: its title, body and fields cannot be edited".into(),
        ));
    }

    let mut v = Violations::new();
    let title = patch.title.as_deref().and_then(|t| v.check(TicketTitle::parse("title", t)));
    if patch.body.as_ref().is_some_and(|b| b.chars().count() > 1_000_000) {
        v.push("body", "must be at most 1000000 characters");
    }
    if let Some(fields) = &patch.fields {
        check_fields(fields, &mut v);
    }
    if let Some(Some(r)) = patch.risk_score
        && !(0..=100).contains(&r)
    {
        v.push("risk_score", "must be between 0 and 100");
    }
    if let Some(site_id) = patch.site_id {
        if actor.can_see_site(site_id) {
            check_id::<site::Entity>(txn, "site_id", site_id, site::Column::Id, &mut v).await?;
        } else {
            v.push("site_id", format!("site {site_id} does not exist"));
        }
    }
    if let Some(Some(c)) = patch.category_id {
        check_id::<ticket_category::Entity>(txn, "category_id", c, ticket_category::Column::Id, &mut v)
            .await?;
    }
    if let Some(ids) = &patch.assignee_ids {
        check_ids::<account::Entity>(txn, "assignee_ids", ids, account::Column::Id, &mut v).await?;
    }
    if let Some(ids) = &patch.approver_ids {
        check_ids::<account::Entity>(txn, "approver_ids", ids, account::Column::Id, &mut v).await?;
    }
    if let Some(ids) = &patch.tag_ids {
        check_ids::<tag::Entity>(txn, "tag_ids", ids, tag::Column::Id, &mut v).await?;
    }
    v.finish()?;

    let now = Utc::now();
    let mut c = Changes::default();

    let new_title = title.map(TicketTitle::into_inner).unwrap_or_else(|| current.title.clone());
    c.field(
        ticket::Column::Title,
        "title",
        Some(current.title.clone()),
        Some(new_title.clone()),
        Expr::value(new_title.clone()),
    );
    let new_body = patch.body.clone().unwrap_or_else(|| current.body.clone());
    c.field(
        ticket::Column::Body,
        "body",
        Some(current.body.clone()),
        Some(new_body.clone()),
        Expr::value(new_body.clone()),
    );
    if let Some(f) = patch.body_format {
        c.field(
            ticket::Column::BodyFormat,
            "body_format",
            Some(current.body_format.clone()),
            Some(f.as_str().into()),
            Expr::value(f.as_str()),
        );
    }
    let old_fields: Vec<TicketField> = serde_json::from_value(current.fields.clone()).unwrap_or_default();
    let new_fields = patch.fields.clone().unwrap_or_else(|| old_fields.clone());
    if new_fields != old_fields {
        let text = |f: &[TicketField]| serde_json::to_string(f).ok();
        c.field(
            ticket::Column::Fields,
            "fields",
            text(&old_fields),
            text(&new_fields),
            Expr::value(serde_json::to_value(&new_fields).unwrap_or_default()),
        );
        c.set((ticket::Column::SrcIp, Expr::value(well_known(&new_fields, SOURCE_IP))));
        c.set((ticket::Column::DstIp, Expr::value(well_known(&new_fields, DESTINATION_IP))));
        c.set((ticket::Column::Host, Expr::value(well_known(&new_fields, HOST))));
    }
    if new_title != current.title || new_body != current.body || new_fields != old_fields {
        c.set((ticket::Column::SearchText, Expr::value(search_text(&new_title, &new_body, &new_fields))));
    }
    if let Some(p) = patch.priority {
        c.field(
            ticket::Column::Priority,
            "priority",
            Some(current.priority.clone()),
            Some(p.as_str().into()),
            Expr::value(p.as_str()),
        );
        if p.as_str() != current.priority {
            c.set((ticket::Column::PriorityRank, Expr::value(priority_rank(p))));
        }
    }
    if let Some(site_id) = patch.site_id {
        c.field(
            ticket::Column::SiteId,
            "site",
            Some(current.site_id.to_string()),
            Some(site_id.to_string()),
            Expr::value(site_id),
        );
    }
    if let Some(category) = patch.category_id {
        c.field(
            ticket::Column::CategoryId,
            "category",
            current.category_id.map(|x| x.to_string()),
            category.map(|x| x.to_string()),
            Expr::value(category),
        );
    }
    if let Some(a) = patch.attack {
        let new = a.map(|a| a.as_str().to_owned());
        c.field(ticket::Column::Attack, "attack", current.attack.clone(), new.clone(), Expr::value(new));
    }
    if let Some(i) = patch.incident {
        let new = i.map(|i| i.as_str().to_owned());
        c.field(
            ticket::Column::Incident,
            "incident",
            current.incident.clone(),
            new.clone(),
            Expr::value(new),
        );
    }
    if let Some(r) = patch.risk_score {
        c.field(
            ticket::Column::RiskScore,
            "risk_score",
            current.risk_score.map(|x| x.to_string()),
            r.map(|x| x.to_string()),
            Expr::value(r),
        );
    }

    let links = load_links(txn, &[id]).await?;
    let old_assignees = sorted(links.assignees.get(&id).map_or(&[][..], Vec::as_slice));
    let old_approvers = sorted(links.approvers.get(&id).map_or(&[][..], Vec::as_slice));
    let old_tags = sorted(links.tags.get(&id).map_or(&[][..], Vec::as_slice));
    let new_assignees = patch.assignee_ids.as_deref().map(sorted).unwrap_or_else(|| old_assignees.clone());
    let new_approvers = patch.approver_ids.as_deref().map(sorted).unwrap_or_else(|| old_approvers.clone());
    let new_tags = patch.tag_ids.as_deref().map(sorted).unwrap_or_else(|| old_tags.clone());
    let mut link_changes = Vec::new();
    for (field, old, new) in [
        ("assignees", &old_assignees, &new_assignees),
        ("approvers", &old_approvers, &new_approvers),
        ("tags", &old_tags, &new_tags),
    ] {
        if old != new {
            link_changes.push((field, Some(ids_text(old)), Some(ids_text(new))));
        }
    }
    let status = stored("status", &current.status, TicketStatus::parse)?;
    let mut status_change = None;
    if new_assignees != old_assignees && !new_assignees.is_empty() {
        if status == TicketStatus::New {
            status_change = Some(TicketStatus::Assigned);
            c.set((ticket::Column::Status, Expr::value(TicketStatus::Assigned.as_str())));
            c.set((ticket::Column::StatusRank, Expr::value(status_rank(TicketStatus::Assigned))));
        }
        if current.first_assigned_at.is_none() {
            c.set((ticket::Column::FirstAssignedAt, Expr::value(now)));
        }
    }

    if c.rows.is_empty() && link_changes.is_empty() {
        return service::get(txn, actor, id).await;
    }

    let mut update = ticket::Entity::update_many()
        .col_expr(ticket::Column::ModifiedAt, Expr::value(now))
        .col_expr(ticket::Column::Version, Expr::value(current.version + 1));
    for (col, value) in c.sets {
        update = update.col_expr(col, value);
    }
    let done = update
        .filter(ticket::Column::Id.eq(id))
        .filter(ticket::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(DomainError::PreconditionFailed(
            "the ticket changed meanwhile; reload it and apply your change again".into(),
        ));
    }
    if new_assignees != old_assignees {
        ticket_assignee::Entity::delete_many()
            .filter(ticket_assignee::Column::TicketId.eq(id))
            .exec(txn)
            .await?;
        set_links(txn, id, &new_assignees, &[], &[]).await?;
    }
    if new_approvers != old_approvers {
        ticket_approver::Entity::delete_many()
            .filter(ticket_approver::Column::TicketId.eq(id))
            .exec(txn)
            .await?;
        set_links(txn, id, &[], &new_approvers, &[]).await?;
    }
    if new_tags != old_tags {
        ticket_tag::Entity::delete_many().filter(ticket_tag::Column::TicketId.eq(id)).exec(txn).await?;
        set_links(txn, id, &[], &[], &new_tags).await?;
    }
    for (field, old, new) in c.rows.into_iter().chain(link_changes) {
        history(txn, id, now, actor, field, old, new, None).await?;
    }
    if let Some(next) = status_change {
        history(
            txn,
            id,
            now,
            actor,
            "status",
            Some(status.as_str().into()),
            Some(next.as_str().into()),
            None,
        )
        .await?;
    }
    service::get(txn, actor, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_are_recorded_sorted_and_unique() {
        assert_eq!(ids_text(&sorted(&[3, 1, 3])), "1,3");
        assert_eq!(ids_text(&[]), "");
    }
}
