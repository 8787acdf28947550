//! `POST /users/v2`, `PUT` and `DELETE /users/v2/{user_id}`, and the invite
//! and reset-password endpoints: scopes, tenant isolation, every validation
//! message, the shapes of successful responses, and their audit events.

use actix_web::http::StatusCode;
use aurora_console::db::StorageError;
use aurora_console::db::schema::{user_invitations, users as users_table};
use aurora_console::domain::audit::{self, Actor, ActorKind, AuditEvent};
use aurora_console::domain::tenants;
use aurora_console::domain::user_changes::{self, UserChangeError};
use aurora_console::domain::users::{self, Role};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::api_token::{Integration, error_message};
use crate::support::{Response, TestApp};

const ADMIN_EMAIL: &str = "admin@example.test";

const ROLE_USER: &str = "00000000-0000-0000-0000-000000000001";
const ROLE_ADMINISTRATOR: &str = "00000000-0000-0000-0000-000000000002";
const ROLE_READ_ONLY: &str = "00000000-0000-0000-0000-000000000003";
const ROLE_ZONE_MANAGER: &str = "00000000-0000-0000-0000-000000000004";
const ZONE_ROLE_NONE: &str = "00000000-0000-0000-0000-000000000000";
const ZONE_ROLE_MANAGER: &str = "00000000-0000-0000-0000-000000000001";
const ZONE_ROLE_USER: &str = "00000000-0000-0000-0000-000000000002";
const ZONE_A: &str = "1a2b3c4d-0000-4000-8000-00000000000a";
const ZONE_B: &str = "1a2b3c4d-0000-4000-8000-00000000000b";

const USER_ROLE_CHOICES: &str = "user_role must be one of 00000000-0000-0000-0000-000000000001 (User), 00000000-0000-0000-0000-000000000002 (Administrator), 00000000-0000-0000-0000-000000000003 (Read-Only), 00000000-0000-0000-0000-000000000004 (Zone Manager)";
const ZONE_ROLE_CHOICES: &str = "zones[0].role_type must be one of 00000000-0000-0000-0000-000000000000 (None), 00000000-0000-0000-0000-000000000001 (Zone Manager), 00000000-0000-0000-0000-000000000002 (User)";
const LAST_ADMIN_DELETE: &str = "The user is the tenant's last administrator who can sign in and cannot be deleted; make another user an administrator first";
const LAST_ADMIN_DEMOTE: &str = "user_role cannot change: the user is the tenant's last administrator who can sign in; make another user an administrator first";
const NOT_A_GUID: &str = "user_id must be a user GUID; find it with GET /users/v2/{email}";

/// Sends `method path` with a bearer token and, if given, a JSON body with
/// the content type cyapi uses.
pub(crate) async fn api_send(
    app: &TestApp,
    method: &str,
    path: &str,
    access_token: Option<&str>,
    body: Option<String>,
) -> Response {
    let client = awc::Client::default();
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("{}{path}", app.base_url))
        .insert_header(("Accept", "application/json"));
    if let Some(token) = access_token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let mut response = match body {
        Some(body) => request
            .insert_header(("Content-Type", "application/json; charset=utf-8"))
            .send_body(body)
            .await
            .unwrap(),
        None => request.send().await.unwrap(),
    };
    let body = response.body().limit(4 * 1024 * 1024).await.unwrap();
    Response {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// An integration whose application has `privileges`, and its access token.
pub(crate) struct Caller {
    pub it: Integration,
    pub token: String,
}

impl Caller {
    pub(crate) async fn spawn(privileges: &[&str]) -> Caller {
        let it = Integration::spawn(privileges).await;
        let database = &it.app.state.config.database_path;
        crate::support::insert_zone(database, &it.tenant_id, ZONE_A, "Zone A");
        crate::support::insert_zone(database, &it.tenant_id, ZONE_B, "Zone B");
        let token = it.access_token().await;
        Caller { it, token }
    }

    pub(crate) fn app(&self) -> &TestApp {
        &self.it.app
    }

    pub(crate) async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        api_send(
            self.app(),
            method,
            path,
            Some(&self.token),
            body.map(|value| value.to_string()),
        )
        .await
    }

    /// Creates a user through the API and returns the user object.
    pub(crate) async fn create_user(&self, body: Value) -> Value {
        let response = self.send("POST", "/users/v2", Some(body)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        response.json()
    }

    pub(crate) async fn get_user(&self, key: &str) -> Value {
        let response = self.send("GET", &format!("/users/v2/{key}"), None).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        response.json()
    }

    fn events(&self) -> Vec<AuditEvent> {
        audit::list(
            &mut self.app().pool().get().unwrap(),
            Some(&self.it.tenant_id),
        )
        .unwrap()
    }

    /// Returns the tenant's audit events of `action`, oldest first.
    pub(crate) fn events_of(&self, action: &str) -> Vec<AuditEvent> {
        self.events()
            .into_iter()
            .filter(|event| event.action == action)
            .collect()
    }

    fn user_count(&self) -> i64 {
        users_table::table
            .filter(users_table::tenant_id.eq(&self.it.tenant_id))
            .count()
            .get_result(&mut self.app().pool().get().unwrap())
            .unwrap()
    }
}

fn new_user(email: &str) -> Value {
    json!({
        "email": email,
        "user_role": ROLE_USER,
        "first_name": "Grace",
        "last_name": "Hopper",
    })
}

/// Asserts a 200 with an empty body and no JSON content type.
fn assert_empty_ok(response: &Response) {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body, "");
    assert_eq!(response.header("content-type"), None);
}

