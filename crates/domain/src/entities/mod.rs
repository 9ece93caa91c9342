//! sea-orm entities, one module per table. Entities are storage; DTOs live in `socdesk-types`.

pub mod account;
pub mod account_permission;
pub mod account_site;
pub mod api_key;
pub mod attachment;
pub mod audit_log;
pub mod login_failure;
pub mod preference;
pub mod refresh_token;
pub mod session;
pub mod setting;
pub mod site;
pub mod tag;
pub mod ticket;
pub mod ticket_approver;
pub mod ticket_assignee;
pub mod ticket_category;
pub mod ticket_evidence;
pub mod ticket_history;
pub mod ticket_memo;
pub mod ticket_tag;
