//! The coupon business: stocks, coupons, callbacks, uses and refunds. State transitions over a
//! [`State`] and a business time `now`. The server holds the state behind one mutex, which is
//! what makes concurrent sends unable to over-issue. A state opened on a store
//! ([`State::restore`]) queues every change for its durable copy before applying it in memory
//! (see [`crate::journal`] for when the answer may go out).

mod callbacks;
mod coupons;
mod fields;
mod model;
mod persist;
mod query;
mod stocks;

pub use callbacks::check_notify_url;
pub use model::{Callback, Consume, Coupon, FlowRecord, Stock};
pub use query::Query;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use wechatpay_coupons::favor::models::{
    CouponStatus, CouponStatusQuery, CreateStockRequest, GetCallbackRequest, GetCouponRequest, GetStockRequest,
    ListStocksRequest, ListUserCouponsRequest, ModifyItemCodesRequest, SendCouponRequest, SetCallbackRequest,
    StockStatus,
};

use crate::store::Change;
use crate::util::{ApiErr, cst_day, parse_rfc3339, rfc3339};
use fields::{opt_int, opt_str, req_str};

/// Everything the simulated WeChat Pay knows.
#[derive(Debug, Default)]
pub struct State {
    /// Stocks by id (ids increase, so this is creation order).
    pub stocks: BTreeMap<String, Stock>,
    /// Coupons by id.
    pub coupons: BTreeMap<String, Coupon>,
    /// Create-stock idempotency: out_request_no → (request, stock_id).
    pub create_requests: HashMap<String, (CreateStockRequest, String)>,
    /// Send idempotency: out_request_no → (request with its openid, coupon_id).
    pub send_requests: HashMap<String, (SendCouponRequest, String)>,
    /// Callback setting.
    pub callback: Option<Callback>,
    /// Uses, in order.
    pub uses: Vec<FlowRecord>,
    /// Refunds, in order.
    pub refunds: Vec<FlowRecord>,
    /// Last id handed out (stock, coupon, transaction and refund ids share the sequence).
    next_id: u64,
    /// Where changes are queued to be made durable (none: in memory only).
    journal: Option<std::sync::Arc<crate::journal::Journal>>,
}

/// Who is calling and when.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// Authenticated mchid.
    pub mchid: &'a str,
    /// The appid bound to that merchant.
    pub appid: &'a str,
    /// Business time.
    pub now: i64,
    /// Base URL of the sandbox (media URLs must start with it).
    pub base_url: &'a str,
    /// Uploaded images (media URLs must name one).
    pub media: &'a crate::media::MediaStore,
}

/// A validated non-negative count as `usize` (saturating).
fn to_usize(v: i64) -> usize {
    usize::try_from(v.max(0)).unwrap_or(usize::MAX)
}

impl State {
    fn next(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}
