//! Live updates for `GET /api/events`: one listener per process turns the database's
//! announcements (`socdesk_domain::changes`) into described batches on a broadcast channel, and
//! each event stream filters every batch for its own caller.
//!
//! PostgreSQL delivers the announcements of every process through LISTEN/NOTIFY; SQLite's are
//! read from `change_events` every quarter second. Whenever announcements may have been missed
//! (the listening connection was lost, a stream fell behind) streams are told to `resync`:
//! reload what they show.

use std::{convert::Infallible, sync::Arc, time::Duration};

use actix_web::web::Bytes;
use sea_orm::{DatabaseConnection, DbBackend};
use socdesk_domain::{
    Actor,
    changes::{self, Announced, Changes},
};
use tokio::{
    sync::{broadcast, watch},
    task::JoinHandle,
    time::{MissedTickBehavior, interval, timeout},
};

/// What every stream of this process hears.
#[derive(Debug, Clone)]
pub enum Update {
    Changes(Arc<Changes>),
    /// Announcements may have been lost: reload.
    Resync,
}

/// The process's broadcast of updates, and the signal that ends every stream at shutdown.
#[derive(Debug, Clone)]
pub struct Hub {
    updates: broadcast::Sender<Update>,
    closing: watch::Sender<bool>,
}

/// How many batches a stream may fall behind before it is told to resync.
const BACKLOG: usize = 256;
/// How long the listener gathers announcements that arrive together (a bulk change sends
/// several) before describing them in one query.
const GATHER: Duration = Duration::from_millis(20);
/// At most this many ids are described in one batch.
const BATCH_IDS: usize = 5_000;
/// SQLite: how often `change_events` is read, and how long its rows are kept.
const SQLITE_POLL: Duration = Duration::from_millis(250);
const SQLITE_KEEP_SECONDS: u32 = 300;

impl Hub {
    /// A hub that nothing feeds yet (see [`spawn`]).
    pub fn new() -> Hub {
        Hub { updates: broadcast::channel(BACKLOG).0, closing: watch::channel(false).0 }
    }

    /// Starts hearing updates.
    pub fn subscribe(&self) -> (broadcast::Receiver<Update>, watch::Receiver<bool>) {
        (self.updates.subscribe(), self.closing.subscribe())
    }

    /// How many streams are open.
    pub fn streams(&self) -> usize {
        self.updates.receiver_count()
    }

