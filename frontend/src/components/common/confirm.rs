//! Asking before something that cannot be undone (a delete, a revoke, a reset).

use leptos::prelude::*;

use super::dialog::Dialog;

/// A modal question with Cancel and a confirm button. While `pending` the confirm button waits;
/// a refusal (`error`, say a 409 "still in use") is shown inside the dialog, which stays open.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    /// The confirm button's label ("Delete", "Revoke").
    #[prop(into)]
    confirm_label: String,
    /// A red confirm button, for what cannot be undone.
    #[prop(optional)]
    danger: bool,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
    /// `data-testid` of the dialog.
    #[prop(optional, into)]
    test_id: String,
    /// The question, in a sentence or two.
    children: Children,
) -> impl IntoView {
    let class = if danger { "btn btn-danger" } else { "btn btn-primary" };
    let test_id = if test_id.is_empty() { "confirm-dialog".to_owned() } else { test_id };
    view! {
        <Dialog title=title on_close=on_close test_id=test_id>
            <div class="confirm-text">{children()}</div>
            <p class="form-error" role="alert" data-testid="confirm-error">{move || error.get()}</p>
            <footer class="dialog-foot">
                // Focused first: Enter on an opened question must not delete anything.
                <button type="button" class="btn btn-secondary" autofocus on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
                <button type="button" class=class disabled=pending on:click=move |_| on_confirm.run(())>
                    {move || if pending.get() { "Working…".to_owned() } else { confirm_label.clone() }}
                </button>
            </footer>
        </Dialog>
    }
}
