//! The global options (`ADMIN`).

use gloo_net::http::Method;
use socdesk_types::settings::{GlobalOptions, GlobalOptionsPatch};

use super::{ApiError, get, send_json};

/// `GET /api/settings`.
pub async fn options(token: String) -> Result<GlobalOptions, ApiError> {
    get(&token, "/api/settings").await
}

/// The body of `PUT /api/settings` with only the options to change. Serde would write `null`
/// both for an unchanged expiry and for one turned off; here only the latter is sent.
pub fn body(patch: &GlobalOptionsPatch) -> serde_json::Value {
    let mut fields = serde_json::Map::new();
    if let Some(on) = patch.separation_of_duties {
        fields.insert("separation_of_duties".into(), on.into());
    }
    if let Some(expiry) = patch.explanation_token_expiry {
        fields.insert("explanation_token_expiry".into(), expiry.map_or(serde_json::Value::Null, Into::into));
    }
    if let Some(days) = patch.explanation_reminder_days {
        fields.insert("explanation_reminder_days".into(), days.into());
    }
    if let Some(language) = patch.default_language {
        fields.insert("default_language".into(), language.as_str().into());
    }
    serde_json::Value::Object(fields)
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
