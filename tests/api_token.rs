//! User API token exchange: every rule of `POST /auth/v2/token`, and how
//! console changes to an application affect access tokens already issued.
//!
//! [`Integration`] and the other `pub(crate)` items are shared with the
//! users tests.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::StatusCode;
use aurora_console::clock;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha512;

use crate::support::{
    Browser, Created, Response, TestApp, api_get, auth_claims, create_application, sign_auth_token,
};

const TOKEN_PATH: &str = "/auth/v2/token";

/// Request body size limit of the token endpoint, in bytes.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The 403 message for a caller without `user:list`.
pub(crate) const USER_LIST_FORBIDDEN: &str = "Forbidden: this request needs the scope 'user:list', granted by the Users Read privilege of the application";

/// Waits until a new second has just begun and returns it, so that a request
/// sent right after is handled within the same second and the clock offsets
/// the server reports come out exact.
async fn start_of_second() -> i64 {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    if millis > 50 {
        let wait = u64::from(1000 - millis) + 5;
        actix_web::rt::time::sleep(Duration::from_millis(wait)).await;
    }
    clock::now()
}

fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes())
    )
}

fn sign_hs512(secret: &str, claims: &Value) -> String {
    let input = signing_input(&json!({"alg": "HS512", "typ": "JWT"}), claims);
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", base64url(&mac.finalize().into_bytes()))
}

/// Posts `body` to the token endpoint with the given `Content-Type`.
async fn post_token_body(app: &TestApp, body: String, content_type: &str) -> Response {
    app.browser()
        .send("POST", TOKEN_PATH, Some((body, content_type)))
        .await
}

async fn post_auth_token(app: &TestApp, jwt: &str) -> Response {
    let body = json!({ "auth_token": jwt }).to_string();
    post_token_body(app, body, "application/json").await
}

/// Asserts an error response `{"message": …}` with `status` and a JSON
/// content type, and returns the message.
pub(crate) fn error_message(response: &Response, status: StatusCode) -> String {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "{}",
        response.body
    );
    let body = response.json();
    let fields = body.as_object().expect("the error body is a JSON object");
    assert_eq!(fields.len(), 1, "unexpected fields in {}", response.body);
    body["message"]
        .as_str()
        .expect("message is a string")
        .to_owned()
}

/// A server with a tenant, its signed-in administrator, and one custom
/// application created through the console.
pub(crate) struct Integration {
    pub app: TestApp,
    pub tenant_id: String,
    pub admin: Browser,
    pub created: Created,
}

impl Integration {
    pub(crate) async fn spawn(privileges: &[&str]) -> Integration {
        let app = TestApp::spawn().await;
        let (tenant_id, mut admin) = app.signed_in_admin("admin@example.test").await;
        let created = create_application(&mut admin, "SIEM connector", privileges).await;
        Integration {
            app,
            tenant_id,
            admin,
            created,
        }
    }

    pub(crate) fn application_id(&self) -> &str {
        &self.created.application_id
    }

    /// Claims of a valid auth token: issued now, valid 1800 s, with issuer,
    /// tenant and a fresh `jti`.
    pub(crate) fn claims(&self) -> Value {
        auth_claims(&self.tenant_id, &self.created)
    }

    pub(crate) fn sign(&self, claims: &Value) -> String {
        sign_auth_token(&self.created.secret, claims)
    }

    /// Signs `claims` with the application secret and posts the result.
    pub(crate) async fn exchange(&self, claims: &Value) -> Response {
        post_auth_token(&self.app, &self.sign(claims)).await
    }

    /// Exchanges `claims` and returns the access token, asserting success.
    pub(crate) async fn access_token_for(&self, claims: &Value) -> String {
        let response = self.exchange(claims).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        response.json()["access_token"]
            .as_str()
            .expect("access_token is a string")
            .to_owned()
    }

    pub(crate) async fn access_token(&self) -> String {
        self.access_token_for(&self.claims()).await
    }

