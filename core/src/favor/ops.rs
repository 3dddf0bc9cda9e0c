//! The operation table of the 代金券 API: every endpoint described once as data
//! ([`OperationSpec`]), and request building, response decoding and pagination generic over it.
//!
//! Building runs in this order: validation of the typed request (all rules at once, see
//! [`crate::favor::validation`]), checks over every value that will be sent, the
//! [`ValidationPolicy`](crate::validation::ValidationPolicy), then URL building (path parameters with
//! [`crate::sign::encode_path_segment`], query values with [`crate::sign::encode_query_value`],
//! each encoded exactly once) and signing of that exact URL and body.
//!
//! # Retries and idempotency
//!
//! [`crate::ApiError::retryable`] says whether repeating a request may succeed (429 after
//! backing off, 5xx, `SYSTEM_ERROR`, …); favor business refusals such as `NOT_ENOUGH` or
//! `REQUEST_BLOCKED` are final ([`FavorErrorKind`] names them). A retry must send the **same
//! body with the same `out_request_no`** (the idempotency key of create stock and send coupon) —
//! never build a new request with a fresh number — and must be **re-signed** with a fresh
//! timestamp and nonce: pass the sent request to [`crate::Client::resign`], optionally with
//! [`crate::BACKUP_BASE_URL`].

use serde::de::DeserializeOwned;

use super::api::Favor;
use super::models::{
    Coupon, CouponCollection, CreateStockRequest, CreateStockResponse, FlowFileResponse, GetCallbackRequest,
    GetCallbackResponse, GetCouponRequest, GetStockRequest, ImageUploadRequest, ImageUploadResponse,
    ListStockItemsRequest, ListStockMerchantsRequest, ListStocksRequest, ListUserCouponsRequest,
    ModifyItemCodesRequest, ModifyItemCodesResponse, PauseStockRequest, PauseStockResponse, RefundFlowRequest,
    RestartStockRequest, RestartStockResponse, SendCouponRequest, SendCouponResponse, SetCallbackRequest,
    SetCallbackResponse, StartStockRequest, StartStockResponse, Stock, StockCollection, StockStringCollection,
    StopStockRequest, StopStockResponse, UseFlowRequest,
};
use super::validation::{Validate, Violation};
use crate::error::{ApiError, DecodeError, Error, InputError, Result};
use crate::http::{HttpRequest, Method};
use crate::sign::{build_query, encode_path_segment};

/// How an operation's request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body (GET).
    None,
    /// The request model's JSON (path parameters excluded).
    Json,
    /// `multipart/form-data`; the signature covers the `meta` part only.
    Multipart,
}

/// How a paged endpoint reads `offset`.
///
/// The official documentation reads it as a 0-based page index for every paged favor endpoint:
/// list stocks ("页码从0开始"), and merchants, items and user coupons (分页页码 in the official Go
/// models and on the user-coupons page). That is each request's default
/// ([`Paginated::PAGE_MODE`]). The product guide's samples for merchants and items
/// (`offset=10&limit=10`) read like a row offset instead; a caller whose server behaves that way
/// selects [`PageMode::ItemOffset`] with [`Paginated::next_page_with`]. A reading that does not
/// match the server's skips or repeats rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageMode {
    /// `offset` is the 0-based page number.
    PageIndex,
    /// `offset` is the number of items to skip.
    ItemOffset,
}

/// One endpoint described as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// Rust method name on [`Favor`] (also a stable id for bindings).
    pub name: &'static str,
    /// Chinese name of the endpoint.
    pub title: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template with `{param}` placeholders.
    pub path: &'static str,
    /// Request fields substituted into the path, in template order.
    pub path_params: &'static [&'static str],
    /// Request fields sent in the query, in this order (absent optional ones are skipped).
    pub query_params: &'static [&'static str],
    /// How the body is sent.
    pub body: BodyKind,
    /// Whether a 2xx response carries a WeChat Pay signature that must verify.
    pub signed_response: bool,
    /// Rust name of the request type.
    pub request_type: &'static str,
    /// Rust name of the response type.
    pub response_type: &'static str,
}

/// A value that can go into a path segment or query parameter (`None` = not sent).
pub trait ParamValue {
    /// The unencoded value.
    fn param(&self) -> Option<String>;
}

impl ParamValue for String {
    fn param(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl ParamValue for i64 {
    fn param(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn param(&self) -> Option<String> {
        self.as_ref().and_then(ParamValue::param)
    }
}

macro_rules! enum_params {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn param(&self) -> Option<String> {
                Some(self.as_str().to_owned())
            }
        }
    )*};
}
enum_params!(
    super::models::StockStatus,
    super::models::CouponStatusQuery,
    super::models::BusinessType
);

