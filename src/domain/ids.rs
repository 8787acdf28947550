//! Identifier forms: GUIDs are stored and returned lower-case with dashes but
//! accepted in any case, with or without dashes.

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

#[cfg(test)]
mod tests {
    use super::parse_guid;

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
}
