//! Fills a tenant with generated data that looks like a real fleet:
//! policies, zones, devices with their zones and MAC addresses, threats and
//! where they were found, global-list entries and memory-protection events.
//! The demo and the benchmarks use it; agents are out of scope, so this is
//! the only source of devices and threats.
//!
//! Everything is written in one transaction, in multi-row inserts, so a
//! failed run leaves the tenant untouched. Devices are generated and
//! inserted in chunks, so memory stays flat however many are asked for.

mod catalog;
mod generate;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use rand::prelude::*;

use crate::db::schema::{
    device_mac_addresses, device_threats, device_zones, devices, global_list_entries,
    memory_protection_events, policies, threats, users, zones,
};
use crate::db::{DbConnection, StorageError};
use crate::domain::devices::{DeviceZoneRow, MacAddressRow};
use crate::domain::global_list::{ListType, NewEntryRow};
use crate::domain::policies::{NewPolicyRow, normalize_name as normalize_policy_name};
use crate::domain::policy_document;
use crate::domain::zones::{Criticality, NewZoneRow, UpdateType, normalize_name};
use crate::domain::{ids, tenants};
use generate::{DAY, GeneratedDevice, GeneratedThreat, HISTORY_DAYS};

/// Devices generated and inserted at a time.
const DEVICE_CHUNK: usize = 2_000;

/// Rows per INSERT statement, kept well under SQLite's limit of 32,766
/// bound parameters (the widest table, devices, has 21 columns).
const ROWS_PER_STATEMENT: usize = 1_000;

/// The `added_by` of generated global-list entries when the tenant has no
/// user yet.
const NIL_ID: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub devices: usize,
    /// Generated data depends only on this seed, the tenant id and `now`.
    pub seed: u64,
}

