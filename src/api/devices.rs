//! `/devices/v2`: the tenant's devices, their lookups by MAC address and
//! host name, updates, and asynchronous deletion. Threats on one device are
//! in [`super::device_threats`].

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::json;

use super::body::{JsonBody, MAX_BODY_BYTES, empty_ok};
use super::caller::ApiCaller;
use super::error::ApiError;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::{self, api_timestamp};
use crate::db::{self, DbConnection, StorageError};
use crate::domain::device_deletion::{self, DeletionError};
use crate::domain::devices::{self, Device, DeviceError, DeviceState, DeviceUpdate};
use crate::domain::policies::{self, DEFAULT_POLICY_NAME};
use crate::state::AppState;

const LIMITS: PageLimits = PageLimits {
    default_size: 100,
    max_size: 10_000,
};

const EXTENDED_LIMITS: PageLimits = PageLimits {
    default_size: 100,
    max_size: 200,
};

#[derive(Debug, Serialize)]
struct PolicyRef {
    id: Option<String>,
    name: String,
}

#[derive(Debug, Serialize)]
struct Product {
    name: &'static str,
    status: DeviceState,
    version: String,
}

/// A device as the list endpoints return it.
#[derive(Debug, Serialize)]
pub struct DeviceJson {
    agent_version: String,
    date_first_registered: String,
    date_offline: Option<String>,
    id: String,
    ip_addresses: Vec<String>,
    mac_addresses: Vec<String>,
    name: String,
    os_kernel_version: String,
    policy: PolicyRef,
    products: Vec<Product>,
    state: DeviceState,
}

/// A device with every field, as the detail and extended endpoints return it.
#[derive(Debug, Serialize)]
pub struct DeviceDetailJson {
    #[serde(flatten)]
    summary: DeviceJson,
    background_detection: bool,
    date_last_modified: Option<String>,
    /// Automatic deletion of inactive devices is not offered, so this is
    /// always "Unknown", as for tenants without that feature.
    days_to_deletion: &'static str,
    dlcm_status: &'static str,
    distinguished_name: String,
    host_name: String,
    is_safe: bool,
    last_logged_in_user: String,
    os_version: String,
    update_available: bool,
    update_type: Option<String>,
}

fn summary(device: &Device, policy_names: &HashMap<String, String>) -> DeviceJson {
    let policy = match &device.policy_id {
        Some(id) => PolicyRef {
            id: Some(id.clone()),
            name: policy_names.get(id).cloned().unwrap_or_default(),
        },
        None => PolicyRef {
            id: None,
            name: DEFAULT_POLICY_NAME.to_owned(),
        },
    };
    DeviceJson {
        agent_version: device.agent_version.clone(),
        date_first_registered: api_timestamp(device.registered_at),
        date_offline: device.offline_at.map(api_timestamp),
        id: device.id.clone(),
        ip_addresses: device.ip_address_list(),
        mac_addresses: device.mac_address_list(),
        name: device.name.clone(),
        os_kernel_version: device.os_kernel_version.clone(),
        policy,
        products: vec![Product {
            name: "protect",
            status: device.state(),
            version: device.agent_version.clone(),
        }],
        state: device.state(),
    }
}

fn detail(device: Device, policy_names: &HashMap<String, String>) -> DeviceDetailJson {
    DeviceDetailJson {
        summary: summary(&device, policy_names),
        background_detection: device.background_detection,
        date_last_modified: device.modified_at.map(api_timestamp),
        days_to_deletion: "Unknown",
        dlcm_status: "Unknown",
        distinguished_name: device.distinguished_name,
        host_name: device.host_name,
        is_safe: device.is_safe,
        last_logged_in_user: device.last_logged_in_user,
        os_version: device.os_version,
        update_available: device.update_available,
        update_type: device.update_type,
    }
}

/// Devices with the names of their policies, read in one blocking task.
type WithPolicies<T> = (T, HashMap<String, String>);

