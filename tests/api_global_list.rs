//! `/globallists/v2`: listing either list, adding a hash and removing it,
//! with the empty 200s, the 409 and 404 messages clients look for, and
//! hashes accepted in any case and returned upper-case.

use actix_web::http::StatusCode;
use aurora_console::clock;
use aurora_console::domain::global_list::{self, ListType};
use aurora_console::seed::{self, SeedOptions};
use serde_json::{Value, json};

use crate::api_threats::{
    MAY_FIRST, SHA_LOWER, anonymous, column, entry_row, insert_list_entry, insert_threat,
    is_api_timestamp, keys_of, ok_json, sha, threat_row, token_with,
};
use crate::api_token::{Integration, error_message};
use crate::support::{Response, TestApp, api_request};

const PATH: &str = "/globallists/v2";
const QUARANTINE: &str = "/globallists/v2?listTypeId=0";
const SAFE: &str = "/globallists/v2?listTypeId=1";
const ALREADY_LISTED: &str = "There's already an entry for this threat";
const NOT_LISTED: &str = "There's no entry for this threat";

/// Sends `body` as it is, with `content_type` if any, and a bearer token.
async fn send_raw(
    app: &TestApp,
    token: &str,
    method: &str,
    body: &str,
    content_type: Option<&str>,
) -> Response {
    let client = awc::Client::default();
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("{}{PATH}", app.base_url))
        .insert_header(("Authorization", format!("Bearer {token}")));
    if let Some(content_type) = content_type {
        request = request.insert_header(("Content-Type", content_type));
    }
    let mut response = request.send_body(body.to_owned()).await.unwrap();
    let body = response.body().await.unwrap();
    Response {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

async fn add(integration: &Integration, token: &str, body: Value) -> Response {
    api_request(&integration.app, token, "POST", PATH, Some(&body)).await
}

async fn remove(integration: &Integration, token: &str, body: Value) -> Response {
    api_request(&integration.app, token, "DELETE", PATH, Some(&body)).await
}

/// Asserts the bodiless success: 200, nothing in the body, no content type.
fn assert_empty_ok(response: &Response) {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body, "");
    assert_eq!(response.header("content-type"), None);
}

fn quarantine_body(sha256: &str) -> Value {
    json!({
        "sha256": sha256,
        "list_type": "GlobalQuarantine",
        "reason": "Seen in a phishing campaign",
    })
}

fn safe_body(sha256: &str, category: &str) -> Value {
    json!({
        "sha256": sha256,
        "list_type": "GlobalSafe",
        "reason": "Signed in-house build tool",
        "category": category,
    })
}

async fn list_total(integration: &Integration, token: &str, path: &str) -> Value {
    ok_json(&integration.get(path, token).await)["total_number_of_items"].clone()
}

#[actix_web::test]
async fn global_list_without_token_is_unauthorized() {
    let integration = Integration::spawn(&["globallists:read"]).await;
    for (method, path) in [("GET", QUARANTINE), ("POST", PATH), ("DELETE", PATH)] {
        let response = anonymous(&integration.app, method, path).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert!(message.starts_with("Unauthorized"), "{method}: {message}");
    }
}

#[actix_web::test]
async fn global_list_needs_its_scopes() {
    let mut integration = Integration::spawn(&["threats:read", "devices:read"]).await;
    let token = integration.access_token().await;
    let reader = token_with(&mut integration, &["globallists:read"]).await;
    let forbidden = |scope: &str, level: &str| {
        format!(
            "Forbidden: this request needs the scope '{scope}', granted by the Global Lists {level} privilege of the application"
        )
    };

    let listed = integration.get(QUARANTINE, &token).await;
    let message = error_message(&listed, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("globallist:list", "Read"));

    for token in [&token, &reader] {
        let added = add(&integration, token, quarantine_body(SHA_LOWER)).await;
        let message = error_message(&added, StatusCode::FORBIDDEN);
        assert_eq!(message, forbidden("globallist:create", "Write"));

        let removed = remove(&integration, token, quarantine_body(SHA_LOWER)).await;
        let message = error_message(&removed, StatusCode::FORBIDDEN);
        assert_eq!(message, forbidden("globallist:delete", "Delete"));
    }
    assert_eq!(
        list_total(&integration, &reader, QUARANTINE).await,
        json!(0)
    );
}

