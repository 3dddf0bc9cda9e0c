//! A coupon campaign in Rust against the sandbox (or WeChat Pay): the client comes from
//! `merchant.json` ([`wechatpay_coupons::Client::from_config`]), requests go out with ureq 3
//! through the core's `http`-crate conversions, and an axum server receives the `COUPON.USE`
//! notification.
//!
//! ```sh
//! cargo run -p wechatpay-coupons-cli -- sandbox --dir /tmp/merchant --bills-anytime &
//! cargo run -p wechatpay-coupons-examples --bin campaign -- /tmp/merchant
//! ```

pub mod campaign;
pub mod readme;
pub mod receiver;
pub mod transport;

/// Any error of the example, with its message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
