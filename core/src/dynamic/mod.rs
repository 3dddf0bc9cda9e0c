//! The binding-facing layer: every coupon operation by name, over JSON values.
//!
//! A language binding built on this module is only type conversion (its values ↔
//! [`serde_json::Value`]), error mapping (from [`Error::code`](crate::Error::code),
//! [`Error::kind`](crate::Error::kind) and [`Error::fields`](crate::Error::fields)) and its signer
//! callback. Everything else is here, once:
//!
//! - [`operations`]: the catalogue of operations, serialisable, derived from
//!   [`favor::ops::OPERATIONS`](crate::favor::ops::OPERATIONS);
//! - [`build`] / [`build_image`]: JSON params (or a file) → the signed request, unknown fields
//!   and wrong types reported as violations with stable rule ids ([`RULE_UNKNOWN_FIELD`],
//!   [`RULE_TYPE`]); [`parse`]: a response → the verified, decoded JSON;
//! - [`next_page`] and [`Pager`]: pagination with path parameters put back;
//! - [`retry_advice`]: whether, when and where to retry;
//! - [`ClientOptions`]: a serde-decodable client configuration with policies by name, and
//!   [`options_from_config`]: the options a `merchant.json` describes (the core's checked loader);
//! - [`views`]: serialisable shapes of notifications, certificate updates, signed messages,
//!   verification results and bill rows.
//!
//! Enabled by the cargo feature `dynamic`.

mod catalogue;
mod config;
mod dispatch;
mod operations;
mod options;
mod paging;
mod params;
mod retry;
pub mod views;

pub use catalogue::{OperationInfo, ParamInfo, ParamLocation, operation, operations};
pub use config::{options_from_config, options_from_config_with};
pub use operations::{build, build_image, parse};
pub use options::{ClientOptions, PemSource, page_mode_by_name, policy_from_value, serial_policy_by_name};
pub use paging::{Pager, next_page};
pub use params::{RULE_TYPE, RULE_UNKNOWN_FIELD, TypeMismatch, decode_params, decode_tolerant, value_at};
pub use retry::{MAX_ATTEMPTS, RetryAdvice, retry_advice, retry_advice_for_api};
