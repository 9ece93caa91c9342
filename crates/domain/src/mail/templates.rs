//! Mail templates: built-in defaults in Korean and English, administrators' own versions, and
//! rendering with every placeholder value escaped for where it goes (HTML in bodies, one line
//! in subjects, so no value can inject markup or a mail header).

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait,
    sea_query::OnConflict,
};
use serde_json::{Map, Value};
use socdesk_types::mail::{
    Language, MailKind, MailPreview, MailPreviewRequest, MailTemplate, MailTemplatePatch,
};

use crate::{
    Actor, DomainError, DomainResult, entities::mail_template, error::Violations, rules::template::Template,
    services::audit,
};

/// Longest subject, in characters.
const SUBJECT_MAX: usize = 255;
/// Longest body, in characters.
const BODY_MAX: usize = 100_000;

/// The placeholders a kind of mail fills.
pub fn placeholders(kind: MailKind) -> &'static [&'static str] {
    const WITH_LINK: &[&str] = &[
        "employee_name",
        "employee_id",
        "category",
        "priority",
        "deadline",
        "message",
        "explanation_id",
        "link",
    ];
    const REVIEW: &[&str] = &[
        "reviewer_name",
        "employee_name",
        "employee_id",
        "category",
        "priority",
        "deadline",
        "message",
        "explanation_id",
        "link",
    ];
    const RETURN: &[&str] = &[
        "employee_name",
        "employee_id",
        "category",
        "priority",
        "deadline",
        "message",
        "explanation_id",
        "link",
        "comment",
    ];
    const OVERDUE: &[&str] = &[
        "reviewer_name",
        "employee_name",
        "employee_id",
        "category",
        "priority",
        "deadline",
        "message",
        "explanation_id",
        "link",
    ];
    match kind {
        MailKind::Request | MailKind::Reminder => WITH_LINK,
        MailKind::ReviewRequest => REVIEW,
        MailKind::ReturnNotice => RETURN,
        MailKind::OverdueNotice => OVERDUE,
    }
}

/// The built-in template of a kind in a language: (subject, HTML body).
pub fn default_template(kind: MailKind, language: Language) -> (&'static str, &'static str) {
    use Language::{En, Ko};
    use MailKind::*;
    match (kind, language) {
        (Request, En) => (
            "[socdesk] Explanation requested: {category}",
            "<p>Dear {employee_name} ({employee_id}),</p>\n\
             <p>The security team asks you to explain an event ({category}, priority {priority}).</p>\n\
             <blockquote>{message}</blockquote>\n\
             <p>Please write your explanation by <strong>{deadline}</strong>:<br>\n\
             <a href=\"{link}\">{link}</a></p>\n\
             <p>The link is personal; do not forward it.</p>",
        ),
        (Request, Ko) => (
            "[socdesk] 소명 요청: {category}",
            "<p>{employee_name}({employee_id})님께,</p>\n\
             <p>보안팀에서 다음 사건({category}, 중요도 {priority})에 대한 소명을 요청합니다.</p>\n\
             <blockquote>{message}</blockquote>\n\
             <p><strong>{deadline}</strong>까지 아래 링크에서 소명서를 작성해 주세요:<br>\n\
             <a href=\"{link}\">{link}</a></p>\n\
             <p>이 링크는 본인 전용이므로 다른 사람에게 전달하지 마세요.</p>",
        ),
        (ReviewRequest, En) => (
            "[socdesk] Explanation to review: {employee_name} ({category})",
            "<p>Dear {reviewer_name},</p>\n\
             <p>{employee_name} ({employee_id}) submitted an explanation ({category}, priority {priority}).</p>\n\
             <p>Please review it: <a href=\"{link}\">{link}</a></p>",
        ),
        (ReviewRequest, Ko) => (
            "[socdesk] 소명 검토 요청: {employee_name} ({category})",
            "<p>{reviewer_name}님께,</p>\n\
             <p>{employee_name}({employee_id})님이 소명서({category}, 중요도 {priority})를 제출했습니다.</p>\n\
             <p>검토해 주세요: <a href=\"{link}\">{link}</a></p>",
        ),
        (ReturnNotice, En) => (
            "[socdesk] Your explanation was returned: {category}",
            "<p>Dear {employee_name} ({employee_id}),</p>\n\
             <p>Your explanation was returned with this comment:</p>\n\
             <blockquote>{comment}</blockquote>\n\
             <p>Please write it again by <strong>{deadline}</strong> with this new link (the earlier one no longer works):<br>\n\
             <a href=\"{link}\">{link}</a></p>",
        ),
        (ReturnNotice, Ko) => (
            "[socdesk] 소명서가 반려되었습니다: {category}",
            "<p>{employee_name}({employee_id})님께,</p>\n\
             <p>제출하신 소명서가 다음 의견과 함께 반려되었습니다:</p>\n\
             <blockquote>{comment}</blockquote>\n\
             <p><strong>{deadline}</strong>까지 새 링크에서 다시 작성해 주세요(이전 링크는 더 이상 사용할 수 없습니다):<br>\n\
             <a href=\"{link}\">{link}</a></p>",
        ),
        (Reminder, En) => (
            "[socdesk] Reminder: explanation due {deadline}",
            "<p>Dear {employee_name} ({employee_id}),</p>\n\
             <p>Your explanation ({category}) is due by <strong>{deadline}</strong> and has not been submitted yet.</p>\n\
             <p>Please write it with this link (it replaces the one in earlier mail):<br>\n\
             <a href=\"{link}\">{link}</a></p>",
        ),
        (Reminder, Ko) => (
            "[socdesk] 알림: 소명서 제출 기한 {deadline}",
            "<p>{employee_name}({employee_id})님께,</p>\n\
             <p>소명서({category}) 제출 기한은 <strong>{deadline}</strong>이며 아직 제출되지 않았습니다.</p>\n\
             <p>이 링크에서 작성해 주세요(이전 메일의 링크는 더 이상 사용할 수 없습니다):<br>\n\
             <a href=\"{link}\">{link}</a></p>",
        ),
        (OverdueNotice, En) => (
            "[socdesk] Explanation overdue: {employee_name} ({category})",
            "<p>Dear {reviewer_name},</p>\n\
             <p>{employee_name} ({employee_id}) did not submit the explanation ({category}) due {deadline}.</p>\n\
             <p><a href=\"{link}\">{link}</a></p>",
        ),
        (OverdueNotice, Ko) => (
            "[socdesk] 소명서 기한 초과: {employee_name} ({category})",
            "<p>{reviewer_name}님께,</p>\n\
             <p>{employee_name}({employee_id})님이 기한({deadline}) 내에 소명서({category})를 제출하지 않았습니다.</p>\n\
             <p><a href=\"{link}\">{link}</a></p>",
        ),
    }
}