    /// Ends every stream (the server is stopping; clients reconnect to another process).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn publish(&self, update: Update) {
        // No stream open is no error.
        let _ = self.updates.send(update);
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// Feeds `hub` from the database until aborted.
pub fn spawn(db: DatabaseConnection, hub: Hub) -> JoinHandle<()> {
    tokio::spawn(async move {
        match db.get_database_backend() {
            DbBackend::Postgres => listen_postgres(db, hub).await,
            _ => poll_sqlite(db, hub).await,
        }
    })
}

async fn publish_described(db: &DatabaseConnection, hub: &Hub, announced: &Announced) {
    match changes::describe(db, announced).await {
        Ok(described) => hub.publish(Update::Changes(Arc::new(described))),
        Err(e) => {
            tracing::warn!(error = %e, "cannot describe announced changes; streams resync");
            hub.publish(Update::Resync);
        }
    }
}

async fn listen_postgres(db: DatabaseConnection, hub: Hub) {
    use sea_orm::sqlx::postgres::PgListener;
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(changes::CHANNEL).await {
            tracing::warn!(error = %e, "cannot listen for changes; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // Whatever happened while not listening is unknown.
        hub.publish(Update::Resync);
        loop {
            match listener.try_recv().await {
                Ok(Some(first)) => {
                    let mut announced = Announced::default();
                    announced.add_notification(first.payload());
                    // Gather what arrives with it, into one description.
                    while announced.tickets.len() + announced.explanations.len() < BATCH_IDS {
                        match timeout(GATHER, listener.try_recv()).await {
                            Ok(Ok(Some(next))) => announced.add_notification(next.payload()),
                            _ => break,
                        }
                    }
                    publish_described(&db, &hub, &announced).await;
                }
                Ok(None) => {
                    // The connection was lost; the next `try_recv` reconnects.
                    tracing::warn!("lost the connection listening for changes; reconnecting");
                    hub.publish(Update::Resync);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "listening for changes failed; reconnecting");
                    hub.publish(Update::Resync);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

async fn poll_sqlite(db: DatabaseConnection, hub: Hub) {
    let mut last = loop {
        match changes::latest(&db).await {
            Ok(id) => break id,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read change events; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    let mut tick = interval(SQLITE_POLL);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut polls: u32 = 0;
    loop {
        tick.tick().await;
        polls = polls.wrapping_add(1);
        // About once a minute.
        if polls.is_multiple_of(240)
            && let Err(e) = changes::prune(&db, SQLITE_KEEP_SECONDS).await
        {
            tracing::warn!(error = %e, "cannot prune change events");
        }
        // Read until caught up, a batch at a time.
        loop {
            match changes::read_after(&db, last, BATCH_IDS as u32).await {
                Ok((announced, next)) => {
                    let caught_up = next - last < BATCH_IDS as i64;
                    last = next;
                    if !announced.is_empty() {
                        publish_described(&db, &hub, &announced).await;
                    }
                    if caught_up {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read change events; streams resync");
                    hub.publish(Update::Resync);
                    break;
                }
            }
        }
    }
}

/// One SSE frame.
fn frame(event: &str, data: &serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

/// The frames a batch makes for `actor`: one per kind with ids they may see, or none.
pub fn frames_for(changes: &Changes, actor: &Actor) -> Option<Bytes> {
    let (tickets, explanations) = changes.visible_to(actor);
    let mut out = Vec::new();
    if !tickets.is_empty() {
        out.extend_from_slice(&frame("tickets", &serde_json::json!({ "ids": tickets })));
    }
    if !explanations.is_empty() {
        out.extend_from_slice(&frame("explanations", &serde_json::json!({ "ids": explanations })));
    }
    (!out.is_empty()).then(|| Bytes::from(out))
}

/// How often a stream sends a comment so proxies and clients know it is alive.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Checks, now and then, that the stream's caller may still listen (and with what rights).
pub trait Recheck: 'static {
    fn recheck(&self) -> impl Future<Output = Option<Actor>>;
}

/// A caller's event stream: `ready` first, then their updates, heartbeats, and `resync` when
/// updates were lost. It ends when the caller may no longer listen or the server stops.
pub fn stream<R: Recheck>(
    hub: &Hub,
    actor: Actor,
    recheck: R,
    recheck_every: Duration,
) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + use<R> {
    let (updates, closing) = hub.subscribe();
    let mut beat = interval(HEARTBEAT);
    beat.reset();
    let mut check = interval(recheck_every);
    check.reset();
    let feed = Feed { updates, closing, beat, check, actor, recheck, started: false };
    futures_util::stream::unfold(feed, |mut f| async move {
        let frame = f.next().await?;
        Some((Ok(frame), f))
    })
}

struct Feed<R> {
    updates: broadcast::Receiver<Update>,
    closing: watch::Receiver<bool>,
    beat: tokio::time::Interval,
    check: tokio::time::Interval,
    actor: Actor,
    recheck: R,
    started: bool,
}

const READY: &[u8] = b"retry: 2000\nevent: ready\ndata: {}\n\n";
const RESYNC: &[u8] = b"event: resync\ndata: {}\n\n";

impl<R: Recheck> Feed<R> {
    async fn next(&mut self) -> Option<Bytes> {
        if !self.started {
            self.started = true;
            return Some(Bytes::from_static(READY));
        }
        loop {
            if *self.closing.borrow() {
                return None;
            }
            tokio::select! {
                update = self.updates.recv() => match update {
                    Ok(Update::Changes(changes)) => {
                        if let Some(frames) = frames_for(&changes, &self.actor) {
                            return Some(frames);
                        }
                    }
                    Ok(Update::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        return Some(Bytes::from_static(RESYNC));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.closing.changed() => return None,
                _ = self.beat.tick() => return Some(Bytes::from_static(b": keep-alive\n\n")),
                _ = self.check.tick() => self.actor = self.recheck.recheck().await?,
            }
        }
    }
}
