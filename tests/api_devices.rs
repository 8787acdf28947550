//! `/devices/v2`: scopes, the device objects on seeded data, page limits,
//! lookups, updates, threats on a device, deletion requests and tenant
//! isolation.

use actix_web::http::StatusCode;
use aurora_console::clock;
use aurora_console::db::schema::{device_threats, devices as device_rows};
use aurora_console::domain::device_deletion;
use aurora_console::domain::devices;
use aurora_console::seed::{self, SeedOptions};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::api_token::{Integration, error_message};
use crate::support::{Response, api_request};

const ALL_DEVICE_PRIVILEGES: [&str; 5] = [
    "devices:read",
    "devices:modify",
    "devices:delete",
    "threats:modify",
    "zones:read",
];

async fn call(
    integration: &Integration,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Response {
    api_request(&integration.app, token, method, path, body.as_ref()).await
}

fn seed_tenant(integration: &Integration, tenant_id: &str, count: usize) {
    let options = SeedOptions {
        devices: count,
        seed: 3,
    };
    seed::run(
        &mut integration.app.pool().get().unwrap(),
        tenant_id,
        options,
        clock::now(),
    )
    .unwrap();
}

/// Ids of the tenant's devices, newest registered first.
fn device_ids(integration: &Integration, tenant_id: &str) -> Vec<String> {
    device_rows::table
        .filter(device_rows::tenant_id.eq(tenant_id))
        .order((device_rows::registered_at.desc(), device_rows::id.desc()))
        .select(device_rows::id)
        .load(&mut integration.app.pool().get().unwrap())
        .unwrap()
}

#[actix_web::test]
async fn device_calls_need_their_scopes() {
    let integration = Integration::spawn(&["devices:read"]).await;
    seed_tenant(&integration, &integration.tenant_id, 5);
    let token = integration.access_token().await;
    let device = device_ids(&integration, &integration.tenant_id)[0].clone();
    let cases = [
        ("PUT", format!("/devices/v2/{device}"), "device:update"),
        (
            "POST",
            format!("/devices/v2/{device}/threats"),
            "threat:update",
        ),
        ("DELETE", "/devices/v2".to_owned(), "device:delete"),
        ("POST", "/devices/v2/delete".to_owned(), "device:delete"),
    ];
    for (method, path, scope) in cases {
        let body =
            json!({ "name": "X", "device_ids": [device], "threat_id": "A", "event": "Waive" });
        let response = call(&integration, &token, method, &path, Some(body)).await;
        let message = error_message(&response, StatusCode::FORBIDDEN);
        assert!(message.contains(scope), "{method} {path}: {message}");
    }
    let names: Vec<String> = device_rows::table
        .select(device_rows::name)
        .load(&mut integration.app.pool().get().unwrap())
        .unwrap();
    assert!(!names.contains(&"X".to_owned()));

    let zones_only = Integration::spawn(&["zones:read"]).await;
    let token = zones_only.access_token().await;
    let response = call(&zones_only, &token, "GET", "/devices/v2", None).await;
    let message = error_message(&response, StatusCode::FORBIDDEN);
    assert!(message.contains("'device:list'"), "{message}");
}

#[actix_web::test]
async fn device_list_shows_seeded_fleet() {
    let integration = Integration::spawn(&ALL_DEVICE_PRIVILEGES).await;
    seed_tenant(&integration, &integration.tenant_id, 120);
    let token = integration.access_token().await;
    let expected_order = device_ids(&integration, &integration.tenant_id);

    let page = call(&integration, &token, "GET", "/devices/v2", None)
        .await
        .json();
    assert_eq!(page["page_size"], 100);
    assert_eq!(page["total_pages"], 2);
    assert_eq!(page["total_number_of_items"], 120);
    let items = page["page_items"].as_array().unwrap();
    let listed: Vec<&str> = items.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(
        listed,
        expected_order[..100]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    let first = &items[0];
    for field in [
        "agent_version",
        "date_first_registered",
        "name",
        "os_kernel_version",
    ] {
        assert!(
            first[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}: {first}"
        );
    }
    assert!(matches!(
        first["state"].as_str(),
        Some("Online" | "Offline")
    ));
    assert!(!first["mac_addresses"].as_array().unwrap().is_empty());
    assert!(first["policy"]["name"].as_str().is_some());
    assert_eq!(first["products"][0]["name"], "protect");

    let second = call(
        &integration,
        &token,
        "GET",
        "/devices/v2?page=2&page_size=100",
        None,
    )
    .await;
    assert_eq!(second.json()["page_items"].as_array().unwrap().len(), 20);
    let too_big = call(
        &integration,
        &token,
        "GET",
        "/devices/v2?page_size=10001",
        None,
    )
    .await;
    assert_eq!(too_big.status, StatusCode::BAD_REQUEST);
    let extended = call(
        &integration,
        &token,
        "GET",
        "/devices/v2/extended?page_size=200",
        None,
    )
    .await;
    assert_eq!(extended.status, StatusCode::OK);
    assert!(extended.json()["page_items"][0]["host_name"].is_string());
    let extended_too_big = call(
        &integration,
        &token,
        "GET",
        "/devices/v2/extended?page_size=201",
        None,
    )
    .await;
    assert_eq!(extended_too_big.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn device_detail_and_lookups() {
    let integration = Integration::spawn(&ALL_DEVICE_PRIVILEGES).await;
    seed_tenant(&integration, &integration.tenant_id, 10);
    let token = integration.access_token().await;
    let id = device_ids(&integration, &integration.tenant_id)[0].clone();
    let device = devices::find(
        &mut integration.app.pool().get().unwrap(),
        &integration.tenant_id,
        &id,
    )
    .unwrap()
    .unwrap();

    let detail = call(
        &integration,
        &token,
        "GET",
        &format!("/devices/v2/{}", id.to_uppercase()),
        None,
    )
    .await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    let detail = detail.json();
    assert_eq!(detail["id"], id.as_str());
    assert_eq!(detail["host_name"], device.host_name.as_str());
    assert_eq!(detail["os_version"], device.os_version.as_str());
    assert_eq!(detail["is_safe"], device.is_safe);
    assert_eq!(detail["days_to_deletion"], "Unknown");

    let mac = device.mac_address_list()[0]
        .to_lowercase()
        .replace('-', ":");
    let by_mac = call(
        &integration,
        &token,
        "GET",
        &format!("/devices/v2/macaddress/{mac}"),
        None,
    )
    .await;
    assert_eq!(by_mac.status, StatusCode::OK, "{}", by_mac.body);
    assert_eq!(by_mac.json()[0]["id"], id.as_str());
    let host = device.host_name.to_uppercase();
    let by_host = call(
        &integration,
        &token,
        "GET",
        &format!("/devices/v2/hostname/{host}"),
        None,
    )
    .await;
    let found: Vec<String> = by_host
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(found.contains(&id), "{found:?}");
    let unknown = call(
        &integration,
        &token,
        "GET",
        "/devices/v2/hostname/no-such-host",
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn device_update_through_api() {
    let integration = Integration::spawn(&ALL_DEVICE_PRIVILEGES).await;
    seed_tenant(&integration, &integration.tenant_id, 10);
    let token = integration.access_token().await;
    let id = device_ids(&integration, &integration.tenant_id)[0].clone();
    let zones = call(&integration, &token, "GET", "/zones/v2", None)
        .await
        .json();
    let zone_id = zones["page_items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/devices/v2/{id}");

    let bad = json!({ "name": "Renamed", "policy_id": null, "add_zone_ids": [zone_id, "0f8fad5b-d9cb-469f-a165-70867728950e"] });
    let response = call(&integration, &token, "PUT", &path, Some(bad)).await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert!(message.starts_with("add_zone_ids:"), "{message}");
    let unchanged = call(&integration, &token, "GET", &path, None).await.json();
    assert_ne!(unchanged["name"], "Renamed");

    let good = json!({ "name": "Renamed", "policy_id": "", "add_zone_ids": [zone_id] });
    let response = call(&integration, &token, "PUT", &path, Some(good)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body, "");
    assert_eq!(response.header("content-type"), None);
    let updated = call(&integration, &token, "GET", &path, None).await.json();
    assert_eq!(updated["name"], "Renamed");
    assert_eq!(updated["policy"], json!({ "id": null, "name": "Default" }));
    let zones_of = call(
        &integration,
        &token,
        "GET",
        &format!("/zones/v2/{id}/zones"),
        None,
    )
    .await
    .json();
    let member_ids: Vec<&str> = zones_of["page_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["id"].as_str().unwrap())
        .collect();
    assert!(member_ids.contains(&zone_id.as_str()));
    let in_zone = call(
        &integration,
        &token,
        "GET",
        &format!("/devices/v2/{zone_id}/devices"),
        None,
    )
    .await
    .json();
    let device_ids_in_zone: Vec<&str> = in_zone["page_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(device_ids_in_zone.contains(&id.as_str()));
}

#[actix_web::test]
async fn device_threats_and_quarantine() {
    let integration = Integration::spawn(&ALL_DEVICE_PRIVILEGES).await;
    seed_tenant(&integration, &integration.tenant_id, 60);
    let token = integration.access_token().await;
    let (device, sha256): (String, String) = device_threats::table
        .filter(device_threats::tenant_id.eq(&integration.tenant_id))
        .select((device_threats::device_id, device_threats::sha256))
        .first(&mut integration.app.pool().get().unwrap())
        .unwrap();
    let path = format!("/devices/v2/{device}/threats");

    let listed = call(&integration, &token, "GET", &path, None).await.json();
    assert_eq!(listed["page_size"], 10);
    let item = &listed["page_items"][0];
    for field in [
        "classification",
        "date_found",
        "file_path",
        "file_status",
        "name",
        "sha256",
    ] {
        assert!(item[field].is_string(), "{field}: {item}");
    }
    assert!(item["cylance_score"].is_f64());

    let bad_event = json!({ "threat_id": sha256, "event": "Delete" });
    let response = call(&integration, &token, "POST", &path, Some(bad_event)).await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert!(message.starts_with("event:"), "{message}");
    let event = json!({ "threat_id": sha256.to_lowercase(), "event": "Quarantine" });
    let response = call(&integration, &token, "POST", &path, Some(event)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body, "");
    let statuses: Vec<String> = device_threats::table
        .filter(device_threats::device_id.eq(&device))
        .filter(device_threats::sha256.eq(&sha256))
        .select(device_threats::file_status)
        .load(&mut integration.app.pool().get().unwrap())
        .unwrap();
    assert!(
        statuses.iter().all(|status| status == "Quarantined"),
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn device_delete_returns_request_id() {
    let integration = Integration::spawn(&ALL_DEVICE_PRIVILEGES).await;
    seed_tenant(&integration, &integration.tenant_id, 5);
    let token = integration.access_token().await;
    let ids = device_ids(&integration, &integration.tenant_id);

    let empty_callback = json!({ "device_ids": [ids[0]], "callback_url": "" });
    let response = call(
        &integration,
        &token,
        "DELETE",
        "/devices/v2",
        Some(empty_callback),
    )
    .await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert!(message.starts_with("callback_url:"), "{message}");

    let body = json!({ "device_ids": [ids[0], "not-an-id"] });
    let response = call(&integration, &token, "DELETE", "/devices/v2", Some(body)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let request_id = response.json()["request_id"].as_str().unwrap().to_owned();
    let posted = call(
        &integration,
        &token,
        "POST",
        "/devices/v2/delete",
        Some(json!({ "device_ids": [ids[1]] })),
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);

    let mut conn = integration.app.pool().get().unwrap();
    let request = device_deletion::find(&mut conn, &integration.tenant_id, &request_id)
        .unwrap()
        .unwrap();
    assert_eq!(request.device_id_list(), vec![ids[0].clone()]);
    device_deletion::complete_pending(&mut conn, clock::now()).unwrap();
    let gone = call(
        &integration,
        &token,
        "GET",
        &format!("/devices/v2/{}", ids[0]),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(device_ids(&integration, &integration.tenant_id).len(), 3);
}

#[actix_web::test]
async fn other_tenants_device_is_not_found() {
    let integration = Integration::spawn(&ALL_DEVICE_PRIVILEGES).await;
    let other = integration.app.tenant("Other", "2024-02-02");
    seed_tenant(&integration, &other, 5);
    let token = integration.access_token().await;
    let foreign = device_ids(&integration, &other)[0].clone();
    let missing = "6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f";
    for (method, suffix, body) in [
        ("GET", "", None),
        ("PUT", "", Some(json!({ "name": "Stolen" }))),
        ("GET", "/threats", None),
    ] {
        let theirs = call(
            &integration,
            &token,
            method,
            &format!("/devices/v2/{foreign}{suffix}"),
            body.clone(),
        )
        .await;
        let absent = call(
            &integration,
            &token,
            method,
            &format!("/devices/v2/{missing}{suffix}"),
            body,
        )
        .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{method} {suffix}");
        assert_eq!(theirs.body, absent.body, "{method} {suffix}");
    }
    let listed = call(&integration, &token, "GET", "/devices/v2", None)
        .await
        .json();
    assert_eq!(listed["total_number_of_items"], 0);
    let kept = devices::find(&mut integration.app.pool().get().unwrap(), &other, &foreign)
        .unwrap()
        .unwrap();
    assert_ne!(kept.name, "Stolen");

    let body = json!({ "device_ids": [foreign] });
    let response = call(&integration, &token, "DELETE", "/devices/v2", Some(body)).await;
    assert_eq!(response.status, StatusCode::OK);
    device_deletion::complete_pending(&mut integration.app.pool().get().unwrap(), clock::now())
        .unwrap();
    assert_eq!(device_ids(&integration, &other).len(), 5);
}