/// How many rows of each kind were written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub policies: usize,
    pub zones: usize,
    pub devices: usize,
    pub device_zones: usize,
    pub mac_addresses: usize,
    pub threats: usize,
    pub device_threats: usize,
    pub global_list_entries: usize,
    pub memory_protection_events: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("no tenant has the id {0:?}")]
    UnknownTenant(String),
    #[error("tenant {0} already has policies, zones or devices; seed fills only an empty tenant")]
    NotEmpty(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for SeedError {
    fn from(err: diesel::result::Error) -> Self {
        SeedError::Storage(err.into())
    }
}

/// Seeds the tenant `tenant_id` (any GUID form) as of `now`.
pub fn run(
    conn: &mut DbConnection,
    tenant_id: &str,
    options: SeedOptions,
    now: i64,
) -> Result<SeedSummary, SeedError> {
    let tenant_id = ids::parse_guid(tenant_id)
        .filter(|id| matches!(tenants::find(conn, id), Ok(Some(_))))
        .ok_or_else(|| SeedError::UnknownTenant(tenant_id.to_owned()))?;
    crate::db::write_transaction(conn, |conn| {
        if has_resources(conn, &tenant_id)? {
            return Err(SeedError::NotEmpty(tenant_id.clone()));
        }
        let mut rng = StdRng::seed_from_u64(options.seed ^ fnv1a(tenant_id.as_bytes()));
        Seeder {
            conn,
            rng: &mut rng,
            tenant_id: &tenant_id,
            now,
            summary: SeedSummary::default(),
        }
        .run(options.devices)
    })
}

fn has_resources(conn: &mut DbConnection, tenant_id: &str) -> Result<bool, StorageError> {
    let policies = policies::table
        .filter(policies::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    let zones = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    let devices = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    Ok(policies + zones + devices > 0)
}

/// FNV-1a, to mix the tenant id into the seed: two tenants seeded with the
/// same number must not get the same device ids.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Seeder<'a> {
    conn: &'a mut DbConnection,
    rng: &'a mut StdRng,
    tenant_id: &'a str,
    now: i64,
    summary: SeedSummary,
}

impl Seeder<'_> {
    fn run(mut self, device_count: usize) -> Result<SeedSummary, SeedError> {
        let policy_ids = self.policies()?;
        let zone_ids = self.zones(device_count, &policy_ids)?;
        let threats = self.threats(device_count)?;
        let mut threats_by_family: [Vec<usize>; 3] = Default::default();
        for (index, threat) in threats.iter().enumerate() {
            threats_by_family[threat.family].push(index);
        }
        let image_hashes: [Vec<String>; 3] = [
            self.hashes(catalog::WINDOWS_IMAGES.len()),
            self.hashes(catalog::MACOS_IMAGES.len()),
            self.hashes(catalog::LINUX_IMAGES.len()),
        ];
        let ad_domain = *catalog::AD_DOMAINS
            .choose(self.rng)
            .expect("the domain list is not empty");
        let context = generate::DeviceContext {
            tenant_id: self.tenant_id,
            now: self.now,
            ad_domain,
            mac_salt: self.rng.random_range(0..1 << 24),
            policy_ids: &policy_ids,
            zone_ids: &zone_ids,
            threats: &threats,
            threats_by_family: &threats_by_family,
            image_hashes: &image_hashes,
        };

        let mut next_index: u32 = 0;
        while (next_index as usize) < device_count {
            let chunk = DEVICE_CHUNK.min(device_count - next_index as usize);
            let generated: Vec<GeneratedDevice> = (0..chunk as u32)
                .map(|offset| generate::device(self.rng, &context, next_index + offset))
                .collect();
            self.insert_devices(generated)?;
            next_index += chunk as u32;
        }
        self.align_threat_dates()?;
        self.global_list(&threats)?;
        Ok(self.summary)
    }

    fn hashes(&mut self, count: usize) -> Vec<String> {
        (0..count).map(|_| generate::hex(self.rng, 32)).collect()
    }

    fn policies(&mut self) -> Result<Vec<String>, SeedError> {
        let mut rows = Vec::new();
        for (index, name) in catalog::POLICY_NAMES.iter().enumerate() {
            let id = generate::uuid(self.rng);
            let created_at = generate::time_between(
                self.rng,
                self.now - HISTORY_DAYS * DAY,
                self.now - 30 * DAY,
            );
            let modified_at = generate::time_between(self.rng, created_at, self.now);
            let mut document = policy_document::default_document(&id, name, modified_at);
            vary_policy(&mut document, index);
            rows.push(NewPolicyRow {
                id,
                tenant_id: self.tenant_id.to_owned(),
                name: name.to_string(),
                name_normalized: normalize_policy_name(name),
                document: document.to_string(),
                created_at,
                modified_at,
            });
        }
        insert_chunks(self.conn, &rows, |conn, chunk| {
            diesel::insert_into(policies::table)
                .values(chunk)
                .execute(conn)
        })?;
        self.summary.policies = rows.len();
        Ok(rows.into_iter().map(|row| row.id).collect())
    }

    fn zones(
        &mut self,
        device_count: usize,
        policy_ids: &[String],
    ) -> Result<Vec<String>, SeedError> {
        let count = (device_count / 50).clamp(4, 40);
        let mut rows = Vec::with_capacity(count);
        for index in 0..count {
            let base = catalog::ZONE_NAMES[index % catalog::ZONE_NAMES.len()];
            let name = match index / catalog::ZONE_NAMES.len() {
                0 => base.to_owned(),
                round => format!("{base} {}", round + 1),
            };
            let criticality = if name.contains("Servers") || name.contains("Controllers") {
                Criticality::High
            } else {
                *[Criticality::Low, Criticality::Normal, Criticality::Normal]
                    .choose(self.rng)
                    .expect("not empty")
            };
            let update_type = match self.rng.random_range(0..20) {
                0 => UpdateType::Test,
                1..=3 => UpdateType::Pilot,
                _ => UpdateType::Production,
            };
            let created_at =
                generate::time_between(self.rng, self.now - HISTORY_DAYS * DAY, self.now - 7 * DAY);
            rows.push(NewZoneRow {
                id: generate::uuid(self.rng),
                tenant_id: self.tenant_id.to_owned(),
                name_normalized: normalize_name(&name),
                name,
                policy_id: self
                    .rng
                    .random_bool(0.8)
                    .then(|| policy_ids.choose(self.rng).cloned())
                    .flatten(),
                criticality: criticality.as_str().to_owned(),
                update_type: update_type.as_str().to_owned(),
                zone_rule_id: self.rng.random_bool(0.2).then(|| generate::uuid(self.rng)),
                created_at,
                modified_at: generate::time_between(self.rng, created_at, self.now),
            });
        }
        insert_chunks(self.conn, &rows, |conn, chunk| {
            diesel::insert_into(zones::table)
                .values(chunk)
                .execute(conn)
        })?;
        self.summary.zones = rows.len();
        Ok(rows.into_iter().map(|row| row.id).collect())
    }

    fn threats(&mut self, device_count: usize) -> Result<Vec<GeneratedThreat>, SeedError> {
        let count = (device_count / 4).clamp(20, 4_000);
        let mut threats = Vec::with_capacity(count);
        let mut seen = std::collections::HashSet::new();
        while threats.len() < count {
            let threat = generate::threat(self.rng, self.tenant_id, self.now);
            if seen.insert(threat.row.sha256.clone()) {
                threats.push(threat);
            }
        }
        let rows: Vec<_> = threats.iter().map(|threat| threat.row.clone()).collect();
        insert_chunks(self.conn, &rows, |conn, chunk| {
            diesel::insert_into(threats::table)
                .values(chunk)
                .execute(conn)
        })?;
        self.summary.threats = rows.len();
        Ok(threats)
    }

    fn insert_devices(&mut self, generated: Vec<GeneratedDevice>) -> Result<(), SeedError> {
        let mut rows = Vec::with_capacity(generated.len());
        let mut macs = Vec::new();
        let mut memberships = Vec::new();
        let mut findings = Vec::new();
        let mut events = Vec::new();
        for device in generated {
            for mac in device.macs {
                macs.push(MacAddressRow {
                    tenant_id: self.tenant_id.to_owned(),
                    device_id: device.row.id.clone(),
                    mac_address: mac,
                });
            }
            for zone_id in device.zone_ids {
                memberships.push(DeviceZoneRow {
                    tenant_id: self.tenant_id.to_owned(),
                    device_id: device.row.id.clone(),
                    zone_id,
                });
            }
            findings.extend(device.findings);
            events.extend(device.events);
            rows.push(device.row);
        }

        insert_chunks(self.conn, &rows, |conn, chunk| {
            diesel::insert_into(devices::table)
                .values(chunk)
                .execute(conn)
        })?;
        insert_chunks(self.conn, &macs, |conn, chunk| {
            diesel::insert_into(device_mac_addresses::table)
                .values(chunk)
                .execute(conn)
        })?;
        insert_chunks(self.conn, &memberships, |conn, chunk| {
            diesel::insert_into(device_zones::table)
                .values(chunk)
                .execute(conn)
        })?;
        insert_chunks(self.conn, &findings, |conn, chunk| {
            diesel::insert_into(device_threats::table)
                .values(chunk)
                .execute(conn)
        })?;
        insert_chunks(self.conn, &events, |conn, chunk| {
            diesel::insert_into(memory_protection_events::table)
                .values(chunk)
                .execute(conn)
        })?;

        self.summary.devices += rows.len();
        self.summary.mac_addresses += macs.len();
        self.summary.device_zones += memberships.len();
        self.summary.device_threats += findings.len();
        self.summary.memory_protection_events += events.len();
        Ok(())
    }

    /// Sets each found threat's first and last sighting to its earliest and
    /// latest finding, so the newest finding's `date_found` equals the
    /// threat's `last_found` (a connector matches the two as strings).
    fn align_threat_dates(&mut self) -> Result<(), SeedError> {
        diesel::sql_query(
            "UPDATE threats SET
                first_found_at = (SELECT MIN(found_at) FROM device_threats f
                                  WHERE f.tenant_id = threats.tenant_id AND f.sha256 = threats.sha256),
                last_found_at = (SELECT MAX(found_at) FROM device_threats f
                                 WHERE f.tenant_id = threats.tenant_id AND f.sha256 = threats.sha256)
             WHERE tenant_id = $1
               AND EXISTS (SELECT 1 FROM device_threats f
                           WHERE f.tenant_id = threats.tenant_id AND f.sha256 = threats.sha256)",
        )
        .bind::<Text, _>(self.tenant_id)
        .execute(self.conn)?;
        Ok(())
    }

    fn global_list(&mut self, threats: &[GeneratedThreat]) -> Result<(), SeedError> {
        let added_by: String = users::table
            .filter(users::tenant_id.eq(self.tenant_id))
            .order((users::created_at.asc(), users::id.asc()))
            .select(users::id)
            .first(self.conn)
            .optional()?
            .unwrap_or_else(|| NIL_ID.to_owned());
        let mut rows = Vec::new();
        let malware = threats
            .iter()
            .filter(|threat| threat.row.classification == "Malware");
        let quarantine_count = (threats.len() / 10).clamp(5, 60);
        for threat in malware.take(quarantine_count) {
            let reason = *catalog::QUARANTINE_REASONS
                .choose(self.rng)
                .expect("not empty");
            rows.push(self.entry(
                ListType::GlobalQuarantine,
                &threat.row.sha256,
                &threat.row.md5,
                &threat.row.name,
                reason,
                "",
                &added_by,
            ));
        }
        let trusted = threats
            .iter()
            .filter(|threat| matches!(threat.row.classification.as_str(), "Trusted" | "Dual Use"));
        for threat in trusted.take(10) {
            let reason = *catalog::SAFE_REASONS.choose(self.rng).expect("not empty");
            rows.push(self.entry(
                ListType::GlobalSafe,
                &threat.row.sha256,
                &threat.row.md5,
                &threat.row.name,
                reason,
                "AdminTool",
                &added_by,
            ));
        }
        for (name, category) in catalog::SAFE_PROGRAMS {
            let sha256 = generate::hex(self.rng, 32);
            let md5 = generate::hex(self.rng, 16);
            let reason = *catalog::SAFE_REASONS.choose(self.rng).expect("not empty");
            rows.push(self.entry(
                ListType::GlobalSafe,
                &sha256,
                &md5,
                name,
                reason,
                category,
                &added_by,
            ));
        }
        insert_chunks(self.conn, &rows, |conn, chunk| {
            diesel::insert_into(global_list_entries::table)
                .values(chunk)
                .execute(conn)
        })?;
        self.summary.global_list_entries = rows.len();
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        list_type: ListType,
        sha256: &str,
        md5: &str,
        name: &str,
        reason: &str,
        category: &str,
        added_by: &str,
    ) -> NewEntryRow {
        NewEntryRow {
            tenant_id: self.tenant_id.to_owned(),
            list_type: list_type.as_str().to_owned(),
            sha256: sha256.to_owned(),
            md5: md5.to_owned(),
            name: name.to_owned(),
            reason: reason.to_owned(),
            category: category.to_owned(),
            added_at: generate::time_between(self.rng, self.now - HISTORY_DAYS * DAY, self.now),
            added_by: added_by.to_owned(),
        }
    }
}