fn to_dto(kind: MailKind, language: Language, stored: Option<mail_template::Model>) -> MailTemplate {
    let (subject, body) = match stored {
        Some(m) => (m.subject, m.body),
        None => {
            let (s, b) = default_template(kind, language);
            (s.to_owned(), b.to_owned())
        }
    };
    let customized =
        subject != default_template(kind, language).0 || body != default_template(kind, language).1;
    MailTemplate {
        kind,
        language,
        subject,
        body,
        customized,
        placeholders: placeholders(kind).iter().map(|p| (*p).to_owned()).collect(),
    }
}

/// Every template, stored or default, by kind then language.
pub async fn list(db: &impl ConnectionTrait) -> DomainResult<Vec<MailTemplate>> {
    let mut stored: BTreeMap<(String, String), mail_template::Model> = mail_template::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| ((m.kind.clone(), m.language.clone()), m))
        .collect();
    let mut out = Vec::new();
    for kind in MailKind::ALL {
        for language in Language::ALL {
            let row = stored.remove(&(kind.as_str().to_owned(), language.as_str().to_owned()));
            out.push(to_dto(*kind, *language, row));
        }
    }
    Ok(out)
}

/// One template, stored or default.
pub async fn get(
    db: &impl ConnectionTrait,
    kind: MailKind,
    language: Language,
) -> DomainResult<MailTemplate> {
    let row = mail_template::Entity::find_by_id((kind.as_str().to_owned(), language.as_str().to_owned()))
        .one(db)
        .await?;
    Ok(to_dto(kind, language, row))
}

/// Checks a subject and body: lengths, one-line subject, well-formed placeholders that this
/// kind of mail fills.
fn check(kind: MailKind, subject: &str, body: &str) -> DomainResult<(Template, Template)> {
    let mut v = Violations::new();
    if subject.trim().is_empty() {
        v.push("subject", "must not be empty");
    } else if subject.chars().count() > SUBJECT_MAX {
        v.push("subject", format!("must be at most {SUBJECT_MAX} characters"));
    } else if subject.chars().any(char::is_control) {
        v.push("subject", "must be one line without control characters");
    }
    if body.chars().count() > BODY_MAX {
        v.push("body", format!("must be at most {BODY_MAX} characters"));
    }
    let known = placeholders(kind);
    let mut parsed = Vec::new();
    for (field, raw) in [("subject", subject), ("body", body)] {
        match Template::parse(raw) {
            Ok(t) => {
                if let Some(unknown) = t.fields().find(|h| !known.contains(h)) {
                    v.push(
                        field,
                        format!("unknown placeholder {{{unknown}}}; this mail fills {}", known.join(", ")),
                    );
                }
                parsed.push(t);
            }
            Err(e) => v.push(field, e),
        }
    }
    v.finish()?;
    let body = parsed.pop().ok_or_else(|| DomainError::Internal("template parse".into()))?;
    let subject = parsed.pop().ok_or_else(|| DomainError::Internal("template parse".into()))?;
    Ok((subject, body))
}

