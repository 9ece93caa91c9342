//! The detection templates (Network, Endpoint, Email) a detection ticket starts from.

use socdesk_types::tickets::TicketTemplate;

/// Every template, in the order the Add panel offers them.
pub fn all() -> Vec<TicketTemplate> {
    let template = |key: &str, name: &str, fields: &[&str]| TicketTemplate {
        key: key.into(),
        name: name.into(),
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
    };
    vec![
        template(
            "network",
            "Network",
            &[
                "First detection time",
                "Last detection time",
                "Source IP",
                "Source port",
                "Destination IP",
                "Destination port",
                "Protocol",
                "Action",
                "Bytes",
            ],
        ),
        template(
            "endpoint",
            "Endpoint",
            &["Host", "User", "Process", "Command line", "File path", "File hash"],
        ),
        template(
            "email",
            "Email",
            &["Sender", "Recipients", "Subject", "Attachment name", "Attachment hash", "URL"],
        ),
    ]
}
