//! Policies: the tenant's protection settings, most recently modified first,
//! and one policy with its main settings in words and its full document.
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
use crate::domain::policies;
use crate::domain::policy_settings::{BackgroundDetection, FileAction, PolicySettings};
use crate::i18n::Texts;
use crate::state::AppState;

/// One policy as a row of the Policies table.
pub struct PolicyRow {
    pub id: String,
    pub name: String,
    pub device_count: String,
    pub zone_count: String,
    pub added: String,
    pub modified: String,
}

/// A titled group of settings, each a label and its value in words.
pub struct SettingsSection {
    pub title: &'static str,
    pub settings: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "policies.html")]
pub struct PoliciesPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub rows: Vec<PolicyRow>,
    pub pager: Pager,
}

#[derive(Template)]
#[template(path = "policy.html")]
pub struct PolicyPage {
    pub t: &'static Texts,
    pub nav: Option<Nav>,
    pub current_path: String,
    pub policy: PolicyRow,
    pub sections: Vec<SettingsSection>,
    /// The stored document, indented.
    pub document: String,
}

pub async fn list(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let requested = PageNumber::from_query(req.query_string());
    let tenant_id = signed_in.user.tenant_id.clone();
    let t = signed_in.lang.texts();
    let loaded = db::run(&state.pool, move |conn| {
        paging::load(requested, |offset, limit| {
            policies::list_page(conn, &tenant_id, offset, limit)
        })
    })
    .await?;
    let rows = loaded
        .rows
        .into_iter()
        .map(|policy| PolicyRow {
            device_count: display::number(t, policy.device_count),
            zone_count: display::number(t, policy.zone_count),
            added: console_timestamp(policy.created_at),
            modified: console_timestamp(policy.modified_at),
            id: policy.id,
            name: policy.name,
        })
        .collect();
    let frame = signed_in.frame();
    pages::ok(&PoliciesPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        rows,
        pager: Pager::new(
            t,
            loaded.page,
            loaded.total,
            t.count_policies,
            "/policies?page=",
        ),
    })
}

pub async fn detail(
    signed_in: SignedIn,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    let tenant_id = signed_in.user.tenant_id.clone();
    let lang = signed_in.lang;
    let t = lang.texts();
    let policy_id = path.into_inner();
    let found = db::run(&state.pool, move |conn| {
        let Some(policy) = policies::find(conn, &tenant_id, &policy_id)? else {
            return Ok::<_, ConsoleError>(None);
        };
        let usage = policies::usage_counts(conn, &tenant_id, &policy.id)?;
        Ok(Some((policy, usage)))
    })
    .await?;
    let (policy, (device_count, zone_count)) = found.ok_or(ConsoleError::NotFound(lang))?;
    let document = policy.document_json();
    let settings = PolicySettings::read(&document);
    let frame = signed_in.frame();
    pages::ok(&PolicyPage {
        t,
        nav: frame.nav,
        current_path: frame.current_path,
        sections: settings_sections(t, &settings),
        document: serde_json::to_string_pretty(&document).unwrap_or_default(),
        policy: PolicyRow {
            device_count: display::number(t, device_count),
            zone_count: display::number(t, zone_count),
            added: console_timestamp(policy.created_at),
            modified: console_timestamp(policy.modified_at),
            id: policy.id,
            name: policy.name,
        },
    })
}

fn on_off(t: &Texts, value: Option<bool>) -> String {
    match value {
        Some(true) => t.setting_on,
        Some(false) => t.setting_off,
        None => t.setting_not_set,
    }
    .to_owned()
}

fn file_action(t: &Texts, action: &Option<FileAction>) -> String {
    match action {
        Some(FileAction::AutoQuarantine) => t.action_auto_quarantine.to_owned(),
        Some(FileAction::NoAction) => t.action_none.to_owned(),
        Some(FileAction::Other(code)) => t.unknown_value.replace("{value}", code),
        None => t.setting_not_set.to_owned(),
    }
}