    /// Sends a GET with `Authorization: Bearer {access_token}`.
    pub(crate) async fn get(&self, path: &str, access_token: &str) -> Response {
        api_get(&self.app, access_token, path).await
    }

    /// Fetches the id of the signed-in administrator, the tenant's only user.
    async fn admin_user_id(&self, access_token: &str) -> String {
        let listed = self.get("/users/v2", access_token).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        listed.json()["page_items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[actix_web::test]
async fn malformed_body_is_bad_request() {
    let integration = Integration::spawn(&["users:read"]).await;
    let bodies = [
        "",
        "not json",
        "[]",
        "{}",
        r#"{"auth_token": 5}"#,
        r#"{"auth_token": ""}"#,
        r#"{"auth_token": "   "}"#,
        r#"{"token": "a.b.c"}"#,
    ];
    for body in bodies {
        let response = post_token_body(&integration.app, body.to_owned(), "application/json").await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(
            message, "The request body must be a JSON object with an 'auth_token' string",
            "body {body:?}"
        );
    }
}

#[actix_web::test]
async fn body_over_64_kib_is_payload_too_large() {
    let integration = Integration::spawn(&["users:read"]).await;
    let body = format!(r#"{{"auth_token": "{}"}}"#, "a".repeat(MAX_BODY_BYTES + 1));
    let response = post_token_body(&integration.app, body, "application/json").await;
    let message = error_message(&response, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(message, "The request body is larger than 65536 bytes");
}

#[actix_web::test]
async fn text_that_is_not_a_jwt_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    let payload = base64url(integration.claims().to_string().as_bytes());
    let cases = [
        ("not-a-jwt".to_owned(), "expected three dot-separated parts"),
        ("a.b.c.d".to_owned(), "expected three dot-separated parts"),
        (format!("%%%.{payload}.c2ln"), "header is not base64url"),
        (
            format!("{}.{payload}.c2ln", base64url(b"not json")),
            "header is not JSON",
        ),
        (
            format!("{}.{payload}.c2ln", base64url(b"[1]")),
            "header and payload must be JSON objects",
        ),
        (
            format!("{}.%%%.c2ln", base64url(br#"{"alg":"HS256"}"#)),
            "payload is not base64url",
        ),
        (
            format!("{}.{payload}.%%%", base64url(br#"{"alg":"HS256"}"#)),
            "signature is not base64url",
        ),
    ];
    for (jwt, problem) in cases {
        let response = post_auth_token(&integration.app, &jwt).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message,
            format!("Unauthorized: the auth_token is not a valid JWT ({problem})"),
            "{jwt}"
        );
    }
}

#[actix_web::test]
async fn algorithm_other_than_hs256_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;

    let unsigned = format!(
        "{}.",
        signing_input(&json!({"alg": "none", "typ": "JWT"}), &integration.claims())
    );
    let response = post_auth_token(&integration.app, &unsigned).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the auth token must be signed with HS256, not 'none'"
    );

    let hs512 = sign_hs512(&integration.created.secret, &integration.claims());
    let response = post_auth_token(&integration.app, &hs512).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the auth token must be signed with HS256, not 'HS512'"
    );
}

#[actix_web::test]
async fn missing_required_claim_is_named() {
    let integration = Integration::spawn(&["users:read"]).await;
    for claim in ["exp", "iat", "sub", "jti"] {
        let mut claims = integration.claims();
        claims.as_object_mut().unwrap().remove(claim);
        let response = integration.exchange(&claims).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message,
            format!("Unauthorized: the auth token lacks the required claim '{claim}'")
        );
    }
}

#[actix_web::test]
async fn claim_of_wrong_type_is_named() {
    let integration = Integration::spawn(&["users:read"]).await;
    for (claim, value) in [
        ("exp", json!("soon")),
        ("iat", json!(true)),
        ("sub", json!(42)),
        ("tid", json!(["a"])),
        ("scp", json!(7)),
    ] {
        let mut claims = integration.claims();
        claims[claim] = value;
        let response = integration.exchange(&claims).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message,
            format!("Unauthorized: the auth token's '{claim}' claim has the wrong type")
        );
    }
}

#[actix_web::test]
async fn unknown_application_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    for sub in [uuid::Uuid::new_v4().to_string(), "not-a-guid".to_owned()] {
        let mut claims = integration.claims();
        claims["sub"] = json!(sub);
        let response = integration.exchange(&claims).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message, "Unauthorized: no application has the id given in 'sub'",
            "sub {sub}"
        );
    }
}

