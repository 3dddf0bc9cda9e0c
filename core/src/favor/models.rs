//! Typed request and response models of the 代金券 endpoints (favor-endpoints.md §1, §2, §3).
//!
//! Readers are tolerant: unknown fields are ignored, unknown enum values are kept as
//! `Unknown(raw)`, integers are accepted as JSON numbers or numeric strings, `trade_type` as a
//! string or an array. Writers are exact: optional fields are omitted (never `null` or `""`),
//! lists such as `available_merchants` are JSON arrays of strings.
//!
//! Request fields that the server requires but that a caller may forget (numbers and booleans
//! of `stock_use_rule`, `no_cash`, …) are `Option`s: validation reports a missing one with its
//! rule id together with every other violation instead of failing on the first one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---------------------------------------------------------------------------------------------
// Lenient readers
// ---------------------------------------------------------------------------------------------

/// Serde helpers for tolerant decoding (numbers as strings, one-or-many lists).
pub mod lenient {
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer};
    use std::fmt;

    /// An `i64` that also accepts a numeric string (`"200"`) or an integral float (`200.0`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct LenientI64(pub i64);

    impl<'de> Deserialize<'de> for LenientI64 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = LenientI64;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an integer or a string holding an integer")
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientI64, E> {
                    Ok(LenientI64(v))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientI64, E> {
                    i64::try_from(v)
                        .map(LenientI64)
                        .map_err(|_| E::custom("integer out of range"))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientI64, E> {
                    if v.fract() == 0.0 && v.abs() < 9.0e15 {
                        Ok(LenientI64(v as i64))
                    } else {
                        Err(E::custom("expected an integer, found a fraction"))
                    }
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientI64, E> {
                    v.trim()
                        .parse::<i64>()
                        .map(LenientI64)
                        .map_err(|_| E::custom(format!("expected an integer, found the string {v:?}")))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// Reads an `i64` from a number or a numeric string.
    pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        LenientI64::deserialize(d).map(|v| v.0)
    }

    /// Reads an optional `i64` (absent, `null`, number or numeric string).
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(Option::<LenientI64>::deserialize(d)?.map(|v| v.0))
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }

    /// Reads an optional list that may also arrive as a single value (`"MICROAPP"` or `3`).
    pub fn opt_one_or_many<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<OneOrMany<T>>::deserialize(d)?.map(|v| match v {
            OneOrMany::Many(v) => v,
            OneOrMany::One(x) => vec![x],
        }))
    }

    /// Reads an optional list of integers, each a number or numeric string; a single value is
    /// read as a one-item list.
    pub fn opt_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
        Ok(opt_one_or_many::<D, LenientI64>(d)?.map(|v| v.into_iter().map(|x| x.0).collect()))
    }

    /// Reads a list that may be absent or `null` (then empty).
    pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

/// Parses an RFC 3339 time as WeChat Pay writes it — `2015-05-20T13:29:35+08:00`,
/// `2015-05-20T13:29:35.120+08:00`, `…Z` or `….120Z` — to Unix seconds (fraction dropped).
/// Returns `None` for anything else (no offset, a space instead of `T`, …).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Whether an RFC 3339 time names an explicit numeric offset (`+08:00`) rather than `Z`.
pub fn has_numeric_offset(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':'
}

