//! Stocks (批次): the stock model, its pages, and the requests and responses of the stock
//! endpoints (create, start, pause, restart, stop, queries, flows, item codes).

use serde::{Deserialize, Serialize};

use super::enums::{BusinessType, HashType, StockStatus, StockTypeReq, StockTypeResp};
use super::lenient;
use super::rules::{AvailableRegion, CouponUseRule, CutToMessage, PatternInfo, StockRule, StockUseRule};

/// A stock (§1.10): get-stock response and list-stocks element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub description: String,
    /// Rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_use_rule: Option<StockUseRule>,
    /// Start of availability.
    pub available_begin_time: String,
    /// End of availability.
    pub available_end_time: String,
    /// Coupons issued so far.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
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

/// A page of stocks (§1.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StockCollection {
    /// Total number of matching stocks.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub total_count: i64,
    /// This page (absent or `null` = empty).
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data: Vec<Stock>,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub limit: i64,
    /// Offset of this page.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub offset: i64,
}

/// A page of strings with the stock id: available merchants (mchids) or items (goods codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StockStringCollection {
    /// Total count.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub total_count: i64,
    /// This page (absent or `null` = empty).
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data: Vec<String>,
    /// Offset of this page.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub offset: i64,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub limit: i64,
    /// Stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
}

/// Available merchants of a stock (`data` = mchids).
pub type AvailableMerchantCollection = StockStringCollection;
/// Available single items of a stock (`data` = goods codes).
pub type AvailableSingleitemCollection = StockStringCollection;

/// Create stock request (§3.1), the JSON body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateStockRequest {
    /// Name (≤ 9 Chinese chars or ≤ 20 letters; none of `_ , ; |`).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_name: String,
    /// Note visible to the creator only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The calling (creator) mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub belong_merchant: String,
    /// Start (RFC 3339, not before now, ≤ 365 days ahead).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub available_begin_time: String,
    /// End (RFC 3339, ≤ 90 days after the start).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub available_end_time: String,
    /// Issuing rules.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_use_rule: StockRule,
    /// Display settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_info: Option<PatternInfo>,
    /// Use rules.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub coupon_use_rule: CouponUseRule,
    /// `true` = 免充值, `false` = 预充值 (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_cash: Option<bool>,
    /// Always `NORMAL`.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_type: StockTypeReq,
    /// Idempotency key (see [`crate::favor::Favor::out_request_no`]).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub out_request_no: String,
    /// JSON text ("暂未开放").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_info: Option<String>,
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateStockResponse {
    /// The new stock id.
    pub stock_id: String,
    /// Creation time.
    pub create_time: String,
}

macro_rules! stock_action {
    ($(#[$m:meta])* $req:ident $(, $(#[$rm:meta])* $resp:ident, $time:ident)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub struct $req {
            /// Path: the stock id.
            #[serde(default, skip_serializing)]
            pub stock_id: String,
            /// Body: the creator mchid.
            #[serde(default, deserialize_with = "lenient::or_default")]
            pub stock_creator_mchid: String,
        }

        impl $req {
            /// A request for `stock_id` created by `stock_creator_mchid`.
            pub fn new(stock_id: impl Into<String>, stock_creator_mchid: impl Into<String>) -> Self {
                Self { stock_id: stock_id.into(), stock_creator_mchid: stock_creator_mchid.into() }
            }
        }

        $(
        $(#[$rm])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub struct $resp {
            /// When it took effect.
            #[serde(default, deserialize_with = "lenient::or_default")]
            pub $time: String,
            /// Stock id.
            #[serde(default, deserialize_with = "lenient::or_default")]
            pub stock_id: String,
        }
        )?
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
    PauseStockRequest
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

/// Pause stock response.
///
/// The documented key is `pause_time`; the \[SKIT\] sample names it `start_time`. Both keys are
/// read: `pause_time` wins when it holds a value, `start_time` fills in when `pause_time` is
/// absent, `null` or empty (a body carrying both keys is not refused as a duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "PauseStockWire")]
pub struct PauseStockResponse {
    /// When the pause took effect.
    pub pause_time: String,
    /// Stock id.
    pub stock_id: String,
}

/// The pause-stock response as it arrives, with both time keys.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct PauseStockWire {
    #[serde(default)]
    pause_time: Option<String>,
    #[serde(default)]
    start_time: Option<String>,
    #[serde(default, deserialize_with = "lenient::or_default")]
    stock_id: String,
}

impl From<PauseStockWire> for PauseStockResponse {
    fn from(w: PauseStockWire) -> Self {
        let documented = w.pause_time.filter(|t| !t.is_empty());
        Self {
            pause_time: documented.or(w.start_time).unwrap_or_default(),
            stock_id: w.stock_id,
        }
    }
}

/// List stocks request (§3.7); every field goes to the query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListStocksRequest {
    /// Page index starting at 0 (DOC-LIST-STOCKS: "页码").
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub offset: i64,
    /// Page size, 1–10.
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub limit: i64,
    /// Creator mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetStockRequest {
    /// Path: stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
    /// Query: creator mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_creator_mchid: String,
}

/// Stock merchants request (§3.10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListStockMerchantsRequest {
    /// Path: stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
    /// Query: offset (0–1000).
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub offset: i64,
    /// Query: page size (1–50).
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub limit: i64,
    /// Query: creator mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_creator_mchid: String,
}

/// Stock items request (§3.11).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListStockItemsRequest {
    /// Path: stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
    /// Query: offset (0–500).
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub offset: i64,
    /// Query: page size (1–100).
    #[serde(default, deserialize_with = "lenient::i64_or_zero")]
    pub limit: i64,
    /// Query: creator mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_creator_mchid: String,
}

/// Use-flow request (§3.13).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UseFlowRequest {
    /// Path: stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
}

/// Refund-flow request (§3.14).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RefundFlowRequest {
    /// Path: stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
}

/// Use-flow / refund-flow response: where to download the file and its digest.
///
/// The JSON response is signed and verified like any other (favor-endpoints §7); only the file
/// download itself is unsigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlowFileResponse {
    /// Download URL (valid 30 s); fetch it exactly as given.
    pub url: String,
    /// Hex digest of the file.
    pub hash_value: String,
    /// Digest algorithm (`SHA1`; read as SHA-1 when absent).
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub hash_type: HashType,
}

/// Modify item codes request (§3.20).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModifyItemCodesRequest {
    /// Path: stock id.
    #[serde(default, skip_serializing)]
    pub stock_id: String,
    /// Creator mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModifyItemCodesResponse {
    /// When the change takes effect (\[GO\]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_time: Option<String>,
    /// Same, as \[IM\] names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_time: Option<String>,
    /// Stock id.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub stock_id: String,
}