/// Gives the generated policies different settings, so they are not eight
/// copies of the default.
fn vary_policy(document: &mut serde_json::Value, index: usize) {
    let set = |document: &mut serde_json::Value, name: &str, value: &str| {
        if let Some(settings) = document["policy"].as_array_mut() {
            for setting in settings.iter_mut() {
                if setting["name"] == name {
                    setting["value"] = serde_json::Value::from(value);
                }
            }
        }
    };
    match index % 4 {
        0 => set(document, "auto_blocking", "1"),
        1 => {
            set(document, "auto_blocking", "0");
            set(document, "kill_running_threats", "0");
            document["filetype_actions"]["threat_files"][0]["actions"] = "0".into();
        }
        2 => {
            set(document, "script_control", "1");
            document["script_control"]["global_settings"]["control_mode"] = "Block".into();
            document["script_control"]["powershell_settings"]["console_mode"] = "Block".into();
        }
        _ => {
            set(document, "device_control", "1");
            set(document, "full_disc_scan", "2");
        }
    }
}

/// Inserts `rows` in statements of at most [`ROWS_PER_STATEMENT`] rows.
fn insert_chunks<T>(
    conn: &mut DbConnection,
    rows: &[T],
    mut insert: impl FnMut(&mut DbConnection, &[T]) -> QueryResult<usize>,
) -> Result<(), StorageError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        insert(conn, chunk)?;
    }
    Ok(())
}

/// Row counts of one tenant's resource tables, for checks after seeding.
pub fn count_rows(conn: &mut DbConnection, tenant_id: &str) -> Result<SeedSummary, StorageError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut count = |table: &str| -> Result<usize, StorageError> {
        let row: Count = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE tenant_id = $1"
        ))
        .bind::<Text, _>(tenant_id)
        .get_result(conn)?;
        Ok(row.n as usize)
    };
    Ok(SeedSummary {
        policies: count("policies")?,
        zones: count("zones")?,
        devices: count("devices")?,
        device_zones: count("device_zones")?,
        mac_addresses: count("device_mac_addresses")?,
        threats: count("threats")?,
        device_threats: count("device_threats")?,
        global_list_entries: count("global_list_entries")?,
        memory_protection_events: count("memory_protection_events")?,
    })
}
