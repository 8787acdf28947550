//! The domain's write operations on tenant data: zones, policies, devices,
//! device threats, global lists and device deletion. Each checks its input,
//! stays inside its tenant and writes all or nothing.

use aurora_console::db::DbConnection;
use aurora_console::db::schema::{self, device_threats, device_zones, threats};
use aurora_console::domain::device_deletion::{self, DeletionError};
use aurora_console::domain::device_threats::{self as findings, DeviceThreatError, ThreatEvent};
use aurora_console::domain::devices::{self, DeviceError, DeviceUpdate, NewDeviceRow};
use aurora_console::domain::global_list::{self, GlobalListError, ListType, NewEntry};
use aurora_console::domain::policies::{self, PolicyError};
use aurora_console::domain::zones::{self, Criticality, NewZone, ZoneError, ZoneUpdate};
use aurora_console::domain::{ids, threats as threat_reads};
use diesel::prelude::*;
use serde_json::json;

use crate::support::TestDatabase;

const NOW: i64 = 1_780_000_000;
const SHA: &str = "ed01ebfbc9eb5bbea545af4d01bf5f1071661840480439c6e5babe8e080e41aa";

fn insert_device(conn: &mut DbConnection, tenant: &str, name: &str, mac: &str) -> String {
    let id = ids::new_id();
    diesel::insert_into(schema::devices::table)
        .values(NewDeviceRow {
            id: id.clone(),
            tenant_id: tenant.to_owned(),
            name: name.to_owned(),
            host_name: format!("{name}.corp.example.com"),
            host_name_normalized: format!("{name}.corp.example.com").to_lowercase(),
            state: "Online".into(),
            agent_version: "3.3.1014".into(),
            os_version: "Microsoft Windows 11 Enterprise".into(),
            os_kernel_version: "10.0.22631".into(),
            ip_addresses: r#"["10.0.0.5"]"#.into(),
            mac_addresses: format!(r#"["{mac}"]"#),
            policy_id: None,
            last_logged_in_user: "CORP\\alex".into(),
            distinguished_name: String::new(),
            is_safe: true,
            background_detection: true,
            update_available: false,
            update_type: Some("Production".into()),
            registered_at: NOW - 1000,
            offline_at: None,
            modified_at: None,
        })
        .execute(conn)
        .unwrap();
    diesel::insert_into(aurora_console::db::schema::device_mac_addresses::table)
        .values(devices::MacAddressRow {
            tenant_id: tenant.to_owned(),
            device_id: id.clone(),
            mac_address: mac.to_owned(),
        })
        .execute(conn)
        .unwrap();
    id
}

fn create_policy(conn: &mut DbConnection, tenant: &str, name: &str) -> String {
    policies::create(
        conn,
        tenant,
        &json!({ "policy_name": name, "checksum": "" }),
        NOW,
    )
    .unwrap()
    .id
}

fn create_zone(conn: &mut DbConnection, tenant: &str, name: &str) -> String {
    let new = NewZone {
        name: name.to_owned(),
        ..NewZone::default()
    };
    zones::create(conn, tenant, new, NOW).unwrap().id
}

#[test]
fn zone_create_rejects_bad_input_naming_field() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Zones");
    let other = db.tenant("Other");
    let foreign_policy = create_policy(&mut db.conn(), &other, "Theirs");
    let mut conn = db.conn();

    let cases = [
        (
            NewZone {
                name: "  ".into(),
                ..Default::default()
            },
            "name: must not be empty",
        ),
        (
            NewZone {
                name: "R&D".into(),
                ..Default::default()
            },
            "name: must not contain",
        ),
        (
            NewZone {
                name: "Z".into(),
                policy_id: Some(foreign_policy.clone()),
                criticality: None,
            },
            "policy_id:",
        ),
        (
            NewZone {
                name: "Z".into(),
                policy_id: Some("not-a-guid".into()),
                criticality: None,
            },
            "policy_id:",
        ),
    ];
    for (new, expected) in cases {
        let err = zones::create(&mut conn, &tenant, new, NOW).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err}");
    }
    assert_eq!(zones::list_page(&mut conn, &tenant, 0, 10).unwrap().1, 0);
}

