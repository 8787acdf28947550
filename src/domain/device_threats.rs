//! Threats as found on one device: each file path with its status, and the
//! Quarantine and Waive actions an administrator or application takes on them.

use diesel::prelude::*;

use super::wire::wire_enum;
use super::{devices, ids};
use crate::db::schema::{device_threats, threats};
use crate::db::{DbConnection, StorageError};

wire_enum! {
    /// The state of a file on a device.
    pub enum FileStatus {
        /// Found and considered unsafe; nothing done yet.
        Default => "Default",
        Quarantined => "Quarantined",
        /// Waived on this device.
        Whitelisted => "Whitelisted",
        /// Abnormal: not malicious enough to be unsafe.
        Suspicious => "Suspicious",
        FileRemoved => "FileRemoved",
        Corrupt => "Corrupt",
    }
}

wire_enum! {
    /// Action on a threat found on one device.
    pub enum ThreatEvent {
        Quarantine => "Quarantine",
        Waive => "Waive",
    }
}

impl ThreatEvent {
    /// Returns the status every file of the threat on the device gets.
    pub fn resulting_status(self) -> FileStatus {
        match self {
            ThreatEvent::Quarantine => FileStatus::Quarantined,
            ThreatEvent::Waive => FileStatus::Whitelisted,
        }
    }
}

/// The row of one finding, as the seed command inserts it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = device_threats)]
pub struct NewFindingRow {
    pub tenant_id: String,
    pub device_id: String,
    pub sha256: String,
    pub file_path: String,
    pub file_status: String,
    pub found_at: i64,
}

/// A file found on a device, with the threat's verdict.
#[derive(Debug, Clone, Queryable)]
pub struct DeviceThreat {
    pub sha256: String,
    pub file_path: String,
    pub file_status: String,
    pub found_at: i64,
    pub name: String,
    pub classification: String,
    pub sub_classification: String,
    pub cylance_score: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceThreatError {
    #[error("threat_id: {0:?} is not a SHA-256 (64 hexadecimal digits)")]
    InvalidThreatId(String),
    #[error("Device not found")]
    DeviceNotFound,
    #[error("Threat not found on this device")]
    ThreatNotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for DeviceThreatError {
    fn from(err: diesel::result::Error) -> Self {
        DeviceThreatError::Storage(err.into())
    }
}

/// Returns one page of the files found on a device, most recent first, and
/// their total, or `None` when the device is not one of the tenant's.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Option<(Vec<DeviceThreat>, i64)>, StorageError> {
    let Some(device) = devices::find(conn, tenant_id, device_id)? else {
        return Ok(None);
    };
    let total = device_threats::table
        .filter(device_threats::tenant_id.eq(tenant_id))
        .filter(device_threats::device_id.eq(&device.id))
        .count()
        .get_result::<i64>(conn)?;
    let page = device_threats::table
        .inner_join(
            threats::table.on(threats::tenant_id
                .eq(device_threats::tenant_id)
                .and(threats::sha256.eq(device_threats::sha256))),
        )
        .filter(device_threats::tenant_id.eq(tenant_id))
        .filter(device_threats::device_id.eq(&device.id))
        .order((
            device_threats::found_at.desc(),
            device_threats::sha256.desc(),
            device_threats::file_path.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select((
            device_threats::sha256,
            device_threats::file_path,
            device_threats::file_status,
            device_threats::found_at,
            threats::name,
            threats::classification,
            threats::sub_classification,
            threats::cylance_score,
        ))
        .load(conn)?;
    Ok(Some((page, total)))
}

/// Quarantines or waives the threat `threat_id` (a SHA-256) on a device:
/// every file of that threat on the device takes the resulting status.
/// Returns how many files changed.
pub fn apply_event(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_id: &str,
    threat_id: &str,
    event: ThreatEvent,
) -> Result<usize, DeviceThreatError> {
    let sha256 = ids::parse_sha256(threat_id)
        .ok_or_else(|| DeviceThreatError::InvalidThreatId(threat_id.to_owned()))?;
    let device =
        devices::find(conn, tenant_id, device_id)?.ok_or(DeviceThreatError::DeviceNotFound)?;
    let changed = diesel::update(
        device_threats::table
            .filter(device_threats::tenant_id.eq(tenant_id))
            .filter(device_threats::device_id.eq(&device.id))
            .filter(device_threats::sha256.eq(&sha256)),
    )
    .set(device_threats::file_status.eq(event.resulting_status().as_str()))
    .execute(conn)?;
    if changed == 0 {
        return Err(DeviceThreatError::ThreatNotFound);
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_status_and_event_round_trip() {
        for value in FileStatus::ALL {
            assert_eq!(FileStatus::parse(value.as_str()), Some(*value));
        }
        for value in ThreatEvent::ALL {
            assert_eq!(ThreatEvent::parse(value.as_str()), Some(*value));
        }
        assert_eq!(
            ThreatEvent::Quarantine.resulting_status(),
            FileStatus::Quarantined
        );
        assert_eq!(
            ThreatEvent::Waive.resulting_status(),
            FileStatus::Whitelisted
        );
    }
}
