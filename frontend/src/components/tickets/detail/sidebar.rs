//! The right sidebar: the ticket's properties (each saved as it is changed), its status and
//! workflow, people, tags, files, and the facts it carries.

use leptos::{html, prelude::*};
use socdesk_types::tickets::{Attack, Incident, Priority, TicketPatch};

use super::{
    attachments::AttachmentsProperty,
    controls::{Choice, ChoiceSelect, Property},
    people::{People, PeopleProperty},
    propagate::PropagationProperty,
    state::{SaveNote, Saving, use_detail},
    status::StatusProperties,
    tags::TagsProperty,
};
use crate::{api, components::common::badges::ExplanationStatusBadge, format, labels, session::use_session};

/// Every property, top to bottom as the manual lists them.
#[component]
pub fn TicketSidebar() -> impl IntoView {
    view! {
        <div class="detail-side" role="region" aria-label="Properties">
            <CategoryProperty />
            <PriorityProperty />
            <RiskProperty />
            <StatusProperties />
            <AttackProperty />
            <IncidentProperty />
            <PeopleProperty which=People::Assignees />
            <PeopleProperty which=People::Approvers />
            <TagsProperty />
            <AttachmentsProperty />
            <PropagationProperty />
            <TicketFacts />
        </div>
    }
}

/// A property chosen from a list, saved with the `patch` made from the picked value (`None`:
/// the value is not one this property takes, and nothing is sent).
#[component]
fn SelectProperty(
    label: &'static str,
    id: &'static str,
    #[prop(into)] options: Signal<Vec<Choice>>,
    #[prop(into)] value: Signal<String>,
    patch: fn(&str) -> Option<TicketPatch>,
) -> impl IntoView {
    let detail = use_detail();
    let saving = Saving::new();
    let pick = move |picked: String| {
        if picked != value.get_untracked()
            && let Some(patch) = patch(&picked)
        {
            saving.run(detail.patch(patch), || ());
        }
    };
    view! {
        <Property label=label control=id test_id=id>
            <ChoiceSelect
                id=id
                options=options
                value=value
                saving=saving
                disabled=Signal::derive(move || !detail.can_edit())
                on_pick=pick
            />
        </Property>
    }
}

fn choices<T: Copy>(
    unset: Option<&str>,
    all: &[T],
    wire: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    unset
        .map(|u| (String::new(), u.to_owned()))
        .into_iter()
        .chain(all.iter().map(|v| (wire(*v).to_owned(), label(*v).to_owned())))
        .collect()
}

/// The category, from the category catalogue (the current one shows before it loads).
#[component]
fn CategoryProperty() -> impl IntoView {
    let detail = use_detail();
    let session = use_session();
    let catalogue =
        LocalResource::new(move || async move { session.call(api::catalog::ticket_categories).await });
    let options = Signal::derive(move || {
        let mut all: Vec<Choice> = vec![(String::new(), "— None —".into())];
        if let Some(Ok(page)) = catalogue.get() {
            all.extend(page.items.into_iter().map(|c| (c.id.to_string(), c.name)));
        }
        if let Some(current) = detail.ticket.with(|t| t.category.clone()) {
            let id = current.id.to_string();
            if !all.iter().any(|(v, _)| *v == id) {
                all.push((id, current.name));
            }
        }
        all
    });
    let value = Signal::derive(move || {
        detail.ticket.with(|t| t.category.as_ref().map(|c| c.id.to_string()).unwrap_or_default())
    });
    let patch = |v: &str| -> Option<TicketPatch> {
        let category = if v.is_empty() { None } else { Some(v.parse::<i64>().ok()?) };
        Some(TicketPatch { category_id: Some(category), ..Default::default() })
    };
    view! { <SelectProperty label="Category" id="ticket-category" options=options value=value patch=patch /> }
}

/// High, Medium or Low.
#[component]
fn PriorityProperty() -> impl IntoView {
    let detail = use_detail();
    let options = choices(None, Priority::ALL, Priority::as_str, labels::priority);
    let value = Signal::derive(move || detail.ticket.with(|t| t.priority.as_str().to_owned()));
    let patch = |v: &str| Priority::parse(v).map(|p| TicketPatch { priority: Some(p), ..Default::default() });
    view! {
        <SelectProperty label="Priority" id="ticket-priority" options=Signal::stored(options) value=value patch=patch />
    }
}

/// Unset, True positive or False positive.
#[component]
fn AttackProperty() -> impl IntoView {
    let detail = use_detail();
    let options = choices(Some("— Unset —"), Attack::ALL, Attack::as_str, labels::attack);
    let value = Signal::derive(move || {
        detail.ticket.with(|t| t.attack.map(|a| a.as_str().to_owned()).unwrap_or_default())
    });
    let patch = |v: &str| {
        let attack = if v.is_empty() { None } else { Some(Attack::parse(v)?) };
        Some(TicketPatch { attack: Some(attack), ..Default::default() })
    };
    view! {
        <SelectProperty label="Attack" id="ticket-attack" options=Signal::stored(options) value=value patch=patch />
    }
}