// ---------------------------------------------------------------------------------------------
// Open enums
// ---------------------------------------------------------------------------------------------

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+ }) => {
        $(#[$meta])*
        ///
        /// Unknown values are kept as [`Self::Unknown`] with the raw string and written back as is.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`")] $variant, )+
            /// A value this version does not know (kept verbatim).
            Unknown(String),
        }

        impl $name {
            /// Every known value, in documentation order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// Reads a wire value (exact match; anything else becomes [`Self::Unknown`]).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// Whether this is a value of the documented set.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}

open_enum! {
    /// Stock status (`Stock.status`, list-stocks `status` filter); lower-case on the wire.
    StockStatus {
        /// 未激活
        Unactivated = "unactivated",
        /// 审核中
        Audit = "audit",
        /// 运行中
        Running = "running",
        /// 已停止 (official spelling)
        Stoped = "stoped",
        /// 暂停发放
        Paused = "paused",
    }
}

open_enum! {
    /// Stock type accepted by create stock: only `NORMAL` (SDK comments name others the server refuses).
    StockTypeReq {
        /// 代金券批次
        Normal = "NORMAL",
    }
}

open_enum! {
    /// Stock type in responses.
    StockTypeResp {
        /// 代金券批次
        Normal = "NORMAL",
        /// 立减与折扣
        DiscountCut = "DISCOUNT_CUT",
        /// 其他
        Other = "OTHER",
    }
}

open_enum! {
    /// Coupon status in responses and notifications (`RECOVER` per \[IM\]/\[TNM\] only).
    CouponStatus {
        /// 可用
        Sended = "SENDED",
        /// 已实扣
        Used = "USED",
        /// 已过期
        Expired = "EXPIRED",
        /// 已回收
        Recover = "RECOVER",
    }
}

open_enum! {
    /// `status` filter of the user-coupons query.
    CouponStatusQuery {
        /// Usable coupons
        Sended = "SENDED",
        /// Usable and used coupons
        Used = "USED",
    }
}

open_enum! {
    /// Coupon type.
    CouponType {
        /// 满减券
        Normal = "NORMAL",
        /// 减至券
        CutTo = "CUT_TO",
    }
}

open_enum! {
    /// Payment scene a coupon is limited to.
    TradeType {
        /// 小程序支付
        Microapp = "MICROAPP",
        /// APP支付
        Apppay = "APPPAY",
        /// 免密支付
        Ppay = "PPAY",
        /// 刷卡/付款码支付
        Card = "CARD",
        /// 人脸支付
        Face = "FACE",
        /// 其他 (公众号, 扫码…)
        Other = "OTHER",
    }
}

open_enum! {
    /// Coupon background colour (upper-case per the Go/Java SDKs; the mixed-case `Color010`
    /// spelling of \[IM\]/\[TNM\] decodes as `Unknown` and validation accepts it case-insensitively).
    BackgroundColor {
        /// COLOR010
        Color010 = "COLOR010",
        /// COLOR020
        Color020 = "COLOR020",
        /// COLOR030
        Color030 = "COLOR030",
        /// COLOR040
        Color040 = "COLOR040",
        /// COLOR050
        Color050 = "COLOR050",
        /// COLOR060
        Color060 = "COLOR060",
        /// COLOR070
        Color070 = "COLOR070",
        /// COLOR080
        Color080 = "COLOR080",
        /// COLOR081
        Color081 = "COLOR081",
        /// COLOR082
        Color082 = "COLOR082",
        /// COLOR090
        Color090 = "COLOR090",
        /// COLOR100
        Color100 = "COLOR100",
        /// COLOR101
        Color101 = "COLOR101",
        /// COLOR102
        Color102 = "COLOR102",
    }
}

open_enum! {
    /// Where the coupon page jumps to.
    JumpTarget {
        /// 付款码
        PaymentCode = "PAYMENT_CODE",
        /// 小程序
        MiniProgram = "MINI_PROGRAM",
        /// 默认页
        DefaultPage = "DEFAULT_PAGE",
    }
}

open_enum! {
    /// Business type (`MULTIUSE` = 消费金).
    BusinessType {
        /// 消费金
        Multiuse = "MULTIUSE",
    }
}

open_enum! {
    /// Digest algorithm of a flow file (`SHA1`; compare with [`HashType::is_sha1`], which
    /// ignores case as the doc writes `sha1`).
    HashType {
        /// SHA-1
        Sha1 = "SHA1",
    }
}

impl Default for HashType {
    /// SHA-1, the only digest the flow files use (a missing `hash_type` is read as SHA-1).
    fn default() -> Self {
        HashType::Sha1
    }
}

impl HashType {
    /// Whether this names SHA-1, ignoring case.
    pub fn is_sha1(&self) -> bool {
        self.as_str().eq_ignore_ascii_case("sha1")
    }
}

open_enum! {
    /// Budget deduction method (present in SDK models, not used by these endpoints).
    DeductBalanceMethod {
        /// 批量扣款
        BatchDeduct = "BATCH_DEDUCT",
        /// 实时扣款
        RealtimeDeduct = "REALTIME_DEDUCT",
    }
}

open_enum! {
    /// Status of 立减金 (platform-favor) stocks — other APIs, listed for completeness.
    PlatformFavorStockStatus {
        /// Not activated
        Unactivated = "UNACTIVATED",
        /// Running
        Running = "RUNNING",
        /// Paused
        Paused = "PAUSED",
        /// Expired
        Expired = "EXPIRED",
    }
}

// ---------------------------------------------------------------------------------------------
// Shared objects (§1)
// ---------------------------------------------------------------------------------------------

/// `stock_use_rule` of create stock (§1.1; Go/Java `StockRule`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// `stock_use_rule` in a [`Stock`] (§1.2): the union of the \[GO\] and \[IM\] field sets, all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct PatternInfo {
    /// Usage rules shown on the coupon page (required when `pattern_info` is sent).
    #[serde(default)]
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
pub struct CardLimitation {
    /// Card name shown at checkout (≤ 4 Chinese chars).
    #[serde(default)]
    pub name: String,
    /// Card BINs (1–10 items of 6–9 chars).
    #[serde(default)]
    pub bin: Vec<String>,
}

/// `cut_to_message` (§1.9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// A stock (§1.10): get-stock response and list-stocks element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stock {
    /// Stock id.
    pub stock_id: String,
    /// Creator mchid.
    pub stock_creator_mchid: String,
    /// Name.
    pub stock_name: String,
    /// Status.
    pub status: StockStatus,
    /// Creation time (RFC 3339).
    pub create_time: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_use_rule: Option<StockUseRule>,
    /// Start of availability.
    pub available_begin_time: String,
    /// End of availability.
    pub available_end_time: String,
    /// Coupons issued so far.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub distributed_coupons: i64,
    /// 免充值 (`true`) or 预充值 (`false`); `null` reads as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_cash: Option<bool>,
    /// Activation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Permanent stop time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<String>,
    /// Cut-to settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_to_message: Option<CutToMessage>,
    /// Single-item discount; `null` reads as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub singleitem: Option<bool>,
    /// Stock type.
    pub stock_type: StockTypeResp,
    /// WeChat card-package id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    /// `MULTIUSE` for 消费金.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_type: Option<BusinessType>,
    /// 消费金 regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_region_list: Option<Vec<AvailableRegion>>,
    /// 消费金 industries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_industry_list: Option<Vec<String>>,
}

/// A coupon (§1.11): get-coupon response and user-coupons element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub coupon_name: String,
    /// Status.
    pub status: CouponStatus,
    /// Description.
    #[serde(default)]
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

pub use super::events::{ConsumeInformation, GoodsDetail};

/// A page of stocks (§1.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockCollection {
    /// Total number of matching stocks.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub total_count: i64,
    /// This page (absent or `null` = empty).
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data: Vec<Stock>,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub limit: i64,
    /// Offset of this page.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub offset: i64,
}

