//! Propagation: a ticket summary with a link, sent to chosen accounts and employees by SMS,
//! messenger or both. [`plan`] checks the request and gathers what the calls need; the API
//! crate makes the calls (concurrently, through its outbound guard); [`record`] writes one
//! history entry and one audit entry saying who was notified on which channel and how it went.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;
use socdesk_types::notifications::{
    Channel, Outcome, PropagateRequest, PropagateResponse, RecipientId, RecipientKind,
};

use super::providers::{self, ProviderConfig};
use crate::{
    Actor, DomainError, DomainResult,
    entities::{account, employee, ticket},
    error::Violations,
    services::audit,
    tickets::{scope::visible_tickets, service::history},
};

/// Most recipients of one propagation.
pub const MAX_RECIPIENTS: usize = 50;
/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// The ticket, as placeholders show it.
#[derive(Debug, Clone)]
pub struct TicketFacts {
    pub id: i64,
    pub title: String,
    pub priority: String,
    pub status: String,
}

/// A recipient with the addresses their records hold.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub messenger_id: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    /// The address `channel` needs, or why there is none.
    pub fn address(&self, channel: Channel) -> Result<&str, String> {
        let (value, what) = match channel {
            Channel::Sms => (&self.phone, "phone number"),
            Channel::Messenger => (&self.messenger_id, "messenger id"),
        };
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("recipient has no {what}"))
    }
}

/// One recipient of the plan.
#[derive(Debug, Clone)]
pub struct PlannedRecipient {
    pub kind: RecipientKind,
    pub id: RecipientId,
    pub contact: Contact,
}

/// Everything the calls of one propagation need.
#[derive(Debug, Clone)]
pub struct Plan {
    pub ticket: TicketFacts,
    pub recipients: Vec<PlannedRecipient>,
    pub channels: Vec<Channel>,
    /// The enabled providers of the chosen channels.
    pub providers: Vec<ProviderConfig>,
    pub message: Option<String>,
}

/// The values of every placeholder for one recipient of one ticket. `{{message}}` is the
/// message given, else a one-line summary of the ticket.
pub fn values<'a>(
    ticket: &TicketFacts,
    contact: &Contact,
    message: Option<&str>,
    ticket_url: &str,
) -> BTreeMap<&'a str, String> {
    let summary =
        format!("[socdesk] ticket #{} ({}): {} {}", ticket.id, ticket.priority, ticket.title, ticket_url);
    BTreeMap::from([
        ("recipient.name", contact.name.clone()),
        ("recipient.phone", contact.phone.clone().unwrap_or_default()),
        ("recipient.messenger_id", contact.messenger_id.clone().unwrap_or_default()),
        ("recipient.email", contact.email.clone().unwrap_or_default()),
        ("ticket.id", ticket.id.to_string()),
        ("ticket.title", ticket.title.clone()),
        ("ticket.priority", ticket.priority.clone()),
        ("ticket.status", ticket.status.clone()),
        ("ticket.url", ticket_url.to_owned()),
        ("message", message.filter(|m| !m.trim().is_empty()).map_or(summary, str::to_owned)),
    ])
}

async fn resolve(
    db: &impl ConnectionTrait,
    kind: RecipientKind,
    id: &RecipientId,
) -> DomainResult<Result<Contact, &'static str>> {
    Ok(match kind {
        RecipientKind::Account => {
            let numeric = match id {
                RecipientId::Number(n) => Some(*n),
                RecipientId::Text(t) => t.trim().parse().ok(),
            };
            let Some(numeric) = numeric else { return Ok(Err("an account id is a number")) };
            match account::Entity::find_by_id(numeric).one(db).await? {
                Some(a) => Ok(Contact {
                    name: a.display_name,
                    phone: a.phone,
                    messenger_id: a.messenger_id,
                    email: a.email,
                }),
                None => Err("no such account"),
            }
        }
        RecipientKind::Employee => {
            let key = id.to_string();
            match employee::Entity::find_by_id(key.clone()).one(db).await? {
                Some(e) => {
                    // Employees' records hold no phone or messenger id: those of the account
                    // linked to the employee are used.
                    let linked =
                        account::Entity::find().filter(account::Column::EmployeeId.eq(key)).one(db).await?;
                    Ok(Contact {
                        name: e.name,
                        phone: linked.as_ref().and_then(|a| a.phone.clone()),
                        messenger_id: linked.as_ref().and_then(|a| a.messenger_id.clone()),
                        email: Some(e.email),
                    })
                }
                None => Err("no such employee"),
            }
        }
    })
}

