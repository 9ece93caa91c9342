//! The small catalogues administrators keep: sites, ticket categories, explanation categories
//! and tags.
//!
//! Sites and both kinds of category have the same shape (unique name, description), so one macro
//! writes their services; tags add a colour.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page,
    catalog::{
        ExplanationCategory, NamedItemPatch, NewNamedItem, NewTag, Site, Tag, TagPatch, TicketCategory,
    },
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{explanation_category, site, tag, ticket_category},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    services::audit,
    values::{BoundedName, Color, OptionalText},
};

/// Optional filter of catalogue lists: names containing this text.
fn name_filter<E: EntityTrait>(
    select: sea_orm::Select<E>,
    col: E::Column,
    search: Option<&str>,
) -> sea_orm::Select<E>
where
    E::Column: ColumnTrait,
{
    match search.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => select.filter(col.contains(q)),
        None => select,
    }
}

async fn ensure_name_free<E: EntityTrait>(
    db: &impl ConnectionTrait,
    name_col: E::Column,
    id_col: E::Column,
    name: &str,
    except: Option<i64>,
    noun: &str,
) -> DomainResult<()>
where
    E::Column: ColumnTrait,
    E::Model: Sync,
{
    let mut q = E::find().filter(name_col.eq(name));
    if let Some(id) = except {
        q = q.filter(id_col.ne(id));
    }
    if q.count(db).await? > 0 {
        return Err(DomainError::Conflict(format!("a {noun} named '{name}' already exists")));
    }
    Ok(())
}

macro_rules! named_catalog {
    ($module:ident, $entity:ident, $dto:ident, $noun:literal, $audit:literal) => {
        #[doc = concat!("The ", $noun, " catalogue.")]
        pub mod $module {
            use super::*;

            fn to_dto(m: $entity::Model) -> $dto {
                $dto { id: m.id, name: m.name, description: m.description, created_at: m.created_at, updated_at: m.updated_at }
            }

            #[doc = concat!("Every ", $noun, " whose name contains `search`, by name.")]
            pub async fn list(db: &impl ConnectionTrait, search: Option<&str>, page: &PageRequest) -> DomainResult<Page<$dto>> {
                let select = name_filter($entity::Entity::find(), $entity::Column::Name, search);
                let ordering = Ordering { sort: $entity::Column::Name, id: $entity::Column::Id, descending: false, sort_is_id: false };
                let page = fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.name.clone()), m.id)).await?;
                Ok(Page { items: page.items.into_iter().map(to_dto).collect(), next_cursor: page.next_cursor, total: page.total })
            }

            #[doc = concat!("One ", $noun, ". Fails with `NotFound`.")]
            pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<$dto> {
                $entity::Entity::find_by_id(id).one(db).await?.map(to_dto).ok_or(DomainError::NotFound($noun))
            }

            #[doc = concat!("Creates a ", $noun, ". Fails with `Validation` or `Conflict` (name taken).")]
            pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewNamedItem) -> DomainResult<$dto> {
                let mut v = Violations::new();
                let name = v.check(BoundedName::<100>::parse("name", &new.name));
                let description = v.check(OptionalText::<1000>::parse("description", new.description.as_deref().unwrap_or("")));
                v.finish()?;
                let (Some(name), Some(description)) = (name, description) else {
                    return Err(DomainError::Internal("validated fields missing".into()));
                };
                let name = name.into_inner();
                let txn = db.begin().await?;
                ensure_name_free::<$entity::Entity>(&txn, $entity::Column::Name, $entity::Column::Id, &name, None, $noun).await?;
                let now = Utc::now();
                let m = $entity::ActiveModel {
                    name: Set(name),
                    description: Set(description.unwrap_or_default()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                audit::record(&txn, actor.into(), concat!($audit, ".create"), Some(($audit, m.id)), json!({"name": m.name})).await?;
                txn.commit().await?;
                Ok(to_dto(m))
            }

            #[doc = concat!("Changes a ", $noun, ". Fails with `NotFound`, `Validation` or `Conflict`.")]
            pub async fn update(db: &DatabaseConnection, actor: &Actor, id: i64, patch: NamedItemPatch) -> DomainResult<$dto> {
                let mut v = Violations::new();
                let name = patch.name.as_deref().and_then(|n| v.check(BoundedName::<100>::parse("name", n)));
                let description = patch.description.as_deref().and_then(|d| v.check(OptionalText::<1000>::parse("description", d)));
                v.finish()?;
                let txn = db.begin().await?;
                let current = $entity::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound($noun))?;
                let before = current.name.clone();
                let mut row: $entity::ActiveModel = current.into();
                if let Some(name) = name {
                    let name = name.into_inner();
                    ensure_name_free::<$entity::Entity>(&txn, $entity::Column::Name, $entity::Column::Id, &name, Some(id), $noun).await?;
                    row.name = Set(name);
                }
                if let Some(d) = description {
                    row.description = Set(d.unwrap_or_default());
                }
                row.updated_at = Set(Utc::now());
                let m = row.update(&txn).await?;
                audit::record(&txn, actor.into(), concat!($audit, ".update"), Some(($audit, id)), json!({"name": [before, m.name]})).await?;
                txn.commit().await?;
                Ok(to_dto(m))
            }

            #[doc = concat!("Deletes a ", $noun, ". Fails with `NotFound`, or `Conflict` while something still uses it.")]
            pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
                let txn = db.begin().await?;
                let current = $entity::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound($noun))?;
                $entity::Entity::delete_by_id(id).exec(&txn).await?;
                audit::record(&txn, actor.into(), concat!($audit, ".delete"), Some(($audit, id)), json!({"name": current.name})).await?;
                txn.commit().await?;
                Ok(())
            }
        }
    };
}