/// A page of coupons (§1.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponCollection {
    /// This page (absent or `null` = empty).
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data: Vec<Coupon>,
    /// Total number of matching coupons.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub total_count: i64,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub limit: i64,
    /// Offset of this page.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub offset: i64,
}

/// A page of strings with the stock id: available merchants (mchids) or items (goods codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockStringCollection {
    /// Total count.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub total_count: i64,
    /// This page (absent or `null` = empty).
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data: Vec<String>,
    /// Offset of this page.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub offset: i64,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub limit: i64,
    /// Stock id.
    #[serde(default)]
    pub stock_id: String,
}

/// Available merchants of a stock (`data` = mchids).
pub type AvailableMerchantCollection = StockStringCollection;
/// Available single items of a stock (`data` = goods codes).
pub type AvailableSingleitemCollection = StockStringCollection;

// ---------------------------------------------------------------------------------------------
// Endpoint requests and responses (§3)
// ---------------------------------------------------------------------------------------------

/// Create stock request (§3.1), the JSON body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateStockRequest {
    /// Name (≤ 9 Chinese chars or ≤ 20 letters; none of `_ , ; |`).
    #[serde(default)]
    pub stock_name: String,
    /// Note visible to the creator only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The calling (creator) mchid.
    #[serde(default)]
    pub belong_merchant: String,
    /// Start (RFC 3339, not before now, ≤ 365 days ahead).
    #[serde(default)]
    pub available_begin_time: String,
    /// End (RFC 3339, ≤ 90 days after the start).
    #[serde(default)]
    pub available_end_time: String,
    /// Issuing rules.
    #[serde(default)]
    pub stock_use_rule: StockRule,
    /// Display settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_info: Option<PatternInfo>,
    /// Use rules.
    #[serde(default)]
    pub coupon_use_rule: CouponUseRule,
    /// `true` = 免充值, `false` = 预充值 (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_cash: Option<bool>,
    /// Always `NORMAL`.
    #[serde(default = "normal_stock_type")]
    pub stock_type: StockTypeReq,
    /// Idempotency key (see [`crate::Client::out_request_no`]).
    #[serde(default)]
    pub out_request_no: String,
    /// JSON text ("暂未开放").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_info: Option<String>,
}

