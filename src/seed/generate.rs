//! Row generators. Each draws from the seeded random number generator only,
//! so one seed and one starting time give the same rows.

use rand::prelude::*;

use super::catalog::{self, OsRelease};
use crate::domain::device_threats::{FileStatus, NewFindingRow};
use crate::domain::devices::{DeviceState, NewDeviceRow, normalize_host_name};
use crate::domain::memory_protection::{MemoryAction, MemoryProtectionEvent, ViolationType};
use crate::domain::threats::{Classification, NewThreatRow, SubClassification};
use crate::domain::zones::UpdateType;

pub const DAY: i64 = 86_400;

/// How far back generated activity goes: about six months.
pub const HISTORY_DAYS: i64 = 180;

/// Draws a version-4 UUID in stored form from `rng`.
pub fn uuid(rng: &mut impl Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Draws `bytes` random bytes and formats them as upper-case hex.
pub fn hex(rng: &mut impl Rng, bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02X}", rng.random::<u8>()))
        .collect()
}

/// Draws an address in one of the private IPv4 ranges (10/8, 172.16/12,
/// 192.168/16).
pub fn private_ip(rng: &mut impl Rng) -> String {
    match rng.random_range(0..10) {
        0..=5 => format!(
            "10.{}.{}.{}",
            rng.random_range(0..=255),
            rng.random_range(0..=255),
            rng.random_range(1..=254)
        ),
        6..=7 => format!(
            "172.{}.{}.{}",
            rng.random_range(16..=31),
            rng.random_range(0..=255),
            rng.random_range(1..=254)
        ),
        _ => format!(
            "192.168.{}.{}",
            rng.random_range(0..=255),
            rng.random_range(1..=254)
        ),
    }
}

/// Builds a MAC address that is unique for each `serial` below 2^24 within
/// one vendor prefix. The serial is multiplied by an odd constant and XORed
/// with `salt`, and both steps are bijections modulo 2^24.
pub fn mac(prefix: [u8; 3], serial: u32, salt: u32) -> String {
    let suffix = (serial.wrapping_mul(0x9E_37_79) ^ salt) & 0xFF_FF_FF;
    let bytes = [
        prefix[0],
        prefix[1],
        prefix[2],
        (suffix >> 16) as u8,
        (suffix >> 8) as u8,
        suffix as u8,
    ];
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("-")
}

/// Draws a time in `[start, end]`, or returns `start` when the range is empty.
pub fn time_between(rng: &mut impl Rng, start: i64, end: i64) -> i64 {
    if end <= start {
        start
    } else {
        rng.random_range(start..=end)
    }
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("catalog lists are not empty")
}

/// Picks from `items` with a bias towards the end of the list (newer
/// versions are more common than old ones).
fn pick_recent<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    let weight: f64 = rng.random::<f64>().sqrt();
    let index = ((weight * items.len() as f64) as usize).min(items.len() - 1);
    &items[index]
}

/// Index in `0..len` biased towards 0, so a few entries are very common.
pub fn popular_index(rng: &mut impl Rng, len: usize) -> usize {
    let u: f64 = rng.random();
    ((u * u * len as f64) as usize).min(len.saturating_sub(1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Windows,
    WindowsServer,
    MacOs,
    Linux,
}

impl Platform {
    pub fn draw(rng: &mut impl Rng) -> Platform {
        match rng.random_range(0..100) {
            0..=65 => Platform::Windows,
            66..=74 => Platform::WindowsServer,
            75..=86 => Platform::MacOs,
            _ => Platform::Linux,
        }
    }

    fn releases(self) -> &'static [OsRelease] {
        match self {
            Platform::Windows => &catalog::WINDOWS_DESKTOP,
            Platform::WindowsServer => &catalog::WINDOWS_SERVER,
            Platform::MacOs => &catalog::MACOS,
            Platform::Linux => &catalog::LINUX,
        }
    }

    fn agents(self) -> &'static [&'static str] {
        match self {
            Platform::Windows | Platform::WindowsServer => &catalog::WINDOWS_AGENTS,
            Platform::MacOs => &catalog::MACOS_AGENTS,
            Platform::Linux => &catalog::LINUX_AGENTS,
        }
    }

    /// Threats are grouped by the file format they run on.
    pub fn threat_family(self) -> usize {
        match self {
            Platform::Windows | Platform::WindowsServer => 0,
            Platform::MacOs => 1,
            Platform::Linux => 2,
        }
    }
}

