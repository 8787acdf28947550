//! `/devices/v2/{device_id}/threats`: the files found on one device, and
//! quarantining or waiving a threat there.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::body::{JsonBody, MAX_BODY_BYTES, empty_ok};
use super::caller::ApiCaller;
use super::error::ApiError;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::api_timestamp;
use crate::db;
use crate::domain::device_threats::{self, DeviceThreat, DeviceThreatError, ThreatEvent};
use crate::state::AppState;

const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

#[derive(Debug, Serialize)]
pub struct DeviceThreatJson {
    classification: String,
    cylance_score: f64,
    date_found: String,
    file_path: String,
    file_status: String,
    name: String,
    sha256: String,
    sub_classification: String,
}

impl From<DeviceThreat> for DeviceThreatJson {
    fn from(found: DeviceThreat) -> Self {
        DeviceThreatJson {
            classification: found.classification,
            cylance_score: found.cylance_score,
            date_found: api_timestamp(found.found_at),
            file_path: found.file_path,
            file_status: found.file_status,
            name: found.name,
            sha256: found.sha256,
            sub_classification: found.sub_classification,
        }
    }
}

impl From<DeviceThreatError> for ApiError {
    fn from(err: DeviceThreatError) -> Self {
        match err {
            DeviceThreatError::InvalidThreatId(_) => ApiError::BadRequest(err.to_string()),
            DeviceThreatError::DeviceNotFound | DeviceThreatError::ThreatNotFound => {
                ApiError::NotFound(err.to_string())
            }
            DeviceThreatError::Storage(err) => ApiError::Internal(err),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["device:threatlist"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let device_id = path.into_inner();
    let found = db::run(&state.pool, move |conn| {
        device_threats::list_page(conn, &tenant_id, &device_id, page.offset(), page.size)
            .map_err(ApiError::from)
    })
    .await?;
    let (items, total) = found.ok_or(DeviceThreatError::DeviceNotFound)?;
    let items = items.into_iter().map(DeviceThreatJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

/// Applies `{"threat_id": sha256, "event": "Quarantine" | "Waive"}`.
pub async fn apply_event(
    path: web::Path<String>,
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["threat:update"])?;
    let body = JsonBody::read(payload, MAX_BODY_BYTES).await?;
    let threat_id = body.required_str("threat_id")?;
    let event = ThreatEvent::parse_field("event", &body.required_str("event")?)
        .map_err(|err| ApiError::BadRequest(err.to_string()))?;
    let tenant_id = caller.tenant_id().to_owned();
    let device_id = path.into_inner();
    db::run(&state.pool, move |conn| {
        device_threats::apply_event(conn, &tenant_id, &device_id, &threat_id, event)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(empty_ok())
}
