//! `/threats/v2`: the threat listing with its time window, one threat, the
//! devices a threat was found on, and the sample download.
//!
//! The fixtures at the top (`insert_threat`, `insert_device`, …) and
//! [`token_with`] are shared with the global-list and memory-protection
//! tests.

use actix_web::http::StatusCode;
use aurora_console::db::schema::{device_threats, devices, global_list_entries, threats};
use aurora_console::domain::device_threats::NewFindingRow;
use aurora_console::domain::devices::NewDeviceRow;
use aurora_console::domain::global_list::NewEntryRow;
use aurora_console::domain::ids;
use aurora_console::domain::threats::NewThreatRow;
use aurora_console::seed::{self, SeedOptions};
use aurora_console::{clock, db::schema};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::api_token::{Integration, error_message};
use crate::support::{Response, TestApp, auth_claims, create_application, sign_auth_token};

/// 2024-05-01T13:45:00 UTC.
pub(crate) const MAY_FIRST: i64 = 1_714_571_100;

pub(crate) const SHA_LOWER: &str =
    "ed01ebfbc9eb5bbea545af4d01bf5f1071661840480439c6e5babe8e080e41aa";

/// Returns a SHA-256 in upper case made from `number`, so tests can make
/// as many distinct hashes as they need.
pub(crate) fn sha(number: u32) -> String {
    format!("{number:08X}{}", "AB".repeat(28))
}

/// Returns the row of a malware threat last found at `last_found_at`.
/// Tests change its fields with struct update syntax.
pub(crate) fn threat_row(tenant_id: &str, sha256: &str, last_found_at: i64) -> NewThreatRow {
    NewThreatRow {
        tenant_id: tenant_id.to_owned(),
        sha256: sha256.to_ascii_uppercase(),
        md5: "5D41402ABC4B2A76B9719D911017C592".into(),
        name: "invoice_2024.pdf.exe".into(),
        file_size: 73_802,
        classification: "Malware".into(),
        sub_classification: "Trojan".into(),
        cylance_score: -0.987,
        av_industry: Some(0.62),
        unique_to_cylance: true,
        signed: false,
        cert_issuer: String::new(),
        cert_publisher: String::new(),
        cert_timestamp: None,
        detected_by: "File Watcher".into(),
        running: false,
        auto_run: true,
        first_found_at: last_found_at - 3_600,
        last_found_at,
    }
}

pub(crate) fn insert_threat(app: &TestApp, row: NewThreatRow) {
    diesel::insert_into(threats::table)
        .values(row)
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
}

/// Inserts an online Windows device with one address of each kind and
/// returns its id.
pub(crate) fn insert_device(app: &TestApp, tenant_id: &str, name: &str) -> String {
    let id = ids::new_id();
    let host_name = format!("{name}.corp.example.com");
    diesel::insert_into(devices::table)
        .values(NewDeviceRow {
            id: id.clone(),
            tenant_id: tenant_id.to_owned(),
            name: name.to_owned(),
            host_name_normalized: host_name.to_lowercase(),
            host_name,
            state: "Online".into(),
            agent_version: "3.3.1014".into(),
            os_version: "Microsoft Windows 11 Enterprise".into(),
            os_kernel_version: "10.0.22631".into(),
            ip_addresses: r#"["10.20.30.40","fe80::1"]"#.into(),
            mac_addresses: r#"["06-F8-13-8B-16-C9"]"#.into(),
            policy_id: None,
            last_logged_in_user: "CORP\\alex".into(),
            distinguished_name: String::new(),
            is_safe: false,
            background_detection: true,
            update_available: false,
            update_type: Some("Production".into()),
            registered_at: MAY_FIRST - 86_400,
            offline_at: None,
            modified_at: None,
        })
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
    id
}