#[test]
fn zone_names_are_unique_per_tenant_ignoring_case() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Zones");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let zone = zones::create(
        &mut conn,
        &tenant,
        NewZone {
            name: " Finance ".into(),
            ..Default::default()
        },
        NOW,
    )
    .unwrap();
    assert_eq!(zone.name, "Finance");
    assert_eq!(zone.criticality(), Criticality::Normal);
    assert_eq!(zone.policy_id, None);
    assert_eq!(zone.update_type, "Production");

    let clash = zones::create(
        &mut conn,
        &tenant,
        NewZone {
            name: "FINANCE".into(),
            ..Default::default()
        },
        NOW,
    );
    assert!(matches!(clash, Err(ZoneError::NameTaken(_))));
    create_zone(&mut conn, &other, "Finance");
}

#[test]
fn zone_update_changes_only_given_fields() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Zones");
    let mut conn = db.conn();
    let policy = create_policy(&mut conn, &tenant, "Servers");
    let zone_id = create_zone(&mut conn, &tenant, "Servers");

    let change = ZoneUpdate {
        policy_id: Some(Some(policy.to_uppercase().replace('-', ""))),
        criticality: Some(Criticality::High),
        ..Default::default()
    };
    let zone = zones::update(&mut conn, &tenant, &zone_id, change, NOW + 5).unwrap();
    assert_eq!(zone.name, "Servers");
    assert_eq!(zone.policy_id.as_deref(), Some(policy.as_str()));
    assert_eq!(zone.criticality(), Criticality::High);
    assert_eq!(zone.modified_at, NOW + 5);

    let cleared = ZoneUpdate {
        policy_id: Some(None),
        ..Default::default()
    };
    let zone = zones::update(&mut conn, &tenant, &zone_id, cleared, NOW + 6).unwrap();
    assert_eq!(zone.policy_id, None);

    let other = db.tenant("Other");
    let foreign = zones::update(&mut conn, &other, &zone_id, ZoneUpdate::default(), NOW);
    assert!(matches!(foreign, Err(ZoneError::NotFound)));
}

#[test]
fn zone_delete_keeps_its_devices() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Zones");
    let mut conn = db.conn();
    let zone_id = create_zone(&mut conn, &tenant, "Lab");
    let device = insert_device(&mut conn, &tenant, "LAB-01", "00-11-22-33-44-55");
    let change = DeviceUpdate {
        add_zone_ids: vec![zone_id.clone()],
        ..Default::default()
    };
    devices::update(&mut conn, &tenant, &device, change, NOW).unwrap();

    let other = db.tenant("Other");
    assert!(matches!(
        zones::delete(&mut conn, &other, &zone_id),
        Err(ZoneError::NotFound)
    ));
    zones::delete(&mut conn, &tenant, &zone_id).unwrap();
    assert!(
        devices::find(&mut conn, &tenant, &device)
            .unwrap()
            .is_some()
    );
    let memberships: i64 = device_zones::table.count().get_result(&mut conn).unwrap();
    assert_eq!(memberships, 0);
    assert!(matches!(
        zones::delete(&mut conn, &tenant, &zone_id),
        Err(ZoneError::NotFound)
    ));
}

#[test]
fn policy_create_completes_document_and_checks_name() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Policies");
    let mut conn = db.conn();
    let input = json!({
        "policy_name": "Laptops",
        "checksum": "",
        "policy_id": "",
        "policy": [{ "name": "auto_blocking", "value": "0" }],
    });
    let policy = policies::create(&mut conn, &tenant, &input, NOW).unwrap();
    let document = policy.document_json();
    assert_eq!(document["policy_id"], policy.id.as_str());
    assert_eq!(document["policy_name"], "Laptops");
    assert_eq!(
        document["policy_utctimestamp"],
        format!("/Date({}000)/", NOW)
    );
    assert!(document["memoryviolation_actions"]["memory_violations"].is_array());

    let clash = policies::create(
        &mut conn,
        &tenant,
        &json!({ "policy_name": "laptops" }),
        NOW,
    );
    assert!(matches!(clash, Err(PolicyError::NameTaken(_))));
    let missing =
        policies::create(&mut conn, &tenant, &json!({ "checksum": "" }), NOW).unwrap_err();
    assert_eq!(missing.to_string(), "policy.policy_name: is required");
    assert_eq!(policies::list_page(&mut conn, &tenant, 0, 10).unwrap().1, 1);
}

