//! Settings > Users and the public invitation pages: who may see the page,
//! what it lists, and the whole life of an invitation or password-reset
//! link, from the API request to the first sign-in.

use actix_web::http::StatusCode;
use aurora_console::db::schema::{user_invitations, users as users_table};
use aurora_console::domain::users::Role;
use diesel::prelude::*;
use serde_json::json;

use crate::api_users_write::Caller;
use crate::support::{Browser, PASSWORD, Response, TestApp};

const ADMIN_EMAIL: &str = "admin@example.test";
const NEW_PASSWORD: &str = "a long new passphrase";

/// Returns the pending link shown for `user_id` on the Users page.
fn shown_link(page: &Response, user_id: &str) -> String {
    page.text_of(&format!("link-{user_id}"))
}

/// Returns the path of a link (`/invitations/…`), which the test client requests.
fn path_of(link: &str) -> String {
    let start = link
        .find("/invitations/")
        .expect("the link has an invitation path");
    link[start..].to_owned()
}

async fn users_page(browser: &mut Browser) -> Response {
    let page = browser.get("/settings/users").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

/// Submits the set-password form of the link page at `path`.
async fn set_password(
    browser: &mut Browser,
    path: &str,
    password: &str,
    confirmation: &str,
) -> Response {
    let form = browser.get(path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.hidden("csrf_token");
    browser
        .post_form(
            path,
            &[
                ("password", password),
                ("password_confirmation", confirmation),
                ("csrf_token", &csrf),
            ],
        )
        .await
}

/// Creates a user through the API and returns its id and its pending link.
async fn invited_user(caller: &mut Caller, email: &str) -> (String, String) {
    let created = caller
        .create_user(json!({
            "email": email,
            "user_role": "00000000-0000-0000-0000-000000000001",
            "first_name": "Grace",
            "last_name": "Hopper",
        }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let page = users_page(&mut caller.it.admin).await;
    let link = shown_link(&page, &id);
    (id, link)
}

/// Returns the status of a sign-in attempt: 303 on success, 401 on failure.
async fn sign_in_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    let mut browser = app.browser();
    let csrf = browser.get("/login").await.hidden("csrf_token");
    browser
        .post_form(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &csrf),
            ],
        )
        .await
        .status
}

#[actix_web::test]
async fn anonymous_visitor_is_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let response = app.browser().get("/settings/users").await;
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
        let response = browser.get("/settings/users").await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{role:?}");
        assert!(response.body.contains("Access denied"), "{role:?}");
    }
}