fn normal_stock_type() -> StockTypeReq {
    StockTypeReq::Normal
}

// The enum is generated by `open_enum!`, which cannot place `#[default]` on one variant.
#[allow(clippy::derivable_impls)]
impl Default for StockTypeReq {
    fn default() -> Self {
        StockTypeReq::Normal
    }
}

/// Create stock response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateStockResponse {
    /// The new stock id.
    pub stock_id: String,
    /// Creation time.
    pub create_time: String,
}

macro_rules! stock_action {
    ($(#[$m:meta])* $req:ident, $(#[$rm:meta])* $resp:ident, $time:ident $(, alias $alias:literal)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $req {
            /// Path: the stock id.
            #[serde(default, skip_serializing)]
            pub stock_id: String,
            /// Body: the creator mchid.
            #[serde(default)]
            pub stock_creator_mchid: String,
        }

        impl $req {
            /// A request for `stock_id` created by `stock_creator_mchid`.
            pub fn new(stock_id: impl Into<String>, stock_creator_mchid: impl Into<String>) -> Self {
                Self { stock_id: stock_id.into(), stock_creator_mchid: stock_creator_mchid.into() }
            }
        }

        $(#[$rm])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $resp {
            /// When it took effect.
            #[serde(default $(, alias = $alias)?)]
            pub $time: String,
            /// Stock id.
            #[serde(default)]
            pub stock_id: String,
        }
    };
}

stock_action!(
    /// Start (activate) stock request (§3.2).
    StartStockRequest,
    /// Start stock response.
    StartStockResponse,
    start_time
);
stock_action!(
    /// Pause stock request (§3.4).
    PauseStockRequest,
    /// Pause stock response (the \[SKIT\] sample's `start_time` is accepted as `pause_time`).
    PauseStockResponse,
    pause_time,
    alias "start_time"
);
stock_action!(
    /// Restart stock request (§3.5).
    RestartStockRequest,
    /// Restart stock response.
    RestartStockResponse,
    restart_time
);
stock_action!(
    /// Stop stock request (§3.6; UNVERIFIED against docs, present in the official SDKs).
    StopStockRequest,
    /// Stop stock response.
    StopStockResponse,
    stop_time
);

/// Send coupon request (§3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendCouponRequest {
    /// Path: the user's openid under `appid` (case-sensitive).
    #[serde(default, skip_serializing)]
    pub openid: String,
    /// Stock id.
    #[serde(default)]
    pub stock_id: String,
    /// Sender's idempotency key.
    #[serde(default)]
    pub out_request_no: String,
    /// Appid bound to the calling mchid.
    #[serde(default)]
    pub appid: String,
    /// Creator of the stock.
    #[serde(default)]
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
pub struct SendCouponResponse {
    /// The issued coupon id.
    pub coupon_id: String,
}

/// List stocks request (§3.7); every field goes to the query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListStocksRequest {
    /// Page index starting at 0 (DOC-LIST-STOCKS: "页码").
    #[serde(default, deserialize_with = "lenient::i64")]
    pub offset: i64,
    /// Page size, 1–10.
    #[serde(default, deserialize_with = "lenient::i64")]
    pub limit: i64,
    /// Creator mchid.
    #[serde(default)]
    pub stock_creator_mchid: String,
    /// Created at or after (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_start_time: Option<String>,
    /// Created at or before (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_end_time: Option<String>,
    /// Status filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StockStatus>,
}

