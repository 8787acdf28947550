//! Devices: endpoints that run the agent. Agents register and report them,
//! and here the seed command plays that part. The API reads devices,
//! renames them, and changes their policy and their zones.

use diesel::prelude::*;

use super::ids;
use super::policies::{self, PolicyError};
use super::wire::wire_enum;
use crate::db::schema::{device_mac_addresses, device_zones, devices, zones};
use crate::db::{DbConnection, StorageError};

wire_enum! {
    /// Whether the agent is connected.
    pub enum DeviceState {
        Online => "Online",
        Offline => "Offline",
    }
}

/// Longest accepted device name, in characters.
pub const NAME_MAX_CHARS: usize = 255;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = devices)]
pub struct Device {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub host_name: String,
    pub state: String,
    pub agent_version: String,
    pub os_version: String,
    pub os_kernel_version: String,
    /// JSON array of strings.
    pub ip_addresses: String,
    /// JSON array of strings such as `06-F8-13-8B-16-C9`.
    pub mac_addresses: String,
    /// `None`: the device uses the tenant's default policy.
    pub policy_id: Option<String>,
    pub last_logged_in_user: String,
    pub distinguished_name: String,
    pub is_safe: bool,
    pub background_detection: bool,
    pub update_available: bool,
    pub update_type: Option<String>,
    pub registered_at: i64,
    pub offline_at: Option<i64>,
    pub modified_at: Option<i64>,
}

impl Device {
    /// Unknown stored values read as Offline.
    pub fn state(&self) -> DeviceState {
        DeviceState::parse(&self.state).unwrap_or(DeviceState::Offline)
    }

    pub fn ip_address_list(&self) -> Vec<String> {
        serde_json::from_str(&self.ip_addresses).unwrap_or_default()
    }

    pub fn mac_address_list(&self) -> Vec<String> {
        serde_json::from_str(&self.mac_addresses).unwrap_or_default()
    }
}

/// The row of a new device, as the seed command inserts it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = devices, treat_none_as_default_value = false)]
pub struct NewDeviceRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub host_name: String,
    pub host_name_normalized: String,
    pub state: String,
    pub agent_version: String,
    pub os_version: String,
    pub os_kernel_version: String,
    pub ip_addresses: String,
    pub mac_addresses: String,
    pub policy_id: Option<String>,
    pub last_logged_in_user: String,
    pub distinguished_name: String,
    pub is_safe: bool,
    pub background_detection: bool,
    pub update_available: bool,
    pub update_type: Option<String>,
    pub registered_at: i64,
    pub offline_at: Option<i64>,
    pub modified_at: Option<i64>,
}

/// One entry of the MAC address lookup table.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = device_mac_addresses)]
pub struct MacAddressRow {
    pub tenant_id: String,
    pub device_id: String,
    pub mac_address: String,
}

/// One zone membership.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = device_zones)]
pub struct DeviceZoneRow {
    pub tenant_id: String,
    pub device_id: String,
    pub zone_id: String,
}

/// Host names are matched regardless of case, as DNS does.
pub fn normalize_host_name(host_name: &str) -> String {
    host_name.trim().to_lowercase()
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("name: {0}")]
    InvalidName(String),
    #[error("policy_id: {0:?} is not a policy of this tenant")]
    UnknownPolicy(String),
    #[error("{field}: {value:?} is not a zone of this tenant")]
    UnknownZone { field: &'static str, value: String },
    #[error("Device not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for DeviceError {
    fn from(err: diesel::result::Error) -> Self {
        DeviceError::Storage(err.into())
    }
}

/// Changes of an update request. `None` keeps the current value. For the
/// policy, `Some(None)` (sent as `null` or `""`) moves the device to the
/// default policy.
#[derive(Debug, Clone, Default)]
pub struct DeviceUpdate {
    pub name: Option<String>,
    pub policy_id: Option<Option<String>>,
    pub add_zone_ids: Vec<String>,
    pub remove_zone_ids: Vec<String>,
}

/// Applies `change` in one transaction: either every part is valid and all
/// of it is applied, or nothing changes.
pub fn update(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_id: &str,
    change: DeviceUpdate,
    now: i64,
) -> Result<Device, DeviceError> {
    crate::db::write_transaction(conn, |conn| {
        let device = find(conn, tenant_id, device_id)?.ok_or(DeviceError::NotFound)?;
        let name = match &change.name {
            Some(name) => validate_name(name)?,
            None => device.name.clone(),
        };
        let policy_id = match &change.policy_id {
            Some(policy_id) => resolve_policy(conn, tenant_id, policy_id.as_deref())?,
            None => device.policy_id.clone(),
        };
        let added = resolve_zones(conn, tenant_id, "add_zone_ids", &change.add_zone_ids)?;
        let removed = resolve_zones(conn, tenant_id, "remove_zone_ids", &change.remove_zone_ids)?;

        diesel::update(
            devices::table
                .filter(devices::tenant_id.eq(tenant_id))
                .filter(devices::id.eq(&device.id)),
        )
        .set((
            devices::name.eq(&name),
            devices::policy_id.eq(&policy_id),
            devices::modified_at.eq(Some(now)),
        ))
        .execute(conn)?;
        // One statement per zone: SQLite cannot combine a multi-row insert
        // with ON CONFLICT, and a request names few zones.
        for zone_id in added {
            diesel::insert_into(device_zones::table)
                .values(DeviceZoneRow {
                    tenant_id: tenant_id.to_owned(),
                    device_id: device.id.clone(),
                    zone_id,
                })
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
        if !removed.is_empty() {
            diesel::delete(
                device_zones::table
                    .filter(device_zones::tenant_id.eq(tenant_id))
                    .filter(device_zones::device_id.eq(&device.id))
                    .filter(device_zones::zone_id.eq_any(&removed)),
            )
            .execute(conn)?;
        }
        find(conn, tenant_id, &device.id)?.ok_or(DeviceError::NotFound)
    })
}

fn validate_name(name: &str) -> Result<String, DeviceError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DeviceError::InvalidName("must not be empty".into()));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(DeviceError::InvalidName(format!(
            "must be at most {NAME_MAX_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DeviceError::InvalidName(
            "must not contain control characters".into(),
        ));
    }
    Ok(name.to_owned())
}

