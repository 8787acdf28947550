//! The server-rendered console: sign-in, dashboard, Settings > Integrations,
//! Settings > Users, and the public pages of invitation links. Handlers parse the form, rely on the session extractors for
//! authorization, call one domain function and render one template.
//!
//! Devices, Zones, Policies, Global List and Threats are read-only pages that
//! every signed-in user may open. They read the tenant from the session only.

pub mod assets;
pub mod auth;
pub mod devices;
pub mod display;
pub mod error;
pub mod forms;
pub mod global_list;
pub mod home;
pub mod integrations;
pub mod invitations;
pub mod pages;
pub mod paging;
pub mod policies;
pub mod session;
pub mod threats;
pub mod users;
pub mod zones;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::root))
        .route("/login", web::get().to(auth::login_page))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/language/{code}", web::get().to(home::set_language))
        .route("/dashboard", web::get().to(home::dashboard))
        .route("/settings", web::get().to(home::settings))
        .route("/settings/users", web::get().to(users::list))
        .route("/invitations/{token}", web::get().to(invitations::page))
        .route(
            "/invitations/{token}",
            web::post().to(invitations::set_password),
        )
        .route("/settings/integrations", web::get().to(integrations::list))
        .route(
            "/settings/integrations",
            web::post().to(integrations::create),
        )
        .route(
            "/settings/integrations/new",
            web::get().to(integrations::new_form),
        )
        .route(
            "/settings/integrations/improved-security",
            web::get().to(integrations::confirm_improved_security),
        )
        .route(
            "/settings/integrations/improved-security",
            web::post().to(integrations::enable_improved_security),
        )
        .route(
            "/settings/integrations/{id}/edit",
            web::get().to(integrations::edit_form),
        )
        .route(
            "/settings/integrations/{id}/edit",
            web::post().to(integrations::update),
        )
        .route(
            "/settings/integrations/{id}/regenerate",
            web::get().to(integrations::confirm_regenerate),
        )
        .route(
            "/settings/integrations/{id}/regenerate",
            web::post().to(integrations::regenerate),
        )
        .route(
            "/settings/integrations/{id}/delete",
            web::get().to(integrations::confirm_delete),
        )
        .route(
            "/settings/integrations/{id}/delete",
            web::post().to(integrations::delete),
        )
        .route("/devices", web::get().to(devices::list))
        .route("/devices/{id}", web::get().to(devices::detail))
        .route("/zones", web::get().to(zones::list))
        .route("/policies", web::get().to(policies::list))
        .route("/policies/{id}", web::get().to(policies::detail))
        .route("/global-list", web::get().to(global_list::list))
        .route("/threats", web::get().to(threats::list))
        .route("/threats/{sha256}", web::get().to(threats::detail));
}
