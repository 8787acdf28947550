//! `/policies/v2`: scopes, status codes (201 on create, 204 on update),
//! the policy document, bulk deletion and tenant isolation.

use actix_web::http::StatusCode;
use aurora_console::domain::policies;
use serde_json::{Value, json};

use crate::api_token::{Integration, error_message};
use crate::support::{Response, api_request};

const ALL_POLICY_PRIVILEGES: [&str; 4] = [
    "policies:read",
    "policies:write",
    "policies:modify",
    "policies:delete",
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

fn policy_count(integration: &Integration, tenant_id: &str) -> i64 {
    let mut conn = integration.app.pool().get().unwrap();
    policies::list_page(&mut conn, tenant_id, 0, 1).unwrap().1
}

fn create_body(name: &str) -> Value {
    json!({
        "user_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "policy": {
            "policy_name": name,
            "checksum": "",
            "policy_id": "",
            "policy_utctimestamp": "",
            "policy": [{ "name": "auto_blocking", "value": "0" }],
            "filetype_actions": {
                "suspicious_files": [{ "actions": "0", "file_type": "executable" }],
                "threat_files": [{ "actions": "3", "file_type": "executable" }],
            },
        },
    })
}

#[actix_web::test]
async fn policy_calls_need_their_scopes() {
    let integration = Integration::spawn(&["policies:read"]).await;
    let token = integration.access_token().await;
    let cases = [
        ("POST", "/policies/v2", "policy:create"),
        ("PUT", "/policies/v2", "policy:update"),
        ("DELETE", "/policies/v2", "policy:delete"),
    ];
    for (method, path, scope) in cases {
        let response = call(&integration, &token, method, path, Some(create_body("P"))).await;
        let message = error_message(&response, StatusCode::FORBIDDEN);
        assert!(message.contains(scope), "{method}: {message}");
    }
    assert_eq!(policy_count(&integration, &integration.tenant_id), 0);

    let zones_only = Integration::spawn(&["zones:read"]).await;
    let token = zones_only.access_token().await;
    let response = call(&zones_only, &token, "GET", "/policies/v2", None).await;
    let message = error_message(&response, StatusCode::FORBIDDEN);
    assert!(message.contains("'policy:list'"), "{message}");
}

