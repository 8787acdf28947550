//! Threats: files the agents found, one row per file (SHA-256) per tenant,
//! and the devices each was found on. Threats are read-only through the
//! API except for quarantining or waiving them on a device.

use std::collections::{HashMap, HashSet};

use diesel::dsl::count;
use diesel::prelude::*;

use super::global_list::ListType;
use super::ids;
use super::wire::wire_enum;
use crate::db::schema::{device_threats, devices, global_list_entries, threats};
use crate::db::{DbConnection, StorageError};

wire_enum! {
    /// The verdict class of a file. `Unknown` is sent as an empty string.
    pub enum Classification {
        Malware => "Malware",
        Pup => "PUP",
        PossiblePup => "Possible PUP",
        DualUse => "Dual Use",
        Trusted => "Trusted",
        FileUnavailable => "File Unavailable",
        Unknown => "",
    }
}

wire_enum! {
    /// The kind of threat within its classification.
    pub enum SubClassification {
        Adware => "Adware",
        Backdoor => "Backdoor",
        Bot => "Bot",
        Corrupt => "Corrupt",
        Crack => "Crack",
        Downloader => "Downloader",
        Dropper => "Dropper",
        Exploit => "Exploit",
        FakeAlert => "Fake Alert",
        FakeAv => "Fake AV",
        Game => "Game",
        Generic => "Generic",
        HackingTool => "Hacking Tool",
        Infostealer => "Infostealer",
        Keygen => "Keygen",
        MonitoringTool => "Monitoring Tool",
        Other => "Other",
        Parasitic => "Parasitic",
        PassCrack => "Pass Crack",
        PortableApplication => "Portable Application",
        Ransom => "Ransom",
        Remnant => "Remnant",
        RemoteAccess => "Remote Access",
        Rootkit => "Rootkit",
        ScriptingTool => "Scripting Tool",
        Tool => "Tool",
        Toolbar => "Toolbar",
        Trojan => "Trojan",
        Virus => "Virus",
        Worm => "Worm",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threats)]
pub struct Threat {
    pub tenant_id: String,
    pub sha256: String,
    pub md5: String,
    pub name: String,
    pub file_size: i64,
    pub classification: String,
    pub sub_classification: String,
    /// From -1 (certainly malicious) to 1 (certainly safe).
    pub cylance_score: f64,
    pub av_industry: Option<f64>,
    pub unique_to_cylance: bool,
    pub signed: bool,
    pub cert_issuer: String,
    pub cert_publisher: String,
    /// `None` when the file is not signed.
    pub cert_timestamp: Option<i64>,
    pub detected_by: String,
    pub running: bool,
    pub auto_run: bool,
    pub first_found_at: i64,
    pub last_found_at: i64,
}

/// The row of a new threat, as the seed command inserts it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = threats, treat_none_as_default_value = false)]
pub struct NewThreatRow {
    pub tenant_id: String,
    pub sha256: String,
    pub md5: String,
    pub name: String,
    pub file_size: i64,
    pub classification: String,
    pub sub_classification: String,
    pub cylance_score: f64,
    pub av_industry: Option<f64>,
    pub unique_to_cylance: bool,
    pub signed: bool,
    pub cert_issuer: String,
    pub cert_publisher: String,
    pub cert_timestamp: Option<i64>,
    pub detected_by: String,
    pub running: bool,
    pub auto_run: bool,
    pub first_found_at: i64,
    pub last_found_at: i64,
}

/// A threat with whether it is on the tenant's global lists.
#[derive(Debug, Clone)]
pub struct ListedThreat {
    pub threat: Threat,
    pub global_quarantined: bool,
    pub safelisted: bool,
}

/// Bounds on `last_found`, in Unix seconds, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub start: i64,
    pub end: i64,
}

/// Returns one page of the tenant's threats, most recently found first, and
/// the total that matches `window`.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    window: Option<TimeWindow>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListedThreat>, i64), StorageError> {
    let filtered = || {
        let query = threats::table
            .filter(threats::tenant_id.eq(tenant_id))
            .into_boxed();
        match window {
            Some(window) => query
                .filter(threats::last_found_at.ge(window.start))
                .filter(threats::last_found_at.le(window.end)),
            None => query,
        }
    };
    let total = filtered().count().get_result::<i64>(conn)?;
    let page: Vec<Threat> = filtered()
        .order((threats::last_found_at.desc(), threats::sha256.desc()))
        .offset(offset)
        .limit(limit)
        .select(Threat::as_select())
        .load(conn)?;
    Ok((with_list_flags(conn, tenant_id, page)?, total))
}