/// A typed request of one endpoint: its [`OperationSpec`] and how its fields map onto it.
///
/// Implemented by the `operations!` table below; adding an endpoint is one entry there (plus
/// its models and its [`Validate`] rules).
pub trait Operation: Validate {
    /// The endpoint.
    const SPEC: &'static OperationSpec;
    /// The decoded 2xx response.
    type Response: DeserializeOwned;
    /// `(name, unencoded value)` for every path placeholder.
    fn path_params(&self) -> Vec<(&'static str, String)>;
    /// `(name, unencoded value)` for every query parameter that is set, in spec order.
    fn query(&self) -> Vec<(&'static str, String)>;
    /// The JSON body bytes (for [`BodyKind::Json`]).
    fn json_body(&self) -> Result<Option<Vec<u8>>>;
    /// File name and bytes (for [`BodyKind::Multipart`]).
    fn multipart(&self) -> Option<(&str, &[u8])> {
        None
    }
}

macro_rules! op_body {
    (json, $self:ident) => {
        serde_json::to_vec($self).map(Some).map_err(|e| {
            Error::from(InputError::Invalid {
                field: "body".into(),
                expected: format!("a request serialisable as JSON ({e})"),
            })
        })
    };
    (none, $self:ident) => {
        Ok(None)
    };
    (multipart, $self:ident) => {
        Ok(None)
    };
}

macro_rules! op_body_kind {
    (json) => {
        BodyKind::Json
    };
    (none) => {
        BodyKind::None
    };
    (multipart) => {
        BodyKind::Multipart
    };
}

macro_rules! op_multipart {
    (multipart) => {
        fn multipart(&self) -> Option<(&str, &[u8])> {
            Some((self.filename.as_str(), self.bytes.as_slice()))
        }
    };
    ($other:ident) => {};
}

macro_rules! operations {
    ($(
        $konst:ident = $fn_name:ident($req:ident) -> $resp:ident {
            title: $title:literal,
            $method:ident $path:literal,
            path: [$($p:ident),*],
            query: [$($q:ident),*],
            body: $body:ident $(,)?
        }
    )*) => {
        $(
            #[doc = concat!("`", stringify!($method), " ", $path, "` — ", $title, ".")]
            pub const $konst: OperationSpec = OperationSpec {
                name: stringify!($fn_name),
                title: $title,
                method: Method::$method,
                path: $path,
                path_params: &[$(stringify!($p)),*],
                query_params: &[$(stringify!($q)),*],
                body: op_body_kind!($body),
                signed_response: true,
                request_type: stringify!($req),
                response_type: stringify!($resp),
            };

            impl Operation for $req {
                const SPEC: &'static OperationSpec = &$konst;
                type Response = $resp;

                fn path_params(&self) -> Vec<(&'static str, String)> {
                    vec![$((stringify!($p), ParamValue::param(&self.$p).unwrap_or_default())),*]
                }

                #[allow(unused_mut)]
                fn query(&self) -> Vec<(&'static str, String)> {
                    let mut q = Vec::new();
                    $(
                        if let Some(v) = ParamValue::param(&self.$q) {
                            q.push((stringify!($q), v));
                        }
                    )*
                    q
                }

                fn json_body(&self) -> Result<Option<Vec<u8>>> {
                    op_body!($body, self)
                }

                op_multipart!($body);
            }

        )*

        impl Favor<'_> {
            $(
                #[doc = concat!("Validates and signs `", stringify!($method), " ", $path, "` (", $title,
                    ") with the default [`ValidationPolicy`](crate::validation::ValidationPolicy); decode the answer with [`Favor::favor_response`]`::<",
                    stringify!($req), ">`.")]
                pub fn $fn_name(&self, request: &$req) -> Result<BuiltRequest> {
                    self.favor_request(request)
                }
            )*
        }

        /// Every operation of the table (rows 1–18 of favor-endpoints.md §0), in that order.
        pub const OPERATIONS: &[&OperationSpec] = &[$(&$konst),*];
    };
}

