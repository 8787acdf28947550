//! `POST /users/v2`, `PUT /users/v2/{user_id}` and `DELETE /users/v2/{user_id}`.
//! Every JSON field is checked here for its type; the rules on values live
//! in the domain, and both kinds of error name the field.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value};

use super::body;
use super::caller::ApiCaller;
use super::error::ApiError;
use super::users::UserJson;
use crate::domain::ids;
use crate::domain::user_changes::{self, Purpose, UserDraft, UserInput, ZoneInput};
use crate::state::AppState;
use crate::{clock, db};

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

/// Returns the string value of `name`, reading absent and null as `None`.
fn string_field(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(bad_request(format!("{name} must be a string"))),
    }
}

fn zones_field(fields: &Map<String, Value>) -> Result<Option<Vec<ZoneInput>>, ApiError> {
    let entries = match fields.get("zones") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(bad_request("zones must be an array")),
    };
    let mut zones = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let Value::Object(zone) = entry else {
            return Err(bad_request(format!(
                "zones[{index}] must be an object with id and role_type"
            )));
        };
        zones.push(ZoneInput {
            id: string_field(zone, "id")
                .map_err(|_| bad_request(format!("zones[{index}].id must be a string")))?,
            role_type: string_field(zone, "role_type")
                .map_err(|_| bad_request(format!("zones[{index}].role_type must be a string")))?,
        });
    }
    Ok(Some(zones))
}

/// Reads a create or update body. Fields other than those of [`UserInput`]
/// are ignored, because clients send back whole user objects.
async fn user_input(payload: web::Payload) -> Result<UserInput, ApiError> {
    let body = body::read_limited(payload).await?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| bad_request("The request body must be a JSON object"))?;
    let Value::Object(fields) = value else {
        return Err(bad_request("The request body must be a JSON object"));
    };
    Ok(UserInput {
        email: string_field(&fields, "email")?,
        user_role: string_field(&fields, "user_role")?,
        first_name: string_field(&fields, "first_name")?,
        last_name: string_field(&fields, "last_name")?,
        zones: zones_field(&fields)?,
    })
}

/// The user id of the path, which must be a GUID: these endpoints do not
/// take e-mail addresses.
fn user_id_of(path: &str) -> Result<String, ApiError> {
    ids::parse_guid(path).ok_or_else(|| {
        bad_request("user_id must be a user GUID; find it with GET /users/v2/{email}")
    })
}

pub async fn create(
    req: HttpRequest,
    caller: ApiCaller,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["user:create"])?;
    let draft = UserDraft::parse(user_input(payload).await?, Purpose::Create)?;
    let actor = caller.actor(&req);
    let kek = state.kek.clone();
    let saved = db::run(&state.pool, move |conn| {
        user_changes::create(conn, &kek, &actor, draft, clock::now()).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %caller.tenant_id(),
        application_id = %caller.application_id(),
        user_id = %saved.user.id,
        "user created through the API"
    );
    Ok(HttpResponse::Ok().json(UserJson::new(saved.user, saved.zones)))
}

pub async fn update(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["user:update"])?;
    let user_id = user_id_of(&path)?;
    let draft = UserDraft::parse(user_input(payload).await?, Purpose::Update)?;
    let actor = caller.actor(&req);
    let id = user_id.clone();
    db::run(&state.pool, move |conn| {
        user_changes::update(conn, &actor, &id, draft, clock::now()).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %caller.tenant_id(),
        application_id = %caller.application_id(),
        %user_id,
        "user updated through the API"
    );
    Ok(body::empty_ok())
}

pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["user:delete"])?;
    let user_id = user_id_of(&path)?;
    let actor = caller.actor(&req);
    let id = user_id.clone();
    db::run(&state.pool, move |conn| {
        user_changes::delete(conn, &actor, &id).map_err(ApiError::from)
    })
    .await?;
    tracing::info!(
        tenant_id = %caller.tenant_id(),
        application_id = %caller.application_id(),
        %user_id,
        "user deleted through the API"
    );
    Ok(body::empty_ok())
}