#[actix_web::test]
async fn other_tenants_entries_stay_apart() {
    let integration = Integration::spawn(&[
        "globallists:read",
        "globallists:write",
        "globallists:delete",
    ])
    .await;
    let other = integration.app.tenant("Other tenant", "2024-02-01");
    insert_list_entry(&integration.app, entry_row(&other, SHA_LOWER, MAY_FIRST));
    let token = integration.access_token().await;

    assert_eq!(list_total(&integration, &token, QUARANTINE).await, json!(0));
    let removed = remove(&integration, &token, quarantine_body(SHA_LOWER)).await;
    let message = error_message(&removed, StatusCode::NOT_FOUND);
    assert_eq!(message, NOT_LISTED);

    let added = add(&integration, &token, quarantine_body(SHA_LOWER)).await;
    assert_empty_ok(&added);
    let removed = remove(&integration, &token, quarantine_body(SHA_LOWER)).await;
    assert_empty_ok(&removed);

    let (others, total) = global_list::list_page(
        &mut integration.app.pool().get().unwrap(),
        &other,
        ListType::GlobalQuarantine,
        0,
        10,
    )
    .unwrap();
    assert_eq!(total, 1);
    assert_eq!(others[0].sha256, SHA_LOWER.to_uppercase());
}

#[actix_web::test]
async fn list_type_id_is_required() {
    let integration = Integration::spawn(&["globallists:read"]).await;
    let token = integration.access_token().await;
    let expected = "use 0 for GlobalQuarantine or 1 for GlobalSafe";
    let cases = [
        (
            PATH.to_owned(),
            format!("listTypeId: is required; {expected}"),
        ),
        (
            format!("{PATH}?listTypeId="),
            format!("listTypeId: is required; {expected}"),
        ),
        (
            format!("{PATH}?page=1&page_size=20"),
            format!("listTypeId: is required; {expected}"),
        ),
        (
            format!("{PATH}?listTypeId=2"),
            format!("listTypeId: \"2\" is not a valid value; {expected}"),
        ),
        (
            format!("{PATH}?listTypeId=GlobalSafe"),
            format!("listTypeId: \"GlobalSafe\" is not a valid value; {expected}"),
        ),
        (
            format!("{PATH}?listTypeId=0&page_size=0"),
            "The page size requested is not supported. page_size must be between 1 and 200."
                .to_owned(),
        ),
    ];
    for (path, message_expected) in cases {
        let response = integration.get(&path, &token).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, message_expected, "{path}");
    }
}