pub(crate) fn insert_finding(
    app: &TestApp,
    tenant_id: &str,
    device_id: &str,
    sha256: &str,
    file_path: &str,
    found_at: i64,
) {
    diesel::insert_into(device_threats::table)
        .values(NewFindingRow {
            tenant_id: tenant_id.to_owned(),
            device_id: device_id.to_owned(),
            sha256: sha256.to_ascii_uppercase(),
            file_path: file_path.to_owned(),
            file_status: "Quarantined".into(),
            found_at,
        })
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
}

pub(crate) fn insert_list_entry(app: &TestApp, row: NewEntryRow) {
    diesel::insert_into(global_list_entries::table)
        .values(row)
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
}

/// Returns the row of a quarantine-list entry added at `added_at` by a
/// made-up user.
pub(crate) fn entry_row(tenant_id: &str, sha256: &str, added_at: i64) -> NewEntryRow {
    NewEntryRow {
        tenant_id: tenant_id.to_owned(),
        list_type: "GlobalQuarantine".into(),
        sha256: sha256.to_ascii_uppercase(),
        md5: String::new(),
        name: format!("{}.exe", &sha256[..8]),
        reason: "Seen in a phishing campaign".into(),
        category: String::new(),
        added_at,
        added_by: "6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f".into(),
    }
}

/// Creates another application of the integration's tenant with
/// `privileges` and returns an access token for it.
pub(crate) async fn token_with(integration: &mut Integration, privileges: &[&str]) -> String {
    let name = format!("Connector {}", privileges.join(" "));
    let created = create_application(&mut integration.admin, &name, privileges).await;
    let jwt = sign_auth_token(
        &created.secret,
        &auth_claims(&integration.tenant_id, &created),
    );
    let response = crate::support::exchange(&mut integration.app.browser(), &jwt).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()["access_token"]
        .as_str()
        .expect("access_token is a string")
        .to_owned()
}

/// Sends a request without an `Authorization` header.
pub(crate) async fn anonymous(app: &TestApp, method: &str, path: &str) -> Response {
    app.browser().send(method, path, None).await
}

/// Asserts a 200 with a JSON body and returns the body.
pub(crate) fn ok_json(response: &Response) -> Value {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("content-type"), Some("application/json"));
    response.json()
}

