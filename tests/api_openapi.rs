//! The served OpenAPI description.

use actix_web::http::StatusCode;

use crate::support::TestApp;

#[actix_web::test]
async fn openapi_document_is_served() {
    let app = TestApp::spawn().await;
    let response = app.browser().get("/api/v2/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let document = response.json();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["paths"]["/users/v2"]["get"]["operationId"],
        "listUsers"
    );
}

#[actix_web::test]
async fn wrong_method_on_api_path_names_the_right_one() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    let response = browser.get("/auth/v2/token").await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.header("allow"), Some("POST"));
    assert_eq!(
        response.json()["message"],
        "Method GET is not allowed here; use POST"
    );
    let unknown = browser.get("/users/v2/someone/unknown-action").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["message"], "Not found");
}
