//! The read-only console pages: Devices, Zones, Policies, Global List and
//! Threats. Anonymous visitors are sent to sign in, every role may read,
//! another tenant's records are indistinguishable from missing ones, and
//! the pages show the stored values, paginated and in order.

use actix_web::http::StatusCode;
use aurora_console::clock::console_timestamp;
use aurora_console::db::DbConnection;
use aurora_console::db::schema::{device_mac_addresses, device_threats, devices, threats};
use aurora_console::domain::device_threats::NewFindingRow;
use aurora_console::domain::devices::{
    DeviceUpdate, MacAddressRow, NewDeviceRow, normalize_host_name,
};
use aurora_console::domain::global_list::{self, ListType, NewEntry};
use aurora_console::domain::threats::NewThreatRow;
use aurora_console::domain::users::Role;
use aurora_console::domain::zones::{Criticality, NewZone};
use aurora_console::domain::{ids, policies, zones};
use aurora_console::seed::{self, SeedOptions};
use diesel::prelude::*;
use serde_json::json;

use crate::support::{Browser, PASSWORD, Response, TestApp, create_application};

const LIST_PAGES: [&str; 6] = [
    "/devices",
    "/zones",
    "/policies",
    "/global-list",
    "/global-list?list=safe",
    "/threats",
];

const SHA_A: &str = "ed01ebfbc9eb5bbea545af4d01bf5f1071661840480439c6e5babe8e080e41aa";
const SHA_B: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const SHA_C: &str = "5f4dcc3b5aa765d61d8327deb882cf995f4dcc3b5aa765d61d8327deb882cf99";

/// Returns a moment five days ago, the reference time of a test's rows.
fn base_time() -> i64 {
    aurora_console::clock::now() - 5 * 86_400
}

