//! History: every change of the ticket, oldest first: when, who, what, old → new, comment.
//! Values are shown as people read them (statuses by name, accounts and tags by name where the
//! panel knows them).

use std::collections::BTreeMap;

use leptos::prelude::*;
use socdesk_types::tickets::{Attack, HistoryEntry, Incident, Priority, Ticket, TicketField, TicketStatus};

use crate::{api, components::tickets::detail::state::use_detail, format, labels, session::use_session};

/// Longer values are cut to this many characters (the whole text is in the tooltip).
const SHOWN_CHARS: usize = 160;

/// Names the panel knows, to show ids as names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub accounts: BTreeMap<i64, String>,
    pub tags: BTreeMap<i64, String>,
    pub categories: BTreeMap<i64, String>,
    pub sites: BTreeMap<i64, String>,
}

impl Names {
    /// Learns the names a ticket carries.
    pub fn learn(&mut self, t: &Ticket) {
        for a in t.assignees.iter().chain(&t.approvers).chain(&t.registered_by) {
            self.accounts.insert(a.id, a.display_name.clone());
        }
        for tag in &t.tags {
            self.tags.insert(tag.id, tag.name.clone());
        }
        if let Some(c) = &t.category {
            self.categories.insert(c.id, c.name.clone());
        }
        self.sites.insert(t.site.id, t.site.name.clone());
    }
}

