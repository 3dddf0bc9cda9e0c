//! Kotlin and Swift binding (uniffi) of the `wechatpay-coupons` sans-IO core.
//!
//! The binding is thin: [`models`] holds the coupon API's records and enums, generated from the
//! core's models by `cargo xtask gen`, [`types`] converts the protocol values, [`error`] maps every core error onto one
//! exception hierarchy from the core's stable codes, [`client::Signer`] is the foreign signer
//! callback, and every coupon operation goes through the core's binding-facing layer
//! ([`wechatpay_coupons::dynamic`]). No code path here panics.

// The error enum crosses the FFI by value (uniffi lowers it field by field; it cannot be boxed),
// so its size is not a cost here.
#![allow(clippy::result_large_err)]

pub mod bills;
pub mod client;
pub mod error;
#[rustfmt::skip]
pub mod models;
pub mod operations;
pub mod pager;
pub mod plugin;
pub mod types;
pub mod wire;

use wechatpay_coupons::dynamic;

use crate::types::{Acknowledgement, RetryAdvice};

uniffi::setup_scaffolding!();

/// The coupon operation catalogue (names, methods, paths, parameters) as JSON text.
#[uniffi::export]
pub fn operations_json() -> String {
    serde_json::to_string(&dynamic::operations()).unwrap_or_else(|_| "[]".to_owned())
}

/// The answer to a notification after processing it: `error_code` `null` → 200 success; a
/// verification failure (`verify.*`, `probe.*`) → 401; `decrypt.*` / `decode.*` → 400;
/// anything else → 500.
#[uniffi::export(default(error_code = None))]
pub fn acknowledgement(error_code: Option<String>) -> Acknowledgement {
    let kind = error_code.as_deref().map(|c| c.split_once('.').map_or(c, |(k, _)| k));
    wechatpay_coupons::notify::Acknowledgement::for_kind(kind).into()
}

/// Whether to retry after a non-2xx response (`status`, raw `body`) on attempt `attempt`
/// (1 after the first failure).
#[uniffi::export]
pub fn retry_advice(status: u16, body: Vec<u8>, attempt: u32) -> RetryAdvice {
    let e = wechatpay_coupons::ApiError::from_response(status, None, &body);
    dynamic::retry_advice(&e.into(), attempt).into()
}

/// Whether to retry after a transport failure (no response) on attempt `attempt`.
#[uniffi::export]
pub fn retry_advice_for_transport_failure(attempt: u32) -> RetryAdvice {
    dynamic::RetryAdvice::for_transport_failure(attempt).into()
}
