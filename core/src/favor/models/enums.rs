//! Open enums: known wire values as variants, anything else kept verbatim.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    ($(#[doc = $doc:literal])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+ }) => {
        $(#[doc = $doc])*
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

        /// An open set: a string that is one of [`Self::KNOWN`] or any other string
        /// (`anyOf` of the known `enum` and a plain string, so generators can name the known
        /// values and still accept new ones).
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                // The type's doc comment, lines joined as rustdoc joins them.
                let description = [$($doc),*].iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
                schemars::json_schema!({
                    "description": description.trim(),
                    "anyOf": [
                        { "type": "string", "enum": Self::KNOWN },
                        { "type": "string" }
                    ]
                })
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
    /// Coupon status in responses and notifications (`RECOVER` per \[IM\]/\[TNM\] only; any other
    /// value is kept as [`CouponStatus::Unknown`]).
    CouponStatus {
        /// 可用
        Sended = "SENDED",
        /// 已实扣
        Used = "USED",
        /// 已过期
        Expired = "EXPIRED",
        /// 已回收
        Recover = "RECOVER",
        /// 已撤销 (revoked; named by the review of the official models, issue 9)
        Revoked = "REVOKED",
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
