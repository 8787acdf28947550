//! The root redirect, the dashboard, the Settings index and the language switch.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::ConsoleError;
use super::pages::{self, DashboardPage, SettingsPage};
use super::session::{AdminSession, SignedIn};
use crate::db;
use crate::domain::tenants;
use crate::i18n::{LANGUAGE_COOKIE, Lang};
use crate::state::AppState;

pub async fn root(signed_in: Option<SignedIn>) -> HttpResponse {
    match signed_in {
        Some(_) => pages::see_other("/dashboard"),
        None => pages::see_other("/login"),
    }
}

pub async fn dashboard(
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let tenant_id = signed_in.user.tenant_id.clone();
    let tenant = db::run(&state.pool, move |conn| tenants::find(conn, &tenant_id)).await?;
    let frame = signed_in.frame();
    pages::ok(&DashboardPage {
        t: frame.t,
        nav: frame.nav,
        current_path: frame.current_path,
        tenant_name: tenant.map(|t| t.name).unwrap_or_default(),
    })
}

pub async fn settings(admin: AdminSession) -> Result<HttpResponse, ConsoleError> {
    let frame = admin.frame();
    pages::ok(&SettingsPage {
        t: frame.t,
        nav: frame.nav,
        current_path: frame.current_path,
    })
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    next: Option<String>,
}

/// True for a path on this site: it starts with one `/`, and holds only
/// visible ASCII, since browsers drop tabs and newlines from URLs (turning
/// `/\t/host` into `//host`, another site) and a header cannot carry them.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// Stores the chosen language in a cookie and returns to the page the user
/// was on. Only local paths are followed, so the link cannot redirect off-site.
pub async fn set_language(
    req: HttpRequest,
    code: web::Path<String>,
    query: web::Query<LanguageQuery>,
) -> HttpResponse {
    let next = query
        .next
        .as_deref()
        .filter(|path| is_local_path(path))
        .unwrap_or("/dashboard")
        .to_owned();
    let mut response = pages::see_other(&next);
    if let Some(lang) = Lang::parse(&code) {
        let cookie = Cookie::build(LANGUAGE_COOKIE, lang.code())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(req.connection_info().scheme() == "https")
            .permanent()
            .finish();
        let _ = response.add_cookie(&cookie);
    }
    response
}
