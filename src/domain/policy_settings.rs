//! The main settings of a policy document in typed form, for the console to
//! show. A setting the document leaves out, or stores in a form this reader
//! does not recognise, reads as `None` ("not set") instead of a guess.

use serde_json::Value;

use super::policy_document::MEMORY_ACTIONS;

/// The agent's automatic action on a file of one verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAction {
    /// `actions` "0": the file is reported and left in place.
    NoAction,
    /// `actions` "3": the file is quarantined as soon as it is found.
    AutoQuarantine,
    // NOTE: public client code and samples use only "0" and "3". The codes
    // "1" and "2" are accepted too, but their meaning is not documented, so
    // they are kept as stored.
    Other(String),
}

/// When the agent scans the files already on the disk (`full_disc_scan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackgroundDetection {
    Off,
    Recurring,
    Once,
    Other(String),
}

/// The script-control modes of one policy: "Alert" or "Block", and for the
/// PowerShell console "Allow" or "Block", as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptModes {
    pub active_script: Option<String>,
    pub macros: Option<String>,
    pub powershell: Option<String>,
    pub powershell_console: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySettings {
    pub unsafe_files: Option<FileAction>,
    pub abnormal_files: Option<FileAction>,
    pub auto_delete: Option<bool>,
    pub days_until_deleted: Option<i64>,
    pub auto_upload: Option<bool>,
    /// Files of the policy's own safe list (`file_exclusions`).
    pub safe_files: usize,
    pub memory_protection: Option<bool>,
    /// How many violation types get each action, in the order Alert, Block,
    /// Terminate, Ignore, then any other action found. Types absent from
    /// the document are not counted.
    pub memory_actions: Vec<(String, usize)>,
    pub memory_exclusions: usize,
    pub prevent_service_shutdown: Option<bool>,
    pub kill_running_threats: Option<bool>,
    pub background_detection: Option<BackgroundDetection>,
    pub watch_for_new_files: Option<bool>,
    /// In megabytes.
    pub max_archive_size: Option<i64>,
    pub scan_exclusions: usize,
    pub script_control: Option<bool>,
    pub script_modes: ScriptModes,
    pub device_control: Option<bool>,
    pub application_control: Option<bool>,
    pub show_notifications: Option<bool>,
    pub log_upload: Option<bool>,
    pub optics: Option<bool>,
}

impl PolicySettings {
    /// Reads the settings of a stored policy document.
    pub fn read(document: &Value) -> PolicySettings {
        let script = &document["script_control"];
        PolicySettings {
            unsafe_files: file_action(&document["filetype_actions"]["threat_files"]),
            abnormal_files: file_action(&document["filetype_actions"]["suspicious_files"]),
            auto_delete: flag(setting(document, "auto_delete")),
            days_until_deleted: integer(setting(document, "days_until_deleted")),
            auto_upload: flag(setting(document, "auto_uploading")),
            safe_files: array_len(&document["file_exclusions"]),
            memory_protection: flag(setting(document, "memory_exploit_detection")),
            memory_actions: memory_actions(&document["memoryviolation_actions"]),
            memory_exclusions: array_len(
                &document["memoryviolation_actions"]["memory_exclusion_list"],
            ) + array_len(
                &document["memoryviolation_actions"]["memory_exclusion_list_v2"],
            ),
            prevent_service_shutdown: flag(setting(document, "prevent_service_shutdown")),
            kill_running_threats: flag(setting(document, "kill_running_threats")),
            background_detection: background_detection(setting(document, "full_disc_scan")),
            watch_for_new_files: flag(setting(document, "watch_for_new_files")),
            max_archive_size: integer(setting(document, "scan_max_archive_size")),
            scan_exclusions: setting(document, "scan_exception_list").map_or(0, array_len),
            script_control: flag(setting(document, "script_control")),
            script_modes: ScriptModes {
                active_script: text(&script["activescript_settings"]["control_mode"]),
                macros: text(&script["macro_settings"]["control_mode"]),
                powershell: text(&script["powershell_settings"]["control_mode"]),
                powershell_console: text(&script["powershell_settings"]["console_mode"]),
            },
            device_control: flag(setting(document, "device_control")),
            application_control: flag(Some(&document["appcontrol"]["enabled"])),
            show_notifications: flag(setting(document, "show_notifications")),
            log_upload: flag(Some(&document["logpolicy"]["log_upload"])),
            optics: flag(setting(document, "optics")),
        }
    }
}

