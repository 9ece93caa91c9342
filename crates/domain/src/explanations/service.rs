//! Explanation requests: asking one (with its evidence and the violator's mail), reading it,
//! the violator's token page and submission, and the reviewers' decisions. Every change writes
//! its history row and its mail (to the outbox) in the same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::Value;
use socdesk_types::{
    Permission,
    explanations::{
        ExplanationDetail, ExplanationStatus, NewExplanation, Priority, PublicExplanation, ReviewRequest,
        SubmitExplanation,
    },
    mail::{Language, MailKind},
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{
        account, employee, explanation, explanation_category, explanation_evidence, explanation_history,
        log_record, log_schema, log_table, rule, ticket, ticket_evidence, token_failure,
    },
    error::Violations,
    explanations::{
        assemble, attachments,
        window::{can_submit, link_alive, submission_closes},
        workflow::{self, ExplanationFacts, Notify, Roles},
    },
    mail::{
        outbox::{self, NewMail},
        templates,
    },
    people::reviewer::primary_reviewer,
    secrets,
    services::{
        audit::{self, AuditActor},
        settings,
    },
    tickets::{ranks::priority_rank, scope::visible_tickets},
};

/// The longest request message, explanation or comment, in characters.
pub const TEXT_MAX: usize = 10_000;
/// Failed token lookups one address may make per window before it is throttled.
const TOKEN_FAILURES_MAX: u64 = 20;
/// The window of that throttle, in seconds.
const TOKEN_WINDOW_SECS: i64 = 600;

/// Where links in mail point.
#[derive(Debug, Clone)]
pub struct Links {
    /// `SOCDESK_PUBLIC_URL`, without a trailing slash.
    pub public_url: String,
}

impl Links {
    pub(crate) fn violator(&self, token: &str) -> String {
        format!("{}/explain/{token}", self.public_url)
    }

    pub(crate) fn review(&self, id: i64) -> String {
        format!("{}/explanations/{id}/review", self.public_url)
    }
}

pub(crate) fn status_rank(s: ExplanationStatus) -> i16 {
    ExplanationStatus::ALL.iter().position(|x| *x == s).unwrap_or_default() as i16
}

pub(crate) fn status_of(m: &explanation::Model) -> DomainResult<ExplanationStatus> {
    ExplanationStatus::parse(&m.status)
        .ok_or_else(|| DomainError::Internal(format!("explanation {} has status '{}'", m.id, m.status)))
}

async fn employee_named(
    db: &impl ConnectionTrait,
    id: &str,
    field: &str,
    v: &mut Violations,
) -> DomainResult<Option<employee::Model>> {
    let found = employee::Entity::find_by_id(id.to_owned()).one(db).await?;
    if found.is_none() {
        v.push(field, format!("no employee has the id '{id}'"));
    }
    Ok(found)
}

