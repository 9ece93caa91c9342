//! Serves the built web app, with client-side routes falling back to `index.html` (and
//! `/explain/{token}` to the token page's `explain.html`, `/settings/...` to the Settings area's
//! `settings.html`).

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{HttpRequest, HttpResponse, http::header, web};

use crate::{error::ApiError, startup::AppState};

/// Answers every request no route took: `/api/...` is a 404 problem; anything else is a file of
/// the web app or, for client-side routes such as `/tickets/42`, its `index.html`.
pub async fn fallback(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if let Some(err) = state.routes.method_not_allowed(&req) {
        return Err(err);
    }
    if path == "/api" || path.starts_with("/api/") {
        return Err(ApiError::RouteNotFound);
    }
    let root = &state.settings.web_dir;
    if let Some(file) = safe_join(root, path).filter(|p| p.is_file())
        && let Ok(f) = open_asset(&req, &file)
    {
        let mut res = f.into_response(&req);
        // Hashed asset names change with every build; index.html must always be re-fetched.
        let cache = if file.extension().is_some_and(|e| e == "html") {
            "no-cache"
        } else {
            "public, max-age=31536000, immutable"
        };
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(cache));
        // Caches keep the gzip and the plain answer apart.
        res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("accept-encoding"));
        return Ok(res);
    }
    // The violator's token page and the Settings area are bundles of their own; every other
    // route is the analyst app.
    let page = if path.starts_with("/explain/") {
        "explain.html"
    } else if path == "/settings" || path.starts_with("/settings/") {
        "settings.html"
    } else {
        "index.html"
    };
    match NamedFile::open(root.join(page)) {
        Ok(f) => {
            let mut res = f.into_response(&req);
            res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
            Ok(res)
        }
        Err(_) => Ok(HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body(format!(
            "The web app is not built. Run scripts/build-web.sh (looked in {}).",
            root.display()
        ))),
    }
}

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
    })
}

/// A file of the web app: its `.gz` twin (written by `scripts/build-web.sh`) for clients that
/// take gzip, so the wasm is not compressed again on every request; the file itself otherwise.
fn open_asset(req: &HttpRequest, file: &Path) -> std::io::Result<NamedFile> {
    let mut twin = file.as_os_str().to_owned();
    twin.push(".gz");
    let twin = PathBuf::from(twin);
    if accepts_gzip(req) && twin.is_file() {
        let mime = actix_files::file_extension_to_mime(
            file.extension().and_then(|e| e.to_str()).unwrap_or_default(),
        );
        return Ok(NamedFile::open(twin)?
            .set_content_type(mime)
            .set_content_encoding(header::ContentEncoding::Gzip)
            // The name the browser asked for, not the twin's.
            .disable_content_disposition());
    }
    NamedFile::open(file)
}

/// The documented paths and their methods, to tell "no such method" (405) from "no such path".
#[derive(Debug, Default)]
pub struct RouteTable(Vec<(Vec<String>, Vec<String>)>);

impl RouteTable {
    /// The table of an OpenAPI document's paths.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> RouteTable {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(str::to_owned).collect();
                let mut methods = Vec::new();
                for (name, op) in [
                    ("GET", &item.get),
                    ("PUT", &item.put),
                    ("POST", &item.post),
                    ("DELETE", &item.delete),
                    ("PATCH", &item.patch),
                ] {
                    if op.is_some() {
                        methods.push(name.to_owned());
                    }
                }
                (segments, methods)
            })
            .collect();
        RouteTable(routes)
    }

    /// A 405 for a request whose path is documented, but not with its method.
    pub fn method_not_allowed(&self, req: &HttpRequest) -> Option<ApiError> {
        let allowed = self.methods_for(req.path())?;
        if allowed.iter().any(|m| m == req.method().as_str()) {
            return None;
        }
        Some(ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            path: req.path().to_owned(),
            allowed: allowed.to_vec(),
        })
    }

    /// The methods of the documented path matching `path`, if one does.
    pub fn methods_for(&self, path: &str) -> Option<&[String]> {
        let parts: Vec<&str> = path.split('/').collect();
        // Of the templates that match, the most literal one wins (`/tickets/bulk` over `/tickets/{id}`).
        self.0
            .iter()
            .filter(|(template, _)| {
                template.len() == parts.len()
                    && template
                        .iter()
                        .zip(&parts)
                        .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
            })
            .max_by_key(|(template, _)| template.iter().filter(|t| !t.starts_with('{')).count())
            .map(|(_, methods)| methods.as_slice())
    }
}

/// `root` + the request path, refusing anything that would leave `root`.
fn safe_join(root: &Path, request_path: &str) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for component in Path::new(request_path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_web_root() {
        let root = Path::new("/srv/web");
        assert_eq!(safe_join(root, "/app.js"), Some(PathBuf::from("/srv/web/app.js")));
        assert_eq!(safe_join(root, "/../etc/passwd"), None);
        assert_eq!(safe_join(root, "/a/../../b"), None);
    }
}