/// Returns `field` of every item of a page, as text.
pub(crate) fn column(page: &Value, field: &str) -> Vec<String> {
    page["page_items"]
        .as_array()
        .expect("page_items is an array")
        .iter()
        .map(|item| match &item[field] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// Returns the field names of a JSON object, sorted.
pub(crate) fn keys_of(object: &Value) -> Vec<String> {
    let mut keys: Vec<String> = object
        .as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// Checks the form `YYYY-MM-DDTHH:MM:SS`.
pub(crate) fn is_api_timestamp(text: &str) -> bool {
    text.len() == 19
        && text.char_indices().all(|(index, c)| match index {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            _ => c.is_ascii_digit(),
        })
}

const THREAT_LIST_FORBIDDEN: &str = "Forbidden: this request needs the scope 'threat:list', granted by the Threats Read privilege of the application";
const THREAT_READ_FORBIDDEN: &str = "Forbidden: this request needs the scope 'threat:read', granted by the Threats Read privilege of the application";
const THREAT_DEVICELIST_FORBIDDEN: &str = "Forbidden: this request needs the scope 'threat:devicelist', granted by the Threats Read privilege of the application";

fn threat_paths(sha256: &str) -> [String; 4] {
    [
        "/threats/v2".to_owned(),
        format!("/threats/v2/{sha256}"),
        format!("/threats/v2/{sha256}/devices"),
        format!("/threats/v2/download/{sha256}"),
    ]
}

#[actix_web::test]
async fn threats_without_token_are_unauthorized() {
    let integration = Integration::spawn(&["threats:read"]).await;
    for path in threat_paths(SHA_LOWER) {
        let response = anonymous(&integration.app, "GET", &path).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert!(message.starts_with("Unauthorized"), "{path}: {message}");
    }
}

#[actix_web::test]
async fn threats_need_their_scopes() {
    let mut integration = Integration::spawn(&["globallists:read"]).await;
    insert_threat(
        &integration.app,
        threat_row(&integration.tenant_id, SHA_LOWER, MAY_FIRST),
    );
    let token = integration.access_token().await;
    let [list, detail, devices, download] = threat_paths(SHA_LOWER);
    let expected = [
        (list, THREAT_LIST_FORBIDDEN),
        (detail, THREAT_READ_FORBIDDEN),
        (devices, THREAT_DEVICELIST_FORBIDDEN),
        (download, THREAT_READ_FORBIDDEN),
    ];
    for (path, forbidden) in &expected {
        let response = integration.get(path, &token).await;
        let message = error_message(&response, StatusCode::FORBIDDEN);
        assert_eq!(&message, forbidden, "{path}");
    }

    // The threat listing accepts device:list as well, and nothing more.
    let device_reader = token_with(&mut integration, &["devices:read"]).await;
    let listed = integration.get("/threats/v2", &device_reader).await;
    assert_eq!(
        column(&ok_json(&listed), "sha256"),
        [SHA_LOWER.to_uppercase()]
    );
    for (path, forbidden) in &expected[1..] {
        let response = integration.get(path, &device_reader).await;
        let message = error_message(&response, StatusCode::FORBIDDEN);
        assert_eq!(&message, forbidden, "{path} with devices:read");
    }
}

#[actix_web::test]
async fn other_tenants_threat_is_not_found() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let other = integration.app.tenant("Other tenant", "2024-02-01");
    insert_threat(&integration.app, threat_row(&other, SHA_LOWER, MAY_FIRST));
    let other_device = insert_device(&integration.app, &other, "OTHER-01");
    insert_finding(
        &integration.app,
        &other,
        &other_device,
        SHA_LOWER,
        "C:\\x.exe",
        MAY_FIRST,
    );
    let token = integration.access_token().await;

    let missing = sha(7);
    for sha256 in [SHA_LOWER, &SHA_LOWER.to_uppercase(), &missing] {
        let [_, detail, devices, download] = threat_paths(sha256);
        for path in [detail, devices, download] {
            let response = integration.get(&path, &token).await;
            let message = error_message(&response, StatusCode::NOT_FOUND);
            assert_eq!(message, "Threat not found", "{path}");
        }
    }

    let listed = ok_json(&integration.get("/threats/v2", &token).await);
    assert_eq!(listed["total_number_of_items"], json!(0));
    assert_eq!(listed["page_items"], json!([]));
}

#[actix_web::test]
async fn malformed_hash_names_the_field() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let token = integration.access_token().await;
    let short = &SHA_LOWER[1..];
    let not_hex = SHA_LOWER.replace('e', "g");
    for text in ["xyz", short, not_hex.as_str()] {
        let [_, detail, devices, download] = threat_paths(text);
        for path in [detail, devices, download] {
            let response = integration.get(&path, &token).await;
            let message = error_message(&response, StatusCode::BAD_REQUEST);
            assert_eq!(
                message,
                format!("sha256: {text:?} is not a SHA-256 (64 hexadecimal digits)"),
                "{path}"
            );
        }
    }
}

#[actix_web::test]
async fn bad_list_parameters_name_the_field() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let token = integration.access_token().await;
    let cases = [
        (
            "end_time=2024-05-01T00:00:00",
            "start_time: is required when end_time is given",
        ),
        (
            "start_time=2024-05-02T00:00:00&end_time=2024-05-01T00:00:00",
            "start_time: must not be later than end_time",
        ),
        (
            "start_time=yesterday",
            "start_time: \"yesterday\" is not a valid date and time; send UTC as YYYY-MM-DDTHH:MM:SS, optionally with a fraction and Z",
        ),
        (
            "start_time=2024-05-01T00:00:00&end_time=2024-05-01",
            "end_time: \"2024-05-01\" is not a valid date and time; send UTC as YYYY-MM-DDTHH:MM:SS, optionally with a fraction and Z",
        ),
        (
            "page_size=201",
            "The page size requested is not supported. page_size must be between 1 and 200.",
        ),
        (
            "page_size=0",
            "The page size requested is not supported. page_size must be between 1 and 200.",
        ),
    ];
    for (query, expected) in cases {
        let response = integration
            .get(&format!("/threats/v2?{query}"), &token)
            .await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, expected, "{query}");
    }
}

