//! The words the Settings pages use for the API's values.

use socdesk_types::{
    Permission,
    logs::FieldType,
    mail::{Language, MailKind},
    rules::RuleKind,
};

/// What a permission lets an account do.
pub fn permission_help(p: Permission) -> &'static str {
    match p {
        Permission::Admin => "Everything, these Settings included; sees every site",
        Permission::TicketView => "Read the tickets of its sites",
        Permission::TicketEdit => "Open and edit tickets, push logs, ask for explanations from tickets",
        Permission::ExplanationView => "Read every explanation",
        Permission::ExplanationAudit => "Ask for, review in bulk and delete explanations",
    }
}

/// A mail template's kind as the editor names it.
pub fn mail_kind(k: MailKind) -> &'static str {
    match k {
        MailKind::Request => "Explanation request",
        MailKind::ReviewRequest => "Review request",
        MailKind::ReturnNotice => "Return notice",
        MailKind::Reminder => "Reminder",
        MailKind::OverdueNotice => "Overdue notice",
    }
}

/// Who gets a kind of mail, and when.
pub fn mail_kind_help(k: MailKind) -> &'static str {
    match k {
        MailKind::Request => "To the violator when an explanation is asked for, with their personal link.",
        MailKind::ReviewRequest => "To the manager or auditor when an explanation waits for their review.",
        MailKind::ReturnNotice => {
            "To the violator when a reviewer returned the explanation, with a new link."
        }
        MailKind::Reminder => "To the violator, once, some days before the deadline, with a new link.",
        MailKind::OverdueNotice => "To the manager when the deadline passed unanswered.",
    }
}

/// Korean or English.
pub fn language(l: Language) -> &'static str {
    match l {
        Language::Ko => "Korean",
        Language::En => "English",
    }
}

/// A schema field's type.
pub fn field_type(t: FieldType) -> &'static str {
    match t {
        FieldType::String => "Text",
        FieldType::Integer => "Integer",
        FieldType::Number => "Number",
        FieldType::Boolean => "Boolean",
        FieldType::Ip => "IP address",
        FieldType::Timestamp => "Timestamp",
    }
}

/// Stream or batch.
pub fn rule_kind(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Stream => "Stream",
        RuleKind::Batch => "Batch",
    }
}
