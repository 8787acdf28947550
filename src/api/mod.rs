//! The Endpoint Defense User API v2: token exchange and resources, with the
//! JSON conventions existing Cylance/Aurora clients depend on.

pub mod body;
pub mod caller;
pub mod device_threats;
pub mod devices;
pub mod error;
pub mod filters;
pub mod global_list;
pub mod memory_protection;
pub mod openapi;
pub mod paging;
pub mod policies;
pub mod rate_limit;
pub mod threats;
pub mod token;
pub mod user_links;
pub mod user_writes;
pub mod users;
pub mod zones;

use actix_web::web;

/// Path prefixes served by the API. Unknown paths under them get JSON errors.
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

/// The methods (upper-case) that the API serves on `path`, for a 405 that
/// tells a client which method it should have used.
pub fn methods_for_path(path: &str) -> Vec<String> {
    let mut methods: Vec<String> = ENDPOINTS
        .iter()
        .filter(|(_, pattern)| actix_web::dev::ResourceDef::new(*pattern).is_match(path))
        .map(|(method, _)| method.to_uppercase())
        .collect();
    methods.sort();
    methods.dedup();
    methods
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
    get "/devices/v2" => devices::list;
    delete "/devices/v2" => devices::delete;
    post "/devices/v2/delete" => devices::delete;
    get "/devices/v2/extended" => devices::list_extended;
    get "/devices/v2/macaddress/{mac}" => devices::get_by_mac;
    get "/devices/v2/hostname/{host_name}" => devices::get_by_host_name;
    get "/devices/v2/{device}" => devices::get;
    put "/devices/v2/{device}" => devices::update;
    get "/devices/v2/{device}/threats" => device_threats::list;
    post "/devices/v2/{device}/threats" => device_threats::apply_event;
    get "/devices/v2/{zone}/devices" => devices::list_in_zone;
    get "/zones/v2" => zones::list;
    post "/zones/v2" => zones::create;
    get "/zones/v2/{zone}" => zones::get;
    put "/zones/v2/{zone}" => zones::update;
    delete "/zones/v2/{zone}" => zones::delete;
    get "/zones/v2/{device}/zones" => zones::list_for_device;
    get "/policies/v2" => policies::list;
    post "/policies/v2" => policies::create;
    put "/policies/v2" => policies::update;
    delete "/policies/v2" => policies::delete_many;
    get "/policies/v2/{policy}" => policies::get;
    delete "/policies/v2/{policy}" => policies::delete_one;
}
