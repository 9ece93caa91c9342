//! The global options (`ADMIN`).

use gloo_net::http::Method;
use socdesk_types::settings::{GlobalOptions, GlobalOptionsPatch};

use super::{ApiError, get, send_json};

/// `GET /api/settings`.
pub async fn options(token: String) -> Result<GlobalOptions, ApiError> {
    get(&token, "/api/settings").await
}

/// The body of `PUT /api/settings`: the patch as it serialises (absent options are left out,
/// an expiry turned off is `null`).
pub fn body(patch: &GlobalOptionsPatch) -> serde_json::Value {
    serde_json::to_value(patch).unwrap_or_default()
}

/// `PUT /api/settings`: only the options present change; answers them all.
pub async fn save(token: String, patch: GlobalOptionsPatch) -> Result<GlobalOptions, ApiError> {
    send_json(Method::PUT, &token, "/api/settings", &body(&patch)).await
}

#[cfg(test)]
mod tests {
    use socdesk_types::mail::Language;

    use super::*;

    #[test]
    fn only_the_options_to_change_are_sent_and_off_is_null() {
        let unchanged = GlobalOptionsPatch { default_language: Some(Language::Ko), ..Default::default() };
        assert_eq!(body(&unchanged), serde_json::json!({"default_language": "ko"}));
        let off = GlobalOptionsPatch { explanation_token_expiry: Some(None), ..Default::default() };
        assert_eq!(body(&off), serde_json::json!({"explanation_token_expiry": null}));
        let on = GlobalOptionsPatch { explanation_token_expiry: Some(Some(10)), ..Default::default() };
        assert_eq!(body(&on), serde_json::json!({"explanation_token_expiry": 10}));
    }
}
