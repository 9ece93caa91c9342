//! A stored rule decoded and compiled once, ready to test records and open tickets.

use serde_json::{Map, Value};
use socdesk_types::rules::{BatchSpec, Condition, ExplanationSpec, RuleKind, TicketTemplateSpec};

use crate::{
    DomainError,
    entities::rule,
    logs::query::{self, Expr},
    rules::{
        condition::{self, Compiled},
        template::{Template, text_of},
    },
};

/// A rule ready to run.
pub(crate) struct Loaded {
    pub model: rule::Model,
    /// Stream rules.
    pub condition: Option<Compiled>,
    /// Batch rules: the spec and its parsed query (`None`: every record).
    pub batch: Option<(BatchSpec, Option<Expr>)>,
    pub ticket: TicketTemplateSpec,
    pub title: Template,
    pub body: Template,
    pub dedup_fields: Vec<String>,
}

fn decode<T: serde::de::DeserializeOwned>(id: i64, what: &str, value: &Value) -> Result<T, DomainError> {
    serde_json::from_value(value.clone()).map_err(|e| DomainError::Internal(format!("rule {id} {what}: {e}")))
}

impl Loaded {
    /// Decodes and compiles a stored rule. A failure here means the stored rule no longer
    /// compiles (it was valid when saved); callers count it as the rule's error.
    pub fn from_model(model: rule::Model) -> Result<Loaded, DomainError> {
        let id = model.id;
        if RuleKind::parse(&model.kind).is_none() {
            return Err(DomainError::Internal(format!("rule {id} has kind '{}'", model.kind)));
        }
        let condition = match &model.condition {
            Some(raw) => {
                let c: Condition = decode(id, "condition", raw)?;
                Some(condition::compile(&c, "condition").map_err(|errors| {
                    DomainError::Internal(format!("rule {id} condition no longer compiles: {errors:?}"))
                })?)
            }
            None => None,
        };
        let batch = match &model.batch {
            Some(raw) => {
                let spec: BatchSpec = decode(id, "batch", raw)?;
                let expr = if spec.query.trim().is_empty() {
                    None
                } else {
                    Some(
                        query::parse(&spec.query)
                            .map_err(|e| DomainError::Internal(format!("rule {id} query: {e}")))?,
                    )
                };
                Some((spec, expr))
            }
            None => None,
        };
        let ticket: TicketTemplateSpec = decode(id, "ticket", &model.ticket)?;
        let title = Template::parse(&ticket.title)
            .map_err(|e| DomainError::Internal(format!("rule {id} title: {e}")))?;
        let body = Template::parse(ticket.body.as_deref().unwrap_or(""))
            .map_err(|e| DomainError::Internal(format!("rule {id} body: {e}")))?;
        let dedup_fields: Vec<String> = decode(id, "dedup_fields", &model.dedup_fields)?;
        Ok(Loaded { model, condition, batch, ticket, title, body, dedup_fields })
    }

    /// The stored explanation request part, if the rule has one.
    pub fn explanation(&self) -> Option<ExplanationSpec> {
        self.model.explanation.as_ref().and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// The canonical dedup key of a record: its dedup field values as a JSON array (`None` when
    /// deduplication is off). `fields` overrides the rule's own (batch rules group by theirs).
    pub fn dedup_key(&self, view: &Map<String, Value>, fields: &[String]) -> Option<String> {
        if self.model.dedup_window_secs <= 0 {
            return None;
        }
        let values: Vec<Option<String>> = fields.iter().map(|f| view.get(f).and_then(text_of)).collect();
        serde_json::to_string(&values).ok()
    }
}
