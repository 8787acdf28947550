//! Zones: named groups of devices with a criticality and a policy. Changing
//! a zone's policy leaves the policy of the devices already in it alone.

use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::ids;
use super::policies::{self, PolicyError};
use super::wire::{InvalidValue, wire_enum};
use crate::db::schema::{device_zones, zones};
use crate::db::{DbConnection, StorageError, is_unique_violation};

wire_enum! {
    /// Importance of the devices in a zone.
    pub enum Criticality {
        Low => "Low",
        Normal => "Normal",
        High => "High",
    }
}

wire_enum! {
    /// The agent update channel of a zone or device.
    pub enum UpdateType {
        Production => "Production",
        Pilot => "Pilot",
        Test => "Test",
    }
}

/// Longest accepted zone name, in characters.
pub const NAME_MAX_CHARS: usize = 255;

/// Characters a zone name may not contain.
pub const FORBIDDEN_NAME_CHARS: [char; 3] = ['&', '<', '>'];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = zones)]
pub struct Zone {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    /// `None`: the zone uses the tenant's default policy.
    pub policy_id: Option<String>,
    pub criticality: String,
    pub update_type: String,
    pub zone_rule_id: Option<String>,
    pub created_at: i64,
    pub modified_at: i64,
}

impl Zone {
    /// Unknown stored values read as Normal, the default.
    pub fn criticality(&self) -> Criticality {
        Criticality::parse(&self.criticality).unwrap_or(Criticality::Normal)
    }

    /// Unknown stored values read as Production, the default.
    pub fn update_type(&self) -> UpdateType {
        UpdateType::parse(&self.update_type).unwrap_or(UpdateType::Production)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ZoneError {
    #[error("name: {0}")]
    InvalidName(String),
    #[error("name: a zone named {0:?} already exists")]
    NameTaken(String),
    #[error("policy_id: {0:?} is not a policy of this tenant")]
    UnknownPolicy(String),
    #[error(transparent)]
    InvalidValue(#[from] InvalidValue),
    #[error("Zone not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for ZoneError {
    fn from(err: diesel::result::Error) -> Self {
        ZoneError::Storage(err.into())
    }
}

/// Lower-cased, trimmed name: names are unique regardless of case.
pub fn normalize_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Checks a zone name and returns it trimmed.
pub fn validate_name(name: &str) -> Result<String, ZoneError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ZoneError::InvalidName("must not be empty".into()));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(ZoneError::InvalidName(format!(
            "must be at most {NAME_MAX_CHARS} characters"
        )));
    }
    if name
        .chars()
        .any(|c| FORBIDDEN_NAME_CHARS.contains(&c) || c.is_control())
    {
        return Err(ZoneError::InvalidName(
            "must not contain &, <, > or control characters".into(),
        ));
    }
    Ok(name.to_owned())
}

/// The row of a new zone, as [`create`] and the seed command insert it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = zones, treat_none_as_default_value = false)]
pub struct NewZoneRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub name_normalized: String,
    pub policy_id: Option<String>,
    pub criticality: String,
    pub update_type: String,
    pub zone_rule_id: Option<String>,
    pub created_at: i64,
    pub modified_at: i64,
}

/// Fields of a create request. `None` fields take their defaults: the
/// tenant's default policy and Normal criticality.
#[derive(Debug, Clone, Default)]
pub struct NewZone {
    pub name: String,
    pub policy_id: Option<String>,
    pub criticality: Option<Criticality>,
}

pub fn create(
    conn: &mut DbConnection,
    tenant_id: &str,
    new: NewZone,
    now: i64,
) -> Result<Zone, ZoneError> {
    let name = validate_name(&new.name)?;
    let policy_id = resolve_policy(conn, tenant_id, new.policy_id.as_deref())?;
    let row = NewZoneRow {
        id: ids::new_id(),
        tenant_id: tenant_id.to_owned(),
        name_normalized: normalize_name(&name),
        name: name.clone(),
        policy_id,
        criticality: new
            .criticality
            .unwrap_or(Criticality::Normal)
            .as_str()
            .to_owned(),
        update_type: UpdateType::Production.as_str().to_owned(),
        zone_rule_id: None,
        created_at: now,
        modified_at: now,
    };
    match diesel::insert_into(zones::table).values(&row).execute(conn) {
        Ok(_) => find(conn, tenant_id, &row.id)?.ok_or(ZoneError::NotFound),
        Err(err) if is_unique_violation(&err) => Err(ZoneError::NameTaken(name)),
        Err(err) => Err(err.into()),
    }
}

/// Changes of an update request. `None` keeps the current value. For the
/// policy, `Some(None)` moves the zone to the default policy.
#[derive(Debug, Clone, Default)]
pub struct ZoneUpdate {
    pub name: Option<String>,
    pub policy_id: Option<Option<String>>,
    pub criticality: Option<Criticality>,
}

