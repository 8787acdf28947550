//! The OpenAPI 3.1 description of the User API, served as written. A test
//! compares its paths with the registered routes in both directions.

use actix_web::HttpResponse;

pub const DOCUMENT: &str = include_str!("openapi.json");

pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT)
}

/// Every (method, path) the document describes, with methods lower-case.
pub fn described_endpoints() -> Vec<(String, String)> {
    let document: serde_json::Value =
        serde_json::from_str(DOCUMENT).expect("the OpenAPI document is valid JSON");
    let mut endpoints = Vec::new();
    if let Some(paths) = document["paths"].as_object() {
        for (path, operations) in paths {
            for method in operations.as_object().into_iter().flat_map(|o| o.keys()) {
                endpoints.push((method.to_lowercase(), path.clone()));
            }
        }
    }
    endpoints.sort();
    endpoints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described_and_nothing_else() {
        let mut registered: Vec<(String, String)> = super::super::ENDPOINTS
            .iter()
            .map(|(method, path)| (method.to_string(), path.to_string()))
            .collect();
        registered.sort();
        assert_eq!(described_endpoints(), registered);
    }
}
