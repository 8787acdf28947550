//! `/policies/v2`: the tenant's policies and their documents.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::Value;

use super::body::{JsonBody, MAX_BODY_BYTES, MAX_POLICY_BODY_BYTES, empty_ok};
use super::caller::ApiCaller;
use super::error::ApiError;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::{self, api_timestamp};
use crate::db;
use crate::domain::policies::{self, PolicyError, PolicySummary};
use crate::state::AppState;

/// NOTE: the public documentation states a default of 10 and no maximum.
/// Connectors read 200 at a time, and larger pages are allowed as for devices.
const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 10_000,
};

#[derive(Debug, Serialize)]
pub struct PolicySummaryJson {
    date_added: String,
    date_modified: String,
    device_count: i64,
    id: String,
    name: String,
    zone_count: i64,
}

impl From<PolicySummary> for PolicySummaryJson {
    fn from(policy: PolicySummary) -> Self {
        PolicySummaryJson {
            date_added: api_timestamp(policy.created_at),
            date_modified: api_timestamp(policy.modified_at),
            device_count: policy.device_count,
            id: policy.id,
            name: policy.name,
            zone_count: policy.zone_count,
        }
    }
}

impl From<PolicyError> for ApiError {
    fn from(err: PolicyError) -> Self {
        match err {
            PolicyError::NotFound(_) => ApiError::NotFound(err.to_string()),
            PolicyError::NameTaken(_) => ApiError::Conflict(err.to_string()),
            PolicyError::Storage(err) => ApiError::Internal(err),
            PolicyError::InvalidDocument(_)
            | PolicyError::MissingId
            | PolicyError::InvalidId { .. } => ApiError::BadRequest(err.to_string()),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["policy:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let (summaries, total) = db::run(&state.pool, move |conn| {
        policies::list_page(conn, &tenant_id, page.offset(), page.size).map_err(ApiError::from)
    })
    .await?;
    let items = summaries.into_iter().map(PolicySummaryJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn get(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["policy:read"])?;
    let tenant_id = caller.tenant_id().to_owned();
    let policy_id = path.into_inner();
    let policy = db::run(&state.pool, move |conn| {
        policies::find(conn, &tenant_id, &policy_id).map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::NotFound("Policy not found".into()))?;
    Ok(HttpResponse::Ok().json(policy.document_json()))
}

/// Extracts the `policy` member of a create or update body.
fn policy_member(body: &JsonBody) -> Result<Value, ApiError> {
    match body.get("policy") {
        Some(policy @ Value::Object(_)) => Ok(policy.clone()),
        Some(_) => Err(ApiError::BadRequest("policy: must be a JSON object".into())),
        None => Err(ApiError::BadRequest("policy: is required".into())),
    }
}

/// Checks `user_id` when present. Clients put a console user's or their
/// own application's id there, so only the GUID form is checked.
fn check_user_id(body: &JsonBody) -> Result<(), ApiError> {
    match body.optional_str("user_id")? {
        Some(text)
            if !text.trim().is_empty() && crate::domain::ids::parse_guid(&text).is_none() =>
        {
            Err(ApiError::BadRequest(format!(
                "user_id: {text:?} is not a valid GUID"
            )))
        }
        _ => Ok(()),
    }
}

/// Creates a policy and returns 201 with its document.
pub async fn create(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["policy:create"])?;
    let body = JsonBody::read(payload, MAX_POLICY_BODY_BYTES).await?;
    check_user_id(&body)?;
    let document = policy_member(&body)?;
    let tenant_id = caller.tenant_id().to_owned();
    let policy = db::run(&state.pool, move |conn| {
        policies::create(conn, &tenant_id, &document, clock::now()).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(tenant_id = %policy.tenant_id, policy_id = %policy.id, "policy created");
    Ok(HttpResponse::Created().json(policy.document_json()))
}

/// Replaces the policy named by `policy.policy_id` and returns 204.
pub async fn update(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["policy:update"])?;
    let body = JsonBody::read(payload, MAX_POLICY_BODY_BYTES).await?;
    check_user_id(&body)?;
    let document = policy_member(&body)?;
    let tenant_id = caller.tenant_id().to_owned();
    db::run(&state.pool, move |conn| {
        policies::update(conn, &tenant_id, &document, clock::now()).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn delete_one(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["policy:delete"])?;
    delete_ids(caller, state, vec![path.into_inner()]).await
}

/// Deletes every policy listed in `tenant_policy_ids`, or none of them.
pub async fn delete_many(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["policy:delete"])?;
    let body = JsonBody::read(payload, MAX_BODY_BYTES).await?;
    let ids = body.string_list("tenant_policy_ids")?;
    if ids.is_empty() {
        return Err(ApiError::BadRequest(
            "tenant_policy_ids: must list at least one policy id".into(),
        ));
    }
    delete_ids(caller, state, ids).await
}

async fn delete_ids(
    caller: ApiCaller,
    state: web::Data<AppState>,
    ids: Vec<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant_id = caller.tenant_id().to_owned();
    let deleted = db::run(&state.pool, move |conn| {
        policies::delete(conn, &tenant_id, &ids).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(tenant_id = %caller.tenant_id(), deleted, "policies deleted");
    Ok(empty_ok())
}
