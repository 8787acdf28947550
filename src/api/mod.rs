//! The Endpoint Defense User API v2: token exchange and resources, with the
//! JSON conventions existing Cylance/Aurora clients depend on.

pub mod body;
pub mod caller;
pub mod error;
pub mod paging;
pub mod rate_limit;
pub mod token;
pub mod user_links;
pub mod user_writes;
pub mod users;

use actix_web::web;

/// Path prefixes served by the API; unknown paths under them answer JSON.
pub const PREFIXES: [&str; 8] = [
    "/auth/v2",
    "/users/v2",
    "/devices/v2",
    "/zones/v2",
    "/policies/v2",
    "/globallists/v2",
    "/threats/v2",
    "/memoryprotection/v2",
];

pub fn is_api_path(path: &str) -> bool {
    PREFIXES
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/v2/token", web::post().to(token::exchange))
        .route("/users/v2", web::get().to(users::list))
        .route("/users/v2", web::post().to(user_writes::create))
        .route("/users/v2/{user}", web::get().to(users::get))
        .route("/users/v2/{user}", web::put().to(user_writes::update))
        .route("/users/v2/{user}", web::delete().to(user_writes::delete))
        .route(
            "/users/v2/{user}/invite",
            web::post().to(user_links::invite),
        )
        .route(
            "/users/v2/{user}/resetpassword",
            web::post().to(user_links::reset_password),
        );
}