#[test]
fn policy_update_needs_id_of_own_tenant() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Policies");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let id = create_policy(&mut conn, &tenant, "Original");

    let missing = policies::update(&mut conn, &tenant, &json!({ "policy_name": "X" }), NOW);
    assert!(matches!(missing, Err(PolicyError::MissingId)));
    let renamed = json!({ "policy_id": id, "policy_name": "Renamed", "checksum": "" });
    let foreign = policies::update(&mut conn, &other, &renamed, NOW + 1);
    assert!(matches!(foreign, Err(PolicyError::NotFound(_))));

    let updated = policies::update(&mut conn, &tenant, &renamed, NOW + 10).unwrap();
    assert_eq!(updated.name, "Renamed");
    assert_eq!(updated.created_at, NOW);
    assert_eq!(updated.modified_at, NOW + 10);
    assert_eq!(updated.document_json()["policy_name"], "Renamed");
}

#[test]
fn policy_delete_is_atomic() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Policies");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let first = create_policy(&mut conn, &tenant, "First");
    let second = create_policy(&mut conn, &tenant, "Second");
    let foreign = create_policy(&mut conn, &other, "Foreign");
    let device = insert_device(&mut conn, &tenant, "WS-1", "00-11-22-33-44-66");
    let change = DeviceUpdate {
        policy_id: Some(Some(first.clone())),
        ..Default::default()
    };
    devices::update(&mut conn, &tenant, &device, change, NOW).unwrap();
    let zone = zones::create(
        &mut conn,
        &tenant,
        NewZone {
            name: "Z".into(),
            policy_id: Some(first.clone()),
            criticality: None,
        },
        NOW,
    )
    .unwrap();

    let mixed = policies::delete(&mut conn, &tenant, &[first.clone(), foreign.clone()]);
    assert!(matches!(mixed, Err(PolicyError::NotFound(id)) if id == foreign));
    assert_eq!(policies::list_page(&mut conn, &tenant, 0, 10).unwrap().1, 2);
    let (summaries, _) = policies::list_page(&mut conn, &tenant, 0, 10).unwrap();
    let used = summaries.iter().find(|p| p.id == first).unwrap();
    assert_eq!((used.device_count, used.zone_count), (1, 1));

    let deleted =
        policies::delete(&mut conn, &tenant, &[first.clone(), second.to_uppercase()]).unwrap();
    assert_eq!(deleted, 2);
    let device = devices::find(&mut conn, &tenant, &device).unwrap().unwrap();
    assert_eq!(device.policy_id, None);
    let zone = zones::find(&mut conn, &tenant, &zone.id).unwrap().unwrap();
    assert_eq!(zone.policy_id, None);
    assert!(
        policies::find(&mut conn, &other, &foreign)
            .unwrap()
            .is_some()
    );
}

#[test]
fn device_update_is_atomic() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Devices");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let zone = create_zone(&mut conn, &tenant, "Mine");
    let foreign_zone = create_zone(&mut conn, &other, "Theirs");
    let policy = create_policy(&mut conn, &tenant, "P");
    let device = insert_device(&mut conn, &tenant, "WS-2", "00-11-22-33-44-77");

    let change = DeviceUpdate {
        name: Some("Renamed".into()),
        policy_id: Some(Some(policy.clone())),
        add_zone_ids: vec![zone.clone(), foreign_zone.clone()],
        remove_zone_ids: vec![],
    };
    let err = devices::update(&mut conn, &tenant, &device, change, NOW).unwrap_err();
    assert!(
        matches!(&err, DeviceError::UnknownZone { field: "add_zone_ids", value } if *value == foreign_zone),
        "{err}"
    );
    let unchanged = devices::find(&mut conn, &tenant, &device).unwrap().unwrap();
    assert_eq!(unchanged.name, "WS-2");
    assert_eq!(unchanged.policy_id, None);
    assert!(
        devices::zone_ids_of(&mut conn, &tenant, &device)
            .unwrap()
            .is_empty()
    );

    let empty_name = DeviceUpdate {
        name: Some(" ".into()),
        ..Default::default()
    };
    let err = devices::update(&mut conn, &tenant, &device, empty_name, NOW).unwrap_err();
    assert_eq!(err.to_string(), "name: must not be empty");
    let foreign = devices::update(&mut conn, &other, &device, DeviceUpdate::default(), NOW);
    assert!(matches!(foreign, Err(DeviceError::NotFound)));
}