#[actix_web::test]
async fn add_rejects_each_bad_field() {
    let integration = Integration::spawn(&["globallists:read", "globallists:write"]).await;
    let token = integration.access_token().await;
    let categories = "expected AdminTool, CommercialSoftware, Drivers, InternalApplication, OperatingSystem, SecuritySoftware or None";
    let cases = [
        (json!([]), "The request body must be a JSON object with sha256 and list_type".to_owned()),
        (
            json!({"list_type": "GlobalQuarantine", "reason": "x"}),
            "sha256: is required".to_owned(),
        ),
        (
            json!({"sha256": 5, "list_type": "GlobalQuarantine", "reason": "x"}),
            "sha256: must be a string".to_owned(),
        ),
        (
            quarantine_body("xyz"),
            "sha256: \"xyz\" is not a SHA-256 (64 hexadecimal digits)".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "reason": "x"}),
            "list_type: is required".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "Blacklist", "reason": "x"}),
            "list_type: \"Blacklist\" is not a valid value; expected one of \"GlobalQuarantine\" or \"GlobalSafe\"".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "GlobalQuarantine"}),
            "reason: is required".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "GlobalQuarantine", "reason": "  "}),
            "reason: is required; say why the file is listed".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "GlobalQuarantine", "reason": "r".repeat(1025)}),
            "reason: must be at most 1024 characters without control characters".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "GlobalSafe", "reason": "x"}),
            format!("category: is required for the GlobalSafe list; {categories}"),
        ),
        (
            safe_body(SHA_LOWER, "Games"),
            format!("category: \"Games\" is not a valid value; {categories}"),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "GlobalSafe", "reason": "x", "category": ["Drivers"]}),
            "category: must be a string".to_owned(),
        ),
        (
            json!({"sha256": SHA_LOWER, "list_type": "GlobalQuarantine", "reason": "x", "file_name": "a\u{7}.exe"}),
            "file_name: must be at most 1024 characters without control characters".to_owned(),
        ),
    ];
    for (body, expected) in cases {
        let response = add(&integration, &token, body.clone()).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, expected, "{body}");
    }

    let not_json = send_raw(&integration.app, &token, "POST", "sha256=abc", None).await;
    let message = error_message(&not_json, StatusCode::BAD_REQUEST);
    assert_eq!(
        message,
        "The request body must be a JSON object with sha256 and list_type"
    );

    let oversized = format!(r#"{{"reason": "{}"}}"#, "a".repeat(64 * 1024));
    let too_large = send_raw(
        &integration.app,
        &token,
        "POST",
        &oversized,
        Some("application/json"),
    )
    .await;
    let message = error_message(&too_large, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(message, "The request body is larger than 65536 bytes");

    assert_eq!(list_total(&integration, &token, QUARANTINE).await, json!(0));
    assert_eq!(list_total(&integration, &token, SAFE).await, json!(0));
}

#[actix_web::test]
async fn remove_rejects_each_bad_field() {
    let integration = Integration::spawn(&["globallists:delete"]).await;
    let token = integration.access_token().await;
    let cases = [
        (
            json!("GlobalQuarantine"),
            "The request body must be a JSON object with sha256 and list_type",
        ),
        (
            json!({"list_type": "GlobalQuarantine"}),
            "sha256: is required",
        ),
        (json!({"sha256": SHA_LOWER}), "list_type: is required"),
        (
            json!({"sha256": SHA_LOWER, "list_type": "quarantine"}),
            "list_type: \"quarantine\" is not a valid value; expected one of \"GlobalQuarantine\" or \"GlobalSafe\"",
        ),
        (
            json!({"sha256": "abc", "list_type": "GlobalSafe"}),
            "sha256: \"abc\" is not a SHA-256 (64 hexadecimal digits)",
        ),
    ];
    for (body, expected) in cases {
        let response = remove(&integration, &token, body.clone()).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, expected, "{body}");
    }
    let without_body = send_raw(&integration.app, &token, "DELETE", "", None).await;
    let message = error_message(&without_body, StatusCode::BAD_REQUEST);
    assert_eq!(
        message,
        "The request body must be a JSON object with sha256 and list_type"
    );
}

#[actix_web::test]
async fn added_entry_is_listed_with_its_threat() {
    let integration = Integration::spawn(&["globallists:read", "globallists:write"]).await;
    let tenant = integration.tenant_id.clone();
    insert_threat(&integration.app, threat_row(&tenant, SHA_LOWER, MAY_FIRST));
    let token = integration.access_token().await;

    let before = clock::now();
    let added = add(&integration, &token, quarantine_body(SHA_LOWER)).await;
    assert_empty_ok(&added);

    let page = ok_json(&integration.get(QUARANTINE, &token).await);
    assert_eq!(page["page_size"], json!(10));
    assert_eq!(page["total_number_of_items"], json!(1));
    let entry = &page["page_items"][0];
    assert_eq!(
        keys_of(entry),
        [
            "added",
            "added_by",
            "av_industry",
            "category",
            "classification",
            "cylance_score",
            "list_type",
            "md5",
            "name",
            "reason",
            "sha256",
            "sub_classification"
        ]
    );
    assert_eq!(entry["sha256"], json!(SHA_LOWER.to_uppercase()));
    assert_eq!(entry["list_type"], json!("GlobalQuarantine"));
    assert_eq!(entry["category"], json!(""));
    assert_eq!(entry["reason"], json!("Seen in a phishing campaign"));
    assert_eq!(entry["added_by"], json!(integration.application_id()));
    assert_eq!(entry["name"], json!("invoice_2024.pdf.exe"));
    assert_eq!(entry["md5"], json!("5D41402ABC4B2A76B9719D911017C592"));
    assert_eq!(entry["classification"], json!("Malware"));
    assert_eq!(entry["sub_classification"], json!("Trojan"));
    assert_eq!(entry["cylance_score"], json!(-0.987));
    assert_eq!(entry["av_industry"], json!(0.62));
    let added_at = entry["added"].as_str().unwrap();
    assert!(is_api_timestamp(added_at), "{added_at}");
    assert!(
        added_at >= clock::api_timestamp(before).as_str(),
        "{added_at}"
    );

    assert_eq!(list_total(&integration, &token, SAFE).await, json!(0));
}