/// Inserts an online Windows device with one IP and one MAC address, as an
/// agent would register it, and returns its id.
fn insert_device(
    conn: &mut DbConnection,
    tenant: &str,
    name: &str,
    mac: &str,
    registered_at: i64,
) -> String {
    let id = ids::new_id();
    let host_name = format!("{name}.corp.example.com");
    diesel::insert_into(devices::table)
        .values(NewDeviceRow {
            id: id.clone(),
            tenant_id: tenant.to_owned(),
            name: name.to_owned(),
            host_name_normalized: normalize_host_name(&host_name),
            host_name,
            state: "Online".into(),
            agent_version: "3.4.1022".into(),
            os_version: "Microsoft Windows 11 Enterprise".into(),
            os_kernel_version: "10.0.22631".into(),
            ip_addresses: r#"["10.20.30.40"]"#.into(),
            mac_addresses: format!(r#"["{mac}"]"#),
            policy_id: None,
            last_logged_in_user: "CORP\\alex".into(),
            distinguished_name: String::new(),
            is_safe: true,
            background_detection: true,
            update_available: false,
            update_type: Some("Production".into()),
            registered_at,
            offline_at: None,
            modified_at: None,
        })
        .execute(conn)
        .unwrap();
    diesel::insert_into(device_mac_addresses::table)
        .values(MacAddressRow {
            tenant_id: tenant.to_owned(),
            device_id: id.clone(),
            mac_address: mac.to_owned(),
        })
        .execute(conn)
        .unwrap();
    id
}

/// Inserts a threat last found at `last_found` and returns its upper-case SHA-256.
fn insert_threat(
    conn: &mut DbConnection,
    tenant: &str,
    sha256: &str,
    name: &str,
    score: f64,
    last_found: i64,
) -> String {
    let sha256 = sha256.to_ascii_uppercase();
    diesel::insert_into(threats::table)
        .values(NewThreatRow {
            tenant_id: tenant.to_owned(),
            sha256: sha256.clone(),
            md5: "D41D8CD98F00B204E9800998ECF8427E".into(),
            name: name.to_owned(),
            file_size: 1_468_006,
            classification: "Malware".into(),
            sub_classification: "Ransom".into(),
            cylance_score: score,
            av_industry: None,
            unique_to_cylance: false,
            signed: false,
            cert_issuer: String::new(),
            cert_publisher: String::new(),
            cert_timestamp: None,
            detected_by: "File Watcher".into(),
            running: false,
            auto_run: false,
            first_found_at: last_found - 3_600,
            last_found_at: last_found,
        })
        .execute(conn)
        .unwrap();
    sha256
}

fn insert_finding(
    conn: &mut DbConnection,
    tenant: &str,
    device_id: &str,
    sha256: &str,
    file_path: &str,
    status: &str,
    found_at: i64,
) {
    diesel::insert_into(device_threats::table)
        .values(NewFindingRow {
            tenant_id: tenant.to_owned(),
            device_id: device_id.to_owned(),
            sha256: sha256.to_owned(),
            file_path: file_path.to_owned(),
            file_status: status.to_owned(),
            found_at,
        })
        .execute(conn)
        .unwrap();
}

/// Creates a user of `tenant` with `role` and signs a new browser in as it.
async fn sign_in(app: &TestApp, tenant: &str, email: &str, role: Role) -> Browser {
    app.user(tenant, email, role);
    let mut browser = app.browser();
    browser.sign_in(email, PASSWORD).await;
    browser
}

async fn get_ok(browser: &mut Browser, path: &str) -> Response {
    let response = browser.get(path).await;
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    response
}

/// Decodes the character references that askama writes for `"&'<>`.
fn unescape(html: &str) -> String {
    html.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// Asserts that `first` appears in `body` before `second`.
fn assert_before(body: &str, first: &str, second: &str) {
    let first_at = body
        .find(first)
        .unwrap_or_else(|| panic!("{first} missing"));
    let second_at = body
        .find(second)
        .unwrap_or_else(|| panic!("{second} missing"));
    assert!(first_at < second_at, "{first} is not before {second}");
}

#[actix_web::test]
async fn anonymous_visitor_is_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    let device_id = ids::new_id();
    let detail_pages = [
        format!("/devices/{device_id}"),
        format!("/policies/{device_id}"),
        format!("/threats/{SHA_A}"),
    ];
    let paths = LIST_PAGES
        .iter()
        .map(|path| path.to_string())
        .chain(detail_pages);
    for path in paths {
        let response = browser.get(&path).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.location(), Some("/login"), "{path}");
    }
}

#[actix_web::test]
async fn other_tenants_records_are_not_found() {
    let app = TestApp::spawn().await;
    let ours = app.tenant("Ours", "2024-01-01");
    let theirs = app.tenant("Theirs", "2024-01-01");
    let now = base_time();
    let (their_device, their_policy, their_threat) = {
        let mut conn = app.pool().get().unwrap();
        let device = insert_device(&mut conn, &theirs, "THEIR-WS01", "0A-0B-0C-0D-0E-0F", now);
        let policy = policies::create(
            &mut conn,
            &theirs,
            &json!({ "policy_name": "Their Policy" }),
            now,
        )
        .unwrap()
        .id;
        let threat = insert_threat(&mut conn, &theirs, SHA_A, "their.exe", -0.9, now);
        (device, policy, threat)
    };
    let mut browser = sign_in(&app, &ours, "admin@ours.test", Role::Administrator).await;

    let missing = browser.get(&format!("/devices/{}", ids::new_id())).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let foreign_and_malformed = [
        format!("/devices/{their_device}"),
        format!(
            "/devices/{}",
            their_device.to_ascii_uppercase().replace('-', "")
        ),
        format!("/policies/{their_policy}"),
        format!("/threats/{their_threat}"),
        format!("/threats/{}", their_threat.to_ascii_lowercase()),
        "/devices/not-a-guid".to_owned(),
        "/policies/%3Cscript%3E".to_owned(),
        format!("/threats/{}", &SHA_B[..63]),
        format!("/policies/{}", ids::new_id()),
        format!("/threats/{SHA_B}"),
    ];
    for path in foreign_and_malformed {
        let response = browser.get(&path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.body, missing.body, "{path}");
    }

    for path in LIST_PAGES {
        let page = get_ok(&mut browser, path).await;
        assert!(!page.body.contains("THEIR-WS01"), "{path}");
        assert!(!page.body.contains("Their Policy"), "{path}");
        assert!(!page.body.contains("their.exe"), "{path}");
    }
}

