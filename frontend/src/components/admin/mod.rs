//! The administrators' widgets behind the Settings pages: catalogue tables, the account and
//! employee forms, the department tree, the mail template editor, the rule editor and more.

pub mod accounts;
pub mod api_keys;
pub mod catalogue;
pub mod condition;
pub mod condition_editor;
pub mod departments;
pub mod employees;
pub mod import;
pub mod labels;
pub mod log_tables;
pub mod mail_template;
pub mod options;
pub mod playbook_draft;
pub mod playbook_form;
pub mod providers;
pub mod rule_draft;
pub mod rule_form;
pub mod suppressions;
pub mod tree;
