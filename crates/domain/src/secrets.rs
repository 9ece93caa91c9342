//! Password hashing and random secrets (refresh tokens, API keys).
//!
//! Passwords are hashed with argon2id at the OWASP-recommended defaults (19 MiB, t=2, p=1).
//! Tokens and keys are 256 random bits; only their SHA-256 is stored, which is enough because
//! they cannot be guessed (unlike passwords, they need no slow hash).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::{DomainError, DomainResult};

/// Prefix of every API key, so scanners and people recognise one.
pub const API_KEY_PREFIX: &str = "sd_";

/// Hashes a password with argon2id and a random salt, in PHC string format.
///
/// Fails only if the operating system's random source fails.
pub fn hash_password(password: &str) -> DomainResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("hashing a password: {e}")))
}

/// Whether `password` matches the PHC-format `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash of a password nobody knows, verified against when a login does not exist so that
/// an unknown login takes as long to refuse as a wrong password.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// 256 random bits, base64url without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API key secret: `sd_` followed by a random token.
pub fn new_api_key_secret() -> String {
    format!("{API_KEY_PREFIX}{}", random_token())
}

/// The SHA-256 of a token, lower-case hex: what the database stores and looks up by.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_password("correct horse battery staple").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapler", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        assert_ne!(hash_password("same password").ok(), hash_password("same password").ok());
    }

    #[test]
    fn tokens_are_long_random_and_hashed_as_hex() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(new_api_key_secret().starts_with("sd_"));
        let h = token_hash("abc");
        assert_eq!(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
