//! The signed-in session, shared through context: tokens kept in local storage, the account
//! signed in, and the rule for authenticated calls (renew the access token once on a 401, and
//! end the session when that fails, which sends the user to the login page).

use std::{cell::RefCell, future::Future, time::Duration};

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use socdesk_types::auth::{LoginRequest, Me, TokenResponse};
use wasm_bindgen::JsValue;

use crate::api::{self, ApiError};

const ACCESS: &str = "socdesk.access_token";
const REFRESH: &str = "socdesk.refresh_token";

fn stored(key: &str) -> Option<String> {
    LocalStorage::get::<String>(key).ok().filter(|t| !t.is_empty())
}

/// A token refresh that every waiting call can await.
type SharedRefresh = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

thread_local! {
    /// The token refresh under way, shared by every call that got a 401 meanwhile: refresh
    /// tokens rotate, so two refreshes with the same token would make the second one fail.
    static REFRESHING: RefCell<Option<SharedRefresh>> = const { RefCell::new(None) };
}

/// The session: whether one is stored, and the account it belongs to once known.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    signed_in: RwSignal<bool>,
    account: RwSignal<Option<Me>>,
}

impl Session {
    /// The session stored in this browser, if any.
    pub fn restore() -> Self {
        let signed_in = stored(ACCESS).is_some() && stored(REFRESH).is_some();
        Session { signed_in: RwSignal::new(signed_in), account: RwSignal::new(None) }
    }

    /// Whether a session is stored (reactive).
    pub fn is_signed_in(&self) -> bool {
        self.signed_in.get()
    }

    /// The signed-in account, once known (reactive).
    pub fn account(&self) -> Option<Me> {
        self.account.get()
    }

    /// Records a fresh copy of the signed-in account.
    pub fn set_account(&self, me: Me) {
        self.account.set(Some(me));
    }

    /// Keeps the tokens of a login or refresh.
    fn start(&self, tokens: TokenResponse) {
        // Storage can be full or disabled; the next call then fails and asks to sign in again.
        let _ = LocalStorage::set(ACCESS, &tokens.access_token);
        let _ = LocalStorage::set(REFRESH, &tokens.refresh_token);
        self.account.set(Some(tokens.account));
        self.signed_in.set(true);
    }

    /// Forgets the session; the signed-in pages then send the user to the login page.
    fn end(&self) {
        LocalStorage::delete(ACCESS);
        LocalStorage::delete(REFRESH);
        self.account.set(None);
        self.signed_in.set(false);
    }

    /// Signs in. Fails with the server's refusal (bad credentials, rate limit) to show as is.
    pub async fn sign_in(self, login: String, password: String) -> Result<(), ApiError> {
        let tokens = api::auth::login(&LoginRequest { login, password }).await?;
        self.start(tokens);
        Ok(())
    }

    /// Signs out here and on the server. The session ends locally even when the server cannot
    /// be reached: its refresh token then simply expires.
    pub async fn sign_out(self) {
        if let Some(refresh_token) = stored(REFRESH) {
            let _ = api::auth::logout(refresh_token).await;
        }
        self.end();
    }

    /// Runs an authenticated call with the current access token. On a 401 it renews the token
    /// pair once and retries; when the renewal is refused the session ends.
    pub async fn call<T, F, Fut>(self, call: F) -> Result<T, ApiError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let Some(token) = stored(ACCESS) else {
            self.end();
            return Err(ApiError::SignedOut);
        };
        let first = call(token.clone()).await;
        if !matches!(&first, Err(e) if e.is_unauthorized()) {
            return first;
        }
        // Another call may have renewed the pair while this one was in flight.
        if stored(ACCESS).as_deref() == Some(token.as_str())
            && let Err(e) = self.refresh().await
        {
            if e.is_unauthorized() || matches!(&e, ApiError::Server(p) if p.status == 400 || p.status == 409)
            {
                self.end();
            }
            return Err(e);
        }
        let Some(token) = stored(ACCESS) else {
            self.end();
            return Err(ApiError::SignedOut);
        };
        let second = call(token).await;
        if matches!(&second, Err(e) if e.is_unauthorized()) {
            self.end();
        }
        second
    }

    /// Exchanges the refresh token for a new pair, joining the exchange already under way.
    async fn refresh(self) -> Result<(), ApiError> {
        let exchange = REFRESHING.with_borrow_mut(|slot| {
            slot.get_or_insert_with(|| {
                async move {
                    let result = match stored(REFRESH) {
                        Some(sent) => match api::auth::refresh(sent.clone()).await {
                            Ok(tokens) => {
                                self.start(tokens);
                                Ok(())
                            }
                            // Another window of this browser exchanged the same pair a moment
                            // ago; its answer lands in the shared storage shortly.
                            Err(ApiError::Server(p)) if p.status == 409 => {
                                pair_stored_by_another_window(&sent).await.ok_or(ApiError::Server(p))
                            }
                            Err(e) => Err(e),
                        },
                        None => Err(ApiError::SignedOut),
                    };
                    REFRESHING.with_borrow_mut(|slot| *slot = None);
                    result
                }
                .boxed_local()
                .shared()
            })
            .clone()
        });
        exchange.await
    }
}

/// Waits up to three seconds for the storage to hold a refresh token other than `sent`: the one
/// another window received for it.
async fn pair_stored_by_another_window(sent: &str) -> Option<()> {
    for _ in 0..30 {
        if stored(REFRESH).is_some_and(|t| t != sent) {
            return Some(());
        }
        pause(Duration::from_millis(100)).await;
    }
    None
}

/// Waits `duration` (a timer's promise).
pub(crate) async fn pause(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(move || drop(resolve.call0(&JsValue::NULL)), duration);
    });
    // A timer's promise never rejects.
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The session provided by [`crate::app::App`].
pub fn use_session() -> Session {
    expect_context::<Session>()
}