#[actix_web::test]
async fn every_role_reads_every_page() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Fleet", "2024-01-01");
    seed::run(
        &mut app.pool().get().unwrap(),
        &tenant,
        SeedOptions {
            devices: 60,
            seed: 7,
        },
        aurora_console::clock::now(),
    )
    .unwrap();
    let roles = [
        Role::Administrator,
        Role::ZoneManager,
        Role::User,
        Role::ReadOnly,
    ];
    for (index, role) in roles.into_iter().enumerate() {
        let email = format!("reader{index}@fleet.test");
        let mut browser = sign_in(&app, &tenant, &email, role).await;

        let dashboard = get_ok(&mut browser, "/dashboard").await;
        for nav in [
            "nav-devices",
            "nav-zones",
            "nav-policies",
            "nav-global-list",
            "nav-threats",
        ] {
            assert!(
                dashboard.body.contains(&format!("id=\"{nav}\"")),
                "{role:?} has no {nav}"
            );
        }
        let mut detail_links = Vec::new();
        for path in LIST_PAGES {
            let page = get_ok(&mut browser, path).await;
            assert!(
                !page.body.contains("id=\"empty\""),
                "{role:?} {path} is empty"
            );
            for prefix in ["/devices/", "/policies/", "/threats/"] {
                let marker = format!("href=\"{prefix}");
                if let Some(start) = page.body.find(&marker) {
                    let rest = &page.body[start + 6..];
                    detail_links.push(rest[..rest.find('"').unwrap()].to_owned());
                }
            }
        }
        assert!(detail_links.len() >= 3, "{role:?}: {detail_links:?}");
        for path in detail_links {
            get_ok(&mut browser, &path).await;
        }
    }
}

#[actix_web::test]
async fn device_list_shows_device_facts() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Facts", "2024-01-01");
    let now = base_time();
    let (device_id, policy_id) = {
        let mut conn = app.pool().get().unwrap();
        let policy_id = policies::create(
            &mut conn,
            &tenant,
            &json!({ "policy_name": "Workstations - Auto Quarantine" }),
            now,
        )
        .unwrap()
        .id;
        let zone_id = zones::create(
            &mut conn,
            &tenant,
            NewZone {
                name: "Finance Workstations".into(),
                policy_id: None,
                criticality: Some(Criticality::High),
            },
            now,
        )
        .unwrap()
        .id;
        let device_id = insert_device(&mut conn, &tenant, "FIN-WS0042", "06-F8-13-8B-16-C9", now);
        let change = DeviceUpdate {
            policy_id: Some(Some(policy_id.clone())),
            add_zone_ids: vec![zone_id],
            ..DeviceUpdate::default()
        };
        aurora_console::domain::devices::update(&mut conn, &tenant, &device_id, change, now)
            .unwrap();
        (device_id, policy_id)
    };
    let mut browser = sign_in(&app, &tenant, "reader@facts.test", Role::ReadOnly).await;

    let page = get_ok(&mut browser, "/devices").await;
    assert!(
        page.body
            .contains(&format!("<a href=\"/devices/{device_id}\">FIN-WS0042</a>"))
    );
    assert!(page.body.contains("06-F8-13-8B-16-C9"));
    assert!(page.body.contains("10.20.30.40"));
    assert!(page.body.contains("Microsoft Windows 11 Enterprise"));
    assert!(page.body.contains("3.4.1022"));
    assert!(page.body.contains("Online"));
    assert!(page.body.contains(&format!(
        "<a href=\"/policies/{policy_id}\">Workstations - Auto Quarantine</a>"
    )));
    assert!(page.body.contains("Finance Workstations"));
    assert_eq!(page.text_of("pager-total"), "1 device");
    assert_eq!(page.text_of("pager-position"), "Page 1 of 1");
}

