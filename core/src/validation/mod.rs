//! Generic request validation: a [`Violation`] of a rule, its [`Severity`], every violation of a
//! request ([`ValidationErrors`]), the [`ValidationPolicy`] that decides about warnings, and the
//! [`ValidationContext`] rules see. Resource-specific rules (the coupon API's, in its own
//! coupon module) implement [`Validate`] on top of this; nothing here knows them.

mod context;
mod policy;
pub(crate) mod report;
mod violation;

pub use context::{Validate, ValidationContext, check};
pub use policy::{DEFAULT_BEGIN_TIME_GRACE_SECS, ValidationPolicy, is_rule_id};
pub(crate) use report::Report;
pub use violation::{Severity, ValidationErrors, Violation};
