//! Sign-in and sign-out pages.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::ConsoleError;
use super::forms::FormFields;
use super::pages::{self, LoginPage};
use super::session::{self, SignedIn};
use crate::domain::passwords::Password;
use crate::domain::sign_in;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::{clock, db};

fn login_form(
    req: &HttpRequest,
    session: &Session,
    email: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
) -> Result<LoginPage, ConsoleError> {
    Ok(LoginPage {
        t: Lang::of_request(req).texts(),
        nav: None,
        current_path: "/login".into(),
        csrf_token: session::csrf_token(session)?,
        email,
        error,
        notice,
    })
}

fn login_notice(req: &HttpRequest) -> Option<&'static str> {
    let t = Lang::of_request(req).texts();
    let query = req.query_string();
    if query.contains("expired=1") {
        Some(t.session_expired)
    } else if query.contains("signed_out=1") {
        Some(t.signed_out)
    } else if query.contains("password_set=1") {
        Some(t.password_set)
    } else {
        None
    }
}

pub async fn login_page(req: HttpRequest, session: Session) -> Result<HttpResponse, ConsoleError> {
    let notice = login_notice(&req);
    pages::ok(&login_form(&req, &session, String::new(), None, notice)?)
}

pub async fn login(
    req: HttpRequest,
    session: Session,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let form = FormFields::parse(&body);
    let email = form.get("email").trim().to_owned();
    let t = Lang::of_request(&req).texts();
    if !session::csrf_matches(&session, form.get("csrf_token")) {
        let page = login_form(&req, &session, email, Some(t.form_expired), None)?;
        return pages::render(StatusCode::FORBIDDEN, &page);
    }
    let source = session::source_address(&req);
    let account = crate::domain::users::normalize_email(&email);
    let address = source.clone().unwrap_or_default();
    if state
        .rate_limiter
        .sign_in_allowed(&address, &account)
        .is_err()
    {
        let page = login_form(&req, &session, email, Some(t.sign_in_throttled), None)?;
        return pages::render(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let password = Password::new(form.get("password").to_owned());
    let lookup_email = email.clone();
    let user = db::run(&state.pool, move |conn| {
        sign_in::sign_in(
            conn,
            &lookup_email,
            &password,
            source.as_deref(),
            clock::now(),
        )
    })
    .await?;
    let Some(user) = user else {
        state.rate_limiter.sign_in_failed(&address, &account);
        let page = login_form(&req, &session, email, Some(t.sign_in_failed), None)?;
        return pages::render(StatusCode::UNAUTHORIZED, &page);
    };
    session::start(&session, &user)?;
    tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, "console sign-in");
    Ok(pages::see_other("/dashboard"))
}

pub async fn logout(
    signed_in: SignedIn,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let form = FormFields::parse(&body);
    signed_in.check_csrf(form.get("csrf_token"))?;
    let user = signed_in.user.clone();
    let source = signed_in.source_address.clone();
    db::run(&state.pool, move |conn| {
        sign_in::sign_out(conn, &user, source.as_deref())
    })
    .await?;
    signed_in.session.purge();
    Ok(pages::see_other("/login?signed_out=1"))
}
