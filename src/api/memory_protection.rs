//! `/memoryprotection/v2`: exploit attempts the agents saw in running
//! processes, and what they did about them.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::caller::ApiCaller;
use super::error::ApiError;
use super::filters;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::{self, api_timestamp};
use crate::db;
use crate::domain::ids;
use crate::domain::memory_protection::{self, EventFilter, MemoryProtectionEvent};
use crate::state::AppState;

/// NOTE: the public documentation gives no page sizes for this listing;
/// these are those of the threat listing.
const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

/// One event. `action` and `violation_type` are numbers, as clients parse
/// them.
#[derive(Debug, Serialize)]
pub struct EventJson {
    action: i64,
    agent_event_id: String,
    created: String,
    device_id: String,
    device_image_file_event_id: String,
    dll_version: String,
    file_hash_id: String,
    file_version: String,
    groups: String,
    image_name: String,
    process_id: i64,
    sid: String,
    username: String,
    violation_type: i64,
}

impl From<MemoryProtectionEvent> for EventJson {
    fn from(event: MemoryProtectionEvent) -> Self {
        EventJson {
            action: event.action,
            agent_event_id: event.agent_event_id,
            created: api_timestamp(event.created_at),
            device_id: event.device_id,
            device_image_file_event_id: event.id,
            dll_version: event.dll_version,
            file_hash_id: event.file_hash_id,
            file_version: event.file_version,
            groups: event.groups,
            image_name: event.image_name,
            process_id: event.process_id,
            sid: event.sid,
            username: event.username,
            violation_type: event.violation_type,
        }
    }
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["memoryprotection:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let filter = EventFilter {
        window: filters::time_window(req.query_string(), clock::now())?,
        device_id: device_id_of_query(req.query_string())?,
    };
    let tenant_id = caller.tenant_id().to_owned();
    let (events, total) = db::run(&state.pool, move |conn| {
        memory_protection::list_page(conn, &tenant_id, &filter, page.offset(), page.size)
            .map_err(ApiError::from)
    })
    .await?;
    let items = events.into_iter().map(EventJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn get(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["memoryprotection:read"])?;
    let text = path.into_inner();
    let event_id = ids::parse_guid(&text).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "device_image_file_event_id: {text:?} is not a GUID"
        ))
    })?;
    let tenant_id = caller.tenant_id().to_owned();
    let event = db::run(&state.pool, move |conn| {
        memory_protection::find(conn, &tenant_id, &event_id).map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::NotFound("Memory protection event not found".into()))?;
    Ok(HttpResponse::Ok().json(EventJson::from(event)))
}

fn device_id_of_query(query_string: &str) -> Result<Option<String>, ApiError> {
    filters::query_value(query_string, "device_id")
        .map(|text| {
            ids::parse_guid(&text)
                .ok_or_else(|| ApiError::BadRequest(format!("device_id: {text:?} is not a GUID")))
        })
        .transpose()
}