/// Finds a threat of the tenant by SHA-256 in any case.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    sha256: &str,
) -> Result<Option<ListedThreat>, StorageError> {
    let Some(sha256) = ids::parse_sha256(sha256) else {
        return Ok(None);
    };
    let threat = threats::table
        .filter(threats::tenant_id.eq(tenant_id))
        .filter(threats::sha256.eq(sha256))
        .select(Threat::as_select())
        .first(conn)
        .optional()?;
    Ok(match threat {
        Some(threat) => with_list_flags(conn, tenant_id, vec![threat])?.pop(),
        None => None,
    })
}

fn with_list_flags(
    conn: &mut DbConnection,
    tenant_id: &str,
    threats: Vec<Threat>,
) -> Result<Vec<ListedThreat>, StorageError> {
    let hashes: Vec<&str> = threats.iter().map(|t| t.sha256.as_str()).collect();
    let listed: HashSet<(String, String)> = if hashes.is_empty() {
        HashSet::new()
    } else {
        global_list_entries::table
            .filter(global_list_entries::tenant_id.eq(tenant_id))
            .filter(global_list_entries::sha256.eq_any(&hashes))
            .select((global_list_entries::list_type, global_list_entries::sha256))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect()
    };
    let on = |list: ListType, sha256: &str| {
        listed.contains(&(list.as_str().to_owned(), sha256.to_owned()))
    };
    Ok(threats
        .into_iter()
        .map(|threat| ListedThreat {
            global_quarantined: on(ListType::GlobalQuarantine, &threat.sha256),
            safelisted: on(ListType::GlobalSafe, &threat.sha256),
            threat,
        })
        .collect())
}

/// One place a threat was found: the device and the file on it.
#[derive(Debug, Clone, Queryable)]
pub struct ThreatOnDevice {
    pub device_id: String,
    pub device_name: String,
    pub state: String,
    pub agent_version: String,
    /// JSON array of strings, as stored for the device.
    pub ip_addresses: String,
    /// JSON array of strings, as stored for the device.
    pub mac_addresses: String,
    pub policy_id: Option<String>,
    pub file_path: String,
    pub file_status: String,
    pub found_at: i64,
}

impl ThreatOnDevice {
    pub fn ip_address_list(&self) -> Vec<String> {
        serde_json::from_str(&self.ip_addresses).unwrap_or_default()
    }

    pub fn mac_address_list(&self) -> Vec<String> {
        serde_json::from_str(&self.mac_addresses).unwrap_or_default()
    }
}

/// Returns one page of the places the tenant's threat `sha256` was found,
/// most recent first, and their total, or `None` when the tenant has no
/// such threat.
pub fn devices_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    sha256: &str,
    offset: i64,
    limit: i64,
) -> Result<Option<(Vec<ThreatOnDevice>, i64)>, StorageError> {
    let Some(listed) = find(conn, tenant_id, sha256)? else {
        return Ok(None);
    };
    let sha256 = listed.threat.sha256;
    let total = device_threats::table
        .filter(device_threats::tenant_id.eq(tenant_id))
        .filter(device_threats::sha256.eq(&sha256))
        .count()
        .get_result::<i64>(conn)?;
    let page = device_threats::table
        .inner_join(devices::table)
        .filter(device_threats::tenant_id.eq(tenant_id))
        .filter(device_threats::sha256.eq(&sha256))
        .order((
            device_threats::found_at.desc(),
            device_threats::device_id.desc(),
            device_threats::file_path.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select((
            devices::id,
            devices::name,
            devices::state,
            devices::agent_version,
            devices::ip_addresses,
            devices::mac_addresses,
            devices::policy_id,
            device_threats::file_path,
            device_threats::file_status,
            device_threats::found_at,
        ))
        .load(conn)?;
    Ok(Some((page, total)))
}

/// Counts the distinct devices each of the given threats was found on, by
/// upper-case SHA-256. Threats found nowhere are left out of the map.
pub fn device_counts(
    conn: &mut DbConnection,
    tenant_id: &str,
    hashes: &[&str],
) -> Result<HashMap<String, i64>, StorageError> {
    if hashes.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = device_threats::table
        .filter(device_threats::tenant_id.eq(tenant_id))
        .filter(device_threats::sha256.eq_any(hashes))
        .group_by(device_threats::sha256)
        .select((
            device_threats::sha256,
            count(device_threats::device_id).aggregate_distinct(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifications_round_trip() {
        for value in Classification::ALL {
            assert_eq!(Classification::parse(value.as_str()), Some(*value));
        }
        assert_eq!(Classification::Unknown.as_str(), "");
        assert_eq!(
            Classification::parse("possible pup"),
            Some(Classification::PossiblePup)
        );
    }

    #[test]
    fn sub_classifications_round_trip() {
        assert_eq!(SubClassification::ALL.len(), 30);
        for value in SubClassification::ALL {
            assert_eq!(SubClassification::parse(value.as_str()), Some(*value));
        }
        assert_eq!(SubClassification::FakeAv.as_str(), "Fake AV");
    }
}
