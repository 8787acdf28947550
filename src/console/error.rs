//! The console's one error type and its mapping to pages and redirects.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::pages::MessagePage;
use crate::db::StorageError;
use crate::i18n::{EN, FR, Lang};

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("sign-in required")]
    SignInRequired,
    #[error("session expired")]
    SessionExpired,
    #[error("administrator role required")]
    Forbidden(Lang),
    #[error("not found")]
    NotFound(Lang),
    #[error("missing or wrong CSRF token")]
    CsrfRejected(Lang),
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    #[error("rendering: {0}")]
    Render(#[from] askama::Error),
    #[error("session: {0}")]
    Session(String),
}

impl ConsoleError {
    fn page(&self, lang: Lang) -> MessagePage {
        let t = lang.texts();
        let (title, body) = match self {
            ConsoleError::Forbidden(_) => (t.forbidden_title, t.forbidden_body),
            ConsoleError::NotFound(_) => (t.not_found_title, t.not_found_body),
            ConsoleError::CsrfRejected(_) => (t.bad_request_title, t.form_expired),
            _ => (t.error_title, t.error_body),
        };
        MessagePage {
            t,
            nav: None,
            current_path: "/dashboard".into(),
            title,
            body,
            link: Some(("/dashboard", t.nav_dashboard)),
        }
    }
}

fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignInRequired | ConsoleError::SessionExpired => StatusCode::SEE_OTHER,
            ConsoleError::Forbidden(_) | ConsoleError::CsrfRejected(_) => StatusCode::FORBIDDEN,
            ConsoleError::NotFound(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let lang = match self {
            ConsoleError::SignInRequired => return redirect("/login"),
            ConsoleError::SessionExpired => return redirect("/login?expired=1"),
            ConsoleError::Forbidden(lang)
            | ConsoleError::NotFound(lang)
            | ConsoleError::CsrfRejected(lang) => *lang,
            other => {
                tracing::error!(error = %other, "console request failed");
                return internal_error_page();
            }
        };
        let body = self
            .page(lang)
            .render()
            .unwrap_or_else(|_| lang.texts().error_title.to_owned());
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
    }
}

/// A 500 page in both languages: the failing request's language may not be
/// known where the error surfaced, and the page says nothing internal.
fn internal_error_page() -> HttpResponse {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main>\
         <h1>{}</h1><p>{}</p><h1 lang=\"fr\">{}</h1><p lang=\"fr\">{}</p>\
         <p><a href=\"/dashboard\">{}</a></p></main></body></html>",
        EN.error_title,
        EN.error_title,
        EN.error_body,
        FR.error_title,
        FR.error_body,
        EN.nav_dashboard
    );
    HttpResponse::InternalServerError()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

impl ConsoleError {
    /// The response for this error outside a handler's `Result`.
    pub fn error_response_page(&self) -> HttpResponse {
        ResponseError::error_response(self)
    }
}