#[actix_web::test]
async fn wrong_tenant_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    let other_tenant = integration.app.tenant("Other tenant", "2024-02-01");
    for tid in [other_tenant, "not-a-guid".to_owned()] {
        let mut claims = integration.claims();
        claims["tid"] = json!(tid);
        let response = integration.exchange(&claims).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message, "Unauthorized: the 'tid' claim does not match the application's tenant",
            "tid {tid}"
        );
    }
}

#[actix_web::test]
async fn wrong_issuer_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    for iss in ["https://cylance.com", "http://example.test", ""] {
        let mut claims = integration.claims();
        claims["iss"] = json!(iss);
        let response = integration.exchange(&claims).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message, "Unauthorized: the 'iss' claim must be 'http://cylance.com'",
            "iss {iss:?}"
        );
    }
}

#[actix_web::test]
async fn signature_with_another_secret_is_rejected() {
    let mut integration = Integration::spawn(&["users:read"]).await;
    let other = create_application(&mut integration.admin, "Other app", &["users:read"]).await;

    for secret in [other.secret.as_str(), "a guessed secret"] {
        let jwt = sign_auth_token(secret, &integration.claims());
        let response = post_auth_token(&integration.app, &jwt).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert_eq!(
            message,
            "Unauthorized: the auth token's signature is invalid; check the application secret"
        );
    }

    let jwt = integration.sign(&integration.claims());
    let (input, _) = jwt.rsplit_once('.').unwrap();
    let response = post_auth_token(&integration.app, &format!("{input}.")).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the auth token's signature is invalid; check the application secret"
    );
}

#[actix_web::test]
async fn lifetime_over_1800_seconds_is_bad_request() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["exp"] = json!(claims["iat"].as_i64().unwrap() + 1801);
    let response = integration.exchange(&claims).await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert_eq!(
        message,
        "The auth token's lifetime (exp - iat) is 1801 s; the maximum is 1800 s"
    );
}

#[actix_web::test]
async fn extreme_numeric_dates_are_client_errors() {
    let integration = Integration::spawn(&["users:read"]).await;
    let now = clock::now();
    let cases = [
        (json!(i64::MIN), json!(i64::MIN + 1000)),
        (json!(-1e300), json!(now)),
        (json!(now), json!(1e300)),
        (json!(i64::MAX - 100), json!(i64::MAX)),
    ];
    for (iat, exp) in cases {
        let mut claims = integration.claims();
        claims["iat"] = iat.clone();
        claims["exp"] = exp.clone();
        let response = integration.exchange(&claims).await;
        assert!(
            response.status == StatusCode::BAD_REQUEST
                || response.status == StatusCode::UNAUTHORIZED,
            "iat {iat}, exp {exp}: {} {}",
            response.status,
            response.body
        );
        let message = error_message(&response, response.status);
        if response.status == StatusCode::UNAUTHORIZED {
            assert!(message.starts_with("Unauthorized"), "{message}");
        }
    }
}

#[actix_web::test]
async fn token_issued_900_seconds_ahead_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    let now = start_of_second().await;
    let mut claims = integration.claims();
    claims["iat"] = json!(now + 900);
    claims["exp"] = json!(now + 960);
    let response = integration.exchange(&claims).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert!(
        message.starts_with("Unauthorized: the auth token was issued 900 s in the future"),
        "{message}"
    );
    assert!(message.contains("allowed skew: 300 s"), "{message}");
}

