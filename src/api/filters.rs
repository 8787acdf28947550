//! Query parameters that narrow a listing, read as tolerantly as
//! [`super::paging`] reads `page`: names in any case and a stray second `?`
//! in place of `&`. Among them is the `start_time`/`end_time` window of the
//! threat and memory-protection listings.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::ApiError;
use crate::domain::threats::TimeWindow;

/// Returns the trimmed value of the first parameter called `name`, ignoring
/// ASCII case. An empty value reads as absent, like a parameter left out.
pub fn query_value(query: &str, name: &str) -> Option<String> {
    let query = query.replace('?', "&");
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Reads `start_time` and `end_time` into an inclusive window of Unix
/// seconds. `end_time` defaults to `now` and needs a `start_time`.
///
/// Stored times have whole seconds, so a start with a fraction rounds up
/// and an end rounds down. A client that asks again from its last result
/// plus a few milliseconds then does not get that result twice.
pub fn time_window(query: &str, now: i64) -> Result<Option<TimeWindow>, ApiError> {
    let start = query_value(query, "start_time");
    let end = query_value(query, "end_time");
    let (start, end) = match (start, end) {
        (None, None) => return Ok(None),
        (None, Some(_)) => {
            return Err(ApiError::BadRequest(
                "start_time: is required when end_time is given".into(),
            ));
        }
        (Some(start), end) => (
            parse_timestamp("start_time", &start)?,
            end.map(|end| parse_timestamp("end_time", &end))
                .transpose()?,
        ),
    };
    if let Some(end) = end
        && start > end
    {
        return Err(ApiError::BadRequest(
            "start_time: must not be later than end_time".into(),
        ));
    }
    let start_second = match start.nanosecond() {
        0 => start.unix_timestamp(),
        _ => start.unix_timestamp().saturating_add(1),
    };
    Ok(Some(TimeWindow {
        start: start_second,
        end: end.map_or(now, OffsetDateTime::unix_timestamp),
    }))
}

/// Parses an ISO 8601 date and time in the forms clients send: with or
/// without a fraction of any length, and with `Z`, an offset or no zone,
/// which reads as UTC.
fn parse_timestamp(field: &str, text: &str) -> Result<OffsetDateTime, ApiError> {
    let invalid = || {
        ApiError::BadRequest(format!(
            "{field}: {text:?} is not a valid date and time; \
             send UTC as YYYY-MM-DDTHH:MM:SS, optionally with a fraction and Z"
        ))
    };
    let Some(time_start) = text.find(['T', 't']) else {
        return Err(invalid());
    };
    let (date, time) = text.split_at(time_start);
    // An unencoded `+` of an offset arrives as a space.
    let time = time.replace(' ', "+");
    let has_zone = time.ends_with(['Z', 'z']) || time.contains(['+', '-']);
    let full = if has_zone {
        format!("{date}{time}")
    } else {
        format!("{date}{time}Z")
    };
    OffsetDateTime::parse(&full, &Rfc3339).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000;
    /// 2024-05-01T13:45:00Z
    const MAY_FIRST: i64 = 1_714_571_100;

    fn window(query: &str) -> TimeWindow {
        time_window(query, NOW)
            .unwrap_or_else(|err| panic!("{query}: {err}"))
            .unwrap_or_else(|| panic!("{query}: no window"))
    }

    fn rejection(query: &str) -> String {
        match time_window(query, NOW) {
            Err(err) => err.to_string(),
            Ok(window) => panic!("{query}: accepted as {window:?}"),
        }
    }

    #[test]
    fn names_ignore_case_and_stray_question_marks() {
        assert_eq!(
            query_value("page=1?listTypeId=1", "listtypeid").as_deref(),
            Some("1")
        );
        assert_eq!(
            query_value("LISTTYPEID=0", "listTypeId").as_deref(),
            Some("0")
        );
        assert_eq!(query_value("listTypeId=", "listTypeId"), None);
        assert_eq!(query_value("page=2", "listTypeId"), None);
    }

    #[test]
    fn every_client_form_reads_as_utc() {
        let forms = [
            "2024-05-01T13:45:00",
            "2024-05-01T13:45:00Z",
            "2024-05-01T13:45:00.000",
            "2024-05-01T13:45:00.000Z",
            "2024-05-01T13:45:00.000000Z",
            "2024-05-01T15:45:00%2B02:00",
            "2024-05-01T15:45:00+02:00",
        ];
        for form in forms {
            let query = format!("start_time={form}&end_time={form}");
            assert_eq!(
                window(&query),
                TimeWindow {
                    start: MAY_FIRST,
                    end: MAY_FIRST
                },
                "{form}"
            );
        }
    }

    #[test]
    fn fractions_round_inwards() {
        let query = "start_time=2024-05-01T13:45:00.010Z&end_time=2024-05-01T13:46:00.999999";
        assert_eq!(
            window(query),
            TimeWindow {
                start: MAY_FIRST + 1,
                end: MAY_FIRST + 60
            }
        );
    }

    #[test]
    fn end_time_defaults_to_now() {
        assert_eq!(
            window("start_time=2024-05-01T13:45:00"),
            TimeWindow {
                start: MAY_FIRST,
                end: NOW
            }
        );
        assert_eq!(time_window("page=1", NOW).unwrap(), None);
    }

    #[test]
    fn invalid_windows_name_the_field() {
        assert_eq!(
            rejection("end_time=2024-05-01T13:45:00"),
            "start_time: is required when end_time is given"
        );
        for (query, field) in [
            ("start_time=yesterday", "start_time"),
            ("start_time=2024-05-01", "start_time"),
            ("start_time=2024-13-01T00:00:00", "start_time"),
            ("start_time=2024-05-01T00:00:00&end_time=soon", "end_time"),
        ] {
            let message = rejection(query);
            assert!(
                message.starts_with(&format!("{field}: ")),
                "{query}: {message}"
            );
        }
        assert_eq!(
            rejection("start_time=2024-05-02T00:00:00&end_time=2024-05-01T00:00:00"),
            "start_time: must not be later than end_time"
        );
    }
}
