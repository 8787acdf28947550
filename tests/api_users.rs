//! `GET /users/v2` and `GET /users/v2/{id or email}`: bearer checks, the
//! paginated envelope, tolerant query parsing, and the user object.

use actix_web::http::StatusCode;
use aurora_console::clock;
use aurora_console::db::schema::access_tokens;
use aurora_console::domain::users::{self, NewUser, Role};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::api_token::{Integration, USER_LIST_FORBIDDEN, error_message};
use crate::support::{Response, TestApp, captured_logs};

const ADMIN_EMAIL: &str = "admin@example.test";

/// Sends a GET with `authorization` as the `Authorization` header, if any.
async fn get_with_authorization(
    app: &TestApp,
    path: &str,
    authorization: Option<&str>,
) -> Response {
    let client = awc::Client::default();
    let mut request = client
        .get(format!("{}{}", app.base_url, path))
        .insert_header(("Accept", "application/json"));
    if let Some(value) = authorization {
        request = request.insert_header(("Authorization", value));
    }
    let mut response = request.send().await.unwrap();
    let body = response.body().await.unwrap();
    Response {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Adds a user without a password, as if created at `created_at` (Unix
/// seconds), and returns its id.
fn add_user(app: &TestApp, tenant_id: &str, email: &str, role: Role, created_at: i64) -> String {
    users::create(
        &mut app.pool().get().unwrap(),
        NewUser {
            tenant_id,
            email,
            first_name: "Ada",
            last_name: "Lovelace",
            role,
            password_hash: None,
            now: created_at,
        },
    )
    .unwrap()
    .id
}

/// Adds `count` users to the tenant, one minute apart and all older than the
/// administrator, and returns every user's e-mail newest first.
fn add_users(integration: &Integration, count: usize) -> Vec<String> {
    let oldest = clock::now() - 86_400;
    let mut newest_first: Vec<String> = (0..count)
        .map(|index| {
            let email = format!("user{index}@example.test");
            add_user(
                &integration.app,
                &integration.tenant_id,
                &email,
                Role::User,
                oldest + 60 * index as i64,
            );
            email
        })
        .collect();
    newest_first.push(ADMIN_EMAIL.to_owned());
    newest_first.reverse();
    newest_first
}

fn emails_of(page: &Value) -> Vec<String> {
    page["page_items"]
        .as_array()
        .expect("page_items is an array")
        .iter()
        .map(|user| user["email"].as_str().unwrap().to_owned())
        .collect()
}

/// Checks the form `YYYY-MM-DDTHH:MM:SS`.
fn is_api_timestamp(text: &str) -> bool {
    text.len() == 19
        && text.char_indices().all(|(index, c)| match index {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            _ => c.is_ascii_digit(),
        })
}

#[actix_web::test]
async fn missing_bearer_token_is_unauthorized() {
    let integration = Integration::spawn(&["users:read"]).await;
    for authorization in [
        None,
        Some("Basic YWRtaW46YWRtaW4="),
        Some("Bearer"),
        Some("Bearer   "),
    ] {
        for path in ["/users/v2", "/users/v2/admin@example.test"] {
            let response = get_with_authorization(&integration.app, path, authorization).await;
            let message = error_message(&response, StatusCode::UNAUTHORIZED);
            assert_eq!(
                message, "Unauthorized: send the access token in an 'Authorization: Bearer' header",
                "{path} with {authorization:?}"
            );
        }
    }
}

#[actix_web::test]
async fn garbage_token_is_unauthorized() {
    let integration = Integration::spawn(&["users:read"]).await;
    for token in ["garbage", "a.b.c", integration.created.secret.as_str()] {
        let response = integration.get("/users/v2", token).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message, "Unauthorized: the access token is invalid or was revoked",
            "token {token}"
        );
    }
}

#[actix_web::test]
async fn expired_access_token_is_unauthorized() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    diesel::update(access_tokens::table)
        .set(access_tokens::expires_at.eq(clock::now() - 1))
        .execute(&mut integration.app.pool().get().unwrap())
        .unwrap();

    let response = integration.get("/users/v2", &token).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the access token has expired; request a new one"
    );
}

#[actix_web::test]
async fn token_without_users_privilege_is_forbidden() {
    let integration = Integration::spawn(&["devices:read", "zones:read"]).await;
    let token = integration.access_token().await;

    let listed = integration.get("/users/v2", &token).await;
    let message = error_message(&listed, StatusCode::FORBIDDEN);
    assert_eq!(message, USER_LIST_FORBIDDEN);

    let fetched = integration
        .get(&format!("/users/v2/{ADMIN_EMAIL}"), &token)
        .await;
    let message = error_message(&fetched, StatusCode::FORBIDDEN);
    assert_eq!(
        message,
        "Forbidden: this request needs the scope 'user:read', granted by the Users Read privilege of the application"
    );
}

