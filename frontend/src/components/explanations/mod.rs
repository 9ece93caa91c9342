//! The Explanations screen's parts: filters, trend, list, bulk review and the request form. They
//! talk through [`ExplanationsScreen`], provided by the page.

pub mod bulk;
pub mod columns;
pub mod filter_bar;
pub mod filters;
pub mod form;
pub mod list;
pub mod review;
pub mod trend;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};

use self::filters::ExplanationFilters;
use crate::api::Params;

/// The router's navigate function, kept where `Copy` handles can reach it.
type Navigate = Box<dyn Fn(&str, NavigateOptions)>;

/// What the Explanations screen shares between its parts.
#[derive(Clone, Copy)]
pub struct ExplanationsScreen {
    /// The filters in the URL.
    pub filters: Memo<ExplanationFilters>,
    /// The filters as API parameters, the default period filled in (list and trend alike).
    pub params: Memo<Params>,
    /// Explanation ids ticked in the list.
    pub selection: RwSignal<BTreeSet<i64>>,
    /// Bumped after a change: the list and the trend fetch again.
    pub version: RwSignal<u64>,
    /// Whether the Add panel is open.
    pub adding: RwSignal<bool>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl ExplanationsScreen {
    /// The screen's state over the page's URL query.
    pub fn new(filters: Memo<ExplanationFilters>) -> Self {
        let navigate = use_navigate();
        ExplanationsScreen {
            filters,
            params: Memo::new(move |_| filters.get().api_params(chrono::Utc::now())),
            selection: RwSignal::new(BTreeSet::new()),
            version: RwSignal::new(0),
            adding: RwSignal::new(false),
            navigate: StoredValue::new_local(Box::new(navigate)),
        }
    }

    fn go(&self, filters: &ExplanationFilters, replace: bool) {
        let url = format!("/explanations{}", filters.to_query());
        self.navigate
            .with_value(|n| n(&url, NavigateOptions { replace, scroll: false, ..Default::default() }));
    }

    /// Shows the list for `filters` (a new history entry).
    pub fn set_filters(&self, filters: ExplanationFilters) {
        self.go(&filters, false);
    }

    /// [`Self::set_filters`] without a history entry (typing in the keyword box).
    pub fn replace_filters(&self, filters: ExplanationFilters) {
        self.go(&filters, true);
    }

    /// Asks every view of the screen to fetch again.
    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }
}

/// The screen state provided by the Explanations page.
pub fn use_explanations_screen() -> ExplanationsScreen {
    expect_context::<ExplanationsScreen>()
}
