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
