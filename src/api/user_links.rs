//! `POST /users/v2/{email}/invite` and `POST /users/v2/{email}/resetpassword`.
//! No mail is sent: each creates a one-time link that the tenant's
//! administrators see in the console and pass on. The response never
//! carries the link, since an application is not the user it is meant for.

use actix_web::{HttpRequest, HttpResponse, web};

use super::body;
use super::caller::ApiCaller;
use super::error::ApiError;
use crate::domain::invitations::{self, LinkKind};
use crate::state::AppState;
use crate::{clock, db};

/// Creates a link of `kind` for the user named in the path (e-mail address
/// or id) and returns 200 with an empty body.
async fn request_link(
    req: HttpRequest,
    user_key: String,
    caller: ApiCaller,
    state: &AppState,
    kind: LinkKind,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor(&req);
    let kek = state.kek.clone();
    let user = db::run(&state.pool, move |conn| {
        invitations::request(conn, &kek, &actor, &user_key, kind, clock::now())
            .map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %caller.tenant_id(),
        application_id = %caller.application_id(),
        user_id = %user.id,
        kind = ?kind,
        "user link created through the API"
    );
    Ok(body::empty_ok())
}

pub async fn invite(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // The public documentation names user:read; applications allowed to
    // create users may invite them too.
    caller.require(&["user:read", "user:create"])?;
    request_link(req, path.into_inner(), caller, &state, LinkKind::Invitation).await
}

pub async fn reset_password(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["user:update", "user:read"])?;
    request_link(
        req,
        path.into_inner(),
        caller,
        &state,
        LinkKind::PasswordReset,
    )
    .await
}
