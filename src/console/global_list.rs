//! Global List: the files quarantined or trusted on every device of the
//! tenant, one tab per list, most recently added first. Every signed-in
//! user may read them.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::display;
use super::error::ConsoleError;
use super::pages::{self, Nav};
use super::paging::{self, PageNumber, Pager};
use super::session::SignedIn;
use crate::clock::console_timestamp;
use crate::db::{self, DbConnection, StorageError};
use crate::domain::global_list::{self, Entry, ListType};
use crate::domain::{applications, users};
use crate::i18n::Texts;
use crate::state::AppState;

/// One entry as a row of a Global List tab.
pub struct EntryRow {
    pub sha256: String,
    pub name: String,
    pub reason: String,
    pub category: Option<String>,
    pub added: String,
    /// The e-mail address of the user or the name of the application that
    /// added the entry, else its stored id.
    pub added_by: String,
}

#[derive(Template)]
#[template(path = "global_list.html")]
pub struct GlobalListPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub safe_tab: bool,
    pub rows: Vec<EntryRow>,
    pub pager: Pager,
}

/// Reads the tab from `list` in the query string: `safe` selects the safe
/// list, anything else the quarantine list.
fn requested_list(query: &str) -> ListType {
    let query = query.replace('?', "&");
    let safe = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == "list")
        .last()
        .is_some_and(|(_, value)| value.trim().eq_ignore_ascii_case("safe"));
    if safe {
        ListType::GlobalSafe
    } else {
        ListType::GlobalQuarantine
    }
}

/// Maps the stored adder ids of `entries`, each a user's or an
/// application's, to an e-mail address or an application name. An id the
/// tenant no longer has is left out, so the page shows it as stored.
fn adders(
    conn: &mut DbConnection,
    tenant_id: &str,
    entries: &[Entry],
) -> Result<HashMap<String, String>, StorageError> {
    let ids: Vec<&str> = entries
        .iter()
        .map(|entry| entry.added_by.as_str())
        .collect();
    let mut names = users::emails_by_id(conn, tenant_id, &ids)?;
    for application in applications::list(conn, tenant_id)? {
        names.entry(application.id).or_insert(application.name);
    }
    Ok(names)
}

fn entry_row(t: &Texts, entry: Entry, adders: &HashMap<String, String>) -> EntryRow {
    EntryRow {
        sha256: entry.sha256.to_ascii_uppercase(),
        category: display::safe_category(t, &entry.category),
        added: console_timestamp(entry.added_at),
        added_by: adders
            .get(&entry.added_by)
            .cloned()
            .unwrap_or(entry.added_by),
        name: entry.name,
        reason: entry.reason,
    }
}

pub async fn list(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let requested = PageNumber::from_query(req.query_string());
    let list_type = requested_list(req.query_string());
    let tenant_id = signed_in.user.tenant_id.clone();
    let t = signed_in.lang.texts();
    let (rows, total, page) = db::run(&state.pool, move |conn| {
        let loaded = paging::load(requested, |offset, limit| {
            global_list::list_page(conn, &tenant_id, list_type, offset, limit)
        })?;
        let adders = adders(conn, &tenant_id, &loaded.rows)?;
        let rows: Vec<EntryRow> = loaded
            .rows
            .into_iter()
            .map(|entry| entry_row(t, entry, &adders))
            .collect();
        Ok::<_, ConsoleError>((rows, loaded.total, loaded.page))
    })
    .await?;
    let safe_tab = list_type == ListType::GlobalSafe;
    let href_prefix = if safe_tab {
        "/global-list?list=safe&page="
    } else {
        "/global-list?list=quarantine&page="
    };
    let frame = signed_in.frame();
    pages::ok(&GlobalListPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        safe_tab,
        rows,
        pager: Pager::new(t, page, total, t.count_entries, href_prefix),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_defaults_to_quarantine() {
        assert_eq!(requested_list(""), ListType::GlobalQuarantine);
        assert_eq!(requested_list("list=junk"), ListType::GlobalQuarantine);
        assert_eq!(
            requested_list("list=quarantine"),
            ListType::GlobalQuarantine
        );
        assert_eq!(requested_list("list=safe&page=2"), ListType::GlobalSafe);
        assert_eq!(requested_list("page=2?list=Safe"), ListType::GlobalSafe);
    }
}