#[actix_web::test]
async fn listed_threat_has_api_fields() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let tenant = integration.tenant_id.clone();
    insert_threat(&integration.app, threat_row(&tenant, SHA_LOWER, MAY_FIRST));
    let unknown = NewThreatRow {
        classification: String::new(),
        sub_classification: String::new(),
        cylance_score: 0.25,
        av_industry: None,
        unique_to_cylance: false,
        ..threat_row(&tenant, &sha(1), MAY_FIRST - 60)
    };
    insert_threat(&integration.app, unknown);
    insert_list_entry(&integration.app, entry_row(&tenant, SHA_LOWER, MAY_FIRST));
    let safe = NewEntryRow {
        list_type: "GlobalSafe".into(),
        category: "Drivers".into(),
        ..entry_row(&tenant, &sha(1), MAY_FIRST)
    };
    insert_list_entry(&integration.app, safe);
    let token = integration.access_token().await;

    let page = ok_json(&integration.get("/threats/v2", &token).await);
    let items = page["page_items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        keys_of(&items[0]),
        [
            "av_industry",
            "classification",
            "cylance_score",
            "file_size",
            "global_quarantined",
            "last_found",
            "md5",
            "name",
            "safelisted",
            "sha256",
            "sub_classification",
            "unique_to_cylance"
        ]
    );
    assert_eq!(
        items[0],
        json!({
            "av_industry": 0.62,
            "classification": "Malware",
            "cylance_score": -0.987,
            "file_size": 73_802,
            "global_quarantined": true,
            "last_found": "2024-05-01T13:45:00",
            "md5": "5D41402ABC4B2A76B9719D911017C592",
            "name": "invoice_2024.pdf.exe",
            "safelisted": false,
            "sha256": SHA_LOWER.to_uppercase(),
            "sub_classification": "Trojan",
            "unique_to_cylance": true,
        })
    );
    assert_eq!(items[1]["sha256"], json!(sha(1)));
    assert_eq!(items[1]["classification"], json!(""));
    assert_eq!(items[1]["av_industry"], Value::Null);
    assert_eq!(items[1]["global_quarantined"], json!(false));
    assert_eq!(items[1]["safelisted"], json!(true));
    assert_eq!(items[1]["last_found"], json!("2024-05-01T13:44:00"));
}

/// Inserts 23 threats found a minute apart, except that the three newest
/// share one second, and returns their hashes in the expected order:
/// newest first, then by hash descending.
fn insert_ordered_threats(app: &TestApp, tenant_id: &str) -> Vec<String> {
    let mut expected = Vec::new();
    for number in 0..23u32 {
        let last_found = if number >= 20 {
            MAY_FIRST
        } else {
            MAY_FIRST - 60 * (20 - i64::from(number))
        };
        insert_threat(app, threat_row(tenant_id, &sha(number), last_found));
        expected.push((last_found, sha(number)));
    }
    expected.sort_by(|a, b| b.cmp(a));
    expected.into_iter().map(|(_, sha256)| sha256).collect()
}

#[actix_web::test]
async fn threat_list_pages_newest_first() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let expected = insert_ordered_threats(&integration.app, &integration.tenant_id);
    let token = integration.access_token().await;

    let first = ok_json(&integration.get("/threats/v2", &token).await);
    assert_eq!(first["page_number"], json!(1));
    assert_eq!(first["page_size"], json!(10));
    assert_eq!(first["total_pages"], json!(3));
    assert_eq!(first["total_number_of_items"], json!(23));
    assert_eq!(column(&first, "sha256"), expected[..10]);
    assert!(
        column(&first, "last_found")
            .iter()
            .all(|text| is_api_timestamp(text))
    );

    let mut seen = column(&first, "sha256");
    for number in 2..=3 {
        let page = ok_json(
            &integration
                .get(&format!("/threats/v2?page_size=10?page={number}"), &token)
                .await,
        );
        assert_eq!(page["page_number"], json!(number));
        seen.extend(column(&page, "sha256"));
    }
    assert_eq!(seen, expected);

    let whole = ok_json(&integration.get("/threats/v2?page_size=200", &token).await);
    assert_eq!(whole["total_pages"], json!(1));
    assert_eq!(column(&whole, "sha256"), expected);
}