#[actix_web::test]
async fn device_pages_hold_fifty_newest_first() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Many", "2024-01-01");
    let now = base_time();
    {
        let mut conn = app.pool().get().unwrap();
        for index in 0..51 {
            let mac = format!("02-00-00-00-00-{index:02X}");
            // WS-00 is the newest, WS-50 the oldest: the 51st in API order.
            insert_device(
                &mut conn,
                &tenant,
                &format!("WS-{index:02}"),
                &mac,
                now - index * 60,
            );
        }
    }
    let mut browser = sign_in(&app, &tenant, "user@many.test", Role::User).await;

    let first = get_ok(&mut browser, "/devices").await;
    assert!(first.body.contains(">WS-00<"));
    assert!(first.body.contains(">WS-49<"));
    assert!(!first.body.contains(">WS-50<"));
    assert_before(&first.body, ">WS-00<", ">WS-01<");
    assert_before(&first.body, ">WS-01<", ">WS-49<");
    assert_eq!(first.text_of("pager-total"), "51 devices");
    assert_eq!(first.text_of("pager-position"), "Page 1 of 2");
    assert!(first.body.contains("href=\"/devices?page=2\""));

    let second = get_ok(&mut browser, "/devices?page=2").await;
    assert!(second.body.contains(">WS-50<"));
    assert!(!second.body.contains(">WS-49<"));
    assert_eq!(second.text_of("pager-position"), "Page 2 of 2");

    for junk in [
        "/devices?page=abc",
        "/devices?page=0",
        "/devices?page=-1",
        "/devices?page=",
    ] {
        let page = get_ok(&mut browser, junk).await;
        assert_eq!(page.text_of("pager-position"), "Page 1 of 2", "{junk}");
    }
    let past_end = get_ok(&mut browser, "/devices?page=99").await;
    assert_eq!(past_end.text_of("pager-position"), "Page 2 of 2");
    assert!(past_end.body.contains(">WS-50<"));
}

#[actix_web::test]
async fn device_detail_shows_threats_and_zones() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Detail", "2024-01-01");
    let now = base_time();
    let (device_id, lonely_id, sha) = {
        let mut conn = app.pool().get().unwrap();
        let zone_id = zones::create(
            &mut conn,
            &tenant,
            NewZone {
                name: "Domain Controllers".into(),
                ..NewZone::default()
            },
            now,
        )
        .unwrap()
        .id;
        let device_id = insert_device(&mut conn, &tenant, "DC-01", "0A-00-00-00-00-01", now);
        let lonely_id = insert_device(&mut conn, &tenant, "LONELY", "0A-00-00-00-00-02", now);
        let change = DeviceUpdate {
            add_zone_ids: vec![zone_id],
            ..DeviceUpdate::default()
        };
        aurora_console::domain::devices::update(&mut conn, &tenant, &device_id, change, now)
            .unwrap();
        let sha = insert_threat(&mut conn, &tenant, SHA_A, "invoice.exe", -0.95, now);
        insert_finding(
            &mut conn,
            &tenant,
            &device_id,
            &sha,
            "C:\\Users\\alex\\Downloads\\invoice.exe",
            "Quarantined",
            now - 600,
        );
        (device_id, lonely_id, sha)
    };
    let mut browser = sign_in(&app, &tenant, "zm@detail.test", Role::ZoneManager).await;

    let page = get_ok(&mut browser, &format!("/devices/{device_id}")).await;
    assert_eq!(page.text_of("device-name"), "DC-01");
    assert_eq!(page.text_of("device-id"), device_id);
    assert_eq!(page.text_of("device-policy"), "Default");
    assert!(page.body.contains("Domain Controllers"));
    assert!(
        page.body
            .contains(&format!("<a href=\"/threats/{sha}\">invoice.exe</a>"))
    );
    assert!(
        page.body
            .contains("C:\\Users\\alex\\Downloads\\invoice.exe")
    );
    assert!(page.body.contains("Quarantined"));
    assert!(page.body.contains(&console_timestamp(now - 600)));

    let upper = browser
        .get(&format!("/devices/{}", device_id.to_ascii_uppercase()))
        .await;
    assert_eq!(upper.status, StatusCode::OK);

    let lonely = get_ok(&mut browser, &format!("/devices/{lonely_id}")).await;
    assert_eq!(
        lonely.text_of("zones-empty"),
        "This device is not in any zone."
    );
    assert_eq!(
        lonely.text_of("threats-empty"),
        "No threat has been found on this device."
    );
}

