//! The 代金券 (cash coupon, "favor") API: operation table, models, validation, events, bills
//! and plugin signatures.

mod api;
pub mod bills;
pub mod codes;
pub mod events;
pub mod media;
pub mod models;
pub mod ops;
pub mod plugin;
pub mod validation;

pub use api::Favor;
