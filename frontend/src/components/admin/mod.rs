//! The administrators' widgets behind the Settings pages: catalogue tables, the account and
//! employee forms, the department tree, the mail template editor, the rule editor and more.

pub mod accounts;
pub mod api_keys;
pub mod catalogue;
pub mod departments;
pub mod employees;
pub mod import;
pub mod labels;
pub mod mail_template;
pub mod options;
pub mod tree;
