//! Stopping the real binary with SIGTERM: open event streams end at once (they would otherwise
//! hold the shutdown for its whole 30-second grace), the process exits cleanly, and the
//! database is left for the next start.

use std::time::{Duration, Instant};

use tokio::process::Command;

use crate::{crash::start_with, events::Events, helpers::fresh_database_url};

#[tokio::test]
async fn sigterm_ends_the_event_streams_and_the_process_within_seconds() {
    let url = fresh_database_url().await;
    let mut server = start_with(&url, &[]).await;
    let mut events = Events::open_at(&server.client, &server.address, &server.token).await;
    let pid = server.child.id().expect("running").to_string();

    let asked = Instant::now();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill runs");
    assert!(kill.success());
    // The stream ends (no event, no keep-alive wait) …
    assert!(events.next_within(Duration::from_secs(10)).await.is_none());
    assert!(asked.elapsed() < Duration::from_secs(5), "the stream ended {:?} after SIGTERM", asked.elapsed());
    // … and the process exits by itself, successfully, well within the 30-second grace.
    let status = tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("exits within 10 s")
        .expect("exit status");
    let took = asked.elapsed();
    assert!(status.success(), "{status}");
    assert!(took < Duration::from_secs(10), "{took:?}");

    // The next start finds the database as it was left.
    let again = start_with(&url, &[]).await;
    let me = again.client.get(format!("{}/api/me", again.address)).bearer_auth(&again.token).send().await;
    assert_eq!(me.expect("answer").status(), reqwest::StatusCode::OK);
}
