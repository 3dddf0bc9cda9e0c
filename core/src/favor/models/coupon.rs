//! Coupons (券): the coupon model, its pages, and the send, get and user-coupons endpoints.

use serde::{Deserialize, Serialize};

use super::enums::{BusinessType, CouponStatus, CouponStatusQuery, CouponType};
use super::lenient;
use super::rules::{CutToMessage, FixedNormalCoupon};

/// A coupon (§1.11): get-coupon response and user-coupons element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Coupon {
    /// Creator mchid.
    pub stock_creator_mchid: String,
    /// Stock id.
    pub stock_id: String,
    /// Coupon id (absent from the Go/Java models, present in every doc example; optional here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_id: Option<String>,
    /// Cut-to settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_to_message: Option<CutToMessage>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub coupon_name: String,
    /// Status.
    pub status: CouponStatus,
    /// Description.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub description: String,
    /// Time the user received it.
    pub create_time: String,
    /// Coupon type.
    pub coupon_type: CouponType,
    /// 免充值; old examples send `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_cash: Option<bool>,
    /// Start of validity.
    pub available_begin_time: String,
    /// End of validity.
    pub available_end_time: String,
    /// Single-item coupon; old examples send `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub singleitem: Option<bool>,
    /// Face value and threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_coupon_information: Option<FixedNormalCoupon>,
    /// Use details, once used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_information: Option<ConsumeInformation>,
    /// Sender's request number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_request_no: Option<String>,
    /// 消费金 remaining balance (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_balance: Option<i64>,
    /// `MULTIUSE` for 消费金.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_type: Option<BusinessType>,
    /// Listed by \[IM\] only (UNVERIFIED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Listed by \[IM\] only (UNVERIFIED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<String>,
}

pub use crate::favor::events::{ConsumeInformation, GoodsDetail};

/// A page of coupons (§1.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CouponCollection {
    /// This page (absent or `null` = empty).
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data: Vec<Coupon>,
    /// Total number of matching coupons.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub total_count: i64,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub limit: i64,
    /// Offset of this page.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub offset: i64,
}

/// Send coupon request (§3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SendCouponRequest {
    /// Path: the user's openid under `appid` (case-sensitive).
    #[serde(default, skip_serializing)]
    pub openid: String,
    /// Stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
    /// Sender's idempotency key.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub out_request_no: String,
    /// Appid bound to the calling mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub appid: String,
    /// Creator of the stock.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_creator_mchid: String,
    /// Specified face value ("暂未开放"; do not send normally).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub coupon_value: Option<i64>,
    /// Specified threshold ("暂未开放").
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub coupon_minimum: Option<i64>,
}

/// Send coupon response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SendCouponResponse {
    /// The issued coupon id.
    pub coupon_id: String,
}

/// Get coupon request (§3.9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetCouponRequest {
    /// Path: openid (case-sensitive).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub openid: String,
    /// Path: coupon id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub coupon_id: String,
    /// Query: appid the openid belongs to.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub appid: String,
}

/// User coupons request (§3.12).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListUserCouponsRequest {
    /// Path: openid (case-sensitive).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub openid: String,
    /// Appid the openid belongs to.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub appid: String,
    /// Stock filter (ignored with `available_mchid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_id: Option<String>,
    /// Status filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CouponStatusQuery>,
    /// Coupons of stocks this merchant created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_mchid: Option<String>,
    /// Coupons this merchant sent ("暂未开放").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_mchid: Option<String>,
    /// Usable coupons at this merchant (paging ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_mchid: Option<String>,
    /// Offset (default 0).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub offset: Option<i64>,
    /// Page size (default 20).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit: Option<i64>,
    /// `MULTIUSE` to query 消费金.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_type: Option<BusinessType>,
}
