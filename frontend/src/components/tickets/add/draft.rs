//! The ticket being written: every input of the Add panel as a signal, the checks made before
//! sending, and the `NewTicket` sent.

use leptos::prelude::*;
use socdesk_types::{
    catalog::SiteRef,
    tickets::{
        AccountRef, Attachment, Attack, BodyFormat, Incident, NewTicket, Priority, TicketField, TicketKind,
    },
};

/// The longest title the server takes (in characters, after trimming).
pub const MAX_TITLE: usize = 255;
/// The longest body the server takes.
pub const MAX_BODY: usize = 1_000_000;
/// The most fields a detection ticket may have.
pub const MAX_FIELDS: usize = 200;

/// One structured field being edited. `key` stays with the row when rows move, so its inputs
/// and its error follow it.
#[derive(Debug, Clone)]
pub struct FieldRow {
    pub key: u64,
    pub name: RwSignal<String>,
    pub value: RwSignal<String>,
    /// The template name the row was filled with, while the row still has it.
    pub template_name: Option<String>,
}

/// A field's text, for the template logic.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldText {
    pub name: String,
    pub value: String,
    /// The template name the row was filled with, if any.
    pub template_name: Option<String>,
}

/// Where a row of the list after applying a template comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// A template field: reusing row `from` (same name, value kept) or a new empty row.
    Template { name: String, from: Option<usize> },
    /// A row kept as it is, after the template's fields.
    Kept(usize),
}

/// The rows after applying a template: its field names in its order (each taking the value of
/// a row already named so, ignoring case and surrounding spaces), then every other row holding
/// something typed. Rows left as an earlier template filled them (that name, no value) and
/// blank rows go away; nothing typed is lost.
pub fn apply_template(current: &[FieldText], names: &[String]) -> Vec<Placed> {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    let mut used = vec![false; current.len()];
    let mut out = Vec::with_capacity(names.len() + current.len());
    for name in names {
        let from = (0..current.len()).find(|&i| !used[i] && same(&current[i].name, name));
        if let Some(i) = from {
            used[i] = true;
        }
        out.push(Placed::Template { name: name.clone(), from });
    }
    for (i, row) in current.iter().enumerate() {
        let blank = row.name.trim().is_empty() && row.value.trim().is_empty();
        let untouched_template =
            row.value.trim().is_empty() && row.template_name.as_deref().is_some_and(|t| t == row.name);
        if !used[i] && !blank && !untouched_template {
            out.push(Placed::Kept(i));
        }
    }
    out
}

/// An input of the form, for the messages shown beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spot {
    Title,
    Body,
    Fields,
    FieldName(u64),
    FieldValue(u64),
    Site,
    Category,
    Priority,
    Attack,
    Incident,
    Assignees,
    Approvers,
    Tags,
    Attachments,
    Attachment(i64),
}

/// The number of characters of a title as the server counts them (trimmed).
pub fn title_length(title: &str) -> usize {
    title.trim().chars().count()
}

/// What is wrong with the title before asking the server, if anything.
pub fn title_problem(title: &str) -> Option<String> {
    match title_length(title) {
        0 => Some("Enter a title.".into()),
        n if n > MAX_TITLE => Some(format!("At most {MAX_TITLE} characters: this one has {n}.")),
        _ => None,
    }
}

/// Everything typed into the Add panel.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    pub kind: TicketKind,
    pub title: RwSignal<String>,
    pub body: RwSignal<String>,
    pub format: RwSignal<BodyFormat>,
    pub fields: RwSignal<Vec<FieldRow>>,
    pub site: RwSignal<Option<i64>>,
    pub category: RwSignal<Option<i64>>,
    pub priority: RwSignal<Priority>,
    pub attack: RwSignal<Option<Attack>>,
    pub incident: RwSignal<Option<Incident>>,
    pub assignees: RwSignal<Vec<AccountRef>>,
    pub approvers: RwSignal<Vec<AccountRef>>,
    pub tags: RwSignal<Vec<i64>>,
    pub files: RwSignal<Vec<Attachment>>,
    next_key: StoredValue<u64>,
    /// The panel's reactive owner: rows added from a menu or a button must outlive the
    /// handler that added them.
    owner: StoredValue<Owner>,
}

