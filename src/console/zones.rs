//! Zones: the tenant's groups of devices, most recently created first, with
//! their criticality, policy and size. Every signed-in user may read them.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::devices::PolicyRef;
use super::display;
use super::error::ConsoleError;
use super::pages::{self, Nav};
use super::paging::{self, PageNumber, Pager};
use super::session::SignedIn;
use crate::clock::console_timestamp;
use crate::db::{self, DbConnection, StorageError};
use crate::domain::policies;
use crate::domain::zones::{self, Zone};
use crate::i18n::Texts;
use crate::state::AppState;

/// One zone as a row of a zones table.
pub struct ZoneRow {
    pub id: String,
    pub name: String,
    pub criticality: &'static str,
    pub policy: PolicyRef,
    pub device_count: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "zones.html")]
pub struct ZonesPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub rows: Vec<ZoneRow>,
    pub pager: Pager,
}

/// Builds the rows of `zones` with their policy names and device counts,
/// in two queries whatever the number of zones.
pub fn zone_rows(
    conn: &mut DbConnection,
    t: &'static Texts,
    tenant_id: &str,
    zones: Vec<Zone>,
) -> Result<Vec<ZoneRow>, StorageError> {
    let policy_ids: Vec<&str> = zones
        .iter()
        .filter_map(|zone| zone.policy_id.as_deref())
        .collect();
    let policy_names = policies::names(conn, tenant_id, &policy_ids)?;
    let zone_ids: Vec<&str> = zones.iter().map(|zone| zone.id.as_str()).collect();
    let device_counts = zones::device_counts(conn, tenant_id, &zone_ids)?;
    Ok(zones
        .into_iter()
        .map(|zone| ZoneRow {
            criticality: display::criticality(t, zone.criticality()),
            policy: PolicyRef::new(t, zone.policy_id.as_deref(), &policy_names),
            device_count: display::number(t, device_counts.get(&zone.id).copied().unwrap_or(0)),
            created: console_timestamp(zone.created_at),
            id: zone.id,
            name: zone.name,
        })
        .collect())
}

pub async fn list(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let requested = PageNumber::from_query(req.query_string());
    let tenant_id = signed_in.user.tenant_id.clone();
    let t = signed_in.lang.texts();
    let (rows, total, page) = db::run(&state.pool, move |conn| {
        let loaded = paging::load(requested, |offset, limit| {
            zones::list_page(conn, &tenant_id, offset, limit)
        })?;
        let rows = zone_rows(conn, t, &tenant_id, loaded.rows)?;
        Ok::<_, ConsoleError>((rows, loaded.total, loaded.page))
    })
    .await?;
    let frame = signed_in.frame();
    pages::ok(&ZonesPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        rows,
        pager: Pager::new(t, page, total, t.count_zones, "/zones?page="),
    })
}