fn forbidden(scope: &str, privilege: &str) -> String {
    format!(
        "Forbidden: this request needs the scope '{scope}', granted by the Users {privilege} privilege of the application"
    )
}

fn pending_links(app: &TestApp, user_id: &str) -> i64 {
    user_invitations::table
        .filter(user_invitations::user_id.eq(user_id))
        .count()
        .get_result(&mut app.pool().get().unwrap())
        .unwrap()
}

#[actix_web::test]
async fn write_endpoints_without_bearer_token_are_unauthorized() {
    let caller =
        Caller::spawn(&["users:read", "users:write", "users:modify", "users:delete"]).await;
    let id = uuid::Uuid::new_v4().to_string();
    let requests = [
        ("POST", "/users/v2".to_owned()),
        ("PUT", format!("/users/v2/{id}")),
        ("DELETE", format!("/users/v2/{id}")),
        ("POST", format!("/users/v2/{ADMIN_EMAIL}/invite")),
        ("POST", format!("/users/v2/{ADMIN_EMAIL}/resetpassword")),
    ];
    for (method, path) in requests {
        let body = Some(new_user("nobody@example.test").to_string());
        let response = api_send(caller.app(), method, &path, None, body).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message, "Unauthorized: send the access token in an 'Authorization: Bearer' header",
            "{method} {path}"
        );
    }
    assert_eq!(caller.user_count(), 1);
}

#[actix_web::test]
async fn each_write_endpoint_needs_its_scope() {
    let readers = Caller::spawn(&["users:read"]).await;
    let id = uuid::Uuid::new_v4().to_string();
    let created = readers
        .send("POST", "/users/v2", Some(new_user("new@example.test")))
        .await;
    let message = error_message(&created, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("user:create", "Write"));
    let updated = readers
        .send(
            "PUT",
            &format!("/users/v2/{id}"),
            Some(new_user("x@example.test")),
        )
        .await;
    let message = error_message(&updated, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("user:update", "Modify"));
    let deleted = readers
        .send("DELETE", &format!("/users/v2/{id}"), None)
        .await;
    let message = error_message(&deleted, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("user:delete", "Delete"));
    assert_eq!(readers.user_count(), 1);

    let outsiders = Caller::spawn(&["devices:read"]).await;
    let invite = outsiders
        .send("POST", &format!("/users/v2/{ADMIN_EMAIL}/invite"), None)
        .await;
    let message = error_message(&invite, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("user:read", "Read"));
    let reset = outsiders
        .send(
            "POST",
            &format!("/users/v2/{ADMIN_EMAIL}/resetpassword"),
            None,
        )
        .await;
    let message = error_message(&reset, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("user:update", "Modify"));
    assert!(
        outsiders
            .events_of("user.password_reset_requested")
            .is_empty()
    );
}

