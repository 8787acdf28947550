//! Value formatting for the read-only pages: grouped numbers, file sizes,
//! console scores and the labels of stored enumerations, all in the page's
//! language.

use crate::domain::device_threats::FileStatus;
use crate::domain::devices::DeviceState;
use crate::domain::global_list::SafeCategory;
use crate::domain::threats::Classification;
use crate::domain::zones::Criticality;
use crate::i18n::{Lang, Texts};

/// Writes `n` with the language's digit grouping: `12,345` or `12 345`.
pub fn number(t: &Texts, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + 8);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push_str(t.thousands_separator);
        }
        grouped.push(digit);
    }
    if n < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// Fills a `[singular, plural]` pair with `n`. French uses the singular for
/// 0 and 1, English only for 1.
pub fn count(t: &Texts, forms: [&'static str; 2], n: i64) -> String {
    let singular = match t.lang {
        Lang::En => n == 1,
        Lang::Fr => n == 0 || n == 1,
    };
    let form = if singular { forms[0] } else { forms[1] };
    form.replace("{n}", &number(t, n))
}

/// Writes a file size in 1,024-byte units, as file managers do: `512 B`,
/// `1.4 MB`, `1,4 Mo`. Sizes below 10 units keep one decimal.
pub fn file_size(t: &Texts, bytes: i64) -> String {
    let bytes = bytes.max(0);
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < t.size_units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        return format!("{} {}", number(t, bytes), t.size_units[0]);
    }
    let text = if value < 10.0 {
        format!("{value:.1}").replace('.', t.decimal_separator)
    } else {
        number(t, value.round() as i64)
    };
    format!("{text} {}", t.size_units[unit])
}

/// Writes the exact size in bytes, for a tooltip next to [`file_size`].
pub fn exact_size(t: &Texts, bytes: i64) -> String {
    count(t, t.count_bytes, bytes)
}

/// Converts a raw score, from -1 (certainly malicious) to 1 (certainly
/// safe), to the console's form: |score| × 100, rounded.
pub fn console_score(score: f64) -> i64 {
    (score.abs() * 100.0).round() as i64
}

pub fn device_state(t: &Texts, state: DeviceState) -> &'static str {
    match state {
        DeviceState::Online => t.state_online,
        DeviceState::Offline => t.state_offline,
    }
}

pub fn criticality(t: &Texts, criticality: Criticality) -> &'static str {
    match criticality {
        Criticality::Low => t.criticality_low,
        Criticality::Normal => t.criticality_normal,
        Criticality::High => t.criticality_high,
    }
}

/// Labels a stored file status. A value the enumeration does not know is
/// shown as stored.
pub fn file_status(t: &Texts, stored: &str) -> String {
    let label = match FileStatus::parse(stored) {
        Some(FileStatus::Default) => t.status_unsafe,
        Some(FileStatus::Quarantined) => t.status_quarantined,
        Some(FileStatus::Whitelisted) => t.status_waived,
        Some(FileStatus::Suspicious) => t.status_abnormal,
        Some(FileStatus::FileRemoved) => t.status_file_removed,
        Some(FileStatus::Corrupt) => t.status_corrupt,
        None => return stored.to_owned(),
    };
    label.to_owned()
}

/// Labels a stored classification. An empty one reads as unknown, and a
/// value the enumeration does not know is shown as stored.
pub fn classification(t: &Texts, stored: &str) -> String {
    let label = match Classification::parse(stored) {
        Some(Classification::Malware) => t.class_malware,
        Some(Classification::Pup) => t.class_pup,
        Some(Classification::PossiblePup) => t.class_possible_pup,
        Some(Classification::DualUse) => t.class_dual_use,
        Some(Classification::Trusted) => t.class_trusted,
        Some(Classification::FileUnavailable) => t.class_file_unavailable,
        Some(Classification::Unknown) => t.class_unknown,
        None => return stored.to_owned(),
    };
    label.to_owned()
}

/// Labels a safe-list category. Quarantine entries have none.
pub fn safe_category(t: &Texts, stored: &str) -> Option<String> {
    if stored.trim().is_empty() {
        return None;
    }
    let label = match SafeCategory::parse_lenient(stored) {
        Some(SafeCategory::AdminTool) => t.category_admin_tool,
        Some(SafeCategory::CommercialSoftware) => t.category_commercial_software,
        Some(SafeCategory::Drivers) => t.category_drivers,
        Some(SafeCategory::InternalApplication) => t.category_internal_application,
        Some(SafeCategory::OperatingSystem) => t.category_operating_system,
        Some(SafeCategory::SecuritySoftware) => t.category_security_software,
        Some(SafeCategory::None) => t.category_none,
        None => return Some(stored.to_owned()),
    };
    Some(label.to_owned())
}

pub fn yes_no(t: &Texts, value: bool) -> &'static str {
    if value { t.yes } else { t.no }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, FR};

    #[test]
    fn numbers_are_grouped_by_language() {
        assert_eq!(number(&EN, 0), "0");
        assert_eq!(number(&EN, 999), "999");
        assert_eq!(number(&EN, 1_000), "1,000");
        assert_eq!(number(&EN, -1_234_567), "-1,234,567");
        assert_eq!(number(&FR, 12_345), "12\u{202f}345");
    }

    #[test]
    fn counts_pick_singular_or_plural() {
        assert_eq!(count(&EN, EN.count_devices, 1), "1 device");
        assert_eq!(count(&EN, EN.count_devices, 0), "0 devices");
        assert_eq!(count(&EN, EN.count_devices, 1_051), "1,051 devices");
        assert_eq!(count(&FR, FR.count_devices, 0), "0 appareil");
        assert_eq!(count(&FR, FR.count_devices, 2), "2 appareils");
    }

    #[test]
    fn file_sizes_use_binary_units() {
        assert_eq!(file_size(&EN, 0), "0 B");
        assert_eq!(file_size(&EN, 1_023), "1,023 B");
        assert_eq!(file_size(&EN, 1_536), "1.5 KB");
        assert_eq!(file_size(&EN, 734_003), "717 KB");
        assert_eq!(file_size(&FR, 1_468_006), "1,4 Mo");
        assert_eq!(exact_size(&FR, 1_468_006), "1\u{202f}468\u{202f}006 octets");
    }

    #[test]
    fn scores_show_as_console_percentages() {
        assert_eq!(console_score(-1.0), 100);
        assert_eq!(console_score(-0.999), 100);
        assert_eq!(console_score(-0.456), 46);
        assert_eq!(console_score(0.2), 20);
    }

    #[test]
    fn unknown_stored_values_are_shown_as_stored() {
        assert_eq!(file_status(&FR, "Quarantined"), "En quarantaine");
        assert_eq!(file_status(&EN, "Mystery"), "Mystery");
        assert_eq!(classification(&EN, ""), "Unknown");
        assert_eq!(safe_category(&EN, ""), None);
        assert_eq!(
            safe_category(&FR, "AdminTool").as_deref(),
            Some("Outil d'administration")
        );
    }
}