#[actix_web::test]
async fn invalid_links_show_one_page() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    for token in ["unknown", "A".repeat(43).as_str()] {
        let page = browser.get(&format!("/invitations/{token}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{token}");
        assert!(
            page.body.contains("Link not valid"),
            "{token}: {}",
            page.body
        );
        let csrf = browser.get("/login").await.hidden("csrf_token");
        let posted = browser
            .post_form(
                &format!("/invitations/{token}"),
                &[
                    ("password", NEW_PASSWORD),
                    ("password_confirmation", NEW_PASSWORD),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "{token}");
    }
}

#[actix_web::test]
async fn page_lists_own_tenants_users_with_role_and_status() {
    let mut caller = Caller::spawn(&["users:read", "users:write"]).await;
    let other_tenant = caller.it.app.tenant("Other", "2024-01-01");
    caller
        .it
        .app
        .user(&other_tenant, "stranger@example.test", Role::Administrator);
    let reader_id = caller
        .it
        .app
        .user(&caller.it.tenant_id, "reader@example.test", Role::ReadOnly);
    let (invited_id, _) = invited_user(&mut caller, "invited@example.test").await;

    let settings = caller.it.admin.get("/settings").await;
    assert!(
        settings.body.contains("id=\"settings-users\""),
        "{}",
        settings.body
    );
    assert!(settings.body.contains("href=\"/settings/users\""));

    let page = users_page(&mut caller.it.admin).await;
    assert!(!page.body.contains("stranger@example.test"));
    assert!(page.body.contains(ADMIN_EMAIL));
    let row = |id: &str| {
        let start = page.body.find(&format!("id=\"user-{id}\"")).unwrap();
        let end = page.body[start..].find("</tr>").unwrap() + start;
        page.body[start..end].to_owned()
    };
    let reader = row(&reader_id);
    assert!(reader.contains("reader@example.test"));
    assert!(reader.contains("Read-Only"));
    assert!(reader.contains("Active"));
    let invited = row(&invited_id);
    assert!(invited.contains("Grace Hopper"));
    assert!(invited.contains(">User<"));
    assert!(invited.contains("Invited"));
    assert!(invited.contains("Never"));
    assert!(page.body.contains("id=\"pending-links\""));
    assert!(page.body.contains("Invitation"));

    caller.it.admin.accept_language = Some("fr-FR,fr;q=0.9".into());
    let page = users_page(&mut caller.it.admin).await;
    assert!(page.body.contains("<h1>Utilisateurs</h1>"), "{}", page.body);
    assert!(page.body.contains("Lecture seule"));
    assert!(page.body.contains("Invité"));
    assert!(page.body.contains("Administrateur"));
    assert!(
        page.body.contains("Liens d&#39;invitation"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn invitation_flow_sets_password_once() {
    let mut caller = Caller::spawn(&["users:read", "users:write"]).await;
    let email = "invitee@example.test";
    let (id, first_link) = invited_user(&mut caller, email).await;

    // Asking again replaces the first link.
    let invited = caller
        .send("POST", &format!("/users/v2/{email}/invite"), None)
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let page = users_page(&mut caller.it.admin).await;
    let link = shown_link(&page, &id);
    assert_ne!(link, first_link);
    assert!(link.starts_with(&caller.it.app.base_url), "{link}");
    let expires = page.body.contains(" UTC");
    assert!(expires, "the expiry is shown");
    let app = &caller.it.app;
    let mut invitee = app.browser();
    let replaced = invitee.get(&path_of(&first_link)).await;
    assert_eq!(replaced.status, StatusCode::NOT_FOUND);

    let path = path_of(&link);
    let form = invitee.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.header("cache-control"), Some("no-store"));
    assert_eq!(form.text_of("account-email"), email);
    assert!(form.body.contains("Set your password"));

    let short = set_password(&mut invitee, &path, "eleven char", "eleven char").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        short.text_of("set-password-error"),
        "The password must have at least 12 characters."
    );
    let differ = set_password(&mut invitee, &path, NEW_PASSWORD, "another long passphrase").await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        differ.text_of("set-password-error"),
        "The two passwords do not match."
    );
    let forged = invitee
        .post_form(
            &path,
            &[
                ("password", NEW_PASSWORD),
                ("password_confirmation", NEW_PASSWORD),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        sign_in_status(app, email, NEW_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "a rejected form set the password"
    );

    let accepted = set_password(&mut invitee, &path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(accepted.location(), Some("/login?password_set=1"));
    let login = invitee.get("/login?password_set=1").await;
    assert!(login.body.contains("Your password is set."));

    let dead = invitee.get(&path).await;
    assert_eq!(dead.status, StatusCode::NOT_FOUND);
    assert!(dead.body.contains("Link not valid"));
    let reused = invitee
        .post_form(
            &path,
            &[
                ("password", "an attacker's passphrase"),
                ("password_confirmation", "an attacker's passphrase"),
                ("csrf_token", &login.hidden("csrf_token")),
            ],
        )
        .await;
    assert_eq!(reused.status, StatusCode::NOT_FOUND);

    assert_eq!(
        sign_in_status(app, email, NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let mut signed_in = app.browser();
    signed_in.sign_in(email, NEW_PASSWORD).await;
    let dashboard = signed_in.get("/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);

    let user = caller.get_user(&id).await;
    assert!(user["date_email_confirmed"].is_string(), "{user}");
    assert_eq!(user["has_logged_in"], json!(true));
    let page = users_page(&mut caller.it.admin).await;
    assert!(!page.body.contains(&format!("id=\"link-{id}\"")));
    assert!(page.body.contains("id=\"no-pending-links\""));
    let accepted_events = caller.events_of("user.invitation_accepted");
    assert_eq!(accepted_events.len(), 1);
    assert_eq!(accepted_events[0].actor_kind, "user");
    assert_eq!(accepted_events[0].actor_id.as_deref(), Some(id.as_str()));

    let again = caller
        .send("POST", &format!("/users/v2/{email}/invite"), None)
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);

    let token = path.trim_start_matches("/invitations/");
    for secret in [token, first_link.as_str(), link.as_str(), NEW_PASSWORD] {
        app.assert_not_stored_or_logged(secret);
    }
}

#[actix_web::test]
async fn password_reset_link_replaces_password() {
    let mut caller = Caller::spawn(&["users:read"]).await;
    let member_id = caller
        .it
        .app
        .user(&caller.it.tenant_id, "member@example.test", Role::User);
    let reset = caller
        .send("POST", "/users/v2/member@example.test/resetpassword", None)
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);

    let page = users_page(&mut caller.it.admin).await;
    let link = shown_link(&page, &member_id);
    assert!(page.body.contains("Password reset"));
    let app = &caller.it.app;
    let mut member = app.browser();
    member.accept_language = Some("fr".into());
    let path = path_of(&link);
    let form = member.get(&path).await;
    assert!(
        form.body.contains("Choisissez un nouveau mot de passe"),
        "{}",
        form.body
    );
    let accepted = set_password(&mut member, &path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);

    assert_eq!(
        sign_in_status(app, "member@example.test", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(app, "member@example.test", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(caller.events_of("user.password_reset_completed").len(), 1);
    app.assert_not_stored_or_logged(path.trim_start_matches("/invitations/"));
}

#[actix_web::test]
async fn expired_link_is_dead_and_hidden() {
    let mut caller = Caller::spawn(&["users:read", "users:write"]).await;
    let (id, link) = invited_user(&mut caller, "late@example.test").await;
    let past = aurora_console::clock::now() - 1;
    diesel::update(user_invitations::table.filter(user_invitations::user_id.eq(&id)))
        .set(user_invitations::expires_at.eq(past))
        .execute(&mut caller.it.app.pool().get().unwrap())
        .unwrap();

    let page = users_page(&mut caller.it.admin).await;
    assert!(!page.body.contains(&format!("id=\"link-{id}\"")));
    let mut invitee = caller.it.app.browser();
    let dead = invitee.get(&path_of(&link)).await;
    assert_eq!(dead.status, StatusCode::NOT_FOUND);
    let password: Option<String> = users_table::table
        .find(&id)
        .select(users_table::password_hash)
        .first(&mut caller.it.app.pool().get().unwrap())
        .unwrap();
    assert_eq!(password, None);
}

#[actix_web::test]
async fn deleted_user_link_is_dead() {
    let mut caller = Caller::spawn(&["users:read", "users:write", "users:delete"]).await;
    let (id, link) = invited_user(&mut caller, "gone@example.test").await;
    let deleted = caller
        .send("DELETE", &format!("/users/v2/{id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let dead = caller.it.app.browser().get(&path_of(&link)).await;
    assert_eq!(dead.status, StatusCode::NOT_FOUND);
}