#[actix_web::test]
async fn token_expired_400_seconds_ago_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    let now = start_of_second().await;
    let mut claims = integration.claims();
    claims["iat"] = json!(now - 1000);
    claims["exp"] = json!(now - 400);
    let response = integration.exchange(&claims).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert!(
        message.starts_with("Unauthorized: the auth token expired 400 s ago"),
        "{message}"
    );
    assert!(message.contains("allowed skew: 300 s"), "{message}");
}

#[actix_web::test]
async fn replayed_jti_is_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    let claims = integration.claims();
    let jwt = integration.sign(&claims);
    let first = post_auth_token(&integration.app, &jwt).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);

    let replayed = post_auth_token(&integration.app, &jwt).await;
    let message = error_message(&replayed, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: this auth token's jti was already used; sign a new token with a fresh jti"
    );

    // A token signed anew but reusing the jti is a replay too.
    let mut resigned = claims.clone();
    resigned["iat"] = json!(claims["iat"].as_i64().unwrap() - 10);
    resigned["exp"] = json!(claims["exp"].as_i64().unwrap() - 10);
    let response = integration.exchange(&resigned).await;
    let message = error_message(&response, StatusCode::UNAUTHORIZED);
    assert!(
        message.starts_with("Unauthorized: this auth token's jti was already used"),
        "{message}"
    );
}

#[actix_web::test]
async fn concurrent_replays_let_exactly_one_through() {
    let integration = Integration::spawn(&["users:read"]).await;
    let jwt = integration.sign(&integration.claims());
    let attempts = (0..8).map(|_| post_auth_token(&integration.app, &jwt));
    let responses = futures_util::future::join_all(attempts).await;

    let accepted = responses
        .iter()
        .filter(|response| response.status == StatusCode::OK)
        .count();
    assert_eq!(accepted, 1);
    for response in responses.iter().filter(|r| r.status != StatusCode::OK) {
        let message = error_message(response, StatusCode::UNAUTHORIZED);
        assert!(
            message.starts_with("Unauthorized: this auth token's jti was already used"),
            "{message}"
        );
    }
}

#[actix_web::test]
async fn rejected_token_does_not_use_up_its_jti() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["scp"] = json!("user:create");
    let rejected = integration.exchange(&claims).await;
    assert_eq!(rejected.status, StatusCode::FORBIDDEN, "{}", rejected.body);

    claims.as_object_mut().unwrap().remove("scp");
    let accepted = integration.exchange(&claims).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
}

#[actix_web::test]
async fn scope_the_application_lacks_is_forbidden() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["scp"] = json!("user:read, user:create");
    let response = integration.exchange(&claims).await;
    let message = error_message(&response, StatusCode::FORBIDDEN);
    assert_eq!(
        message,
        "Forbidden: the application does not hold the requested scope 'user:create'; grant the Users Write privilege in Settings > Integrations"
    );
}

#[actix_web::test]
async fn unknown_scope_is_bad_request() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["scp"] = json!("user:read user:fly");
    let response = integration.exchange(&claims).await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert_eq!(message, "The 'scp' claim names an unknown scope 'user:fly'");
}

#[actix_web::test]
async fn deleted_application_token_stops_working() {
    let mut integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let before = integration.get("/users/v2", &token).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);

    let csrf = integration.admin.csrf().await;
    let path = format!(
        "/settings/integrations/{}/delete",
        integration.application_id()
    );
    let deleted = integration
        .admin
        .post_form(&path, &[("csrf_token", &csrf)])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);

    let after = integration.get("/users/v2", &token).await;
    let message = error_message(&after, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the access token is invalid or was revoked"
    );

    let exchange = integration.exchange(&integration.claims()).await;
    let message = error_message(&exchange, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: no application has the id given in 'sub'"
    );
}