#[actix_web::test]
async fn time_window_bounds_last_found() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let tenant = integration.tenant_id.clone();
    let now = clock::now();
    let times = [
        (sha(1), MAY_FIRST - 1),
        (sha(2), MAY_FIRST),
        (sha(3), MAY_FIRST + 59),
        (sha(4), MAY_FIRST + 60),
        (sha(5), now - 10),
    ];
    for (sha256, last_found) in &times {
        insert_threat(&integration.app, threat_row(&tenant, sha256, *last_found));
    }
    let token = integration.access_token().await;

    let cases: [(&str, &[&String]); 6] = [
        (
            "start_time=2024-05-01T13:45:00&end_time=2024-05-01T13:46:00",
            &[&times[3].0, &times[2].0, &times[1].0],
        ),
        (
            "start_time=2024-05-01T13:45:00.000Z&end_time=2024-05-01T13:45:59.999Z",
            &[&times[2].0, &times[1].0],
        ),
        (
            "start_time=2024-05-01T13:45:00.010000Z&end_time=2024-05-01T13:46:00Z",
            &[&times[3].0, &times[2].0],
        ),
        (
            "start_time=2024-05-01T13:44:59Z&end_time=2024-05-01T13:44:59Z",
            &[&times[0].0],
        ),
        (
            "start_time=2024-05-01T13:45:01",
            &[&times[4].0, &times[3].0, &times[2].0],
        ),
        ("start_time=2030-01-01T00:00:00", &[]),
    ];
    for (query, expected) in cases {
        let page = ok_json(
            &integration
                .get(&format!("/threats/v2?{query}"), &token)
                .await,
        );
        let expected: Vec<String> = expected.iter().map(|sha256| sha256.to_string()).collect();
        assert_eq!(column(&page, "sha256"), expected, "{query}");
        assert_eq!(
            page["total_number_of_items"],
            json!(expected.len()),
            "{query}"
        );
    }
}

#[actix_web::test]
async fn threat_detail_has_api_fields() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let tenant = integration.tenant_id.clone();
    insert_threat(&integration.app, threat_row(&tenant, SHA_LOWER, MAY_FIRST));
    let signed = NewThreatRow {
        name: "psexec.exe".into(),
        classification: "Dual Use".into(),
        sub_classification: "Remote Access".into(),
        cylance_score: 0.41,
        signed: true,
        cert_issuer: "Microsoft Code Signing PCA 2011".into(),
        cert_publisher: "Microsoft Corporation".into(),
        // 2023-05-04T03:02:01 UTC.
        cert_timestamp: Some(1_683_169_321),
        detected_by: "Background Threat Detection".into(),
        running: true,
        auto_run: false,
        ..threat_row(&tenant, &sha(2), MAY_FIRST)
    };
    insert_threat(&integration.app, signed);
    let safe = NewEntryRow {
        list_type: "GlobalSafe".into(),
        category: "AdminTool".into(),
        ..entry_row(&tenant, &sha(2), MAY_FIRST)
    };
    insert_list_entry(&integration.app, safe);
    let token = integration.access_token().await;

    let unsigned = ok_json(
        &integration
            .get(&format!("/threats/v2/{SHA_LOWER}"), &token)
            .await,
    );
    assert_eq!(
        unsigned,
        json!({
            "auto_run": true,
            "av_industry": 0.62,
            "cert_issuer": "",
            "cert_publisher": "",
            "cert_timestamp": "0001-01-01T00:00:00",
            "classification": "Malware",
            "cylance_score": -0.987,
            "detected_by": "File Watcher",
            "file_size": 73_802,
            "global_quarantined": false,
            "md5": "5D41402ABC4B2A76B9719D911017C592",
            "name": "invoice_2024.pdf.exe",
            "running": false,
            "safelisted": false,
            "sha256": SHA_LOWER.to_uppercase(),
            "signed": false,
            "sub_classification": "Trojan",
            "unique_to_cylance": true,
        })
    );

    let path = format!("/threats/v2/{}", sha(2).to_lowercase());
    let signed = ok_json(&integration.get(&path, &token).await);
    assert_eq!(signed["sha256"], json!(sha(2)));
    assert_eq!(signed["signed"], json!(true));
    assert_eq!(
        signed["cert_issuer"],
        json!("Microsoft Code Signing PCA 2011")
    );
    assert_eq!(signed["cert_publisher"], json!("Microsoft Corporation"));
    assert_eq!(signed["cert_timestamp"], json!("2023-05-04T03:02:01"));
    assert_eq!(signed["classification"], json!("Dual Use"));
    assert_eq!(signed["sub_classification"], json!("Remote Access"));
    assert_eq!(signed["detected_by"], json!("Background Threat Detection"));
    assert_eq!(signed["running"], json!(true));
    assert_eq!(signed["auto_run"], json!(false));
    assert_eq!(signed["safelisted"], json!(true));
}

