//! What rules see besides the request ([`ValidationContext`]), the [`Validate`] trait and
//! [`check`].

use super::{ValidationErrors, ValidationPolicy, Violation};

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