/// Checks a propagation request against a ticket the actor may see and gathers what its calls
/// need.
///
/// Fails with not found for a ticket outside the actor's sites, or a validation error naming
/// each bad field (`recipients[1].id`, `channels`, `message`).
pub async fn plan(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
    request: &PropagateRequest,
) -> DomainResult<Plan> {
    let ticket = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(ticket_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let mut v = Violations::new();
    if request.recipients.is_empty() || request.recipients.len() > MAX_RECIPIENTS {
        v.push("recipients", format!("must list 1 to {MAX_RECIPIENTS} recipients"));
    }
    let mut channels: Vec<Channel> = Vec::new();
    for c in &request.channels {
        if !channels.contains(c) {
            channels.push(*c);
        }
    }
    if channels.is_empty() {
        v.push("channels", "choose sms, messenger or both");
    }
    let message = request.message.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
    if message.as_ref().is_some_and(|m| m.chars().count() > MAX_MESSAGE_CHARS) {
        v.push("message", format!("must be at most {MAX_MESSAGE_CHARS} characters"));
    }
    let mut recipients: Vec<PlannedRecipient> = Vec::new();
    for (i, r) in request.recipients.iter().take(MAX_RECIPIENTS).enumerate() {
        if recipients.iter().any(|p| p.kind == r.kind && p.id.to_string() == r.id.to_string()) {
            v.push(format!("recipients[{i}]"), "is listed twice");
            continue;
        }
        match resolve(db, r.kind, &r.id).await? {
            Ok(contact) => recipients.push(PlannedRecipient { kind: r.kind, id: r.id.clone(), contact }),
            Err(why) => v.push(format!("recipients[{i}].id"), why),
        }
    }
    v.finish()?;
    let providers = providers::enabled(db, &channels).await?;
    Ok(Plan {
        ticket: TicketFacts {
            id: ticket.id,
            title: ticket.title,
            priority: ticket.priority,
            status: ticket.status,
        },
        recipients,
        channels,
        providers,
        message,
    })
}

/// One line per recipient: `Kim Minsu (account 3): sms sent, messenger failed (recipient has
/// no messenger id)`.
pub fn summary(response: &PropagateResponse) -> String {
    response
        .results
        .iter()
        .map(|r| {
            let channels: Vec<String> = r
                .channels
                .iter()
                .map(|c| match (c.outcome, &c.reason) {
                    (Outcome::Sent, _) => format!("{} sent", c.channel),
                    (Outcome::Failed, Some(reason)) => format!("{} failed ({reason})", c.channel),
                    (Outcome::Failed, None) => format!("{} failed", c.channel),
                })
                .collect();
            format!("{} ({} {}): {}", r.name, r.kind, r.id, channels.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Records a finished propagation: one ticket history entry (`propagation`, the summary, the
/// message as comment) and one audit entry, in one transaction.
pub async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    ticket_id: i64,
    message: Option<&str>,
    response: &PropagateResponse,
) -> DomainResult<()> {
    let txn = db.begin().await?;
    history(&txn, ticket_id, Utc::now(), actor, "propagation", None, Some(summary(response)), message)
        .await?;
    audit::record(
        &txn,
        actor.into(),
        "ticket.propagate",
        Some(("ticket", ticket_id)),
        json!({"results": response.results, "message": message}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