#[actix_web::test]
async fn zones_list_shows_counts_and_policy() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Zones", "2024-01-01");
    let now = base_time();
    let policy_id = {
        let mut conn = app.pool().get().unwrap();
        let policy_id = policies::create(
            &mut conn,
            &tenant,
            &json!({ "policy_name": "Servers" }),
            now,
        )
        .unwrap()
        .id;
        let older = zones::create(
            &mut conn,
            &tenant,
            NewZone {
                name: "File Servers".into(),
                policy_id: Some(policy_id.clone()),
                criticality: Some(Criticality::High),
            },
            now - 86_400,
        )
        .unwrap();
        zones::create(
            &mut conn,
            &tenant,
            NewZone {
                name: "Kiosks".into(),
                ..NewZone::default()
            },
            now,
        )
        .unwrap();
        for index in 0..3 {
            let device = insert_device(
                &mut conn,
                &tenant,
                &format!("FS-{index}"),
                &format!("0C-00-00-00-00-0{index}"),
                now,
            );
            let change = DeviceUpdate {
                add_zone_ids: vec![older.id.clone()],
                ..DeviceUpdate::default()
            };
            aurora_console::domain::devices::update(&mut conn, &tenant, &device, change, now)
                .unwrap();
        }
        policy_id
    };
    let mut browser = sign_in(&app, &tenant, "ro@zones.test", Role::ReadOnly).await;

    let page = get_ok(&mut browser, "/zones").await;
    assert_before(&page.body, "Kiosks", "File Servers");
    assert!(
        page.body
            .contains(&format!("<a href=\"/policies/{policy_id}\">Servers</a>"))
    );
    assert!(page.body.contains("High"));
    assert!(page.body.contains("<td class=\"number\">3</td>"));
    assert!(page.body.contains("<td class=\"number\">0</td>"));
    assert!(page.body.contains(&console_timestamp(now - 86_400)));
    assert_eq!(page.text_of("pager-total"), "2 zones");
}

