//! `/zones/v2`: scopes, the zone object, writes and their validation, and
//! tenant isolation.

use actix_web::http::StatusCode;
use aurora_console::domain::zones::{self, NewZone};
use serde_json::{Value, json};

use crate::api_token::{Integration, error_message};
use crate::support::{Response, api_request};

const ALL_ZONE_PRIVILEGES: [&str; 4] =
    ["zones:read", "zones:write", "zones:modify", "zones:delete"];

async fn call(
    integration: &Integration,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Response {
    api_request(&integration.app, token, method, path, body.as_ref()).await
}

fn assert_empty_ok(response: &Response) {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body, "");
    assert_eq!(response.header("content-type"), None);
}

fn zone_count(integration: &Integration, tenant_id: &str) -> i64 {
    let mut conn = integration.app.pool().get().unwrap();
    zones::list_page(&mut conn, tenant_id, 0, 1).unwrap().1
}

#[actix_web::test]
async fn zone_writes_need_their_scopes() {
    let integration = Integration::spawn(&["zones:read"]).await;
    let token = integration.access_token().await;
    let zone = zones::create(
        &mut integration.app.pool().get().unwrap(),
        &integration.tenant_id,
        NewZone {
            name: "Existing".into(),
            ..Default::default()
        },
        1_700_000_000,
    )
    .unwrap();
    let path = format!("/zones/v2/{}", zone.id);
    let cases = [
        ("POST", "/zones/v2", "zone:create", "Zones Write"),
        ("PUT", path.as_str(), "zone:update", "Zones Modify"),
        ("DELETE", path.as_str(), "zone:delete", "Zones Delete"),
    ];
    for (method, path, scope, privilege) in cases {
        let response = call(
            &integration,
            &token,
            method,
            path,
            Some(json!({"name": "Z"})),
        )
        .await;
        let message = error_message(&response, StatusCode::FORBIDDEN);
        assert!(message.contains(scope), "{method} {path}: {message}");
        assert!(message.contains(privilege), "{method} {path}: {message}");
    }
    assert_eq!(zone_count(&integration, &integration.tenant_id), 1);

    let readers = Integration::spawn(&["users:read"]).await;
    let token = readers.access_token().await;
    let response = call(&readers, &token, "GET", "/zones/v2", None).await;
    let message = error_message(&response, StatusCode::FORBIDDEN);
    assert!(message.contains("'zone:list'"), "{message}");
}