#[actix_web::test]
async fn other_tenants_user_is_not_found() {
    let caller =
        Caller::spawn(&["users:read", "users:write", "users:modify", "users:delete"]).await;
    let app = caller.app();
    let other_tenant = app.tenant("Other tenant", "2024-02-01");
    let foreign_email = "foreign@example.test";
    let foreign_id = app.user(&other_tenant, foreign_email, Role::User);

    let requests = [
        (
            "PUT",
            format!("/users/v2/{foreign_id}"),
            Some(new_user("stolen@example.test")),
        ),
        ("DELETE", format!("/users/v2/{foreign_id}"), None),
        ("POST", format!("/users/v2/{foreign_email}/invite"), None),
        (
            "POST",
            format!("/users/v2/{foreign_email}/resetpassword"),
            None,
        ),
        (
            "POST",
            format!("/users/v2/{foreign_id}/resetpassword"),
            None,
        ),
    ];
    for (method, path, body) in requests {
        let response = caller.send(method, &path, body).await;
        let message = error_message(&response, StatusCode::NOT_FOUND);
        assert_eq!(message, "User not found", "{method} {path}");
    }

    let mut conn = app.pool().get().unwrap();
    let foreign: (String, String) = users_table::table
        .find(&foreign_id)
        .select((users_table::email, users_table::role))
        .first(&mut conn)
        .unwrap();
    assert_eq!(foreign, (foreign_email.to_owned(), "user".to_owned()));
    assert_eq!(pending_links(app, &foreign_id), 0);
    let foreign_events = audit::list(&mut conn, Some(&other_tenant)).unwrap();
    assert!(foreign_events.is_empty(), "{foreign_events:?}");
}

#[actix_web::test]
async fn unknown_user_is_not_found() {
    let caller =
        Caller::spawn(&["users:read", "users:write", "users:modify", "users:delete"]).await;
    let missing = uuid::Uuid::new_v4().to_string();
    let requests = [
        (
            "PUT",
            format!("/users/v2/{missing}"),
            Some(new_user("x@example.test")),
        ),
        ("DELETE", format!("/users/v2/{missing}"), None),
        (
            "POST",
            "/users/v2/nobody@example.test/invite".to_owned(),
            None,
        ),
        (
            "POST",
            "/users/v2/nobody@example.test/resetpassword".to_owned(),
            None,
        ),
    ];
    for (method, path, body) in requests {
        let response = caller.send(method, &path, body).await;
        let message = error_message(&response, StatusCode::NOT_FOUND);
        assert_eq!(message, "User not found", "{method} {path}");
    }
}

#[actix_web::test]
async fn update_and_delete_take_only_a_user_id() {
    let caller = Caller::spawn(&["users:read", "users:modify", "users:delete"]).await;
    for key in [ADMIN_EMAIL, "not-a-guid"] {
        let updated = caller
            .send(
                "PUT",
                &format!("/users/v2/{key}"),
                Some(new_user(ADMIN_EMAIL)),
            )
            .await;
        assert_eq!(error_message(&updated, StatusCode::BAD_REQUEST), NOT_A_GUID);
        let deleted = caller
            .send("DELETE", &format!("/users/v2/{key}"), None)
            .await;
        assert_eq!(error_message(&deleted, StatusCode::BAD_REQUEST), NOT_A_GUID);
    }
    assert_eq!(caller.user_count(), 1);
}