#[actix_web::test]
async fn regenerated_secret_revokes_old_tokens_and_secret() {
    let mut integration = Integration::spawn(&["users:read"]).await;
    let token = integration.access_token().await;
    let before = integration.get("/users/v2", &token).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);

    let csrf = integration.admin.csrf().await;
    let path = format!(
        "/settings/integrations/{}/regenerate",
        integration.application_id()
    );
    let dialog = integration
        .admin
        .post_form(&path, &[("csrf_token", &csrf)])
        .await;
    assert_eq!(dialog.status, StatusCode::OK, "{}", dialog.body);
    let new_secret = dialog.text_of("application-secret");
    assert_ne!(new_secret, integration.created.secret);

    let after = integration.get("/users/v2", &token).await;
    let message = error_message(&after, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the access token is invalid or was revoked"
    );

    let with_old_secret = integration.exchange(&integration.claims()).await;
    let message = error_message(&with_old_secret, StatusCode::UNAUTHORIZED);
    assert_eq!(
        message,
        "Unauthorized: the auth token's signature is invalid; check the application secret"
    );

    integration.created.secret = new_secret;
    let fresh = integration.access_token().await;
    let listed = integration.get("/users/v2", &fresh).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
}

#[actix_web::test]
async fn edit_removing_privilege_takes_scope_away_at_once() {
    let mut integration = Integration::spawn(&["users:read", "devices:read"]).await;
    let token = integration.access_token().await;
    let before = integration.get("/users/v2", &token).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);

    let csrf = integration.admin.csrf().await;
    let path = format!(
        "/settings/integrations/{}/edit",
        integration.application_id()
    );
    let edited = integration
        .admin
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("name", "SIEM connector"),
                ("privileges", "devices:read"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);

    let after = integration.get("/users/v2", &token).await;
    let message = error_message(&after, StatusCode::FORBIDDEN);
    assert_eq!(message, USER_LIST_FORBIDDEN);
}

#[actix_web::test]
async fn valid_auth_token_gets_access_token() {
    let integration = Integration::spawn(&["users:read"]).await;
    let response = integration.exchange(&integration.claims()).await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let body = response.json();
    assert_eq!(body.as_object().unwrap().len(), 3, "{}", response.body);
    assert_eq!(body["token_type"], json!("Bearer"));
    assert_eq!(body["expires_in"], json!(1800));
    let token = body["access_token"]
        .as_str()
        .expect("access_token is a string");
    assert!(token.len() >= 32, "short access token {token}");

    let listed = integration.get("/users/v2", token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
}

#[actix_web::test]
async fn optional_claims_may_be_left_out() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    let fields = claims.as_object_mut().unwrap();
    fields.remove("tid");
    fields.remove("iss");
    let response = integration.exchange(&claims).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[actix_web::test]
async fn clock_skew_up_to_300_seconds_is_accepted() {
    let integration = Integration::spawn(&["users:read"]).await;

    let now = clock::now();
    let mut ahead = integration.claims();
    ahead["iat"] = json!(now + 300);
    ahead["exp"] = json!(now + 360);
    let response = integration.exchange(&ahead).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);

    // A few seconds of margin, because the server's clock moves on while the
    // request travels.
    let now = clock::now();
    let behind = {
        let mut claims = integration.claims();
        claims["iat"] = json!(now - 895);
        claims["exp"] = json!(now - 295);
        claims
    };
    let response = integration.exchange(&behind).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[actix_web::test]
async fn tenant_id_in_upper_case_without_dashes_is_accepted() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["tid"] = json!(integration.tenant_id.replace('-', "").to_uppercase());
    claims["sub"] = json!(integration.application_id().to_uppercase());
    let response = integration.exchange(&claims).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[actix_web::test]
async fn any_content_type_is_accepted() {
    let integration = Integration::spawn(&["users:read"]).await;
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
    ] {
        let body = json!({ "auth_token": integration.sign(&integration.claims()) }).to_string();
        let response = post_token_body(&integration.app, body, content_type).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{content_type}: {}",
            response.body
        );
    }
}