#[actix_web::test]
async fn unsupported_page_size_is_bad_request() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    for query in ["page_size=0", "page_size=201", "page_size=-1", "pageSize=0"] {
        let response = integration.get(&format!("/users/v2?{query}"), &token).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(
            message,
            "The page size requested is not supported. page_size must be between 1 and 200.",
            "{query}"
        );
    }
}

#[actix_web::test]
async fn other_tenants_user_is_not_found() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let other_tenant = integration.app.tenant("Other tenant", "2024-02-01");
    let foreign_email = "foreign@example.test";
    let foreign_id = add_user(
        &integration.app,
        &other_tenant,
        foreign_email,
        Role::User,
        clock::now(),
    );
    let missing_id = uuid::Uuid::new_v4().to_string();

    for key in [
        foreign_id.as_str(),
        foreign_email,
        missing_id.as_str(),
        "nobody@example.test",
    ] {
        let response = integration.get(&format!("/users/v2/{key}"), &token).await;
        let message = error_message(&response, StatusCode::NOT_FOUND);
        assert_eq!(message, "User not found", "{key}");
    }

    let listed = integration.get("/users/v2", &token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(emails_of(&listed.json()), vec![ADMIN_EMAIL.to_owned()]);
}

#[actix_web::test]
async fn list_envelope_has_default_page_size_and_newest_first() {
    let integration = Integration::spawn(&["users:read"]).await;
    let newest_first = add_users(&integration, 11);
    let token = integration.access_token().await;

    let response = integration.get("/users/v2", &token).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let page = response.json();
    let mut fields: Vec<&String> = page.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "page_items",
            "page_number",
            "page_size",
            "total_number_of_items",
            "total_pages"
        ]
    );
    assert_eq!(page["page_number"], json!(1));
    assert_eq!(page["page_size"], json!(10));
    assert_eq!(page["total_pages"], json!(2));
    assert_eq!(page["total_number_of_items"], json!(12));
    assert_eq!(emails_of(&page), newest_first[..10]);

    let second = integration.get("/users/v2?page=2", &token).await.json();
    assert_eq!(second["page_number"], json!(2));
    assert_eq!(emails_of(&second), newest_first[10..]);
}

#[actix_web::test]
async fn paging_by_two_returns_every_user_once() {
    let integration = Integration::spawn(&["users:read"]).await;
    let newest_first = add_users(&integration, 5);
    let token = integration.access_token().await;

    let mut seen = Vec::new();
    for number in 1..=3 {
        let response = integration
            .get(&format!("/users/v2?page={number}&page_size=2"), &token)
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let page = response.json();
        assert_eq!(page["page_number"], json!(number));
        assert_eq!(page["page_size"], json!(2));
        assert_eq!(page["total_pages"], json!(3));
        assert_eq!(page["total_number_of_items"], json!(6));
        assert_eq!(emails_of(&page).len(), 2, "page {number}");
        seen.extend(emails_of(&page));
    }
    assert_eq!(seen, newest_first);

    let beyond = integration
        .get("/users/v2?page=4&page_size=2", &token)
        .await;
    assert_eq!(beyond.status, StatusCode::OK, "{}", beyond.body);
    let page = beyond.json();
    assert_eq!(page["page_number"], json!(4));
    assert_eq!(page["total_pages"], json!(3));
    assert_eq!(page["page_items"], json!([]));
}

#[actix_web::test]
async fn unparseable_page_falls_back_to_first() {
    let integration = Integration::spawn(&["users:read"]).await;
    let newest_first = add_users(&integration, 3);
    let token = integration.access_token().await;
    for query in [
        "page=abc&page_size=2",
        "page1&page_size=2",
        "page=0&page_size=2",
        "page=&page_size=2",
    ] {
        let response = integration.get(&format!("/users/v2?{query}"), &token).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{query}: {}",
            response.body
        );
        let page = response.json();
        assert_eq!(page["page_number"], json!(1), "{query}");
        assert_eq!(page["page_size"], json!(2), "{query}");
        assert_eq!(emails_of(&page), newest_first[..2], "{query}");
    }
}

#[actix_web::test]
async fn camel_case_paging_aliases_are_accepted() {
    let integration = Integration::spawn(&["users:read"]).await;
    let newest_first = add_users(&integration, 3);
    let token = integration.access_token().await;
    let response = integration
        .get("/users/v2?pageNumber=2&pageSize=2", &token)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let page = response.json();
    assert_eq!(page["page_number"], json!(2));
    assert_eq!(page["page_size"], json!(2));
    assert_eq!(page["total_pages"], json!(2));
    assert_eq!(emails_of(&page), newest_first[2..]);
}

#[actix_web::test]
async fn second_question_mark_in_query_is_tolerated() {
    let integration = Integration::spawn(&["users:read"]).await;
    let newest_first = add_users(&integration, 3);
    let token = integration.access_token().await;
    let response = integration
        .get("/users/v2?page=2?page_size=2", &token)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let page = response.json();
    assert_eq!(page["page_number"], json!(2));
    assert_eq!(page["page_size"], json!(2));
    assert_eq!(emails_of(&page), newest_first[2..]);
}