operations! {
    CREATE_STOCK = create_stock(CreateStockRequest) -> CreateStockResponse {
        title: "创建代金券批次",
        Post "/v3/marketing/favor/coupon-stocks",
        path: [], query: [], body: json,
    }
    START_STOCK = start_stock(StartStockRequest) -> StartStockResponse {
        title: "激活代金券批次",
        Post "/v3/marketing/favor/stocks/{stock_id}/start",
        path: [stock_id], query: [], body: json,
    }
    SEND_COUPON = send_coupon(SendCouponRequest) -> SendCouponResponse {
        title: "发放指定批次的代金券",
        Post "/v3/marketing/favor/users/{openid}/coupons",
        path: [openid], query: [], body: json,
    }
    PAUSE_STOCK = pause_stock(PauseStockRequest) -> PauseStockResponse {
        title: "暂停代金券批次",
        Post "/v3/marketing/favor/stocks/{stock_id}/pause",
        path: [stock_id], query: [], body: json,
    }
    RESTART_STOCK = restart_stock(RestartStockRequest) -> RestartStockResponse {
        title: "重启代金券批次",
        Post "/v3/marketing/favor/stocks/{stock_id}/restart",
        path: [stock_id], query: [], body: json,
    }
    STOP_STOCK = stop_stock(StopStockRequest) -> StopStockResponse {
        title: "终止代金券批次",
        Post "/v3/marketing/favor/stocks/{stock_id}/stop",
        path: [stock_id], query: [], body: json,
    }
    LIST_STOCKS = list_stocks(ListStocksRequest) -> StockCollection {
        title: "条件查询批次列表",
        Get "/v3/marketing/favor/stocks",
        path: [], query: [offset, limit, stock_creator_mchid, create_start_time, create_end_time, status], body: none,
    }
    GET_STOCK = get_stock(GetStockRequest) -> Stock {
        title: "查询批次详情",
        Get "/v3/marketing/favor/stocks/{stock_id}",
        path: [stock_id], query: [stock_creator_mchid], body: none,
    }
    GET_COUPON = get_coupon(GetCouponRequest) -> Coupon {
        title: "查询代金券详情",
        Get "/v3/marketing/favor/users/{openid}/coupons/{coupon_id}",
        path: [openid, coupon_id], query: [appid], body: none,
    }
    LIST_STOCK_MERCHANTS = list_stock_merchants(ListStockMerchantsRequest) -> StockStringCollection {
        title: "查询代金券可用商户",
        Get "/v3/marketing/favor/stocks/{stock_id}/merchants",
        path: [stock_id], query: [offset, limit, stock_creator_mchid], body: none,
    }
    LIST_STOCK_ITEMS = list_stock_items(ListStockItemsRequest) -> StockStringCollection {
        title: "查询代金券可用单品",
        Get "/v3/marketing/favor/stocks/{stock_id}/items",
        path: [stock_id], query: [offset, limit, stock_creator_mchid], body: none,
    }
    LIST_USER_COUPONS = list_user_coupons(ListUserCouponsRequest) -> CouponCollection {
        title: "根据商户号查用户的券",
        Get "/v3/marketing/favor/users/{openid}/coupons",
        path: [openid],
        query: [appid, stock_id, status, creator_mchid, sender_mchid, available_mchid, offset, limit, business_type],
        body: none,
    }
    USE_FLOW = use_flow(UseFlowRequest) -> FlowFileResponse {
        title: "下载批次核销明细",
        Get "/v3/marketing/favor/stocks/{stock_id}/use-flow",
        path: [stock_id], query: [], body: none,
    }
    REFUND_FLOW = refund_flow(RefundFlowRequest) -> FlowFileResponse {
        title: "下载批次退款明细",
        Get "/v3/marketing/favor/stocks/{stock_id}/refund-flow",
        path: [stock_id], query: [], body: none,
    }
    SET_CALLBACK = set_callback(SetCallbackRequest) -> SetCallbackResponse {
        title: "设置消息通知地址",
        Post "/v3/marketing/favor/callbacks",
        path: [], query: [], body: json,
    }
    GET_CALLBACK = get_callback(GetCallbackRequest) -> GetCallbackResponse {
        title: "查询消息通知地址",
        Get "/v3/marketing/favor/callbacks",
        path: [], query: [mchid], body: none,
    }
    IMAGE_UPLOAD = upload_image(ImageUploadRequest) -> ImageUploadResponse {
        title: "图片上传（营销专用）",
        Post "/v3/marketing/favor/media/image-upload",
        path: [], query: [], body: multipart,
    }
    MODIFY_ITEM_CODES = modify_item_codes(ModifyItemCodesRequest) -> ModifyItemCodesResponse {
        title: "修改可用单品编码",
        Post "/v3/marketing/favor/stocks/{stock_id}/modify-goods-id",
        path: [stock_id], query: [], body: json,
    }
}

/// A signed request plus the SHOULD-rule warnings that the policy kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltRequest {
    /// Send exactly this.
    pub request: HttpRequest,
    /// Warnings (never errors: those refuse the build).
    pub warnings: Vec<Violation>,
}

