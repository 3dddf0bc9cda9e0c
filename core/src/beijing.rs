//! Beijing time (China Standard Time, UTC+8, no daylight saving): the zone in which WeChat Pay
//! writes times, dates `out_request_no`, counts daily budgets and prints bill files. Every
//! conversion between Unix seconds and that zone goes through here.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Seconds Beijing time is ahead of UTC.
pub const OFFSET_SECS: i64 = 8 * 3600;

const DAY_SECS: i64 = 86_400;

/// The UTC+8 offset.
pub const OFFSET: UtcOffset = time::macros::offset!(+8);

/// `unix` (seconds) as a Beijing date and time, or `None` outside the years -9999..=9999.
pub fn datetime(unix: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .map(|d| d.to_offset(OFFSET))
}

/// `unix` as RFC 3339 in Beijing time, e.g. `2026-01-01T08:00:00+08:00`, the form the API
/// documents for request times.
pub fn rfc3339(unix: i64) -> Option<String> {
    datetime(unix)?.format(&Rfc3339).ok()
}

/// `unix` as `yyyy-MM-dd HH:mm:ss` in Beijing time, the form of bill files.
pub fn bill_time(unix: i64) -> Option<String> {
    let d = datetime(unix)?;
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    ))
}

/// `unix` as the Beijing date `yyyyMMdd`.
pub fn date_digits(unix: i64) -> Option<String> {
    let d = datetime(unix)?;
    Some(format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day()))
}

/// The Beijing calendar day holding `unix`, as days since 1970-01-01 (the unit of daily limits).
pub fn day(unix: i64) -> i64 {
    unix.saturating_add(OFFSET_SECS).div_euclid(DAY_SECS)
}

/// Unix seconds of 00:00 Beijing time on `day` (days since 1970-01-01).
pub fn day_start(day: i64) -> i64 {
    day.saturating_mul(DAY_SECS).saturating_sub(OFFSET_SECS)
}

/// A bill-file time `yyyy-MM-dd HH:mm:ss` (or with `T`), which is Beijing time without an offset,
/// as RFC 3339 with `+08:00`; `None` when the text has another shape. Only the shape is checked.
pub fn local_text_to_rfc3339(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    let shape_ok = b.len() == 19
        && digits.iter().all(|&i| b[i].is_ascii_digit())
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[13] == b':'
        && b[16] == b':';
    shape_ok.then(|| format!("{}T{}+08:00", &text[..10], &text[11..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_use_utc_plus_eight() {
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T08:00:00+08:00"));
        assert_eq!(bill_time(86_399).as_deref(), Some("1970-01-02 07:59:59"));
        // 16:00 UTC on 2025-12-31 is already 2026-01-01 in Beijing.
        assert_eq!(date_digits(1_767_196_800).as_deref(), Some("20260101"));
        assert_eq!(day(16 * 3600 - 1), 0);
        assert_eq!(day(16 * 3600), 1);
        assert_eq!(day(-OFFSET_SECS - 1), -1);
        assert_eq!(day_start(1), 16 * 3600);
        assert_eq!(day(day_start(20_000)), 20_000);
        assert_eq!(rfc3339(i64::MAX), None);
    }

    #[test]
    fn bill_text_gets_an_offset_only_when_well_formed() {
        assert_eq!(
            local_text_to_rfc3339("2026-01-02 03:04:05").as_deref(),
            Some("2026-01-02T03:04:05+08:00")
        );
        assert_eq!(local_text_to_rfc3339("2026-01-02 03:04"), None);
        assert_eq!(local_text_to_rfc3339("2026/01/02 03:04:05"), None);
    }
}