/// Facts about the rest of the tenant that device generation draws on.
pub struct DeviceContext<'a> {
    pub tenant_id: &'a str,
    pub now: i64,
    pub ad_domain: &'static str,
    /// Mixed into every MAC address so tenants get different ones.
    pub mac_salt: u32,
    pub policy_ids: &'a [String],
    pub zone_ids: &'a [String],
    pub threats: &'a [GeneratedThreat],
    /// Indexes into `threats` per [`Platform::threat_family`].
    pub threats_by_family: &'a [Vec<usize>; 3],
    /// SHA-256 of each memory-protection image, per platform family.
    pub image_hashes: &'a [Vec<String>; 3],
}

/// A device with everything that hangs off it.
pub struct GeneratedDevice {
    pub row: NewDeviceRow,
    pub macs: Vec<String>,
    pub zone_ids: Vec<String>,
    pub findings: Vec<NewFindingRow>,
    pub events: Vec<MemoryProtectionEvent>,
}

struct Identity {
    name: String,
    host_name: String,
    user: String,
    distinguished_name: String,
}

fn identity(rng: &mut impl Rng, platform: Platform, domain: &str) -> Identity {
    let first = *pick(rng, &catalog::FIRST_NAMES);
    let last = *pick(rng, &catalog::LAST_NAMES);
    let login = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
    let domain_joined = rng.random_bool(0.8);
    let netbios = domain
        .split('.')
        .next()
        .unwrap_or("CORP")
        .to_ascii_uppercase();

    let (name, unit) = match platform {
        Platform::Windows => {
            let department = *pick(rng, &catalog::DEPARTMENTS);
            let name = if rng.random_bool(0.15) {
                format!("DESKTOP-{}", hex(rng, 4)[..7].to_owned())
            } else {
                let kind = if rng.random_bool(0.6) { "LT" } else { "WS" };
                format!("{department}-{kind}{:05}", rng.random_range(1..100_000))
            };
            (name, catalog::department_unit(department).to_owned())
        }
        Platform::WindowsServer => {
            let role = *pick(rng, &catalog::SERVER_ROLES);
            let site = *pick(rng, &["PAR", "NYC", "YUL", "FRA", "AUS", "SIN"]);
            (
                format!("{site}-{role}{:03}", rng.random_range(1..1000)),
                "Servers".to_owned(),
            )
        }
        Platform::MacOs => {
            let model = *pick(rng, &["MacBook-Pro", "MacBook-Air", "iMac", "Mac-mini"]);
            let suffix = rng.random_range(1..1000);
            (format!("{first}s-{model}-{suffix}"), String::new())
        }
        Platform::Linux => {
            let role = *pick(rng, &catalog::LINUX_ROLES);
            let environment = *pick(rng, &catalog::LINUX_ENVIRONMENTS);
            (
                format!("{role}-{environment}-{:03}", rng.random_range(1..1000)),
                String::new(),
            )
        }
    };

    let windows = matches!(platform, Platform::Windows | Platform::WindowsServer);
    let joined = windows && domain_joined;
    let host_name = if joined {
        format!("{name}.{domain}")
    } else if platform == Platform::Linux {
        format!("{name}.{domain}").to_lowercase()
    } else {
        name.clone()
    };

    let user = match platform {
        Platform::Windows if joined => format!("{netbios}\\{login}"),
        Platform::Windows => login,
        Platform::WindowsServer => format!("{netbios}\\svc-{}", last.to_lowercase()),
        Platform::MacOs => first.to_lowercase(),
        Platform::Linux => pick(rng, &catalog::LINUX_USERS).to_string(),
    };

    let distinguished_name = if joined {
        let components: Vec<String> = domain.split('.').map(|part| format!("DC={part}")).collect();
        format!("CN={name},OU={unit},OU=Computers,{}", components.join(","))
    } else {
        String::new()
    };

    Identity {
        name,
        host_name,
        user,
        distinguished_name,
    }
}