#[actix_web::test]
async fn threat_devices_list_each_file() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let tenant = integration.tenant_id.clone();
    let app = &integration.app;
    insert_threat(app, threat_row(&tenant, SHA_LOWER, MAY_FIRST));
    let laptop = insert_device(app, &tenant, "LAPTOP-7");
    let server = insert_device(app, &tenant, "SRV-DB-01");
    insert_finding(
        app,
        &tenant,
        &laptop,
        SHA_LOWER,
        "C:\\Users\\alex\\Downloads\\invoice.exe",
        MAY_FIRST - 600,
    );
    insert_finding(
        app,
        &tenant,
        &laptop,
        SHA_LOWER,
        "C:\\Temp\\invoice.exe",
        MAY_FIRST,
    );
    insert_finding(
        app,
        &tenant,
        &server,
        SHA_LOWER,
        "D:\\share\\invoice.exe",
        MAY_FIRST - 60,
    );
    let token = integration.access_token().await;

    let path = format!("/threats/v2/{SHA_LOWER}/devices");
    let page = ok_json(&integration.get(&path, &token).await);
    assert_eq!(page["page_size"], json!(10));
    assert_eq!(page["total_number_of_items"], json!(3));
    assert_eq!(
        page["page_items"][0],
        json!({
            "agent_version": "3.3.1014",
            "date_found": "2024-05-01T13:45:00",
            "file_path": "C:\\Temp\\invoice.exe",
            "file_status": "Quarantined",
            "id": laptop,
            "ip_addresses": ["10.20.30.40", "fe80::1"],
            "mac_addresses": ["06-F8-13-8B-16-C9"],
            "name": "LAPTOP-7",
            "policy_id": null,
            "state": "Online",
        })
    );
    assert_eq!(
        column(&page, "id"),
        [laptop.as_str(), server.as_str(), laptop.as_str()]
    );
    assert_eq!(
        column(&page, "date_found"),
        [
            "2024-05-01T13:45:00",
            "2024-05-01T13:44:00",
            "2024-05-01T13:35:00"
        ]
    );

    let second = ok_json(
        &integration
            .get(&format!("{path}?page=2&page_size=2"), &token)
            .await,
    );
    assert_eq!(second["total_pages"], json!(2));
    assert_eq!(
        column(&second, "file_path"),
        ["C:\\Users\\alex\\Downloads\\invoice.exe"]
    );
}

