//! Scorecard 13: webhook SSRF. A canary listens on loopback (IPv4 and IPv6, one port) and counts
//! every connection; webhook providers point at it in every spelling of a non-public address,
//! and their test sends must not reach it. With private targets allowed, a direct call must
//! reach it (the canary works) and a redirect to a second canary must not be followed.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use super::{Row, report};
use crate::helpers::{TestApp, spawn_app};

/// A listener on 127.0.0.1 and [::1] (same port) that counts connections and answers `answer`.
struct Canary {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Canary {
    async fn start(answer: String) -> Canary {
        let v4 = TcpListener::bind("127.0.0.1:0").await.expect("canary binds");
        let port = v4.local_addr().expect("addr").port();
        let hits = Arc::new(AtomicUsize::new(0));
        let mut listeners = vec![v4];
        if let Ok(v6) = TcpListener::bind(("::1", port)).await {
            listeners.push(v6);
        }
        for listener in listeners {
            let (hits, answer) = (hits.clone(), answer.clone());
            tokio::spawn(async move {
                while let Ok((mut socket, _)) = listener.accept().await {
                    hits.fetch_add(1, Ordering::SeqCst);
                    // Read the request before answering, or closing would reset the connection.
                    let mut request = [0u8; 16 * 1024];
                    let _ = socket.read(&mut request).await;
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            });
        }
        Canary { port, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";

/// Creates a webhook provider for `url` and sends its test message; answers the outcome.
async fn test_send(app: &TestApp, n: usize, url: &str) -> Value {
    let provider = json!({"kind": "sms", "name": format!("hook {n}"), "url": url, "body_template": "{\"to\": \"{{recipient.phone}}\"}"});
    let res = app.post("/api/notification-providers", &app.admin_token, provider).await;
    if !res.status().is_success() {
        // Refused at save: as good as refused at send.
        return json!({"outcome": "refused at save", "status": res.status().as_u16()});
    }
    let id = res.json::<Value>().await.expect("provider")["id"].as_i64().expect("id");
    let res = app
        .post(
            &format!("/api/notification-providers/{id}/test"),
            &app.admin_token,
            json!({"recipient": {"name": "Kim", "phone": "010-1"}}),
        )
        .await;
    res.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn scorecard_13_webhooks_never_reach_loopback_unless_allowed() {
    let app = spawn_app().await;
    let canary = Canary::start(OK.to_owned()).await;
    let p = canary.port;
    let targets = [
        format!("http://127.0.0.1:{p}/"),
        format!("http://localhost:{p}/"),
        format!("http://LOCALHOST.:{p}/"),
        format!("http://127.1:{p}/"),
        format!("http://127.0.0.2:{p}/"),
        format!("http://0.0.0.0:{p}/"),
        format!("http://0:{p}/"),
        format!("http://2130706433:{p}/"),
        format!("http://0x7f000001:{p}/"),
        format!("http://0x7f.0.0.1:{p}/"),
        format!("http://017700000001:{p}/"),
        format!("http://0177.0.0.01:{p}/"),
        format!("http://[::1]:{p}/"),
        format!("http://[0:0:0:0:0:0:0:1]:{p}/"),
        format!("http://[::ffff:127.0.0.1]:{p}/"),
        format!("http://[::ffff:7f00:1]:{p}/"),
        format!("http://[::127.0.0.1]:{p}/"),
        format!("http://[64:ff9b::7f00:1]:{p}/"),
        format!("http://user:pass@127.0.0.1:{p}/"),
        format!("https://127.0.0.1:{p}/"),
        format!("http://10.0.0.1:{p}/"),
        format!("http://172.16.0.1:{p}/"),
        format!("http://192.168.0.1:{p}/"),
        format!("http://100.64.0.1:{p}/"),
        format!("http://169.254.169.254:{p}/latest/meta-data/"),
        format!("http://[fe80::1]:{p}/"),
        format!("http://[fd00::1]:{p}/"),
        format!("http://[fc00::1]:{p}/"),
        format!("http://[::]:{p}/"),
        format!("http://[::ffff:10.0.0.1]:{p}/"),
        format!("http://[::ffff:169.254.169.254]:{p}/"),
        format!("http://198.18.0.1:{p}/"),
        format!("http://224.0.0.1:{p}/"),
        format!("http://255.255.255.255:{p}/"),
    ];
    let mut leaks = Vec::new();
    for (n, url) in targets.iter().enumerate() {
        let before = canary.hits();
        let outcome = test_send(&app, n, url).await;
        if canary.hits() > before || outcome["outcome"] == "sent" {
            leaks.push(format!("{url} → {outcome}"));
        }
    }
    let blocked_hits = canary.hits();

    // Allowed: a direct call reaches the canary, but a redirect is never followed.
    let res =
        app.put("/api/settings", &app.admin_token, json!({"allow_private_network_targets": true})).await;
    assert!(res.status().is_success(), "settings: {}", res.status());
    let control = test_send(&app, 1000, &format!("http://127.0.0.1:{p}/")).await;
    let control_reached = canary.hits() == blocked_hits + 1 && control["outcome"] == "sent";
    let beyond = Canary::start(OK.to_owned()).await;
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        beyond.port
    );
    let redirector = Canary::start(redirect).await;
    test_send(&app, 1001, &format!("http://127.0.0.1:{}/", redirector.port)).await;
    let redirect_followed = beyond.hits() > 0;

    let pass = leaks.is_empty()
        && blocked_hits == 0
        && control_reached
        && redirector.hits() == 1
        && !redirect_followed;
    report(Row {
        number: 13,
        test: "webhook SSRF",
        tried: format!(
            "{} webhook URLs at a loopback canary (IPv4 and IPv6): loopback, private, CGNAT, link-local and metadata, \
             IPv6 unique-local and link-local, IPv4-mapped, -compatible and NAT64, decimal, hex and octal forms, \
             credentials, trailing-dot names; then private targets allowed: a direct call and a 302 to a second canary",
            targets.len()
        ),
        threshold: "0 requests reach a loopback canary unless allowed",
        result: if pass {
            format!(
                "0 of {} reached it; allowed, the direct call did and the redirect was not followed (0 requests beyond)",
                targets.len()
            )
        } else {
            format!(
                "leaks {leaks:?}; canary hits while refused {blocked_hits}; control reached {control_reached} \
                 ({control}); redirect followed {redirect_followed}"
            )
        },
        pass,
    });
}