#[actix_web::test]
async fn create_rejects_each_bad_field_by_name() {
    let caller = Caller::spawn(&["users:read", "users:write"]).await;
    let email = "new@example.test";
    let zone = |id: &str, role: &str| json!({ "id": id, "role_type": role });
    let with = |field: &str, value: Value| {
        let mut body = new_user(email);
        body[field] = value;
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "The request body must be a JSON object"),
        (json!({}), "email is required"),
        (with("email", json!("   ")), "email is required"),
        (with("email", Value::Null), "email is required"),
        (with("email", json!(42)), "email must be a string"),
        (
            with("email", json!("not-an-address")),
            "email must be an e-mail address such as name@example.com",
        ),
        (with("user_role", Value::Null), "user_role is required"),
        (with("user_role", json!("Administrator")), USER_ROLE_CHOICES),
        (
            with("user_role", json!("00000000-0000-0000-0000-000000000005")),
            USER_ROLE_CHOICES,
        ),
        (with("user_role", json!(2)), "user_role must be a string"),
        (
            with("first_name", json!("x".repeat(64))),
            "first_name must be shorter than 64 characters",
        ),
        (
            with("last_name", json!("y".repeat(100))),
            "last_name must be shorter than 64 characters",
        ),
        (
            with("last_name", json!("Hop\nper")),
            "last_name must not contain control characters such as line breaks or tabs",
        ),
        (
            with("first_name", json!(["Grace"])),
            "first_name must be a string",
        ),
        (with("zones", json!("zone")), "zones must be an array"),
        (
            with("zones", json!(["zone"])),
            "zones[0] must be an object with id and role_type",
        ),
        (
            with("zones", json!([{ "role_type": ZONE_ROLE_USER }])),
            "zones[0].id is required",
        ),
        (
            with("zones", json!([zone("zone-a", ZONE_ROLE_USER)])),
            "zones[0].id must be a zone GUID",
        ),
        (
            with("zones", json!([{ "id": 7, "role_type": ZONE_ROLE_USER }])),
            "zones[0].id must be a string",
        ),
        (
            with("zones", json!([{ "id": ZONE_A }])),
            "zones[0].role_type is required",
        ),
        (
            with(
                "zones",
                json!([zone(ZONE_A, "00000000-0000-0000-0000-000000000009")]),
            ),
            ZONE_ROLE_CHOICES,
        ),
        (
            with(
                "zones",
                json!([
                    zone(ZONE_A, ZONE_ROLE_MANAGER),
                    zone(&ZONE_A.to_uppercase(), ZONE_ROLE_USER)
                ]),
            ),
            "zones[1].id lists a zone that an earlier entry already lists",
        ),
        (
            {
                let mut body = with("user_role", json!(ROLE_READ_ONLY));
                body["zones"] = json!([zone(ZONE_A, ZONE_ROLE_USER)]);
                body
            },
            "zones cannot be set for a Read-Only user",
        ),
        (
            with("email", json!("ADMIN@Example.TEST")),
            "email is already used by another user",
        ),
    ];
    for (body, expected) in cases {
        let response = caller.send("POST", "/users/v2", Some(body.clone())).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, expected, "body {body}");
    }

    for raw in ["", "not json", "{\"email\": "] {
        let response = api_send(
            caller.app(),
            "POST",
            "/users/v2",
            Some(&caller.token),
            Some(raw.to_owned()),
        )
        .await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(
            message, "The request body must be a JSON object",
            "body {raw:?}"
        );
    }

    assert_eq!(caller.user_count(), 1, "a rejected request stored a user");
    assert!(caller.events_of("user.created").is_empty());
    let links: i64 = user_invitations::table
        .count()
        .get_result(&mut caller.app().pool().get().unwrap())
        .unwrap();
    assert_eq!(links, 0);
}

