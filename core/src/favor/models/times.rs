//! RFC 3339 times as WeChat Pay writes them: a tolerant reader for what comes back, and the
//! documented form for what is sent.

/// Parses an RFC 3339 time as WeChat Pay writes it — `2015-05-20T13:29:35+08:00`,
/// `2015-05-20T13:29:35.120+08:00`, `…Z` or `….120Z` — to Unix seconds (fraction dropped).
///
/// This is the tolerant reader for times in responses: it also takes the other spellings
/// RFC 3339 permits (a space or a lower-case `t` between date and time, a lower-case `z`).
/// Times that are sent are checked with [`parse_documented_time`] instead.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Parses a time in the form the API documents for request fields,
/// `YYYY-MM-DDTHH:mm:ss[.fff]±hh:mm` or the same ending in `Z`, to Unix seconds.
///
/// Stricter than RFC 3339: the separator is an upper-case `T`, the zone an upper-case `Z` or a
/// numeric `±hh:mm`; a space, a lower-case `t`/`z`, a missing zone or `+0800` give `None` (the
/// server answers those with `PARAM_ERROR 输入时间格式错误`). `Z` is accepted because the API
/// rules allow it (V-G-07 recommends an explicit offset). The fraction may have 1 to 9 digits:
/// the documents show 3 and RFC 3339 allows any, so the tolerant reading is kept there.
pub fn parse_documented_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut i = 19;
    if b[i] == b'.' {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return None;
        }
        i += 1 + n;
    }
    let zone = &b[i..];
    let zone_ok = zone == b"Z"
        || (zone.len() == 6
            && matches!(zone[0], b'+' | b'-')
            && zone[1..3].iter().all(u8::is_ascii_digit)
            && zone[3] == b':'
            && zone[4..6].iter().all(u8::is_ascii_digit));
    if !zone_ok {
        return None;
    }
    parse_rfc3339(s)
}

/// Whether an RFC 3339 time names an explicit numeric offset (`+08:00`) rather than `Z`.
pub fn has_numeric_offset(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':'
}