#[actix_web::test]
async fn policies_list_newest_modified_first() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Policies", "2024-01-01");
    let now = base_time();
    let (older_id, newer_id) = {
        let mut conn = app.pool().get().unwrap();
        let older = policies::create(
            &mut conn,
            &tenant,
            &json!({
                "policy_name": "Servers - Alert Only",
                "policy": [
                    { "name": "full_disc_scan", "value": "2" },
                    { "name": "auto_delete", "value": "1" },
                    { "name": "scan_exception_list", "value": ["D:\\Backups\\"] },
                ],
                "filetype_actions": {
                    "threat_files": [{ "actions": "0", "file_type": "executable" }],
                    "suspicious_files": [{ "actions": "3", "file_type": "executable" }],
                },
            }),
            now - 86_400,
        )
        .unwrap()
        .id;
        let newer = policies::create(
            &mut conn,
            &tenant,
            &json!({ "policy_name": "Laptops" }),
            now,
        )
        .unwrap()
        .id;
        insert_device(&mut conn, &tenant, "SRV-01", "0D-00-00-00-00-01", now);
        let device = insert_device(&mut conn, &tenant, "SRV-02", "0D-00-00-00-00-02", now);
        let change = DeviceUpdate {
            policy_id: Some(Some(older.clone())),
            ..DeviceUpdate::default()
        };
        aurora_console::domain::devices::update(&mut conn, &tenant, &device, change, now).unwrap();
        (older, newer)
    };
    let mut browser = sign_in(&app, &tenant, "user@policies.test", Role::User).await;

    let list = get_ok(&mut browser, "/policies").await;
    assert_before(&list.body, &newer_id, &older_id);
    assert!(list.body.contains(&console_timestamp(now - 86_400)));
    assert_eq!(list.text_of("pager-total"), "2 policies");

    let detail = get_ok(&mut browser, &format!("/policies/{older_id}")).await;
    assert_eq!(detail.text_of("policy-name"), "Servers - Alert Only");
    assert_eq!(detail.text_of("policy-devices"), "1");
    assert_eq!(detail.text_of("policy-zones"), "0");
    assert!(
        detail
            .body
            .contains("<dt>Unsafe files</dt><dd>No automatic action</dd>")
    );
    assert!(
        detail
            .body
            .contains("<dt>Abnormal files</dt><dd>Quarantine automatically</dd>")
    );
    assert!(
        detail
            .body
            .contains("<dt>Delete quarantined files</dt><dd>On, after 14 days</dd>")
    );
    assert!(
        detail
            .body
            .contains("<dt>Background threat detection</dt><dd>Run once</dd>")
    );
    assert!(
        detail
            .body
            .contains("<dt>Excluded folders</dt><dd>1 folder</dd>")
    );
    assert!(detail.body.contains(
        "<dt>Actions on violations</dt><dd>Alert: 16 violation types · Block: 12 violation types</dd>"
    ));
    assert!(detail.body.contains("id=\"policy-document\""));
    assert!(detail.body.contains("&#34;full_disc_scan&#34;"));
}

#[actix_web::test]
async fn global_list_tabs_split_the_lists() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Lists", "2024-01-01");
    let now = base_time();
    let mut browser = sign_in(&app, &tenant, "admin@lists.test", Role::Administrator).await;
    let connector =
        create_application(&mut browser, "SOAR connector", &["globallists:write"]).await;
    let empty_safe = get_ok(&mut browser, "/global-list?list=safe").await;
    assert_eq!(
        empty_safe.text_of("empty"),
        "No file is on the global safe list."
    );
    {
        let mut conn = app.pool().get().unwrap();
        let admin_id: String = aurora_console::db::schema::users::table
            .filter(aurora_console::db::schema::users::email.eq("admin@lists.test"))
            .select(aurora_console::db::schema::users::id)
            .first(&mut conn)
            .unwrap();
        global_list::add(
            &mut conn,
            &tenant,
            NewEntry {
                list_type: ListType::GlobalQuarantine,
                sha256: SHA_A.to_owned(),
                reason: "Ransomware dropper".into(),
                category: None,
                file_name: Some("dropper.exe".into()),
            },
            &admin_id,
            now,
        )
        .unwrap();
        global_list::add(
            &mut conn,
            &tenant,
            NewEntry {
                list_type: ListType::GlobalSafe,
                sha256: SHA_B.to_owned(),
                reason: "Line-of-business tool".into(),
                category: Some("Admin Tool".into()),
                file_name: Some("psexec.exe".into()),
            },
            &connector.application_id,
            now,
        )
        .unwrap();
        global_list::add(
            &mut conn,
            &tenant,
            NewEntry {
                list_type: ListType::GlobalSafe,
                sha256: SHA_C.to_owned(),
                reason: "Signed internal build".into(),
                category: Some("InternalApplication".into()),
                file_name: Some("build_agent.exe".into()),
            },
            "6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f",
            now - 60,
        )
        .unwrap();
    }

    let quarantine = get_ok(&mut browser, "/global-list").await;
    assert!(quarantine.body.contains(&SHA_A.to_ascii_uppercase()));
    assert!(!quarantine.body.contains(SHA_A));
    assert!(quarantine.body.contains("dropper.exe"));
    assert!(quarantine.body.contains("Ransomware dropper"));
    assert!(quarantine.body.contains("admin@lists.test"));
    assert!(quarantine.body.contains(&console_timestamp(now)));
    assert!(!quarantine.body.contains("psexec.exe"));
    assert!(quarantine.body.contains(
        "id=\"tab-quarantine\" href=\"/global-list?list=quarantine\" aria-current=\"page\""
    ));

    let safe = get_ok(&mut browser, "/global-list?list=safe").await;
    assert!(safe.body.contains(&SHA_B.to_ascii_uppercase()));
    assert!(safe.body.contains("psexec.exe"));
    assert!(safe.body.contains("Admin tool"));
    assert!(safe.body.contains("<td>SOAR connector</td>"));
    assert!(safe.body.contains("Internal application"));
    // An id that is no longer a user or application of the tenant is shown as stored.
    assert!(
        safe.body
            .contains("<td>6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f</td>")
    );
    assert_before(&safe.body, "psexec.exe", "build_agent.exe");
    assert!(!safe.body.contains("dropper.exe"));
    assert!(
        safe.body
            .contains("id=\"tab-safe\" href=\"/global-list?list=safe\" aria-current=\"page\"")
    );
}