#[actix_web::test]
async fn safe_list_reads_client_category_spellings() {
    let integration = Integration::spawn(&["globallists:read", "globallists:write"]).await;
    let token = integration.access_token().await;
    let spellings = [
        ("Commercial Software", "CommercialSoftware"),
        ("Commerical Software", "CommercialSoftware"),
        ("internalApplication", "InternalApplication"),
        ("admin tool", "AdminTool"),
        ("OPERATINGSYSTEM", "OperatingSystem"),
        ("None", "None"),
    ];
    let mut expected = Vec::new();
    for (number, (spelling, category)) in spellings.iter().enumerate() {
        let sha256 = sha(number as u32).to_lowercase();
        let added = add(&integration, &token, safe_body(&sha256, spelling)).await;
        assert_empty_ok(&added);
        expected.push((sha(number as u32), category.to_string()));
    }
    expected.sort_by(|a, b| b.cmp(a));

    let page = ok_json(
        &integration
            .get(&format!("{SAFE}&page_size=20"), &token)
            .await,
    );
    let hashes: Vec<String> = expected.iter().map(|(sha256, _)| sha256.clone()).collect();
    let categories: Vec<String> = expected.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(column(&page, "sha256"), hashes);
    assert_eq!(column(&page, "category"), categories);
    assert_eq!(column(&page, "list_type"), vec!["GlobalSafe"; 6]);

    // No threat of these hashes exists, so the name defaults to the hash
    // and nothing is known about the verdict.
    let entry = &page["page_items"][0];
    assert_eq!(entry["name"], entry["sha256"]);
    assert_eq!(entry["md5"], json!(""));
    assert_eq!(entry["classification"], json!(""));
    assert_eq!(entry["cylance_score"], Value::Null);

    let named = json!({
        "sha256": sha(50),
        "list_type": "GlobalSafe",
        "reason": "Build tool",
        "category": "Drivers",
        "file_name": "  builder.exe ",
    });
    assert_empty_ok(&add(&integration, &token, named).await);
    let page = ok_json(&integration.get(SAFE, &token).await);
    assert_eq!(page["page_items"][0]["sha256"], json!(sha(50)));
    assert_eq!(page["page_items"][0]["name"], json!("builder.exe"));
}

#[actix_web::test]
async fn duplicate_add_is_conflict() {
    let integration = Integration::spawn(&["globallists:read", "globallists:write"]).await;
    let token = integration.access_token().await;
    assert_empty_ok(&add(&integration, &token, quarantine_body(SHA_LOWER)).await);

    for sha256 in [SHA_LOWER.to_owned(), SHA_LOWER.to_uppercase()] {
        let again = add(&integration, &token, quarantine_body(&sha256)).await;
        let message = error_message(&again, StatusCode::CONFLICT);
        assert!(message.contains(ALREADY_LISTED), "{message}");
    }
    assert_eq!(list_total(&integration, &token, QUARANTINE).await, json!(1));

    // The other list is separate.
    let safe = add(&integration, &token, safe_body(SHA_LOWER, "Drivers")).await;
    assert_empty_ok(&safe);
}