/// Labels a stored Alert, Block, Terminate, Ignore or Allow mode. Any other
/// value is shown as stored.
fn mode(t: &Texts, stored: &str) -> String {
    match stored.to_ascii_lowercase().as_str() {
        "alert" => t.mode_alert,
        "block" => t.mode_block,
        "terminate" => t.mode_terminate,
        "ignore" => t.mode_ignore,
        "allow" => t.mode_allow,
        _ => return stored.to_owned(),
    }
    .to_owned()
}

fn optional_mode(t: &Texts, stored: &Option<String>) -> String {
    match stored {
        Some(stored) => mode(t, stored),
        None => t.setting_not_set.to_owned(),
    }
}

fn settings_sections(t: &Texts, settings: &PolicySettings) -> Vec<SettingsSection> {
    let count = |forms, n: usize| display::count(t, forms, n as i64);
    let auto_delete = match (settings.auto_delete, settings.days_until_deleted) {
        (Some(true), Some(days)) => format!(
            "{}, {}",
            t.setting_on,
            display::count(t, t.count_days, days)
        ),
        (other, _) => on_off(t, other),
    };
    let background_detection = match &settings.background_detection {
        Some(BackgroundDetection::Off) => t.background_off.to_owned(),
        Some(BackgroundDetection::Recurring) => t.background_recurring.to_owned(),
        Some(BackgroundDetection::Once) => t.background_once.to_owned(),
        Some(BackgroundDetection::Other(code)) => t.unknown_value.replace("{value}", code),
        None => t.setting_not_set.to_owned(),
    };
    let memory_actions = if settings.memory_actions.is_empty() {
        t.setting_not_set.to_owned()
    } else {
        settings
            .memory_actions
            .iter()
            .map(|(action, types)| {
                t.label_value
                    .replace("{label}", &mode(t, action))
                    .replace("{value}", &count(t.count_violation_types, *types))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let max_archive_size = match settings.max_archive_size {
        Some(megabytes) => t.megabytes.replace("{n}", &display::number(t, megabytes)),
        None => t.setting_not_set.to_owned(),
    };
    let modes = &settings.script_modes;
    vec![
        SettingsSection {
            title: t.section_file_actions,
            settings: vec![
                (t.unsafe_files, file_action(t, &settings.unsafe_files)),
                (t.abnormal_files, file_action(t, &settings.abnormal_files)),
                (t.auto_delete, auto_delete),
                (t.auto_upload, on_off(t, settings.auto_upload)),
                (
                    t.policy_safe_list,
                    count(t.count_files, settings.safe_files),
                ),
            ],
        },
        SettingsSection {
            title: t.section_memory,
            settings: vec![
                (t.section_memory, on_off(t, settings.memory_protection)),
                (t.memory_violation_actions, memory_actions),
                (
                    t.memory_exclusions,
                    count(t.count_files, settings.memory_exclusions),
                ),
            ],
        },
        SettingsSection {
            title: t.section_protection,
            settings: vec![
                (
                    t.prevent_service_shutdown,
                    on_off(t, settings.prevent_service_shutdown),
                ),
                (
                    t.kill_running_threats,
                    on_off(t, settings.kill_running_threats),
                ),
                (t.background_detection, background_detection),
                (t.watch_new_files, on_off(t, settings.watch_for_new_files)),
                (t.max_archive_size, max_archive_size),
                (
                    t.scan_exclusions,
                    count(t.count_folders, settings.scan_exclusions),
                ),
            ],
        },
        SettingsSection {
            title: t.section_script_control,
            settings: vec![
                (t.section_script_control, on_off(t, settings.script_control)),
                (
                    t.script_active_script,
                    optional_mode(t, &modes.active_script),
                ),
                (t.script_macros, optional_mode(t, &modes.macros)),
                (t.script_powershell, optional_mode(t, &modes.powershell)),
                (
                    t.script_powershell_console,
                    optional_mode(t, &modes.powershell_console),
                ),
            ],
        },
        SettingsSection {
            title: t.section_other_features,
            settings: vec![
                (t.device_control, on_off(t, settings.device_control)),
                (
                    t.application_control,
                    on_off(t, settings.application_control),
                ),
                (
                    t.desktop_notifications,
                    on_off(t, settings.show_notifications),
                ),
                (t.agent_log_upload, on_off(t, settings.log_upload)),
                (t.optics, on_off(t, settings.optics)),
            ],
        },
    ]
}
