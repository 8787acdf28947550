//! Requests replayed in the exact form existing connectors send them, and
//! checked the way each connector reads the answer: Rapid7's second `?`,
//! Splunk SOAR's reliance on "Unauthorized" and on bodiless 200s, XSOAR's
//! strict `last_found` parsing and default page, upper-case hashes, and
//! cyapi's dash-less upper-case ids and doubled slashes.

use actix_web::http::StatusCode;
use aurora_console::seed::{self, SeedOptions};
use serde_json::{Value, json};

use crate::support::{
    TestApp, api_get, api_request, auth_claims, create_application, exchange, sign_auth_token,
};

/// A seeded tenant and an access token holding every read and write privilege.
async fn seeded_caller() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let (tenant, mut admin) = app.signed_in_admin("admin@quirks.test").await;
    seed::run(
        &mut app.pool().get().unwrap(),
        &tenant,
        SeedOptions {
            devices: 40,
            seed: 7,
        },
        aurora_console::clock::now(),
    )
    .unwrap();
    let privileges = [
        "devices:read",
        "devices:modify",
        "threats:read",
        "zones:read",
        "zones:modify",
        "globallists:read",
        "globallists:write",
    ];
    let created = create_application(&mut admin, "Connector", &privileges).await;
    let jwt = sign_auth_token(&created.secret, &auth_claims(&tenant, &created));
    let token = exchange(&mut admin, &jwt).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, token)
}

fn is_plain_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 19
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            _ => b.is_ascii_digit(),
        })
}

#[actix_web::test]
async fn expired_or_unknown_token_answers_with_unauthorized_word() {
    let (app, _) = seeded_caller().await;
    // SOAR re-authenticates only when the error text contains "Unauthorized".
    for path in [
        "/devices/v2",
        "/zones/v2",
        "/threats/v2",
        "/globallists/v2?listTypeId=0",
    ] {
        let response = api_get(&app, "stale-token-from-yesterday", path).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            response.body.contains("Unauthorized"),
            "{path}: {}",
            response.body
        );
    }
}

#[actix_web::test]
async fn second_question_mark_reads_as_ampersand() {
    let (app, token) = seeded_caller().await;
    // Rapid7 builds "?page=1?page_size=20".
    let response = api_get(&app, &token, "/devices/v2?page=1?page_size=20").await;
    assert_eq!(response.status, StatusCode::OK);
    let page = response.json();
    assert_eq!(page["page_number"], 1);
    assert_eq!(page["page_size"], 20);
    assert_eq!(page["page_items"].as_array().unwrap().len(), 20);
    assert_eq!(page["total_number_of_items"], 40);
}

#[actix_web::test]
async fn threat_list_without_paging_suits_strict_parsers() {
    let (app, token) = seeded_caller().await;
    // XSOAR fetches with no paging and parses last_found as %Y-%m-%dT%H:%M:%S.
    let response = api_get(&app, &token, "/threats/v2").await;
    assert_eq!(response.status, StatusCode::OK);
    let page = response.json();
    assert_eq!(page["page_size"], 10);
    let items = page["page_items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    let found: Vec<&str> = items
        .iter()
        .map(|t| t["last_found"].as_str().unwrap())
        .collect();
    for last_found in &found {
        assert!(is_plain_timestamp(last_found), "{last_found}");
    }
    let mut sorted = found.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(found, sorted, "newest last_found first");
    for threat in items {
        let sha256 = threat["sha256"].as_str().unwrap();
        assert_eq!(sha256, sha256.to_uppercase());
    }
}

#[actix_web::test]
async fn lower_case_hash_finds_upper_case_threat() {
    let (app, token) = seeded_caller().await;
    let listed = api_get(&app, &token, "/threats/v2?page_size=1")
        .await
        .json();
    let sha256 = listed["page_items"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = api_get(
        &app,
        &token,
        &format!("/threats/v2/{}", sha256.to_lowercase()),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["sha256"], Value::String(sha256));
}

#[actix_web::test]
async fn dash_less_upper_case_device_id_and_double_slash_are_read() {
    let (app, token) = seeded_caller().await;
    let listed = api_get(&app, &token, "/devices/v2?page_size=1")
        .await
        .json();
    let id = listed["page_items"][0]["id"].as_str().unwrap().to_owned();
    let compact = id.replace('-', "").to_uppercase();
    let detail = api_get(&app, &token, &format!("/devices/v2/{compact}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["id"], Value::String(id.clone()));
    // cyapi joins "devices/v2/" and "/{id}/threats".
    let threats = api_get(&app, &token, &format!("/devices/v2//{id}/threats")).await;
    assert_eq!(threats.status, StatusCode::OK);
    assert!(threats.json()["page_items"].is_array());
}

#[actix_web::test]
async fn bodiless_successes_are_plain_200s() {
    let (app, token) = seeded_caller().await;
    // SOAR accepts an empty body only with status 200 and no JSON type.
    let added = api_request(
        &app,
        &token,
        "POST",
        "/globallists/v2",
        Some(&json!({
            "sha256": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
            "list_type": "GlobalQuarantine",
            "reason": "Seen in an incident",
        })),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert_eq!(added.body, "");
    assert!(
        added
            .header("content-type")
            .is_none_or(|t| !t.contains("json"))
    );

    let zones = api_get(&app, &token, "/zones/v2?page_size=1").await.json();
    let zone = &zones["page_items"][0];
    let updated = api_request(
        &app,
        &token,
        "PUT",
        &format!("/zones/v2/{}", zone["id"].as_str().unwrap()),
        Some(&json!({
            "name": zone["name"],
            "policy_id": zone["policy_id"],
            "criticality": "High",
        })),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.body, "");
    assert!(
        updated
            .header("content-type")
            .is_none_or(|t| !t.contains("json"))
    );
}