fn resolve_policy(
    conn: &mut DbConnection,
    tenant_id: &str,
    policy_id: Option<&str>,
) -> Result<Option<String>, DeviceError> {
    match policy_id.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => match policies::resolve_id(conn, tenant_id, "policy_id", text) {
            Ok(id) => Ok(Some(id)),
            Err(PolicyError::Storage(err)) => Err(DeviceError::Storage(err)),
            Err(_) => Err(DeviceError::UnknownPolicy(text.to_owned())),
        },
    }
}

/// Stored forms of `zone_ids`, each checked to be a zone of the tenant.
fn resolve_zones(
    conn: &mut DbConnection,
    tenant_id: &str,
    field: &'static str,
    zone_ids: &[String],
) -> Result<Vec<String>, DeviceError> {
    let mut resolved = Vec::with_capacity(zone_ids.len());
    for text in zone_ids {
        let unknown = || DeviceError::UnknownZone {
            field,
            value: text.clone(),
        };
        let id = ids::parse_guid(text).ok_or_else(unknown)?;
        let exists = zones::table
            .filter(zones::tenant_id.eq(tenant_id))
            .filter(zones::id.eq(&id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            return Err(unknown());
        }
        if !resolved.contains(&id) {
            resolved.push(id);
        }
    }
    Ok(resolved)
}

/// Finds a device of the tenant by id in any GUID form.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_id: &str,
) -> Result<Option<Device>, StorageError> {
    let Some(id) = ids::parse_guid(device_id) else {
        return Ok(None);
    };
    Ok(devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::id.eq(id))
        .select(Device::as_select())
        .first(conn)
        .optional()?)
}

/// Finds the tenant's devices that reported `mac` (any common notation),
/// newest registered first. Returns none when `mac` is not a MAC address.
pub fn find_by_mac(
    conn: &mut DbConnection,
    tenant_id: &str,
    mac: &str,
) -> Result<Vec<Device>, StorageError> {
    let Some(mac) = ids::parse_mac(mac) else {
        return Ok(Vec::new());
    };
    // Two queries: with a subquery, SQLite prefers walking the tenant's
    // devices in listing order over looking up the few owners by id.
    let owners: Vec<String> = device_mac_addresses::table
        .filter(device_mac_addresses::tenant_id.eq(tenant_id))
        .filter(device_mac_addresses::mac_address.eq(mac))
        .select(device_mac_addresses::device_id)
        .load(conn)?;
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    Ok(devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::id.eq_any(owners))
        .order((devices::registered_at.desc(), devices::id.desc()))
        .select(Device::as_select())
        .load(conn)?)
}

/// Finds the tenant's devices whose host name is `host_name`, ignoring
/// case, newest registered first.
pub fn find_by_host_name(
    conn: &mut DbConnection,
    tenant_id: &str,
    host_name: &str,
) -> Result<Vec<Device>, StorageError> {
    Ok(devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::host_name_normalized.eq(normalize_host_name(host_name)))
        .order((devices::registered_at.desc(), devices::id.desc()))
        .select(Device::as_select())
        .load(conn)?)
}

/// Returns one page of the tenant's devices, newest registered first, and
/// the tenant's total.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Device>, i64), StorageError> {
    let total = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    let page = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .order((devices::registered_at.desc(), devices::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Device::as_select())
        .load(conn)?;
    Ok((page, total))
}

/// Returns one page of the devices in a zone, newest registered first, and
/// their total, or `None` when the zone is not one of the tenant's.
pub fn list_in_zone_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    zone_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Option<(Vec<Device>, i64)>, StorageError> {
    let Some(zone) = super::zones::find(conn, tenant_id, zone_id)? else {
        return Ok(None);
    };
    let members = || {
        device_zones::table
            .filter(device_zones::tenant_id.eq(tenant_id))
            .filter(device_zones::zone_id.eq(zone.id.clone()))
            .select(device_zones::device_id)
    };
    let total = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::id.eq_any(members()))
        .count()
        .get_result::<i64>(conn)?;
    let page = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::id.eq_any(members()))
        .order((devices::registered_at.desc(), devices::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Device::as_select())
        .load(conn)?;
    Ok(Some((page, total)))
}

/// Ids of the zones a device belongs to, in no particular order.
pub fn zone_ids_of(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_id: &str,
) -> Result<Vec<String>, StorageError> {
    Ok(device_zones::table
        .filter(device_zones::tenant_id.eq(tenant_id))
        .filter(device_zones::device_id.eq(device_id))
        .select(device_zones::zone_id)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_state_round_trips_and_accepts_old_spelling() {
        for value in DeviceState::ALL {
            assert_eq!(DeviceState::parse(value.as_str()), Some(*value));
        }
        assert_eq!(DeviceState::parse("OnLine"), Some(DeviceState::Online));
        assert_eq!(DeviceState::parse("OffLine"), Some(DeviceState::Offline));
    }

    #[test]
    fn device_names_are_checked() {
        assert_eq!(validate_name(" WS-0042 ").unwrap(), "WS-0042");
        assert!(validate_name("").is_err());
        assert!(validate_name("line\nbreak").is_err());
        assert!(validate_name(&"d".repeat(256)).is_err());
    }
}