#[test]
fn device_update_renames_and_moves_zones() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Devices");
    let mut conn = db.conn();
    let first = create_zone(&mut conn, &tenant, "First");
    let second = create_zone(&mut conn, &tenant, "Second");
    let device = insert_device(&mut conn, &tenant, "WS-3", "00-11-22-33-44-88");

    let change = DeviceUpdate {
        name: Some("WS-3-renamed".into()),
        add_zone_ids: vec![first.clone(), second.clone(), first.clone()],
        ..Default::default()
    };
    let updated = devices::update(&mut conn, &tenant, &device, change, NOW + 3).unwrap();
    assert_eq!(updated.name, "WS-3-renamed");
    assert_eq!(updated.modified_at, Some(NOW + 3));
    let mut members = devices::zone_ids_of(&mut conn, &tenant, &device).unwrap();
    members.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(members, expected);

    let change = DeviceUpdate {
        add_zone_ids: vec![second.clone()],
        remove_zone_ids: vec![first.to_uppercase()],
        ..Default::default()
    };
    devices::update(&mut conn, &tenant, &device, change, NOW + 4).unwrap();
    assert_eq!(
        devices::zone_ids_of(&mut conn, &tenant, &device).unwrap(),
        vec![second.clone()]
    );
    let (in_zone, total) = devices::list_in_zone_page(&mut conn, &tenant, &second, 0, 10)
        .unwrap()
        .unwrap();
    assert_eq!((in_zone.len(), total), (1, 1));
}

#[test]
fn device_lookups_stay_in_tenant() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Devices");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let device = insert_device(&mut conn, &tenant, "MAC-01", "0A-1B-2C-3D-4E-5F");
    insert_device(&mut conn, &other, "MAC-01", "0A-1B-2C-3D-4E-5F");

    let by_mac = devices::find_by_mac(&mut conn, &tenant, "0a:1b:2c:3d:4e:5f").unwrap();
    assert_eq!(
        by_mac.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        vec![device.clone()]
    );
    let by_host =
        devices::find_by_host_name(&mut conn, &tenant, "mac-01.CORP.example.com").unwrap();
    assert_eq!(by_host.len(), 1);
    assert!(
        devices::find_by_mac(&mut conn, &tenant, "nonsense")
            .unwrap()
            .is_empty()
    );
}

fn insert_threat_on(conn: &mut DbConnection, tenant: &str, device: &str, paths: &[&str]) {
    diesel::insert_into(threats::table)
        .values((
            threats::tenant_id.eq(tenant),
            threats::sha256.eq(SHA.to_uppercase()),
            threats::md5.eq("D41D8CD98F00B204E9800998ECF8427E"),
            threats::name.eq("invoice.exe"),
            threats::file_size.eq(48_128_i64),
            threats::classification.eq("Malware"),
            threats::sub_classification.eq("Trojan"),
            threats::cylance_score.eq(-0.98),
            threats::unique_to_cylance.eq(false),
            threats::signed.eq(false),
            threats::cert_issuer.eq(""),
            threats::cert_publisher.eq(""),
            threats::detected_by.eq("File Watcher"),
            threats::running.eq(false),
            threats::auto_run.eq(false),
            threats::first_found_at.eq(NOW - 100),
            threats::last_found_at.eq(NOW - 50),
        ))
        .execute(conn)
        .unwrap();
    for path in paths {
        diesel::insert_into(device_threats::table)
            .values(findings::NewFindingRow {
                tenant_id: tenant.to_owned(),
                device_id: device.to_owned(),
                sha256: SHA.to_uppercase(),
                file_path: path.to_string(),
                file_status: "Default".into(),
                found_at: NOW - 50,
            })
            .execute(conn)
            .unwrap();
    }
}