/// Generates device number `index` of the tenant.
pub fn device(rng: &mut impl Rng, context: &DeviceContext<'_>, index: u32) -> GeneratedDevice {
    let platform = Platform::draw(rng);
    let release = pick(rng, platform.releases());
    let identity = identity(rng, platform, context.ad_domain);
    let id = uuid(rng);
    let now = context.now;
    let registered_at = time_between(rng, now - HISTORY_DAYS * DAY, now - DAY);
    let online = rng.random_bool(0.72);
    let offline_at = if online {
        rng.random_bool(0.5)
            .then(|| time_between(rng, registered_at, now - 3600))
    } else {
        Some(time_between(rng, registered_at, now))
    };
    let modified_at = rng
        .random_bool(0.6)
        .then(|| time_between(rng, registered_at, now));

    let prefix = *pick(rng, &catalog::MAC_VENDOR_PREFIXES);
    let nic_count =
        if matches!(platform, Platform::Windows | Platform::MacOs) && rng.random_bool(0.4) {
            2
        } else {
            1
        };
    let macs: Vec<String> = (0..nic_count)
        .map(|nic| mac(prefix, index * 2 + nic, context.mac_salt))
        .collect();
    let ips: Vec<String> = (0..nic_count).map(|_| private_ip(rng)).collect();

    let policy_id = (!context.policy_ids.is_empty() && rng.random_bool(0.85))
        .then(|| pick(rng, context.policy_ids).clone());
    let mut zone_ids = Vec::new();
    if !context.zone_ids.is_empty() && rng.random_bool(0.9) {
        zone_ids.push(pick(rng, context.zone_ids).clone());
        if rng.random_bool(0.3) {
            let second = pick(rng, context.zone_ids).clone();
            if !zone_ids.contains(&second) {
                zone_ids.push(second);
            }
        }
    }

    let findings = findings(rng, context, platform, &id, registered_at);
    let unresolved = findings.iter().any(|finding| {
        finding.file_status == FileStatus::Default.as_str()
            || finding.file_status == FileStatus::Suspicious.as_str()
    });
    let events = memory_events(rng, context, platform, &id, &identity.user, registered_at);

    let update_type = match rng.random_range(0..10) {
        0 => None,
        1 => Some(UpdateType::Pilot),
        _ => Some(UpdateType::Production),
    };
    let row = NewDeviceRow {
        id: id.clone(),
        tenant_id: context.tenant_id.to_owned(),
        host_name_normalized: normalize_host_name(&identity.host_name),
        name: identity.name,
        host_name: identity.host_name,
        state: if online {
            DeviceState::Online
        } else {
            DeviceState::Offline
        }
        .as_str()
        .to_owned(),
        agent_version: pick_recent(rng, platform.agents()).to_string(),
        os_version: release.version.to_owned(),
        os_kernel_version: release.kernel.to_owned(),
        ip_addresses: serde_json::to_string(&ips).expect("strings serialize"),
        mac_addresses: serde_json::to_string(&macs).expect("strings serialize"),
        policy_id,
        last_logged_in_user: identity.user,
        distinguished_name: identity.distinguished_name,
        is_safe: !unresolved,
        background_detection: rng.random_bool(0.9),
        update_available: rng.random_bool(0.15),
        update_type: update_type.map(|kind| kind.as_str().to_owned()),
        registered_at,
        offline_at,
        modified_at,
    };
    GeneratedDevice {
        row,
        macs,
        zone_ids,
        findings,
        events,
    }
}