#[actix_web::test]
async fn threats_list_last_found_first() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Threats", "2024-01-01");
    let now = base_time();
    let (older, newer, laptop) = {
        let mut conn = app.pool().get().unwrap();
        let laptop = insert_device(&mut conn, &tenant, "LT-01", "0E-00-00-00-00-01", now);
        let desktop = insert_device(&mut conn, &tenant, "WS-02", "0E-00-00-00-00-02", now);
        let older = insert_threat(&mut conn, &tenant, SHA_A, "older.exe", -0.874, now - 7_200);
        let newer = insert_threat(&mut conn, &tenant, SHA_B, "newer.dll", 0.3, now);
        // Two paths on one device and one on another: two devices affected.
        insert_finding(
            &mut conn,
            &tenant,
            &laptop,
            &older,
            "C:\\a\\older.exe",
            "Default",
            now - 7_300,
        );
        insert_finding(
            &mut conn,
            &tenant,
            &laptop,
            &older,
            "C:\\b\\older.exe",
            "Suspicious",
            now - 7_250,
        );
        insert_finding(
            &mut conn,
            &tenant,
            &desktop,
            &older,
            "C:\\c\\older.exe",
            "Whitelisted",
            now - 7_200,
        );
        (older, newer, laptop)
    };
    let mut browser = sign_in(&app, &tenant, "ro@threats.test", Role::ReadOnly).await;

    let list = get_ok(&mut browser, "/threats").await;
    assert_before(&list.body, "newer.dll", "older.exe");
    assert!(list.body.contains("<td class=\"number score\">87</td>"));
    assert!(list.body.contains("<td class=\"number score\">30</td>"));
    assert!(list.body.contains("title=\"1,468,006 bytes\">1.4 MB</td>"));
    assert!(list.body.contains("<td class=\"number\">2</td>"));
    assert!(list.body.contains(&console_timestamp(now - 7_200)));
    assert!(list.body.contains("Malware"));
    assert!(list.body.contains("Ransom"));

    let detail = get_ok(
        &mut browser,
        &format!("/threats/{}", older.to_ascii_lowercase()),
    )
    .await;
    assert_eq!(detail.text_of("threat-sha256"), older);
    assert_eq!(detail.text_of("threat-score"), "87");
    assert_eq!(detail.text_of("threat-devices"), "2");
    assert!(
        detail
            .body
            .contains(&format!("<a href=\"/devices/{laptop}\">LT-01</a>"))
    );
    assert!(detail.body.contains(">WS-02<"));
    assert!(detail.body.contains("C:\\b\\older.exe"));
    assert!(detail.body.contains("Abnormal"));
    assert!(detail.body.contains("Waived"));
    assert_before(&detail.body, "C:\\c\\older.exe", "C:\\a\\older.exe");

    let unseen = get_ok(&mut browser, &format!("/threats/{newer}")).await;
    assert_eq!(
        unseen.text_of("devices-empty"),
        "This file has not been found on any device."
    );
}