#[actix_web::test]
async fn policy_round_trip_through_api() {
    let integration = Integration::spawn(&ALL_POLICY_PRIVILEGES).await;
    let token = integration.access_token().await;

    let created = call(
        &integration,
        &token,
        "POST",
        "/policies/v2",
        Some(create_body("Laptops")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let document = created.json();
    let id = document["policy_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(document["policy_name"], "Laptops");
    assert!(
        document["policy_utctimestamp"]
            .as_str()
            .unwrap()
            .starts_with("/Date(")
    );
    assert_eq!(
        document["filetype_actions"]["threat_files"][0]["actions"],
        "3"
    );
    assert!(document["memoryviolation_actions"]["memory_violations"].is_array());

    let listed = call(&integration, &token, "GET", "/policies/v2", None)
        .await
        .json();
    assert_eq!(listed["page_size"], 10);
    assert_eq!(listed["total_number_of_items"], 1);
    let item = &listed["page_items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["name"], "Laptops");
    assert_eq!(item["device_count"], 0);
    assert_eq!(item["zone_count"], 0);
    assert_eq!(item["date_added"].as_str().unwrap().len(), 19);

    let fetched = call(
        &integration,
        &token,
        "GET",
        &format!("/policies/v2/{id}"),
        None,
    )
    .await;
    assert_eq!(fetched.json(), document);

    let mut update = create_body("Laptops v2");
    update["policy"]["policy_id"] = json!(id);
    let updated = call(&integration, &token, "PUT", "/policies/v2", Some(update)).await;
    assert_eq!(updated.status, StatusCode::NO_CONTENT, "{}", updated.body);
    assert_eq!(updated.body, "");
    let fetched = call(
        &integration,
        &token,
        "GET",
        &format!("/policies/v2/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(fetched["policy_name"], "Laptops v2");

    let second = call(
        &integration,
        &token,
        "POST",
        "/policies/v2",
        Some(create_body("Servers")),
    )
    .await;
    let second_id = second.json()["policy_id"].as_str().unwrap().to_owned();
    let deleted = call(
        &integration,
        &token,
        "DELETE",
        "/policies/v2",
        Some(json!({ "tenant_policy_ids": [id, second_id.to_uppercase()] })),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(deleted.body, "");
    assert_eq!(policy_count(&integration, &integration.tenant_id), 0);
}

#[actix_web::test]
async fn bad_policy_input_names_field() {
    let integration = Integration::spawn(&ALL_POLICY_PRIVILEGES).await;
    let token = integration.access_token().await;
    let cases = [
        (json!({}), "policy: is required"),
        (json!({ "policy": [] }), "policy: must be a JSON object"),
        (
            json!({ "policy": { "checksum": "" } }),
            "policy.policy_name: is required",
        ),
        (
            json!({ "user_id": "me", "policy": { "policy_name": "P" } }),
            "user_id: \"me\" is not a valid GUID",
        ),
        (
            json!({ "policy": { "policy_name": "P", "policy": [{ "name": "auto_blocking", "value": null }] } }),
            "policy.policy[0].value: must be a string",
        ),
    ];
    for (body, expected) in cases {
        let response = call(
            &integration,
            &token,
            "POST",
            "/policies/v2",
            Some(body.clone()),
        )
        .await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert!(message.starts_with(expected), "{body}: {message}");
    }
    let update = call(
        &integration,
        &token,
        "PUT",
        "/policies/v2",
        Some(create_body("X")),
    )
    .await;
    let message = error_message(&update, StatusCode::BAD_REQUEST);
    assert_eq!(message, "policy.policy_id: is required to update a policy");
    assert_eq!(policy_count(&integration, &integration.tenant_id), 0);

    let created = call(
        &integration,
        &token,
        "POST",
        "/policies/v2",
        Some(create_body("Only")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let duplicate = call(
        &integration,
        &token,
        "POST",
        "/policies/v2",
        Some(create_body("ONLY")),
    )
    .await;
    let message = error_message(&duplicate, StatusCode::CONFLICT);
    assert!(
        message.starts_with("policy.policy_name: a policy named"),
        "{message}"
    );
    let empty_delete = call(
        &integration,
        &token,
        "DELETE",
        "/policies/v2",
        Some(json!({ "tenant_policy_ids": [] })),
    )
    .await;
    let message = error_message(&empty_delete, StatusCode::BAD_REQUEST);
    assert!(message.starts_with("tenant_policy_ids:"), "{message}");
}

#[actix_web::test]
async fn other_tenants_policy_is_not_found_and_kept() {
    let integration = Integration::spawn(&ALL_POLICY_PRIVILEGES).await;
    let token = integration.access_token().await;
    let own = call(
        &integration,
        &token,
        "POST",
        "/policies/v2",
        Some(create_body("Mine")),
    )
    .await;
    let own_id = own.json()["policy_id"].as_str().unwrap().to_owned();
    let other = integration.app.tenant("Other", "2024-02-02");
    let foreign = policies::create(
        &mut integration.app.pool().get().unwrap(),
        &other,
        &json!({ "policy_name": "Theirs" }),
        1_700_000_000,
    )
    .unwrap();

    let fetched = call(
        &integration,
        &token,
        "GET",
        &format!("/policies/v2/{}", foreign.id),
        None,
    )
    .await;
    assert_eq!(
        error_message(&fetched, StatusCode::NOT_FOUND),
        "Policy not found"
    );
    let single = call(
        &integration,
        &token,
        "DELETE",
        &format!("/policies/v2/{}", foreign.id),
        None,
    )
    .await;
    assert_eq!(single.status, StatusCode::NOT_FOUND);
    let mixed = call(
        &integration,
        &token,
        "DELETE",
        "/policies/v2",
        Some(json!({ "tenant_policy_ids": [own_id, foreign.id] })),
    )
    .await;
    assert_eq!(mixed.status, StatusCode::NOT_FOUND, "{}", mixed.body);
    let mut update = create_body("Hijacked");
    update["policy"]["policy_id"] = json!(foreign.id);
    let hijack = call(&integration, &token, "PUT", "/policies/v2", Some(update)).await;
    assert_eq!(hijack.status, StatusCode::NOT_FOUND);

    assert_eq!(policy_count(&integration, &integration.tenant_id), 1);
    let mut conn = integration.app.pool().get().unwrap();
    let kept = policies::find(&mut conn, &other, &foreign.id)
        .unwrap()
        .unwrap();
    assert_eq!(kept.name, "Theirs");
}
