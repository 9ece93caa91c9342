//! The ticket list's filters: how they live in the page's URL query (so a view can be
//! bookmarked and shared), what they ask the API for, and the filter bar that edits them.

use chrono::{DateTime, Duration, Utc};
use leptos_router::params::ParamsMap;
use socdesk_types::tickets::{CreatedBy, Priority, TicketStatus};

use crate::api::Params;

/// The period shown when none is chosen: the last 30 days.
pub const DEFAULT_DAYS: i64 = 30;

/// URL keys that are filters (the others, such as `ticket`, say which panel is open).
pub const FILTER_KEYS: [&str; 12] = [
    "from",
    "to",
    "site_id",
    "category_id",
    "priority",
    "status",
    "assignee_id",
    "approver_id",
    "created_by",
    "tag_id",
    "q",
    "sort",
];

/// Everything the list, its trend and its total are filtered by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFilters {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub site_id: Option<i64>,
    pub category_id: Option<i64>,
    pub priority: Vec<Priority>,
    pub status: Vec<TicketStatus>,
    pub assignee_id: Option<i64>,
    pub approver_id: Option<i64>,
    pub created_by: Option<CreatedBy>,
    pub tag_id: Option<i64>,
    pub q: String,
    /// `created_at`, `-priority`, ... (`None`: newest first).
    pub sort: Option<String>,
}

fn list<T: Copy>(raw: Option<&str>, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    raw.map(|r| r.split(',').filter_map(|p| parse(p.trim())).collect()).unwrap_or_default()
}

fn join<T>(items: &[T], name: impl Fn(&T) -> &'static str) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(",")
}

impl TicketFilters {
    /// The filters a URL query names; anything malformed is ignored.
    pub fn from_query(q: &ParamsMap) -> Self {
        Self::from_lookup(|k| q.get_str(k))
    }

    /// The filters that `get` finds by key.
    fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let id = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
        let time = |k: &str| get(k).and_then(|v| DateTime::parse_from_rfc3339(v).ok()).map(|t| t.to_utc());
        TicketFilters {
            from: time("from"),
            to: time("to"),
            site_id: id("site_id"),
            category_id: id("category_id"),
            priority: list(get("priority"), Priority::parse),
            status: list(get("status"), TicketStatus::parse),
            assignee_id: id("assignee_id"),
            approver_id: id("approver_id"),
            created_by: get("created_by").and_then(CreatedBy::parse),
            tag_id: id("tag_id"),
            q: get("q").unwrap_or_default().to_owned(),
            sort: get("sort").filter(|s| !s.is_empty()).map(str::to_owned),
        }
    }

    /// The filters as query pairs (the URL's and, with the default period, the API's).
    fn pairs(&self) -> Params {
        Params::new()
            .opt("from", self.from.map(|t| t.to_rfc3339()))
            .opt("to", self.to.map(|t| t.to_rfc3339()))
            .opt("site_id", self.site_id)
            .opt("category_id", self.category_id)
            .set("priority", join(&self.priority, |p| p.as_str()))
            .set("status", join(&self.status, |s| s.as_str()))
            .opt("assignee_id", self.assignee_id)
            .opt("approver_id", self.approver_id)
            .opt("created_by", self.created_by.map(|c| c.as_str()))
            .opt("tag_id", self.tag_id)
            .set("q", self.q.trim())
            .opt("sort", self.sort.clone())
    }

    /// The filters as key/value pairs (what is saved per account).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        self.pairs().entries().into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
    }

    /// The filters saved as [`Self::to_pairs`].
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        Self::from_lookup(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()))
    }

    /// The page's URL query for these filters (`?status=new&q=scan`), keeping `ticket`.
    pub fn to_query(&self, ticket: Option<i64>) -> String {
        self.pairs().opt("ticket", ticket).query()
    }

    /// The start of the period: the chosen one, else 30 days before `now`.
    pub fn effective_from(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.from.unwrap_or(now - Duration::days(DEFAULT_DAYS))
    }

    /// What the list and the trend ask the API for: these filters, with the default period
    /// filled in so both cover the same days.
    pub fn api_params(&self, now: DateTime<Utc>) -> Params {
        let with_period = TicketFilters { from: Some(self.effective_from(now)), ..self.clone() };
        with_period.pairs()
    }

    /// Whether any filter (other than the sort) is set.
    pub fn is_filtered(&self) -> bool {
        let bare = TicketFilters { sort: self.sort.clone(), ..TicketFilters::default() };
        *self != bare
    }
}

/// Whether a URL query names any filter (an empty one means "restore what this account saved").
pub fn has_filters(q: &ParamsMap) -> bool {
    names_filters(|k| q.get_str(k).is_some())
}

fn names_filters(has: impl Fn(&str) -> bool) -> bool {
    FILTER_KEYS.iter().any(|k| has(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    // ParamsMap unescapes through the browser, so the tests go through saved pairs instead.
    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_query_round_trips_through_the_filters() {
        let q = query(&[
            ("from", "2026-11-01T00:00:00+00:00"),
            ("status", "new,in_progress,bogus"),
            ("priority", "high"),
            ("assignee_id", "7"),
            ("created_by", "system"),
            ("q", "port scan"),
            ("sort", "-priority"),
        ]);
        let f = TicketFilters::from_pairs(&q);
        assert_eq!(f.status, vec![TicketStatus::New, TicketStatus::InProgress]);
        assert_eq!(f.assignee_id, Some(7));
        assert_eq!(f.created_by, Some(CreatedBy::System));
        assert_eq!(
            f.pairs().entries(),
            vec![
                ("from", "2026-11-01T00:00:00+00:00"),
                ("priority", "high"),
                ("status", "new,in_progress"),
                ("assignee_id", "7"),
                ("created_by", "system"),
                ("q", "port scan"),
                ("sort", "-priority"),
            ]
        );
        assert!(f.is_filtered());
        assert!(names_filters(|k| q.iter().any(|(key, _)| key == k)));
    }

    #[test]
    fn saved_pairs_restore_the_same_filters() {
        let f = TicketFilters {
            status: vec![TicketStatus::Closed],
            tag_id: Some(4),
            q: "x".into(),
            ..TicketFilters::default()
        };
        let mut pairs = f.to_pairs();
        pairs.push(("unknown".into(), "1".into()));
        assert_eq!(TicketFilters::from_pairs(&pairs), f);
    }

    #[test]
    fn without_a_period_the_api_gets_the_last_30_days() {
        let now = DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().to_utc();
        let f = TicketFilters::default();
        assert_eq!(f.api_params(now).entries(), vec![("from", "2026-11-02T10:00:00+00:00")]);
        assert!(!f.is_filtered());
        let only_panel = query(&[("ticket", "3")]);
        assert!(!names_filters(|k| only_panel.iter().any(|(key, _)| key == k)));
    }
}
