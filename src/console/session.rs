//! Console sessions: CSRF tokens, timeouts, and the extractors that stand
//! for "a signed-in user" and "a signed-in administrator". A handler that
//! takes [`AdminSession`] cannot run for anyone else, and its tenant comes
//! from the session, never from the form or the path.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::error::ConsoleError;
use super::pages::{Frame, Nav};
use crate::domain::users::{self, Administrator, Role, User};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::{clock, crypto, db};

const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const CSRF_TOKEN: &str = "csrf_token";

/// A session unused for this long is gone (the store's time-to-live,
/// extended on every request).
pub const IDLE_TIMEOUT_SECONDS: i64 = 30 * 60;

/// A session older than this is gone however active it is.
pub const ABSOLUTE_TIMEOUT_SECONDS: i64 = 12 * 60 * 60;

fn session_error(err: impl std::fmt::Display) -> ConsoleError {
    ConsoleError::Session(err.to_string())
}

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> Result<String, ConsoleError> {
    if let Some(token) = session.get::<String>(CSRF_TOKEN).map_err(session_error)? {
        return Ok(token);
    }
    let token = crypto::random_token::<32>();
    session.insert(CSRF_TOKEN, &token).map_err(session_error)?;
    Ok(token)
}

/// True when `submitted` matches the session's CSRF token.
pub fn csrf_matches(session: &Session, submitted: &str) -> bool {
    match session.get::<String>(CSRF_TOKEN) {
        Ok(Some(expected)) => crypto::constant_time_eq(expected.as_bytes(), submitted.as_bytes()),
        _ => false,
    }
}

/// Starts an authenticated session under a new id with a new CSRF token, so
/// that an id or token seen before sign-in is worthless after it.
pub fn start(session: &Session, user: &User) -> Result<(), ConsoleError> {
    session.renew();
    session.clear();
    session.insert(USER_ID, &user.id).map_err(session_error)?;
    session
        .insert(SIGNED_IN_AT, clock::now())
        .map_err(session_error)?;
    session
        .insert(CSRF_TOKEN, crypto::random_token::<32>())
        .map_err(session_error)?;
    Ok(())
}

pub fn source_address(req: &HttpRequest) -> Option<String> {
    // NOTE: behind a reverse proxy this is the proxy's address; reading
    // X-Forwarded-For needs a configured list of trusted proxies first.
    req.peer_addr().map(|addr| addr.ip().to_string())
}

/// A signed-in console user, with what every page of theirs needs.
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub csrf_token: String,
    pub lang: Lang,
    pub path: String,
    pub source_address: Option<String>,
}

impl SignedIn {
    pub fn frame(&self) -> Frame {
        Frame {
            t: self.lang.texts(),
            nav: Some(Nav {
                email: self.user.email.clone(),
                csrf_token: self.csrf_token.clone(),
                is_admin: self.user.role() == Role::Administrator,
            }),
            current_path: self.path.clone(),
        }
    }

    /// Rejects a state-changing request whose CSRF token is missing or wrong.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), ConsoleError> {
        if crypto::constant_time_eq(self.csrf_token.as_bytes(), submitted.as_bytes()) {
            Ok(())
        } else {
            Err(ConsoleError::CsrfRejected(self.lang))
        }
    }
}

impl FromRequest for SignedIn {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let lang = Lang::of_request(req);
        let path = req.path().to_owned();
        let source_address = source_address(req);
        Box::pin(async move {
            let user_id = session
                .get::<String>(USER_ID)
                .map_err(session_error)?
                .ok_or(ConsoleError::SignInRequired)?;
            let signed_in_at = session
                .get::<i64>(SIGNED_IN_AT)
                .map_err(session_error)?
                .unwrap_or(0);
            if clock::now() - signed_in_at > ABSOLUTE_TIMEOUT_SECONDS {
                session.purge();
                return Err(ConsoleError::SessionExpired);
            }
            let state = state.expect("AppState is registered on the App");
            let user = db::run(&state.pool, move |conn| users::find(conn, &user_id))
                .await
                .map_err(ConsoleError::from)?;
            let Some(user) = user else {
                session.purge();
                return Err(ConsoleError::SignInRequired);
            };
            let csrf_token = csrf_token(&session)?;
            Ok(SignedIn {
                user,
                session,
                csrf_token,
                lang,
                path,
                source_address,
            })
        })
    }
}

/// A signed-in administrator: the only way into Settings.
pub struct AdminSession {
    pub admin: Administrator,
    pub signed_in: SignedIn,
}

impl AdminSession {
    pub fn frame(&self) -> Frame {
        self.signed_in.frame()
    }

    pub fn lang(&self) -> Lang {
        self.signed_in.lang
    }

    pub fn tenant_id(&self) -> &str {
        self.admin.tenant_id()
    }
}

impl FromRequest for AdminSession {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            let signed_in = signed_in.await?;
            let admin =
                users::authorize_administrator(&signed_in.user, signed_in.source_address.clone())
                    .ok_or(ConsoleError::Forbidden(signed_in.lang))?;
            Ok(AdminSession { admin, signed_in })
        })
    }
}
