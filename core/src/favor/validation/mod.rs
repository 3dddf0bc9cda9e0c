//! Validation of typed requests before they are signed (rules of `validation-rules.md`).

use std::fmt;

mod actions;
mod callback;
mod create_stock;
mod image;
mod queries;
mod sent;

pub use sent::{check_path_params, check_sent_values};

/// How serious a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A MUST rule: the request is refused.
    Error,
    /// A SHOULD rule: reported; the caller may promote it to an error or silence it.
    Warning,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON path of the field, e.g. `coupon_use_rule.fixed_normal_coupon.coupon_amount`.
    pub field: String,
    /// Rule id from validation-rules.md, e.g. `V-CS-12`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// English message.
    pub message: String,
    /// Chinese message.
    pub message_zh: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}]: {} ({})",
            self.field, self.rule, self.message, self.message_zh
        )
    }
}

/// All violations found in one request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationErrors {
    /// Every violation, errors and (unless silenced) warnings.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.iter().filter(|v| v.severity == Severity::Error).count();
        write!(f, "request is invalid ({n} error(s))")?;
        for v in &self.violations {
            write!(f, "; {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

// ---------------------------------------------------------------------------------------------
// Policy and context
// ---------------------------------------------------------------------------------------------

/// Default seconds `available_begin_time` may lie before the client's clock (V-CS-21).
///
/// The server checks the begin time against its own clock and neither official SDK checks it on
/// the client, so a client whose clock runs a little ahead must not refuse what the server
/// accepts: a minute of drift is tolerated unless the policy says otherwise.
pub const DEFAULT_BEGIN_TIME_GRACE_SECS: i64 = 60;

/// What to do with SHOULD-rule warnings, and the clock grace of time rules.
///
/// MUST-rule errors can be neither silenced nor downgraded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationPolicy {
    /// Turn every warning into an error.
    pub promote_warnings: bool,
    /// Rule ids whose warnings become errors.
    pub promote: Vec<String>,
    /// Rule ids whose warnings are dropped (ignored for errors).
    pub silence: Vec<String>,
    /// Seconds `available_begin_time` may lie in the past (clock drift) before V-CS-21 fires;
    /// [`DEFAULT_BEGIN_TIME_GRACE_SECS`] by default.
    pub begin_time_grace_secs: i64,
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        Self {
            promote_warnings: false,
            promote: Vec::new(),
            silence: Vec::new(),
            begin_time_grace_secs: DEFAULT_BEGIN_TIME_GRACE_SECS,
        }
    }
}

impl ValidationPolicy {
    /// The default: warnings reported, not promoted, a minute of grace for V-CS-21.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the seconds `available_begin_time` may lie in the past before V-CS-21 fires (0 = none).
    pub fn begin_time_grace(mut self, secs: i64) -> Self {
        self.begin_time_grace_secs = secs;
        self
    }

    /// Every warning becomes an error.
    pub fn strict() -> Self {
        Self {
            promote_warnings: true,
            ..Self::default()
        }
    }

    /// Drops warnings of `rule`.
    pub fn silence(mut self, rule: impl Into<String>) -> Self {
        self.silence.push(rule.into());
        self
    }

    /// Turns warnings of `rule` into errors.
    pub fn promote(mut self, rule: impl Into<String>) -> Self {
        self.promote.push(rule.into());
        self
    }

    /// Applies the policy: `Ok(warnings)` when no error remains, else every remaining
    /// violation (errors and warnings) as [`ValidationErrors`].
    pub fn apply(&self, violations: Vec<Violation>) -> Result<Vec<Violation>, ValidationErrors> {
        let mut kept = Vec::with_capacity(violations.len());
        for mut v in violations {
            if v.severity == Severity::Warning {
                if self.silence.iter().any(|r| r == v.rule) {
                    continue;
                }
                if self.promote_warnings || self.promote.iter().any(|r| r == v.rule) {
                    v.severity = Severity::Error;
                }
            }
            kept.push(v);
        }
        if kept.iter().any(|v| v.severity == Severity::Error) {
            Err(ValidationErrors { violations: kept })
        } else {
            Ok(kept)
        }
    }
}

/// What the rules need to know besides the request: the caller and the injected clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidationContext<'a> {
    /// The calling merchant (`Client::mchid`).
    pub mchid: &'a str,
    /// Now, Unix seconds (`Client::now`, the injected clock).
    pub now: i64,
    /// Whether `http://` notify URLs on loopback hosts are allowed (sandbox).
    pub allow_http_notify_url: bool,
    /// Grace for V-CS-21, from [`ValidationPolicy::begin_time_grace_secs`].
    pub begin_time_grace_secs: i64,
}

/// A typed request that can check itself against the rules of `validation-rules.md`.
pub trait Validate {
    /// Every violation found (errors and warnings), in field order.
    fn validate(&self, ctx: &ValidationContext<'_>) -> Vec<Violation>;
}

/// Validates `request` and applies `policy` (see [`ValidationPolicy::apply`]).
pub fn check<T: Validate>(
    request: &T,
    ctx: &ValidationContext<'_>,
    policy: &ValidationPolicy,
) -> Result<Vec<Violation>, ValidationErrors> {
    policy.apply(request.validate(ctx))
}

// ---------------------------------------------------------------------------------------------
// Report helpers
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Report(Vec<Violation>);

impl Report {
    fn push(&mut self, severity: Severity, field: &str, rule: &'static str, en: String, zh: String) {
        self.0.push(Violation {
            field: field.to_owned(),
            rule,
            severity,
            message: en,
            message_zh: zh,
        });
    }
    fn err(&mut self, field: &str, rule: &'static str, en: impl Into<String>, zh: impl Into<String>) {
        self.push(Severity::Error, field, rule, en.into(), zh.into());
    }
    fn warn(&mut self, field: &str, rule: &'static str, en: impl Into<String>, zh: impl Into<String>) {
        self.push(Severity::Warning, field, rule, en.into(), zh.into());
    }

    /// Required string of 1..=max chars.
    fn required(&mut self, field: &str, rule: &'static str, value: &str, max: usize) {
        let n = value.chars().count();
        if n == 0 {
            self.err(field, rule, "is required and must not be empty", "必填，不能为空");
        } else if n > max {
            self.err(
                field,
                rule,
                format!("must be at most {max} characters, got {n}"),
                format!("长度不能超过{max}个字符，当前{n}个"),
            );
        }
    }

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

    fn finish(self) -> Vec<Violation> {
        self.0
    }
}

/// A value quoted in a message, cut as every echoed value is ([`crate::error::echo`]).
fn echo(value: &str) -> String {
    format!("{:?}", crate::error::echo(value))
}

/// Whether `c` may appear in an `out_request_no` (`[A-Za-z0-9|_*-]`).
pub fn is_out_request_no_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '|' | '_' | '*' | '-')
}

fn has_non_ascii(s: &str) -> bool {
    !s.is_ascii()
}

const DAY: i64 = 86_400;