fn findings(
    rng: &mut impl Rng,
    context: &DeviceContext<'_>,
    platform: Platform,
    device_id: &str,
    registered_at: i64,
) -> Vec<NewFindingRow> {
    let candidates = &context.threats_by_family[platform.threat_family()];
    if candidates.is_empty() || !rng.random_bool(0.35) {
        return Vec::new();
    }
    let count = rng.random_range(1..=4);
    let mut rows: Vec<NewFindingRow> = Vec::with_capacity(count);
    for _ in 0..count {
        let threat = &context.threats[candidates[popular_index(rng, candidates.len())]];
        let path = file_path(rng, platform, &threat.file_name);
        if rows
            .iter()
            .any(|row| row.sha256 == threat.row.sha256 && row.file_path == path)
        {
            continue;
        }
        let status = match threat.row.classification.as_str() {
            "Malware" => match rng.random_range(0..10) {
                0..=5 => FileStatus::Quarantined,
                6..=7 => FileStatus::Default,
                8 => FileStatus::FileRemoved,
                _ => FileStatus::Whitelisted,
            },
            "Trusted" => FileStatus::Whitelisted,
            "File Unavailable" => FileStatus::Corrupt,
            _ => match rng.random_range(0..10) {
                0..=3 => FileStatus::Suspicious,
                4..=6 => FileStatus::Whitelisted,
                7..=8 => FileStatus::Quarantined,
                _ => FileStatus::Default,
            },
        };
        rows.push(NewFindingRow {
            tenant_id: context.tenant_id.to_owned(),
            device_id: device_id.to_owned(),
            sha256: threat.row.sha256.clone(),
            file_path: path,
            file_status: status.as_str().to_owned(),
            found_at: time_between(rng, registered_at, context.now),
        });
    }
    rows
}

fn file_path(rng: &mut impl Rng, platform: Platform, file_name: &str) -> String {
    let user = pick(rng, &catalog::FIRST_NAMES).to_lowercase();
    match platform {
        Platform::Windows | Platform::WindowsServer => {
            let folder = match rng.random_range(0..5) {
                0 => format!("C:\\Users\\{user}\\Downloads"),
                1 => format!("C:\\Users\\{user}\\AppData\\Local\\Temp"),
                2 => format!("C:\\Users\\{user}\\AppData\\Roaming\\Microsoft"),
                3 => "C:\\ProgramData".to_owned(),
                _ => "C:\\Windows\\Temp".to_owned(),
            };
            format!("{folder}\\{file_name}")
        }
        Platform::MacOs => match rng.random_range(0..3) {
            0 => format!("/Users/{user}/Downloads/{file_name}"),
            1 => format!("/Users/{user}/Library/Application Support/{file_name}"),
            _ => format!("/private/tmp/{file_name}"),
        },
        Platform::Linux => match rng.random_range(0..3) {
            0 => format!("/tmp/{file_name}"),
            1 => format!("/var/tmp/.cache/{file_name}"),
            _ => format!("/home/{user}/{file_name}"),
        },
    }
}

