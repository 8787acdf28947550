//! `/threats/v2`: files the agents found in the tenant, and where.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::caller::ApiCaller;
use super::error::ApiError;
use super::filters;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::{self, api_timestamp};
use crate::db;
use crate::domain::ids;
use crate::domain::threats::{self, ListedThreat, ThreatOnDevice};
use crate::state::AppState;

const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

/// NOTE: the public documentation gives no page sizes for the devices of a
/// threat; these are those of the threats of a device.
const DEVICE_LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

/// `cert_timestamp` of an unsigned file, as the public API sends it.
const NO_CERTIFICATE_TIME: &str = "0001-01-01T00:00:00";

#[derive(Debug, Serialize)]
pub struct ThreatJson {
    av_industry: Option<f64>,
    classification: String,
    cylance_score: f64,
    file_size: i64,
    global_quarantined: bool,
    last_found: String,
    md5: String,
    name: String,
    safelisted: bool,
    sha256: String,
    sub_classification: String,
    unique_to_cylance: bool,
}

impl From<ListedThreat> for ThreatJson {
    fn from(listed: ListedThreat) -> Self {
        let threat = listed.threat;
        ThreatJson {
            av_industry: threat.av_industry,
            classification: threat.classification,
            cylance_score: threat.cylance_score,
            file_size: threat.file_size,
            global_quarantined: listed.global_quarantined,
            last_found: api_timestamp(threat.last_found_at),
            md5: threat.md5,
            name: threat.name,
            safelisted: listed.safelisted,
            sha256: threat.sha256,
            sub_classification: threat.sub_classification,
            unique_to_cylance: threat.unique_to_cylance,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ThreatDetailJson {
    auto_run: bool,
    av_industry: Option<f64>,
    cert_issuer: String,
    cert_publisher: String,
    cert_timestamp: String,
    classification: String,
    cylance_score: f64,
    detected_by: String,
    file_size: i64,
    global_quarantined: bool,
    md5: String,
    name: String,
    running: bool,
    safelisted: bool,
    sha256: String,
    signed: bool,
    sub_classification: String,
    unique_to_cylance: bool,
}

impl From<ListedThreat> for ThreatDetailJson {
    fn from(listed: ListedThreat) -> Self {
        let threat = listed.threat;
        ThreatDetailJson {
            auto_run: threat.auto_run,
            av_industry: threat.av_industry,
            cert_issuer: threat.cert_issuer,
            cert_publisher: threat.cert_publisher,
            cert_timestamp: threat
                .cert_timestamp
                .map_or_else(|| NO_CERTIFICATE_TIME.to_owned(), api_timestamp),
            classification: threat.classification,
            cylance_score: threat.cylance_score,
            detected_by: threat.detected_by,
            file_size: threat.file_size,
            global_quarantined: listed.global_quarantined,
            md5: threat.md5,
            name: threat.name,
            running: threat.running,
            safelisted: listed.safelisted,
            sha256: threat.sha256,
            signed: threat.signed,
            sub_classification: threat.sub_classification,
            unique_to_cylance: threat.unique_to_cylance,
        }
    }
}

/// One file of the threat on one device; a device with the file in two
/// places appears twice.
#[derive(Debug, Serialize)]
pub struct ThreatDeviceJson {
    agent_version: String,
    date_found: String,
    file_path: String,
    file_status: String,
    id: String,
    ip_addresses: Vec<String>,
    mac_addresses: Vec<String>,
    name: String,
    policy_id: Option<String>,
    state: String,
}

impl From<ThreatOnDevice> for ThreatDeviceJson {
    fn from(found: ThreatOnDevice) -> Self {
        ThreatDeviceJson {
            ip_addresses: found.ip_address_list(),
            mac_addresses: found.mac_address_list(),
            agent_version: found.agent_version,
            date_found: api_timestamp(found.found_at),
            file_path: found.file_path,
            file_status: found.file_status,
            id: found.device_id,
            name: found.device_name,
            policy_id: found.policy_id,
            state: found.state,
        }
    }
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["threat:list", "device:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let window = filters::time_window(req.query_string(), clock::now())?;
    let tenant_id = caller.tenant_id().to_owned();
    let (listed, total) = db::run(&state.pool, move |conn| {
        threats::list_page(conn, &tenant_id, window, page.offset(), page.size)
            .map_err(ApiError::from)
    })
    .await?;
    let items = listed.into_iter().map(ThreatJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn get(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["threat:read"])?;
    let sha256 = sha256_of_path(&path)?;
    let tenant_id = caller.tenant_id().to_owned();
    let listed = db::run(&state.pool, move |conn| {
        threats::find(conn, &tenant_id, &sha256).map_err(ApiError::from)
    })
    .await?
    .ok_or_else(threat_not_found)?;
    Ok(HttpResponse::Ok().json(ThreatDetailJson::from(listed)))
}

pub async fn list_devices(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["threat:devicelist"])?;
    let sha256 = sha256_of_path(&path)?;
    let page = PageRequest::from_request(&req, DEVICE_LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let (found, total) = db::run(&state.pool, move |conn| {
        threats::devices_page(conn, &tenant_id, &sha256, page.offset(), page.size)
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(threat_not_found)?;
    let items = found.into_iter().map(ThreatDeviceJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

/// Would return a short-lived link to a zip of the file sample.
///
/// TODO: this server stores no file samples, so a request for a threat of
/// the tenant gets a 404 whose message explains that. Serving `{"url": …}` needs a sample store that
/// agents upload to and a signed, expiring download route.
pub async fn download(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["threat:read"])?;
    let sha256 = sha256_of_path(&path)?;
    let tenant_id = caller.tenant_id().to_owned();
    let lookup = sha256.clone();
    db::run(&state.pool, move |conn| {
        threats::find(conn, &tenant_id, &lookup).map_err(ApiError::from)
    })
    .await?
    .ok_or_else(threat_not_found)?;
    Err(ApiError::NotFound(format!(
        "No file sample is stored for threat {sha256}; this server keeps no samples to download"
    )))
}

/// Reads the SHA-256 of a path in any case, as its stored upper-case form.
fn sha256_of_path(text: &str) -> Result<String, ApiError> {
    ids::parse_sha256(text).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "sha256: {text:?} is not a SHA-256 (64 hexadecimal digits)"
        ))
    })
}

fn threat_not_found() -> ApiError {
    ApiError::NotFound("Threat not found".into())
}
