//! The stream rule condition editor: tests on fields (equals, contains, regex, CIDR, numeric
//! comparisons, exists; each may be negated) that must all hold (AND) or of which one must hold
//! (OR), with a JSON text area for conditions that nest deeper. The server checks either way
//! (a bad regex or network is named by row).

use leptos::prelude::*;
use socdesk_types::FieldError;

use super::{
    condition::{self, Combine, Op, Test},
    rule_draft::RuleDraft,
};
use crate::components::common::form::{FieldMessage, FormErrors};

/// "Value: is not an IP network" from `condition.and[1].cidr.value` and its message.
fn row_message(e: &FieldError) -> String {
    match e.field.rsplit('.').next() {
        Some("field") => format!("Field: {}", e.message),
        Some("value") => format!("Value: {}", e.message),
        _ => e.message.clone(),
    }
}

/// The editor over the draft's `combine`, `tests`, `raw_mode` and `raw`.
#[component]
pub fn ConditionEditor(
    draft: RwSignal<RuleDraft>,
    errors: FormErrors,
    /// Field names to suggest (the table's schema and the record's own).
    #[prop(into)]
    fields: Signal<Vec<String>>,
) -> impl IntoView {
    let raw_mode = Memo::new(move |_| draft.with(|d| d.raw_mode));
    let keys = Memo::new(move |_| draft.with(|d| d.tests.iter().map(|t| t.key).collect::<Vec<_>>()));
    let switch_note = RwSignal::new(None::<String>);
    let condition_errors = errors.under("condition");

    let to_json = move |_| {
        let d = draft.get_untracked();
        let text = match condition::to_condition(d.combine, &d.tests) {
            Ok(c) => serde_json::to_string_pretty(&c).unwrap_or_default(),
            Err(_) => {
                switch_note.set(Some("Some values are not numbers yet; fix them in the JSON.".into()));
                String::from("{\n  \"and\": []\n}")
            }
        };
        draft.update(|d| {
            d.raw = text;
            d.raw_mode = true;
        });
    };
    let to_tests = move |_| {
        let raw = draft.with_untracked(|d| d.raw.clone());
        match serde_json::from_str(&raw).ok().and_then(|c| condition::from_condition(&c)) {
            Some((combine, tests)) => {
                switch_note.set(None);
                draft.update(|d| {
                    d.combine = combine;
                    d.tests = if tests.is_empty() { vec![Test::new(0)] } else { tests };
                    d.raw_mode = false;
                });
            }
            None => switch_note.set(Some(
                "This condition is not one AND/OR list of tests (or not valid JSON): keep editing it as JSON.".into(),
            )),
        }
    };
    let add_test = move |_| {
        draft.update(|d| {
            let key = d.tests.iter().map(|t| t.key).max().map_or(0, |k| k + 1);
            d.tests.push(Test::new(key));
        })
    };
    // What no row shows: errors about the condition as a whole (or every one, in JSON mode).
    let general = Signal::derive(move || {
        let raw = raw_mode.get();
        let list: Vec<String> = condition_errors
            .get()
            .iter()
            .filter(|e| raw || condition::row_of(&e.field).is_none())
            .map(|e| {
                if e.field == "condition" { e.message.clone() } else { format!("{}: {}", e.field, e.message) }
            })
            .collect();
        (!list.is_empty()).then(|| list.join("; "))
    });

    let tests_view = move || {
        view! {
            <div class="condition-head">
                <label class="inline-label" for="condition-combine">"Match when"</label>
                <select
                    id="condition-combine"
                    class="select"
                    on:change=move |ev| {
                        let any = event_target_value(&ev) == "any";
                        draft.update(|d| d.combine = if any { Combine::Any } else { Combine::All });
                    }
                >
                    <option value="all" selected=move || draft.with(|d| d.combine == Combine::All)>
                        "all of these tests hold (AND)"
                    </option>
                    <option value="any" selected=move || draft.with(|d| d.combine == Combine::Any)>
                        "any of these tests holds (OR)"
                    </option>
                </select>
            </div>
            <ol class="condition-tests" aria-label="Tests">
                <For each=move || keys.get() key=|k| *k let:key>
                    <TestRow draft=draft errors=errors key=key />
                </For>
            </ol>
            <div class="condition-actions">
                <button type="button" class="btn btn-secondary btn-small" on:click=add_test>"Add test"</button>
                <button type="button" class="link-btn small" on:click=to_json>"Edit as JSON"</button>
            </div>
        }
    };
    let raw_view = move || {
        view! {
            <textarea
                id="condition-json"
                class="md-input condition-json"
                rows="10"
                spellcheck="false"
                aria-label="Condition as JSON"
                aria-describedby="condition-error"
                prop:value=move || draft.with(|d| d.raw.clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| d.raw = v);
                }
            ></textarea>
            <p class="form-hint">
                "Leaves: " <code>"equals"</code> ", " <code>"contains"</code> ", " <code>"regex"</code> ", "
                <code>"cidr"</code> " (" <code>"{\"field\", \"value\", \"ignore_case\"}"</code> "), " <code>"gt"</code>
                ", " <code>"gte"</code> ", " <code>"lt"</code> ", " <code>"lte"</code> " (" <code>"{\"field\", \"value\": 10}"</code>
                "), " <code>"exists"</code> "; combine with " <code>"and"</code> ", " <code>"or"</code> ", " <code>"not"</code> "."
            </p>
            <div class="condition-actions">
                <button type="button" class="link-btn small" on:click=to_tests>"Edit as tests"</button>
            </div>
        }
    };

    view! {
        <div class="condition-editor" data-testid="condition-editor">
            <datalist id="condition-fields">
                {move || fields.get().into_iter().map(|f| view! { <option value=f></option> }).collect_view()}
            </datalist>
            {move || if raw_mode.get() { raw_view().into_any() } else { tests_view().into_any() }}
            <p class="form-hint" role="status">{move || switch_note.get()}</p>
            <FieldMessage id="condition" error=general />
        </div>
    }
}

