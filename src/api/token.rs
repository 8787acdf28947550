//! `POST /auth/v2/token`: trades a client-signed auth token for an access token.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::body;
use super::error::ApiError;
use crate::domain::access_tokens::{self, LIFETIME_SECONDS};
use crate::domain::auth_token;
use crate::state::AppState;
use crate::{clock, db};

pub async fn exchange(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = body::read_limited(payload).await?;
    let source_address = req
        .peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_default();
    let limiter = &state.rate_limiter;
    let jwt = auth_token_of(&body);
    // The unverified `sub` only keys the limits: an attacker who forges it
    // can exhaust nothing but its own failure budget from its own address.
    let application = jwt
        .as_deref()
        .ok()
        .and_then(auth_token::unverified_subject)
        .unwrap_or_default();
    limiter.before_exchange(&source_address, &application)?;
    let jwt = jwt.inspect_err(|_| limiter.exchange_failed(&source_address, &application))?;
    let now = clock::now();
    let kek = state.kek.clone();
    let address = source_address.clone();
    let issued = db::run(&state.pool, move |conn| {
        access_tokens::exchange(conn, &kek, &jwt, Some(&address), now)
    })
    .await
    .inspect_err(|err| {
        if let access_tokens::ExchangeError::Rejected(problem) = err {
            limiter.exchange_failed(&source_address, &application);
            tracing::info!(problem = %problem.log_label(), "auth token rejected");
        }
    })?;
    limiter.exchange_succeeded(&issued.application_id);
    tracing::info!(
        application_id = %issued.application_id,
        tenant_id = %issued.tenant_id,
        "access token issued"
    );
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({
            "access_token": issued.token.expose(),
            "token_type": "Bearer",
            "expires_in": LIFETIME_SECONDS,
        })))
}

fn auth_token_of(body: &[u8]) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::BadRequest(
            "The request body must be a JSON object with an 'auth_token' string".into(),
        )
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| invalid())?;
    match value.get("auth_token") {
        Some(Value::String(jwt)) if !jwt.trim().is_empty() => Ok(jwt.clone()),
        _ => Err(invalid()),
    }
}
