//! An Administrator adds a custom application in headless Chromium, clicking
//! through the console from the login page as a person would.

use super::server::TestServer;
use super::webdriver::Browser;
use super::{is_url_safe_base64, is_uuid};

const APPLICATION_NAME: &str = "E2E SIEM connector";

/// Base64 of a 256-bit secret without padding is 43 characters long.
const MIN_SECRET_LENGTH: usize = 43;

#[actix_web::test]
async fn browser_adds_application_and_reads_secret_once() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;

    browser.goto(&server.url("/login")).await;
    browser
        .find("input[name=\"email\"]")
        .await
        .send_keys(server.admin_email())
        .await;
    browser
        .find("input[name=\"password\"]")
        .await
        .send_keys(server.admin_password())
        .await;
    browser.find("#sign-in").await.click().await;
    assert_path(&browser, &server, "/dashboard").await;

    browser.find("#nav-settings").await.click().await;
    assert_path(&browser, &server, "/settings").await;
    browser.find("#settings-integrations").await.click().await;
    assert_path(&browser, &server, "/settings/integrations").await;

    let shown_tenant_id = browser.find("#tenant-id").await.text().await;
    assert_eq!(
        shown_tenant_id.trim(),
        server.tenant_id(),
        "the integrations page shows another tenant ID"
    );
    let shown_api_url = browser.find("#api-url").await.text().await;
    assert_eq!(
        shown_api_url.trim().trim_end_matches('/'),
        server.base_url(),
        "the API URL shown should be the AURORA_PUBLIC_URL the server was started with"
    );

    browser.find("#add-application").await.click().await;
    assert_path(&browser, &server, "/settings/integrations/new").await;
    browser
        .find("#app-name")
        .await
        .send_keys(APPLICATION_NAME)
        .await;
    browser.find("#priv-users-read").await.click().await;
    browser.find("#save-application").await.click().await;

    let application_id = browser.find("#application-id").await.text().await;
    let application_id = application_id.trim().to_owned();
    assert!(
        is_uuid(&application_id),
        "application ID {application_id:?} is not a UUID"
    );
    let secret = browser.find("#application-secret").await.text().await;
    let secret = secret.trim().to_owned();
    assert!(
        secret.len() >= MIN_SECRET_LENGTH,
        "application secret is {} characters long, expected at least {MIN_SECRET_LENGTH}",
        secret.len()
    );
    assert!(
        is_url_safe_base64(&secret),
        "application secret is not URL-safe base64"
    );

    browser.find("#dialog-ok").await.click().await;
    assert_path(&browser, &server, "/settings/integrations").await;
    let table_text = browser.find("table").await.text().await;
    assert!(
        table_text.contains(APPLICATION_NAME),
        "the applications table does not list {APPLICATION_NAME:?}:\n{table_text}"
    );
    assert!(
        table_text.contains(&application_id),
        "the applications table does not list application ID {application_id}:\n{table_text}"
    );

    // The tenant was created today, so improved security is on and the secret
    // must not be anywhere in the list page, not even hidden or masked.
    let list_html = browser.page_source().await;
    assert!(
        !list_html.contains(&secret),
        "the integrations page contains the application secret"
    );
    assert!(
        !server.log().contains(&secret),
        "the server log contains the application secret"
    );

    browser.quit().await;
}

/// Asserts that the browser shows `expected_path` on the server under test
/// within ten seconds, and otherwise reports the page's text and the server log.
async fn assert_path(browser: &Browser, server: &TestServer, expected_path: &str) {
    // A click returns before the navigation it starts has finished; on a
    // loaded machine the old page can still be current for a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut path = current_path(browser, server).await;
    while path != expected_path && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        path = current_path(browser, server).await;
    }
    if path != expected_path {
        panic!(
            "expected the browser at {expected_path}, but it is at {path}\n{}\n--- server log ---\n{}",
            browser.describe_page().await,
            server.log()
        );
    }
}

/// Returns the path of the browser's current URL, without query or fragment.
async fn current_path(browser: &Browser, server: &TestServer) -> String {
    let url = browser.current_url().await;
    let Some(rest) = url.strip_prefix(server.base_url()) else {
        panic!(
            "the browser left the server under test: {url} does not start with {}",
            server.base_url()
        );
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest[..end].to_owned()
}
