//! Announcements of changed tickets and explanations, for live updates.
//!
//! The database announces every inserted or updated row itself (migration m0014), so no write
//! path can forget to: on PostgreSQL a statement trigger sends `NOTIFY socdesk_changes` with the
//! ids at commit, to every process; on SQLite a row trigger appends to `change_events`, which the
//! processes on that file read in order. A rolled-back change is never announced.
//!
//! Announcements carry ids only. [`describe`] looks up what decides who may see each row, and
//! [`Changes::visible_to`] applies the same rules as the lists: ticket sites, and an
//! explanation's owner, manager and auditor.

use std::collections::BTreeSet;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::{
    Actor, DomainResult, Permission,
    entities::{explanation, ticket},
};

/// The PostgreSQL channel the triggers notify.
pub const CHANNEL: &str = "socdesk_changes";

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Ticket,
    Explanation,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "ticket" => Some(Kind::Ticket),
            "explanation" => Some(Kind::Explanation),
            _ => None,
        }
    }
}

/// Ids announced by the database, not yet described.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Announced {
    pub tickets: BTreeSet<i64>,
    pub explanations: BTreeSet<i64>,
}

impl Announced {
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty() && self.explanations.is_empty()
    }

    fn add(&mut self, kind: Kind, id: i64) {
        match kind {
            Kind::Ticket => self.tickets.insert(id),
            Kind::Explanation => self.explanations.insert(id),
        };
    }

    /// Adds the ids of one PostgreSQL notification (`ticket:1,2,3`). A payload of another shape
    /// is ignored: it cannot come from our triggers.
    pub fn add_notification(&mut self, payload: &str) {
        let Some((kind, ids)) = payload.split_once(':') else { return };
        let Some(kind) = Kind::parse(kind) else { return };
        for id in ids.split(',').filter_map(|i| i.trim().parse().ok()) {
            self.add(kind, id);
        }
    }
}

/// A changed ticket and the site that decides who sees it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct TicketChange {
    pub id: i64,
    pub site_id: i64,
}

/// A changed explanation and the people who may read it without an explanation permission.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ExplanationChange {
    pub id: i64,
    pub owner_id: Option<i64>,
    pub manager_id: String,
    pub auditor_id: Option<String>,
}

/// Described changes, ready to be filtered per caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub tickets: Vec<TicketChange>,
    pub explanations: Vec<ExplanationChange>,
}

impl Changes {
    /// The ids `actor` may see: the tickets of their sites (with `TICKET_VIEW`), and the
    /// explanations the explanation list would show them.
    pub fn visible_to(&self, actor: &Actor) -> (Vec<i64>, Vec<i64>) {
        let tickets = if actor.has(Permission::TicketView) {
            self.tickets.iter().filter(|t| actor.can_see_site(t.site_id)).map(|t| t.id).collect()
        } else {
            Vec::new()
        };
        let all = actor.has(Permission::ExplanationView) || actor.has(Permission::ExplanationAudit);
        let me = actor.employee_id.as_deref();
        let explanations = self
            .explanations
            .iter()
            .filter(|e| {
                all || e.owner_id == Some(actor.account_id)
                    || me.is_some_and(|me| e.manager_id == me || e.auditor_id.as_deref() == Some(me))
            })
            .map(|e| e.id)
            .collect();
        (tickets, explanations)
    }
}

/// Looks up who may see the announced rows (rows gone since are left out).
pub async fn describe(db: &impl ConnectionTrait, announced: &Announced) -> DomainResult<Changes> {
    let mut changes = Changes::default();
    // Bounded chunks keep every statement under both databases' parameter limits.
    let tickets: Vec<i64> = announced.tickets.iter().copied().collect();
    for chunk in tickets.chunks(500) {
        changes.tickets.extend(
            ticket::Entity::find()
                .select_only()
                .columns([ticket::Column::Id, ticket::Column::SiteId])
                .filter(ticket::Column::Id.is_in(chunk.iter().copied()))
                .order_by_asc(ticket::Column::Id)
                .into_model::<TicketChange>()
                .all(db)
                .await?,
        );
    }
    let explanations: Vec<i64> = announced.explanations.iter().copied().collect();
    for chunk in explanations.chunks(500) {
        changes.explanations.extend(
            explanation::Entity::find()
                .select_only()
                .columns([
                    explanation::Column::Id,
                    explanation::Column::OwnerId,
                    explanation::Column::ManagerId,
                    explanation::Column::AuditorId,
                ])
                .filter(explanation::Column::Id.is_in(chunk.iter().copied()))
                .order_by_asc(explanation::Column::Id)
                .into_model::<ExplanationChange>()
                .all(db)
                .await?,
        );
    }
    Ok(changes)
}