#[actix_web::test]
async fn pages_speak_french_on_request() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Français", "2024-01-01");
    let now = base_time();
    {
        let mut conn = app.pool().get().unwrap();
        insert_device(&mut conn, &tenant, "PC-PARIS", "0F-00-00-00-00-01", now);
        insert_threat(&mut conn, &tenant, SHA_A, "facture.exe", -1.0, now);
    }
    let mut browser = sign_in(&app, &tenant, "lecteur@exemple.test", Role::ReadOnly).await;
    browser.accept_language = Some("fr-FR,fr;q=0.9,en;q=0.5".into());

    let dashboard = get_ok(&mut browser, "/dashboard").await;
    for label in [
        "Appareils",
        "Zones",
        "Stratégies",
        "Liste globale",
        "Menaces",
    ] {
        assert!(dashboard.body.contains(label), "{label}");
    }
    let devices = get_ok(&mut browser, "/devices").await;
    assert!(devices.body.contains("<html lang=\"fr\">"));
    assert!(devices.body.contains("Adresses MAC"));
    assert!(devices.body.contains("Dernière activité"));
    assert!(devices.body.contains("En ligne"));
    assert!(devices.body.contains("Par défaut"));
    assert_eq!(devices.text_of("pager-total"), "1 appareil");
    assert_eq!(devices.text_of("pager-position"), "Page 1 sur 1");

    let lists = get_ok(&mut browser, "/global-list").await;
    assert_eq!(lists.text_of("tab-quarantine"), "Quarantaine");
    assert_eq!(lists.text_of("tab-safe"), "Liste sûre");
    assert_eq!(
        lists.text_of("empty"),
        "Aucun fichier ne figure dans la quarantaine globale."
    );

    let threats = get_ok(&mut browser, "/threats").await;
    assert!(threats.body.contains("Dernière détection"));
    assert!(threats.body.contains("1,4 Mo"));

    let zones = get_ok(&mut browser, "/zones").await;
    assert_eq!(
        unescape(&zones.text_of("empty")),
        "Aucune zone n'a encore été créée."
    );
}

#[actix_web::test]
async fn device_name_markup_is_escaped() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Escaping", "2024-01-01");
    let device_id = insert_device(
        &mut app.pool().get().unwrap(),
        &tenant,
        "<script>alert('x')</script>",
        "0B-00-00-00-00-01",
        base_time(),
    );
    let mut browser = sign_in(&app, &tenant, "admin@escaping.test", Role::Administrator).await;
    for path in ["/devices".to_owned(), format!("/devices/{device_id}")] {
        let page = get_ok(&mut browser, &path).await;
        assert!(
            !page.body.contains("<script>alert"),
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains("&#60;script&#62;alert("), "{path}");
    }
}

#[actix_web::test]
async fn empty_tenant_pages_say_so() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Empty", "2024-01-01");
    let mut browser = sign_in(&app, &tenant, "admin@empty.test", Role::Administrator).await;
    let expected = [
        (
            "/devices",
            "No device has registered yet. Devices appear here once the agent is installed on them.",
        ),
        ("/zones", "No zone has been created yet."),
        (
            "/policies",
            "No policy has been created yet, so every device uses the Default policy.",
        ),
        ("/global-list", "No file is on the global quarantine list."),
        (
            "/global-list?list=safe",
            "No file is on the global safe list.",
        ),
        (
            "/threats",
            "No threat has been found on this tenant's devices.",
        ),
        (
            "/threats?page=7",
            "No threat has been found on this tenant's devices.",
        ),
    ];
    for (path, sentence) in expected {
        let page = get_ok(&mut browser, path).await;
        assert_eq!(unescape(&page.text_of("empty")), sentence, "{path}");
        assert!(!page.body.contains("class=\"pager\""), "{path}");
    }
}
