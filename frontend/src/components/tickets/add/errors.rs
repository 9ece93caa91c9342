//! Where each refusal of a ticket shows: the server's problem+json names fields as they were
//! sent (`title`, `fields[2].name`, `attachment_ids[0]`); this turns those names into the
//! inputs on screen, even after rows were moved since.

use std::collections::BTreeMap;

use socdesk_types::FieldError;

use super::draft::Spot;

/// What was sent, in order, so `[i]` in a field name finds its row, file or person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sent {
    pub field_keys: Vec<u64>,
    /// Each attachment's id and file name.
    pub files: Vec<(i64, String)>,
    pub assignees: Vec<String>,
    pub approvers: Vec<String>,
}

/// The messages beside the inputs, and those no input owns (shown above the buttons).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormErrors {
    pub placed: BTreeMap<Spot, String>,
    pub unplaced: Vec<String>,
}

/// `fields[2].name` → (`fields`, `Some(2)`, `.name`); `title` → (`title`, `None`, ``).
fn split(field: &str) -> (&str, Option<usize>, &str) {
    if let Some(open) = field.find('[')
        && let Some(close) = field[open..].find(']').map(|c| open + c)
        && let Ok(i) = field[open + 1..close].parse::<usize>()
    {
        return (&field[..open], Some(i), &field[close + 1..]);
    }
    (field, None, "")
}

/// The server's message ending with a full stop.
fn clause(message: &str) -> String {
    let mut out = message.trim().to_owned();
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The server's message as a sentence: `must not be empty` → `Must not be empty.`
fn sentence(message: &str) -> String {
    let out = clause(message);
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

impl FormErrors {
    /// The message beside `spot`, if any.
    pub fn at(&self, spot: Spot) -> Option<String> {
        self.placed.get(&spot).cloned()
    }

    /// Forgets the message beside `spot` (its input changed).
    pub fn clear(&mut self, spot: Spot) {
        self.placed.remove(&spot);
    }

    fn put(&mut self, spot: Spot, message: String) {
        self.placed
            .entry(spot)
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&message);
            })
            .or_insert(message);
    }

    /// The problems found before sending.
    pub fn from_checks(problems: Vec<(Spot, String)>) -> Self {
        let mut errors = FormErrors::default();
        for (spot, message) in problems {
            errors.put(spot, message);
        }
        errors
    }

    /// The server's field errors, each placed beside its input when there is one.
    pub fn from_server(errors: &[FieldError], sent: &Sent) -> Self {
        let mut out = FormErrors::default();
        for e in errors {
            let message = sentence(&e.message);
            let (base, index, rest) = split(&e.field);
            let named = |names: &[String]| match index.and_then(|i| names.get(i)) {
                Some(name) => format!("{name}: {}", clause(&e.message)),
                None => message.clone(),
            };
            let spot = match (base, index) {
                ("title", None) => Some(Spot::Title),
                ("body" | "body_format", None) => Some(Spot::Body),
                ("site_id", None) => Some(Spot::Site),
                ("category_id", None) => Some(Spot::Category),
                ("priority", None) => Some(Spot::Priority),
                ("attack", None) => Some(Spot::Attack),
                ("incident", None) => Some(Spot::Incident),
                ("fields", None) => Some(Spot::Fields),
                ("fields", Some(i)) => match sent.field_keys.get(i) {
                    Some(&key) if rest == ".value" => Some(Spot::FieldValue(key)),
                    Some(&key) => Some(Spot::FieldName(key)),
                    None => Some(Spot::Fields),
                },
                ("assignee_ids", _) => {
                    out.put(Spot::Assignees, named(&sent.assignees));
                    continue;
                }
                ("approver_ids", _) => {
                    out.put(Spot::Approvers, named(&sent.approvers));
                    continue;
                }
                ("tag_ids", _) => Some(Spot::Tags),
                ("attachment_ids", Some(i)) => match sent.files.get(i) {
                    Some((id, name)) => {
                        out.put(Spot::Attachment(*id), format!("{name}: {}", clause(&e.message)));
                        continue;
                    }
                    None => Some(Spot::Attachments),
                },
                ("attachment_ids", None) => Some(Spot::Attachments),
                _ => None,
            };
            match spot {
                Some(spot) => out.put(spot, message),
                None => out.unplaced.push(format!("{}: {}", e.field, clause(&e.message))),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> Sent {
        Sent {
            field_keys: vec![7, 3, 9],
            files: vec![(41, "capture.pcap".into()), (42, "notes.txt".into())],
            assignees: vec!["Ana (ana)".into()],
            approvers: Vec::new(),
        }
    }

    #[test]
    fn field_names_split_into_base_index_and_rest() {
        assert_eq!(split("fields[2].name"), ("fields", Some(2), ".name"));
        assert_eq!(split("attachment_ids[0]"), ("attachment_ids", Some(0), ""));
        assert_eq!(split("title"), ("title", None, ""));
        assert_eq!(split("odd[x]"), ("odd[x]", None, ""));
    }

    #[test]
    fn server_errors_land_beside_their_inputs_by_row_key_and_file() {
        let errors = [
            FieldError::new("title", "must not be empty"),
            FieldError::new("fields[1].name", "must be 1 to 100 characters"),
            FieldError::new("fields[2].value", "must be at most 10000 characters"),
            FieldError::new("attachment_ids[1]", "is not an unattached upload of yours"),
            FieldError::new("assignee_ids[0]", "account 5 does not exist"),
            FieldError::new("kind", "unknown"),
        ];
        let placed = FormErrors::from_server(&errors, &sent());
        assert_eq!(placed.at(Spot::Title).as_deref(), Some("Must not be empty."));
        assert_eq!(placed.at(Spot::FieldName(3)).as_deref(), Some("Must be 1 to 100 characters."));
        assert_eq!(placed.at(Spot::FieldValue(9)).as_deref(), Some("Must be at most 10000 characters."));
        assert_eq!(
            placed.at(Spot::Attachment(42)).as_deref(),
            Some("notes.txt: is not an unattached upload of yours.")
        );
        assert_eq!(placed.at(Spot::Assignees).as_deref(), Some("Ana (ana): account 5 does not exist."));
        assert_eq!(placed.unplaced, vec!["kind: unknown.".to_string()]);
    }

    #[test]
    fn an_index_beyond_what_was_sent_falls_back_to_the_whole_list() {
        let placed = FormErrors::from_server(&[FieldError::new("fields[8].name", "bad")], &sent());
        assert_eq!(placed.at(Spot::Fields).as_deref(), Some("Bad."));
    }
}
