//! Wall-clock time as the database stores it (Unix seconds, UTC) and the
//! text forms the console and the API show.

use time::macros::format_description;
use time::{Date, OffsetDateTime};

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The User API's timestamp form: `YYYY-MM-DDTHH:MM:SS`, UTC, no fraction, no `Z`.
pub fn api_timestamp(unix_seconds: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    to_datetime(unix_seconds).format(format).unwrap_or_default()
}

/// The console's timestamp form: `YYYY-MM-DD HH:MM UTC`.
pub fn console_timestamp(unix_seconds: i64) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    to_datetime(unix_seconds).format(format).unwrap_or_default()
}

/// Parses `YYYY-MM-DD` as midnight UTC of that day.
pub fn parse_date(text: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day]");
    let date = Date::parse(text, format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

fn to_datetime(unix_seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix_seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