/// Stores an administrator's version of a template, recording it in the audit log.
pub async fn put(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: MailKind,
    language: Language,
    patch: MailTemplatePatch,
) -> DomainResult<MailTemplate> {
    check(kind, &patch.subject, &patch.body)?;
    let txn = db.begin().await?;
    let row = mail_template::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        language: Set(language.as_str().to_owned()),
        subject: Set(patch.subject),
        body: Set(patch.body),
        modified_at: Set(Utc::now()),
    };
    mail_template::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([mail_template::Column::Kind, mail_template::Column::Language])
                .update_columns([
                    mail_template::Column::Subject,
                    mail_template::Column::Body,
                    mail_template::Column::ModifiedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let detail = serde_json::json!({"kind": kind, "language": language});
    audit::record(&txn, actor.into(), "mail_template.update", None, detail).await?;
    txn.commit().await?;
    get(db, kind, language).await
}

/// Goes back to the built-in template, recording it in the audit log.
pub async fn reset(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: MailKind,
    language: Language,
) -> DomainResult<MailTemplate> {
    let txn = db.begin().await?;
    mail_template::Entity::delete_by_id((kind.as_str().to_owned(), language.as_str().to_owned()))
        .exec(&txn)
        .await?;
    let detail = serde_json::json!({"kind": kind, "language": language});
    audit::record(&txn, actor.into(), "mail_template.reset", None, detail).await?;
    txn.commit().await?;
    get(db, kind, language).await
}

/// Renders the stored (or given) template with sample values.
pub async fn preview(db: &impl ConnectionTrait, req: MailPreviewRequest) -> DomainResult<MailPreview> {
    let stored = get(db, req.kind, req.language).await?;
    let subject = req.subject.unwrap_or(stored.subject);
    let body = req.body.unwrap_or(stored.body);
    let (subject, body) = check(req.kind, &subject, &body)?;
    let sample: BTreeMap<&str, String> = [
        ("employee_name", "Hong Gildong"),
        ("employee_id", "E1001"),
        ("reviewer_name", "Kim Minji"),
        ("category", "Data leakage"),
        ("priority", "high"),
        ("deadline", "2026-12-01 18:00 (UTC)"),
        ("message", "Why did you upload <customer.xlsx> to a personal cloud drive?"),
        ("explanation_id", "42"),
        ("link", "https://socdesk.example.com/explain/#token"),
        ("comment", "Please name the business reason."),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    Ok(fill(&subject, &body, &sample))
}

/// A mail ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// Renders the template of `kind` in `language` with `values`.
pub async fn render(
    db: &impl ConnectionTrait,
    kind: MailKind,
    language: Language,
    values: &BTreeMap<&str, String>,
) -> DomainResult<Rendered> {
    let t = get(db, kind, language).await?;
    // Stored templates were checked when saved; a default that fails to parse is a bug.
    let subject = Template::parse(&t.subject).map_err(DomainError::Internal)?;
    let body = Template::parse(&t.body).map_err(DomainError::Internal)?;
    let MailPreview { subject, body } = fill(&subject, &body, values);
    Ok(Rendered { subject, body })
}

fn fill(subject: &Template, body: &Template, values: &BTreeMap<&str, String>) -> MailPreview {
    let mut plain = Map::new();
    let mut html = Map::new();
    for (k, v) in values {
        let one_line: String = v.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        plain.insert((*k).to_owned(), Value::String(one_line));
        let mut escaped = String::new();
        // Writing into a String cannot fail.
        let _ = pulldown_cmark_escape::escape_html(&mut escaped, v);
        html.insert((*k).to_owned(), Value::String(escaped.replace('\n', "<br>\n")));
    }
    let subject: String = subject.render(&plain).chars().take(SUBJECT_MAX * 4).collect();
    MailPreview { subject, body: body.render(&html) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses_and_uses_only_its_placeholders() {
        for kind in MailKind::ALL {
            for language in Language::ALL {
                let (s, b) = default_template(*kind, *language);
                assert!(check(*kind, s, b).is_ok(), "{kind} {language}");
            }
        }
    }

    #[test]
    fn values_are_escaped_for_html_and_kept_on_one_line_in_subjects() {
        let subject = Template::parse("Hi {employee_name}").expect("subject");
        let body = Template::parse("<p>{message}</p>").expect("body");
        let values: BTreeMap<&str, String> = [
            ("employee_name", "Eve\r\nBcc: victim@example.com".to_owned()),
            ("message", "<script>alert(1)</script> & \"q\"\nline 2".to_owned()),
        ]
        .into_iter()
        .collect();
        let out = fill(&subject, &body, &values);
        assert!(!out.subject.contains('\n') && !out.subject.contains('\r'), "{}", out.subject);
        assert_eq!(out.body, "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;<br>\nline 2</p>");
    }

    #[test]
    fn unknown_placeholders_and_multi_line_subjects_are_refused() {
        let err = check(MailKind::Request, "a\nb", "{nope}").expect_err("refused");
        let text = format!("{err:?}");
        assert!(text.contains("subject") && text.contains("nope"), "{text}");
    }
}
