//! Turning a rule's matches into tickets: open one per new attack, or add to the open ticket of
//! the same attack (same rule and dedup key, inside the window) by counting the occurrence and
//! keeping its records as evidence up to the cap.
//!
//! Works on whole batches: one lookup of open tickets, one UPDATE for every ticket touched, one
//! INSERT for the evidence and one upsert for the hourly timeline.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{CaseStatement, Expr, ExprTrait, OnConflict},
};
use serde_json::{Map, Value};
use socdesk_types::tickets::{BodyFormat, CreatedBy, Priority, TicketField, TicketKind, TicketStatus};

use crate::{
    DomainResult,
    entities::{ticket, ticket_evidence, ticket_occurrence},
    explanations::{self, service::RuleAsk},
    rules::{
        Filing,
        loaded::Loaded,
        template::{Template, text_of},
    },
    services::audit::AuditActor,
    tickets::{
        ranks::{priority_rank, status_rank},
        service::{DESTINATION_IP, HOST, SOURCE_IP, history_by, search_text, set_links, well_known},
        workflow::initial_status,
    },
};

/// Who writes what a rule does.
const SYSTEM: AuditActor<'static> = AuditActor { id: None, name: "system", ip: None };

/// Rows per multi-row INSERT (well under both databases' bound-parameter limits).
const CHUNK: usize = 500;

/// One record kept as evidence.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    /// The stored record it copies, when the caller knows it (batch rules do).
    pub log_record_id: Option<i64>,
    pub time: DateTime<Utc>,
    pub view: Map<String, Value>,
}

/// One sighting of an attack: a matching record (stream) or a group over the threshold (batch).
#[derive(Debug, Clone)]
pub(crate) struct Occurrence {
    pub time: DateTime<Utc>,
    pub records: Vec<Evidence>,
}

/// Occurrences by dedup key (`None`: deduplication off).
pub(crate) type Groups = BTreeMap<Option<String>, Vec<Occurrence>>;

/// Which tickets a batch of occurrences opened and which it added to.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub created: Vec<i64>,
    pub updated: Vec<i64>,
}

/// A ticket the batch opens or adds to.
struct Target {
    existing: Option<ticket::Model>,
    key: Option<String>,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    count: i64,
    evidence: Vec<Evidence>,
    buckets: BTreeMap<DateTime<Utc>, i64>,
}

impl Target {
    fn kept(&self) -> i64 {
        self.existing.as_ref().map_or(0, |t| t.evidence_count) + self.evidence.len() as i64
    }

    fn add(&mut self, occ: Occurrence, cap: i64, attached: &BTreeSet<i64>) {
        self.count += 1;
        self.last_seen = Ord::max(self.last_seen, occ.time);
        self.first_seen = Ord::min(self.first_seen, occ.time);
        let hour = occ.time.duration_trunc(TimeDelta::hours(1)).unwrap_or(occ.time);
        *self.buckets.entry(hour).or_default() += 1;
        for record in occ.records {
            if self.kept() >= cap {
                break;
            }
            if record.log_record_id.is_some_and(|id| attached.contains(&id)) {
                continue;
            }
            self.evidence.push(record);
        }
    }

    fn within(&self, at: DateTime<Utc>, window: TimeDelta) -> bool {
        (at - self.first_seen).abs() < window
    }
}

/// The latest open ticket of each (rule, key) asked for, in one lookup per chunk of keys.
async fn open_tickets(
    db: &impl ConnectionTrait,
    wanted: &HashSet<(i64, &String)>,
) -> DomainResult<HashMap<(i64, String), ticket::Model>> {
    let mut found: HashMap<(i64, String), ticket::Model> = HashMap::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let rule_ids: BTreeSet<i64> = wanted.iter().map(|(r, _)| *r).collect();
    let keys: Vec<&String> = wanted.iter().map(|(_, k)| *k).collect::<BTreeSet<_>>().into_iter().collect();
    for chunk in keys.chunks(CHUNK) {
        let rows = ticket::Entity::find()
            .filter(ticket::Column::RuleId.is_in(rule_ids.iter().copied()))
            .filter(ticket::Column::DedupKey.is_in(chunk.iter().map(|k| k.as_str())))
            .filter(ticket::Column::Status.ne(TicketStatus::Closed.as_str()))
            .all(db)
            .await?;
        for t in rows {
            let (Some(rule_id), Some(key)) = (t.rule_id, t.dedup_key.clone()) else { continue };
            // Keys are shared between rules' lookups; keep only the pairs asked for.
            if !wanted.contains(&(rule_id, &key)) {
                continue;
            }
            let slot = (rule_id, key);
            if found.get(&slot).is_none_or(|old| old.id < t.id) {
                found.insert(slot, t);
            }
        }
    }
    Ok(found)
}

