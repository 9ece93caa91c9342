use std::{marker::PhantomData, ops::Deref};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::future::LocalBoxFuture;
use socdesk_domain::{
    Actor, DomainError, Permission,
    secrets::API_KEY_PREFIX,
    services::{accounts, api_keys, sessions},
};
use socdesk_types::auth::AuthMethod;

use crate::{auth::client_ip, error::ApiError, startup::AppState};

/// What a route requires of the caller.
pub trait Policy {
    /// The permissions of which the caller needs at least one (`ADMIN` holds them all); empty
    /// for any signed-in account.
    const ANY_OF: &'static [Permission];
}

/// Any signed-in account.
pub struct AnyAccount;
impl Policy for AnyAccount {
    const ANY_OF: &'static [Permission] = &[];
}

macro_rules! permission_policy {
    ($($name:ident),*) => {$(
        #[doc = concat!("Needs the `", stringify!($name), "` permission (or `ADMIN`).")]
        pub struct $name;
        impl Policy for $name {
            const ANY_OF: &'static [Permission] = &[Permission::$name];
        }
    )*};
}
permission_policy!(Admin, TicketView, TicketEdit, ExplanationView, ExplanationAudit);

/// Reading employees and departments: explanation viewers and auditors, and analysts who pick
/// violators (`EXPLANATION_VIEW`, `EXPLANATION_AUDIT` or `TICKET_EDIT`, or `ADMIN`).
pub struct PeopleRead;
impl Policy for PeopleRead {
    const ANY_OF: &'static [Permission] =
        &[Permission::ExplanationView, Permission::ExplanationAudit, Permission::TicketEdit];
}

/// The authenticated caller, checked against the route's policy `P`.
pub struct Auth<P: Policy = AnyAccount> {
    actor: Actor,
    _policy: PhantomData<P>,
}

impl<P: Policy> Deref for Auth<P> {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

fn unauthenticated(message: &str) -> ApiError {
    ApiError::Domain(DomainError::Unauthenticated(message.to_owned()))
}

/// The caller behind a bearer token or API key, checked afresh (long event streams ask again).
pub async fn authenticate(state: &AppState, bearer: Option<String>, ip: String) -> Result<Actor, ApiError> {
    let token = bearer
        .ok_or_else(|| unauthenticated("sign in first: send Authorization: Bearer <token or API key>"))?;
    if token.starts_with(API_KEY_PREFIX) {
        let account_id = api_keys::authenticate(&state.db, &token)
            .await?
            .ok_or_else(|| unauthenticated("the API key is invalid, revoked or expired"))?;
        return Ok(accounts::load_actor(&state.db, account_id, AuthMethod::ApiKey, None, Some(ip)).await?);
    }
    let (account_id, session_id) =
        state.jwt.verify(&token).ok_or_else(|| unauthenticated("the access token is invalid or expired"))?;
    if !sessions::is_active(&state.db, session_id).await? {
        return Err(unauthenticated("the session has ended; sign in again"));
    }
    Ok(accounts::load_actor(&state.db, account_id, AuthMethod::Session, Some(session_id), Some(ip)).await?)
}

/// The token of `Authorization: Bearer …`, if sent.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned())
}

impl<P: Policy> Auth<P> {
    /// The caller, for work that outlives the request's extractor (an event stream).
    pub fn into_actor(self) -> Actor {
        self.actor
    }
}

impl<P: Policy + 'static> FromRequest for Auth<P> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = bearer(req);
        let ip = state.as_ref().map(|s| client_ip(req, s.settings.trust_proxy)).unwrap_or_default();
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Domain(DomainError::Internal("app state missing".into())))?;
            let actor = authenticate(&state, bearer, ip).await?;
            actor.require_any(P::ANY_OF)?;
            Ok(Auth { actor, _policy: PhantomData })
        })
    }
}
