//! The policy document: the JSON object that `GET /policies/v2/{id}` returns
//! and that create and update requests send under `policy`. The server
//! stores the whole document and checks the shape of the sections it
//! recognises. Sections and settings a request leaves out take the values
//! of the default policy.

use serde_json::{Map, Value, json};

/// Longest accepted policy name, in characters.
pub const NAME_MAX_CHARS: usize = 255;

/// Memory-protection violation types of the original agent, of the `_ext`
/// list and of the newer `_ext_v2` list.
pub const MEMORY_VIOLATIONS: [&str; 12] = [
    "stackpivot",
    "stackprotect",
    "overwritecode",
    "outofprocessallocation",
    "outofprocessmap",
    "outofprocesswrite",
    "outofprocesswritepe",
    "outofprocessoverwritecode",
    "outofprocessunmapmemory",
    "outofprocesscreatethread",
    "outofprocessapc",
    "lsassread",
];
pub const MEMORY_VIOLATIONS_EXT: [&str; 4] = [
    "maliciouspayload",
    "trackdataread",
    "zeroallocate",
    "dyldinjection",
];
pub const MEMORY_VIOLATIONS_EXT_V2: [&str; 12] = [
    "syscallprobe",
    "directsyscall",
    "systemdllwrite",
    "dangerouscomobject",
    "doppelganger",
    "dangerousenvvariable",
    "oopprotect",
    "childprocessprotect",
    "stolensystemtoken",
    "maliciouslowintegrity",
    "injectionviaapc",
    "runmacroscript",
];

/// Actions a memory violation can be given. Alert and Block appear in the
/// vendor's examples; Terminate and Ignore are the console's other options.
pub const MEMORY_ACTIONS: [&str; 4] = ["Alert", "Block", "Terminate", "Ignore"];

/// Settings of the `policy` array with their default values, all strings.
/// `scan_exception_list`, the one array-valued setting, is added separately.
const DEFAULT_SETTINGS: [(&str, &str); 33] = [
    ("auto_blocking", "1"),
    ("auto_uploading", "1"),
    ("threat_report_limit", "500"),
    ("low_confidence_threshold", "-600"),
    ("full_disc_scan", "1"),
    ("watch_for_new_files", "1"),
    ("memory_exploit_detection", "1"),
    ("trust_files_in_scan_exception_list", "0"),
    ("logpolicy", "1"),
    ("script_control", "1"),
    ("prevent_service_shutdown", "1"),
    ("scan_max_archive_size", "150"),
    ("sample_copy_path", ""),
    ("kill_running_threats", "1"),
    ("show_notifications", "1"),
    ("optics_set_disk_usage_maximum_fixed", "1000"),
    ("optics_malware_auto_upload", "0"),
    ("optics_memory_defense_auto_upload", "0"),
    ("optics_script_control_auto_upload", "0"),
    ("optics_application_control_auto_upload", "0"),
    ("device_control", "0"),
    ("optics", "0"),
    ("auto_delete", "0"),
    ("days_until_deleted", "14"),
    ("pdf_auto_uploading", "0"),
    ("ole_auto_uploading", "0"),
    ("data_privacy", "0"),
    ("docx_auto_uploading", "0"),
    ("powershell_auto_uploading", "0"),
    ("python_auto_uploading", "0"),
    ("autoit_auto_uploading", "0"),
    ("optics_show_notifications", "0"),
    ("custom_thumbprint", "null"),
];

/// A part of a policy document with the wrong shape, named by its path in
/// the request body (for example `policy.policy[2].value`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct DocumentError {
    pub field: String,
    pub problem: String,
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> DocumentError {
    DocumentError {
        field: field.into(),
        problem: problem.into(),
    }
}

/// Formats `policy_utctimestamp`: milliseconds since the epoch wrapped as
/// `/Date(1523411036967)/`.
pub fn utc_timestamp(unix_seconds: i64) -> String {
    format!("/Date({})/", unix_seconds.saturating_mul(1000))
}

