//! Request extractors whose refusals are problem answers naming the offending field.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::{StreamExt, future::LocalBoxFuture};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest JSON body accepted, set per app (`SOCDESK_MAX_JSON_BYTES`).
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

/// A JSON body. Refuses a non-JSON content type (415), an oversize body (413, before reading it
/// when `Content-Length` says so), malformed JSON (400) and a body of the wrong shape (422,
/// naming the field path such as `site_ids[2]`). Unknown fields are refused by the DTOs.
pub struct Json<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Turns a `serde_path_to_error` failure into a 400 (syntax) or 422 (shape) naming the field.
pub(crate) fn shape_error(path: String, err: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::BadRequest(format!("the body is not valid JSON: {err}"))
        }
        Category::Data => {
            let field = if path == "." { "body".to_owned() } else { path };
            // serde's message carries the position for syntax errors only; keep the plain text.
            let message = err.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            ApiError::invalid(field, message)
        }
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<JsonLimit>().map_or(1024 * 1024, |l| l.0);
        let json = is_json(req);
        let declared: Option<usize> = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "the body must be JSON (Content-Type: application/json)".into(),
                ));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            let de = &mut serde_json::Deserializer::from_slice(&body);
            let value: T = serde_path_to_error::deserialize(de).map_err(|e| {
                let path = e.path().to_string();
                shape_error(path, e.inner())
            })?;
            Ok(Json(value))
        })
    }
}

/// Query parameters. A parameter of the wrong type is a 422 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// Parses a query string into `T`, naming the parameter that does not fit.
fn parse_query<T: DeserializeOwned>(qs: &str) -> Result<T, ApiError> {
    let parsed = serde_urlencoded::Deserializer::new(form_urlencoded::parse(qs.as_bytes()));
    serde_path_to_error::deserialize(parsed).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { "query".to_owned() } else { field };
        ApiError::invalid(field, e.inner().to_string())
    })
}

/// A query string read as two structs: the parameters named in `own` go to `B`, the rest to
/// `A` (an export takes a list's filters plus its own options; both refuse unknown names).
pub struct SplitQuery<A, B>(pub A, pub B);

/// The parameter names a [`SplitQuery`]'s second part takes.
pub trait QueryNames {
    const NAMES: &'static [&'static str];
}

impl<A: DeserializeOwned, B: DeserializeOwned + QueryNames> FromRequest for SplitQuery<A, B> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let mut first = form_urlencoded::Serializer::new(String::new());
        let mut second = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
            let part = if B::NAMES.contains(&name.as_ref()) { &mut second } else { &mut first };
            part.append_pair(&name, &value);
        }
        let result = match (parse_query(&first.finish()), parse_query(&second.finish())) {
            (Ok(a), Ok(b)) => Ok(SplitQuery(a, b)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        std::future::ready(result)
    }
}

/// Path segments that do not parse (`/api/sites/abc`) answer 404, like an id that does not exist;
/// but `/api/tickets/trend` asked with PATCH (which routed to `/api/tickets/{id}`) is a 405.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, req| {
        let state = req.app_data::<web::Data<crate::startup::AppState>>();
        match state.and_then(|s| s.routes.method_not_allowed(req)) {
            Some(err) => err.into(),
            None => ApiError::Domain(socdesk_domain::DomainError::NotFound("resource")).into(),
        }
    })
}

/// Reads a raw body of at most `limit` bytes: an oversize declared `Content-Length` is refused
/// before anything is read, and reading stops at the first byte past the limit (413 either way).
pub async fn read_limited(
    req: &HttpRequest,
    payload: &mut web::Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