/// Get stock request (§3.8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetStockRequest {
    /// Path: stock id.
    #[serde(default)]
    pub stock_id: String,
    /// Query: creator mchid.
    #[serde(default)]
    pub stock_creator_mchid: String,
}

/// Get coupon request (§3.9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetCouponRequest {
    /// Path: openid (case-sensitive).
    #[serde(default)]
    pub openid: String,
    /// Path: coupon id.
    #[serde(default)]
    pub coupon_id: String,
    /// Query: appid the openid belongs to.
    #[serde(default)]
    pub appid: String,
}

/// Stock merchants request (§3.10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListStockMerchantsRequest {
    /// Path: stock id.
    #[serde(default)]
    pub stock_id: String,
    /// Query: offset (0–1000).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub offset: i64,
    /// Query: page size (1–50).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub limit: i64,
    /// Query: creator mchid.
    #[serde(default)]
    pub stock_creator_mchid: String,
}

/// Stock items request (§3.11).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListStockItemsRequest {
    /// Path: stock id.
    #[serde(default)]
    pub stock_id: String,
    /// Query: offset (0–500).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub offset: i64,
    /// Query: page size (1–100).
    #[serde(default, deserialize_with = "lenient::i64")]
    pub limit: i64,
    /// Query: creator mchid.
    #[serde(default)]
    pub stock_creator_mchid: String,
}

/// User coupons request (§3.12).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListUserCouponsRequest {
    /// Path: openid (case-sensitive).
    #[serde(default)]
    pub openid: String,
    /// Appid the openid belongs to.
    #[serde(default)]
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

/// Use-flow request (§3.13).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseFlowRequest {
    /// Path: stock id.
    #[serde(default)]
    pub stock_id: String,
}

/// Refund-flow request (§3.14).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundFlowRequest {
    /// Path: stock id.
    #[serde(default)]
    pub stock_id: String,
}

/// Use-flow / refund-flow response: where to download the file and its digest.
///
/// The JSON response is signed and verified like any other (favor-endpoints §7); only the file
/// download itself is unsigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowFileResponse {
    /// Download URL (valid 30 s); fetch it exactly as given.
    pub url: String,
    /// Hex digest of the file.
    pub hash_value: String,
    /// Digest algorithm (`SHA1`; read as SHA-1 when absent).
    #[serde(default)]
    pub hash_type: HashType,
}

/// Set callback request (§3.17).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCallbackRequest {
    /// The calling (creator) mchid.
    #[serde(default)]
    pub mchid: String,
    /// https URL receiving marketing events.
    #[serde(default)]
    pub notify_url: String,
    /// `true` = push on, `false` = off; absent = on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch: Option<bool>,
}

/// Set callback response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCallbackResponse {
    /// When the setting took effect.
    #[serde(default)]
    pub update_time: String,
    /// The URL now set.
    #[serde(default)]
    pub notify_url: String,
}

/// Get callback request (§3.18).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetCallbackRequest {
    /// Query: the merchant.
    #[serde(default)]
    pub mchid: String,
}

/// Get callback response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetCallbackResponse {
    /// The URL set.
    #[serde(default)]
    pub notify_url: String,
    /// The merchant.
    #[serde(default)]
    pub mchid: String,
}

/// Image upload request (§3.19): a multipart body whose signature covers the `meta` part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageUploadRequest {
    /// File name ending in `.jpg`, `.png` or `.bmp`.
    pub filename: String,
    /// The image bytes (≤ 2 MiB).
    pub bytes: Vec<u8>,
}

pub use crate::media::ImageUploadResponse;

/// Modify item codes request (§3.20).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyItemCodesRequest {
    /// Path: stock id.
    #[serde(default, skip_serializing)]
    pub stock_id: String,
    /// Creator mchid.
    #[serde(default)]
    pub stock_creator_mchid: String,
    /// Codes to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_goods_id_list: Option<Vec<String>>,
    /// Codes to remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_goods_id_list: Option<Vec<String>>,
}

/// Modify item codes response: \[GO\] names `effect_time`, \[IM\] `pause_time`; both are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyItemCodesResponse {
    /// When the change takes effect (\[GO\]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_time: Option<String>,
    /// Same, as \[IM\] names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_time: Option<String>,
    /// Stock id.
    #[serde(default)]
    pub stock_id: String,
}