/// Finds the value of the `{name, value}` entry `name` of the `policy` array.
fn setting<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    document["policy"]
        .as_array()?
        .iter()
        .find(|entry| entry["name"] == name)
        .map(|entry| &entry["value"])
}

/// Reads "1" or "0", and the numbers and booleans some clients send.
fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(on) => Some(*on),
        Value::String(text) => match text.trim() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
        Value::Number(number) => match number.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::String(text) => text.trim().parse().ok(),
        Value::Number(number) => number.as_i64(),
        _ => None,
    }
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn array_len(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

/// Reads the action of the `executable` entry of one `filetype_actions` list.
fn file_action(list: &Value) -> Option<FileAction> {
    let entry = list
        .as_array()?
        .iter()
        .find(|entry| entry["file_type"] == "executable")?;
    let code = match &entry["actions"] {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    Some(match code.as_str() {
        "0" => FileAction::NoAction,
        "3" => FileAction::AutoQuarantine,
        _ => FileAction::Other(code),
    })
}

fn background_detection(value: Option<&Value>) -> Option<BackgroundDetection> {
    let code = match value? {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    Some(match code.as_str() {
        "0" => BackgroundDetection::Off,
        "1" => BackgroundDetection::Recurring,
        "2" => BackgroundDetection::Once,
        _ => BackgroundDetection::Other(code),
    })
}

/// Counts the violation types of every `memory_violations*` list by action.
fn memory_actions(section: &Value) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = MEMORY_ACTIONS
        .iter()
        .map(|action| (action.to_string(), 0))
        .collect();
    let Some(lists) = section.as_object() else {
        return Vec::new();
    };
    for (name, entries) in lists {
        if !name.starts_with("memory_violations") {
            continue;
        }
        for entry in entries.as_array().into_iter().flatten() {
            let Some(action) = entry["action"].as_str() else {
                continue;
            };
            match counts.iter_mut().find(|(known, _)| known == action) {
                Some((_, count)) => *count += 1,
                None => counts.push((action.to_owned(), 1)),
            }
        }
    }
    counts.retain(|(_, count)| *count > 0);
    counts
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::policy_document::{MEMORY_VIOLATIONS, default_document};

    #[test]
    fn default_document_reads_completely() {
        let document = default_document("7a0f8b0e-1c1d-4f55-9a51-0a4c3f9b1e10", "Servers", 0);
        let settings = PolicySettings::read(&document);
        assert_eq!(settings.unsafe_files, Some(FileAction::AutoQuarantine));
        assert_eq!(settings.abnormal_files, Some(FileAction::NoAction));
        assert_eq!(settings.auto_delete, Some(false));
        assert_eq!(settings.days_until_deleted, Some(14));
        assert_eq!(settings.memory_protection, Some(true));
        assert_eq!(
            settings.memory_actions,
            vec![
                ("Alert".to_owned(), 16),
                ("Block".to_owned(), MEMORY_VIOLATIONS.len())
            ]
        );
        assert_eq!(
            settings.background_detection,
            Some(BackgroundDetection::Recurring)
        );
        assert_eq!(settings.max_archive_size, Some(150));
        assert_eq!(
            settings.script_modes.powershell_console.as_deref(),
            Some("Allow")
        );
        assert_eq!(settings.application_control, Some(false));
        assert_eq!(settings.log_upload, Some(true));
        assert_eq!(settings.scan_exclusions, 0);
    }

    #[test]
    fn missing_or_odd_values_read_as_not_set() {
        let document = json!({
            "policy": [
                { "name": "auto_uploading", "value": "maybe" },
                { "name": "optics", "value": 1 },
                { "name": "full_disc_scan", "value": "7" },
                { "name": "scan_exception_list", "value": ["C:\\Build\\", "D:\\Data\\"] },
            ],
            "filetype_actions": { "threat_files": [{ "actions": "2", "file_type": "executable" }] },
        });
        let settings = PolicySettings::read(&document);
        assert_eq!(settings.auto_upload, None);
        assert_eq!(settings.optics, Some(true));
        assert_eq!(
            settings.background_detection,
            Some(BackgroundDetection::Other("7".into()))
        );
        assert_eq!(settings.scan_exclusions, 2);
        assert_eq!(settings.unsafe_files, Some(FileAction::Other("2".into())));
        assert_eq!(settings.abnormal_files, None);
        assert_eq!(settings.memory_protection, None);
        assert!(settings.memory_actions.is_empty());
        assert_eq!(settings.script_modes, ScriptModes::default());
    }
}
