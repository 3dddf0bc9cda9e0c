//! [`ValidationPolicy`]: what happens to SHOULD-rule warnings, and the clock grace of time rules.

use super::{Severity, ValidationErrors, Violation};

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

/// Whether `id` has the shape of a validation rule id (`V-G-05`, `V-CS-21`, …): `V-`, upper-case
/// group letters, `-`, digits. What a policy's `promote`/`silence` lists may hold.
pub fn is_rule_id(id: &str) -> bool {
    let mut parts = id.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("V"), Some(group), Some(number), None)
            if !group.is_empty()
                && group.bytes().all(|b| b.is_ascii_uppercase())
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
    )
}