/// Unset, Incident or Normal.
#[component]
fn IncidentProperty() -> impl IntoView {
    let detail = use_detail();
    let options = choices(Some("— Unset —"), Incident::ALL, Incident::as_str, labels::incident);
    let value = Signal::derive(move || {
        detail.ticket.with(|t| t.incident.map(|i| i.as_str().to_owned()).unwrap_or_default())
    });
    let patch = |v: &str| {
        let incident = if v.is_empty() { None } else { Some(Incident::parse(v)?) };
        Some(TicketPatch { incident: Some(incident), ..Default::default() })
    };
    view! {
        <SelectProperty label="Incident" id="ticket-incident" options=Signal::stored(options) value=value patch=patch />
    }
}

/// A risk score from the text: empty is none; a whole number 0..=100, or why not.
fn parse_risk(text: &str) -> Result<Option<i32>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(n) if (0..=100).contains(&n) => Ok(Some(n)),
        _ => Err("Enter a whole number from 0 to 100, or leave it empty."),
    }
}

/// The risk score, 0 to 100 or none: saved when the field is left or Enter is pressed.
#[component]
fn RiskProperty() -> impl IntoView {
    let detail = use_detail();
    let saving = Saving::new();
    let node = NodeRef::<html::Input>::new();
    let current = Memo::new(move |_| detail.ticket.with(|t| t.risk_score));
    // Shows the saved score, again after the server refused a change (text refused before
    // sending stays, to be corrected).
    Effect::new(move || {
        let shown = current.get().map(|r| r.to_string()).unwrap_or_default();
        if !saving.pending.get()
            && let Some(el) = node.get()
        {
            el.set_value(&shown);
        }
    });
    let commit = move |text: String| match parse_risk(&text) {
        Err(why) => saving.refuse(why),
        Ok(score) if score == current.get_untracked() => saving.clear(),
        Ok(score) => {
            saving.run(detail.patch(TicketPatch { risk_score: Some(score), ..Default::default() }), || ())
        }
    };
    view! {
        <Property label="Risk score" control="ticket-risk" test_id="ticket-risk">
            <input
                id="ticket-risk"
                class="input prop-control risk-input"
                class:invalid=move || saving.error.with(Option::is_some)
                type="text"
                inputmode="numeric"
                placeholder="—"
                autocomplete="off"
                aria-describedby="ticket-risk-note"
                node_ref=node
                disabled=move || !detail.can_edit()
                on:input=move |_| saving.error.set(None)
                on:change=move |ev| commit(event_target_value(&ev))
            />
            <SaveNote saving=saving id="ticket-risk-note" />
        </Property>
    }
}

/// A term and its value in the facts list, left out when there is no value.
fn fact(term: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|v| view! { <dt>{term}</dt> <dd>{v}</dd> })
}

/// Where it belongs, who opened it, when things happened, and how it is counted.
#[component]
fn TicketFacts() -> impl IntoView {
    let detail = use_detail();
    let facts = move || {
        detail.ticket.with(|t| {
            let registered = match (&t.registered_by, t.rule_id) {
                (Some(a), _) => Some(a.display_name.clone()),
                (None, Some(rule)) => Some(format!("Rule #{rule}")),
                (None, None) => None,
            };
            let rule_ticket = t.rule_id.is_some();
            let explanation = t.explanation_status.map(|s| {
                view! {
                    <dt>"Explanation"</dt>
                    <dd><ExplanationStatusBadge status=s /></dd>
                }
            });
            view! {
                {fact("Site", Some(t.site.name.clone()))}
                {fact("Created by", Some(labels::created_by(t.created_by).to_owned()))}
                {fact("Registered by", registered)}
                {fact("Created", Some(format::datetime(t.created_at)))}
                {fact("Modified", Some(format::datetime(t.modified_at)))}
                {fact("Closed", t.closed_at.map(format::datetime))}
                {fact("Duplicates", rule_ticket.then(|| t.duplicate_count.to_string()))}
                {fact("First seen", t.first_seen_at.map(format::datetime))}
                {fact("Last seen", t.last_seen_at.map(format::datetime))}
                {fact("Time to assign", t.time_to_assign_secs.map(format::duration))}
                {fact("Time to close", t.time_to_close_secs.map(format::duration))}
                {explanation}
            }
        })
    };
    view! {
        <div class="prop">
            <dl class="facts-list" data-testid="ticket-facts">{facts}</dl>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_risk;

    #[test]
    fn a_risk_score_is_empty_or_a_whole_number_up_to_100() {
        assert_eq!(parse_risk(""), Ok(None));
        assert_eq!(parse_risk(" 42 "), Ok(Some(42)));
        assert_eq!(parse_risk("0"), Ok(Some(0)));
        assert_eq!(parse_risk("100"), Ok(Some(100)));
        assert!(parse_risk("101").is_err());
        assert!(parse_risk("-1").is_err());
        assert!(parse_risk("4.5").is_err());
        assert!(parse_risk("abc").is_err());
    }
}