/// One test: not, field, operator, value, ignore case, remove; its errors underneath.
#[component]
fn TestRow(draft: RwSignal<RuleDraft>, errors: FormErrors, key: u32) -> impl IntoView {
    let index = Memo::new(move |_| draft.with(|d| d.tests.iter().position(|t| t.key == key).unwrap_or(0)));
    let get = move |f: fn(&Test) -> String| {
        draft.with(|d| d.tests.iter().find(|t| t.key == key).map(f).unwrap_or_default())
    };
    let flag =
        move |f: fn(&Test) -> bool| draft.with(|d| d.tests.iter().find(|t| t.key == key).is_some_and(f));
    let edit = move |f: Box<dyn FnOnce(&mut Test)>| {
        draft.update(|d| {
            if let Some(t) = d.tests.iter_mut().find(|t| t.key == key) {
                f(t);
            }
        })
    };
    let op = Memo::new(move |_| {
        draft.with(|d| d.tests.iter().find(|t| t.key == key).map_or(Op::Equals, |t| t.op))
    });
    let condition_errors = errors.under("condition");
    let row_errors = Signal::derive(move || {
        let i = index.get();
        condition_errors
            .get()
            .into_iter()
            .filter(|e| condition::row_of(&e.field) == Some(i))
            .collect::<Vec<_>>()
    });
    let error = Signal::derive(move || {
        let list: Vec<String> = row_errors.get().iter().map(row_message).collect();
        (!list.is_empty()).then(|| list.join("; "))
    });
    // Which input the server blames: the field name, or the value (anything else: both).
    let blames = move |part: &str| {
        row_errors.with(|errors| {
            errors.iter().any(|e| match e.field.rsplit('.').next() {
                Some(last @ ("field" | "value")) => last == part,
                _ => true,
            })
        })
    };
    let n = move || index.get() + 1;
    let placeholder = move || match op.get() {
        Op::Cidr => "10.0.0.0/8",
        Op::Regex => "^(deny|drop)$",
        o if o.is_number() => "1024",
        _ => "value",
    };
    let ops = Op::ALL
        .into_iter()
        .map(|o| view! { <option value=o.as_str() selected=move || op.get() == o>{o.label()}</option> })
        .collect_view();
    view! {
        <li class="condition-test" data-test-row=move || index.get()>
            <div class="condition-test-row">
                <label class="check-row check-compact" title="The test must not hold">
                    <input
                        type="checkbox"
                        aria-label=move || format!("Test {}: not", n())
                        prop:checked=move || flag(|t| t.negate)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit(Box::new(move |t| t.negate = on));
                        }
                    />
                    "not"
                </label>
                <input
                    class="input condition-field"
                    class:invalid=move || blames("field")
                    list="condition-fields"
                    placeholder="field"
                    spellcheck="false"
                    aria-label=move || format!("Test {} field", n())
                    prop:value=move || get(|t| t.field.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |t| t.field = v));
                    }
                />
                <select
                    class="select"
                    aria-label=move || format!("Test {} operator", n())
                    on:change=move |ev| {
                        if let Some(o) = Op::parse(&event_target_value(&ev)) {
                            edit(Box::new(move |t| t.op = o));
                        }
                    }
                >
                    {ops}
                </select>
                <input
                    class="input condition-value"
                    class:invalid=move || blames("value")
                    spellcheck="false"
                    placeholder=placeholder
                    disabled=move || op.get() == Op::Exists
                    inputmode=move || if op.get().is_number() { "decimal" } else { "text" }
                    aria-label=move || format!("Test {} value", n())
                    prop:value=move || get(|t| t.value.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |t| t.value = v));
                    }
                />
                <label class="check-row check-compact" class:invisible=move || !op.get().is_text()>
                    <input
                        type="checkbox"
                        aria-label=move || format!("Test {}: ignore case", n())
                        disabled=move || !op.get().is_text()
                        prop:checked=move || flag(|t| t.ignore_case)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit(Box::new(move |t| t.ignore_case = on));
                        }
                    />
                    "ignore case"
                </label>
                <button
                    type="button"
                    class="icon-btn"
                    aria-label=move || format!("Remove test {}", n())
                    disabled=move || draft.with(|d| d.tests.len() == 1)
                    on:click=move |_| draft.update(|d| d.tests.retain(|t| t.key != key))
                >
                    "✕"
                </button>
            </div>
            <FieldMessage id=format!("condition-test-{key}") error=error />
        </li>
    }
}
