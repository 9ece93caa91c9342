//! Sites, ticket and explanation categories, and tags: listed by anyone signed in (pickers need
//! them), changed by `ADMIN`. All have the same five routes, so one macro writes them.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use socdesk_domain::services::catalog;
use socdesk_types::{
    Page, Problem,
    catalog::{
        ExplanationCategory, NamedItemPatch, NewNamedItem, NewTag, Site, Tag, TagPatch, TicketCategory,
    },
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Admin, Auth},
    error::ApiResult,
    extract::{Json, Query},
    routes::ListQuery,
    startup::AppState,
};

macro_rules! catalog_routes {
    ($module:ident, $service:ident, $collection:tt, $item:tt, $tag:tt, $noun:tt, $dto:ty, $new:ty, $patch:ty) => {
        mod $module {
            use super::*;

            #[doc = concat!("Lists ", $noun, "s by name; `q` matches part of the name.\n\nNeeds: any signed-in account.")]
            #[utoipa::path(
                tag = $tag,
                security(("bearer" = [])),
                params(ListQuery),
                responses((status = 200, description = "A page", body = Page<$dto>))
            )]
            #[get($collection)]
            pub async fn list(state: web::Data<AppState>, _auth: Auth, query: Query<ListQuery>) -> ApiResult<HttpResponse> {
                let page = query.0.page()?;
                Ok(HttpResponse::Ok().json(catalog::$service::list(&state.db, query.0.q.as_deref(), &page).await?))
            }

            #[doc = concat!("Creates a ", $noun, ".\n\nNeeds: `ADMIN`.")]
            #[utoipa::path(
                tag = $tag,
                security(("bearer" = ["ADMIN"])),
                request_body = $new,
                responses(
                    (status = 201, description = "Created", body = $dto),
                    (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[post($collection)]
            pub async fn create(state: web::Data<AppState>, auth: Auth<Admin>, body: Json<$new>) -> ApiResult<HttpResponse> {
                Ok(HttpResponse::Created().json(catalog::$service::create(&state.db, &auth, body.0).await?))
            }

            #[doc = concat!("One ", $noun, ".\n\nNeeds: any signed-in account.")]
            #[utoipa::path(
                tag = $tag,
                security(("bearer" = [])),
                params(("id" = i64, Path, description = "Id")),
                responses(
                    (status = 200, description = "Found", body = $dto),
                    (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[get($item)]
            pub async fn get(state: web::Data<AppState>, _auth: Auth, id: web::Path<i64>) -> ApiResult<HttpResponse> {
                Ok(HttpResponse::Ok().json(catalog::$service::get(&state.db, id.into_inner()).await?))
            }

            #[doc = concat!("Changes a ", $noun, ": only the fields present change.\n\nNeeds: `ADMIN`.")]
            #[utoipa::path(
                tag = $tag,
                security(("bearer" = ["ADMIN"])),
                params(("id" = i64, Path, description = "Id")),
                request_body = $patch,
                responses(
                    (status = 200, description = "Changed", body = $dto),
                    (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[patch($item)]
            pub async fn update(
                state: web::Data<AppState>,
                auth: Auth<Admin>,
                id: web::Path<i64>,
                body: Json<$patch>,
            ) -> ApiResult<HttpResponse> {
                Ok(HttpResponse::Ok().json(catalog::$service::update(&state.db, &auth, id.into_inner(), body.0).await?))
            }

            #[doc = concat!("Deletes a ", $noun, ".\n\nNeeds: `ADMIN`.")]
            #[utoipa::path(
                tag = $tag,
                security(("bearer" = ["ADMIN"])),
                params(("id" = i64, Path, description = "Id")),
                responses(
                    (status = 204, description = "Deleted"),
                    (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "Still in use", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[delete($item)]
            pub async fn remove(state: web::Data<AppState>, auth: Auth<Admin>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
                catalog::$service::delete(&state.db, &auth, id.into_inner()).await?;
                Ok(HttpResponse::NoContent().finish())
            }
        }
    };
}

catalog_routes!(
    site_routes,
    sites,
    "/sites",
    "/sites/{id}",
    "sites",
    "site",
    Site,
    NewNamedItem,
    NamedItemPatch
);
catalog_routes!(
    category_routes,
    ticket_categories,
    "/ticket-categories",
    "/ticket-categories/{id}",
    "ticket categories",
    "ticket category",
    TicketCategory,
    NewNamedItem,
    NamedItemPatch
);
catalog_routes!(
    explanation_category_routes,
    explanation_categories,
    "/explanation-categories",
    "/explanation-categories/{id}",
    "explanation categories",
    "explanation category",
    ExplanationCategory,
    NewNamedItem,
    NamedItemPatch
);
catalog_routes!(tag_routes, tags, "/tags", "/tags/{id}", "tags", "tag", Tag, NewTag, TagPatch);

/// Registers the catalogue routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(site_routes::list)
        .service(site_routes::create)
        .service(site_routes::get)
        .service(site_routes::update)
        .service(site_routes::remove)
        .service(category_routes::list)
        .service(category_routes::create)
        .service(category_routes::get)
        .service(category_routes::update)
        .service(category_routes::remove)
        .service(explanation_category_routes::list)
        .service(explanation_category_routes::create)
        .service(explanation_category_routes::get)
        .service(explanation_category_routes::update)
        .service(explanation_category_routes::remove)
        .service(tag_routes::list)
        .service(tag_routes::create)
        .service(tag_routes::get)
        .service(tag_routes::update)
        .service(tag_routes::remove);
}