#[derive(Debug, FromQueryResult)]
struct EventRow {
    id: i64,
    kind: String,
    entity_id: i64,
}

/// SQLite: the newest `change_events` id, where a reader starts (earlier changes are history).
pub async fn latest(db: &impl ConnectionTrait) -> DomainResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COALESCE(MAX(id), 0) AS id FROM change_events",
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "id")).transpose()?.unwrap_or(0))
}

/// SQLite: the changes recorded after `after` (at most `limit`), and the id to read after next.
pub async fn read_after(db: &impl ConnectionTrait, after: i64, limit: u32) -> DomainResult<(Announced, i64)> {
    let rows = EventRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "SELECT id, kind, entity_id FROM change_events WHERE id > ? ORDER BY id LIMIT ?",
        [after.into(), limit.into()],
    ))
    .all(db)
    .await?;
    let mut announced = Announced::default();
    let mut last = after;
    for row in rows {
        if let Some(kind) = Kind::parse(&row.kind) {
            announced.add(kind, row.entity_id);
        }
        last = row.id;
    }
    Ok((announced, last))
}

/// SQLite: forgets changes recorded more than `keep_seconds` ago (every reader is long past
/// them; a reader that falls that far behind resynchronises instead).
pub async fn prune(db: &impl ConnectionTrait, keep_seconds: u32) -> DomainResult<u64> {
    let res = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "DELETE FROM change_events WHERE at < strftime('%Y-%m-%d %H:%M:%f', 'now', ?)",
            [format!("-{keep_seconds} seconds").into()],
        ))
        .await?;
    Ok(res.rows_affected())
}

#[cfg(test)]
mod tests {
    use socdesk_types::auth::AuthMethod;

    use super::*;

    fn actor(perms: &[Permission], sites: &[i64], employee: Option<&str>) -> Actor {
        Actor {
            account_id: 7,
            login: "a".into(),
            permissions: perms.iter().copied().collect(),
            site_ids: sites.iter().copied().collect(),
            employee_id: employee.map(Into::into),
            method: AuthMethod::Session,
            session_id: None,
            ip: None,
        }
    }

    fn changes() -> Changes {
        let e = |id, owner, manager: &str, auditor: Option<&str>| ExplanationChange {
            id,
            owner_id: owner,
            manager_id: manager.into(),
            auditor_id: auditor.map(Into::into),
        };
        Changes {
            tickets: vec![TicketChange { id: 1, site_id: 10 }, TicketChange { id: 2, site_id: 20 }],
            explanations: vec![
                e(100, Some(7), "m1", None),
                e(101, None, "E7", None),
                e(102, None, "m2", Some("E7")),
                e(103, Some(8), "m3", Some("a3")),
            ],
        }
    }

    #[test]
    fn notifications_name_a_kind_and_ids() {
        let mut a = Announced::default();
        a.add_notification("ticket:3,1,3");
        a.add_notification("explanation:9");
        a.add_notification("nonsense");
        a.add_notification("account:5");
        a.add_notification("ticket:x,4");
        assert_eq!(a.tickets, BTreeSet::from([1, 3, 4]));
        assert_eq!(a.explanations, BTreeSet::from([9]));
    }

    #[test]
    fn tickets_are_announced_to_their_sites_only() {
        let c = changes();
        assert_eq!(c.visible_to(&actor(&[Permission::TicketView], &[10], None)).0, vec![1]);
        assert_eq!(c.visible_to(&actor(&[Permission::TicketView], &[], None)).0, Vec::<i64>::new());
        assert_eq!(c.visible_to(&actor(&[Permission::Admin], &[], None)).0, vec![1, 2]);
        // A site grant without the permission to view tickets shows nothing.
        assert_eq!(
            c.visible_to(&actor(&[Permission::ExplanationView], &[10, 20], None)).0,
            Vec::<i64>::new()
        );
    }

    #[test]
    fn explanations_are_announced_as_the_list_shows_them() {
        let c = changes();
        assert_eq!(c.visible_to(&actor(&[], &[], None)).1, vec![100]);
        assert_eq!(c.visible_to(&actor(&[], &[], Some("E7"))).1, vec![100, 101, 102]);
        assert_eq!(
            c.visible_to(&actor(&[Permission::ExplanationAudit], &[], None)).1,
            vec![100, 101, 102, 103]
        );
        assert_eq!(c.visible_to(&actor(&[Permission::ExplanationView], &[], None)).1.len(), 4);
    }
}
