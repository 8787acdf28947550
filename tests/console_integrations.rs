//! Settings > Integrations: the list, adding an application and its
//! one-time secret dialog, validation, the per-tenant limit, edit,
//! regenerate, delete, and improved security.

use actix_web::http::StatusCode;
use aurora_console::db::schema::{applications, tenants};
use aurora_console::domain::audit;
use aurora_console::domain::users::Role;
use diesel::prelude::*;

use crate::support::{Browser, PASSWORD, TestApp, create_application};

fn application_count(app: &TestApp) -> i64 {
    applications::table
        .count()
        .get_result(&mut app.pool().get().unwrap())
        .unwrap()
}

/// Posts the add form with the given fields plus a fresh form id and CSRF token.
async fn post_new(
    browser: &mut Browser,
    name: &str,
    privileges: &[&str],
) -> crate::support::Response {
    let form = browser.get("/settings/integrations/new").await;
    let csrf = form.hidden("csrf_token");
    let form_id = form.hidden("form_id");
    let mut fields = vec![
        ("name", name),
        ("form_id", form_id.as_str()),
        ("csrf_token", csrf.as_str()),
    ];
    fields.extend(privileges.iter().map(|p| ("privileges", *p)));
    browser.post_form("/settings/integrations", &fields).await
}

#[actix_web::test]
async fn add_without_csrf_token_creates_nothing() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let form = browser.get("/settings/integrations/new").await;
    let form_id = form.hidden("form_id");
    let response = browser
        .post_form(
            "/settings/integrations",
            &[
                ("name", "SIEM"),
                ("privileges", "users:read"),
                ("form_id", &form_id),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(application_count(&app), 0);
}

#[actix_web::test]
async fn list_shows_tenant_id_and_api_url() {
    let app = TestApp::spawn().await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let page = browser.get("/settings/integrations").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text_of("tenant-id"), tenant);
    assert_eq!(page.text_of("api-url"), format!("{}/", app.base_url));
    assert_eq!(
        page.text_of("application-count"),
        "0 of 10 custom applications"
    );
    assert!(page.body.contains("href=\"/settings/integrations/new\""));
}

#[actix_web::test]
async fn added_application_shows_secret_once() {
    let app = TestApp::spawn().await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(
        &mut browser,
        "  Splunk SOAR  ",
        &["users:read", "devices:modify"],
    )
    .await;
    assert_eq!(created.response.header("cache-control"), Some("no-store"));
    assert!(created.response.location().is_none());
    assert_eq!(created.application_id.len(), 36);
    assert_eq!(created.secret.len(), 86);
    assert!(created.response.body.contains("will not be shown again"));
    assert!(
        created
            .response
            .body
            .contains("id=\"dialog-ok\" href=\"/settings/integrations\"")
    );

    let list = browser.get("/settings/integrations").await;
    assert!(list.body.contains(&created.application_id));
    assert!(list.body.contains("<td class=\"name\">Splunk SOAR</td>"));
    assert!(list.body.contains("Users: Read · Devices: Modify"));
    assert!(list.body.contains("by admin@acme.test"));
    assert!(list.body.contains("Never"));
    assert_eq!(
        list.text_of("application-count"),
        "1 of 10 custom applications"
    );
    assert!(!list.body.contains(&created.secret));

    let events = audit::list(&mut app.pool().get().unwrap(), Some(&tenant)).unwrap();
    let created_event = events
        .iter()
        .find(|e| e.action == "application.created")
        .unwrap();
    assert_eq!(
        created_event.object_id.as_deref(),
        Some(created.application_id.as_str())
    );
    assert_eq!(
        created_event.details,
        "privileges: users:read devices:modify"
    );
    app.assert_not_stored_or_logged(&created.secret);
}

#[actix_web::test]
async fn resubmitted_form_creates_no_second_application() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let form = browser.get("/settings/integrations/new").await;
    let csrf = form.hidden("csrf_token");
    let form_id = form.hidden("form_id");
    let fields = [
        ("name", "SIEM"),
        ("privileges", "users:read"),
        ("form_id", form_id.as_str()),
        ("csrf_token", csrf.as_str()),
    ];
    let first = browser.post_form("/settings/integrations", &fields).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = browser.post_form("/settings/integrations", &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Application already created"));
    assert!(!again.body.contains("application-secret"));
    assert_eq!(application_count(&app), 1);
}