/// Fills a path template: each `{name}` becomes the percent-encoded value (case preserved).
pub fn fill_path(template: &str, params: &[(&'static str, String)]) -> String {
    let mut path = template.to_owned();
    for (name, value) in params {
        path = path.replace(&format!("{{{name}}}"), &encode_path_segment(value));
    }
    path
}

/// The path and query of an operation (`/v3/…?a=1&b=2`), every value encoded exactly once.
pub fn path_and_query<O: Operation>(op: &O) -> String {
    let mut target = fill_path(O::SPEC.path, &op.path_params());
    let query = op.query();
    let q = build_query(query.iter().map(|(k, v)| (*k, v.as_str())));
    if !q.is_empty() {
        target.push('?');
        target.push_str(&q);
    }
    target
}

/// Decodes a (verified) 2xx body of operation `O`.
pub fn decode_response<O: Operation>(body: &[u8]) -> Result<O::Response, DecodeError> {
    serde_json::from_slice(body).map_err(|e| DecodeError {
        what: format!("{} response ({})", O::SPEC.name, O::SPEC.response_type),
        reason: e.to_string(),
        body: body.to_vec(),
    })
}

/// Builds an `out_request_no` from `mchid`, the time `now` (Unix seconds, rendered as the
/// `+08:00` date) and 16 random characters from [`crate::clock::random_string`]. The result
/// uses only `[0-9A-Za-z]` (a subset of the allowed `[A-Za-z0-9|_*-]`) and is at most 44
/// characters (the limit is 128).
pub fn generate_out_request_no(mchid: &str, now: i64) -> Result<String> {
    let date = crate::beijing::date_digits(now).ok_or_else(|| InputError::Invalid {
        field: "clock".into(),
        expected: "a time between the years -9999 and 9999".into(),
    })?;
    let id: String = mchid.chars().filter(char::is_ascii_alphanumeric).take(20).collect();
    let random = crate::clock::random_string(16)?;
    Ok(format!("{id}{date}{random}"))
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

/// A paged request: from the previous page's decoded response, the next request or `None`.
/// No I/O.
pub trait Paginated: Operation + Sized {
    /// The default reading of `offset` for this endpoint.
    const PAGE_MODE: PageMode;

    /// The next page's request under `mode`, or `None` when `previous` was the last page.
    fn next_page_with(&self, previous: &Self::Response, mode: PageMode) -> Option<Self>;

    /// The next page's request under [`Self::PAGE_MODE`], or `None` on the last page.
    fn next_page(&self, previous: &Self::Response) -> Option<Self> {
        self.next_page_with(previous, Self::PAGE_MODE)
    }
}

/// The next offset, or `None` when the page was the last one: an empty or short page, or all
/// `total` items seen.
fn next_offset(mode: PageMode, offset: i64, limit: i64, page_len: usize, total: i64) -> Option<i64> {
    let len = i64::try_from(page_len).ok()?;
    if len == 0 || limit <= 0 || len < limit {
        return None;
    }
    let (seen, next) = match mode {
        PageMode::PageIndex => (offset.checked_add(1)?.checked_mul(limit)?, offset.checked_add(1)?),
        PageMode::ItemOffset => (offset.checked_add(len)?, offset.checked_add(len)?),
    };
    (seen < total).then_some(next)
}

impl Paginated for ListStocksRequest {
    /// Page index, as DOC-LIST-STOCKS documents ("页码从0开始").
    const PAGE_MODE: PageMode = PageMode::PageIndex;

    fn next_page_with(&self, previous: &StockCollection, mode: PageMode) -> Option<Self> {
        let offset = next_offset(mode, self.offset, self.limit, previous.data.len(), previous.total_count)?;
        Some(Self { offset, ..self.clone() })
    }
}

impl Paginated for ListStockMerchantsRequest {
    /// Page index (分页页码, official Go model). Stops before `offset` would exceed 1000.
    const PAGE_MODE: PageMode = PageMode::PageIndex;

    fn next_page_with(&self, previous: &StockStringCollection, mode: PageMode) -> Option<Self> {
        let offset = next_offset(mode, self.offset, self.limit, previous.data.len(), previous.total_count)?;
        (offset <= 1000).then(|| Self { offset, ..self.clone() })
    }
}

impl Paginated for ListStockItemsRequest {
    /// Page index (分页页码, official Go model). Stops before `offset` would exceed 500.
    const PAGE_MODE: PageMode = PageMode::PageIndex;

    fn next_page_with(&self, previous: &StockStringCollection, mode: PageMode) -> Option<Self> {
        let offset = next_offset(mode, self.offset, self.limit, previous.data.len(), previous.total_count)?;
        (offset <= 500).then(|| Self { offset, ..self.clone() })
    }
}

impl Paginated for ListUserCouponsRequest {
    /// Page index (分页页码, official Go model and user-coupons page); absent `offset`/`limit`
    /// mean 0 and 20. A query by `available_mchid` alone is not paged (the server ignores
    /// paging), so it has no next page.
    const PAGE_MODE: PageMode = PageMode::PageIndex;

    fn next_page_with(&self, previous: &CouponCollection, mode: PageMode) -> Option<Self> {
        if self.available_mchid.is_some() && self.creator_mchid.is_none() {
            return None;
        }
        let offset = next_offset(
            mode,
            self.offset.unwrap_or(0),
            self.limit.unwrap_or(20),
            previous.data.len(),
            previous.total_count,
        )?;
        Some(Self {
            offset: Some(offset),
            ..self.clone()
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Business error classification
// ---------------------------------------------------------------------------------------------

/// What a favor API error means for the caller (favor-endpoints.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FavorErrorKind {
    /// `NOT_ENOUGH`: the stock's budget is exhausted (top up or stop sending).
    BudgetExhausted,
    /// `REQUEST_BLOCKED` 用户被限领拦截: this user reached the per-user limit.
    UserLimitReached,
    /// `USER_ACCOUNT_ABNORMAL`: this user cannot receive coupons.
    UserAccountAbnormal,
    /// `REQUEST_BLOCKED` 活动未开始或已结束: stock not running (on create: a rule was violated).
    StockNotRunning,
    /// Other `REQUEST_BLOCKED` or `NO_AUTH`: the caller lacks the permission or product.
    NotAuthorized,
    /// `RULE_LIMIT`: a business rule refused the call (read the message).
    RuleLimit,
    /// `RESOURCE_NOT_EXISTS` or 404.
    NotFound,
    /// `APPID_MCHID_NOT_MATCH`: the appid is not bound to the mchid.
    AppidMchidMismatch,
    /// `PARAM_ERROR`, `INVALID_REQUEST`, `MCH_NOT_EXISTS` or another 400: fix the input.
    InvalidRequest,
    /// `SIGN_ERROR` / 401: the signature was refused (check key, serial, clock, URL encoding).
    SignatureRejected,
    /// 429 or a rate-limit code: back off, then retry the same request re-signed.
    RateLimited,
    /// 5xx or `SYSTEM_ERROR` / `SERVICE_UNAVAILABLE`: retry the same request re-signed.
    ServerError,
    /// Anything else.
    Other,
}

impl FavorErrorKind {
    /// Classifies an API error by `code` first, then HTTP status.
    pub fn of(e: &ApiError) -> Self {
        let msg = e.message.as_deref().unwrap_or("");
        match e.code.as_deref() {
            Some("NOT_ENOUGH") => Self::BudgetExhausted,
            Some("USER_ACCOUNT_ABNORMAL") => Self::UserAccountAbnormal,
            Some("REQUEST_BLOCKED") if msg.contains("限领") => Self::UserLimitReached,
            Some("REQUEST_BLOCKED") if msg.contains("未开始") || msg.contains("已结束") => Self::StockNotRunning,
            Some("REQUEST_BLOCKED" | "NO_AUTH") => Self::NotAuthorized,
            Some("RULE_LIMIT") => Self::RuleLimit,
            Some("RESOURCE_NOT_EXISTS") => Self::NotFound,
            Some("APPID_MCHID_NOT_MATCH") => Self::AppidMchidMismatch,
            Some("SIGN_ERROR") => Self::SignatureRejected,
            Some("FREQUENCY_LIMITED" | "FREQUENCY_LIMIT_EXCEED" | "RATELIMIT_EXCEEDED" | "RATE_LIMITED") => {
                Self::RateLimited
            }
            Some("SYSTEM_ERROR" | "SERVICE_UNAVAILABLE") => Self::ServerError,
            Some("PARAM_ERROR" | "INVALID_REQUEST" | "MCH_NOT_EXISTS") => Self::InvalidRequest,
            _ => match e.status {
                429 => Self::RateLimited,
                500..=599 => Self::ServerError,
                404 => Self::NotFound,
                401 => Self::SignatureRejected,
                403 => Self::NotAuthorized,
                400 => Self::InvalidRequest,
                _ => Self::Other,
            },
        }
    }

    /// Whether repeating the same request (same body and `out_request_no`, re-signed) may help.
    pub fn retryable(self) -> bool {
        matches!(self, Self::RateLimited | Self::ServerError)
    }
}