fn memory_events(
    rng: &mut impl Rng,
    context: &DeviceContext<'_>,
    platform: Platform,
    device_id: &str,
    user: &str,
    registered_at: i64,
) -> Vec<MemoryProtectionEvent> {
    if !rng.random_bool(0.15) {
        return Vec::new();
    }
    let family = platform.threat_family();
    let images: &[(&str, &str)] = match family {
        0 => &catalog::WINDOWS_IMAGES,
        1 => &catalog::MACOS_IMAGES,
        _ => &catalog::LINUX_IMAGES,
    };
    let windows = family == 0;
    let count = rng.random_range(1..=3);
    (0..count)
        .map(|_| {
            let image = rng.random_range(0..images.len());
            let (image_name, version) = images[image];
            let violation = if windows {
                *pick(rng, &ViolationType::ALL[..13])
            } else if family == 1 {
                *pick(
                    rng,
                    &[
                        ViolationType::DyldInjection,
                        ViolationType::MaliciousPayload,
                    ],
                )
            } else {
                *pick(
                    rng,
                    &[ViolationType::ZeroAllocate, ViolationType::MaliciousPayload],
                )
            };
            let action = match rng.random_range(0..20) {
                0..=11 => MemoryAction::Block,
                12..=14 => MemoryAction::Terminate,
                15 => MemoryAction::Warning,
                _ => MemoryAction::None,
            };
            MemoryProtectionEvent {
                id: uuid(rng),
                tenant_id: context.tenant_id.to_owned(),
                device_id: device_id.to_owned(),
                agent_event_id: uuid(rng),
                action: action.code(),
                violation_type: violation.code(),
                created_at: time_between(rng, registered_at, context.now),
                image_name: image_name.to_owned(),
                file_hash_id: context.image_hashes[family][image].clone(),
                file_version: version.to_owned(),
                dll_version: if windows && rng.random_bool(0.3) {
                    "10.0.19041.3636".to_owned()
                } else {
                    String::new()
                },
                process_id: rng.random_range(400..65_000),
                sid: if windows {
                    format!(
                        "S-1-5-21-{}-{}-{}-{}",
                        rng.random_range(1_000_000_000u32..4_000_000_000),
                        rng.random_range(1_000_000_000u32..4_000_000_000),
                        rng.random_range(1_000_000_000u32..4_000_000_000),
                        rng.random_range(1100..9000)
                    )
                } else {
                    String::new()
                },
                username: user.to_owned(),
                groups: if windows {
                    "Domain Users, Users".to_owned()
                } else {
                    "staff".to_owned()
                },
            }
        })
        .collect()
}

/// A threat of the tenant, with the platform family it runs on.
pub struct GeneratedThreat {
    pub row: NewThreatRow,
    pub file_name: String,
    pub family: usize,
}