#[actix_web::test]
async fn threat_without_findings_has_no_devices() {
    let integration = Integration::spawn(&["threats:read"]).await;
    insert_threat(
        &integration.app,
        threat_row(&integration.tenant_id, SHA_LOWER, MAY_FIRST),
    );
    let token = integration.access_token().await;
    let path = format!("/threats/v2/{SHA_LOWER}/devices");
    let page = ok_json(&integration.get(&path, &token).await);
    assert_eq!(page["total_number_of_items"], json!(0));
    assert_eq!(page["total_pages"], json!(0));
    assert_eq!(page["page_items"], json!([]));
}

#[actix_web::test]
async fn download_reports_missing_sample() {
    let integration = Integration::spawn(&["threats:read"]).await;
    insert_threat(
        &integration.app,
        threat_row(&integration.tenant_id, SHA_LOWER, MAY_FIRST),
    );
    let token = integration.access_token().await;
    let response = integration
        .get(&format!("/threats/v2/download/{SHA_LOWER}"), &token)
        .await;
    let message = error_message(&response, StatusCode::NOT_FOUND);
    assert_eq!(
        message,
        format!(
            "No file sample is stored for threat {}; this server keeps no samples to download",
            SHA_LOWER.to_uppercase()
        )
    );
}

#[actix_web::test]
async fn seeded_threats_read_like_the_vendor_api() {
    let integration = Integration::spawn(&["threats:read"]).await;
    let tenant = integration.tenant_id.clone();
    let options = SeedOptions {
        devices: 120,
        seed: 7,
    };
    let now = clock::now();
    let summary = seed::run(
        &mut integration.app.pool().get().unwrap(),
        &tenant,
        options,
        now,
    )
    .unwrap();
    let token = integration.access_token().await;

    // A connector that sends no paging parameters gets the ten most recent.
    let first = ok_json(&integration.get("/threats/v2", &token).await);
    assert_eq!(first["total_number_of_items"], json!(summary.threats));
    let newest: Vec<(i64, String)> = threats::table
        .filter(threats::tenant_id.eq(&tenant))
        .order((threats::last_found_at.desc(), threats::sha256.desc()))
        .limit(10)
        .select((threats::last_found_at, threats::sha256))
        .load(&mut integration.app.pool().get().unwrap())
        .unwrap();
    let expected: Vec<String> = newest.iter().map(|(_, sha256)| sha256.clone()).collect();
    assert_eq!(column(&first, "sha256"), expected);
    let expected_times: Vec<String> = newest
        .iter()
        .map(|(at, _)| clock::api_timestamp(*at))
        .collect();
    assert_eq!(column(&first, "last_found"), expected_times);

    // The newest place a threat was found matches its last_found as text.
    let sha256 = &expected[0];
    let devices = ok_json(
        &integration
            .get(
                &format!("/threats/v2/{}/devices", sha256.to_lowercase()),
                &token,
            )
            .await,
    );
    assert_eq!(
        devices["page_items"][0]["date_found"],
        first["page_items"][0]["last_found"]
    );
    let found_on: i64 = device_threats::table
        .filter(device_threats::tenant_id.eq(&tenant))
        .filter(device_threats::sha256.eq(sha256))
        .count()
        .get_result(&mut integration.app.pool().get().unwrap())
        .unwrap();
    assert_eq!(devices["total_number_of_items"], json!(found_on));

    let detail = ok_json(
        &integration
            .get(&format!("/threats/v2/{sha256}"), &token)
            .await,
    );
    assert_eq!(&detail["sha256"], &first["page_items"][0]["sha256"]);
    assert!(is_api_timestamp(detail["cert_timestamp"].as_str().unwrap()));
    let quarantined: i64 = schema::global_list_entries::table
        .filter(schema::global_list_entries::tenant_id.eq(&tenant))
        .filter(schema::global_list_entries::list_type.eq("GlobalQuarantine"))
        .filter(schema::global_list_entries::sha256.eq(sha256))
        .count()
        .get_result(&mut integration.app.pool().get().unwrap())
        .unwrap();
    assert_eq!(detail["global_quarantined"], json!(quarantined == 1));
}
