//! The Endpoint Defense User API v2: token exchange and resources, with the
//! JSON conventions existing Cylance/Aurora clients depend on.

pub mod body;
pub mod caller;
pub mod error;
pub mod filters;
pub mod global_list;
pub mod memory_protection;
pub mod openapi;
pub mod paging;
pub mod rate_limit;
pub mod threats;
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

/// Declares the API's routes once, producing both [`routes`], which
/// registers them, and [`ENDPOINTS`], which the OpenAPI description is
/// checked against.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every API endpoint as (HTTP method, path pattern).
        pub const ENDPOINTS: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }
    };
}

api_routes! {
    post "/auth/v2/token" => token::exchange;
    get "/globallists/v2" => global_list::list;
    post "/globallists/v2" => global_list::add;
    delete "/globallists/v2" => global_list::remove;
    get "/threats/v2" => threats::list;
    get "/threats/v2/download/{sha256}" => threats::download;
    get "/threats/v2/{sha256}" => threats::get;
    get "/threats/v2/{sha256}/devices" => threats::list_devices;
    get "/memoryprotection/v2" => memory_protection::list;
    get "/memoryprotection/v2/{device_image_file_event_id}" => memory_protection::get;
    get "/users/v2" => users::list;
    post "/users/v2" => user_writes::create;
    get "/users/v2/{user}" => users::get;
    put "/users/v2/{user}" => user_writes::update;
    delete "/users/v2/{user}" => user_writes::delete;
    post "/users/v2/{user}/invite" => user_links::invite;
    post "/users/v2/{user}/resetpassword" => user_links::reset_password;
}
