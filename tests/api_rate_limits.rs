//! Rate limits of the User API: tight on failed token exchanges, generous
//! on successful ones, and per access token on resources.

use actix_web::http::StatusCode;
use aurora_console::api::rate_limit::Limits;

use crate::support::{
    TestApp, api_get, auth_claims, create_application, exchange, sign_auth_token,
};

#[actix_web::test]
async fn failed_exchanges_block_that_application_from_that_address() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limits = Limits {
            failed_exchanges_per_address: 3,
            ..Limits::default()
        };
    })
    .await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(&mut browser, "SOAR", &["users:read"]).await;
    let neighbour = create_application(&mut browser, "Neighbour", &["users:read"]).await;
    for _ in 0..3 {
        let wrong = sign_auth_token("not the secret", &auth_claims(&tenant, &created));
        assert_eq!(
            exchange(&mut browser, &wrong).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even a valid token waits once the address has failed too often.
    let valid = sign_auth_token(&created.secret, &auth_claims(&tenant, &created));
    let blocked = exchange(&mut browser, &valid).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = blocked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(
        blocked.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("Too many requests: the limit of 3 failed token exchanges per source address and application per minute was reached")
    );
    // Another application behind the same address, as with a shared proxy,
    // is not held back.
    let other = sign_auth_token(&neighbour.secret, &auth_claims(&tenant, &neighbour));
    assert_eq!(exchange(&mut browser, &other).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn invalid_bearer_tokens_are_limited_per_address() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limits = Limits {
            bad_tokens_per_address: 2,
            ..Limits::default()
        };
    })
    .await;
    for attempt in 0..2 {
        let response = api_get(&app, &format!("guess-{attempt}"), "/users/v2").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
    let limited = api_get(&app, "guess-3", "/users/v2").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited
            .body
            .contains("requests with an invalid access token per source address per minute")
    );
}

#[actix_web::test]
async fn successful_exchanges_are_limited_per_application() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limits = Limits {
            exchanges_per_application: 2,
            ..Limits::default()
        };
    })
    .await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(&mut browser, "XSOAR", &["users:read"]).await;
    for _ in 0..2 {
        let jwt = sign_auth_token(&created.secret, &auth_claims(&tenant, &created));
        assert_eq!(exchange(&mut browser, &jwt).await.status, StatusCode::OK);
    }
    let jwt = sign_auth_token(&created.secret, &auth_claims(&tenant, &created));
    let limited = exchange(&mut browser, &jwt).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited
            .body
            .contains("token exchanges per application per minute")
    );
}

#[actix_web::test]
async fn resource_requests_are_limited_per_access_token() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limits = Limits {
            requests_per_token: 2,
            ..Limits::default()
        };
    })
    .await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(&mut browser, "Script", &["users:read"]).await;
    let jwt = sign_auth_token(&created.secret, &auth_claims(&tenant, &created));
    let token = exchange(&mut browser, &jwt).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        assert_eq!(
            api_get(&app, &token, "/users/v2").await.status,
            StatusCode::OK
        );
    }
    let limited = api_get(&app, &token, "/users/v2").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
    assert!(
        limited
            .body
            .contains("requests per access token per minute")
    );
}

#[actix_web::test]
async fn regenerate_during_token_traffic_revokes_every_old_token() {
    let app = TestApp::spawn().await;
    let (tenant, mut admin) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(&mut admin, "Busy connector", &["users:read"]).await;
    let regenerate = format!(
        "/settings/integrations/{}/regenerate",
        created.application_id
    );
    let csrf = admin.get(&regenerate).await.hidden("csrf_token");

    let mut client = app.browser();
    let traffic = async {
        let mut tokens = Vec::new();
        for _ in 0..60 {
            let jwt = sign_auth_token(&created.secret, &auth_claims(&tenant, &created));
            let response = exchange(&mut client, &jwt).await;
            if response.status == StatusCode::OK {
                tokens.push(response.json()["access_token"].as_str().unwrap().to_owned());
            }
        }
        tokens
    };
    let rotation = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        admin.post_form(&regenerate, &[("csrf_token", &csrf)]).await
    };
    let (tokens, dialog) = futures_util::join!(traffic, rotation);
    assert_eq!(dialog.status, StatusCode::OK, "{}", dialog.body);
    assert!(!tokens.is_empty());
    for token in tokens {
        let response = api_get(&app, &token, "/users/v2").await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "an old-secret token survived"
        );
    }
}