fn policy_names_for(
    conn: &mut DbConnection,
    tenant_id: &str,
    devices: &[Device],
) -> Result<HashMap<String, String>, StorageError> {
    let mut ids: Vec<&str> = devices
        .iter()
        .filter_map(|device| device.policy_id.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    policies::names(conn, tenant_id, &ids)
}

impl From<DeviceError> for ApiError {
    fn from(err: DeviceError) -> Self {
        match err {
            DeviceError::NotFound => ApiError::NotFound("Device not found".into()),
            DeviceError::Storage(err) => ApiError::Internal(err),
            DeviceError::InvalidName(_)
            | DeviceError::UnknownPolicy(_)
            | DeviceError::UnknownZone { .. } => ApiError::BadRequest(err.to_string()),
        }
    }
}

impl From<DeletionError> for ApiError {
    fn from(err: DeletionError) -> Self {
        match err {
            DeletionError::Storage(err) => ApiError::Internal(err),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

async fn list_page_of(
    req: &HttpRequest,
    caller: &ApiCaller,
    state: &AppState,
    limits: PageLimits,
) -> Result<(PageRequest, WithPolicies<(Vec<Device>, i64)>), ApiError> {
    caller.require(&["device:list"])?;
    let page = PageRequest::from_request(req, limits)?;
    let tenant_id = caller.tenant_id().to_owned();
    let found = db::run(&state.pool, move |conn| {
        let (devices, total) = devices::list_page(conn, &tenant_id, page.offset(), page.size)?;
        let names = policy_names_for(conn, &tenant_id, &devices)?;
        Ok::<_, ApiError>(((devices, total), names))
    })
    .await?;
    Ok((page, found))
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (page, ((devices, total), names)) = list_page_of(&req, &caller, &state, LIMITS).await?;
    let items: Vec<DeviceJson> = devices.iter().map(|d| summary(d, &names)).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn list_extended(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (page, ((devices, total), names)) =
        list_page_of(&req, &caller, &state, EXTENDED_LIMITS).await?;
    let items: Vec<DeviceDetailJson> = devices.into_iter().map(|d| detail(d, &names)).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn list_in_zone(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["device:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let zone_id = path.into_inner();
    let (found, names) = db::run(&state.pool, move |conn| {
        let found =
            devices::list_in_zone_page(conn, &tenant_id, &zone_id, page.offset(), page.size)?;
        let listed = found.as_ref().map(|(d, _)| d.as_slice()).unwrap_or(&[]);
        let names = policy_names_for(conn, &tenant_id, listed)?;
        Ok::<_, ApiError>((found, names))
    })
    .await?;
    let (devices, total) = found.ok_or_else(|| ApiError::NotFound("Zone not found".into()))?;
    let items: Vec<DeviceJson> = devices.iter().map(|d| summary(d, &names)).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn get(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["device:read", "device:list"])?;
    let tenant_id = caller.tenant_id().to_owned();
    let device_id = path.into_inner();
    let (device, names) = db::run(&state.pool, move |conn| {
        let device = devices::find(conn, &tenant_id, &device_id)?;
        let names = policy_names_for(conn, &tenant_id, device.as_slice())?;
        Ok::<_, ApiError>((device, names))
    })
    .await?;
    let device = device.ok_or(DeviceError::NotFound)?;
    Ok(HttpResponse::Ok().json(detail(device, &names)))
}

/// Lookup kind of the endpoints that return a bare array.
#[derive(Debug, Clone, Copy)]
enum Lookup {
    Mac,
    HostName,
}

async fn lookup(
    lookup: Lookup,
    key: String,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["device:read"])?;
    let tenant_id = caller.tenant_id().to_owned();
    let (found, names) = db::run(&state.pool, move |conn| {
        let found = match lookup {
            Lookup::Mac => devices::find_by_mac(conn, &tenant_id, &key)?,
            Lookup::HostName => devices::find_by_host_name(conn, &tenant_id, &key)?,
        };
        let names = policy_names_for(conn, &tenant_id, &found)?;
        Ok::<_, ApiError>((found, names))
    })
    .await?;
    if found.is_empty() {
        return Err(ApiError::NotFound("Device not found".into()));
    }
    let items: Vec<DeviceDetailJson> = found.into_iter().map(|d| detail(d, &names)).collect();
    Ok(HttpResponse::Ok().json(items))
}

pub async fn get_by_mac(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    lookup(Lookup::Mac, path.into_inner(), caller, state).await
}

pub async fn get_by_host_name(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    lookup(Lookup::HostName, path.into_inner(), caller, state).await
}

pub async fn update(
    path: web::Path<String>,
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["device:update"])?;
    let body = JsonBody::read(payload, MAX_BODY_BYTES).await?;
    let change = DeviceUpdate {
        name: body.optional_str("name")?,
        policy_id: body.nullable_str("policy_id")?,
        add_zone_ids: body.string_list("add_zone_ids")?,
        remove_zone_ids: body.string_list("remove_zone_ids")?,
    };
    let tenant_id = caller.tenant_id().to_owned();
    let device_id = path.into_inner();
    db::run(&state.pool, move |conn| {
        devices::update(conn, &tenant_id, &device_id, change, clock::now()).map_err(ApiError::from)
    })
    .await?;
    Ok(empty_ok())
}

/// Records a deletion request and returns its `request_id`; the devices go
/// later. Serves both `DELETE /devices/v2` and `POST /devices/v2/delete`.
pub async fn delete(
    payload: web::Payload,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["device:delete"])?;
    let body = JsonBody::read(payload, MAX_BODY_BYTES).await?;
    let device_ids = body.string_list("device_ids")?;
    // One client sends the callback under `url`.
    let callback_url = match body.optional_str("callback_url")? {
        Some(url) => Some(url),
        None => body.optional_str("url")?,
    };
    let tenant_id = caller.tenant_id().to_owned();
    let requested_by = caller.application_id().to_owned();
    let request = db::run(&state.pool, move |conn| {
        device_deletion::request(
            conn,
            &tenant_id,
            &device_ids,
            callback_url.as_deref(),
            &requested_by,
            clock::now(),
        )
        .map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %request.tenant_id,
        request_id = %request.id,
        devices = request.device_id_list().len(),
        "device deletion requested"
    );
    Ok(HttpResponse::Ok().json(json!({ "request_id": request.id })))
}