#[actix_web::test]
async fn oversized_body_is_rejected() {
    let caller = Caller::spawn(&["users:write"]).await;
    let mut body = new_user("big@example.test");
    body["padding"] = json!("x".repeat(64 * 1024));
    let response = caller.send("POST", "/users/v2", Some(body)).await;
    let message = error_message(&response, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(message, "The request body is larger than 65536 bytes");
    assert_eq!(caller.user_count(), 1);
}

#[actix_web::test]
async fn create_returns_the_new_user() {
    let caller = Caller::spawn(&["users:read", "users:write"]).await;
    let response = caller
        .send(
            "POST",
            "/users/v2",
            Some(json!({
                "email": "  Grace.Hopper@Example.TEST ",
                "user_role": ROLE_USER.replace('-', "").to_uppercase(),
                "first_name": " Grace ",
                "last_name": "Hopper",
                "unknown_field": "ignored",
            })),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let created = response.json();

    let id = created["id"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "id {id}");
    let date_created = created["date_created"].as_str().unwrap().to_owned();
    assert_eq!(date_created.len(), 19, "{date_created}");
    let expected = json!({
        "date_created": date_created,
        "date_email_confirmed": null,
        "date_last_login": null,
        "date_modified": date_created,
        "default_zone_role_name": "None",
        "default_zone_role_type": ZONE_ROLE_NONE,
        "email": "Grace.Hopper@Example.TEST",
        "first_name": "Grace",
        "has_logged_in": false,
        "id": id,
        "last_name": "Hopper",
        "role_name": "User",
        "role_type": ROLE_USER,
        "tenant_id": caller.it.tenant_id,
        "zones": [],
    });
    assert_eq!(created, expected);
    assert_eq!(caller.get_user(&id).await, expected);
    assert_eq!(caller.get_user("grace.hopper@example.test").await, expected);

    let password_hash: Option<String> = users_table::table
        .find(&id)
        .select(users_table::password_hash)
        .first(&mut caller.app().pool().get().unwrap())
        .unwrap();
    assert_eq!(password_hash, None, "an API-created user has no password");
    assert_eq!(pending_links(caller.app(), &id), 1, "no invitation link");

    let names_omitted = caller
        .create_user(json!({ "email": "plain@example.test", "user_role": ROLE_READ_ONLY }))
        .await;
    assert_eq!(names_omitted["first_name"], json!(""));
    assert_eq!(names_omitted["last_name"], json!(""));
    assert_eq!(names_omitted["role_name"], json!("Read-Only"));
    assert_eq!(names_omitted["role_type"], json!(ROLE_READ_ONLY));
}

#[actix_web::test]
async fn user_managing_a_zone_is_created_as_zone_manager() {
    let caller = Caller::spawn(&["users:read", "users:write"]).await;
    let mut body = new_user("manager@example.test");
    body["zones"] = json!([
        { "id": ZONE_B.to_uppercase(), "role_type": ZONE_ROLE_USER },
        { "id": ZONE_A, "role_type": ZONE_ROLE_MANAGER },
        { "id": "1a2b3c4d-0000-4000-8000-00000000000c", "role_type": ZONE_ROLE_NONE },
    ]);
    let created = caller.create_user(body).await;
    assert_eq!(created["role_type"], json!(ROLE_ZONE_MANAGER));
    assert_eq!(created["role_name"], json!("Zone Manager"));
    let expected_zones = json!([
        { "id": ZONE_A, "role_name": "Zone Manager", "role_type": ZONE_ROLE_MANAGER },
        { "id": ZONE_B, "role_name": "User", "role_type": ZONE_ROLE_USER },
    ]);
    assert_eq!(created["zones"], expected_zones);
    let id = created["id"].as_str().unwrap();
    assert_eq!(caller.get_user(id).await["zones"], expected_zones);

    let listed = caller.send("GET", "/users/v2", None).await.json();
    let item = listed["page_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["id"] == json!(id))
        .unwrap()
        .clone();
    assert_eq!(item["zones"], expected_zones);

    let mut zone_user = new_user("zone-user@example.test");
    zone_user["zones"] = json!([{ "id": ZONE_A, "role_type": ZONE_ROLE_USER }]);
    let created = caller.create_user(zone_user).await;
    assert_eq!(created["role_type"], json!(ROLE_USER));
}

#[actix_web::test]
async fn administrator_is_created_without_zones() {
    let caller = Caller::spawn(&["users:read", "users:write"]).await;
    let created = caller
        .create_user(json!({
            "email": "second-admin@example.test",
            "user_role": ROLE_ADMINISTRATOR,
            "first_name": "Second",
            "last_name": "Admin",
            "zones": [{ "id": ZONE_A, "role_type": ZONE_ROLE_MANAGER }],
        }))
        .await;
    assert_eq!(created["role_type"], json!(ROLE_ADMINISTRATOR));
    assert_eq!(created["role_name"], json!("Administrator"));
    assert_eq!(created["zones"], json!([]));
}

#[actix_web::test]
async fn update_rejects_each_bad_field_by_name() {
    let caller = Caller::spawn(&["users:read", "users:write", "users:modify"]).await;
    let created = caller.create_user(new_user("target@example.test")).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/users/v2/{id}");
    let with = |field: &str, value: Value| {
        let mut body = new_user("target@example.test");
        body[field] = value;
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!("text"), "The request body must be a JSON object"),
        (with("email", Value::Null), "email is required"),
        (with("user_role", json!("")), "user_role is required"),
        (with("user_role", json!("7")), USER_ROLE_CHOICES),
        (
            with("first_name", json!("z".repeat(64))),
            "first_name must be shorter than 64 characters",
        ),
        (
            {
                let mut body = with("user_role", json!(ROLE_ADMINISTRATOR));
                body["zones"] = json!([{ "id": ZONE_A, "role_type": ZONE_ROLE_USER }]);
                body
            },
            "zones cannot be set for an Administrator, who manages every zone",
        ),
        (
            {
                let mut body = with("user_role", json!(ROLE_READ_ONLY));
                body["zones"] = json!([{ "id": ZONE_A, "role_type": ZONE_ROLE_USER }]);
                body
            },
            "zones cannot be set for a Read-Only user",
        ),
        (
            with("email", json!(ADMIN_EMAIL.to_uppercase())),
            "email is already used by another user",
        ),
    ];
    for (body, expected) in cases {
        let response = caller.send("PUT", &path, Some(body.clone())).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, expected, "body {body}");
    }
    assert_eq!(
        caller.get_user(&id).await,
        created,
        "a rejected update changed the user"
    );
    assert!(caller.events_of("user.updated").is_empty());
}

#[actix_web::test]
async fn update_replaces_fields_and_answers_empty() {
    let caller = Caller::spawn(&["users:read", "users:write", "users:modify"]).await;
    let created = caller.create_user(new_user("before@example.test")).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/users/v2/{id}");

    let mut changed = created.clone();
    changed["email"] = json!("After@Example.test");
    changed["first_name"] = json!("Amazing");
    changed["user_role"] = json!(ROLE_USER);
    changed["zones"] = json!([{ "id": ZONE_A, "role_type": ZONE_ROLE_MANAGER }]);
    let upper_case_path = format!("/users/v2/{}", id.to_uppercase());
    let response = caller.send("PUT", &upper_case_path, Some(changed)).await;
    assert_empty_ok(&response);

    let user = caller.get_user(&id).await;
    assert_eq!(user["email"], json!("After@Example.test"));
    assert_eq!(user["first_name"], json!("Amazing"));
    assert_eq!(user["last_name"], json!("Hopper"));
    assert_eq!(user["role_type"], json!(ROLE_ZONE_MANAGER));
    assert_eq!(
        user["zones"],
        json!([{ "id": ZONE_A, "role_name": "Zone Manager", "role_type": ZONE_ROLE_MANAGER }])
    );
    let not_found = caller
        .send("GET", "/users/v2/before@example.test", None)
        .await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);

    // Without zones, the zones stay; names left out stay too.
    let response = caller
        .send(
            "PUT",
            &path,
            Some(json!({ "email": "after@example.test", "user_role": ROLE_USER, "last_name": "Murray" })),
        )
        .await;
    assert_empty_ok(&response);
    let user = caller.get_user(&id).await;
    assert_eq!(user["email"], json!("after@example.test"));
    assert_eq!(user["first_name"], json!("Amazing"));
    assert_eq!(user["last_name"], json!("Murray"));
    assert_eq!(user["role_type"], json!(ROLE_ZONE_MANAGER));
    assert_eq!(user["zones"].as_array().unwrap().len(), 1);

    // An empty list clears them, and the user is a plain User again.
    let response = caller
        .send(
            "PUT",
            &path,
            Some(json!({ "email": "after@example.test", "user_role": ROLE_USER, "zones": [] })),
        )
        .await;
    assert_empty_ok(&response);
    let user = caller.get_user(&id).await;
    assert_eq!(user["role_type"], json!(ROLE_USER));
    assert_eq!(user["zones"], json!([]));

    // Becoming an administrator drops every zone.
    let response = caller
        .send(
            "PUT",
            &path,
            Some(json!({
                "email": "after@example.test",
                "user_role": ROLE_USER,
                "zones": [{ "id": ZONE_B, "role_type": ZONE_ROLE_USER }],
            })),
        )
        .await;
    assert_empty_ok(&response);
    let response = caller
        .send(
            "PUT",
            &path,
            Some(json!({ "email": "after@example.test", "user_role": ROLE_ADMINISTRATOR })),
        )
        .await;
    assert_empty_ok(&response);
    let user = caller.get_user(&id).await;
    assert_eq!(user["role_type"], json!(ROLE_ADMINISTRATOR));
    assert_eq!(user["zones"], json!([]));
    assert_eq!(caller.events_of("user.updated").len(), 5);
}