/// One history row, and its audit entry (`explanation.<action>`) in the same transaction.
#[expect(clippy::too_many_arguments, reason = "one row, named columns")]
pub(crate) async fn step(
    db: &impl ConnectionTrait,
    explanation_id: i64,
    at: DateTime<Utc>,
    actor: (&str, Option<&str>, Option<i64>),
    action: &str,
    from: Option<ExplanationStatus>,
    to: Option<ExplanationStatus>,
    comment: Option<(&str, bool)>,
) -> DomainResult<i64> {
    let row = explanation_history::ActiveModel {
        explanation_id: Set(explanation_id),
        at: Set(at),
        actor_kind: Set(actor.0.to_owned()),
        actor_employee_id: Set(actor.1.map(str::to_owned)),
        actor_account_id: Set(actor.2),
        action: Set(action.to_owned()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.map(|s| s.as_str().to_owned())),
        result: Set(None),
        comment: Set(comment.map(|(c, _)| c.to_owned())),
        internal: Set(comment.is_some_and(|(_, internal)| internal)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let (kind, employee_id, account_id) = actor;
    let login = match account_id {
        Some(id) => account::Entity::find_by_id(id).one(db).await?.map(|a| a.login),
        None => None,
    };
    let name = login.unwrap_or_else(|| match employee_id {
        Some(e) => format!("{kind} {e}"),
        None => kind.to_owned(),
    });
    let detail = serde_json::json!({
        "role": kind, "employee_id": employee_id,
        "from": from.map(|s| s.as_str()), "to": to.map(|s| s.as_str()),
    });
    let who = AuditActor { id: account_id, name: &name, ip: None };
    audit::record(db, who, &format!("explanation.{action}"), Some(("explanation", explanation_id)), detail)
        .await?;
    Ok(row.id)
}

/// Writes the mail of `kind` about `e` to `to` into the outbox, in `to`'s language.
#[expect(clippy::too_many_arguments, reason = "the values a template fills")]
pub(crate) async fn mail(
    db: &impl ConnectionTrait,
    kind: MailKind,
    e: &explanation::Model,
    to: &employee::Model,
    violator: &employee::Model,
    link: String,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let options = settings::options(db).await?;
    let language = to.language.as_deref().and_then(Language::parse).unwrap_or(options.default_language);
    let category = explanation_category::Entity::find_by_id(e.category_id)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let values: BTreeMap<&str, String> = [
        ("employee_name", violator.name.clone()),
        ("employee_id", violator.id.clone()),
        ("reviewer_name", to.name.clone()),
        ("category", category),
        ("priority", e.priority.clone()),
        ("deadline", e.deadline.format("%Y-%m-%d %H:%M UTC").to_string()),
        ("message", e.message.clone()),
        ("explanation_id", e.id.to_string()),
        ("link", link),
        ("comment", comment.unwrap_or_default().to_owned()),
    ]
    .into_iter()
    .collect();
    let rendered = templates::render(db, kind, language, &values).await?;
    outbox::enqueue(
        db,
        NewMail {
            kind,
            recipient: to.email.clone(),
            subject: rendered.subject,
            body: rendered.body,
            explanation_id: Some(e.id),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Gives the violator a new link (the old one stops working) and returns its token.
pub(crate) async fn issue_link(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let token = secrets::random_token();
    explanation::Entity::update_many()
        .col_expr(
            explanation::Column::TokenHash,
            sea_orm::sea_query::Expr::value(secrets::token_hash(&token)),
        )
        .col_expr(explanation::Column::TokenIssuedAt, sea_orm::sea_query::Expr::value(now))
        .filter(explanation::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(token)
}

/// The schema name of the log table `table_id`.
async fn schema_of_table(db: &impl ConnectionTrait, table_id: i64) -> DomainResult<String> {
    let Some(table) = log_table::Entity::find_by_id(table_id).one(db).await? else {
        return Ok("records".into());
    };
    Ok(log_schema::Entity::find_by_id(table.schema_id).one(db).await?.map_or(table.name, |s| s.name))
}

/// Asks `new.violator_id` for an explanation; `ticket` is the ticket it is asked from (already
/// checked visible by the caller) whose evidence is copied.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewExplanation,
    links: &Links,
) -> DomainResult<ExplanationDetail> {
    let txn = db.begin().await?;
    let id = create_in(&txn, actor, new, links).await?;
    txn.commit().await?;
    get(db, actor, id).await
}

/// [`create`] inside the caller's transaction; answers the new explanation's id (a playbook
/// step writes it with its task).
pub async fn create_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    new: NewExplanation,
    links: &Links,
) -> DomainResult<i64> {
    let now = Utc::now();
    let mut v = Violations::new();
    let message = new.message.trim().to_owned();
    if message.chars().count() > TEXT_MAX {
        v.push("message", format!("must be at most {TEXT_MAX} characters"));
    }
    if new.deadline <= now {
        v.push("deadline", "must be in the future");
    }
    if new.evidence_record_ids.len() > 1_000 {
        v.push("evidence_record_ids", "at most 1,000 records");
    }
    let violator = employee_named(txn, &new.violator_id, "violator_id", &mut v).await?;
    let manager = match &new.manager_id {
        Some(id) => employee_named(txn, id, "manager_id", &mut v).await?,
        None => match &violator {
            Some(violator) => match primary_reviewer(txn, &violator.id).await? {
                Some(found) => employee::Entity::find_by_id(found.id).one(txn).await?,
                None => {
                    v.push("manager_id", "no manager could be assigned automatically; name one");
                    None
                }
            },
            None => None,
        },
    };
    let auditor = match &new.auditor_id {
        Some(id) => employee_named(txn, id, "auditor_id", &mut v).await?,
        None => None,
    };
    if let (Some(violator), Some(m)) = (&violator, &manager)
        && m.id == violator.id
    {
        v.push("manager_id", "the violator cannot review their own explanation");
    }
    if let (Some(violator), Some(a)) = (&violator, &auditor)
        && a.id == violator.id
    {
        v.push("auditor_id", "the violator cannot review their own explanation");
    }
    if explanation_category::Entity::find_by_id(new.category_id).one(txn).await?.is_none() {
        v.push("category_id", "no such explanation category");
    }
    let ticket = match new.ticket_id {
        Some(id) => {
            let found = visible_tickets(actor).filter(ticket::Column::Id.eq(id)).one(txn).await?;
            if found.is_none() {
                v.push("ticket_id", "no such ticket");
            }
            found
        }
        None => None,
    };
    let records = if new.evidence_record_ids.is_empty() {
        Vec::new()
    } else {
        log_record::Entity::find()
            .filter(log_record::Column::Id.is_in(new.evidence_record_ids.iter().copied()))
            .all(txn)
            .await?
    };
    if records.len() < new.evidence_record_ids.iter().collect::<std::collections::BTreeSet<_>>().len() {
        v.push("evidence_record_ids", "some records do not exist");
    }
    if records.iter().any(|r| r.emp_key.as_deref() != Some(new.violator_id.as_str())) {
        v.push("evidence_record_ids", "evidence must be records whose emp_key is the violator's id");
    }
    v.finish()?;
    let (Some(violator), Some(manager)) = (violator, manager) else {
        return Err(DomainError::Internal("checked employees went missing".into()));
    };
    let request = Request {
        violator,
        manager,
        auditor,
        category_id: new.category_id,
        priority: new.priority.unwrap_or(Priority::Low),
        message,
        deadline: new.deadline,
        owner: Some(actor.account_id),
        rule_id: None,
        ticket,
        records,
    };
    Ok(insert_request(txn, request, links, now).await?.id)
}

/// A checked request, ready to be written.
struct Request {
    violator: employee::Model,
    manager: employee::Model,
    auditor: Option<employee::Model>,
    category_id: i64,
    priority: Priority,
    message: String,
    deadline: DateTime<Utc>,
    /// The account that asked (none when a rule did).
    owner: Option<i64>,
    rule_id: Option<i64>,
    /// The ticket it is asked from, whose evidence is copied.
    ticket: Option<ticket::Model>,
    /// Stored log records chosen as evidence.
    records: Vec<log_record::Model>,
}

/// Writes a checked request: the row, its evidence, the "requested" step, the violator's link
/// and mail, and the ticket's explanation status.
async fn insert_request(
    txn: &impl ConnectionTrait,
    r: Request,
    links: &Links,
    now: DateTime<Utc>,
) -> DomainResult<explanation::Model> {
    let category_name = explanation_category::Entity::find_by_id(r.category_id)
        .one(txn)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let row = explanation::ActiveModel {
        priority: Set(r.priority.as_str().to_owned()),
        priority_rank: Set(priority_rank(r.priority)),
        status: Set(ExplanationStatus::New.as_str().to_owned()),
        status_rank: Set(status_rank(ExplanationStatus::New)),
        violator_id: Set(r.violator.id.clone()),
        manager_id: Set(r.manager.id.clone()),
        auditor_id: Set(r.auditor.as_ref().map(|a| a.id.clone())),
        owner_id: Set(r.owner),
        rule_id: Set(r.rule_id),
        category_id: Set(r.category_id),
        ticket_id: Set(r.ticket.as_ref().map(|t| t.id)),
        result: Set(None),
        search_text: Set(
            format!("{}\n{}\n{}\n{category_name}", r.message, r.violator.name, r.violator.id).to_lowercase()
        ),
        message: Set(r.message),
        deadline: Set(r.deadline),
        token_hash: Set(None),
        token_issued_at: Set(None),
        submitted_at: Set(None),
        closed_at: Set(None),
        reminded_at: Set(None),
        overdue_notified_at: Set(None),
        evidence_count: Set(0),
        created_at: Set(now),
        modified_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;

    // Evidence: a copy of the ticket's, then the chosen records.
    let mut evidence: Vec<explanation_evidence::ActiveModel> = Vec::new();
    if let Some(t) = &r.ticket {
        let schema = match t.rule_id {
            Some(rule_id) => match rule::Entity::find_by_id(rule_id).one(txn).await? {
                Some(found) => schema_of_table(txn, found.table_id).await?,
                None => format!("ticket #{}", t.id),
            },
            None => format!("ticket #{}", t.id),
        };
        for e in ticket_evidence::Entity::find()
            .filter(ticket_evidence::Column::TicketId.eq(t.id))
            .all(txn)
            .await?
        {
            evidence.push(explanation_evidence::ActiveModel {
                explanation_id: Set(row.id),
                schema_name: Set(schema.clone()),
                at: Set(e.at),
                record: Set(e.record),
                log_record_id: Set(e.log_record_id),
                ..Default::default()
            });
        }
    }
    let mut schemas: BTreeMap<i64, String> = BTreeMap::new();
    for rec in r.records {
        let schema = match schemas.get(&rec.table_id) {
            Some(s) => s.clone(),
            None => {
                let s = schema_of_table(txn, rec.table_id).await?;
                schemas.insert(rec.table_id, s.clone());
                s
            }
        };
        let mut fields = match rec.fields {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        if let Some(id) = rec.record_id {
            fields.insert("_id".into(), Value::String(id));
        }
        fields.insert("emp_key".into(), rec.emp_key.map_or(Value::Null, Value::String));
        evidence.push(explanation_evidence::ActiveModel {
            explanation_id: Set(row.id),
            schema_name: Set(schema),
            at: Set(rec.time),
            record: Set(Value::Object(fields)),
            log_record_id: Set(Some(rec.id)),
            ..Default::default()
        });
    }
    let count = evidence.len() as i32;
    for chunk in evidence.chunks(500) {
        explanation_evidence::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    explanation::Entity::update_many()
        .col_expr(explanation::Column::EvidenceCount, sea_orm::sea_query::Expr::value(count))
        .filter(explanation::Column::Id.eq(row.id))
        .exec(txn)
        .await?;

    let actor = match r.rule_id {
        Some(_) => ("system", None, None),
        None => ("owner", None, r.owner),
    };
    step(txn, row.id, now, actor, "requested", None, Some(ExplanationStatus::New), None).await?;
    let token = issue_link(txn, row.id, now).await?;
    mail(txn, MailKind::Request, &row, &r.violator, &r.violator, links.violator(&token), None, now).await?;
    if let Some(t) = &r.ticket {
        follow_ticket(txn, t.id).await?;
    }
    Ok(row)
}

/// What a rule's explanation part asks of the violator of the ticket it just opened.
pub(crate) struct RuleAsk<'a> {
    pub rule_id: i64,
    pub rule_name: &'a str,
    pub spec: socdesk_types::rules::ExplanationSpec,
    /// The rendered message (the spec's, holes filled from the first record).
    pub message: String,
    /// The first record's `emp_key`.
    pub emp_key: Option<String>,
    pub ticket_id: i64,
}

/// Asks the violator a rule names (the first record's `emp_key`) for an explanation of the
/// ticket the rule just opened. Answers why not when it can't: no employee with that id, no
/// reviewer to assign, no explanation category. The caller notes that on the ticket.
pub(crate) async fn from_rule(
    txn: &impl ConnectionTrait,
    ask: RuleAsk<'_>,
    links: &Links,
    now: DateTime<Utc>,
) -> DomainResult<Result<i64, String>> {
    use sea_orm::QueryOrder;
    let Some(emp_key) = ask.emp_key.filter(|k| !k.is_empty()) else {
        return Ok(Err("the record has no emp_key".into()));
    };
    let Some(violator) = employee::Entity::find_by_id(emp_key.clone()).one(txn).await? else {
        return Ok(Err(format!("no employee has the id '{emp_key}'")));
    };
    let manager = match primary_reviewer(txn, &violator.id).await? {
        Some(found) => employee::Entity::find_by_id(found.id).one(txn).await?,
        None => None,
    };
    let Some(manager) = manager.filter(|m| m.id != violator.id) else {
        return Ok(Err(format!("no reviewer could be assigned to {}", violator.id)));
    };
    let category = match ask.spec.category_id {
        Some(id) => explanation_category::Entity::find_by_id(id).one(txn).await?,
        None => {
            explanation_category::Entity::find()
                .order_by_asc(explanation_category::Column::Id)
                .one(txn)
                .await?
        }
    };
    let Some(category) = category else {
        return Ok(Err("there is no explanation category".into()));
    };
    let Some(ticket) = ticket::Entity::find_by_id(ask.ticket_id).one(txn).await? else {
        return Ok(Err(format!("ticket {} is gone", ask.ticket_id)));
    };
    let days = i64::from(ask.spec.deadline_days.clamp(1, 365));
    let mut message: String = ask.message.trim().chars().take(TEXT_MAX).collect();
    if message.is_empty() {
        message = format!("Detection rule \"{}\" recorded this activity. Please explain it.", ask.rule_name);
    }
    let request = Request {
        violator,
        manager,
        auditor: None,
        category_id: category.id,
        priority: Priority::parse(&ticket.priority).unwrap_or(Priority::Low),
        message,
        deadline: now + chrono::Duration::days(days),
        owner: None,
        rule_id: Some(ask.rule_id),
        ticket: Some(ticket),
        records: Vec::new(),
    };
    Ok(Ok(insert_request(txn, request, links, now).await?.id))
}

/// Sets a ticket's explanation status to its latest explanation's.
pub(crate) async fn follow_ticket(db: &impl ConnectionTrait, ticket_id: i64) -> DomainResult<()> {
    use sea_orm::QueryOrder;
    let latest = explanation::Entity::find()
        .filter(explanation::Column::TicketId.eq(ticket_id))
        .order_by_desc(explanation::Column::Id)
        .one(db)
        .await?;
    ticket::Entity::update_many()
        .col_expr(
            ticket::Column::ExplanationStatus,
            sea_orm::sea_query::Expr::value(latest.map(|e| e.status)),
        )
        .filter(ticket::Column::Id.eq(ticket_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The roles `actor` plays towards `e`.
fn roles_of(actor: &Actor, e: &explanation::Model) -> Roles {
    let me = actor.employee_id.as_deref();
    Roles {
        violator: me == Some(e.violator_id.as_str()),
        manager: me == Some(e.manager_id.as_str()),
        auditor: me.is_some() && me == e.auditor_id.as_deref(),
        auditing: actor.has(Permission::ExplanationAudit),
    }
}

/// Whether `actor` may read `e`: explanation permissions, having asked for it, or being its
/// manager or auditor.
pub(crate) fn may_read(actor: &Actor, e: &explanation::Model) -> bool {
    let r = roles_of(actor, e);
    actor.has(Permission::ExplanationView)
        || actor.has(Permission::ExplanationAudit)
        || e.owner_id == Some(actor.account_id)
        || r.manager
        || r.auditor
}

/// One explanation with its evidence, history and the caller's allowed actions. Unknown and
/// unreadable ones are both 404.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> DomainResult<ExplanationDetail> {
    let e = explanation::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("explanation"))?;
    if !may_read(actor, &e) {
        return Err(DomainError::NotFound("explanation"));
    }
    let facts = ExplanationFacts { status: status_of(&e)?, has_auditor: e.auditor_id.is_some() };
    let allowed_actions = workflow::allowed_actions(facts, roles_of(actor, &e))
        .into_iter()
        .filter(|a| *a != socdesk_types::explanations::ExplanationAction::Submit)
        .collect();
    let message = e.message.clone();
    let summary =
        assemble::summaries(db, actor, vec![e]).await?.pop().ok_or(DomainError::NotFound("explanation"))?;
    Ok(ExplanationDetail {
        message,
        evidence: assemble::evidence(db, id).await?,
        history: assemble::history(db, id, false).await?,
        allowed_actions,
        summary,
    })
}

/// Refuses an address that guessed too many links lately.
async fn check_throttle(db: &impl ConnectionTrait, ip: &str, now: DateTime<Utc>) -> DomainResult<()> {
    let since = now - chrono::Duration::seconds(TOKEN_WINDOW_SECS);
    let recent = token_failure::Entity::find()
        .filter(token_failure::Column::Ip.eq(ip))
        .filter(token_failure::Column::At.gt(since))
        .count(db)
        .await?;
    if recent >= TOKEN_FAILURES_MAX {
        return Err(DomainError::TooManyAttempts { retry_after_secs: TOKEN_WINDOW_SECS as u64 });
    }
    Ok(())
}

/// What a link was used for, as the audit log names it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TokenUse {
    View,
    Submit,
    Upload,
    Download,
}

impl TokenUse {
    fn as_str(self) -> &'static str {
        match self {
            TokenUse::View => "view",
            TokenUse::Submit => "submit",
            TokenUse::Upload => "upload",
            TokenUse::Download => "download",
        }
    }
}

/// The explanation a live link opens, or the one 404 every dead, unknown or used link gets
/// (counted against the caller's address). Each use of a live link is an audit entry
/// (`explanation.token_use`), in the caller's transaction.
pub(crate) async fn by_token(
    db: &impl ConnectionTrait,
    token: &str,
    ip: &str,
    now: DateTime<Utc>,
    purpose: TokenUse,
) -> DomainResult<explanation::Model> {
    check_throttle(db, ip, now).await?;
    let found = if token.len() > 128 {
        None
    } else {
        explanation::Entity::find()
            .filter(explanation::Column::TokenHash.eq(secrets::token_hash(token)))
            .one(db)
            .await?
    };
    let expiry = settings::options(db).await?.explanation_token_expiry;
    match found {
        Some(e) if link_alive(now, e.created_at, e.deadline, expiry) => {
            let name = format!("violator {}", e.violator_id);
            let who = AuditActor { id: None, name: &name, ip: Some(ip) };
            let detail = serde_json::json!({"use": purpose.as_str(), "employee_id": e.violator_id});
            audit::record(db, who, "explanation.token_use", Some(("explanation", e.id)), detail).await?;
            Ok(e)
        }
        _ => {
            token_failure::Entity::delete_many()
                .filter(token_failure::Column::At.lt(now - chrono::Duration::seconds(TOKEN_WINDOW_SECS * 2)))
                .exec(db)
                .await?;
            token_failure::ActiveModel {
                ip: Set(ip.chars().take(64).collect()),
                at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            Err(DomainError::NotFound("explanation link"))
        }
    }
}

/// What the violator's page shows.
pub async fn public_view(db: &DatabaseConnection, token: &str, ip: &str) -> DomainResult<PublicExplanation> {
    let now = Utc::now();
    let e = by_token(db, token, ip, now, TokenUse::View).await?;
    let expiry = settings::options(db).await?.explanation_token_expiry;
    let violator = employee::Entity::find_by_id(e.violator_id.clone())
        .one(db)
        .await?
        .map(|v| v.name)
        .unwrap_or_default();
    let category = explanation_category::Entity::find_by_id(e.category_id)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(PublicExplanation {
        priority: Priority::parse(&e.priority).unwrap_or(Priority::Low),
        category,
        status: status_of(&e)?,
        violator_name: violator,
        submission_closes_at: submission_closes(e.created_at, e.deadline, expiry),
        can_submit: can_submit(now, e.created_at, e.deadline, expiry),
        evidence: assemble::evidence(db, e.id).await?,
        conversation: assemble::history(db, e.id, true).await?,
        deadline: e.deadline,
        message: e.message,
    })
}

/// The violator submits their explanation; the link is used up and the manager is asked to
/// review.
pub async fn submit(
    db: &DatabaseConnection,
    token: &str,
    ip: &str,
    body: SubmitExplanation,
    links: &Links,
) -> DomainResult<()> {
    let now = Utc::now();
    let text = body.explanation.trim().to_owned();
    let mut v = Violations::new();
    if text.is_empty() || text.chars().count() > TEXT_MAX {
        v.push("explanation", format!("must be 1 to {TEXT_MAX} characters"));
    }
    if body.attachment_ids.len() > attachments::PER_SUBMISSION {
        v.push("attachment_ids", format!("at most {} files", attachments::PER_SUBMISSION));
    }
    v.finish()?;
    let txn = db.begin().await?;
    let e = by_token(&txn, token, ip, now, TokenUse::Submit).await?;
    let expiry = settings::options(&txn).await?.explanation_token_expiry;
    if !can_submit(now, e.created_at, e.deadline, expiry) {
        let closes = submission_closes(e.created_at, e.deadline, expiry);
        txn.commit().await?;
        return Err(DomainError::Conflict(format!(
            "the deadline passed: submissions closed at {}",
            closes.format("%Y-%m-%d %H:%M:%S UTC")
        )));
    }
    let from = status_of(&e)?;
    let outcome = workflow::submit(from)?;
    // The link is used up: only the row whose token is still this one moves (two concurrent
    // submits with one link: exactly one wins).
    let moved = explanation::Entity::update_many()
        .col_expr(explanation::Column::Status, sea_orm::sea_query::Expr::value(outcome.status.as_str()))
        .col_expr(
            explanation::Column::StatusRank,
            sea_orm::sea_query::Expr::value(status_rank(outcome.status)),
        )
        .col_expr(explanation::Column::TokenHash, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .col_expr(explanation::Column::SubmittedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(explanation::Column::ModifiedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(explanation::Column::Version, sea_orm::sea_query::Expr::value(e.version + 1))
        .filter(explanation::Column::Id.eq(e.id))
        .filter(explanation::Column::TokenHash.eq(secrets::token_hash(token)))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(DomainError::NotFound("explanation link"));
    }
    let submission = step(
        &txn,
        e.id,
        now,
        ("violator", Some(&e.violator_id), None),
        "submitted",
        Some(from),
        Some(outcome.status),
        Some((&text, false)),
    )
    .await?;
    attachments::carry(&txn, e.id, submission, &body.attachment_ids).await?;
    let violator = employee::Entity::find_by_id(e.violator_id.clone())
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("employee"))?;
    let reviewer_id = match outcome.notify {
        Notify::Auditor => e.auditor_id.clone(),
        _ => Some(e.manager_id.clone()),
    };
    if let Some(id) = reviewer_id
        && let Some(reviewer) = employee::Entity::find_by_id(id).one(&txn).await?
    {
        mail(&txn, MailKind::ReviewRequest, &e, &reviewer, &violator, links.review(e.id), None, now).await?;
    }
    if let Some(ticket_id) = e.ticket_id {
        follow_ticket(&txn, ticket_id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A reviewer's decision: only the very employee who is the manager (or auditor) may take it,
/// through an account linked to them.
pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    body: ReviewRequest,
    links: &Links,
) -> DomainResult<ExplanationDetail> {
    let now = Utc::now();
    let comment = body.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
    let mut v = Violations::new();
    if comment.as_ref().is_some_and(|c| c.chars().count() > TEXT_MAX) {
        v.push("comment", format!("must be at most {TEXT_MAX} characters"));
    }
    if body.action == socdesk_types::explanations::ReviewAction::Return && comment.is_none() {
        v.push("comment", "is required to return an explanation: the violator reads it");
    }
    v.finish()?;
    let txn = db.begin().await?;
    let e =
        explanation::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("explanation"))?;
    if !may_read(actor, &e) {
        return Err(DomainError::NotFound("explanation"));
    }
    if actor.employee_id.is_none() {
        return Err(DomainError::Forbidden(
            "reviews are done by employees: this account is not linked to an employee".into(),
        ));
    }
    let from = status_of(&e)?;
    let roles = roles_of(actor, &e);
    let facts = ExplanationFacts { status: from, has_auditor: e.auditor_id.is_some() };
    let outcome = workflow::review(facts, roles, body.action)?;
    let as_auditor = from == ExplanationStatus::Awaiting;
    let final_status =
        matches!(outcome.status, ExplanationStatus::Closed | ExplanationStatus::AuditCompleted);
    let mut update = explanation::Entity::update_many()
        .col_expr(explanation::Column::Status, sea_orm::sea_query::Expr::value(outcome.status.as_str()))
        .col_expr(
            explanation::Column::StatusRank,
            sea_orm::sea_query::Expr::value(status_rank(outcome.status)),
        )
        .col_expr(
            explanation::Column::Result,
            sea_orm::sea_query::Expr::value(outcome.result.map(|r| r.as_str())),
        )
        .col_expr(explanation::Column::ModifiedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(explanation::Column::Version, sea_orm::sea_query::Expr::value(e.version + 1));
    if final_status {
        update = update.col_expr(explanation::Column::ClosedAt, sea_orm::sea_query::Expr::value(now));
    }
    let moved = update
        .filter(explanation::Column::Id.eq(id))
        .filter(explanation::Column::Version.eq(e.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(DomainError::Conflict("the explanation changed meanwhile; reload and try again".into()));
    }
    let action = match body.action {
        socdesk_types::explanations::ReviewAction::Return => "returned",
        socdesk_types::explanations::ReviewAction::Normal => "confirmed_normal",
        socdesk_types::explanations::ReviewAction::Violated => "confirmed_violated",
    };
    let kind = if as_auditor { "auditor" } else { "manager" };
    step(
        &txn,
        id,
        now,
        (kind, actor.employee_id.as_deref(), Some(actor.account_id)),
        action,
        Some(from),
        Some(outcome.status),
        comment.as_deref().map(|c| (c, body.internal)),
    )
    .await?;
    let violator = employee::Entity::find_by_id(e.violator_id.clone())
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("employee"))?;
    match outcome.notify {
        Notify::Violator => {
            let token = issue_link(&txn, id, now).await?;
            let shown = if body.internal { None } else { comment.as_deref() };
            mail(&txn, MailKind::ReturnNotice, &e, &violator, &violator, links.violator(&token), shown, now)
                .await?;
        }
        Notify::Auditor => {
            if let Some(a) = &e.auditor_id
                && let Some(auditor) = employee::Entity::find_by_id(a.clone()).one(&txn).await?
            {
                mail(&txn, MailKind::ReviewRequest, &e, &auditor, &violator, links.review(id), None, now)
                    .await?;
            }
        }
        Notify::Manager => {
            if let Some(manager) = employee::Entity::find_by_id(e.manager_id.clone()).one(&txn).await? {
                mail(&txn, MailKind::ReviewRequest, &e, &manager, &violator, links.review(id), None, now)
                    .await?;
            }
        }
        Notify::Nobody => {}
    }
    if let Some(ticket_id) = e.ticket_id {
        follow_ticket(&txn, ticket_id).await?;
    }
    txn.commit().await?;
    get(db, actor, id).await
}

/// `reissue-link` (a new link mailed with the request again; the old one dies) or
/// `revoke-link` (no link works any more), for EXPLANATION_AUDIT.
pub async fn change_link(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    action: socdesk_types::explanations::ExplanationAction,
    links: &Links,
) -> DomainResult<ExplanationDetail> {
    let now = Utc::now();
    let txn = db.begin().await?;
    let e =
        explanation::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("explanation"))?;
    if !may_read(actor, &e) {
        return Err(DomainError::NotFound("explanation"));
    }
    let status = status_of(&e)?;
    let facts = ExplanationFacts { status, has_auditor: e.auditor_id.is_some() };
    let workflow::Effect::Link { notify } = workflow::transition(facts, roles_of(actor, &e), action)? else {
        return Err(DomainError::Internal(format!("{action} is not a link action")));
    };
    let who = ("audit", actor.employee_id.as_deref(), Some(actor.account_id));
    if notify == Notify::Violator {
        let violator = employee::Entity::find_by_id(e.violator_id.clone())
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound("employee"))?;
        let token = issue_link(&txn, id, now).await?;
        mail(&txn, MailKind::Request, &e, &violator, &violator, links.violator(&token), None, now).await?;
        step(&txn, id, now, who, "link_reissued", None, None, None).await?;
    } else {
        explanation::Entity::update_many()
            .col_expr(explanation::Column::TokenHash, sea_orm::sea_query::Expr::value(Option::<String>::None))
            .filter(explanation::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        step(&txn, id, now, who, "link_revoked", None, None, None).await?;
    }
    txn.commit().await?;
    get(db, actor, id).await
}

/// The explanations asked for from a ticket the actor can see (its Explanations tab), newest
/// first.
pub async fn of_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
) -> DomainResult<Vec<socdesk_types::explanations::Explanation>> {
    use sea_orm::QueryOrder;
    visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let rows = explanation::Entity::find()
        .filter(explanation::Column::TicketId.eq(ticket_id))
        .order_by_desc(explanation::Column::Id)
        .all(db)
        .await?;
    assemble::summaries(db, actor, rows).await
}
