//! A request body written over a raw socket, so a test sees how much of it the server had taken
//! when its answer came (an HTTP client would hide that).

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::TestApp;

/// A huge body: `prefix`, then `total` bytes of `fill`, then `suffix`.
pub struct Huge<'a> {
    pub content_type: &'a str,
    pub prefix: Vec<u8>,
    pub fill: u8,
    pub total: usize,
    /// `Transfer-Encoding: chunked` instead of a `Content-Length`.
    pub chunked: bool,
}

/// POSTs `body` to `path` and answers the status and the bytes written when it came.
pub async fn post_huge(app: &TestApp, path: &str, token: Option<&str>, body: Huge<'_>) -> (u16, usize) {
    let address = app.address.trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(&address).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let length = if body.chunked {
        "Transfer-Encoding: chunked\r\n".to_owned()
    } else {
        format!("Content-Length: {}\r\n", body.prefix.len() + body.total)
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Content-Type: {}\r\n{length}Connection: close\r\n\r\n",
        body.content_type
    );
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let (prefix, fill, total, chunked) = (body.prefix, body.fill, body.total, body.chunked);
    let sender = tokio::spawn(async move {
        writer.write_all(request.as_bytes()).await?;
        const PIECE: usize = 64 * 1024;
        let chunk = vec![fill; PIECE];
        let mut pieces = vec![prefix];
        pieces.extend(std::iter::repeat_n(chunk, total / PIECE));
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
