//! The notification provider form's draft: what was typed, turned into a create or change body.
//! Stored header values are never sent back by the server: a header row left without a value
//! keeps the one stored under its name.

use socdesk_types::notifications::{
    Channel, NewNotificationProvider, NotificationProvider, NotificationProviderPatch, ProviderHeaderInput,
};

/// One header row.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderDraft {
    /// Stable key of the row while the form is open.
    pub key: u64,
    pub name: String,
    /// Typed value; empty with `stored` keeps the stored one.
    pub value: String,
    /// The server holds a value under this name.
    pub stored: bool,
}

/// The form's values.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderDraft {
    pub kind: Channel,
    pub name: String,
    pub enabled: bool,
    pub url: String,
    pub headers: Vec<HeaderDraft>,
    pub body_template: String,
    next_key: u64,
}

/// A body template to start from, per channel.
pub fn sample_template(kind: Channel) -> &'static str {
    match kind {
        Channel::Sms => "{\n  \"to\": \"{{recipient.phone}}\",\n  \"text\": \"{{message}}\"\n}",
        Channel::Messenger => {
            "{\n  \"user\": \"{{recipient.messenger_id}}\",\n  \"text\": \"#{{ticket.id}} [{{ticket.priority}}] {{ticket.title}}\\n{{message}}\\n{{ticket.url}}\"\n}"
        }
    }
}

impl ProviderDraft {
    /// A new provider.
    pub fn new() -> Self {
        ProviderDraft {
            kind: Channel::Sms,
            name: String::new(),
            enabled: true,
            url: String::new(),
            headers: Vec::new(),
            body_template: sample_template(Channel::Sms).to_owned(),
            next_key: 0,
        }
    }

    /// The draft of a stored provider.
    pub fn of(p: &NotificationProvider) -> Self {
        let headers: Vec<HeaderDraft> = p
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| HeaderDraft {
                key: i as u64,
                name: h.name.clone(),
                value: String::new(),
                stored: true,
            })
            .collect();
        ProviderDraft {
            kind: p.kind,
            name: p.name.clone(),
            enabled: p.enabled,
            url: p.url.clone(),
            next_key: headers.len() as u64,
            headers,
            body_template: p.body_template.clone(),
        }
    }

    /// Adds an empty header row.
    pub fn add_header(&mut self) {
        self.headers.push(HeaderDraft {
            key: self.next_key,
            name: String::new(),
            value: String::new(),
            stored: false,
        });
        self.next_key += 1;
    }

    fn header_inputs(&self) -> Vec<ProviderHeaderInput> {
        self.headers
            .iter()
            .map(|h| ProviderHeaderInput {
                name: h.name.trim().to_owned(),
                value: if h.stored && h.value.is_empty() { None } else { Some(h.value.clone()) },
            })
            .collect()
    }

    /// The body of `POST /api/notification-providers`.
    pub fn create_body(&self) -> NewNotificationProvider {
        NewNotificationProvider {
            kind: self.kind,
            name: self.name.clone(),
            enabled: Some(self.enabled),
            url: self.url.clone(),
            headers: self.header_inputs(),
            body_template: self.body_template.clone(),
        }
    }

    /// The body of `PATCH /api/notification-providers/{id}` (every field: the form shows all).
    pub fn patch_body(&self) -> NotificationProviderPatch {
        NotificationProviderPatch {
            kind: Some(self.kind),
            name: Some(self.name.clone()),
            enabled: Some(self.enabled),
            url: Some(self.url.clone()),
            headers: Some(self.header_inputs()),
            body_template: Some(self.body_template.clone()),
        }
    }
}

impl Default for ProviderDraft {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use socdesk_types::notifications::ProviderHeader;

    use super::*;

    #[test]
    fn a_stored_header_left_empty_keeps_its_value_and_a_typed_one_replaces_it() {
        let stored = NotificationProvider {
            id: 1,
            kind: Channel::Sms,
            name: "Gateway".into(),
            enabled: true,
            method: "POST".into(),
            url: "https://sms.example.com".into(),
            headers: vec![
                ProviderHeader { name: "Authorization".into(), masked_value: "••••".into() },
                ProviderHeader { name: "X-Team".into(), masked_value: "••••".into() },
            ],
            body_template: "{}".into(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            modified_at: chrono::DateTime::UNIX_EPOCH,
        };
        let mut d = ProviderDraft::of(&stored);
        d.headers[1].value = "blue".into();
        d.add_header();
        d.headers[2].name = " X-New ".into();
        d.headers[2].value = "1".into();
        let headers = d.patch_body().headers.unwrap();
        assert_eq!(headers[0], ProviderHeaderInput { name: "Authorization".into(), value: None });
        assert_eq!(headers[1].value.as_deref(), Some("blue"));
        assert_eq!(headers[2], ProviderHeaderInput { name: "X-New".into(), value: Some("1".into()) });
        assert_ne!(d.headers[2].key, d.headers[1].key);
    }
}