#[actix_web::test]
async fn delete_removes_the_user_and_answers_empty() {
    let caller = Caller::spawn(&["users:read", "users:write", "users:delete"]).await;
    let mut body = new_user("leaving@example.test");
    body["zones"] = json!([{ "id": ZONE_A, "role_type": ZONE_ROLE_USER }]);
    let created = caller.create_user(body).await;
    let id = created["id"].as_str().unwrap().to_owned();

    let compact = id.replace('-', "").to_uppercase();
    let response = caller
        .send("DELETE", &format!("/users/v2/{compact}"), None)
        .await;
    assert_empty_ok(&response);

    let gone = caller.send("GET", &format!("/users/v2/{id}"), None).await;
    assert_eq!(
        error_message(&gone, StatusCode::NOT_FOUND),
        "User not found"
    );
    let again = caller
        .send("DELETE", &format!("/users/v2/{id}"), None)
        .await;
    assert_eq!(
        error_message(&again, StatusCode::NOT_FOUND),
        "User not found"
    );
    assert_eq!(pending_links(caller.app(), &id), 0);
    assert_eq!(caller.user_count(), 1);

    // The address can be used again.
    caller.create_user(new_user("leaving@example.test")).await;
}

#[actix_web::test]
async fn last_administrator_is_kept() {
    let caller =
        Caller::spawn(&["users:read", "users:write", "users:modify", "users:delete"]).await;
    let admin = caller.get_user(ADMIN_EMAIL).await;
    let admin_id = admin["id"].as_str().unwrap().to_owned();
    let admin_path = format!("/users/v2/{admin_id}");

    let deleted = caller.send("DELETE", &admin_path, None).await;
    assert_eq!(
        error_message(&deleted, StatusCode::BAD_REQUEST),
        LAST_ADMIN_DELETE
    );
    let demoted = caller
        .send(
            "PUT",
            &admin_path,
            Some(json!({ "email": ADMIN_EMAIL, "user_role": ROLE_READ_ONLY })),
        )
        .await;
    assert_eq!(
        error_message(&demoted, StatusCode::BAD_REQUEST),
        LAST_ADMIN_DEMOTE
    );

    // An administrator created through the API has no password yet, so it
    // cannot sign in and does not count.
    caller
        .create_user(
            json!({ "email": "pending-admin@example.test", "user_role": ROLE_ADMINISTRATOR }),
        )
        .await;
    let deleted = caller.send("DELETE", &admin_path, None).await;
    assert_eq!(
        error_message(&deleted, StatusCode::BAD_REQUEST),
        LAST_ADMIN_DELETE
    );

    // Renaming the last administrator is fine.
    let renamed = caller
        .send(
            "PUT",
            &admin_path,
            Some(json!({ "email": ADMIN_EMAIL, "user_role": ROLE_ADMINISTRATOR, "first_name": "Still" })),
        )
        .await;
    assert_empty_ok(&renamed);
    assert_eq!(
        caller.get_user(&admin_id).await["role_type"],
        json!(ROLE_ADMINISTRATOR)
    );

    caller.app().user(
        &caller.it.tenant_id,
        "backup-admin@example.test",
        Role::Administrator,
    );
    let demoted = caller
        .send(
            "PUT",
            &admin_path,
            Some(json!({ "email": ADMIN_EMAIL, "user_role": ROLE_USER })),
        )
        .await;
    assert_empty_ok(&demoted);
    let backup = caller.get_user("backup-admin@example.test").await;
    let backup_path = format!("/users/v2/{}", backup["id"].as_str().unwrap());
    let deleted = caller.send("DELETE", &backup_path, None).await;
    assert_eq!(
        error_message(&deleted, StatusCode::BAD_REQUEST),
        LAST_ADMIN_DELETE
    );
}

