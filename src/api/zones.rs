//! `/zones/v2`: the tenant's zones, and the zones of one device.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::body::{JsonBody, MAX_BODY_BYTES, empty_ok};
use super::caller::ApiCaller;
use super::error::ApiError;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::{self, api_timestamp};
use crate::db;
use crate::domain::zones::{self, Criticality, NewZone, Zone, ZoneError, ZoneUpdate};
use crate::state::AppState;

/// NOTE: the public documentation states no page sizes for zones. The
/// default follows the users listing, and the maximum follows the device
/// listing so that a client reading every zone in one page is not rejected.
const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 10_000,
};

#[derive(Debug, Serialize)]
pub struct ZoneJson {
    criticality: Criticality,
    date_created: String,
    date_modified: String,
    id: String,
    name: String,
    policy_id: Option<String>,
    update_type: &'static str,
    zone_rule_id: Option<String>,
}

impl From<Zone> for ZoneJson {
    fn from(zone: Zone) -> Self {
        ZoneJson {
            criticality: zone.criticality(),
            date_created: api_timestamp(zone.created_at),
            date_modified: api_timestamp(zone.modified_at),
            update_type: zone.update_type().as_str(),
            id: zone.id,
            name: zone.name,
            policy_id: zone.policy_id,
            zone_rule_id: zone.zone_rule_id,
        }
    }
}

impl From<ZoneError> for ApiError {
    fn from(err: ZoneError) -> Self {
        match err {
            ZoneError::NotFound => ApiError::NotFound("Zone not found".into()),
            ZoneError::NameTaken(_) => ApiError::Conflict(err.to_string()),
            ZoneError::Storage(err) => ApiError::Internal(err),
            ZoneError::InvalidName(_)
            | ZoneError::UnknownPolicy(_)
            | ZoneError::InvalidValue(_) => ApiError::BadRequest(err.to_string()),
        }
    }
}

fn page_json(page: PageRequest, zones: Vec<Zone>, total: i64) -> HttpResponse {
    let items = zones.into_iter().map(ZoneJson::from).collect();
    HttpResponse::Ok().json(Page::new(page, total, items))
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["zone:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let (zones, total) = db::run(&state.pool, move |conn| {
        zones::list_page(conn, &tenant_id, page.offset(), page.size).map_err(ApiError::from)
    })
    .await?;
    Ok(page_json(page, zones, total))
}

pub async fn list_for_device(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["zone:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let device_id = path.into_inner();
    let found = db::run(&state.pool, move |conn| {
        zones::list_for_device_page(conn, &tenant_id, &device_id, page.offset(), page.size)
            .map_err(ApiError::from)
    })
    .await?;
    let (zones, total) = found.ok_or_else(|| ApiError::NotFound("Device not found".into()))?;
    Ok(page_json(page, zones, total))
}

pub async fn get(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["zone:read"])?;
    let tenant_id = caller.tenant_id().to_owned();
    let zone_id = path.into_inner();
    let zone = db::run(&state.pool, move |conn| {
        zones::find(conn, &tenant_id, &zone_id).map_err(ApiError::from)
    })
    .await?
    .ok_or(ZoneError::NotFound)?;
    Ok(HttpResponse::Ok().json(ZoneJson::from(zone)))
}

fn criticality(body: &JsonBody) -> Result<Option<Criticality>, ApiError> {
    body.optional_str("criticality")?
        .map(|text| Criticality::parse_field("criticality", &text))
        .transpose()
        .map_err(|err| ApiError::BadRequest(err.to_string()))
}

pub async fn create(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["zone:create"])?;
    let body = JsonBody::read(payload, MAX_BODY_BYTES).await?;
    let new = NewZone {
        name: body.required_str("name")?,
        policy_id: body.optional_str("policy_id")?,
        criticality: criticality(&body)?,
    };
    let tenant_id = caller.tenant_id().to_owned();
    let zone = db::run(&state.pool, move |conn| {
        zones::create(conn, &tenant_id, new, clock::now()).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(tenant_id = %zone.tenant_id, zone_id = %zone.id, "zone created");
    Ok(HttpResponse::Ok().json(ZoneJson::from(zone)))
}

pub async fn update(
    path: web::Path<String>,
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["zone:update"])?;
    let body = JsonBody::read(payload, MAX_BODY_BYTES).await?;
    let change = ZoneUpdate {
        name: body.optional_str("name")?,
        policy_id: body.nullable_str("policy_id")?,
        criticality: criticality(&body)?,
    };
    let tenant_id = caller.tenant_id().to_owned();
    let zone_id = path.into_inner();
    db::run(&state.pool, move |conn| {
        zones::update(conn, &tenant_id, &zone_id, change, clock::now()).map_err(ApiError::from)
    })
    .await?;
    Ok(empty_ok())
}

pub async fn delete(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["zone:delete"])?;
    let tenant_id = caller.tenant_id().to_owned();
    let zone_id = path.into_inner();
    db::run(&state.pool, move |conn| {
        zones::delete(conn, &tenant_id, &zone_id).map_err(ApiError::from)
    })
    .await?;
    Ok(empty_ok())
}