/// What changed, as the screens name it.
pub fn field_label(field: &str) -> String {
    match field {
        "created" => "Created".into(),
        "title" => "Title".into(),
        "body" => "Content".into(),
        "body_format" => "Format".into(),
        "fields" => "Fields".into(),
        "priority" => "Priority".into(),
        "status" => "Status".into(),
        "attack" => "Attack".into(),
        "incident" => "Incident".into(),
        "risk_score" => "Risk score".into(),
        "assignees" => "Assignees".into(),
        "approvers" => "Approvers".into(),
        "tags" => "Tags".into(),
        "category" => "Category".into(),
        "site" => "Site".into(),
        "memo" => "Memo".into(),
        "attachments" => "Attachments".into(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

/// A comma-separated id list as names (`account #7` when the name is not known).
fn named(list: &str, names: &BTreeMap<i64, String>, what: &str, none: &str) -> String {
    let items: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| match id.parse::<i64>().ok().and_then(|n| names.get(&n)) {
            Some(name) => name.clone(),
            None => format!("{what} #{id}"),
        })
        .collect();
    if items.is_empty() { none.to_owned() } else { items.join(", ") }
}

/// One side of a change as people read it; `None` when there is nothing to show.
pub fn value_text(field: &str, value: Option<&str>, names: &Names) -> Option<String> {
    let empty = match field {
        "assignees" | "approvers" => "nobody",
        "tags" | "category" | "attack" | "incident" | "risk_score" => "none",
        _ => return value.filter(|v| !v.is_empty()).map(|v| readable(field, v, names)),
    };
    Some(match value.filter(|v| !v.is_empty()) {
        None => empty.to_owned(),
        Some(v) => readable(field, v, names),
    })
}

fn readable(field: &str, v: &str, names: &Names) -> String {
    match field {
        "status" | "created" => TicketStatus::parse(v).map(labels::ticket_status).unwrap_or(v).to_owned(),
        "priority" => Priority::parse(v).map(labels::priority).unwrap_or(v).to_owned(),
        "attack" => Attack::parse(v).map(labels::attack).unwrap_or(v).to_owned(),
        "incident" => Incident::parse(v).map(labels::incident).unwrap_or(v).to_owned(),
        "body_format" => {
            socdesk_types::tickets::BodyFormat::parse(v).map(labels::body_format).unwrap_or(v).to_owned()
        }
        "assignees" | "approvers" => named(v, &names.accounts, "account", "nobody"),
        "tags" => named(v, &names.tags, "tag", "none"),
        "category" => named(v, &names.categories, "category", "none"),
        "site" => named(v, &names.sites, "site", "none"),
        "memo" => format!("memo #{v}"),
        "fields" => match serde_json::from_str::<Vec<TicketField>>(v) {
            Ok(fields) => {
                fields.iter().map(|f| format!("{}: {}", f.name, f.value)).collect::<Vec<_>>().join("; ")
            }
            Err(_) => v.to_owned(),
        },
        _ => v.to_owned(),
    }
}

/// `text`, cut to [`SHOWN_CHARS`] with an ellipsis.
fn cut(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(SHOWN_CHARS).collect();
        format!("{head}…")
    }
}

/// The History tab: refetched after every change made in the panel.
#[component]
pub fn HistoryTab() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let id = detail.id;
    let entries = LocalResource::new(move || {
        detail.changes.track();
        async move { session.call(move |t| api::tickets::history(t, id)).await }
    });
    // Everyone the ticket has named while the panel was open, and the tag and category names.
    let names = RwSignal::new(Names::default());
    Effect::new(move || detail.ticket.with(|t| names.update(|n| n.learn(t))));
    let tags = LocalResource::new(move || async move { session.call(api::catalog::tags).await });
    let categories =
        LocalResource::new(move || async move { session.call(api::catalog::ticket_categories).await });
    Effect::new(move || {
        if let Some(Ok(page)) = tags.get() {
            names.update(|n| n.tags.extend(page.items.into_iter().map(|t| (t.id, t.name))));
        }
        if let Some(Ok(page)) = categories.get() {
            names.update(|n| n.categories.extend(page.items.into_iter().map(|c| (c.id, c.name))));
        }
    });
    let table = move || match entries.get() {
        None => view! { <p class="muted" aria-busy="true">"Loading the history…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted empty-note">"No changes yet."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let known = names.get();
            let rows = list.into_iter().map(|e| history_row(e, &known)).collect_view();
            view! {
                <div class="history-scroll">
                    <table class="table history-table" data-testid="history-table">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"What"</th>
                                <th scope="col">"Change"</th>
                                <th scope="col">"Comment"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! { {table} }
}

fn history_row(e: HistoryEntry, names: &Names) -> impl IntoView + use<> {
    let old = value_text(&e.field, e.old_value.as_deref(), names);
    let new = value_text(&e.field, e.new_value.as_deref(), names);
    let change = match (old, new) {
        (Some(old), Some(new)) => view! {
            <span class="old" title=old.clone()>{cut(&old)}</span>
            <span class="arrow" aria-label="changed to">" → "</span>
            <span class="new" title=new.clone()>{cut(&new)}</span>
        }
        .into_any(),
        (None, Some(new)) => view! { <span class="new" title=new.clone()>{cut(&new)}</span> }.into_any(),
        (Some(old), None) => view! {
            <span class="old removed" title=old.clone()>{cut(&old)}</span>
            <span class="muted">" (removed)"</span>
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    view! {
        <tr data-field=e.field.clone()>
            <td class="nowrap">{format::datetime(e.at)}</td>
            <td>{e.actor}</td>
            <td>{field_label(&e.field)}</td>
            <td class="change">{change}</td>
            <td>{e.comment.unwrap_or_default()}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_names() {
        let mut names = Names::default();
        names.accounts.insert(2, "Kim Analyst".into());
        assert_eq!(value_text("status", Some("in_progress"), &names).as_deref(), Some("In Progress"));
        assert_eq!(value_text("assignees", Some("2,7"), &names).as_deref(), Some("Kim Analyst, account #7"));
        assert_eq!(value_text("assignees", Some(""), &names).as_deref(), Some("nobody"));
        assert_eq!(value_text("attack", None, &names).as_deref(), Some("none"));
        assert_eq!(value_text("title", None, &names), None);
        assert_eq!(
            value_text("fields", Some(r#"[{"name":"Host","value":"ws-1"}]"#), &names).as_deref(),
            Some("Host: ws-1")
        );
        assert_eq!(field_label("explanation_skipped"), "Explanation skipped");
    }
}
