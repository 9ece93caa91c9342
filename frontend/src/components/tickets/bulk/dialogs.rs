//! The dialogs bulk actions ask their parameters in: a shared reason for Close and Restart,
//! and the tags to apply.

use leptos::prelude::*;
use socdesk_types::tickets::BulkAction;

use super::plural;
use crate::components::common::{dialog::Dialog, tag_picker::TagPicker};

/// The longest comment the server records.
const MAX_COMMENT: usize = 10_000;

/// Close or Restart the selection, with an optional reason recorded in each ticket's history.
#[component]
pub fn StatusDialog(
    /// `Close` or `Restart`.
    action: BulkAction,
    count: usize,
    #[prop(into)] on_confirm: Callback<Option<String>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let closing = action == BulkAction::Close;
    let reason = RwSignal::new(String::new());
    let length = move || reason.with(|r| r.chars().count());
    let over = move || length() > MAX_COMMENT;
    let (title, explain, confirm_label) = if closing {
        (
            format!("Close {}", plural(count)),
            "Each ticket is closed whatever its status; a ticket already closed is reported as refused.",
            "Close tickets",
        )
    } else {
        (format!("Restart {}", plural(count)), "Each ticket goes back to New.", "Restart tickets")
    };
    let confirm = move || {
        if over() {
            return;
        }
        let text = reason.get_untracked();
        on_confirm.run((!text.trim().is_empty()).then(|| text.trim().to_owned()));
    };
    view! {
        <Dialog title=title on_close=on_close test_id="bulk-status-dialog">
            <p class="muted">{explain}</p>
            <label class="add-label" for="bulk-reason">
                {if closing { "Reason (optional)" } else { "Comment (optional)" }}
            </label>
            <textarea
                id="bulk-reason"
                class="md-input bulk-reason"
                rows="4"
                placeholder="Recorded in each ticket's history"
                class:invalid=over
                prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev))
            ></textarea>
            <div class="field-foot">
                <span class="field-error" role="alert">
                    {move || over().then(|| format!("At most {MAX_COMMENT} characters."))}
                </span>
                <span class="counter" class:over=over>{move || format!("{} / {MAX_COMMENT}", length())}</span>
            </div>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class=if closing { "btn btn-danger" } else { "btn btn-primary" }
                    disabled=over
                    on:click=move |_| confirm()
                >
                    {confirm_label}
                </button>
            </footer>
        </Dialog>
    }
}

/// The tags to put on the selection: they replace the tickets' tags, and none removes them all.
#[component]
pub fn TagsDialog(
    count: usize,
    #[prop(into)] on_confirm: Callback<Vec<i64>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<i64>::new());
    let none = move || chosen.with(Vec::is_empty);
    view! {
        <Dialog title="Apply Tag" on_close=on_close test_id="bulk-tags-dialog">
            <p class="muted">
                {format!("The tags ticked here replace the tags of the {} selected.", plural(count))}
            </p>
            <div class="bulk-tags">
                <TagPicker chosen=chosen label="Tags to apply" />
            </div>
            <p class="bulk-warning" role="status" data-testid="tags-warning">
                {move || {
                    none()
                        .then(|| {
                            format!(
                                "No tag is ticked: confirming removes every tag from the {} selected.",
                                plural(count),
                            )
                        })
                }}
            </p>
            <footer class="dialog-foot">
                <button type="button" class="btn btn-secondary" on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class=move || if none() { "btn btn-danger" } else { "btn btn-primary" }
                    on:click=move |_| on_confirm.run(chosen.get_untracked())
                >
                    {move || if none() { "Remove all tags" } else { "Apply tags" }}
                </button>
            </footer>
        </Dialog>
    }
}
