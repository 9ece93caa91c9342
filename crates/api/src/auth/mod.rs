//! Authentication and the per-route permission guard.
//!
//! Every protected handler takes one `Auth<P>` argument; `P` names the permission the route needs
//! (`Auth<Admin>`, `Auth<TicketView>`, `Auth` for any signed-in account). The check runs in the
//! extractor, before the handler reads or writes anything.

mod guard;
pub mod jwt;

pub use guard::{
    Admin, AnyAccount, Auth, ExplanationAudit, ExplanationView, PeopleRead, Policy, TicketEdit, TicketView,
    authenticate, bearer,
};

use actix_web::HttpRequest;

/// The client's address: the peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy && let Some(ip) = req.connection_info().realip_remote_addr() {
        return ip.to_owned();
    }
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
}
