//! The explanation list's filters as they live in the URL: request-date period (default the
//! last 30 days), priority, status, category, keywords, the sort and the trend's view.

use chrono::{DateTime, Duration, Utc};
use leptos_router::params::ParamsMap;
use socdesk_types::{
    explanations::{ExplanationStatus, TrendView},
    tickets::Priority,
};

use crate::api::Params;

/// The period shown when none is chosen: the last 30 days (the manual's default).
pub const DEFAULT_DAYS: i64 = 30;

/// Everything the list and its trend are filtered by.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplanationFilters {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub priority: Vec<Priority>,
    pub status: Vec<ExplanationStatus>,
    pub category_id: Vec<i64>,
    pub q: String,
    /// `deadline`, `-priority`, ... (`None`: newest request first).
    pub sort: Option<String>,
    /// What the trend stacks by.
    pub view: TrendView,
}

impl Default for ExplanationFilters {
    fn default() -> Self {
        ExplanationFilters {
            from: None,
            to: None,
            priority: Vec::new(),
            status: Vec::new(),
            category_id: Vec::new(),
            q: String::new(),
            sort: None,
            view: TrendView::Status,
        }
    }
}

fn list<T>(raw: Option<&str>, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    raw.map(|r| r.split(',').filter_map(|p| parse(p.trim())).collect()).unwrap_or_default()
}

fn join<T>(items: &[T], name: impl Fn(&T) -> String) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(",")
}

impl ExplanationFilters {
    /// The filters a URL query names; anything malformed is ignored.
    pub fn from_query(q: &ParamsMap) -> Self {
        Self::from_lookup(|k| q.get_str(k))
    }

    fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let time = |k: &str| get(k).and_then(|v| DateTime::parse_from_rfc3339(v).ok()).map(|t| t.to_utc());
        ExplanationFilters {
            from: time("from"),
            to: time("to"),
            priority: list(get("priority"), Priority::parse),
            status: list(get("status"), ExplanationStatus::parse),
            category_id: list(get("category_id"), |v| v.parse().ok()),
            q: get("q").unwrap_or_default().to_owned(),
            sort: get("sort").filter(|s| !s.is_empty()).map(str::to_owned),
            view: get("view").and_then(TrendView::parse).unwrap_or(TrendView::Status),
        }
    }

    /// The filters as query pairs, without the trend's view.
    fn pairs(&self) -> Params {
        Params::new()
            .opt("from", self.from.map(|t| t.to_rfc3339()))
            .opt("to", self.to.map(|t| t.to_rfc3339()))
            .set("priority", join(&self.priority, |p| p.as_str().to_owned()))
            .set("status", join(&self.status, |s| s.as_str().to_owned()))
            .set("category_id", join(&self.category_id, i64::to_string))
            .set("q", self.q.trim())
            .opt("sort", self.sort.clone())
    }

    /// The page's URL query (`?status=submitted&view=result`).
    pub fn to_query(&self) -> String {
        let view = (self.view != TrendView::Status).then_some(self.view.as_str());
        self.pairs().opt("view", view).query()
    }

    /// The start of the period: the chosen one, else 30 days before `now`.
    pub fn effective_from(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.from.unwrap_or(now - Duration::days(DEFAULT_DAYS))
    }

    /// What the list and the trend ask the API for (the default period filled in).
    pub fn api_params(&self, now: DateTime<Utc>) -> Params {
        ExplanationFilters { from: Some(self.effective_from(now)), ..self.clone() }.pairs()
    }

    /// Whether any filter (other than the sort and the view) is set.
    pub fn is_filtered(&self) -> bool {
        let bare =
            ExplanationFilters { sort: self.sort.clone(), view: self.view, ..ExplanationFilters::default() };
        *self != bare
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| *v)
    }

    #[test]
    fn a_query_reads_every_filter_and_drops_what_it_does_not_know() {
        let pairs = [
            ("status", "submitted,audit_returned,nope"),
            ("priority", "high"),
            ("category_id", "3,x,5"),
            ("q", "usb"),
            ("view", "result"),
            ("sort", "deadline"),
        ];
        let f = ExplanationFilters::from_lookup(lookup(&pairs));
        assert_eq!(f.status, vec![ExplanationStatus::Submitted, ExplanationStatus::AuditReturned]);
        assert_eq!(f.category_id, vec![3, 5]);
        assert_eq!(f.view, TrendView::Result);
        assert_eq!(
            f.pairs().entries(),
            vec![
                ("priority", "high"),
                ("status", "submitted,audit_returned"),
                ("category_id", "3,5"),
                ("q", "usb"),
                ("sort", "deadline")
            ]
        );
        assert!(f.is_filtered());
    }

    #[test]
    fn the_api_gets_the_last_30_days_without_a_period_and_the_view_is_not_a_filter() {
        let now = DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().to_utc();
        let f = ExplanationFilters { view: TrendView::Result, ..ExplanationFilters::default() };
        assert_eq!(f.api_params(now).entries(), vec![("from", "2026-11-02T10:00:00+00:00")]);
        assert!(!f.is_filtered());
    }
}