/// Log record ids already kept as evidence of these tickets (batch rules see records again).
async fn attached_records(db: &impl ConnectionTrait, ticket_ids: &[i64]) -> DomainResult<BTreeSet<i64>> {
    let mut ids = BTreeSet::new();
    for chunk in ticket_ids.chunks(CHUNK) {
        let rows: Vec<Option<i64>> = ticket_evidence::Entity::find()
            .select_only()
            .column(ticket_evidence::Column::LogRecordId)
            .filter(ticket_evidence::Column::TicketId.is_in(chunk.iter().copied()))
            .filter(ticket_evidence::Column::LogRecordId.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(rows.into_iter().flatten());
    }
    Ok(ids)
}

/// Plans which tickets the occurrences go to; `groups` maps a dedup key to its occurrences.
fn plan(
    rule: &Loaded,
    groups: Groups,
    open: &mut HashMap<(i64, String), ticket::Model>,
    cap: i64,
    attached: &BTreeSet<i64>,
) -> Vec<Target> {
    let window = TimeDelta::seconds(rule.model.dedup_window_secs);
    let mut targets: Vec<Target> = Vec::new();
    for (key, mut occurrences) in groups {
        occurrences.sort_by_key(|o| o.time);
        let mut current: Option<usize> = None;
        if let Some(existing) = key.as_ref().and_then(|k| open.remove(&(rule.model.id, k.clone()))) {
            let first_seen = existing.first_seen_at.unwrap_or(existing.created_at);
            let last_seen = existing.last_seen_at.unwrap_or(first_seen);
            targets.push(Target {
                existing: Some(existing),
                key: key.clone(),
                first_seen,
                last_seen,
                count: 0,
                evidence: Vec::new(),
                buckets: BTreeMap::new(),
            });
            current = Some(targets.len() - 1);
        }
        for occ in occurrences {
            let fits = key.is_some() && current.is_some_and(|i| targets[i].within(occ.time, window));
            if !fits {
                targets.push(Target {
                    existing: None,
                    key: key.clone(),
                    first_seen: occ.time,
                    last_seen: occ.time,
                    count: 0,
                    evidence: Vec::new(),
                    buckets: BTreeMap::new(),
                });
                current = Some(targets.len() - 1);
            }
            if let Some(i) = current {
                targets[i].add(occ, cap, attached);
            }
        }
    }
    targets.retain(|t| t.count > 0);
    targets
}

/// Opens the ticket of a new attack, with its links and its "created" history row.
async fn open_ticket(
    db: &impl ConnectionTrait,
    rule: &Loaded,
    target: &Target,
    now: DateTime<Utc>,
) -> DomainResult<i64> {
    let spec = &rule.ticket;
    let first = target.evidence.first().map(|e| e.view.clone()).unwrap_or_default();
    let mut title: String = rule.title.render(&first).trim().chars().take(255).collect();
    if title.is_empty() {
        title = rule.model.name.clone();
    }
    let body = rule.body.render(&first);
    let fields: Vec<TicketField> = spec
        .fields
        .iter()
        .filter_map(|m| {
            first.get(&m.from).and_then(text_of).map(|value| TicketField { name: m.name.clone(), value })
        })
        .collect();
    let has_assignee = !spec.assignee_ids.is_empty();
    let status = initial_status(has_assignee);
    let priority = spec.priority.unwrap_or(Priority::Low);
    let model = ticket::ActiveModel {
        site_id: Set(spec.site_id),
        category_id: Set(spec.category_id),
        kind: Set(TicketKind::Detection.as_str().to_owned()),
        search_text: Set(search_text(&title, &body, &fields)),
        src_ip: Set(well_known(&fields, SOURCE_IP)),
        dst_ip: Set(well_known(&fields, DESTINATION_IP)),
        host: Set(well_known(&fields, HOST)),
        title: Set(title),
        body: Set(body),
        body_format: Set(BodyFormat::Markdown.as_str().to_owned()),
        fields: Set(serde_json::to_value(&fields).unwrap_or_default()),
        priority: Set(priority.as_str().to_owned()),
        priority_rank: Set(priority_rank(priority)),
        status: Set(status.as_str().to_owned()),
        status_rank: Set(status_rank(status)),
        attack: Set(None),
        incident: Set(None),
        created_by: Set(CreatedBy::System.as_str().to_owned()),
        registered_by: Set(None),
        rule_id: Set(Some(rule.model.id)),
        duplicate_count: Set(target.count),
        risk_score: Set(None),
        created_at: Set(now),
        modified_at: Set(now),
        closed_at: Set(None),
        first_assigned_at: Set(has_assignee.then_some(now)),
        version: Set(1),
        dedup_key: Set(target.key.clone()),
        first_seen_at: Set(Some(target.first_seen)),
        last_seen_at: Set(Some(target.last_seen)),
        evidence_count: Set(target.evidence.len() as i64),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_links(db, model.id, &spec.assignee_ids, &spec.approver_ids, &spec.tag_ids).await?;
    let comment = format!("opened by rule #{} {}", rule.model.id, rule.model.name);
    history_by(db, model.id, now, SYSTEM, "created", None, Some(status.as_str().to_owned()), Some(&comment))
        .await?;
    Ok(model.id)
}

/// Adds the counts of the batch to the tickets it found open, in one statement.
async fn add_to_open(db: &impl ConnectionTrait, targets: &[(i64, &Target)]) -> DomainResult<()> {
    if targets.is_empty() {
        return Ok(());
    }
    let mut count = CaseStatement::new();
    let mut last_seen = CaseStatement::new();
    let mut first_seen = CaseStatement::new();
    let mut kept = CaseStatement::new();
    for (id, t) in targets {
        let is = Expr::col(ticket::Column::Id).eq(*id);
        count = count.case(is.clone(), Expr::col(ticket::Column::DuplicateCount).add(t.count));
        last_seen = last_seen.case(is.clone(), Expr::value(t.last_seen));
        first_seen = first_seen.case(is.clone(), Expr::value(t.first_seen));
        kept = kept.case(is, Expr::col(ticket::Column::EvidenceCount).add(t.evidence.len() as i64));
    }
    ticket::Entity::update_many()
        .col_expr(ticket::Column::DuplicateCount, count.into())
        .col_expr(ticket::Column::LastSeenAt, last_seen.into())
        .col_expr(ticket::Column::FirstSeenAt, first_seen.into())
        .col_expr(ticket::Column::EvidenceCount, kept.into())
        .filter(ticket::Column::Id.is_in(targets.iter().map(|(id, _)| *id)))
        .exec(db)
        .await?;
    Ok(())
}

/// Files `groups` (occurrences by dedup key) as tickets of `rule`.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    rule: &Loaded,
    groups: Groups,
    filing: &Filing,
    now: DateTime<Utc>,
) -> DomainResult<Outcome> {
    let mut outcomes = apply_many(db, vec![(rule, groups)], filing, now).await?;
    Ok(outcomes.pop().unwrap_or_default())
}

/// Files the groups of several rules at once: the statements that look up, update and append
/// are shared by all of them, so a batch costs the same few round trips whatever the number of
/// rules that matched. Outcomes come back in the order of `items`.
pub(crate) async fn apply_many(
    db: &impl ConnectionTrait,
    items: Vec<(&Loaded, Groups)>,
    filing: &Filing,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Outcome>> {
    let wanted: HashSet<(i64, &String)> =
        items.iter().flat_map(|(rule, groups)| groups.keys().flatten().map(|k| (rule.model.id, k))).collect();
    let mut open = open_tickets(db, &wanted).await?;
    let needs_attached = items
        .iter()
        .flat_map(|(_, groups)| groups.values().flatten().flat_map(|o| &o.records))
        .any(|r| r.log_record_id.is_some());
    let attached = if needs_attached {
        attached_records(db, &open.values().map(|t| t.id).collect::<Vec<_>>()).await?
    } else {
        BTreeSet::new()
    };
    drop(wanted);
    let planned: Vec<(&Loaded, Vec<Target>)> = items
        .into_iter()
        .map(|(rule, groups)| (rule, plan(rule, groups, &mut open, filing.evidence_cap, &attached)))
        .collect();

    let mut outcomes = Vec::with_capacity(planned.len());
    let mut ids = Vec::new();
    let mut updates = Vec::new();
    let mut asks = Vec::new();
    for (rule, targets) in &planned {
        let mut outcome = Outcome::default();
        for t in targets {
            match &t.existing {
                Some(existing) => {
                    ids.push(existing.id);
                    updates.push((existing.id, t));
                    outcome.updated.push(existing.id);
                }
                None => {
                    let id = open_ticket(db, rule, t, now).await?;
                    ids.push(id);
                    outcome.created.push(id);
                    if let Some(ask) = explanation_ask(rule, t, id) {
                        asks.push(ask);
                    }
                }
            }
        }
        outcomes.push(outcome);
    }
    for chunk in updates.chunks(CHUNK) {
        add_to_open(db, chunk).await?;
    }
    drop(updates);

    // The targets are consumed here: their records move into the evidence rows uncopied.
    let mut evidence: Vec<ticket_evidence::ActiveModel> = Vec::new();
    let mut buckets: Vec<ticket_occurrence::ActiveModel> = Vec::new();
    for (t, id) in planned.into_iter().flat_map(|(_, targets)| targets).zip(ids) {
        evidence.extend(t.evidence.into_iter().map(|e| ticket_evidence::ActiveModel {
            ticket_id: Set(id),
            at: Set(e.time),
            record: Set(Value::Object(e.view)),
            log_record_id: Set(e.log_record_id),
            ..Default::default()
        }));
        buckets.extend(t.buckets.into_iter().map(|(at, n)| ticket_occurrence::ActiveModel {
            ticket_id: Set(id),
            bucket: Set(at),
            count: Set(n),
        }));
    }
    let mut evidence = evidence.into_iter().peekable();
    while evidence.peek().is_some() {
        let chunk: Vec<_> = evidence.by_ref().take(CHUNK).collect();
        ticket_evidence::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }

    for chunk in buckets.chunks(CHUNK) {
        ticket_occurrence::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([ticket_occurrence::Column::TicketId, ticket_occurrence::Column::Bucket])
                    .value(
                        ticket_occurrence::Column::Count,
                        Expr::col((ticket_occurrence::Entity, ticket_occurrence::Column::Count))
                            .add(Expr::cust("excluded.count")),
                    )
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }

    // Last, with the tickets' evidence in place for the explanations to copy.
    for ask in asks {
        let ticket_id = ask.ticket_id;
        if let Err(reason) = explanations::service::from_rule(db, ask, &filing.links, now).await? {
            let note = format!("no explanation was requested: {reason}");
            history_by(db, ticket_id, now, SYSTEM, "explanation_skipped", None, None, Some(&note)).await?;
        }
    }
    Ok(outcomes)
}

/// The explanation request of a rule with an explanation part, for the ticket `ticket_id` it
/// just opened for `target`.
fn explanation_ask<'a>(rule: &'a Loaded, target: &Target, ticket_id: i64) -> Option<RuleAsk<'a>> {
    let spec = rule.explanation()?;
    let first = target.evidence.first().map(|e| &e.view);
    let message = match (&spec.message, first) {
        (Some(raw), Some(view)) => {
            Template::parse(raw).map(|t| t.render(view)).unwrap_or_else(|_| raw.clone())
        }
        (Some(raw), None) => raw.clone(),
        (None, _) => String::new(),
    };
    Some(RuleAsk {
        rule_id: rule.model.id,
        rule_name: &rule.model.name,
        emp_key: first.and_then(|v| v.get("emp_key")).and_then(text_of),
        message,
        spec,
        ticket_id,
    })
}
