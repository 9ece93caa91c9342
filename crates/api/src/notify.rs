//! Calls of notification providers: the rendered JSON body is POSTed to the provider's URL with
//! its headers, through the outbound guard (`outbound::check`, then a pinned client with
//! timeouts). Every way a call can go wrong ends as a `failed` delivery with a reason a person
//! can act on; nothing here returns an error.

use futures_util::{StreamExt, stream};
use socdesk_domain::notifications::{
    propagation::{self, Plan},
    providers::ProviderConfig,
    template,
};
use socdesk_types::notifications::{
    Channel, ChannelResult, Delivery, Outcome, PropagateResponse, RecipientResult,
};

use crate::outbound::{self, Timeouts};

/// How many provider calls of one propagation run at once.
pub const CONCURRENCY: usize = 8;

fn failed(provider: &ProviderConfig, reason: impl Into<String>) -> Delivery {
    Delivery {
        provider_id: provider.id,
        provider: provider.name.clone(),
        outcome: Outcome::Failed,
        http_status: None,
        reason: Some(reason.into()),
    }
}

/// Why a request failed, in words.
fn reason_of(err: &reqwest::Error, timeouts: Timeouts) -> String {
    if err.is_timeout() {
        format!("timed out after {} s", timeouts.total.as_secs())
    } else if err.is_connect() {
        "could not connect to the provider".to_owned()
    } else {
        format!("the request failed: {err}")
    }
}

/// POSTs `body` to `provider`; the outcome says what happened.
pub async fn deliver(
    provider: &ProviderConfig,
    body: &serde_json::Value,
    allow_private: bool,
    timeouts: Timeouts,
) -> Delivery {
    let request = match outbound::request(reqwest::Method::POST, &provider.url, allow_private, timeouts).await
    {
        Ok(r) => r,
        Err(outbound::Prepare::Refused(refusal)) => return failed(provider, format!("refused: {refusal}")),
        Err(outbound::Prepare::Client(e)) => return failed(provider, format!("the request failed: {e}")),
    };
    let mut request = request.json(body);
    for h in &provider.headers {
        request = request.header(h.name.as_str(), h.value.as_str());
    }
    match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            let sent = status.is_success();
            Delivery {
                provider_id: provider.id,
                provider: provider.name.clone(),
                outcome: if sent { Outcome::Sent } else { Outcome::Failed },
                http_status: Some(status.as_u16()),
                reason: (!sent).then(|| {
                    if status.is_redirection() {
                        format!("HTTP {} (redirects are not followed)", status.as_u16())
                    } else {
                        format!("HTTP {}", status.as_u16())
                    }
                }),
            }
        }
        Err(e) => failed(provider, reason_of(&e, timeouts)),
    }
}

/// Sends every call of `plan` (each recipient × channel × enabled provider of that channel),
/// at most [`CONCURRENCY`] at a time, and answers the results in the request's order.
pub async fn propagate(
    plan: &Plan,
    ticket_url: &str,
    allow_private: bool,
    timeouts: Timeouts,
) -> PropagateResponse {
    // Each call is (recipient index, channel, provider), with its body rendered up front.
    let mut calls = Vec::new();
    for (ri, r) in plan.recipients.iter().enumerate() {
        let values = propagation::values(&plan.ticket, &r.contact, plan.message.as_deref(), ticket_url);
        for &channel in &plan.channels {
            if r.contact.address(channel).is_err() {
                continue;
            }
            for p in plan.providers.iter().filter(|p| p.kind == channel) {
                calls.push((ri, channel, p, template::render(&p.template, &values)));
            }
        }
    }
    let deliveries: Vec<(usize, Channel, Delivery)> = stream::iter(calls)
        .map(|(ri, channel, p, body)| async move {
            (ri, channel, deliver(p, &body, allow_private, timeouts).await)
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let results = plan
        .recipients
        .iter()
        .enumerate()
        .map(|(ri, r)| RecipientResult {
            kind: r.kind,
            id: r.id.clone(),
            name: r.contact.name.clone(),
            channels: plan
                .channels
                .iter()
                .map(|&channel| {
                    let mine: Vec<Delivery> = deliveries
                        .iter()
                        .filter(|(i, c, _)| *i == ri && *c == channel)
                        .map(|(_, _, d)| d.clone())
                        .collect();
                    channel_result(channel, r.contact.address(channel).err(), mine, plan)
                })
                .collect(),
        })
        .collect();
    PropagateResponse { results }
}

fn channel_result(
    channel: Channel,
    no_address: Option<String>,
    deliveries: Vec<Delivery>,
    plan: &Plan,
) -> ChannelResult {
    let fail = |reason: String, deliveries: Vec<Delivery>| ChannelResult {
        channel,
        outcome: Outcome::Failed,
        http_status: None,
        reason: Some(reason),
        deliveries,
    };
    if let Some(why) = no_address {
        return fail(why, Vec::new());
    }
    if !plan.providers.iter().any(|p| p.kind == channel) {
        return fail(format!("no enabled {channel} provider"), Vec::new());
    }
    match deliveries.iter().find(|d| d.outcome == Outcome::Sent) {
        Some(sent) => ChannelResult {
            channel,
            outcome: Outcome::Sent,
            http_status: sent.http_status,
            reason: None,
            deliveries,
        },
        None => {
            let reasons: Vec<String> = deliveries
                .iter()
                .map(|d| format!("{}: {}", d.provider, d.reason.as_deref().unwrap_or("failed")))
                .collect();
            fail(reasons.join("; "), deliveries)
        }
    }
}
