//! One broken rule ([`Violation`]), its [`Severity`], and every violation of a request
//! ([`ValidationErrors`]).

use std::fmt;

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
        write!(f, "{} [{}]: {}", self.field, self.rule, self.message)?;
        if !self.message_zh.is_empty() {
            write!(f, " ({})", self.message_zh)?;
        }
        Ok(())
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