named_catalog!(sites, site, Site, "site", "site");
named_catalog!(ticket_categories, ticket_category, TicketCategory, "ticket category", "ticket_category");
named_catalog!(
    explanation_categories,
    explanation_category,
    ExplanationCategory,
    "explanation category",
    "explanation_category"
);

/// The tag catalogue.
pub mod tags {
    use super::*;

    fn to_dto(m: tag::Model) -> Tag {
        Tag { id: m.id, name: m.name, color: m.color, created_at: m.created_at, updated_at: m.updated_at }
    }

    /// Every tag whose name contains `search`, by name.
    pub async fn list(
        db: &impl ConnectionTrait,
        search: Option<&str>,
        page: &PageRequest,
    ) -> DomainResult<Page<Tag>> {
        let select = name_filter(tag::Entity::find(), tag::Column::Name, search);
        let ordering =
            Ordering { sort: tag::Column::Name, id: tag::Column::Id, descending: false, sort_is_id: false };
        let page = fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.name.clone()), m.id)).await?;
        Ok(Page {
            items: page.items.into_iter().map(to_dto).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    /// One tag. Fails with `NotFound`.
    pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<Tag> {
        tag::Entity::find_by_id(id).one(db).await?.map(to_dto).ok_or(DomainError::NotFound("tag"))
    }

    /// Creates a tag. Fails with `Validation` or `Conflict` (name taken).
    pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewTag) -> DomainResult<Tag> {
        let mut v = Violations::new();
        let name = v.check(BoundedName::<50>::parse("name", &new.name));
        let color = v.check(Color::parse("color", new.color.as_deref().unwrap_or(Color::DEFAULT)));
        v.finish()?;
        let (Some(name), Some(color)) = (name, color) else {
            return Err(DomainError::Internal("validated fields missing".into()));
        };
        let name = name.into_inner();
        let txn = db.begin().await?;
        ensure_name_free::<tag::Entity>(&txn, tag::Column::Name, tag::Column::Id, &name, None, "tag").await?;
        let now = Utc::now();
        let m = tag::ActiveModel {
            name: Set(name),
            color: Set(color.into_inner()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(&txn, actor.into(), "tag.create", Some(("tag", m.id)), json!({"name": m.name})).await?;
        txn.commit().await?;
        Ok(to_dto(m))
    }

    /// Changes a tag. Fails with `NotFound`, `Validation` or `Conflict`.
    pub async fn update(
        db: &DatabaseConnection,
        actor: &Actor,
        id: i64,
        patch: TagPatch,
    ) -> DomainResult<Tag> {
        let mut v = Violations::new();
        let name = patch.name.as_deref().and_then(|n| v.check(BoundedName::<50>::parse("name", n)));
        let color = patch.color.as_deref().and_then(|c| v.check(Color::parse("color", c)));
        v.finish()?;
        let txn = db.begin().await?;
        let current = tag::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("tag"))?;
        let before = current.name.clone();
        let mut row: tag::ActiveModel = current.into();
        if let Some(name) = name {
            let name = name.into_inner();
            ensure_name_free::<tag::Entity>(&txn, tag::Column::Name, tag::Column::Id, &name, Some(id), "tag")
                .await?;
            row.name = Set(name);
        }
        if let Some(c) = color {
            row.color = Set(c.into_inner());
        }
        row.updated_at = Set(Utc::now());
        let m = row.update(&txn).await?;
        audit::record(&txn, actor.into(), "tag.update", Some(("tag", id)), json!({"name": [before, m.name]}))
            .await?;
        txn.commit().await?;
        Ok(to_dto(m))
    }

    /// Deletes a tag. Fails with `NotFound`.
    pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
        let txn = db.begin().await?;
        let current = tag::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("tag"))?;
        tag::Entity::delete_by_id(id).exec(&txn).await?;
        audit::record(&txn, actor.into(), "tag.delete", Some(("tag", id)), json!({"name": current.name}))
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
