//! The authenticated API caller, extracted from `Authorization: Bearer …`.
//! A handler that takes [`ApiCaller`] cannot run for an unauthenticated
//! request; scope checks go through [`ApiCaller::require`].

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::error::ApiError;
use crate::clock;
use crate::db;
use crate::domain::access_tokens::{self, BearerProblem, Caller};
use crate::domain::audit::{Actor, ActorKind};
use crate::domain::privileges::privilege_granting;
use crate::state::AppState;

pub struct ApiCaller(Caller);

impl ApiCaller {
    pub fn tenant_id(&self) -> &str {
        &self.0.tenant_id
    }

    pub fn application_id(&self) -> &str {
        &self.0.application_id
    }

    /// The application as the actor of audit events, with the request's
    /// source address.
    pub fn actor(&self, req: &HttpRequest) -> Actor {
        Actor {
            kind: ActorKind::Application,
            id: self.0.application_id.clone(),
            tenant_id: self.0.tenant_id.clone(),
            source_address: req.peer_addr().map(|addr| addr.ip().to_string()),
        }
    }

    /// Passes when the caller has any of `scopes` (the public documentation
    /// names two scopes for some endpoints, and either is accepted).
    pub fn require(&self, scopes: &[&str]) -> Result<(), ApiError> {
        if scopes.iter().any(|scope| self.0.scopes.contains(scope)) {
            return Ok(());
        }
        let scope = scopes.first().copied().unwrap_or_default();
        let privilege = privilege_granting(scope)
            .map(|p| {
                format!(
                    ", granted by the {} {} privilege of the application",
                    p.resource.english_name(),
                    p.level.english_name()
                )
            })
            .unwrap_or_default();
        Err(ApiError::Forbidden(format!(
            "Forbidden: this request needs the scope '{scope}'{privilege}"
        )))
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

impl FromRequest for ApiCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let address = req
            .peer_addr()
            .map(|addr| addr.ip().to_string())
            .unwrap_or_default();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token.ok_or_else(|| {
                ApiError::unauthorized("send the access token in an 'Authorization: Bearer' header")
            })?;
            let state = state.expect("AppState is registered on the App");
            state
                .rate_limiter
                .resource_request(&crate::crypto::sha256_hex(token.as_bytes()))?;
            let now = clock::now();
            let found = db::run(&state.pool, move |conn| {
                access_tokens::authenticate(conn, &token, now).map_err(ApiError::from)
            })
            .await?;
            if found.is_err() {
                state.rate_limiter.bad_token(&address)?;
            }
            match found {
                Ok(caller) => Ok(ApiCaller(caller)),
                Err(BearerProblem::Expired) => Err(ApiError::unauthorized(
                    "the access token has expired; request a new one",
                )),
                Err(BearerProblem::Unknown) => Err(ApiError::unauthorized(
                    "the access token is invalid or was revoked",
                )),
            }
        })
    }
}
