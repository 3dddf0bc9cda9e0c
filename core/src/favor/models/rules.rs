//! Objects shared by requests and responses (favor-endpoints.md §1): issuing and use rules,
//! display settings, face value and threshold.

use serde::{Deserialize, Serialize};

use super::enums::{BackgroundColor, CouponType, JumpTarget, TradeType};
use super::lenient;

/// `stock_use_rule` of create stock (§1.1; Go/Java `StockRule`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StockRule {
    /// Total coupons the stock may issue (required).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_coupons: Option<i64>,
    /// Total budget in fen (required; `coupon_amount × max_coupons`).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_amount: Option<i64>,
    /// Daily budget cap in fen.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_amount_by_day: Option<i64>,
    /// Coupons one user may receive (required).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_coupons_per_user: Option<i64>,
    /// Count accounts bound to the same ID card as one user (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub natural_person_limit: Option<bool>,
    /// Refuse risky users (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevent_api_abuse: Option<bool>,
}

/// `stock_use_rule` in a [`Stock`](super::Stock) (§1.2): the union of the \[GO\] and \[IM\] field sets, all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StockUseRule {
    /// Total coupons.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_coupons: Option<i64>,
    /// Total budget (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_amount: Option<i64>,
    /// Daily budget (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_amount_by_day: Option<i64>,
    /// Face value and threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_normal_coupon: Option<FixedNormalCoupon>,
    /// Coupons per user.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_coupons_per_user: Option<i64>,
    /// Coupon type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_type: Option<CouponType>,
    /// Goods tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_tag: Option<Vec<String>>,
    /// Payment scenes (a bare string is read as a one-item list).
    #[serde(
        default,
        deserialize_with = "lenient::opt_one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub trade_type: Option<Vec<TradeType>>,
    /// Combinable with other coupons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combine_use: Option<bool>,
    /// Request-side field some sources list here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub natural_person_limit: Option<bool>,
    /// Request-side field some sources list here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevent_api_abuse: Option<bool>,
}

/// `pattern_info` (§1.3): how the coupon is displayed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PatternInfo {
    /// Usage rules shown on the coupon page (required when `pattern_info` is sent).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub description: String,
    /// Logo URL from the image-upload API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_logo: Option<String>,
    /// Brand name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
    /// Background colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<BackgroundColor>,
    /// Coupon image URL from the image-upload API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_image: Option<String>,
    /// Jump target (server default `DEFAULT_PAGE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jump_target: Option<JumpTarget>,
    /// Mini-program appid (with `MINI_PROGRAM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mini_program_appid: Option<String>,
    /// Mini-program path (with `MINI_PROGRAM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mini_program_path: Option<String>,
}

/// `coupon_use_rule` (§1.4): where and how the coupon can be used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CouponUseRule {
    /// When the coupon is valid after receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_available_time: Option<CouponAvailableTime>,
    /// Face value and threshold (required: only `NORMAL` stocks exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_normal_coupon: Option<FixedNormalCoupon>,
    /// Order goods tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_tag: Option<Vec<String>>,
    /// Payment method (exactly one item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_pay: Option<Vec<String>>,
    /// Bank card limitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_card: Option<CardLimitation>,
    /// Payment scenes; absent = unrestricted.
    #[serde(
        default,
        deserialize_with = "lenient::opt_one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub trade_type: Option<Vec<TradeType>>,
    /// Combinable with the creator's other coupons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combine_use: Option<bool>,
    /// Eligible SKU codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_items: Option<Vec<String>>,
    /// Excluded SKU codes ("暂未开放").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable_items: Option<Vec<String>>,
    /// Merchants where the coupon can be used: a JSON array of mchid strings (the product
    /// guide's sample `["0":"…"]` is not valid JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_merchants: Option<Vec<String>>,
    /// Listed by \[IM\]/\[TNM\] only; never send it (only `NORMAL` stocks are supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_coupon: Option<DiscountCoupon>,
    /// Listed by \[IM\]/\[TNM\] only; never send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_coupon: Option<ExchangeCoupon>,
}

/// `discount_coupon` (listed by \[IM\]/\[TNM\] only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiscountCoupon {
    /// Largest discount (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_amount_max: Option<i64>,
    /// Discount percent.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount_percent: Option<i64>,
    /// Threshold (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_minimum: Option<i64>,
}

/// `exchange_coupon` (listed by \[IM\]/\[TNM\] only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExchangeCoupon {
    /// Exchange price (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub exchange_price: Option<i64>,
    /// Threshold (fen).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_minimum: Option<i64>,
}

/// `coupon_available_time` (§1.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CouponAvailableTime {
    /// Fixed weekly time window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_available_time: Option<FixAvailableTime>,
    /// Valid from 00:00 of the day after receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_day_available: Option<bool>,
    /// Validity after receipt in minutes (1–1440).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_time_after_receive: Option<i64>,
    /// Listed by \[IM\]/\[TNM\] only (UNVERIFIED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_begin_time: Option<String>,
    /// Listed by \[IM\]/\[TNM\] only (UNVERIFIED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_end_time: Option<String>,
}

/// `fix_available_time` (§1.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FixAvailableTime {
    /// Week days 0–6 (0 = Sunday). Written as an array; a single integer is read as one item
    /// (sources disagree; the array form is the tolerant choice).
    #[serde(
        default,
        deserialize_with = "lenient::opt_vec_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_week_day: Option<Vec<i64>>,
    /// Start, in seconds of the day.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub begin_time: Option<i64>,
    /// End, in seconds of the day (server default 86399).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<i64>,
}

/// `fixed_normal_coupon` / `normal_coupon_information` (§1.7): face value and threshold in fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FixedNormalCoupon {
    /// Face value (面额).
    #[serde(deserialize_with = "lenient::i64")]
    pub coupon_amount: i64,
    /// Threshold (门槛).
    #[serde(deserialize_with = "lenient::i64")]
    pub transaction_minimum: i64,
}

/// `limit_card` (§1.8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CardLimitation {
    /// Card name shown at checkout (≤ 4 Chinese chars).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub name: String,
    /// Card BINs (1–10 items of 6–9 chars).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub bin: Vec<String>,
}

/// `cut_to_message` (§1.9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CutToMessage {
    /// Largest unit price eligible (fen).
    #[serde(deserialize_with = "lenient::i64")]
    pub single_price_max: i64,
    /// Unit price after the discount (fen).
    #[serde(deserialize_with = "lenient::i64")]
    pub cut_to_price: i64,
}

/// One entry of `available_region_list` (消费金).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AvailableRegion {
    /// Region kind, e.g. `PROVINCE`.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub kind: Option<String>,
    /// Province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// District.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}
