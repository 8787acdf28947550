//! `GET /users/v2` and `GET /users/v2/{id or email}`: the tenant's console
//! users, and the user object that the write endpoints return too.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::caller::ApiCaller;
use super::error::ApiError;
use super::paging::{Page, PageLimits, PageRequest};
use crate::clock::api_timestamp;
use crate::db;
use crate::domain::user_zones::{self, ZONE_ROLE_NONE, ZoneAssignment};
use crate::domain::users::{self, User};
use crate::state::AppState;

const LIMITS: PageLimits = PageLimits {
    default_size: 10,
    max_size: 200,
};

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
    zones: Vec<ZoneJson>,
}

/// One zone of a user and the user's role in it.
#[derive(Debug, Serialize)]
pub struct ZoneJson {
    id: String,
    role_name: &'static str,
    role_type: &'static str,
}

impl UserJson {
    /// The user object; users get zone roles only through their zones, so
    /// the default zone role is always None.
    pub fn new(user: User, zones: Vec<ZoneAssignment>) -> Self {
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
            zones: zones
                .into_iter()
                .map(|zone| ZoneJson {
                    id: zone.zone_id,
                    role_name: zone.role.api_role_name(),
                    role_type: zone.role.api_role_type(),
                })
                .collect(),
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
        let (users, total) = users::list_page(conn, &tenant_id, page.offset(), page.size)?;
        let ids: Vec<String> = users.iter().map(|user| user.id.clone()).collect();
        let mut zones = user_zones::of_users(conn, &ids)?;
        let items: Vec<UserJson> = users
            .into_iter()
            .map(|user| {
                let user_zones = zones.remove(&user.id).unwrap_or_default();
                UserJson::new(user, user_zones)
            })
            .collect();
        Ok::<_, ApiError>((items, total))
    })
    .await?;
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
        let Some(user) = users::find_in_tenant(conn, &tenant_id, &key)? else {
            return Ok::<_, ApiError>(None);
        };
        let zones = user_zones::of_user(conn, &user.id)?;
        Ok(Some(UserJson::new(user, zones)))
    })
    .await?
    .ok_or_else(|| ApiError::NotFound("User not found".into()))?;
    Ok(HttpResponse::Ok().json(user))
}