/// Generates one threat. `first_found_at` and `last_found_at` are
/// provisional: the seed command aligns them with the findings afterwards.
pub fn threat(rng: &mut impl Rng, tenant_id: &str, now: i64) -> GeneratedThreat {
    let family = match rng.random_range(0..100) {
        0..=84 => 0,
        85..=92 => 1,
        _ => 2,
    };
    let classification = match rng.random_range(0..100) {
        0..=54 => Classification::Malware,
        55..=71 => Classification::Pup,
        72..=76 => Classification::PossiblePup,
        77..=93 => Classification::DualUse,
        94..=97 => Classification::Trusted,
        _ => Classification::FileUnavailable,
    };
    use SubClassification as Sub;
    let (base, sub, publisher, score): (String, &str, &str, f64) = match classification {
        Classification::Malware => {
            let sub = *pick(
                rng,
                &[
                    Sub::Trojan,
                    Sub::Trojan,
                    Sub::Ransom,
                    Sub::Backdoor,
                    Sub::Downloader,
                    Sub::Dropper,
                    Sub::Infostealer,
                    Sub::Worm,
                    Sub::Virus,
                    Sub::Bot,
                    Sub::Rootkit,
                    Sub::Exploit,
                    Sub::Generic,
                    Sub::FakeAv,
                    Sub::Parasitic,
                ],
            );
            let base = pick(rng, &catalog::MALWARE_NAMES).to_string();
            (base, sub.as_str(), "", -rng.random_range(0.6..=1.0))
        }
        Classification::Pup | Classification::PossiblePup => {
            let sub = *pick(
                rng,
                &[
                    Sub::Adware,
                    Sub::Toolbar,
                    Sub::Game,
                    Sub::PortableApplication,
                    Sub::Generic,
                    Sub::Other,
                ],
            );
            let base = pick(rng, &catalog::PUP_NAMES).to_string();
            (base, sub.as_str(), "", -rng.random_range(0.1..0.7))
        }
        Classification::DualUse => {
            let sub = *pick(
                rng,
                &[
                    Sub::RemoteAccess,
                    Sub::HackingTool,
                    Sub::PassCrack,
                    Sub::MonitoringTool,
                    Sub::Crack,
                    Sub::Keygen,
                    Sub::Tool,
                    Sub::ScriptingTool,
                ],
            );
            let (base, publisher) = *pick(rng, &catalog::DUAL_USE_TOOLS);
            (
                base.to_owned(),
                sub.as_str(),
                publisher,
                -rng.random_range(0.2..0.8),
            )
        }
        Classification::Trusted => {
            let publisher = *pick(rng, &catalog::TRUSTED_PUBLISHERS);
            let base = format!("helper_{}", hex(rng, 2).to_lowercase());
            (base, "", publisher, rng.random_range(0.3..=1.0))
        }
        _ => (
            format!("unavailable_{}", hex(rng, 2).to_lowercase()),
            "",
            "",
            0.0,
        ),
    };
    let extension = match family {
        0 => *pick(rng, &["exe", "exe", "exe", "dll", "ps1", "js", "scr"]),
        1 => *pick(rng, &["dmg", "pkg", "app", "sh"]),
        _ => *pick(rng, &["elf", "sh", "so", "bin"]),
    };
    let file_name = format!("{base}.{extension}");
    let signed = !publisher.is_empty() && rng.random_bool(0.85);
    let first_found_at = time_between(rng, now - HISTORY_DAYS * DAY, now - DAY);
    let row = NewThreatRow {
        tenant_id: tenant_id.to_owned(),
        sha256: hex(rng, 32),
        md5: hex(rng, 16),
        name: file_name.clone(),
        file_size: 1_i64 << rng.random_range(12..26) | rng.random_range(0..4096),
        classification: classification.as_str().to_owned(),
        sub_classification: sub.to_owned(),
        cylance_score: (score * 10_000.0).round() / 10_000.0,
        av_industry: rng
            .random_bool(0.3)
            .then(|| f64::from(rng.random_range(1..70_u32))),
        unique_to_cylance: classification == Classification::Malware && rng.random_bool(0.3),
        signed,
        cert_issuer: if signed {
            pick(rng, &catalog::CERT_ISSUERS).to_string()
        } else {
            String::new()
        },
        cert_publisher: if signed {
            publisher.to_owned()
        } else {
            String::new()
        },
        cert_timestamp: signed.then(|| time_between(rng, now - 900 * DAY, now - 200 * DAY)),
        detected_by: pick(rng, &catalog::DETECTED_BY).to_string(),
        running: rng.random_bool(0.05),
        auto_run: rng.random_bool(0.1),
        first_found_at,
        last_found_at: time_between(rng, first_found_at, now),
    };
    GeneratedThreat {
        row,
        file_name,
        family,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids;

    #[test]
    fn same_seed_gives_same_values() {
        let mut first = StdRng::seed_from_u64(7);
        let mut second = StdRng::seed_from_u64(7);
        for _ in 0..20 {
            assert_eq!(uuid(&mut first), uuid(&mut second));
            assert_eq!(private_ip(&mut first), private_ip(&mut second));
        }
    }

    #[test]
    fn uuids_are_canonical_version_4() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..50 {
            let id = uuid(&mut rng);
            assert_eq!(ids::parse_guid(&id).as_deref(), Some(id.as_str()));
            assert_eq!(&id[14..15], "4");
        }
    }

    #[test]
    fn ip_addresses_are_private() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..500 {
            let ip: std::net::Ipv4Addr = private_ip(&mut rng).parse().unwrap();
            assert!(ip.is_private(), "{ip}");
        }
    }

    #[test]
    fn macs_are_stored_form_and_unique_per_serial() {
        let prefix = catalog::MAC_VENDOR_PREFIXES[0];
        let mut seen = std::collections::HashSet::new();
        for serial in 0..50_000 {
            let text = mac(prefix, serial, 0x5A_5A_5A);
            assert_eq!(ids::parse_mac(&text).as_deref(), Some(text.as_str()));
            assert!(seen.insert(text), "serial {serial} repeats a MAC");
        }
        assert!(mac(prefix, 1, 0).starts_with("F8-BC-12-"));
    }

    #[test]
    fn threats_have_consistent_verdicts() {
        let mut rng = StdRng::seed_from_u64(3);
        let now = 1_750_000_000;
        for _ in 0..500 {
            let threat = threat(&mut rng, "t", now);
            let row = &threat.row;
            assert!(ids::parse_sha256(&row.sha256).as_deref() == Some(row.sha256.as_str()));
            assert!(ids::parse_md5(&row.md5).as_deref() == Some(row.md5.as_str()));
            assert!((-1.0..=1.0).contains(&row.cylance_score));
            let classification = Classification::parse(&row.classification).unwrap();
            match classification {
                Classification::Malware | Classification::Pup | Classification::DualUse => {
                    assert!(row.cylance_score < 0.0, "{row:?}");
                    assert!(SubClassification::parse(&row.sub_classification).is_some());
                }
                Classification::Trusted => assert!(row.cylance_score > 0.0),
                _ => {}
            }
            assert_eq!(row.signed, row.cert_timestamp.is_some());
            assert!(row.first_found_at <= row.last_found_at);
            assert!(row.last_found_at <= now);
        }
    }

    #[test]
    fn devices_look_like_their_platform() {
        let mut rng = StdRng::seed_from_u64(4);
        let threats: Vec<GeneratedThreat> = (0..40)
            .map(|_| threat(&mut rng, "t", 1_750_000_000))
            .collect();
        let mut by_family: [Vec<usize>; 3] = Default::default();
        for (index, threat) in threats.iter().enumerate() {
            by_family[threat.family].push(index);
        }
        let image_hashes: [Vec<String>; 3] = [
            (0..catalog::WINDOWS_IMAGES.len())
                .map(|_| hex(&mut rng, 32))
                .collect(),
            (0..catalog::MACOS_IMAGES.len())
                .map(|_| hex(&mut rng, 32))
                .collect(),
            (0..catalog::LINUX_IMAGES.len())
                .map(|_| hex(&mut rng, 32))
                .collect(),
        ];
        let policies = vec!["p".to_owned()];
        let zones = vec!["z1".to_owned(), "z2".to_owned()];
        let context = DeviceContext {
            tenant_id: "t",
            now: 1_750_000_000,
            ad_domain: "corp.example.com",
            mac_salt: 0x12_34_56,
            policy_ids: &policies,
            zone_ids: &zones,
            threats: &threats,
            threats_by_family: &by_family,
            image_hashes: &image_hashes,
        };
        for index in 0..300 {
            let device = device(&mut rng, &context, index);
            let row = &device.row;
            let kernel_ok = if row.os_version.starts_with("Microsoft Windows") {
                row.os_kernel_version.starts_with("10.0.")
                    || row.os_kernel_version.starts_with("6.3.")
            } else if row.os_version.starts_with("macOS") {
                row.os_kernel_version.ends_with(".0")
            } else {
                row.os_kernel_version.contains('-') || row.os_kernel_version.contains("el")
            };
            assert!(kernel_ok, "{} / {}", row.os_version, row.os_kernel_version);
            assert!(row.registered_at < context.now);
            assert_eq!(row.host_name_normalized, row.host_name.to_lowercase());
            let macs: Vec<String> = serde_json::from_str(&row.mac_addresses).unwrap();
            assert_eq!(macs, device.macs);
            let is_safe = device
                .findings
                .iter()
                .all(|f| f.file_status != "Default" && f.file_status != "Suspicious");
            assert_eq!(row.is_safe, is_safe);
            for finding in &device.findings {
                assert!(finding.found_at >= row.registered_at);
            }
        }
    }
}
