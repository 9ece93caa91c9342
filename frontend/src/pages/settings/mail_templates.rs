//! Settings > Mail templates: the five kinds of mail in Korean and English, and the editor of
//! the one chosen (kept in the URL: `?kind=request&language=ko`).

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};
use socdesk_types::mail::{Language, MailKind, MailTemplate};

use super::SettingsHead;
use crate::{
    api,
    components::{
        admin::{labels, mail_template::MailTemplateEditor},
        common::confirm::ConfirmDialog,
    },
    session::use_session,
};

/// The Mail templates page.
#[component]
pub fn MailTemplatesPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let chosen = Memo::new(move |_| {
        query.with(|q| {
            let kind = q.get_str("kind").and_then(MailKind::parse).unwrap_or(MailKind::Request);
            let language = q.get_str("language").and_then(Language::parse).unwrap_or(Language::En);
            (kind, language)
        })
    });
    let version = RwSignal::new(0u64);
    let templates = LocalResource::new(move || {
        version.track();
        session.call(api::mail::templates)
    });
    let go = move |kind: MailKind, language: Language| {
        navigate(
            &format!("/settings/mail-templates?kind={}&language={}", kind.as_str(), language.as_str()),
            NavigateOptions { replace: true, scroll: false, ..Default::default() },
        );
    };
    let go = StoredValue::new_local(go);
    // Unsaved text is not dropped silently: choosing another template asks first.
    let dirty = RwSignal::new(false);
    let leaving = RwSignal::new(None::<(MailKind, Language)>);
    let choose = StoredValue::new_local(move |kind: MailKind, language: Language| {
        if chosen.get_untracked() == (kind, language) {
            return;
        }
        if dirty.get_untracked() {
            leaving.set(Some((kind, language)));
        } else {
            go.with_value(|g| g(kind, language));
        }
    });
    let customized = move |kind: MailKind, language: Language| match templates.get() {
        Some(Ok(list)) => {
            list.iter().any(|t: &MailTemplate| t.kind == kind && t.language == language && t.customized)
        }
        _ => false,
    };

    let grid = MailKind::ALL
        .iter()
        .map(|kind| {
            let kind = *kind;
            let cells = Language::ALL
                .iter()
                .map(|language| {
                    let language = *language;
                    let current = move || chosen.get() == (kind, language);
                    view! {
                        <td>
                            <button
                                type="button"
                                class="template-pick"
                                class:current=current
                                aria-current=move || if current() { "true" } else { "false" }
                                aria-label=format!("{} in {}", labels::mail_kind(kind), labels::language(language))
                                data-testid=format!("template-{}-{}", kind.as_str(), language.as_str())
                                on:click=move |_| choose.with_value(|c| c(kind, language))
                            >
                                {labels::language(language)}
                                {move || customized(kind, language).then(|| view! { <span class="dot-custom" title="Customised">"●"</span> })}
                            </button>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{labels::mail_kind(kind)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();

    let editor = move || {
        let (kind, language) = chosen.get();
        view! {
            <MailTemplateEditor kind=kind language=language on_changed=move |_| version.update(|v| *v += 1) dirty=dirty />
        }
    };

    view! {
        <div class="page">
            <SettingsHead
                title="Mail templates"
                intro="What explanation mails say, per kind and language. Employees get their own language, else the global default."
            />
            <div class="templates-layout">
                <section class="card templates-grid" aria-label="Templates">
                    <table class="table admin-table">
                        <thead>
                            <tr>
                                <th scope="col">"Mail"</th>
                                <th scope="col" colspan="2">"Language"</th>
                            </tr>
                        </thead>
                        <tbody>{grid}</tbody>
                    </table>
                    <p class="muted small">"● customised; the others use the built-in default."</p>
                    {move || match templates.get() {
                        Some(Err(e)) => Some(view! { <p class="field-error" role="alert">{e.message()}</p> }),
                        _ => None,
                    }}
                </section>
                <section class="card">{editor}</section>
            </div>
            {move || leaving.get().map(|(kind, language)| view! {
                <ConfirmDialog
                    title="Discard your changes?"
                    confirm_label="Discard changes"
                    danger=true
                    pending=Signal::derive(|| false)
                    error=Signal::derive(|| None::<String>)
                    on_confirm=Callback::new(move |()| {
                        leaving.set(None);
                        go.with_value(|g| g(kind, language));
                    })
                    on_close=Callback::new(move |()| leaving.set(None))
                >
                    <p>{format!(
                        "This template has changes that are not saved. Open {} in {} and lose them?",
                        labels::mail_kind(kind),
                        labels::language(language),
                    )}</p>
                </ConfirmDialog>
            })}
        </div>
    }
}