#[test]
fn device_threat_event_changes_every_file_of_threat() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Threats");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let device = insert_device(&mut conn, &tenant, "WS-4", "00-11-22-33-44-99");
    let bare = insert_device(&mut conn, &tenant, "WS-5", "00-11-22-33-44-9A");
    insert_threat_on(
        &mut conn,
        &tenant,
        &device,
        &["C:\\a\\invoice.exe", "C:\\b\\invoice.exe"],
    );

    let bad = findings::apply_event(&mut conn, &tenant, &device, "abc", ThreatEvent::Quarantine);
    assert_eq!(
        bad.unwrap_err().to_string(),
        "threat_id: \"abc\" is not a SHA-256 (64 hexadecimal digits)"
    );
    let foreign = findings::apply_event(&mut conn, &other, &device, SHA, ThreatEvent::Quarantine);
    assert!(matches!(foreign, Err(DeviceThreatError::DeviceNotFound)));
    let absent = findings::apply_event(&mut conn, &tenant, &bare, SHA, ThreatEvent::Quarantine);
    assert!(matches!(absent, Err(DeviceThreatError::ThreatNotFound)));

    let changed =
        findings::apply_event(&mut conn, &tenant, &device, SHA, ThreatEvent::Quarantine).unwrap();
    assert_eq!(changed, 2);
    let (page, total) = findings::list_page(&mut conn, &tenant, &device, 0, 10)
        .unwrap()
        .unwrap();
    assert_eq!(total, 2);
    assert!(page.iter().all(|f| f.file_status == "Quarantined"));
    assert_eq!(page[0].classification, "Malware");

    findings::apply_event(
        &mut conn,
        &tenant,
        &device,
        &SHA.to_uppercase(),
        ThreatEvent::Waive,
    )
    .unwrap();
    let (page, _) = findings::list_page(&mut conn, &tenant, &device, 0, 10)
        .unwrap()
        .unwrap();
    assert!(page.iter().all(|f| f.file_status == "Whitelisted"));
}

