//! Live updates: one `GET /api/events` stream per signed-in page, read with `fetch` (an
//! `EventSource` cannot send the access token), turned into counters that lists watch.
//!
//! A counter moves when the server announces a change of that kind, and both move on `resync`
//! and on every reconnection (changes made while disconnected are not replayed). Lists refresh
//! in place when their counter moves.

use std::time::Duration;

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{
    api::{self, ApiError},
    session::{Session, pause},
};

/// What a list listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Tickets,
    Explanations,
}

/// Counters of announced changes, provided by the signed-in shell.
#[derive(Debug, Clone, Copy)]
pub struct Live {
    tickets: RwSignal<u64>,
    explanations: RwSignal<u64>,
}

impl Live {
    /// How many changes of `topic` were announced (reactive).
    pub fn changes(&self, topic: Topic) -> u64 {
        match topic {
            Topic::Tickets => self.tickets.get(),
            Topic::Explanations => self.explanations.get(),
        }
    }

    fn bump(&self, event: &str) {
        let bump = |s: RwSignal<u64>| s.update(|n| *n += 1);
        match event {
            "tickets" => bump(self.tickets),
            "explanations" => bump(self.explanations),
            "resync" => {
                bump(self.tickets);
                bump(self.explanations);
            }
            _ => {}
        }
    }
}

/// The live counters, if the page has them.
pub fn use_live() -> Option<Live> {
    use_context::<Live>()
}

/// The change counter of `topic` moving at most once per `gap`, `gap` after the first change
/// of a burst: for views costlier to fetch than a list page (the trend chart).
pub fn gathered_changes(topic: Topic, gap: Duration) -> Signal<u64> {
    let out = RwSignal::new(0u64);
    let Some(live) = use_live() else { return out.into() };
    let waiting = StoredValue::new(false);
    Effect::new(move |seen: Option<u64>| {
        let now = live.changes(topic);
        if seen.is_some_and(|s| s != now) && !waiting.get_value() {
            waiting.set_value(true);
            set_timeout(
                move || {
                    // Gone with its page meanwhile: nothing to move.
                    if waiting.try_set_value(false).is_none() {
                        out.try_update(|n| *n += 1);
                    }
                },
                gap,
            );
        }
        now
    });
    out.into()
}

/// Opens the stream for as long as the calling component lives, reconnecting after a pause
/// when it ends or fails, and provides the counters to the components below.
pub fn provide(session: Session) {
    let live = Live { tickets: RwSignal::new(0), explanations: RwSignal::new(0) };
    provide_context(live);
    let Ok(controller) = web_sys::AbortController::new() else { return };
    let signal = controller.signal();
    on_cleanup(move || controller.abort());
    spawn_local(async move {
        let mut connected_before = false;
        while !signal.aborted() {
            let result = session.call(|token| listen(token, signal.clone(), live)).await;
            if signal.aborted() || matches!(result, Err(ref e) if e.is_unauthorized()) {
                break;
            }
            if connected_before {
                // Whatever changed while the stream was down is unknown.
                live.bump("resync");
            }
            connected_before = true;
            pause(Duration::from_secs(2)).await;
        }
    });
}

/// Reads one stream to its end.
async fn listen(token: String, signal: web_sys::AbortSignal, live: Live) -> Result<(), ApiError> {
    let request = gloo_net::http::RequestBuilder::new("/api/events")
        .header("Accept", "text/event-stream")
        .header("Authorization", &format!("Bearer {token}"))
        .abort_signal(Some(&signal))
        .build()
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = api::send(request).await?;
    let Some(body) = response.body() else { return Ok(()) };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut buffer = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| ApiError::Network(format!("{e:?}")))?;
        let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done")).ok().and_then(|d| d.as_bool());
        if done != Some(false) {
            return Ok(());
        }
        let Ok(value) = js_sys::Reflect::get(&chunk, &JsValue::from_str("value")) else { continue };
        buffer.extend(js_sys::Uint8Array::new(&value).to_vec());
        for event in take_events(&mut buffer) {
            live.bump(&event);
        }
    }
}

/// Removes the complete frames from `buffer` and answers their event names (comments and
/// frames without one are skipped).
pub fn take_events(buffer: &mut Vec<u8>) -> Vec<String> {
    let mut events = Vec::new();
    while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
        let frame: Vec<u8> = buffer.drain(..end + 2).collect();
        let text = String::from_utf8_lossy(&frame);
        if let Some(name) = text.lines().find_map(|l| l.strip_prefix("event:")) {
            events.push(name.trim().to_owned());
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::take_events;

    #[test]
    fn frames_are_taken_whole_and_comments_skipped() {
        let mut buffer = b"retry: 2000\nevent: ready\ndata: {}\n\n: keep-alive\n\nevent: tickets\ndata: {\"ids\":[1]}\n\nevent: expl"
            .to_vec();
        assert_eq!(take_events(&mut buffer), ["ready", "tickets"]);
        assert_eq!(buffer, b"event: expl");
        buffer.extend_from_slice(b"anations\ndata: {}\n\n");
        assert_eq!(take_events(&mut buffer), ["explanations"]);
        assert!(buffer.is_empty());
    }
}
