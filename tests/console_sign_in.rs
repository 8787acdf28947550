//! Console sign-in and sessions: one answer for every failed sign-in, a new
//! session id at sign-in, a dead id after sign-out, cookie attributes,
//! timeouts, CSRF, security headers, and the audit trail.

use actix_web::http::StatusCode;
use aurora_console::db::schema::console_sessions;
use aurora_console::domain::audit;
use aurora_console::domain::users::Role;
use diesel::prelude::*;

use crate::support::{PASSWORD, TestApp};

const SESSION_COOKIE: &str = "aurora_session";

#[actix_web::test]
async fn login_without_csrf_token_is_rejected() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme", "2024-01-01");
    app.user(&tenant, "admin@acme.test", Role::Administrator);
    let mut browser = app.browser();
    browser.get("/login").await;
    let response = browser
        .post_form(
            "/login",
            &[("email", "admin@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(response.body.contains("This form has expired"));
    assert_eq!(
        browser.get("/dashboard").await.status,
        StatusCode::SEE_OTHER
    );
}

/// The login page minus what legitimately differs between two renderings.
fn comparable(body: &str, email: &str) -> String {
    let start = body.find("name=\"csrf_token\" value=\"").unwrap();
    let end = body[start + 26..].find('"').unwrap() + start + 26;
    format!("{}{}", &body[..start], &body[end..]).replace(email, "EMAIL")
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_answer_alike() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme", "2024-01-01");
    app.user(&tenant, "admin@acme.test", Role::Administrator);
    let mut answers = Vec::new();
    for (email, password) in [
        ("admin@acme.test", "not the password"),
        ("nobody@acme.test", "not the password"),
    ] {
        let mut browser = app.browser();
        let csrf = browser.get("/login").await.hidden("csrf_token");
        let response = browser
            .post_form(
                "/login",
                &[
                    ("email", email),
                    ("password", password),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{email}");
        assert!(
            response
                .body
                .contains("Invalid e-mail address or password.")
        );
        assert!(
            response.body.contains(&format!("value=\"{email}\"")),
            "e-mail kept"
        );
        answers.push(comparable(&response.body, email));
    }
    assert_eq!(answers[0], answers[1]);

    let mut conn = app.pool().get().unwrap();
    let tenant_events = audit::list(&mut conn, Some(&tenant)).unwrap();
    assert_eq!(tenant_events.len(), 1);
    assert_eq!(tenant_events[0].action, "sign_in.failed");
    assert_eq!(
        tenant_events[0].source_address.as_deref(),
        Some("127.0.0.1")
    );
    let anonymous = audit::list(&mut conn, None).unwrap();
    assert_eq!(anonymous.len(), 1);
    assert_eq!(anonymous[0].action, "sign_in.failed");
    assert!(!anonymous[0].details.contains("nobody@acme.test"));
}

#[actix_web::test]
async fn sign_in_renews_session_and_sign_out_kills_it() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme", "2024-01-01");
    let user_id = app.user(&tenant, "admin@acme.test", Role::Administrator);
    let mut browser = app.browser();
    browser.get("/login").await;
    let anonymous_cookie = browser.cookies[SESSION_COOKIE].clone();

    let response = browser.sign_in("admin@acme.test", PASSWORD).await;
    assert_eq!(response.location(), Some("/dashboard"));
    let signed_in_cookie = browser.cookies[SESSION_COOKIE].clone();
    assert_ne!(anonymous_cookie, signed_in_cookie);
    let set_cookie = response.header("set-cookie").unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain http must not set Secure: {set_cookie}"
    );
    assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK);

    // The pre-sign-in session id grants nothing.
    let mut replay = app.browser();
    replay
        .cookies
        .insert(SESSION_COOKIE.into(), anonymous_cookie);
    assert_eq!(replay.get("/dashboard").await.status, StatusCode::SEE_OTHER);

    let csrf = browser.csrf().await;
    let out = browser.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login?signed_out=1"));
    assert_eq!(
        browser.get("/dashboard").await.status,
        StatusCode::SEE_OTHER
    );

    // A copy of the signed-in cookie taken before sign-out is dead too.
    let mut replay = app.browser();
    replay
        .cookies
        .insert(SESSION_COOKIE.into(), signed_in_cookie);
    let replayed = replay.get("/dashboard").await;
    assert_eq!(replayed.status, StatusCode::SEE_OTHER);
    assert_eq!(replayed.location(), Some("/login"));

    let events = audit::list(&mut app.pool().get().unwrap(), Some(&tenant)).unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["sign_in.succeeded", "sign_out"]);
    assert_eq!(events[0].actor_id.as_deref(), Some(user_id.as_str()));
}

#[actix_web::test]
async fn logout_without_csrf_token_keeps_session() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let response = browser
        .post_form("/logout", &[("csrf_token", "forged")])
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn session_keys_are_stored_hashed() {
    let app = TestApp::spawn().await;
    let (_, browser) = app.signed_in_admin("admin@acme.test").await;
    let cookie = browser.cookies[SESSION_COOKIE].clone();
    // A signed cookie is "<signature><key>": 44 characters of base64 HMAC,
    // then the 43-character session key.
    let decoded = url::form_urlencoded::parse(format!("k={cookie}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    assert_eq!(decoded.len(), 44 + 43, "{decoded}");
    let key = &decoded[44..];
    let stored: Vec<String> = console_sessions::table
        .select(console_sessions::key_hash)
        .load(&mut app.pool().get().unwrap())
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0],
        aurora_console::crypto::sha256_hex(key.as_bytes())
    );
    app.assert_not_stored_or_logged(key);
}

#[actix_web::test]
async fn idle_session_expires() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    diesel::update(console_sessions::table)
        .set(console_sessions::expires_at.eq(aurora_console::clock::now() - 1))
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
    let response = browser.get("/settings/integrations").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login"));
}

