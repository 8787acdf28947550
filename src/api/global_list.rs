//! `/globallists/v2`: the tenant's GlobalQuarantine and GlobalSafe lists.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::{Map, Value};

use super::body::{self, empty_ok};
use super::caller::ApiCaller;
use super::error::ApiError;
use super::filters;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::{self, api_timestamp};
use crate::db;
use crate::domain::global_list::{self, Entry, GlobalListError, ListType, NewEntry};
use crate::state::AppState;

/// NOTE: the public documentation gives no default or maximum for this
/// listing. Clients ask for 20 or 200 items a page, so 200 is the maximum.
const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

#[derive(Debug, Serialize)]
pub struct EntryJson {
    added: String,
    added_by: String,
    av_industry: Option<f64>,
    category: String,
    classification: String,
    cylance_score: Option<f64>,
    list_type: String,
    md5: String,
    name: String,
    reason: String,
    sha256: String,
    sub_classification: String,
}

impl From<Entry> for EntryJson {
    fn from(entry: Entry) -> Self {
        EntryJson {
            added: api_timestamp(entry.added_at),
            added_by: entry.added_by,
            av_industry: entry.av_industry,
            category: entry.category,
            classification: entry.classification.unwrap_or_default(),
            cylance_score: entry.cylance_score,
            list_type: entry.list_type,
            md5: entry.md5,
            name: entry.name,
            reason: entry.reason,
            sha256: entry.sha256,
            sub_classification: entry.sub_classification.unwrap_or_default(),
        }
    }
}

impl From<GlobalListError> for ApiError {
    fn from(err: GlobalListError) -> Self {
        match err {
            GlobalListError::AlreadyListed => ApiError::Conflict(err.to_string()),
            GlobalListError::NotListed => ApiError::NotFound(err.to_string()),
            GlobalListError::Storage(cause) => ApiError::Internal(cause),
            GlobalListError::InvalidSha256(_)
            | GlobalListError::MissingCategory
            | GlobalListError::InvalidCategory(_)
            | GlobalListError::MissingReason
            | GlobalListError::InvalidText { .. } => ApiError::BadRequest(err.to_string()),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["globallist:list"])?;
    let list_type = list_type_of_query(req.query_string())?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let (entries, total) = db::run(&state.pool, move |conn| {
        global_list::list_page(conn, &tenant_id, list_type, page.offset(), page.size)
            .map_err(ApiError::from)
    })
    .await?;
    let items = entries.into_iter().map(EntryJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

/// Adds a hash to a list. Success is 200 with an empty body, because one
/// connector reads only that as success.
pub async fn add(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["globallist:create"])?;
    let body = read_object(payload).await?;
    let new = NewEntry {
        list_type: list_type_of_body(&body)?,
        sha256: required_string(&body, "sha256")?,
        reason: required_string(&body, "reason")?,
        category: optional_string(&body, "category")?,
        file_name: optional_string(&body, "file_name")?,
    };
    let tenant_id = caller.tenant_id().to_owned();
    let application_id = caller.application_id().to_owned();
    let list_type = new.list_type;
    // Valid once the add succeeded, and then equal to the stored form.
    let sha256 = new.sha256.trim().to_ascii_uppercase();
    db::run(&state.pool, move |conn| {
        global_list::add(conn, &tenant_id, new, &application_id, clock::now())
            .map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %caller.tenant_id(),
        application_id = %caller.application_id(),
        list_type = %list_type,
        sha256 = %sha256,
        "global list entry added"
    );
    Ok(empty_ok())
}

/// Removes a hash from a list, named in a JSON body as clients send it.
pub async fn remove(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["globallist:delete"])?;
    let body = read_object(payload).await?;
    let list_type = list_type_of_body(&body)?;
    let sha256 = required_string(&body, "sha256")?;
    let tenant_id = caller.tenant_id().to_owned();
    let logged_sha256 = sha256.trim().to_ascii_uppercase();
    db::run(&state.pool, move |conn| {
        global_list::delete(conn, &tenant_id, list_type, &sha256).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %caller.tenant_id(),
        application_id = %caller.application_id(),
        list_type = %list_type,
        sha256 = %logged_sha256,
        "global list entry removed"
    );
    Ok(empty_ok())
}

fn list_type_of_query(query_string: &str) -> Result<ListType, ApiError> {
    let expected = "use 0 for GlobalQuarantine or 1 for GlobalSafe";
    let text = filters::query_value(query_string, "listTypeId")
        .ok_or_else(|| ApiError::BadRequest(format!("listTypeId: is required; {expected}")))?;
    ListType::from_type_id(&text).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "listTypeId: {text:?} is not a valid value; {expected}"
        ))
    })
}

fn list_type_of_body(body: &Map<String, Value>) -> Result<ListType, ApiError> {
    let text = required_string(body, "list_type")?;
    ListType::parse_field("list_type", &text).map_err(|err| ApiError::BadRequest(err.to_string()))
}

/// Reads the whole body as a JSON object, whatever its content type,
/// because clients send these bodies with DELETE too, some without a
/// content type.
async fn read_object(payload: web::Payload) -> Result<Map<String, Value>, ApiError> {
    let bytes = body::read_limited(payload).await?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(ApiError::BadRequest(
            "The request body must be a JSON object with sha256 and list_type".into(),
        )),
    }
}

fn optional_string(body: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ApiError::BadRequest(format!("{field}: must be a string"))),
    }
}

fn required_string(body: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    optional_string(body, field)?
        .ok_or_else(|| ApiError::BadRequest(format!("{field}: is required")))
}
