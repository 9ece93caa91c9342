//! Conditional GETs: every JSON answer to a `GET` under `/api/` carries a weak `ETag` (a digest
//! of the body), and a request whose `If-None-Match` names it gets `304 Not Modified` with no
//! body. Polling a list every second then costs the query, not the transfer and the parsing.
//!
//! Answers that already carry an `ETag` (a ticket's, a rule's or a playbook's version, for
//! `If-Match`) keep it and are left alone. The tag is weak because compression, applied after
//! this, changes the bytes but not the meaning.

use actix_web::{
    Error, HttpResponse,
    body::{BodySize, BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, StatusCode, header},
    middleware::Next,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// The weak entity tag of a body: 128 bits of its SHA-256.
pub fn tag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("W/\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..16]))
}

/// Whether an `If-None-Match` value names `tag` (weak comparison, RFC 9110 §13.1.2).
pub fn none_match_names(if_none_match: &str, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(tag);
    if_none_match.split(',').any(|t| t.trim() == "*" || opaque(t) == wanted)
}

fn is_json(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The middleware (`actix_web::middleware::from_fn(conditional::get)`).
pub async fn get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let eligible = matches!(*req.method(), Method::GET | Method::HEAD) && req.path().starts_with("/api/");
    let if_none_match =
        req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let res = next.call(req).await?;
    let sized = matches!(res.response().body().size(), BodySize::Sized(_));
    if !eligible
        || !sized
        || res.status() != StatusCode::OK
        || res.headers().contains_key(header::ETAG)
        || !is_json(res.headers())
    {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("the answer could not be read"))?;
    let tag = tag_of(&bytes);
    let headers = head.headers_mut();
    headers.insert(
        header::ETAG,
        header::HeaderValue::from_str(&tag).map_err(actix_web::error::ErrorInternalServerError)?,
    );
    // Revalidate every time, and never keep a signed-in answer in a shared cache.
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-cache"));
    let res = if if_none_match.is_some_and(|v| none_match_names(&v, &tag)) {
        let mut not_modified = HttpResponse::new(StatusCode::NOT_MODIFIED);
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = head.headers().get(&name) {
                not_modified.headers_mut().insert(name, v.clone());
            }
        }
        not_modified
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    Ok(ServiceResponse::new(req, res))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_the_body_and_match_weakly() {
        let tag = tag_of(b"[1,2]");
        assert_eq!(tag, tag_of(b"[1,2]"));
        assert_ne!(tag, tag_of(b"[1,3]"));
        assert!(tag.starts_with("W/\"") && tag.ends_with('"'));
        let strong = tag.trim_start_matches("W/");
        assert!(none_match_names(&tag, &tag));
        assert!(none_match_names(strong, &tag));
        assert!(none_match_names(&format!("\"x\", {tag}"), &tag));
        assert!(none_match_names("*", &tag));
        assert!(!none_match_names("\"x\"", &tag));
        assert!(!none_match_names("", &tag));
    }
}
