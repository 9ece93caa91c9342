//! Keyset-paginated list answers.

use serde::{Deserialize, Serialize};

/// One page of a list: its items, the cursor of the next page, and the total over all pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// How many items match the filters, over all pages.
    pub total: u64,
}
