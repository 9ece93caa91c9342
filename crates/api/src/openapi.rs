//! The OpenAPI document: paths come from the registered handlers (utoipa-actix-web), this module
//! adds what every operation shares so no handler has to repeat it.

use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, ContentBuilder, Ref, RefOr, ResponseBuilder,
        path::Operation,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::error::PROBLEM_JSON;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "socdesk API",
        description = "Security-operations desk: tickets, detection rules and explanation requests.\n\n\
            Authenticate with `Authorization: Bearer <token>`, where the token is either an access token \
            from `POST /api/auth/login` or an API key (`sd_...`). Each operation states the permission it \
            needs in its security requirement's scopes and in its description. Errors are \
            `application/problem+json` (RFC 9457); validation failures list every invalid field in `errors`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    // The export's query enums appear only in parameters, which utoipa does not collect.
    components(schemas(
        socdesk_types::Problem,
        socdesk_types::FieldError,
        socdesk_types::export::ExportFormat,
        socdesk_types::export::ExportEncoding
    )),
    tags(
        (name = "auth", description = "Sign in and out"),
        (name = "accounts", description = "Accounts and API keys"),
        (name = "directory", description = "Enabled accounts for pickers (assignees, approvers, filters)"),
        (name = "sites", description = "Sites (every ticket belongs to one)"),
        (name = "ticket categories", description = "Ticket categories"),
        (name = "tags", description = "Ticket tags"),
        (name = "preferences", description = "Per-account saved settings"),
        (name = "audit", description = "Audit log"),
        (name = "settings", description = "Global options"),
        (name = "tickets", description = "Tickets and their workflow"),
        (name = "playbooks", description = "Playbooks, their runs on tickets and the tasks they record"),
        (name = "departments", description = "The department tree and its managers"),
        (name = "employees", description = "Employees, their CSV import and the automatic primary reviewer"),
        (name = "notification providers", description = "SMS and messenger webhooks that ticket propagation calls"),
        (name = "reputation", description = "VirusTotal lookups of IPs, domains, URLs and file hashes"),
        (name = "operations", description = "Health probes"),
    )
)]
pub struct ApiDoc;

/// Adds the security scheme, operation ids and the shared error answers to every operation.
/// Applied after the routes are collected (see `startup::openapi_document`).
pub struct Conventions;

/// Responses every operation may give, with when they apply.
fn common_errors(op: &Operation, has_body: bool) -> Vec<(&'static str, &'static str)> {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut out = vec![("500", "Unexpected server error"), ("503", "The database is unreachable")];
    if secured {
        out.push(("401", "Missing, invalid or expired credentials"));
        out.push(("403", "The account lacks the permission this operation needs"));
    }
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    if has_body || has_params {
        out.push(("422", "Invalid input; `errors` names each field"));
    }
    if has_body {
        out.push(("400", "The body is not valid JSON"));
        out.push(("413", "The body is too large"));
        out.push(("415", "The body is not JSON"));
    }
    if has_params {
        out.push(("404", "Not found"));
    }
    out
}

fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.trim_start_matches("/api").split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        if segment.starts_with('{') {
            id.push_str("by_");
            id.push_str(segment.trim_matches(|c| c == '{' || c == '}'));
        } else {
            id.push_str(&segment.replace('-', "_"));
        }
    }
    id
}

impl Modify for Conventions {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token from `POST /api/auth/login` (JWT) or an API key (`sd_...`).",
                    ))
                    .build(),
            ),
        );
        components.responses.insert(
            "Problem".into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("An error (RFC 9457 problem details)")
                    .content(
                        PROBLEM_JSON,
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                    )
                    .build(),
            ),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                op.operation_id = Some(operation_id(method, path));
                let has_body = op.request_body.is_some();
                for (status, description) in common_errors(op, has_body) {
                    op.responses.responses.entry(status.into()).or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    PROBLEM_JSON,
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("Problem")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::operation_id;

    #[test]
    fn operation_ids_follow_method_and_path() {
        assert_eq!(operation_id("get", "/api/sites/{id}"), "get_sites_by_id");
        assert_eq!(operation_id("post", "/api/accounts/{id}/api-keys"), "post_accounts_by_id_api_keys");
        assert_eq!(operation_id("get", "/healthz"), "get_healthz");
    }
}
