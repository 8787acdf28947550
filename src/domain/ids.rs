//! Identifier forms. GUIDs are stored and returned lower-case with dashes but
//! accepted in any case, with or without dashes. File hashes and MAC
//! addresses are stored and returned upper-case and accepted in any case.

use uuid::Uuid;

pub fn new_id() -> String {
    Uuid::new_v4().hyphenated().to_string()
}

/// A UUIDv7: ordered by creation time, and monotonic within this process.
pub fn new_time_ordered_id() -> String {
    Uuid::now_v7().hyphenated().to_string()
}

/// Canonical form of a GUID given in any case, with or without dashes.
pub fn parse_guid(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() != 32 && text.len() != 36 {
        return None;
    }
    Uuid::try_parse(text)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// Upper-case form of a SHA-256 given as 64 hex digits in any case.
pub fn parse_sha256(text: &str) -> Option<String> {
    parse_hex_digest(text, 64)
}

/// Upper-case form of an MD5 given as 32 hex digits in any case.
pub fn parse_md5(text: &str) -> Option<String> {
    parse_hex_digest(text, 32)
}

fn parse_hex_digest(text: &str, digits: usize) -> Option<String> {
    let text = text.trim();
    (text.len() == digits && text.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| text.to_ascii_uppercase())
}

/// Converts a MAC address to its stored form, `06-F8-13-8B-16-C9`. Accepts
/// six hex pairs separated by dashes or by colons, or twelve bare hex digits.
pub fn parse_mac(text: &str) -> Option<String> {
    let text = text.trim();
    let digits: String = match text.len() {
        12 => text.to_owned(),
        17 => {
            // Every third character is a separator, the same one throughout.
            let separator = text.chars().nth(2).filter(|c| matches!(c, '-' | ':'))?;
            let mut digits = String::with_capacity(12);
            for (index, c) in text.chars().enumerate() {
                if index % 3 != 2 {
                    digits.push(c);
                } else if c != separator {
                    return None;
                }
            }
            digits
        }
        _ => return None,
    };
    if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let upper = digits.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..6).map(|i| &upper[i * 2..i * 2 + 2]).collect();
    Some(pairs.join("-"))
}

#[cfg(test)]
mod tests {
    use super::{parse_guid, parse_mac, parse_md5, parse_sha256};

    #[test]
    fn guid_accepted_in_every_client_form() {
        let canonical = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(parse_guid(canonical).as_deref(), Some(canonical));
        assert_eq!(
            parse_guid("0F8FAD5BD9CB469FA16570867728950E").as_deref(),
            Some(canonical)
        );
        assert_eq!(parse_guid("not-a-guid"), None);
        assert_eq!(parse_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}"), None);
    }

    #[test]
    fn hashes_are_upper_cased_and_checked() {
        let sha = "ed01ebfbc9eb5bbea545af4d01bf5f1071661840480439c6e5babe8e080e41aa";
        assert_eq!(parse_sha256(sha), Some(sha.to_ascii_uppercase()));
        assert_eq!(parse_sha256(&sha[1..]), None);
        assert_eq!(parse_sha256(&sha.replace('e', "g")), None);
        assert_eq!(
            parse_md5("d41d8cd98f00b204e9800998ecf8427e").as_deref(),
            Some("D41D8CD98F00B204E9800998ECF8427E")
        );
    }

    #[test]
    fn mac_accepted_with_dashes_colons_or_bare() {
        for text in ["06-f8-13-8b-16-c9", "06:F8:13:8B:16:C9", "06f8138b16c9"] {
            assert_eq!(
                parse_mac(text).as_deref(),
                Some("06-F8-13-8B-16-C9"),
                "{text}"
            );
        }
        for text in ["06-F8-13-8B-16", "06-F8-13-8B-16-CZ", "06-F8-138B-16-C9"] {
            assert_eq!(parse_mac(text), None, "{text}");
        }
    }

    #[test]
    fn mac_separators_must_split_pairs() {
        for text in [
            "0-6F8-13-8B-16-C9",
            "06F8-13-8B-16-C9-",
            "-06F8138B16C9----",
            "06:F8-13:8B-16:C9",
            "06.F8.13.8B.16.C9",
            "06-F8-13-8B-16-C\u{e9}",
        ] {
            assert_eq!(parse_mac(text), None, "{text}");
        }
    }
}
