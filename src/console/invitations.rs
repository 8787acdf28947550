//! The public pages of invitation and password-reset links. The person who
//! opens a valid link chooses the account's password, which uses up the link. The
//! token travels only in the path, which the request log replaces by the
//! route pattern.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::ConsoleError;
use super::forms::FormFields;
use super::pages::{self, MessagePage, SetPasswordPage};
use super::session;
use crate::domain::invitations::{self, LinkKind, OpenLink};
use crate::domain::passwords::{self, Password};
use crate::domain::secrets::InvitationToken;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::{clock, db};

fn invalid_link(lang: Lang) -> Result<HttpResponse, ConsoleError> {
    let t = lang.texts();
    pages::render(
        StatusCode::NOT_FOUND,
        &MessagePage {
            t,
            nav: None,
            current_path: "/login".into(),
            title: t.link_invalid_title,
            body: t.link_invalid_body,
            link: Some(("/login", t.sign_in)),
        },
    )
}

fn form(
    lang: Lang,
    session: &Session,
    token: &str,
    link: &OpenLink,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, ConsoleError> {
    let t = lang.texts();
    let path = format!("/invitations/{token}");
    pages::render(
        status,
        &SetPasswordPage {
            t,
            nav: None,
            title: match link.kind {
                LinkKind::Invitation => t.set_password_title,
                LinkKind::PasswordReset => t.reset_password_title,
            },
            email: link.user.email.clone(),
            action: path.clone(),
            current_path: path,
            csrf_token: session::csrf_token(session)?,
            error,
        },
    )
}

async fn find_open(state: &AppState, token: &str) -> Result<Option<OpenLink>, ConsoleError> {
    let token = InvitationToken::from_link(token);
    Ok(db::run(&state.pool, move |conn| {
        invitations::find_open(conn, &token, clock::now())
    })
    .await?)
}

pub async fn page(
    req: HttpRequest,
    path: web::Path<String>,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = Lang::of_request(&req);
    match find_open(&state, &path).await? {
        Some(link) => form(lang, &session, &path, &link, None, StatusCode::OK),
        None => invalid_link(lang),
    }
}

pub async fn set_password(
    req: HttpRequest,
    path: web::Path<String>,
    session: Session,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = Lang::of_request(&req);
    let t = lang.texts();
    let Some(link) = find_open(&state, &path).await? else {
        return invalid_link(lang);
    };
    let fields = FormFields::parse(&body);
    if !session::csrf_matches(&session, fields.get("csrf_token")) {
        return form(
            lang,
            &session,
            &path,
            &link,
            Some(t.form_expired),
            StatusCode::FORBIDDEN,
        );
    }
    let password = fields.get("password");
    let problem = if password.chars().count() < passwords::MIN_LENGTH {
        Some(t.password_too_short)
    } else if password != fields.get("password_confirmation") {
        Some(t.passwords_differ)
    } else {
        None
    };
    if let Some(problem) = problem {
        return form(
            lang,
            &session,
            &path,
            &link,
            Some(problem),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }

    let password = Password::new(password.to_owned());
    let token = InvitationToken::from_link(&path);
    let source = session::source_address(&req);
    let accepted = db::run(&state.pool, move |conn| {
        // Hashed before the transaction so that argon2 never holds the write lock.
        let hash = passwords::hash(&password);
        invitations::accept(conn, &token, &hash, source.as_deref(), clock::now())
    })
    .await?;
    let Some(user) = accepted else {
        // Used or expired while the form was being filled in.
        return invalid_link(lang);
    };
    tracing::info!(
        user_id = %user.id,
        tenant_id = %user.tenant_id,
        kind = ?link.kind,
        "password set through a one-time link"
    );
    Ok(pages::see_other("/login?password_set=1"))
}