#[actix_web::test]
async fn invite_and_reset_create_one_pending_link() {
    let caller = Caller::spawn(&["users:read", "users:write"]).await;
    let created = caller.create_user(new_user("invitee@example.test")).await;
    let id = created["id"].as_str().unwrap().to_owned();

    for key in ["invitee@example.test", "INVITEE@example.test", id.as_str()] {
        let invited = caller
            .send("POST", &format!("/users/v2/{key}/invite"), None)
            .await;
        assert_empty_ok(&invited);
    }
    let reset = caller
        .send("POST", "/users/v2/invitee@example.test/resetpassword", None)
        .await;
    assert_empty_ok(&reset);
    assert_eq!(
        pending_links(caller.app(), &id),
        1,
        "a new link replaces the old"
    );
    // One invitation when the user was created, then three more.
    assert_eq!(caller.events_of("user.invited").len(), 4);
    assert_eq!(caller.events_of("user.password_reset_requested").len(), 1);

    // Clients send an empty JSON body or `{}` with these requests.
    for body in ["", "{}"] {
        let response = api_send(
            caller.app(),
            "POST",
            "/users/v2/invitee@example.test/invite",
            Some(&caller.token),
            Some(body.to_owned()),
        )
        .await;
        assert_empty_ok(&response);
    }
}

#[actix_web::test]
async fn invite_of_user_with_password_is_rejected() {
    let caller = Caller::spawn(&["users:read"]).await;
    let response = caller
        .send("POST", &format!("/users/v2/{ADMIN_EMAIL}/invite"), None)
        .await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert_eq!(
        message,
        "The user has already signed in, so there is nothing to invite them to; request a password reset with POST /users/v2/{email}/resetpassword instead"
    );
    assert!(caller.events_of("user.invited").is_empty());

    let reset = caller
        .send(
            "POST",
            &format!("/users/v2/{ADMIN_EMAIL}/resetpassword"),
            None,
        )
        .await;
    assert_empty_ok(&reset);
}

#[actix_web::test]
async fn invite_and_reset_accept_either_documented_scope() {
    let creators = Caller::spawn(&["users:write"]).await;
    let created = creators
        .create_user(new_user("by-writer@example.test"))
        .await;
    assert_eq!(created["email"], json!("by-writer@example.test"));
    let invited = creators
        .send("POST", "/users/v2/by-writer@example.test/invite", None)
        .await;
    assert_empty_ok(&invited);

    let modifiers = Caller::spawn(&["users:modify"]).await;
    let reset = modifiers
        .send(
            "POST",
            &format!("/users/v2/{ADMIN_EMAIL}/resetpassword"),
            None,
        )
        .await;
    assert_empty_ok(&reset);
}