#[actix_web::test]
async fn removed_entry_is_gone_once() {
    let integration = Integration::spawn(&[
        "globallists:read",
        "globallists:write",
        "globallists:delete",
    ])
    .await;
    let token = integration.access_token().await;
    assert_empty_ok(&add(&integration, &token, quarantine_body(SHA_LOWER)).await);
    assert_empty_ok(&add(&integration, &token, safe_body(SHA_LOWER, "Drivers")).await);

    let body = json!({"sha256": SHA_LOWER.to_uppercase(), "list_type": "GlobalQuarantine"});
    assert_empty_ok(&remove(&integration, &token, body.clone()).await);
    assert_eq!(list_total(&integration, &token, QUARANTINE).await, json!(0));
    assert_eq!(list_total(&integration, &token, SAFE).await, json!(1));

    let again = remove(&integration, &token, body).await;
    let message = error_message(&again, StatusCode::NOT_FOUND);
    assert!(message.contains(NOT_LISTED), "{message}");

    // Clients send DELETE bodies with and without a content type.
    let raw = format!(r#"{{"sha256": "{SHA_LOWER}", "list_type": "GlobalSafe"}}"#);
    let removed = send_raw(&integration.app, &token, "DELETE", &raw, None).await;
    assert_empty_ok(&removed);
    assert_eq!(list_total(&integration, &token, SAFE).await, json!(0));
}

#[actix_web::test]
async fn list_pages_newest_first() {
    let integration = Integration::spawn(&["globallists:read"]).await;
    let tenant = integration.tenant_id.clone();
    let mut expected = Vec::new();
    for number in 0..25u32 {
        // The last three share one second, so the hash decides their order.
        let added_at = MAY_FIRST + 60 * i64::from(number.min(22));
        insert_list_entry(&integration.app, entry_row(&tenant, &sha(number), added_at));
        expected.push((added_at, sha(number)));
    }
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, sha256)| sha256).collect();
    let token = integration.access_token().await;

    let first = ok_json(&integration.get(QUARANTINE, &token).await);
    assert_eq!(first["page_number"], json!(1));
    assert_eq!(first["page_size"], json!(10));
    assert_eq!(first["total_pages"], json!(3));
    assert_eq!(first["total_number_of_items"], json!(25));
    assert_eq!(column(&first, "sha256"), expected[..10]);
    assert_eq!(
        first["page_items"][0]["added"],
        json!(clock::api_timestamp(MAY_FIRST + 60 * 22))
    );

    let mut seen = Vec::new();
    for number in 1..=2 {
        let path = format!("{PATH}?listTypeId=0?page={number}?page_size=20");
        let page = ok_json(&integration.get(&path, &token).await);
        assert_eq!(page["total_pages"], json!(2), "page {number}");
        seen.extend(column(&page, "sha256"));
    }
    assert_eq!(seen, expected);

    let camel = ok_json(
        &integration
            .get(
                &format!("{PATH}?ListTypeId=0&pageNumber=3&pageSize=10"),
                &token,
            )
            .await,
    );
    assert_eq!(column(&camel, "sha256"), expected[20..]);
}

#[actix_web::test]
async fn seeded_lists_match_the_stored_entries() {
    let integration = Integration::spawn(&["globallists:read"]).await;
    let tenant = integration.tenant_id.clone();
    let options = SeedOptions {
        devices: 200,
        seed: 3,
    };
    let summary = seed::run(
        &mut integration.app.pool().get().unwrap(),
        &tenant,
        options,
        clock::now(),
    )
    .unwrap();
    let token = integration.access_token().await;

    let quarantine = ok_json(
        &integration
            .get(&format!("{QUARANTINE}&page_size=200"), &token)
            .await,
    );
    let safe = ok_json(
        &integration
            .get(&format!("{SAFE}&page_size=200"), &token)
            .await,
    );
    let listed = quarantine["total_number_of_items"].as_u64().unwrap()
        + safe["total_number_of_items"].as_u64().unwrap();
    assert_eq!(listed as usize, summary.global_list_entries);
    for page in [&quarantine, &safe] {
        for entry in page["page_items"].as_array().unwrap() {
            let sha256 = entry["sha256"].as_str().unwrap();
            assert_eq!(sha256, sha256.to_uppercase());
            assert!(is_api_timestamp(entry["added"].as_str().unwrap()));
        }
    }
    // Every quarantined hash is a threat of the tenant, so its verdict is known.
    for entry in quarantine["page_items"].as_array().unwrap() {
        assert!(entry["cylance_score"].is_number(), "{entry}");
    }
    assert!(
        column(&quarantine, "classification")
            .iter()
            .all(|c| c == "Malware")
    );
    assert!(column(&quarantine, "category").iter().all(String::is_empty));
    assert!(column(&safe, "category").iter().all(|c| !c.is_empty()));
}