#[actix_web::test]
async fn invalid_form_keeps_values_and_names_problem() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    create_application(&mut browser, "Existing", &["users:read"]).await;
    let too_long = "x".repeat(65);
    let cases: [(&str, &[&str], &str, &str); 8] = [
        ("   ", &["zones:write"], "name-error", "Enter a name."),
        (
            &too_long,
            &["zones:write"],
            "name-error",
            "The name can have at most 64 characters.",
        ),
        (
            "Tab\there",
            &["zones:write"],
            "name-error",
            "The name cannot contain invisible or control characters",
        ),
        (
            "Existing\u{200b}",
            &["zones:write"],
            "name-error",
            "The name cannot contain invisible or control characters",
        ),
        (
            "evil\u{202e}gnp.exe",
            &["zones:write"],
            "name-error",
            "The name cannot contain invisible or control characters",
        ),
        (
            "\u{feff}Boom",
            &["zones:write"],
            "name-error",
            "The name cannot contain invisible or control characters",
        ),
        (
            "EXISTING",
            &["zones:write"],
            "name-error",
            "Another application of this tenant already has this name.",
        ),
        (
            "Fresh",
            &[],
            "privileges-error",
            "Select at least one privilege.",
        ),
    ];
    for (name, privileges, field, message) in cases {
        let response = post_new(&mut browser, name, privileges).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}"
        );
        assert!(
            response.text_of(field).starts_with(message),
            "{name:?}: {}",
            response.text_of(field)
        );
        assert!(
            response.body.contains(&format!("value=\"{name}\"")),
            "{name:?} not kept"
        );
        for privilege in privileges {
            let id = format!("id=\"priv-{}\"", privilege.replace(':', "-"));
            let tag_start = response.body.find(&id).unwrap();
            let tag = &response.body
                [tag_start..tag_start + response.body[tag_start..].find('>').unwrap()];
            assert!(tag.contains("checked"), "{privilege} not kept ticked");
        }
    }
    let unknown = post_new(&mut browser, "Fresh", &["packages:read"]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .text_of("privileges-error")
            .starts_with("One of the selected privileges does not exist")
    );
    assert_eq!(application_count(&app), 1);
}

#[actix_web::test]
async fn tenant_holds_at_most_ten_applications() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    for index in 0..10 {
        create_application(&mut browser, &format!("App {index}"), &["users:read"]).await;
    }
    let list = browser.get("/settings/integrations").await;
    assert_eq!(
        list.text_of("application-count"),
        "10 of 10 custom applications"
    );
    assert!(list.body.contains(
        "<span class=\"button disabled\" id=\"add-application\" aria-disabled=\"true\">"
    ));
    assert!(
        list.text_of("limit-reason")
            .starts_with("This tenant has reached the limit of 10")
    );

    let eleventh = post_new(&mut browser, "App 10", &["users:read"]).await;
    assert_eq!(eleventh.status, StatusCode::CONFLICT);
    assert!(
        eleventh
            .text_of("form-error")
            .starts_with("This tenant has reached the limit")
    );
    assert!(eleventh.body.contains("value=\"App 10\""));
    assert_eq!(application_count(&app), 10);
}

#[actix_web::test]
async fn concurrent_saves_at_nine_admit_exactly_one() {
    let app = TestApp::spawn().await;
    let (tenant, mut first) = app.signed_in_admin("first@acme.test").await;
    app.user(&tenant, "second@acme.test", Role::Administrator);
    let mut second = app.browser();
    second.sign_in("second@acme.test", PASSWORD).await;
    for index in 0..9 {
        create_application(&mut first, &format!("App {index}"), &["users:read"]).await;
    }
    for round in 0..3 {
        let (name_a, name_b) = (format!("Race A{round}"), format!("Race B{round}"));
        let (a, b) = futures_util::join!(
            post_new(&mut first, &name_a, &["users:read"]),
            post_new(&mut second, &name_b, &["users:read"]),
        );
        let statuses = [a.status, b.status];
        if round == 0 {
            assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
            assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
        } else {
            assert_eq!(statuses, [StatusCode::CONFLICT, StatusCode::CONFLICT]);
        }
    }
    assert_eq!(application_count(&app), 10);
    let counter: i64 = tenants::table
        .find(&tenant)
        .select(tenants::application_count)
        .first(&mut app.pool().get().unwrap())
        .unwrap();
    assert_eq!(counter, 10);
}