#[actix_web::test]
async fn audit_names_the_application_and_no_secret() {
    let caller =
        Caller::spawn(&["users:read", "users:write", "users:modify", "users:delete"]).await;
    let created = caller.create_user(new_user("audited@example.test")).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/users/v2/{id}");
    let updated = caller
        .send(
            "PUT",
            &path,
            Some(json!({ "email": "audited@example.test", "user_role": ROLE_READ_ONLY })),
        )
        .await;
    assert_empty_ok(&updated);
    let reset = caller
        .send("POST", "/users/v2/audited@example.test/resetpassword", None)
        .await;
    assert_empty_ok(&reset);
    let deleted = caller.send("DELETE", &path, None).await;
    assert_empty_ok(&deleted);

    let expected = [
        ("user.created", "role: user, zones: 0"),
        ("user.invited", "link expires at "),
        ("user.updated", "role: read-only, zones: 0"),
        ("user.password_reset_requested", "link expires at "),
        ("user.deleted", "role: read-only"),
    ];
    for (action, details) in expected {
        let events = caller.events_of(action);
        assert_eq!(events.len(), 1, "{action}");
        let event = &events[0];
        assert_eq!(event.actor_kind, "application", "{action}");
        assert_eq!(
            event.actor_id.as_deref(),
            Some(caller.it.application_id()),
            "{action}"
        );
        assert_eq!(
            event.tenant_id.as_deref(),
            Some(caller.it.tenant_id.as_str())
        );
        assert_eq!(event.object_kind.as_deref(), Some("user"), "{action}");
        assert_eq!(event.object_id.as_deref(), Some(id.as_str()), "{action}");
        assert_eq!(
            event.source_address.as_deref(),
            Some("127.0.0.1"),
            "{action}"
        );
        assert!(
            event.details.starts_with(details),
            "{action}: {}",
            event.details
        );
        assert!(!event.details.contains('@'), "{action}: {}", event.details);
    }
}

#[actix_web::test]
async fn delete_waits_for_concurrent_change() {
    let caller = Caller::spawn(&["users:read"]).await;
    let app = caller.app();
    let tenant_id = caller.it.tenant_id.clone();
    let first = caller.get_user(ADMIN_EMAIL).await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    let second_id = app.user(&tenant_id, "second-admin@example.test", Role::Administrator);
    let actor = Actor {
        kind: ActorKind::Application,
        id: caller.it.application_id().to_owned(),
        tenant_id: tenant_id.clone(),
        source_address: None,
    };

    // Another request holds the tenant and deletes the first administrator
    // while this delete of the second one waits for it.
    let pool = app.pool().clone();
    let mut holder = app.pool().get().unwrap();
    let waiting = holder
        .transaction(|conn| {
            tenants::lock_for_update(conn, &tenant_id)?;
            let waiting = std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                user_changes::delete(&mut conn, &actor, &second_id)
            });
            std::thread::sleep(std::time::Duration::from_millis(300));
            users::delete(conn, &first_id)?;
            Ok::<_, StorageError>(waiting)
        })
        .unwrap();
    let outcome = waiting.join().unwrap();

    assert!(
        matches!(outcome, Err(UserChangeError::LastAdministratorDeleted)),
        "{outcome:?}"
    );
    assert_eq!(caller.user_count(), 1);
}

#[actix_web::test]
async fn zone_outside_the_tenant_is_rejected() {
    let caller = Caller::spawn(&["users:read", "users:write"]).await;
    let other_tenant = caller.app().tenant("Other", "2024-01-01");
    let foreign_zone = "1a2b3c4d-0000-4000-8000-0000000000ff";
    crate::support::insert_zone(
        &caller.app().state.config.database_path,
        &other_tenant,
        foreign_zone,
        "Foreign",
    );
    for zone in [foreign_zone, "1a2b3c4d-0000-4000-8000-0000000000ee"] {
        let body = json!({
            "email": "zoned@example.test",
            "user_role": ROLE_USER,
            "zones": [{ "id": zone, "role_type": ZONE_ROLE_USER }],
        });
        let response = caller.send("POST", "/users/v2", Some(body)).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            response.json()["message"],
            format!("zones: {zone} is not a zone of this tenant")
        );
    }
    let listed = caller
        .send("GET", "/users/v2/zoned@example.test", None)
        .await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
}
