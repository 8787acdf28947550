//! Threats: the files the agents found on the tenant's devices, most
//! recently found first, and one threat with the devices it was found on.
//! Every signed-in user may read them.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::display;
use super::error::ConsoleError;
use super::pages::{self, Nav};
use super::paging::{self, PageNumber, Pager};
use super::session::SignedIn;
use crate::clock::console_timestamp;
use crate::db;
use crate::domain::threats::{self, ListedThreat, ThreatOnDevice};
use crate::i18n::Texts;
use crate::state::AppState;

/// One threat as a row of the Threats table and as the facts of its page.
pub struct ThreatRow {
    pub sha256: String,
    pub md5: String,
    pub name: String,
    pub classification: String,
    pub sub_classification: String,
    pub score: i64,
    pub file_size: String,
    /// The size in bytes, for a tooltip.
    pub exact_size: String,
    pub devices_affected: String,
    pub first_found: String,
    pub last_found: String,
    pub signed: &'static str,
    pub cert_publisher: String,
    pub detected_by: String,
    pub running: &'static str,
    pub auto_run: &'static str,
    /// The global lists the file is on, by their tab names.
    pub global_lists: Vec<&'static str>,
}

/// One place the threat was found.
pub struct PlaceRow {
    pub device_id: String,
    pub device_name: String,
    pub file_path: String,
    pub status: String,
    pub found: String,
}

#[derive(Template)]
#[template(path = "threats.html")]
pub struct ThreatsPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub rows: Vec<ThreatRow>,
    pub pager: Pager,
}

#[derive(Template)]
#[template(path = "threat.html")]
pub struct ThreatPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub threat: ThreatRow,
    pub places: Vec<PlaceRow>,
    pub pager: Pager,
}

fn threat_row(t: &Texts, listed: ListedThreat, devices_affected: i64) -> ThreatRow {
    let threat = listed.threat;
    let mut global_lists = Vec::new();
    if listed.global_quarantined {
        global_lists.push(t.tab_quarantine);
    }
    if listed.safelisted {
        global_lists.push(t.tab_safe);
    }
    ThreatRow {
        classification: display::classification(t, &threat.classification),
        score: display::console_score(threat.cylance_score),
        file_size: display::file_size(t, threat.file_size),
        exact_size: display::exact_size(t, threat.file_size),
        devices_affected: display::number(t, devices_affected),
        first_found: console_timestamp(threat.first_found_at),
        last_found: console_timestamp(threat.last_found_at),
        signed: display::yes_no(t, threat.signed),
        running: display::yes_no(t, threat.running),
        auto_run: display::yes_no(t, threat.auto_run),
        global_lists,
        sha256: threat.sha256,
        md5: threat.md5,
        name: threat.name,
        sub_classification: threat.sub_classification,
        cert_publisher: threat.cert_publisher,
        detected_by: threat.detected_by,
    }
}

fn place_row(t: &Texts, place: ThreatOnDevice) -> PlaceRow {
    PlaceRow {
        status: display::file_status(t, &place.file_status),
        found: console_timestamp(place.found_at),
        device_id: place.device_id,
        device_name: place.device_name,
        file_path: place.file_path,
    }
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
            threats::list_page(conn, &tenant_id, None, offset, limit)
        })?;
        let hashes: Vec<&str> = loaded
            .rows
            .iter()
            .map(|listed| listed.threat.sha256.as_str())
            .collect();
        let counts = threats::device_counts(conn, &tenant_id, &hashes)?;
        let rows: Vec<ThreatRow> = loaded
            .rows
            .into_iter()
            .map(|listed| {
                let devices = counts.get(&listed.threat.sha256).copied().unwrap_or(0);
                threat_row(t, listed, devices)
            })
            .collect();
        Ok::<_, ConsoleError>((rows, loaded.total, loaded.page))
    })
    .await?;
    let frame = signed_in.frame();
    pages::ok(&ThreatsPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        rows,
        pager: Pager::new(t, page, total, t.count_threats, "/threats?page="),
    })
}

pub async fn detail(
    req: HttpRequest,
    signed_in: SignedIn,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let requested = PageNumber::from_query(req.query_string());
    let tenant_id = signed_in.user.tenant_id.clone();
    let lang = signed_in.lang;
    let t = lang.texts();
    let sha256 = path.into_inner();
    let found = db::run(&state.pool, move |conn| {
        let Some(listed) = threats::find(conn, &tenant_id, &sha256)? else {
            return Ok::<_, ConsoleError>(None);
        };
        let sha256 = listed.threat.sha256.clone();
        let loaded = paging::load(requested, |offset, limit| {
            threats::devices_page(conn, &tenant_id, &sha256, offset, limit)
                .map(Option::unwrap_or_default)
        })?;
        let counts = threats::device_counts(conn, &tenant_id, &[sha256.as_str()])?;
        let threat = threat_row(t, listed, counts.get(&sha256).copied().unwrap_or(0));
        let places = loaded
            .rows
            .into_iter()
            .map(|place| place_row(t, place))
            .collect();
        Ok(Some((threat, places, loaded.total, loaded.page)))
    })
    .await?;
    let (threat, places, total, page) = found.ok_or(ConsoleError::NotFound(lang))?;
    let frame = signed_in.frame();
    let href_prefix = format!("/threats/{}?page=", threat.sha256);
    pages::ok(&ThreatPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        pager: Pager::new(t, page, total, t.count_files, &href_prefix),
        threat,
        places,
    })
}
