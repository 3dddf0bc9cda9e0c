//! 代金券 notifications: the typed `COUPON.USE` event (核销事件, favor-endpoints.md §4) and a
//! dispatcher that returns any other `event_type` as envelope plus plaintext.
//!
//! Flow: [`Client::notification_envelope`](crate::Client::notification_envelope) reads `event_type` before anything is decrypted (read
//! it only to route; trust it only after verification); [`Favor::parse_coupon_notification`](crate::favor::Favor::parse_coupon_notification)
//! verifies the raw body, decrypts the resource and types it; answer WeChat Pay with
//! [`crate::Acknowledgement::for_result`]. Deliveries repeat (once a minute, 9 times): dedupe on the
//! envelope `id` or on (`coupon_id`, `event_type`).
//!
//! The decoder is a tolerant reader, because an event it refuses is answered with a non-2xx
//! acknowledgement, delivered nine more times and then lost: unknown fields are ignored, `status`
//! and `coupon_type` are kept as the raw strings (known values in [`coupon_status`] and
//! [`coupon_type`]), the old notification example's `state` is read as `status`, integers are
//! accepted as JSON numbers or numeric strings, and every field may be `null` or absent (read as
//! the empty value, as Go's decoder does). Only `stock_creator_mchid`, `stock_id` and
//! `coupon_id` are required: without them the event cannot be attributed.

use serde::Deserialize;

use crate::error::{DecodeError, Result};
use crate::lenient::{i64_or_zero, opt_bool, opt_i64, or_default, vec_or_null};
use crate::notify::{Notification, NotificationEnvelope};

/// The `event_type` of a coupon use.
pub const COUPON_USE: &str = "COUPON.USE";

/// Known `status` values (`CouponStatus`); others are kept as sent.
pub mod coupon_status {
    /// 可用 (sent, not used).
    pub const SENDED: &str = "SENDED";
    /// 已实扣 (used).
    pub const USED: &str = "USED";
    /// 已过期.
    pub const EXPIRED: &str = "EXPIRED";
    /// 已回收 (listed by some sources only).
    pub const RECOVER: &str = "RECOVER";
    /// 已撤销 (revoked; named by the review of the official models, issue 9).
    pub const REVOKED: &str = "REVOKED";
}

/// Known `coupon_type` values (`CouponType`); others are kept as sent.
pub mod coupon_type {
    /// 满减券.
    pub const NORMAL: &str = "NORMAL";
    /// 减至券.
    pub const CUT_TO: &str = "CUT_TO";
}

/// One goods line of the paid order (`goods_detail[]`). Every field may be absent or `null`
/// (read as `""` / 0): a line the decoder cannot read would lose the whole event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoodsDetail {
    /// SKU code.
    #[serde(default, deserialize_with = "or_default")]
    pub goods_id: String,
    /// Quantity.
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub quantity: i64,
    /// Unit price, fen.
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub price: i64,
    /// Discount on this line, fen.
    #[serde(default, deserialize_with = "i64_or_zero")]
    pub discount_amount: i64,
}

/// Where and when the coupon was used (`consume_information`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsumeInformation {
    /// Use time (RFC 3339).
    #[serde(default, deserialize_with = "or_default")]
    pub consume_time: String,
    /// Merchant that redeemed (for indirect modes a UnionPay/NetsUnion mchid).
    #[serde(default, deserialize_with = "or_default")]
    pub consume_mchid: String,
    /// WeChat Pay order number.
    #[serde(default, deserialize_with = "or_default")]
    pub transaction_id: String,
    /// Amount consumed, fen (消费金 / `business_type = MULTIUSE` only).
    #[serde(default, deserialize_with = "opt_i64")]
    pub consume_amount: Option<i64>,
    /// Goods passed in the payment order.
    #[serde(default, deserialize_with = "vec_or_null")]
    pub goods_detail: Vec<GoodsDetail>,
}

/// Single-item discount limit (`singleitem_discount_off`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SingleitemDiscountOff {
    /// Maximum discounted price per item, fen.
    #[serde(default, deserialize_with = "opt_i64")]
    pub single_price_max: Option<i64>,
}

/// Cut-to coupon terms (`discount_to`, 减至券 only).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiscountTo {
    /// Price the item is cut to, fen.
    #[serde(default, deserialize_with = "opt_i64")]
    pub cut_to_price: Option<i64>,
    /// Highest original price eligible, fen.
    #[serde(default, deserialize_with = "opt_i64")]
    pub max_price: Option<i64>,
}

/// Fixed-amount coupon terms (`normal_coupon_information`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NormalCouponInformation {
    /// Face value, fen.
    #[serde(default, deserialize_with = "opt_i64")]
    pub coupon_amount: Option<i64>,
    /// Minimum order amount, fen.
    #[serde(default, deserialize_with = "opt_i64")]
    pub transaction_minimum: Option<i64>,
}

