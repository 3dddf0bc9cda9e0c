//! Validation of typed requests before they are signed (rules of `validation-rules.md`).

mod actions;
mod callback;
mod create_stock;
mod image;
mod queries;
mod sent;

pub use callback::check_notify_url;
pub use sent::{check_path_params, check_sent_values};

// The generic machinery lives in `crate::validation`; these paths stay for existing users.
pub(crate) use crate::validation::Report;
pub use crate::validation::{
    DEFAULT_BEGIN_TIME_GRACE_SECS, Severity, Validate, ValidationContext, ValidationErrors, ValidationPolicy,
    Violation, check,
};

// ---------------------------------------------------------------------------------------------
// Report helpers
// ---------------------------------------------------------------------------------------------

/// Field checks of the WeChat Pay general rules (V-G-…) that the coupon rules share, added to
/// the generic [`Report`].
pub(crate) trait FieldRules {
    /// A mchid field: required 1..=20 under `rule`, digits only as a V-G-03 warning.
    fn mchid(&mut self, field: &str, rule: &'static str, value: &str);
    /// An appid: required 1..=128 under `rule`, the usual `wx` + 16 hex form as a V-G-04 warning.
    fn appid(&mut self, field: &str, rule: &'static str, value: &str);
    /// An openid: required 1..=128 under `rule`, `[A-Za-z0-9_-]` as a V-G-05 warning.
    fn openid(&mut self, field: &str, rule: &'static str, value: &str);
    /// An `out_request_no`: 1..=128 under `len_rule`, `[A-Za-z0-9|_*-]` under `charset_rule`.
    fn out_request_no(&mut self, field: &str, len_rule: &'static str, charset_rule: &'static str, value: &str);
    /// An amount in fen: never negative (V-G-01).
    fn money(&mut self, field: &str, value: Option<i64>);
    /// A time that is sent: the documented form `YYYY-MM-DDTHH:mm:ss[.fff]±hh:mm` (or `Z`) under
    /// `rule`, and an explicit offset as V-G-07. Returns the time when it parses.
    fn sent_time(&mut self, field: &str, rule: &'static str, value: &str) -> Option<i64>;
    /// A parsed time written with `Z` instead of a numeric offset: a V-G-07 warning.
    fn explicit_offset(&mut self, field: &str, value: &str);
}

impl FieldRules for Report {
    /// A mchid field: required 1..=20 under `rule`, digits only as a V-G-03 warning.
    fn mchid(&mut self, field: &str, rule: &'static str, value: &str) {
        self.required(field, rule, value, 20);
        if !value.is_empty() && !value.bytes().all(|b| b.is_ascii_digit()) {
            self.warn(
                field,
                "V-G-03",
                "a merchant id is normally decimal digits only",
                "商户号通常只包含数字",
            );
        }
    }

    fn appid(&mut self, field: &str, rule: &'static str, value: &str) {
        self.required(field, rule, value, 128);
        let b = value.as_bytes();
        let typical = b.len() == 18 && value.starts_with("wx") && b[2..].iter().all(|c| c.is_ascii_hexdigit());
        if !value.is_empty() && !typical {
            self.warn(
                field,
                "V-G-04",
                "an appid normally looks like wx followed by 16 hex characters",
                "appid 通常为 wx 加 16 位十六进制字符",
            );
        }
    }

    fn openid(&mut self, field: &str, rule: &'static str, value: &str) {
        self.required(field, rule, value, 128);
        if !value.is_empty()
            && !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.warn(
                field,
                "V-G-05",
                "an openid normally contains only letters, digits, _ and -",
                "openid 通常只包含字母、数字、_ 和 -",
            );
        }
    }

    fn out_request_no(&mut self, field: &str, len_rule: &'static str, charset_rule: &'static str, value: &str) {
        self.required(field, len_rule, value, 128);
        if !value.is_empty() && !value.chars().all(is_out_request_no_char) {
            self.err(
                field,
                charset_rule,
                "may contain only letters, digits, |, _, * and -",
                "只能包含英文字母、数字、|、_、*、-",
            );
        }
    }

    fn money(&mut self, field: &str, value: Option<i64>) {
        if let Some(v) = value
            && v < 0
        {
            self.err(
                field,
                "V-G-01",
                format!("is an amount in fen and must not be negative, got {v}"),
                format!("金额（分）不能为负数，当前为{v}"),
            );
        }
    }

    /// A time that is sent: the documented form `YYYY-MM-DDTHH:mm:ss[.fff]±hh:mm` (or `Z`) under
    /// `rule`, and an explicit offset as V-G-07. Returns the time when it parses.
    fn sent_time(&mut self, field: &str, rule: &'static str, value: &str) -> Option<i64> {
        let t = super::models::parse_documented_time(value);
        if t.is_none() {
            let shown = echo(value);
            self.err(
                field,
                rule,
                format!(
                    "must be a time in the documented form YYYY-MM-DDTHH:mm:ss[.fff]+08:00 (upper-case T, offset ±hh:mm or Z), got {shown}"
                ),
                format!("须为文档规定的时间格式 YYYY-MM-DDTHH:mm:ss[.fff]+08:00（大写 T，时区为 ±hh:mm 或 Z），当前为 {shown}"),
            );
        } else {
            self.explicit_offset(field, value);
        }
        t
    }

    fn explicit_offset(&mut self, field: &str, value: &str) {
        if super::models::parse_rfc3339(value).is_some() && !super::models::has_numeric_offset(value) {
            self.warn(
                field,
                "V-G-07",
                "should carry an explicit offset such as +08:00 instead of Z",
                "建议使用显式时区偏移（如 +08:00）而不是 Z",
            );
        }
    }
}

use crate::validation::report::quoted as echo;

/// Whether `c` may appear in an `out_request_no` (`[A-Za-z0-9|_*-]`).
pub fn is_out_request_no_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '|' | '_' | '*' | '-')
}

fn has_non_ascii(s: &str) -> bool {
    !s.is_ascii()
}

const DAY: i64 = 86_400;
