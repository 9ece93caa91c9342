//! Site scoping: every ticket query starts here, so none can forget it.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use crate::{Actor, entities::ticket};

/// Tickets the actor may see: all for administrators, else those of the actor's sites (none when
/// the account has no site).
pub fn visible_tickets(actor: &Actor) -> Select<ticket::Entity> {
    let select = ticket::Entity::find();
    if actor.is_admin() {
        select
    } else {
        select.filter(ticket::Column::SiteId.is_in(actor.site_ids.iter().copied()))
    }
}
