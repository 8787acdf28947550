//! Who may open Settings: anonymous visitors are sent to sign in, other
//! roles get 403, and another tenant's application is indistinguishable
//! from a missing one.

use actix_web::http::StatusCode;
use aurora_console::domain::users::Role;

use crate::support::{PASSWORD, TestApp};

const SETTINGS_PAGES: [&str; 4] = [
    "/settings",
    "/settings/integrations",
    "/settings/integrations/new",
    "/settings/integrations/improved-security",
];

#[actix_web::test]
async fn anonymous_visitor_is_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    for path in SETTINGS_PAGES.iter().chain(["/dashboard"].iter()) {
        let response = browser.get(path).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.location(), Some("/login"), "{path}");
    }
    let response = browser
        .post_form(
            "/settings/integrations",
            &[("name", "x"), ("privileges", "users:read")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login"));
}

#[actix_web::test]
async fn non_administrators_get_forbidden() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Roles", "2024-01-01");
    for (index, role) in [Role::User, Role::ReadOnly, Role::ZoneManager]
        .into_iter()
        .enumerate()
    {
        let email = format!("member{index}@example.test");
        app.user(&tenant, &email, role);
        let mut browser = app.browser();
        browser.sign_in(&email, PASSWORD).await;

        let dashboard = browser.get("/dashboard").await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert!(
            !dashboard.body.contains("id=\"nav-settings\""),
            "{role:?} sees Settings"
        );

        for path in SETTINGS_PAGES {
            let response = browser.get(path).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{role:?} {path}");
            assert!(response.body.contains("Access denied"), "{role:?} {path}");
        }
        let csrf = browser.csrf().await;
        let response = browser
            .post_form(
                "/settings/integrations",
                &[
                    ("name", "Sneaky"),
                    ("privileges", "users:read"),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{role:?} POST");
    }
    let stored: i64 = {
        use aurora_console::db::schema::applications;
        use diesel::prelude::*;
        applications::table
            .count()
            .get_result(&mut app.pool().get().unwrap())
            .unwrap()
    };
    assert_eq!(stored, 0);
}

#[actix_web::test]
async fn other_tenants_application_answers_not_found() {
    let app = TestApp::spawn().await;
    let (_, mut owner) = app.signed_in_admin("owner@example.test").await;
    let created = crate::support::create_application(&mut owner, "Owned", &["users:read"]).await;

    let other_tenant = app.tenant("Other", "2024-01-01");
    app.user(&other_tenant, "intruder@example.test", Role::Administrator);
    let mut intruder = app.browser();
    intruder.sign_in("intruder@example.test", PASSWORD).await;

    let missing = "6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f";
    let csrf = intruder.csrf().await;
    for action in ["edit", "regenerate", "delete"] {
        let foreign = intruder
            .get(&format!(
                "/settings/integrations/{}/{action}",
                created.application_id
            ))
            .await;
        let absent = intruder
            .get(&format!("/settings/integrations/{missing}/{action}"))
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "GET {action}");
        assert_eq!(absent.status, StatusCode::NOT_FOUND, "GET {action}");
        assert_eq!(foreign.body, absent.body, "GET {action} bodies differ");

        let posted = intruder
            .post_form(
                &format!("/settings/integrations/{}/{action}", created.application_id),
                &[
                    ("csrf_token", &csrf),
                    ("name", "Stolen"),
                    ("privileges", "users:read"),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "POST {action}");
    }

    let list = owner.get("/settings/integrations").await;
    assert!(list.body.contains("Owned"));
    assert!(!list.body.contains("Stolen"));
}
