//! The outbox worker: leases due mail, sends it over SMTP (lettre) and records the outcome.
//! Every process runs one; the lease makes sure a mail is sent by one of them at a time, and a
//! mail whose send failed (server down, refused) is tried again later with back-off.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{Duration, Utc};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use sea_orm::DatabaseConnection;
use socdesk_domain::{entities::outbox as outbox_row, mail::outbox};
use tokio::{task::JoinHandle, time::MissedTickBehavior};

use crate::{metrics::Metrics, settings::Settings};

/// How long a worker holds a mail it is sending before another may take it.
const LEASE_SECS: i64 = 120;
/// Mails taken per round.
const BATCH: u64 = 50;

/// Sends mail over one SMTP transport.
struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    retry_base: Duration,
}

impl Mailer {
    fn new(url: &str, from: &str, retry_base: Duration) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL: {e}"))?
            .timeout(Some(StdDuration::from_secs(20)))
            .build();
        let from = from.parse::<Mailbox>().map_err(|e| format!("SOCDESK_MAIL_FROM: {e}"))?;
        Ok(Mailer { transport, from, retry_base })
    }

    async fn send(&self, mail: &outbox_row::Model) -> Result<(), String> {
        let to =
            mail.recipient.parse::<Mailbox>().map_err(|e| format!("recipient '{}': {e}", mail.recipient))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_HTML)
            .body(mail.body.clone())
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}

/// Delivers what is due once; returns how many mails were sent.
async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    metrics: &Metrics,
) -> Result<usize, socdesk_domain::DomainError> {
    let now = Utc::now();
    let mut sent = 0;
    for mail in outbox::claim(db, now, Duration::seconds(LEASE_SECS), BATCH).await? {
        let sent_now = mailer.send(&mail).await;
        metrics.mail_attempt(sent_now.is_ok());
        match sent_now {
            Ok(()) => {
                outbox::delivered(db, mail.id, Utc::now()).await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(mail_id = mail.id, attempts = mail.attempts, %error, "mail not delivered; will retry");
                outbox::failed(db, &mail, &error, mailer.retry_base, Utc::now()).await?;
            }
        }
    }
    Ok(sent)
}

/// Starts the worker, or nothing when no `SMTP_URL` is set (mail then waits in the outbox).
/// Configuration errors are reported at start, not at the first mail.
pub fn spawn(
    db: DatabaseConnection,
    settings: &Settings,
    metrics: Arc<Metrics>,
) -> Result<Option<JoinHandle<()>>, String> {
    let Some(url) = &settings.smtp_url else {
        tracing::info!("SMTP_URL is not set: mail stays in the outbox (GET /api/outbox)");
        return Ok(None);
    };
    let mailer = Mailer::new(url.expose(), &settings.mail_from, settings.mail_retry_base)?;
    let period = settings.mail_poll.to_std().unwrap_or(StdDuration::from_secs(2));
    Ok(Some(tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            match deliver_due(&db, &mailer, &metrics).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sent = n, "mail delivered"),
                Err(e) => tracing::warn!(error = %e, "outbox worker failed; retrying next round"),
            }
        }
    })))
}
