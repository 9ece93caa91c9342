//! The account directory: who can be picked as an assignee or approver. Any analyst may read it
//! (the full account list with permissions and contact details stays with administrators), and
//! it shows only what a picker needs: id, login and display name of enabled accounts.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Query,
};
use socdesk_types::{Page, Permission, tickets::AccountRef};

use crate::{
    DomainError, DomainResult,
    entities::{account, account_permission, account_site, site},
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    people::contains_ci,
};

/// What the directory shows. Both filters are optional and combine with AND.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    /// Text in the login or the display name (case-insensitive).
    pub q: Option<String>,
    /// Only accounts that may see this site's tickets: administrators, and accounts granted it.
    pub site_id: Option<i64>,
}

/// One page of enabled accounts matching `filter`, by display name then id, with the total.
/// Fails with `Validation` naming `site_id` when that site does not exist.
pub async fn accounts(
    db: &impl ConnectionTrait,
    filter: &DirectoryFilter,
    page: &PageRequest,
) -> DomainResult<Page<AccountRef>> {
    let mut select = account::Entity::find().filter(account::Column::Enabled.eq(true));
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(
            Condition::any()
                .add(contains_ci(account::Column::Login, q))
                .add(contains_ci(account::Column::DisplayName, q)),
        );
    }
    if let Some(site_id) = filter.site_id {
        if site::Entity::find_by_id(site_id).count(db).await? == 0 {
            return Err(DomainError::invalid("site_id", format!("site {site_id} does not exist")));
        }
        let granted = Query::select()
            .column(account_site::Column::AccountId)
            .from(account_site::Entity)
            .and_where(account_site::Column::SiteId.eq(site_id))
            .to_owned();
        let admins = Query::select()
            .column(account_permission::Column::AccountId)
            .from(account_permission::Entity)
            .and_where(account_permission::Column::Permission.eq(Permission::Admin.as_str()))
            .to_owned();
        select = select.filter(
            Condition::any()
                .add(account::Column::Id.in_subquery(granted))
                .add(account::Column::Id.in_subquery(admins)),
        );
    }
    let ordering = Ordering {
        sort: account::Column::DisplayName,
        id: account::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let rows =
        fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.display_name.clone()), m.id)).await?;
    Ok(Page {
        items: rows
            .items
            .into_iter()
            .map(|m| AccountRef { id: m.id, login: m.login, display_name: m.display_name })
            .collect(),
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}
