//! Devices: the tenant's endpoints, most recently registered first, and one
//! device with its zones and the threats found on it. Every signed-in user
//! may read them, and the tenant always comes from the session.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::display;
use super::error::ConsoleError;
use super::pages::{self, Nav};
use super::paging::{self, PageNumber, Pager};
use super::session::SignedIn;
use super::zones::ZoneRow;
use crate::clock::console_timestamp;
use crate::db::{self, DbConnection, StorageError};
use crate::domain::device_threats::{self, DeviceThreat};
use crate::domain::devices::{self, Device, DeviceState};
use crate::domain::{policies, zones};
use crate::i18n::Texts;
use crate::state::AppState;

/// A policy as a page names it: a link to it, or the default policy.
pub struct PolicyRef {
    /// `None` for the default policy, which has no page.
    pub id: Option<String>,
    pub name: String,
}

impl PolicyRef {
    /// Names the policy `policy_id` from `names`. An id missing from
    /// `names` keeps its link and shows the id.
    pub fn new(t: &Texts, policy_id: Option<&str>, names: &HashMap<String, String>) -> PolicyRef {
        match policy_id {
            None => PolicyRef {
                id: None,
                name: t.default_policy.to_owned(),
            },
            Some(id) => PolicyRef {
                id: Some(id.to_owned()),
                name: names.get(id).cloned().unwrap_or_else(|| id.to_owned()),
            },
        }
    }
}

/// One device as a row of the Devices table and as the facts of its page.
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub host_name: String,
    pub online: bool,
    pub state: &'static str,
    pub os: String,
    pub kernel_version: String,
    pub agent_version: String,
    pub ip_addresses: Vec<String>,
    pub mac_addresses: Vec<String>,
    pub policy: PolicyRef,
    pub zones: Vec<String>,
    /// `None` when an offline device never reported when it went offline.
    pub last_seen: Option<String>,
    pub last_logged_in_user: String,
    pub distinguished_name: String,
    pub registered: String,
}

/// One file found on the device.
pub struct FindingRow {
    pub sha256: String,
    pub name: String,
    pub file_path: String,
    pub status: String,
    pub found: String,
}

#[derive(Template)]
#[template(path = "devices.html")]
pub struct DevicesPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub rows: Vec<DeviceRow>,
    pub pager: Pager,
}

#[derive(Template)]
#[template(path = "device.html")]
pub struct DevicePage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub device: DeviceRow,
    pub zones: Vec<ZoneRow>,
    pub findings: Vec<FindingRow>,
    pub pager: Pager,
}

/// Builds the rows of `devices` with their policy names and zones, in two
/// queries whatever the number of devices.
fn device_rows(
    conn: &mut DbConnection,
    t: &'static Texts,
    tenant_id: &str,
    devices: Vec<Device>,
) -> Result<Vec<DeviceRow>, StorageError> {
    let policy_ids: Vec<&str> = devices
        .iter()
        .filter_map(|device| device.policy_id.as_deref())
        .collect();
    let policy_names = policies::names(conn, tenant_id, &policy_ids)?;
    let device_ids: Vec<&str> = devices.iter().map(|device| device.id.as_str()).collect();
    let mut zones_by_device = zones::of_devices(conn, tenant_id, &device_ids)?;
    Ok(devices
        .into_iter()
        .map(|device| {
            let zones = zones_by_device.remove(&device.id).unwrap_or_default();
            device_row(t, device, &policy_names, zones)
        })
        .collect())
}

fn device_row(
    t: &'static Texts,
    device: Device,
    policy_names: &HashMap<String, String>,
    zones: Vec<zones::Zone>,
) -> DeviceRow {
    let state = device.state();
    let last_seen = match state {
        DeviceState::Online => Some(t.seen_now.to_owned()),
        DeviceState::Offline => device.offline_at.map(console_timestamp),
    };
    DeviceRow {
        online: state == DeviceState::Online,
        state: display::device_state(t, state),
        ip_addresses: device.ip_address_list(),
        mac_addresses: device.mac_address_list(),
        policy: PolicyRef::new(t, device.policy_id.as_deref(), policy_names),
        zones: zones.into_iter().map(|zone| zone.name).collect(),
        last_seen,
        registered: console_timestamp(device.registered_at),
        id: device.id,
        name: device.name,
        host_name: device.host_name,
        os: device.os_version,
        kernel_version: device.os_kernel_version,
        agent_version: device.agent_version,
        last_logged_in_user: device.last_logged_in_user,
        distinguished_name: device.distinguished_name,
    }
}

fn finding_row(t: &Texts, finding: DeviceThreat) -> FindingRow {
    FindingRow {
        status: display::file_status(t, &finding.file_status),
        found: console_timestamp(finding.found_at),
        sha256: finding.sha256,
        name: finding.name,
        file_path: finding.file_path,
    }
}

pub async fn list(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let requested = PageNumber::from_query(req.query_string());
    let tenant_id = signed_in.user.tenant_id.clone();
    let t = signed_in.lang.texts();
    let (rows, total, page) = db::run(&state.pool, move |conn| {
        let loaded = paging::load(requested, |offset, limit| {
            devices::list_page(conn, &tenant_id, offset, limit)
        })?;
        let rows = device_rows(conn, t, &tenant_id, loaded.rows)?;
        Ok::<_, ConsoleError>((rows, loaded.total, loaded.page))
    })
    .await?;
    let frame = signed_in.frame();
    pages::ok(&DevicesPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        rows,
        pager: Pager::new(t, page, total, t.count_devices, "/devices?page="),
    })
}

pub async fn detail(
    req: HttpRequest,
    signed_in: SignedIn,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let requested = PageNumber::from_query(req.query_string());
    let tenant_id = signed_in.user.tenant_id.clone();
    let lang = signed_in.lang;
    let t = lang.texts();
    let device_id = path.into_inner();
    let found = db::run(&state.pool, move |conn| {
        let Some(device) = devices::find(conn, &tenant_id, &device_id)? else {
            return Ok::<_, ConsoleError>(None);
        };
        let loaded = paging::load(requested, |offset, limit| {
            device_threats::list_page(conn, &tenant_id, &device.id, offset, limit)
                .map(Option::unwrap_or_default)
        })?;
        let zones = zones::of_devices(conn, &tenant_id, &[device.id.as_str()])?
            .remove(&device.id)
            .unwrap_or_default();
        let zone_rows = super::zones::zone_rows(conn, t, &tenant_id, zones.clone())?;
        let policy_ids: Vec<&str> = device.policy_id.as_deref().into_iter().collect();
        let policy_names = policies::names(conn, &tenant_id, &policy_ids)?;
        let device = device_row(t, device, &policy_names, zones);
        let findings = loaded
            .rows
            .into_iter()
            .map(|finding| finding_row(t, finding))
            .collect();
        Ok(Some((
            device,
            zone_rows,
            findings,
            loaded.total,
            loaded.page,
        )))
    })
    .await?;
    let (device, zones, findings, total, page) = found.ok_or(ConsoleError::NotFound(lang))?;
    let frame = signed_in.frame();
    let href_prefix = format!("/devices/{}?page=", device.id);
    pages::ok(&DevicePage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        pager: Pager::new(t, page, total, t.count_files, &href_prefix),
        device,
        zones,
        findings,
    })
}