/// Builds a complete document with every known section at its default value.
pub fn default_document(policy_id: &str, name: &str, modified_at: i64) -> Value {
    let mut settings: Vec<Value> = DEFAULT_SETTINGS
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    settings.push(json!({ "name": "scan_exception_list", "value": [] }));
    let violations = |types: &[&str], action: &str| -> Vec<Value> {
        types
            .iter()
            .map(|kind| json!({ "violation_type": kind, "action": action }))
            .collect()
    };
    let violations_v2: Vec<Value> = MEMORY_VIOLATIONS_EXT_V2
        .iter()
        .enumerate()
        .map(|(order, kind)| json!({ "violation_type": kind, "action": "Alert", "order": order + 1 }))
        .collect();
    json!({
        "policy_id": policy_id,
        "policy_name": name,
        "checksum": "",
        "policy_utctimestamp": utc_timestamp(modified_at),
        "policy": settings,
        "filetype_actions": {
            "suspicious_files": [{ "actions": "0", "file_type": "executable" }],
            "threat_files": [{ "actions": "3", "file_type": "executable" }],
        },
        "file_exclusions": [],
        "memoryviolation_actions": {
            "memory_violations": violations(&MEMORY_VIOLATIONS, "Block"),
            "memory_violations_ext": violations(&MEMORY_VIOLATIONS_EXT, "Alert"),
            "memory_violations_ext_v2": violations_v2,
            "memory_exclusion_list": [],
            "memory_exclusion_list_v2": [],
        },
        "script_control": {
            "global_settings": {
                "allowed_folders": [],
                "allowed_folders_ext": [],
                "control_mode": "Alert",
                "score_all_scripts": false,
            },
            "activescript_settings": { "control_mode": "Alert" },
            "macro_settings": { "control_mode": "Alert" },
            "powershell_settings": { "control_mode": "Alert", "console_mode": "Allow" },
        },
        "logpolicy": { "log_upload": "1", "maxlogsize": "100", "retentiondays": "30" },
        "appcontrol": { "enabled": false, "allowed_folders": [], "change_window_enabled": false },
        "device_control": { "enabled": false, "exclusion_list": [], "configurations": [] },
        "persona": { "enabled": false },
    })
}

/// Checks a document sent by a client and completes it. Known sections must
/// have their documented shape. Sections left out, and settings missing from
/// the `policy` array, take their default values. The server sets the
/// identity fields (`policy_id`, `policy_name`, `checksum`,
/// `policy_utctimestamp`). Returns the trimmed name and the document to store.
pub fn complete(
    input: &Value,
    policy_id: &str,
    modified_at: i64,
) -> Result<(String, Value), DocumentError> {
    let input = input
        .as_object()
        .ok_or_else(|| invalid("policy", "must be a JSON object"))?;
    let name = policy_name(input)?;
    if let Some(checksum) = input.get("checksum")
        && !checksum.is_string()
    {
        return Err(invalid("policy.checksum", "must be a string (send \"\")"));
    }

    let mut document = default_document(policy_id, &name, modified_at);
    let target = document
        .as_object_mut()
        .expect("the default document is an object");
    for (key, value) in input {
        match key.as_str() {
            "policy_id" | "policy_name" | "checksum" | "policy_utctimestamp" => {}
            "policy" => {
                let merged = merge_settings(&target["policy"], value)?;
                target.insert(key.clone(), merged);
            }
            _ => {
                check_section(key, value)?;
                target.insert(key.clone(), value.clone());
            }
        }
    }
    Ok((name, document))
}

