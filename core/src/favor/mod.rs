//! The 代金券 (cash coupon, "favor") API: operation table, models, validation, events, bills
//! and plugin signatures.

pub mod validation;
pub mod plugin;
