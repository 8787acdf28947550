//! `/users/v2`: the tenant's console users.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::caller::ApiCaller;
use super::error::ApiError;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::api_timestamp;
use crate::db;
use crate::domain::users::{self, User};
use crate::state::AppState;

const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

/// Zone role "None": users get zone roles only through zone assignments.
const ZONE_ROLE_NONE: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Debug, Serialize)]
pub struct UserJson {
    date_created: String,
    date_email_confirmed: Option<String>,
    date_last_login: Option<String>,
    date_modified: String,
    default_zone_role_name: &'static str,
    default_zone_role_type: &'static str,
    email: String,
    first_name: String,
    has_logged_in: bool,
    id: String,
    last_name: String,
    role_name: &'static str,
    role_type: &'static str,
    tenant_id: String,
    zones: Vec<serde_json::Value>,
}

impl From<User> for UserJson {
    fn from(user: User) -> Self {
        let role = user.role();
        UserJson {
            date_created: api_timestamp(user.created_at),
            date_email_confirmed: user.email_confirmed_at.map(api_timestamp),
            date_last_login: user.last_login_at.map(api_timestamp),
            date_modified: api_timestamp(user.modified_at),
            default_zone_role_name: "None",
            default_zone_role_type: ZONE_ROLE_NONE,
            has_logged_in: user.last_login_at.is_some(),
            role_name: role.api_role_name(),
            role_type: role.api_role_type(),
            email: user.email,
            first_name: user.first_name,
            last_name: user.last_name,
            id: user.id,
            tenant_id: user.tenant_id,
            zones: Vec::new(),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["user:list"])?;
    let page = PageRequest::from_request(&req, LIMITS)?;
    let tenant_id = caller.tenant_id().to_owned();
    let (items, total) = db::run(&state.pool, move |conn| {
        users::list_page(conn, &tenant_id, page.offset(), page.size).map_err(ApiError::from)
    })
    .await?;
    let items = items.into_iter().map(UserJson::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(page, total, items)))
}

pub async fn get(
    path: web::Path<String>,
    caller: ApiCaller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&["user:read"])?;
    let tenant_id = caller.tenant_id().to_owned();
    let key = path.into_inner();
    let user = db::run(&state.pool, move |conn| {
        users::find_in_tenant(conn, &tenant_id, &key).map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::NotFound("User not found".into()))?;
    Ok(HttpResponse::Ok().json(UserJson::from(user)))
}