#[actix_web::test]
async fn user_object_has_api_fields_and_role_guids() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    // 2023-05-04T03:02:01 UTC.
    let created_at = 1_683_169_321;
    let roles = [
        (
            Role::Administrator,
            "00000000-0000-0000-0000-000000000002",
            "Administrator",
        ),
        (Role::User, "00000000-0000-0000-0000-000000000001", "User"),
        (
            Role::ReadOnly,
            "00000000-0000-0000-0000-000000000003",
            "Read-Only",
        ),
        (
            Role::ZoneManager,
            "00000000-0000-0000-0000-000000000004",
            "Zone Manager",
        ),
    ];
    for (index, (role, role_type, role_name)) in roles.into_iter().enumerate() {
        let email = format!("role{index}@example.test");
        let id = add_user(
            &integration.app,
            &integration.tenant_id,
            &email,
            role,
            created_at,
        );

        let response = integration.get(&format!("/users/v2/{id}"), &token).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert_eq!(response.header("content-type"), Some("application/json"));
        let user = response.json();
        let expected = json!({
            "date_created": "2023-05-04T03:02:01",
            "date_email_confirmed": null,
            "date_last_login": null,
            "date_modified": "2023-05-04T03:02:01",
            "default_zone_role_name": "None",
            "default_zone_role_type": "00000000-0000-0000-0000-000000000000",
            "email": email,
            "first_name": "Ada",
            "has_logged_in": false,
            "id": id,
            "last_name": "Lovelace",
            "role_name": role_name,
            "role_type": role_type,
            "tenant_id": integration.tenant_id,
            "zones": [],
        });
        assert_eq!(user, expected, "{role:?}");
    }
}

#[actix_web::test]
async fn signed_in_user_shows_login_dates() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let response = integration
        .get(&format!("/users/v2/{ADMIN_EMAIL}"), &token)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let user = response.json();

    assert_eq!(user["has_logged_in"], json!(true));
    assert_eq!(user["first_name"], json!("Test"));
    assert_eq!(user["last_name"], json!("User"));
    assert_eq!(user["role_name"], json!("Administrator"));
    for field in [
        "date_created",
        "date_modified",
        "date_email_confirmed",
        "date_last_login",
    ] {
        let text = user[field].as_str().unwrap_or_default();
        assert!(is_api_timestamp(text), "{field} is {}", user[field]);
    }
}

#[actix_web::test]
async fn user_found_by_id_in_any_form_and_email_in_any_case() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let id = add_user(
        &integration.app,
        &integration.tenant_id,
        "Mixed.Case@Example.TEST",
        Role::User,
        clock::now(),
    );

    let compact_upper = id.replace('-', "").to_uppercase();
    for key in [
        id.clone(),
        id.to_uppercase(),
        compact_upper,
        "mixed.case@example.test".to_owned(),
        "MIXED.CASE@EXAMPLE.TEST".to_owned(),
    ] {
        let response = integration.get(&format!("/users/v2/{key}"), &token).await;
        assert_eq!(response.status, StatusCode::OK, "{key}: {}", response.body);
        let user = response.json();
        assert_eq!(user["id"], json!(id), "{key}");
        assert_eq!(user["email"], json!("Mixed.Case@Example.TEST"), "{key}");
    }
}

#[actix_web::test]
async fn repeated_slashes_in_path_are_collapsed() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let id = add_user(
        &integration.app,
        &integration.tenant_id,
        "slash@example.test",
        Role::User,
        clock::now(),
    );

    let fetched = integration.get(&format!("/users/v2//{id}"), &token).await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.body);
    assert_eq!(fetched.json()["id"], json!(id));

    let listed = integration.get("//users//v2/", &token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.json()["total_number_of_items"], json!(2));
}

#[actix_web::test]
async fn request_log_omits_email_in_path() {
    let integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let email = format!("log-probe-{}@example.test", uuid::Uuid::new_v4().simple());
    add_user(
        &integration.app,
        &integration.tenant_id,
        &email,
        Role::User,
        clock::now(),
    );

    let found = integration.get(&format!("/users/v2/{email}"), &token).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let missing = format!("missing-{email}");
    let not_found = integration
        .get(&format!("/users/v2/{missing}"), &token)
        .await;
    assert_eq!(
        not_found.status,
        StatusCode::NOT_FOUND,
        "{}",
        not_found.body
    );

    let logs = captured_logs();
    assert!(
        logs.contains("route=/users/v2/{user} status=200"),
        "no request line for the route"
    );
    assert!(
        !logs.contains(&email),
        "the logs contain the e-mail address"
    );
    let local_part = email.split('@').next().unwrap();
    assert!(
        !logs.contains(local_part),
        "the logs contain the e-mail's local part"
    );
}