/// The decrypted `COUPON.USE` resource (favor-endpoints.md §4).
///
/// `status` is also read from `state` (the old official notification example's key); when both
/// keys come, a non-empty `status` wins.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "CouponUseEventWire")]
pub struct CouponUseEvent {
    /// Merchant that created the stock.
    pub stock_creator_mchid: String,
    /// Batch id.
    pub stock_id: String,
    /// Coupon id.
    pub coupon_id: String,
    /// Single-item discount limit.
    pub singleitem_discount_off: Option<SingleitemDiscountOff>,
    /// Cut-to terms (减至券).
    pub discount_to: Option<DiscountTo>,
    /// Coupon name.
    pub coupon_name: String,
    /// Coupon status, normally `USED` (see [`coupon_status`]; unknown values kept); read from
    /// `status`, or from `state` when `status` is absent, `null` or empty.
    pub status: String,
    /// Description.
    pub description: String,
    /// Time the user received the coupon (RFC 3339).
    pub create_time: String,
    /// `NORMAL` or `CUT_TO` (see [`coupon_type`]; unknown values kept).
    pub coupon_type: String,
    /// Whether the coupon is 免充值 (no cash settlement); `None` when absent or `null`.
    pub no_cash: Option<bool>,
    /// Start of validity (RFC 3339).
    pub available_begin_time: String,
    /// End of validity (RFC 3339).
    pub available_end_time: String,
    /// Whether it is a 单品券; `None` when absent or `null`.
    pub singleitem: Option<bool>,
    /// Fixed-amount terms.
    pub normal_coupon_information: Option<NormalCouponInformation>,
    /// Use details.
    pub consume_information: Option<ConsumeInformation>,
    /// `MULTIUSE` (消费金) when sent; absent otherwise.
    pub business_type: Option<String>,
}

/// The `COUPON.USE` resource as it arrives: [`CouponUseEvent`]'s fields plus `state`.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct CouponUseEventWire {
    stock_creator_mchid: String,
    stock_id: String,
    coupon_id: String,
    #[serde(default)]
    singleitem_discount_off: Option<SingleitemDiscountOff>,
    #[serde(default)]
    discount_to: Option<DiscountTo>,
    #[serde(default, deserialize_with = "or_default")]
    coupon_name: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default, deserialize_with = "or_default")]
    description: String,
    #[serde(default, deserialize_with = "or_default")]
    create_time: String,
    #[serde(default, deserialize_with = "or_default")]
    coupon_type: String,
    #[serde(default, deserialize_with = "opt_bool")]
    no_cash: Option<bool>,
    #[serde(default, deserialize_with = "or_default")]
    available_begin_time: String,
    #[serde(default, deserialize_with = "or_default")]
    available_end_time: String,
    #[serde(default, deserialize_with = "opt_bool")]
    singleitem: Option<bool>,
    #[serde(default)]
    normal_coupon_information: Option<NormalCouponInformation>,
    #[serde(default)]
    consume_information: Option<ConsumeInformation>,
    #[serde(default)]
    business_type: Option<String>,
}

impl From<CouponUseEventWire> for CouponUseEvent {
    fn from(w: CouponUseEventWire) -> Self {
        let status = w.status.filter(|s| !s.is_empty()).or(w.state).unwrap_or_default();
        Self {
            stock_creator_mchid: w.stock_creator_mchid,
            stock_id: w.stock_id,
            coupon_id: w.coupon_id,
            singleitem_discount_off: w.singleitem_discount_off,
            discount_to: w.discount_to,
            coupon_name: w.coupon_name,
            status,
            description: w.description,
            create_time: w.create_time,
            coupon_type: w.coupon_type,
            no_cash: w.no_cash,
            available_begin_time: w.available_begin_time,
            available_end_time: w.available_end_time,
            singleitem: w.singleitem,
            normal_coupon_information: w.normal_coupon_information,
            consume_information: w.consume_information,
            business_type: w.business_type,
        }
    }
}

impl CouponUseEvent {
    /// Decodes the decrypted plaintext JSON. The error names the JSON position and what was
    /// expected; it never quotes the plaintext (kept on [`DecodeError::body`] only).
    pub fn from_json(plaintext: &str) -> Result<Self, DecodeError> {
        serde_json::from_str(plaintext).map_err(|e| DecodeError {
            what: "COUPON.USE resource".into(),
            reason: safe_reason(&e),
            body: plaintext.as_bytes().to_vec(),
        })
    }

    /// Whether `status` is `USED`.
    pub fn is_used(&self) -> bool {
        self.status == coupon_status::USED
    }
}

/// A verified, decrypted 代金券 notification.
// One value per notification: keeping `event` unboxed makes matching simpler than saving bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponEvent {
    /// `COUPON.USE`, typed.
    CouponUse {
        /// The envelope (id, create_time, event_type, …).
        envelope: NotificationEnvelope,
        /// The decrypted event.
        event: CouponUseEvent,
    },
    /// Any other `event_type`, with the decrypted JSON text as sent.
    Other {
        /// The envelope.
        envelope: NotificationEnvelope,
        /// Decrypted resource (JSON text).
        plaintext: String,
    },
}

impl CouponEvent {
    /// Types a verified and decrypted [`Notification`] by its `event_type`.
    pub fn from_notification(notification: Notification) -> Result<Self, DecodeError> {
        let Notification {
            envelope, plaintext, ..
        } = notification;
        if envelope.event_type == COUPON_USE {
            let event = CouponUseEvent::from_json(&plaintext)?;
            Ok(CouponEvent::CouponUse { envelope, event })
        } else {
            Ok(CouponEvent::Other { envelope, plaintext })
        }
    }

    /// The envelope.
    pub fn envelope(&self) -> &NotificationEnvelope {
        match self {
            CouponEvent::CouponUse { envelope, .. } | CouponEvent::Other { envelope, .. } => envelope,
        }
    }

    /// The `event_type`.
    pub fn event_type(&self) -> &str {
        &self.envelope().event_type
    }
}

/// A decode error message without any input text: serde_json's messages may quote values.
fn safe_reason(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let head = msg.split(" at line ").next().unwrap_or("");
    let quoted_value = head.contains("invalid type") || head.contains("invalid value") || head.contains("unknown");
    let what = if quoted_value {
        match head.split_once(", expected ") {
            Some((_, expected)) => format!("unexpected value, expected {expected}"),
            None => "unexpected value".to_owned(),
        }
    } else {
        head.to_owned()
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}
