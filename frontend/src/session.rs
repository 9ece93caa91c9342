//! The signed-in session: tokens kept in the browser's local storage.

use gloo_storage::{LocalStorage, Storage};
use socdesk_types::auth::TokenResponse;

const ACCESS: &str = "socdesk.access_token";
const REFRESH: &str = "socdesk.refresh_token";

/// The current access token, if signed in.
pub fn access_token() -> Option<String> {
    LocalStorage::get(ACCESS).ok()
}

/// The current refresh token, if signed in.
pub fn refresh_token() -> Option<String> {
    LocalStorage::get(REFRESH).ok()
}

/// Keeps the tokens of a login or refresh.
pub fn store(tokens: &TokenResponse) {
    // Storage can be full or disabled; the app then simply asks to sign in again.
    let _ = LocalStorage::set(ACCESS, &tokens.access_token);
    let _ = LocalStorage::set(REFRESH, &tokens.refresh_token);
}

/// Forgets the tokens (sign out, or a refresh that failed).
pub fn clear() {
    LocalStorage::delete(ACCESS);
    LocalStorage::delete(REFRESH);
}

/// Whether a session is stored.
pub fn is_signed_in() -> bool {
    access_token().is_some()
}
