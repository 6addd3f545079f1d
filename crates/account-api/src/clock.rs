//! Time as the API writes and reads it.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Now, in Unix seconds.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// `2026-11-28T10:15:00.000Z`, as OAPI shows dates.
pub fn format(unix: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].000Z"))
        .unwrap_or_default()
}

/// An `ExpirationDate`: an ISO 8601 date-time (`2026-06-14T00:00:00.000Z`) or date (`2026-06-14`).
pub fn parse_date_or_date_time(s: &str) -> Option<i64> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    // OUTSCALE also writes offsets without a colon (`+0000`).
    let no_colon = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]][offset_hour sign:mandatory][offset_minute]");
    if let Ok(t) = OffsetDateTime::parse(s, &no_colon) {
        return Some(t.unix_timestamp());
    }
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// The `X-Osc-Date` / `X-Amz-Date` form: `20261128T101500Z`.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    PrimitiveDateTime::parse(s, format_description!("[year][month][day]T[hour][minute][second]Z"))
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let t = parse_date_or_date_time("2026-06-14T10:00:00.000Z").unwrap();
        assert_eq!(format(t), "2026-06-14T10:00:00.000Z");
        assert_eq!(parse_date_or_date_time("2026-06-14"), Some(t - 36_000));
        assert_eq!(parse_date_or_date_time("2026-06-14T12:00:00.000+0200"), Some(t));
        assert_eq!(parse_date_or_date_time("tomorrow"), None);
        assert_eq!(parse_amz_date("20260614T100000Z"), Some(t));
    }
}
