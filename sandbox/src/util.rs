//! Small helpers: WeChat-style API errors, RFC 3339 times in UTC+8, query parsing.

use serde_json::{Value, json};

/// A WeChat-style error answer: HTTP status plus `{"code","message","detail"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiErr {
    /// HTTP status.
    pub status: u16,
    /// Machine code, e.g. `PARAM_ERROR`.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// `detail` object (parameter errors).
    pub detail: Option<Value>,
}

impl ApiErr {
    /// Any error.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            detail: None,
        }
    }

    /// `400 PARAM_ERROR` with `detail {field, value, issue, location}`.
    pub fn param(field: &str, value: Value, issue: impl Into<String>, location: &str) -> Self {
        let issue = issue.into();
        Self {
            status: 400,
            code: "PARAM_ERROR",
            message: format!("参数错误: {field} {issue}"),
            detail: Some(json!({"field": field, "value": value, "issue": issue, "location": location})),
        }
    }

    /// `400 PARAM_ERROR` for a body field.
    pub fn body(field: &str, value: Value, issue: impl Into<String>) -> Self {
        Self::param(field, value, issue, "body")
    }

    /// `400 PARAM_ERROR` for a query parameter.
    pub fn query(field: &str, value: Value, issue: impl Into<String>) -> Self {
        Self::param(field, value, issue, "query")
    }

    /// `400 INVALID_REQUEST`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "INVALID_REQUEST", message)
    }

    /// `401 SIGN_ERROR`.
    pub fn sign(message: impl Into<String>) -> Self {
        Self::new(401, "SIGN_ERROR", message)
    }

    /// `404 RESOURCE_NOT_EXISTS`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "RESOURCE_NOT_EXISTS", message)
    }

    /// `403 REQUEST_BLOCKED`.
    pub fn blocked(message: impl Into<String>) -> Self {
        Self::new(403, "REQUEST_BLOCKED", message)
    }

    /// The JSON body.
    pub fn body_json(&self) -> Vec<u8> {
        let mut v = json!({"code": self.code, "message": self.message});
        if let (Some(d), Some(obj)) = (&self.detail, v.as_object_mut()) {
            obj.insert("detail".into(), d.clone());
        }
        v.to_string().into_bytes()
    }
}

/// Unix seconds → `2026-01-01T08:00:00+08:00`.
pub fn rfc3339(t: i64) -> String {
    wechatpay_coupons::beijing::rfc3339(t).unwrap_or_default()
}

/// Unix seconds → `2026-01-01 08:00:00` (UTC+8, bill file style).
pub fn bill_time(t: i64) -> String {
    wechatpay_coupons::beijing::bill_time(t).unwrap_or_default()
}

/// Parses RFC 3339 (offset or `Z`, millis optional) to Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    wechatpay_coupons::favor::models::parse_rfc3339(s)
}

/// Day number (days since the epoch) in UTC+8: the unit of daily budgets.
pub fn cst_day(t: i64) -> i64 {
    wechatpay_coupons::beijing::day(t)
}

/// Unix time of 10:00 (UTC+8) on the day after the one containing `t`.
pub fn next_day_10am(t: i64) -> i64 {
    wechatpay_coupons::beijing::day_start(cst_day(t) + 1) + 10 * 3600
}

/// A clock that starts at an injected Unix time and then runs forward with the monotonic clock:
/// the demo and the tests run "at" any hour of the day without reading the wall clock.
#[derive(Debug, Clone, Copy)]
pub struct RunningClock {
    start: i64,
    at: std::time::Instant,
}

impl RunningClock {
    /// A clock that reads `start` now and advances one second per real second.
    pub fn starting_at(start: i64) -> Self {
        Self {
            start,
            at: std::time::Instant::now(),
        }
    }
}

impl wechatpay_coupons::Clock for RunningClock {
    fn now(&self) -> i64 {
        let elapsed = i64::try_from(self.at.elapsed().as_secs()).unwrap_or(i64::MAX);
        self.start.saturating_add(elapsed)
    }
}

/// Percent-decodes a query component (`+` stays `+`: WeChat Pay wants `%2B`).
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let h = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parses `a=1&b=2` into decoded pairs; `None` when an escape is broken.
pub fn parse_query(q: &str) -> Option<Vec<(String, String)>> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

/// `s` cut to at most `max` characters, with a note of how many were left out.
pub fn truncate(s: &str, max: usize) -> String {
    let total = s.chars().count();
    if total <= max {
        return s.to_owned();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}… ({} more characters)", total - max)
}

/// Formats fen as yuan with two decimals (`150` → `1.50`).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(rfc3339(0), "1970-01-01T08:00:00+08:00");
        assert_eq!(parse_rfc3339("1970-01-01T08:00:00.120+08:00"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(bill_time(0), "1970-01-01 08:00:00");
        // 1970-01-01 08:00 CST → next day 10:00 CST = 1970-01-02T02:00Z.
        assert_eq!(next_day_10am(0), 86_400 + 2 * 3600);
        assert_eq!(yuan(150), "1.50");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdé", 2), "ab… (3 more characters)");
        assert_eq!(percent_decode("a%2Bb+c"), Some("a+b+c".into()));
        assert_eq!(
            parse_query("x=1&t=2026-01-01T00%3A00%3A00%2B08%3A00"),
            Some(vec![
                ("x".into(), "1".into()),
                ("t".into(), "2026-01-01T00:00:00+08:00".into())
            ])
        );
    }
}