fn policy_name(input: &Map<String, Value>) -> Result<String, DocumentError> {
    let field = "policy.policy_name";
    let name = match input.get("policy_name") {
        Some(Value::String(name)) => name.trim(),
        Some(_) => return Err(invalid(field, "must be a string")),
        None => return Err(invalid(field, "is required")),
    };
    if name.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {NAME_MAX_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(name.to_owned())
}

/// Overlays the client's `{name, value}` settings on the defaults: a known
/// name replaces the default value, an unknown one is appended. Values are
/// stored as strings, but numbers and booleans are accepted and converted,
/// because the cyapi client's policy helpers set values such as `1`.
fn merge_settings(defaults: &Value, sent: &Value) -> Result<Value, DocumentError> {
    let sent = sent
        .as_array()
        .ok_or_else(|| invalid("policy.policy", "must be an array of {name, value} objects"))?;
    let mut merged = defaults.as_array().cloned().unwrap_or_default();
    for (index, setting) in sent.iter().enumerate() {
        let field = format!("policy.policy[{index}]");
        let name = setting
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("{field}.name"), "is required and must be a string"))?;
        let value = setting
            .get("value")
            .ok_or_else(|| invalid(format!("{field}.value"), "is required"))?;
        let value = if name == "scan_exception_list" {
            value
                .is_array()
                .then(|| value.clone())
                .ok_or_else(|| invalid(format!("{field}.value"), "must be an array"))?
        } else {
            setting_text(value).ok_or_else(|| {
                invalid(
                    format!("{field}.value"),
                    "must be a string, such as \"0\" or \"1\"",
                )
            })?
        };
        let entry = json!({ "name": name, "value": value });
        match merged
            .iter_mut()
            .find(|existing| existing.get("name").and_then(Value::as_str) == Some(name))
        {
            Some(existing) => *existing = entry,
            None => merged.push(entry),
        }
    }
    Ok(Value::Array(merged))
}

/// Converts a setting value to its stored string form: strings as they are,
/// numbers in decimal, booleans as "1" or "0".
fn setting_text(value: &Value) -> Option<Value> {
    match value {
        Value::String(_) => Some(value.clone()),
        Value::Number(number) => Some(Value::String(number.to_string())),
        Value::Bool(flag) => Some(Value::String(if *flag { "1" } else { "0" }.to_owned())),
        _ => None,
    }
}

fn check_section(key: &str, value: &Value) -> Result<(), DocumentError> {
    let field = format!("policy.{key}");
    match key {
        "filetype_actions" => check_filetype_actions(&field, value),
        "memoryviolation_actions" => check_memory_actions(&field, value),
        "file_exclusions" => value
            .is_array()
            .then_some(())
            .ok_or_else(|| invalid(field, "must be an array")),
        "script_control" | "logpolicy" => value
            .is_object()
            .then_some(())
            .ok_or_else(|| invalid(field, "must be an object")),
        _ => Ok(()),
    }
}

fn check_filetype_actions(field: &str, value: &Value) -> Result<(), DocumentError> {
    let sections = value
        .as_object()
        .ok_or_else(|| invalid(field, "must be an object"))?;
    for (name, entries) in sections {
        let list_field = format!("{field}.{name}");
        let entries = entries
            .as_array()
            .ok_or_else(|| invalid(&list_field, "must be an array"))?;
        for (index, entry) in entries.iter().enumerate() {
            let actions = entry.get("actions").and_then(Value::as_str);
            if !matches!(actions, Some("0" | "1" | "2" | "3")) {
                return Err(invalid(
                    format!("{list_field}[{index}].actions"),
                    "must be \"0\", \"1\", \"2\" or \"3\"",
                ));
            }
            if entry.get("file_type").and_then(Value::as_str).is_none() {
                return Err(invalid(
                    format!("{list_field}[{index}].file_type"),
                    "is required and must be a string",
                ));
            }
        }
    }
    Ok(())
}