pub fn update(
    conn: &mut DbConnection,
    tenant_id: &str,
    zone_id: &str,
    change: ZoneUpdate,
    now: i64,
) -> Result<Zone, ZoneError> {
    let zone = find(conn, tenant_id, zone_id)?.ok_or(ZoneError::NotFound)?;
    let name = match &change.name {
        Some(name) => validate_name(name)?,
        None => zone.name.clone(),
    };
    let policy_id = match &change.policy_id {
        Some(policy_id) => resolve_policy(conn, tenant_id, policy_id.as_deref())?,
        None => zone.policy_id.clone(),
    };
    let criticality = change.criticality.unwrap_or(zone.criticality());
    let updated = diesel::update(
        zones::table
            .filter(zones::tenant_id.eq(tenant_id))
            .filter(zones::id.eq(&zone.id)),
    )
    .set((
        zones::name.eq(&name),
        zones::name_normalized.eq(normalize_name(&name)),
        zones::policy_id.eq(&policy_id),
        zones::criticality.eq(criticality.as_str()),
        zones::modified_at.eq(now),
    ))
    .execute(conn);
    match updated {
        Ok(_) => find(conn, tenant_id, &zone.id)?.ok_or(ZoneError::NotFound),
        Err(err) if is_unique_violation(&err) => Err(ZoneError::NameTaken(name)),
        Err(err) => Err(err.into()),
    }
}

/// Deletes a zone; its devices stay, without that zone.
pub fn delete(conn: &mut DbConnection, tenant_id: &str, zone_id: &str) -> Result<(), ZoneError> {
    let id = ids::parse_guid(zone_id).ok_or(ZoneError::NotFound)?;
    let deleted = diesel::delete(
        zones::table
            .filter(zones::tenant_id.eq(tenant_id))
            .filter(zones::id.eq(id)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ZoneError::NotFound);
    }
    Ok(())
}

/// `None` or an empty id selects the default policy; anything else must
/// name a policy of the tenant.
fn resolve_policy(
    conn: &mut DbConnection,
    tenant_id: &str,
    policy_id: Option<&str>,
) -> Result<Option<String>, ZoneError> {
    match policy_id.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => match policies::resolve_id(conn, tenant_id, "policy_id", text) {
            Ok(id) => Ok(Some(id)),
            Err(PolicyError::Storage(err)) => Err(ZoneError::Storage(err)),
            Err(_) => Err(ZoneError::UnknownPolicy(text.to_owned())),
        },
    }
}

/// Finds a zone of the tenant by id in any GUID form.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    zone_id: &str,
) -> Result<Option<Zone>, StorageError> {
    let Some(id) = ids::parse_guid(zone_id) else {
        return Ok(None);
    };
    Ok(zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .filter(zones::id.eq(id))
        .select(Zone::as_select())
        .first(conn)
        .optional()?)
}

/// Returns one page of the tenant's zones, newest first, and the tenant's total.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Zone>, i64), StorageError> {
    let total = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    let page = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .order((zones::created_at.desc(), zones::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Zone::as_select())
        .load(conn)?;
    Ok((page, total))
}

/// Returns one page of the zones a device belongs to, newest first, and
/// their total, or `None` when the device is not one of the tenant's.
pub fn list_for_device_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Option<(Vec<Zone>, i64)>, StorageError> {
    let Some(device) = super::devices::find(conn, tenant_id, device_id)? else {
        return Ok(None);
    };
    let member_zones = device_zones::table
        .filter(device_zones::tenant_id.eq(tenant_id))
        .filter(device_zones::device_id.eq(&device.id))
        .select(device_zones::zone_id);
    let total = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .filter(zones::id.eq_any(member_zones))
        .count()
        .get_result::<i64>(conn)?;
    let page = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .filter(zones::id.eq_any(member_zones))
        .order((zones::created_at.desc(), zones::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Zone::as_select())
        .load(conn)?;
    Ok(Some((page, total)))
}

/// Counts the devices in each of the given zones, by zone id. Zones
/// without devices are left out of the map.
pub fn device_counts(
    conn: &mut DbConnection,
    tenant_id: &str,
    zone_ids: &[&str],
) -> Result<HashMap<String, i64>, StorageError> {
    if zone_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = device_zones::table
        .filter(device_zones::tenant_id.eq(tenant_id))
        .filter(device_zones::zone_id.eq_any(zone_ids))
        .group_by(device_zones::zone_id)
        .select((device_zones::zone_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Loads the zones of each of the given devices, by device id, each list
/// sorted by zone name. Devices in no zone are left out of the map.
pub fn of_devices(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_ids: &[&str],
) -> Result<HashMap<String, Vec<Zone>>, StorageError> {
    if device_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, Zone)> = device_zones::table
        .inner_join(zones::table)
        .filter(device_zones::tenant_id.eq(tenant_id))
        .filter(zones::tenant_id.eq(tenant_id))
        .filter(device_zones::device_id.eq_any(device_ids))
        .order((zones::name_normalized.asc(), zones::id.asc()))
        .select((device_zones::device_id, Zone::as_select()))
        .load(conn)?;
    let mut by_device: HashMap<String, Vec<Zone>> = HashMap::new();
    for (device_id, zone) in rows {
        by_device.entry(device_id).or_default().push(zone);
    }
    Ok(by_device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criticality_and_update_type_round_trip() {
        for value in Criticality::ALL {
            assert_eq!(Criticality::parse(value.as_str()), Some(*value));
        }
        for value in UpdateType::ALL {
            assert_eq!(UpdateType::parse(value.as_str()), Some(*value));
        }
        assert_eq!(Criticality::parse("high"), Some(Criticality::High));
        assert!(Criticality::parse("Medium").is_none());
    }

    #[test]
    fn zone_names_are_checked() {
        assert_eq!(validate_name("  Finance ").unwrap(), "Finance");
        for bad in ["", "   ", "R&D", "<script>", "tab\there"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        assert!(validate_name(&"z".repeat(255)).is_ok());
        assert!(validate_name(&"z".repeat(256)).is_err());
    }
}