#[test]
fn global_list_detects_duplicates_and_absent_entries() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Lists");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let device = insert_device(&mut conn, &tenant, "WS-6", "00-11-22-33-44-AA");
    insert_threat_on(&mut conn, &tenant, &device, &["C:\\x.exe"]);

    let quarantine = |sha256: &str| NewEntry {
        list_type: ListType::GlobalQuarantine,
        sha256: sha256.to_owned(),
        reason: "Seen in phishing".into(),
        category: None,
        file_name: None,
    };
    let bad = global_list::add(&mut conn, &tenant, quarantine("xyz"), "app", NOW);
    assert!(matches!(bad, Err(GlobalListError::InvalidSha256(_))));
    let unexplained = NewEntry {
        reason: "   ".into(),
        ..quarantine(SHA)
    };
    let unexplained = global_list::add(&mut conn, &tenant, unexplained, "app", NOW);
    assert!(matches!(unexplained, Err(GlobalListError::MissingReason)));
    global_list::add(&mut conn, &tenant, quarantine(SHA), "app", NOW).unwrap();
    let duplicate = global_list::add(
        &mut conn,
        &tenant,
        quarantine(&SHA.to_uppercase()),
        "app",
        NOW,
    );
    let message = duplicate.unwrap_err().to_string();
    assert!(
        message.contains("There's already an entry for this threat"),
        "{message}"
    );
    global_list::add(&mut conn, &other, quarantine(SHA), "app", NOW).unwrap();

    let (entries, total) =
        global_list::list_page(&mut conn, &tenant, ListType::GlobalQuarantine, 0, 10).unwrap();
    assert_eq!(total, 1);
    assert_eq!(entries[0].name, "invoice.exe");
    assert_eq!(entries[0].md5, "D41D8CD98F00B204E9800998ECF8427E");
    assert_eq!(entries[0].classification.as_deref(), Some("Malware"));
    let listed = threat_reads::find(&mut conn, &tenant, SHA)
        .unwrap()
        .unwrap();
    assert!(listed.global_quarantined);
    assert!(!listed.safelisted);

    let safe_without_category = NewEntry {
        list_type: ListType::GlobalSafe,
        category: None,
        ..quarantine(SHA)
    };
    let err = global_list::add(&mut conn, &tenant, safe_without_category, "app", NOW).unwrap_err();
    assert!(
        err.to_string().starts_with("category: is required"),
        "{err}"
    );
    let safe = NewEntry {
        list_type: ListType::GlobalSafe,
        category: Some("Commerical Software".into()),
        file_name: Some("tool.exe".into()),
        ..quarantine(SHA)
    };
    global_list::add(&mut conn, &tenant, safe, "app", NOW).unwrap();
    let (safe_entries, _) =
        global_list::list_page(&mut conn, &tenant, ListType::GlobalSafe, 0, 10).unwrap();
    assert_eq!(safe_entries[0].category, "CommercialSoftware");
    assert_eq!(safe_entries[0].name, "tool.exe");

    global_list::delete(&mut conn, &tenant, ListType::GlobalQuarantine, SHA).unwrap();
    let again = global_list::delete(&mut conn, &tenant, ListType::GlobalQuarantine, SHA);
    assert_eq!(
        again.unwrap_err().to_string(),
        "There's no entry for this threat"
    );
    let (_, others) =
        global_list::list_page(&mut conn, &other, ListType::GlobalQuarantine, 0, 10).unwrap();
    assert_eq!(others, 1);
}

#[test]
fn device_deletion_runs_later_and_only_in_tenant() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Deletion");
    let other = db.tenant("Other");
    let mut conn = db.conn();
    let mine = insert_device(&mut conn, &tenant, "OLD-1", "00-11-22-33-44-BB");
    let theirs = insert_device(&mut conn, &other, "OLD-2", "00-11-22-33-44-CC");

    let too_many: Vec<String> = (0..21).map(|_| ids::new_id()).collect();
    assert!(matches!(
        device_deletion::request(&mut conn, &tenant, &too_many, None, "app", NOW),
        Err(DeletionError::TooManyDevices(21))
    ));
    let ids_given = vec![mine.to_uppercase(), theirs.clone(), "garbage".to_owned()];
    let empty_callback =
        device_deletion::request(&mut conn, &tenant, &ids_given, Some(""), "app", NOW);
    assert_eq!(
        empty_callback.unwrap_err().to_string(),
        "callback_url: must not be empty; leave it out when no callback is wanted"
    );
    let only_garbage =
        device_deletion::request(&mut conn, &tenant, &["x".into()], None, "app", NOW);
    assert!(matches!(only_garbage, Err(DeletionError::NoDevices)));

    let request = device_deletion::request(
        &mut conn,
        &tenant,
        &ids_given,
        Some("https://soar.example.com/hooks/deleted"),
        "app",
        NOW,
    )
    .unwrap();
    assert_eq!(request.device_id_list(), vec![mine.clone(), theirs.clone()]);
    assert!(devices::find(&mut conn, &tenant, &mine).unwrap().is_some());

    assert_eq!(
        device_deletion::complete_pending(&mut conn, NOW + 60).unwrap(),
        1
    );
    assert!(devices::find(&mut conn, &tenant, &mine).unwrap().is_none());
    assert!(devices::find(&mut conn, &other, &theirs).unwrap().is_some());
    let stored = device_deletion::find(&mut conn, &tenant, &request.id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.completed_at, Some(NOW + 60));
    assert!(
        device_deletion::find(&mut conn, &other, &request.id)
            .unwrap()
            .is_none()
    );
    assert_eq!(
        device_deletion::complete_pending(&mut conn, NOW + 120).unwrap(),
        0
    );
}
