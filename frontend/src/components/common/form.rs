//! Forms that show a refusal where it belongs: each field's message under that field (its
//! space reserved, so nothing moves when one appears), and whatever no field claims — a 409,
//! a 403, a field the form does not show — in one line at the form's foot.

use leptos::prelude::*;
use socdesk_types::FieldError;

use crate::api::ApiError;

/// Whether the server's field name `field` is about the form field `name`: the same name, an
/// item of it (`site_ids[2]`) or a part of it (`batch.query` is about `batch`).
pub fn is_about(field: &str, name: &str) -> bool {
    field == name
        || field.strip_prefix(name).is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
}

/// The field errors that none of `claimed` is about.
pub fn unclaimed<'a>(errors: &'a [FieldError], claimed: &[&str]) -> Vec<&'a FieldError> {
    errors.iter().filter(|e| !claimed.iter().any(|c| is_about(&e.field, c))).collect()
}

/// Why a form was refused: the server's message and its per-field errors (or the form's own
/// checks, made before sending).
#[derive(Debug, Clone, PartialEq, Default)]
struct Refusal {
    /// A message for the form's foot when the refusal is not about fields.
    message: Option<String>,
    fields: Vec<FieldError>,
}

/// The refusal a form shows, read field by field.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors(RwSignal<Option<Refusal>>);

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FormErrors {
    /// No refusal yet.
    pub fn new() -> Self {
        FormErrors(RwSignal::new(None))
    }

    /// Shows the server's refusal.
    pub fn fail(&self, e: &ApiError) {
        let fields = e.field_errors().to_vec();
        let message = fields.is_empty().then(|| e.message());
        self.0.set(Some(Refusal { message, fields }));
    }

    /// Shows the form's own findings (checked before sending).
    pub fn fail_fields(&self, fields: Vec<FieldError>) {
        self.0.set(Some(Refusal { message: None, fields }));
    }

    /// Shows a message at the form's foot.
    pub fn fail_message(&self, message: impl Into<String>) {
        self.0.set(Some(Refusal { message: Some(message.into()), fields: Vec::new() }));
    }

    /// Forgets the refusal (on a new attempt, or a success).
    pub fn clear(&self) {
        self.0.set(None);
    }

    /// Whether anything is shown (reactive).
    pub fn any(&self) -> bool {
        self.0.with(Option::is_some)
    }

    /// The message for the field `name` (see [`is_about`]), reactive.
    pub fn field(&self, name: &'static str) -> Signal<Option<String>> {
        let errors = self.0;
        Signal::derive(move || {
            errors.with(|r| {
                r.as_ref()?.fields.iter().find(|e| is_about(&e.field, name)).map(|e| e.message.clone())
            })
        })
    }

    /// Every field error whose name starts with `prefix` (a part of the form with fields of its
    /// own, like a list of rows), reactive.
    pub fn under(&self, prefix: &'static str) -> Signal<Vec<FieldError>> {
        let errors = self.0;
        Signal::derive(move || {
            errors.with(|r| {
                r.as_ref()
                    .map(|r| r.fields.iter().filter(|e| is_about(&e.field, prefix)).cloned().collect())
                    .unwrap_or_default()
            })
        })
    }

    /// The messages about item `index` of the list `list` (`fields[2].name`), joined, reactive.
    pub fn item(&self, list: &'static str, index: usize) -> Signal<Option<String>> {
        let errors = self.0;
        Signal::derive(move || {
            let name = format!("{list}[{index}]");
            errors.with(|r| {
                let found: Vec<String> = r
                    .as_ref()?
                    .fields
                    .iter()
                    .filter(|e| is_about(&e.field, &name))
                    .map(|e| e.message.clone())
                    .collect();
                (!found.is_empty()).then(|| found.join("; "))
            })
        })
    }

    /// The messages about the list `list` itself (`fields`, not `fields[2]`), reactive.
    pub fn list(&self, list: &'static str) -> Signal<Option<String>> {
        let errors = self.0;
        Signal::derive(move || {
            errors.with(|r| r.as_ref()?.fields.iter().find(|e| e.field == list).map(|e| e.message.clone()))
        })
    }

    /// What the form's foot says: the message of a refusal that is not about fields, or the
    /// field errors none of `claimed` shows (`name: message`), reactive.
    pub fn rest(&self, claimed: &'static [&'static str]) -> Signal<Option<String>> {
        let errors = self.0;
        Signal::derive(move || {
            errors.with(|r| {
                let r = r.as_ref()?;
                let mut parts: Vec<String> = r.message.iter().cloned().collect();
                parts.extend(
                    unclaimed(&r.fields, claimed).iter().map(|e| format!("{}: {}", e.field, e.message)),
                );
                (!parts.is_empty()).then(|| parts.join("; "))
            })
        })
    }
}

/// A labelled control with its message underneath (always there, empty when all is well, so a
/// message appearing moves nothing). The control inside should carry `id` and
/// `aria-describedby="{id}-error"`.
#[component]
pub fn FormField(
    #[prop(into)] label: String,
    /// The control's id (the label points at it).
    #[prop(into)]
    id: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
    /// A line of help under the control.
    #[prop(optional, into)]
    hint: Option<String>,
    /// Spans the form's full width.
    #[prop(optional)]
    wide: bool,
    children: Children,
) -> impl IntoView {
    let for_id = id.clone();
    view! {
        <div class="form-field" class:form-field-wide=wide class:has-error=move || error.with(Option::is_some)>
            <label class="form-label" for=for_id>{label}</label>
            {children()}
            {hint.map(|h| view! { <p class="form-hint">{h}</p> })}
            <FieldMessage id=id error=error />
        </div>
    }
}

/// The message under a control (or a group of them): `{id}-error`, reserved space.
#[component]
pub fn FieldMessage(#[prop(into)] id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="form-field-error" id=format!("{id}-error") data-testid=format!("{id}-error") aria-live="polite">
            {move || error.get()}
        </p>
    }
}

/// The form's foot line: what no field claims.
#[component]
pub fn FormMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="form-foot-error" role="alert" data-testid="form-error">
            {move || message.get()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_is_about_the_field_its_items_and_its_parts() {
        assert!(is_about("login", "login"));
        assert!(is_about("site_ids[2]", "site_ids"));
        assert!(is_about("batch.query", "batch"));
        assert!(is_about("condition.and[1].regex.value", "condition"));
        assert!(!is_about("login_name", "login"));
        assert!(!is_about("log", "login"));
    }

    #[test]
    fn errors_no_field_claims_are_left_for_the_foot() {
        let errors = vec![
            FieldError::new("login", "taken"),
            FieldError::new("site_ids[0]", "no such site"),
            FieldError::new("query.limit", "too big"),
        ];
        let rest: Vec<_> =
            unclaimed(&errors, &["login", "site_ids"]).iter().map(|e| e.field.as_str()).collect();
        assert_eq!(rest, ["query.limit"]);
        assert!(unclaimed(&errors, &["login", "site_ids", "query"]).is_empty());
    }
}