#[actix_web::test]
async fn session_older_than_absolute_limit_expires() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    let mut conn = app.pool().get().unwrap();
    let state: String = console_sessions::table
        .select(console_sessions::state)
        .first(&mut conn)
        .unwrap();
    let mut map: std::collections::HashMap<String, String> = serde_json::from_str(&state).unwrap();
    let thirteen_hours_ago = aurora_console::clock::now() - 13 * 3600;
    map.insert("signed_in_at".into(), thirteen_hours_ago.to_string());
    diesel::update(console_sessions::table)
        .set(console_sessions::state.eq(serde_json::to_string(&map).unwrap()))
        .execute(&mut conn)
        .unwrap();
    let response = browser.get("/dashboard").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login?expired=1"));
    let login = browser.get("/login?expired=1").await;
    assert!(login.body.contains("Your session has expired."));
}

#[actix_web::test]
async fn every_response_carries_security_headers() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("admin@acme.test").await;
    for path in [
        "/login",
        "/dashboard",
        "/settings/integrations",
        "/users/v2",
        "/nowhere",
    ] {
        let response = browser.get(path).await;
        let csp = response
            .header("content-security-policy")
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            response.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
    }
    let page = browser.get("/settings/integrations").await;
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(!page.body.contains("<script>"), "no inline script");
}

#[actix_web::test]
async fn pages_speak_french_when_browser_prefers_it() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme", "2024-01-01");
    app.user(&tenant, "admin@acme.test", Role::Administrator);
    let mut browser = app.browser();
    browser.accept_language = Some("fr-FR,fr;q=0.9,en;q=0.5".into());
    let login = browser.get("/login").await;
    assert!(login.body.contains("<html lang=\"fr\">"));
    assert!(login.body.contains(">Connexion</h1>"));
    assert!(login.body.contains("Mot de passe"));

    browser.sign_in("admin@acme.test", PASSWORD).await;
    let dashboard = browser.get("/dashboard").await;
    assert!(dashboard.body.contains(">Paramètres</a>"));
    let list = browser.get("/settings/integrations").await;
    assert!(list.body.contains("<h1>Intégrations</h1>"));
    assert!(list.body.contains("Ajouter une application"));
    assert!(list.body.contains("0 applications personnalisées sur 10"));
    let form = browser.get("/settings/integrations/new").await;
    assert!(form.body.contains(">Enregistrer</button>"));

    // An explicit choice wins over the browser's preference.
    let switched = browser
        .get("/language/en?next=/settings/integrations")
        .await;
    assert_eq!(switched.location(), Some("/settings/integrations"));
    let list = browser.get("/settings/integrations").await;
    assert!(list.body.contains("<h1>Integrations</h1>"));
    assert!(list.body.contains("Add Application"));
}

#[actix_web::test]
async fn language_switch_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let path = format!(
            "/language/fr?next={}",
            crate::support::url_encode(&[("x", next)]).trim_start_matches("x=")
        );
        let response = browser.get(&path).await;
        assert_eq!(response.location(), Some("/dashboard"), "{next}");
    }
}

#[actix_web::test]
async fn request_log_names_route_not_path() {
    let app = TestApp::spawn().await;
    let (_, mut browser) = app.signed_in_admin("log-reader@acme.test").await;
    let missing = "5c0ffee0-1234-4abc-8def-000000000042";
    browser
        .get(&format!("/settings/integrations/{missing}/edit"))
        .await;
    let logs = crate::support::captured_logs();
    let line = logs
        .lines()
        .find(|line| line.contains("route=/settings/integrations/{id}/edit status=404"))
        .expect("a request line for the edit page");
    assert!(line.contains("request handled method=GET"), "{line}");
    assert!(line.contains("latency_ms="), "{line}");
    assert!(!logs.contains(missing), "raw paths must not be logged");
    assert!(
        !logs.contains("log-reader@acme.test"),
        "e-mail addresses must not be logged"
    );
    assert!(
        !logs.contains(crate::support::PASSWORD),
        "passwords must not be logged"
    );
}

#[actix_web::test]
async fn language_switch_refuses_paths_browsers_rewrite() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    // Browsers drop tabs and newlines from URLs, so "/\t/host" becomes "//host".
    for next in [
        "/%09/evil.example/",
        "/%0d%0aX:%20y",
        "/%0a/evil.example",
        "/ok%20path",
    ] {
        let response = browser.get(&format!("/language/fr?next={next}")).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(response.location(), Some("/dashboard"), "{next}");
    }
    let response = browser
        .get("/language/fr?next=/settings/integrations?notice=saved")
        .await;
    assert_eq!(
        response.location(),
        Some("/settings/integrations?notice=saved")
    );
}

#[actix_web::test]
async fn repeated_failed_sign_ins_lock_the_account_for_a_while() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme", "2024-01-01");
    app.user(&tenant, "target@acme.test", Role::Administrator);
    app.user(&tenant, "bystander@acme.test", Role::Administrator);
    let mut browser = app.browser();
    let csrf = browser.get("/login").await.hidden("csrf_token");
    for attempt in 0..10 {
        let response = browser
            .post_form(
                "/login",
                &[
                    ("email", "TARGET@acme.test"),
                    ("password", &format!("guess {attempt}")),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    // Now even the right password waits, and the page says why.
    let locked = browser
        .post_form(
            "/login",
            &[
                ("email", "target@acme.test"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        locked.text_of("sign-in-error"),
        "Too many failed sign-in attempts. Wait a few minutes, then try again."
    );
    // Another account from the same address is not held back.
    let other = browser
        .post_form(
            "/login",
            &[
                ("email", "bystander@acme.test"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}