#[actix_web::test]
async fn zone_round_trip_through_api() {
    let integration = Integration::spawn(&ALL_ZONE_PRIVILEGES).await;
    let token = integration.access_token().await;

    let created = call(
        &integration,
        &token,
        "POST",
        "/zones/v2",
        Some(json!({"name": "Finance", "criticality": "High"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let zone = created.json();
    let id = zone["id"].as_str().unwrap().to_owned();
    assert_eq!(zone["name"], "Finance");
    assert_eq!(zone["criticality"], "High");
    assert_eq!(zone["policy_id"], Value::Null);
    assert_eq!(zone["update_type"], "Production");
    assert_eq!(zone["zone_rule_id"], Value::Null);
    assert_eq!(zone["date_created"].as_str().unwrap().len(), 19);

    let listed = call(&integration, &token, "GET", "/zones/v2", None).await;
    assert_eq!(listed.status, StatusCode::OK);
    let page = listed.json();
    assert_eq!(page["page_number"], 1);
    assert_eq!(page["page_size"], 10);
    assert_eq!(page["total_pages"], 1);
    assert_eq!(page["total_number_of_items"], 1);
    assert_eq!(page["page_items"][0], zone);

    let compact_id = id.to_uppercase().replace('-', "");
    let fetched = call(
        &integration,
        &token,
        "GET",
        &format!("/zones/v2/{compact_id}"),
        None,
    )
    .await;
    assert_eq!(fetched.json(), zone);

    let path = format!("/zones/v2/{id}");
    let body = json!({"name": "Finance EMEA", "policy_id": null, "criticality": "Low"});
    assert_empty_ok(&call(&integration, &token, "PUT", &path, Some(body)).await);
    let updated = call(&integration, &token, "GET", &path, None).await.json();
    assert_eq!(updated["name"], "Finance EMEA");
    assert_eq!(updated["criticality"], "Low");

    assert_empty_ok(&call(&integration, &token, "DELETE", &path, None).await);
    let gone = call(&integration, &token, "GET", &path, None).await;
    assert_eq!(
        error_message(&gone, StatusCode::NOT_FOUND),
        "Zone not found"
    );
}

#[actix_web::test]
async fn bad_zone_input_names_field() {
    let integration = Integration::spawn(&ALL_ZONE_PRIVILEGES).await;
    let token = integration.access_token().await;
    let cases = [
        (json!({}), StatusCode::BAD_REQUEST, "name: is required"),
        (
            json!({"name": 5}),
            StatusCode::BAD_REQUEST,
            "name: must be a string",
        ),
        (
            json!({"name": "A<B"}),
            StatusCode::BAD_REQUEST,
            "name: must not contain",
        ),
        (
            json!({"name": "Z", "criticality": "Medium"}),
            StatusCode::BAD_REQUEST,
            "criticality: \"Medium\" is not a valid value",
        ),
        (
            json!({"name": "Z", "policy_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}),
            StatusCode::BAD_REQUEST,
            "policy_id:",
        ),
    ];
    for (body, status, expected) in cases {
        let response = call(
            &integration,
            &token,
            "POST",
            "/zones/v2",
            Some(body.clone()),
        )
        .await;
        let message = error_message(&response, status);
        assert!(message.starts_with(expected), "{body}: {message}");
    }
    let not_json = api_request(&integration.app, &token, "POST", "/zones/v2", None).await;
    let message = error_message(&not_json, StatusCode::BAD_REQUEST);
    assert_eq!(message, "The request body must be a JSON object");
    assert_eq!(zone_count(&integration, &integration.tenant_id), 0);

    let first = call(
        &integration,
        &token,
        "POST",
        "/zones/v2",
        Some(json!({"name": "Lab"})),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let again = call(
        &integration,
        &token,
        "POST",
        "/zones/v2",
        Some(json!({"name": "LAB"})),
    )
    .await;
    let message = error_message(&again, StatusCode::CONFLICT);
    assert_eq!(message, "name: a zone named \"LAB\" already exists");
    assert_eq!(zone_count(&integration, &integration.tenant_id), 1);
}

#[actix_web::test]
async fn other_tenants_zone_is_not_found() {
    let integration = Integration::spawn(&ALL_ZONE_PRIVILEGES).await;
    let token = integration.access_token().await;
    let other = integration.app.tenant("Other", "2024-02-02");
    let foreign = zones::create(
        &mut integration.app.pool().get().unwrap(),
        &other,
        NewZone {
            name: "Theirs".into(),
            ..Default::default()
        },
        1_700_000_000,
    )
    .unwrap();

    let missing = "/zones/v2/6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f";
    let foreign_path = format!("/zones/v2/{}", foreign.id);
    for method in ["GET", "PUT", "DELETE"] {
        let body = (method == "PUT").then(|| json!({"name": "Stolen"}));
        let theirs = call(&integration, &token, method, &foreign_path, body.clone()).await;
        let absent = call(&integration, &token, method, missing, body).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(theirs.body, absent.body, "{method}");
    }
    let listed = call(&integration, &token, "GET", "/zones/v2", None)
        .await
        .json();
    assert_eq!(listed["total_number_of_items"], 0);
    let mut conn = integration.app.pool().get().unwrap();
    let kept = zones::find(&mut conn, &other, &foreign.id)
        .unwrap()
        .unwrap();
    assert_eq!(kept.name, "Theirs");
}
