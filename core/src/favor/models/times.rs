//! RFC 3339 times as WeChat Pay writes them.

/// Parses an RFC 3339 time as WeChat Pay writes it — `2015-05-20T13:29:35+08:00`,
/// `2015-05-20T13:29:35.120+08:00`, `…Z` or `….120Z` — to Unix seconds (fraction dropped).
/// Returns `None` for anything else (no offset, a space instead of `T`, …).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Whether an RFC 3339 time names an explicit numeric offset (`+08:00`) rather than `Z`.
pub fn has_numeric_offset(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':'
}
