//! One askama struct per page. Every page carries the texts of the user's
//! language, the navigation of a signed-in user, and its own path for the
//! language links. Auto-escaping is on for all of them.

use askama::Template;

use crate::i18n::Texts;

/// What the layout shows of the signed-in user.
#[derive(Debug, Clone)]
pub struct Nav {
    pub email: String,
    pub csrf_token: String,
    pub is_admin: bool,
}

/// The parts every page shares.
#[derive(Clone)]
pub struct Frame {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub csrf_token: String,
    pub email: String,
    pub error: Option<&'static str>,
    pub notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub tenant_name: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
}

/// One application as a row of the Integrations table.
pub struct ApplicationRow {
    pub id: String,
    pub name: String,
    pub privileges: String,
    pub created: String,
    pub created_by: Option<String>,
    pub last_used: Option<String>,
    pub last_address: Option<String>,
    /// The secret in clear: only for tenants without improved security.
    pub secret: Option<String>,
}

#[derive(Template)]
#[template(path = "integrations.html")]
pub struct IntegrationsPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub tenant_id: String,
    pub api_url: String,
    pub count: i64,
    pub max: i64,
    pub at_limit: bool,
    pub improved_security: bool,
    pub rows: Vec<ApplicationRow>,
    pub notice: Option<&'static str>,
}

pub struct GridCell {
    pub value: String,
    pub id: String,
    pub label: &'static str,
    pub checked: bool,
}

pub struct GridRowView {
    pub label: &'static str,
    pub cells: Vec<Option<GridCell>>,
}

#[derive(Template)]
#[template(path = "application_form.html")]
pub struct ApplicationFormPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub title: &'static str,
    pub action: String,
    pub csrf_token: String,
    pub form_id: Option<String>,
    pub name: String,
    pub grid: Vec<GridRowView>,
    pub name_error: Option<&'static str>,
    pub privileges_error: Option<&'static str>,
    pub form_error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "secret_dialog.html")]
pub struct SecretDialogPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub title: &'static str,
    pub name: String,
    pub application_id: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub title: &'static str,
    pub subject: Option<String>,
    pub body: &'static str,
    pub action: String,
    pub button: &'static str,
    pub csrf_token: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub title: &'static str,
    pub body: &'static str,
    pub link: Option<(&'static str, &'static str)>,
}

/// One console user as a row of the Users page.
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub status: &'static str,
    pub last_sign_in: Option<String>,
}

/// One pending invitation or password-reset link.
pub struct LinkRow {
    pub user_id: String,
    pub email: String,
    pub kind: &'static str,
    /// The whole link, token included; `None` when it cannot be opened.
    pub url: Option<String>,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub users: Vec<UserRow>,
    pub links: Vec<LinkRow>,
}

/// The public page of an invitation or password-reset link.
#[derive(Template)]
#[template(path = "set_password.html")]
pub struct SetPasswordPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub title: &'static str,
    pub email: String,
    pub action: String,
    pub csrf_token: String,
    pub error: Option<&'static str>,
}

/// Renders a page as a no-store HTML response.
pub fn render(
    status: actix_web::http::StatusCode,
    page: &impl Template,
) -> Result<actix_web::HttpResponse, super::error::ConsoleError> {
    let body = page.render()?;
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

pub fn ok(page: &impl Template) -> Result<actix_web::HttpResponse, super::error::ConsoleError> {
    render(actix_web::http::StatusCode::OK, page)
}

pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}
