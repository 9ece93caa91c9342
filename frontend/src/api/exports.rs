//! `GET /api/tickets/export` and `GET /api/explanations/export`: the file is fetched with the
//! access token and handed to the browser under the name the server gave it.

use gloo_net::http::{Method, RequestBuilder};

use super::{ApiError, Params, send};

/// The file name of a `Content-Disposition` header: RFC 6266's `filename*` (UTF-8,
/// percent-encoded) when present, else `filename`.
pub fn disposition_file_name(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        if let Some(value) = part.strip_prefix("filename*=") {
            let encoded = value.strip_prefix("UTF-8''").or_else(|| value.strip_prefix("utf-8''"))?;
            return percent_decode(encoded);
        }
        if let Some(value) = part.strip_prefix("filename=") {
            plain = Some(value.trim_matches('"').to_owned());
        }
    }
    plain
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Fetches `path` with `params` and saves the answer as a file; answers its name.
pub async fn download(token: String, path: &'static str, params: Params) -> Result<String, ApiError> {
    let built = RequestBuilder::new(&format!("{path}{}", params.query()))
        .method(Method::GET)
        .header("Authorization", &format!("Bearer {token}"))
        .build()
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = send(built).await?;
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|h| disposition_file_name(&h))
        .unwrap_or_else(|| "export".into());
    let content_type =
        response.headers().get("content-type").unwrap_or_else(|| "application/octet-stream".into());
    let bytes = response.binary().await.map_err(|e| ApiError::Decode(e.to_string()))?;
    crate::download::save_bytes(&bytes, &name, &content_type).map_err(ApiError::Decode)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_utf8_name_wins_over_the_ascii_stand_in() {
        let header = "attachment; filename=\"___ 12_.csv\"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%2012%EC%9B%94.csv";
        assert_eq!(disposition_file_name(header).as_deref(), Some("보고서 12월.csv"));
        assert_eq!(disposition_file_name("attachment; filename=\"t.json\"").as_deref(), Some("t.json"));
        assert_eq!(disposition_file_name("attachment"), None);
    }
}