#[actix_web::test]
async fn edit_renames_and_replaces_privileges() {
    let app = TestApp::spawn().await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(&mut browser, "Before", &["users:read"]).await;
    let path = format!("/settings/integrations/{}/edit", created.application_id);
    let form = browser.get(&path).await;
    assert!(form.body.contains("value=\"Before\""));
    let csrf = form.hidden("csrf_token");

    let invalid = browser
        .post_form(
            &path,
            &[
                ("name", ""),
                ("privileges", "zones:read"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid.text_of("name-error"), "Enter a name.");

    let saved = browser
        .post_form(
            &path,
            &[
                ("name", "After"),
                ("privileges", "zones:read"),
                ("privileges", "threats:modify"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.location(),
        Some("/settings/integrations?notice=saved")
    );
    let list = browser.get("/settings/integrations?notice=saved").await;
    assert_eq!(list.text_of("notice"), "Your changes were saved.");
    assert!(list.body.contains("<td class=\"name\">After</td>"));
    assert!(list.body.contains("Zones: Read · Threats: Modify"));

    let events = audit::list(&mut app.pool().get().unwrap(), Some(&tenant)).unwrap();
    assert!(events.iter().any(|e| e.action == "application.edited"
        && e.details == "privileges: zones:read threats:modify"));
}

#[actix_web::test]
async fn regenerate_and_delete_ask_for_confirmation() {
    let app = TestApp::spawn().await;
    let (tenant, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let created = create_application(&mut browser, "Rotating", &["users:read"]).await;
    let regenerate = format!(
        "/settings/integrations/{}/regenerate",
        created.application_id
    );

    let confirm = browser.get(&regenerate).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Regenerate the secret?"));
    assert!(confirm.body.contains(&format!("action=\"{regenerate}\"")));
    let csrf = confirm.hidden("csrf_token");

    let forged = browser
        .post_form(&regenerate, &[("csrf_token", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let dialog = browser
        .post_form(&regenerate, &[("csrf_token", &csrf)])
        .await;
    assert_eq!(dialog.status, StatusCode::OK);
    assert_eq!(dialog.header("cache-control"), Some("no-store"));
    assert_eq!(dialog.text_of("application-id"), created.application_id);
    let new_secret = dialog.text_of("application-secret");
    assert_eq!(new_secret.len(), 86);
    assert_ne!(new_secret, created.secret);
    app.assert_not_stored_or_logged(&new_secret);

    let delete = format!("/settings/integrations/{}/delete", created.application_id);
    let confirm = browser.get(&delete).await;
    assert!(confirm.body.contains("Delete this application?"));
    assert!(confirm.body.contains("Rotating"));
    assert_eq!(application_count(&app), 1);
    let deleted = browser.post_form(&delete, &[("csrf_token", &csrf)]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        deleted.location(),
        Some("/settings/integrations?notice=deleted")
    );
    assert_eq!(application_count(&app), 0);
    let list = browser.get("/settings/integrations?notice=deleted").await;
    assert_eq!(list.text_of("notice"), "The application was deleted.");
    assert_eq!(
        list.text_of("application-count"),
        "0 of 10 custom applications"
    );

    let actions: Vec<String> = audit::list(&mut app.pool().get().unwrap(), Some(&tenant))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("application."))
        .collect();
    assert_eq!(
        actions,
        [
            "application.created",
            "application.secret_regenerated",
            "application.deleted"
        ]
    );
}

#[actix_web::test]
async fn legacy_tenant_shows_secret_until_removed() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Legacy", "2021-05-04");
    app.user(&tenant, "admin@legacy.test", Role::Administrator);
    let mut browser = app.browser();
    browser.sign_in("admin@legacy.test", PASSWORD).await;
    let created = create_application(&mut browser, "Old SIEM", &["users:read"]).await;

    let list = browser.get("/settings/integrations").await;
    assert_eq!(
        list.text_of(&format!("secret-{}", created.application_id)),
        created.secret
    );
    assert!(list.body.contains("Improved Security Available"));
    assert!(list.body.contains("record the secret of every application"));
    // Sealed, so the database file never holds the secret in clear.
    app.assert_not_stored_or_logged(&created.secret);

    let confirm = browser
        .get("/settings/integrations/improved-security")
        .await;
    assert!(confirm.body.contains("Remove all viewable secrets?"));
    let csrf = confirm.hidden("csrf_token");
    let enabled = browser
        .post_form(
            "/settings/integrations/improved-security",
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(enabled.status, StatusCode::SEE_OTHER);

    let list = browser.get("/settings/integrations").await;
    assert!(!list.body.contains(&created.secret));
    assert!(!list.body.contains("Improved Security Available"));
    assert!(list.body.contains("id=\"improved-security-on\""));

    let mut conn = app.pool().get().unwrap();
    let viewable: Vec<Option<Vec<u8>>> = applications::table
        .select(applications::viewable_secret_sealed)
        .load(&mut conn)
        .unwrap();
    assert_eq!(viewable, [None]);
    let events = audit::list(&mut conn, Some(&tenant)).unwrap();
    let event = events
        .iter()
        .find(|e| e.action == "tenant.improved_security_enabled")
        .unwrap();
    assert_eq!(event.details, "viewable secrets removed: 1");

    // No path back, not even through SQL.
    let reverted = diesel::update(tenants::table.find(&tenant))
        .set(tenants::improved_security.eq(false))
        .execute(&mut conn);
    assert!(
        reverted
            .unwrap_err()
            .to_string()
            .contains("improved security cannot be disabled")
    );

    // A new secret for this tenant is never stored viewable either.
    let regenerate = format!(
        "/settings/integrations/{}/regenerate",
        created.application_id
    );
    let dialog = browser
        .post_form(&regenerate, &[("csrf_token", &csrf)])
        .await;
    assert_eq!(dialog.status, StatusCode::OK);
    let viewable: Vec<Option<Vec<u8>>> = applications::table
        .select(applications::viewable_secret_sealed)
        .load(&mut conn)
        .unwrap();
    assert_eq!(viewable, [None]);
}

#[actix_web::test]
async fn new_tenant_never_stores_viewable_secret() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    create_application(&mut browser, "Modern", &["users:read"]).await;
    let list = browser.get("/settings/integrations").await;
    assert!(!list.body.contains("Improved Security Available"));
    assert!(!list.body.contains("id=\"secret-"));
    let viewable: Vec<Option<Vec<u8>>> = applications::table
        .select(applications::viewable_secret_sealed)
        .load(&mut app.pool().get().unwrap())
        .unwrap();
    assert_eq!(viewable, [None]);
    let confirm = browser
        .get("/settings/integrations/improved-security")
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
}

#[actix_web::test]
async fn key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    let key = app.data_dir.path().join("key-encryption.key");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[actix_web::test]
async fn https_deployment_marks_cookie_secure() {
    let app = TestApp::spawn_with(|config| {
        config.public_url = "https://console.example.test/".into();
        config.secure_cookies = true;
    })
    .await;
    let mut browser = app.browser();
    let login = browser.get("/login").await;
    let cookie = login.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-aurora_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert_eq!(
        login.header("strict-transport-security"),
        Some("max-age=31536000")
    );
}

#[actix_web::test]
async fn removed_secrets_leave_no_copy_in_database_files() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Legacy", "2020-02-02");
    app.user(&tenant, "admin@legacy.test", Role::Administrator);
    let mut browser = app.browser();
    browser.sign_in("admin@legacy.test", PASSWORD).await;
    create_application(&mut browser, "Old SIEM", &["users:read"]).await;
    let sealed: Vec<Option<Vec<u8>>> = applications::table
        .select(applications::viewable_secret_sealed)
        .load(&mut app.pool().get().unwrap())
        .unwrap();
    let sealed = sealed[0]
        .clone()
        .expect("a legacy tenant keeps a viewable copy");

    let csrf = browser.csrf().await;
    let enabled = browser
        .post_form(
            "/settings/integrations/improved-security",
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(enabled.status, StatusCode::SEE_OTHER);
    for path in app.data_files() {
        let bytes = std::fs::read(&path).unwrap();
        let found = bytes.windows(sealed.len()).any(|w| w == sealed.as_slice());
        assert!(!found, "{} still holds the sealed secret", path.display());
    }
}