#[actix_web::test]
async fn body_of_exactly_64_kib_is_read() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut body = json!({ "auth_token": integration.sign(&integration.claims()) }).to_string();
    body.push_str(&" ".repeat(MAX_BODY_BYTES - body.len()));
    assert_eq!(body.len(), MAX_BODY_BYTES);
    let response = post_token_body(&integration.app, body, "application/json").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[actix_web::test]
async fn jti_that_is_not_a_string_is_accepted() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["jti"] = json!({ "Guid": uuid::Uuid::new_v4().to_string() });
    let response = integration.exchange(&claims).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[actix_web::test]
async fn scp_narrows_the_token_to_requested_scopes() {
    let integration = Integration::spawn(&["users:read", "users:write"]).await;
    let full_token = integration.access_token().await;
    let admin_id = integration.admin_user_id(&full_token).await;

    let mut claims = integration.claims();
    claims["scp"] = json!("user:read");
    let narrow = integration.access_token_for(&claims).await;

    let fetched = integration
        .get(&format!("/users/v2/{admin_id}"), &narrow)
        .await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.body);
    assert_eq!(fetched.json()["id"], json!(admin_id));

    let listed = integration.get("/users/v2", &narrow).await;
    let message = error_message(&listed, StatusCode::FORBIDDEN);
    assert_eq!(message, USER_LIST_FORBIDDEN);
}

#[actix_web::test]
async fn scp_entries_are_trimmed_and_case_insensitive() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["scp"] = json!(" USER:LIST ,  User:Read ");
    let token = integration.access_token_for(&claims).await;
    let listed = integration.get("/users/v2", &token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let admin_id = integration.admin_user_id(&token).await;
    let fetched = integration
        .get(&format!("/users/v2/{admin_id}"), &token)
        .await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.body);
}

#[actix_web::test]
async fn secret_and_tokens_are_not_stored_or_logged() {
    let integration = Integration::spawn(&["users:read"]).await;
    let jwt = integration.sign(&integration.claims());
    let response = post_auth_token(&integration.app, &jwt).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let access_token = response.json()["access_token"].as_str().unwrap().to_owned();
    let listed = integration.get("/users/v2", &access_token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);

    integration
        .app
        .assert_not_stored_or_logged(&integration.created.secret);
    integration.app.assert_not_stored_or_logged(&access_token);
    let (_, signature) = jwt.rsplit_once('.').unwrap();
    integration.app.assert_not_stored_or_logged(signature);
}

#[actix_web::test]
async fn critical_header_extensions_are_rejected() {
    let integration = Integration::spawn(&["users:read"]).await;
    let header = json!({ "alg": "HS256", "typ": "JWT", "crit": ["exp"] });
    let claims = integration.claims();
    let input = signing_input(&header, &claims);
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(integration.created.secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    let jwt = format!("{input}.{}", base64url(&mac.finalize().into_bytes()));
    let body = json!({ "auth_token": jwt }).to_string();
    let response = post_token_body(&integration.app, body, "application/json").await;
    assert_eq!(
        error_message(&response, StatusCode::UNAUTHORIZED),
        "Unauthorized: the auth token's header lists critical extensions ('crit'), which this server does not support"
    );
}

#[actix_web::test]
async fn overlong_jti_is_named_as_too_long() {
    let integration = Integration::spawn(&["users:read"]).await;
    let mut claims = integration.claims();
    claims["jti"] = json!("j".repeat(257));
    let response = integration.exchange(&claims).await;
    assert_eq!(
        error_message(&response, StatusCode::UNAUTHORIZED),
        "Unauthorized: the auth token's 'jti' claim is longer than 256 characters"
    );
}