fn check_memory_actions(field: &str, value: &Value) -> Result<(), DocumentError> {
    let sections = value
        .as_object()
        .ok_or_else(|| invalid(field, "must be an object"))?;
    for (name, entries) in sections {
        if !name.starts_with("memory_violations") {
            continue;
        }
        let list_field = format!("{field}.{name}");
        let entries = entries
            .as_array()
            .ok_or_else(|| invalid(&list_field, "must be an array"))?;
        for (index, entry) in entries.iter().enumerate() {
            if entry
                .get("violation_type")
                .and_then(Value::as_str)
                .is_none()
            {
                return Err(invalid(
                    format!("{list_field}[{index}].violation_type"),
                    "is required and must be a string",
                ));
            }
            let action = entry.get("action").and_then(Value::as_str).unwrap_or("");
            if !MEMORY_ACTIONS.contains(&action) {
                return Err(invalid(
                    format!("{list_field}[{index}].action"),
                    format!(
                        "must be one of {}",
                        super::wire::describe_choices(&MEMORY_ACTIONS)
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "2d0f8a3c-7a58-4c3f-9d0e-6c1b5e9a7f10";

    #[test]
    fn default_document_has_every_section() {
        let document = default_document(ID, "Servers", 1_700_000_000);
        for key in [
            "policy_id",
            "policy_name",
            "checksum",
            "policy_utctimestamp",
            "policy",
            "filetype_actions",
            "file_exclusions",
            "memoryviolation_actions",
            "script_control",
            "logpolicy",
            "appcontrol",
            "device_control",
            "persona",
        ] {
            assert!(document.get(key).is_some(), "missing {key}");
        }
        assert_eq!(document["policy_utctimestamp"], "/Date(1700000000000)/");
        let settings = document["policy"].as_array().unwrap();
        assert_eq!(settings.len(), DEFAULT_SETTINGS.len() + 1);
        assert_eq!(
            document["memoryviolation_actions"]["memory_violations"]
                .as_array()
                .unwrap()
                .len(),
            12
        );
    }

    #[test]
    fn sent_settings_override_defaults() {
        let input = json!({
            "policy_name": "  Laptops ",
            "checksum": "",
            "policy_id": "ignored",
            "policy": [
                { "name": "auto_blocking", "value": "0" },
                { "name": "scan_exception_list", "value": ["C:\\Temp\\"] },
                { "name": "future_setting", "value": "7" },
                { "name": "memory_exploit_detection", "value": 1 },
                { "name": "show_notifications", "value": false },
            ],
        });
        let (name, document) = complete(&input, ID, 1_700_000_000).unwrap();
        assert_eq!(name, "Laptops");
        assert_eq!(document["policy_id"], ID);
        assert_eq!(document["policy_name"], "Laptops");
        let settings = document["policy"].as_array().unwrap();
        let value_of = |name: &str| {
            settings
                .iter()
                .find(|s| s["name"] == name)
                .map(|s| s["value"].clone())
        };
        assert_eq!(value_of("auto_blocking"), Some(json!("0")));
        assert_eq!(value_of("scan_exception_list"), Some(json!(["C:\\Temp\\"])));
        assert_eq!(value_of("future_setting"), Some(json!("7")));
        assert_eq!(value_of("threat_report_limit"), Some(json!("500")));
        assert_eq!(value_of("memory_exploit_detection"), Some(json!("1")));
        assert_eq!(value_of("show_notifications"), Some(json!("0")));
    }

    #[test]
    fn bad_shapes_name_the_field() {
        let cases = [
            (json!({}), "policy.policy_name: is required"),
            (
                json!({ "policy_name": " " }),
                "policy.policy_name: must not be empty",
            ),
            (
                json!({ "policy_name": "P", "checksum": 5 }),
                "policy.checksum: must be a string (send \"\")",
            ),
            (
                json!({ "policy_name": "P", "policy": [{ "name": "auto_blocking", "value": {} }] }),
                "policy.policy[0].value: must be a string, such as \"0\" or \"1\"",
            ),
            (
                json!({ "policy_name": "P", "filetype_actions": { "threat_files": [{ "actions": "9", "file_type": "executable" }] } }),
                "policy.filetype_actions.threat_files[0].actions: must be \"0\", \"1\", \"2\" or \"3\"",
            ),
            (
                json!({ "policy_name": "P", "memoryviolation_actions": { "memory_violations": [{ "violation_type": "stackpivot", "action": "Explode" }] } }),
                "policy.memoryviolation_actions.memory_violations[0].action: must be one of \"Alert\", \"Block\", \"Terminate\" or \"Ignore\"",
            ),
        ];
        for (input, expected) in cases {
            let err = complete(&input, ID, 0).unwrap_err();
            assert_eq!(err.to_string(), expected);
        }
        assert_eq!(
            complete(&json!([]), ID, 0).unwrap_err().to_string(),
            "policy: must be a JSON object"
        );
    }
}