impl Draft {
    /// An empty ticket of `kind` (priority Low, as the server defaults).
    pub fn new(kind: TicketKind) -> Self {
        Draft {
            kind,
            title: RwSignal::new(String::new()),
            body: RwSignal::new(String::new()),
            format: RwSignal::new(BodyFormat::Markdown),
            fields: RwSignal::new(Vec::new()),
            site: RwSignal::new(None),
            category: RwSignal::new(None),
            priority: RwSignal::new(Priority::Low),
            attack: RwSignal::new(None),
            incident: RwSignal::new(None),
            assignees: RwSignal::new(Vec::new()),
            approvers: RwSignal::new(Vec::new()),
            tags: RwSignal::new(Vec::new()),
            files: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// Chooses the site when the account has exactly one.
    pub fn preselect_site(&self, sites: &[SiteRef]) {
        if let [only] = sites
            && self.site.get_untracked().is_none()
        {
            self.site.set(Some(only.id));
        }
    }

    fn row(&self, name: String, value: String, template_name: Option<String>) -> FieldRow {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let (name, value) = self.owner.with_value(|o| o.with(|| (RwSignal::new(name), RwSignal::new(value))));
        FieldRow { key, name, value, template_name }
    }

    /// Adds an empty custom field at the end; answers its key.
    pub fn add_field(&self) -> u64 {
        let row = self.row(String::new(), String::new(), None);
        let key = row.key;
        self.fields.update(|f| f.push(row));
        key
    }

    /// Removes the field `key`.
    pub fn remove_field(&self, key: u64) {
        self.fields.update(|f| f.retain(|r| r.key != key));
    }

    /// Moves the field `key` one place up (`-1`) or down (`1`).
    pub fn move_field(&self, key: u64, by: isize) {
        self.fields.update(|f| {
            if let Some(at) = f.iter().position(|r| r.key == key) {
                let to = at as isize + by;
                if to >= 0 && (to as usize) < f.len() {
                    f.swap(at, to as usize);
                }
            }
        });
    }

    /// Fills the fields from a template (see [`apply_template`]).
    pub fn apply_template(&self, names: &[String]) {
        let current = self.fields.get_untracked();
        let texts: Vec<FieldText> = current
            .iter()
            .map(|r| FieldText {
                name: r.name.get_untracked(),
                value: r.value.get_untracked(),
                template_name: r.template_name.clone(),
            })
            .collect();
        let rows = apply_template(&texts, names)
            .into_iter()
            .map(|placed| match placed {
                Placed::Template { name, from: Some(i) } => {
                    let row = current[i].clone();
                    row.name.set(name.clone());
                    FieldRow { template_name: Some(name), ..row }
                }
                Placed::Template { name, from: None } => self.row(name.clone(), String::new(), Some(name)),
                Placed::Kept(i) => current[i].clone(),
            })
            .collect();
        self.fields.set(rows);
    }

    /// Whether anything was typed or chosen (the site aside: it may be chosen for the user).
    pub fn is_dirty(&self) -> bool {
        let typed = |s: RwSignal<String>| s.with_untracked(|t| !t.trim().is_empty());
        typed(self.title)
            || typed(self.body)
            || self.fields.with_untracked(|f| !f.is_empty())
            || self.category.with_untracked(Option::is_some)
            || self.priority.get_untracked() != Priority::Low
            || self.attack.with_untracked(Option::is_some)
            || self.incident.with_untracked(Option::is_some)
            || self.assignees.with_untracked(|a| !a.is_empty())
            || self.approvers.with_untracked(|a| !a.is_empty())
            || self.tags.with_untracked(|t| !t.is_empty())
            || self.files.with_untracked(|f| !f.is_empty())
    }

    /// The problems found without asking the server, by input.
    pub fn check(&self) -> Vec<(Spot, String)> {
        let mut problems = Vec::new();
        if let Some(p) = self.title.with_untracked(|t| title_problem(t)) {
            problems.push((Spot::Title, p));
        }
        if self.site.with_untracked(Option::is_none) {
            problems.push((Spot::Site, "Choose the site the ticket belongs to.".into()));
        }
        match self.kind {
            // The manual has the content of both kinds required.
            TicketKind::Analysis if self.body.with_untracked(|b| b.trim().is_empty()) => {
                problems.push((Spot::Body, "Write the ticket content.".into()));
            }
            TicketKind::Detection if self.fields.with_untracked(Vec::is_empty) => {
                problems.push((Spot::Fields, "Apply a template or add at least one field.".into()));
            }
            TicketKind::Detection if self.fields.with_untracked(Vec::len) > MAX_FIELDS => {
                problems.push((Spot::Fields, format!("At most {MAX_FIELDS} fields.")));
            }
            _ => {}
        }
        let over = self.body.with_untracked(|b| b.chars().count()) > MAX_BODY;
        if over {
            problems.push((Spot::Body, format!("At most {MAX_BODY} characters.")));
        }
        problems
    }

    /// The keys of the field rows, in the order they are sent (for placing the server's
    /// `fields[i]` errors).
    pub fn field_keys(&self) -> Vec<u64> {
        self.fields.with_untracked(|f| f.iter().map(|r| r.key).collect())
    }

    /// The body of `POST /api/tickets`. Call after [`Self::check`] found nothing.
    pub fn new_ticket(&self) -> Option<NewTicket> {
        let site_id = self.site.get_untracked()?;
        let body = self.body.get_untracked();
        let ids =
            |people: RwSignal<Vec<AccountRef>>| people.with_untracked(|p| p.iter().map(|a| a.id).collect());
        let fields = match self.kind {
            TicketKind::Analysis => Vec::new(),
            TicketKind::Detection => self.fields.with_untracked(|f| {
                f.iter()
                    .map(|r| TicketField {
                        name: r.name.get_untracked().trim().to_owned(),
                        value: r.value.get_untracked(),
                    })
                    .collect()
            }),
        };
        Some(NewTicket {
            site_id,
            category_id: self.category.get_untracked(),
            kind: self.kind,
            title: self.title.get_untracked().trim().to_owned(),
            body: (!body.trim().is_empty()).then_some(body),
            body_format: Some(self.format.get_untracked()),
            fields,
            priority: Some(self.priority.get_untracked()),
            attack: self.attack.get_untracked(),
            incident: self.incident.get_untracked(),
            assignee_ids: ids(self.assignees),
            approver_ids: ids(self.approvers),
            tag_ids: self.tags.get_untracked(),
            risk_score: None,
            attachment_ids: self.files.with_untracked(|f| f.iter().map(|a| a.id).collect()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, value: &str, template: Option<&str>) -> FieldText {
        FieldText { name: name.into(), value: value.into(), template_name: template.map(str::to_owned) }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn a_template_on_nothing_gives_its_fields_in_order() {
        let placed = apply_template(&[], &names(&["Source IP", "Destination IP"]));
        assert_eq!(
            placed,
            vec![
                Placed::Template { name: "Source IP".into(), from: None },
                Placed::Template { name: "Destination IP".into(), from: None },
            ]
        );
    }

    #[test]
    fn values_typed_under_a_template_name_are_kept_and_custom_fields_follow() {
        let current = [text("Ticket ref", "INC-7", None), text(" source ip ", "10.0.0.5", None)];
        let placed = apply_template(&current, &names(&["Source IP", "Protocol"]));
        assert_eq!(
            placed,
            vec![
                Placed::Template { name: "Source IP".into(), from: Some(1) },
                Placed::Template { name: "Protocol".into(), from: None },
                Placed::Kept(0),
            ]
        );
    }

    #[test]
    fn switching_templates_drops_only_the_untouched_rows_of_the_first() {
        let current = [
            text("Source IP", "", Some("Source IP")),
            text("Protocol", "tcp", Some("Protocol")),
            text("Renamed", "", Some("Action")),
            text("", "", None),
        ];
        let placed = apply_template(&current, &names(&["Host"]));
        assert_eq!(
            placed,
            vec![Placed::Template { name: "Host".into(), from: None }, Placed::Kept(1), Placed::Kept(2)]
        );
    }

    #[test]
    fn titles_are_counted_trimmed_and_bounded() {
        assert_eq!(title_length("  Port scan  "), 9);
        assert!(title_problem("   ").is_some());
        assert!(title_problem(&"가".repeat(255)).is_none());
        assert_eq!(title_problem(&"a".repeat(256)), Some("At most 255 characters: this one has 256.".into()));
    }
}
