//! Access tokens: short-lived HS256 JWTs naming the account and its session.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "socdesk";
const AUDIENCE: &str = "socdesk-api";
const TOKEN_USE: &str = "access";

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// The session id; a revoked session ends its access tokens.
    pub sid: i64,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// Always `access`, so no other token we might sign one day passes for one.
    pub token_use: String,
}

/// Signing and verifying keys, built once at start.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    /// Keys from a shared secret; tokens live for `ttl`.
    pub fn new(secret: &[u8], ttl: Duration) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// How long an access token lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs an access token for `account_id` in `session_id`.
    pub fn issue(&self, account_id: i64, session_id: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: account_id.to_string(),
            sid: session_id,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + self.ttl.num_seconds(),
            token_use: TOKEN_USE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The account and session of a valid token; `None` for anything forged, expired or odd.
    pub fn verify(&self, token: &str) -> Option<(i64, i64)> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        if data.claims.token_use != TOKEN_USE || data.header.typ.as_deref().is_some_and(|t| t != "JWT") {
            return None;
        }
        Some((data.claims.sub.parse().ok()?, data.claims.sid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(15))
    }

    #[test]
    fn issued_tokens_verify_and_name_account_and_session() {
        let k = keys();
        let token = k.issue(7, 42).unwrap_or_default();
        assert_eq!(k.verify(&token), Some((7, 42)));
    }

    #[test]
    fn tokens_signed_with_another_key_are_refused() {
        let other = JwtKeys::new(b"another-secret-another-secret-xx", Duration::minutes(15));
        let token = other.issue(7, 42).unwrap_or_default();
        assert_eq!(keys().verify(&token), None);
    }

    #[test]
    fn expired_and_alg_none_tokens_are_refused() {
        let k = JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::seconds(-60));
        let expired = k.issue(7, 42).unwrap_or_default();
        assert_eq!(keys().verify(&expired), None);

        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = Utc::now().timestamp();
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = b64.encode(
            format!(
                r#"{{"sub":"7","sid":42,"iss":"socdesk","aud":"socdesk-api","iat":{now},"nbf":{now},"exp":{},"token_use":"access"}}"#,
                now + 600
            )
            .as_bytes(),
        );
        assert_eq!(keys().verify(&format!("{header}.{body}.")), None);
    }
}
