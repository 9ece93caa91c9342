//! Tickets: the list, its trend, one ticket and everything done to it.

use gloo_net::http::Method;
use socdesk_types::{
    Page,
    explanations::Explanation,
    tickets::{
        AttachFiles, Attachment, BulkRequest, BulkResponse, EvidenceRecord, HistoryEntry, Memo, NewMemo,
        NewTicket, RelatedTicket, Ticket, TicketAction, TicketPatch, TicketSummary, TicketTemplate,
        TicketTrend, TransitionRequest,
    },
};

use super::{ApiError, Params, get, json, request_with, send_json};

/// `GET /api/tickets`: one page of the list for these filters, sort and cursor.
pub async fn list(token: String, params: Params) -> Result<Page<TicketSummary>, ApiError> {
    get(&token, &format!("/api/tickets{}", params.query())).await
}

/// `GET /api/tickets/trend`: tickets created per day by current status, for the same filters.
pub async fn trend(token: String, params: Params) -> Result<TicketTrend, ApiError> {
    get(&token, &format!("/api/tickets/trend{}", params.query())).await
}

/// `GET /api/tickets/{id}`.
pub async fn get_one(token: String, id: i64) -> Result<Ticket, ApiError> {
    get(&token, &format!("/api/tickets/{id}")).await
}

/// `POST /api/tickets`.
pub async fn create(token: String, body: NewTicket) -> Result<Ticket, ApiError> {
    send_json(Method::POST, &token, "/api/tickets", &body).await
}

/// `PATCH /api/tickets/{id}` with `If-Match: version`: 412 when someone changed it meanwhile.
pub async fn update(token: String, id: i64, version: i64, patch: TicketPatch) -> Result<Ticket, ApiError> {
    let headers = [("If-Match", format!("\"{version}\""))];
    json(
        request_with(Method::PATCH, &format!("/api/tickets/{id}"), Some(&token), &headers, Some(&patch))
            .await?,
    )
    .await
}

/// `POST /api/tickets/{id}/transitions`.
pub async fn transition(
    token: String,
    id: i64,
    action: TicketAction,
    comment: Option<String>,
) -> Result<Ticket, ApiError> {
    let body = TransitionRequest { action, comment };
    send_json(Method::POST, &token, &format!("/api/tickets/{id}/transitions"), &body).await
}

/// `POST /api/tickets/bulk`: one result per ticket.
pub async fn bulk(token: String, body: BulkRequest) -> Result<BulkResponse, ApiError> {
    send_json(Method::POST, &token, "/api/tickets/bulk", &body).await
}

/// `GET /api/tickets/{id}/history`, oldest first.
pub async fn history(token: String, id: i64) -> Result<Vec<HistoryEntry>, ApiError> {
    get(&token, &format!("/api/tickets/{id}/history")).await
}

/// `GET /api/tickets/{id}/memos`, oldest first.
pub async fn memos(token: String, id: i64) -> Result<Vec<Memo>, ApiError> {
    get(&token, &format!("/api/tickets/{id}/memos")).await
}

/// `POST /api/tickets/{id}/memos`.
pub async fn add_memo(token: String, id: i64, memo: NewMemo) -> Result<Memo, ApiError> {
    send_json(Method::POST, &token, &format!("/api/tickets/{id}/memos"), &memo).await
}

/// `GET /api/tickets/{id}/evidence`: one page of the records that triggered it, oldest first.
pub async fn evidence(
    token: String,
    id: i64,
    cursor: Option<String>,
    limit: u64,
) -> Result<Page<EvidenceRecord>, ApiError> {
    let params = Params::new().opt("cursor", cursor).set("limit", limit);
    get(&token, &format!("/api/tickets/{id}/evidence{}", params.query())).await
}

/// `GET /api/tickets/{id}/related`: tickets sharing an address or host (or inside `cidr`).
pub async fn related(token: String, id: i64, cidr: Option<String>) -> Result<Vec<RelatedTicket>, ApiError> {
    get(&token, &format!("/api/tickets/{id}/related{}", Params::new().opt("cidr", cidr).query())).await
}

/// `GET /api/tickets/{id}/explanations`, newest first.
pub async fn explanations(token: String, id: i64) -> Result<Vec<Explanation>, ApiError> {
    get(&token, &format!("/api/tickets/{id}/explanations")).await
}

/// `GET /api/tickets/{id}/attachments`: the body's and the memos' files, oldest first.
pub async fn attachments(token: String, id: i64) -> Result<Vec<Attachment>, ApiError> {
    get(&token, &format!("/api/tickets/{id}/attachments")).await
}

/// `POST /api/tickets/{id}/attachments`: attaches uploads to the ticket body.
pub async fn attach(token: String, id: i64, attachment_ids: Vec<i64>) -> Result<Vec<Attachment>, ApiError> {
    let body = AttachFiles { attachment_ids };
    send_json(Method::POST, &token, &format!("/api/tickets/{id}/attachments"), &body).await
}

/// `DELETE /api/tickets/{id}/attachments/{attachment_id}`.
pub async fn detach(token: String, id: i64, attachment_id: i64) -> Result<(), ApiError> {
    super::delete(&token, &format!("/api/tickets/{id}/attachments/{attachment_id}")).await
}

/// `GET /api/ticket-templates`: Network, Endpoint and Email field lists.
pub async fn templates(token: String) -> Result<Vec<TicketTemplate>, ApiError> {
    get(&token, "/api/ticket-templates").await
}
