//! The business objects: stocks, coupons, uses/refunds and the callback, with their status
//! rules and their JSON response forms.

use std::collections::HashMap;

use serde_json::{Value, json};
use wechatpay_coupons::favor::models::{CouponStatus, CreateStockRequest, StockStatus};

use crate::util::rfc3339;

/// A stock (批次).
#[derive(Debug, Clone)]
pub struct Stock {
    /// Id.
    pub stock_id: String,
    /// Creator mchid.
    pub creator: String,
    /// The create request as received, typed (for the query responses).
    pub request: CreateStockRequest,
    /// Stored status (the effective one also depends on the time, see [`Stock::status_at`]):
    /// the core's [`StockStatus`], one of unactivated, running, paused or stoped.
    pub status: StockStatus,
    /// Creation time.
    pub create_time: i64,
    /// Start of availability.
    pub begin: i64,
    /// End of availability.
    pub end: i64,
    /// Activation time.
    pub start_time: Option<i64>,
    /// Stop time (stop endpoint).
    pub stop_time: Option<i64>,
    /// Face value (fen).
    pub coupon_amount: i64,
    /// Threshold (fen).
    pub transaction_minimum: i64,
    /// Issue limit.
    pub max_coupons: i64,
    /// Budget (fen).
    pub max_amount: i64,
    /// Daily budget (fen).
    pub max_amount_by_day: Option<i64>,
    /// Per-user limit.
    pub max_coupons_per_user: i64,
    /// Minutes of validity after receipt.
    pub minutes_after_receive: Option<i64>,
    /// Coupons issued.
    pub distributed: i64,
    /// Issued amount per UTC+8 day.
    pub issued_by_day: HashMap<i64, i64>,
    /// Coupons per openid.
    pub per_user: HashMap<String, i64>,
    /// Available merchants.
    pub merchants: Vec<String>,
    /// Available item codes.
    pub items: Vec<String>,
}

impl Stock {
    /// A copy without the counters that follow from the coupons (what the store keeps).
    pub fn persisted(&self) -> Stock {
        Stock {
            stock_id: self.stock_id.clone(),
            creator: self.creator.clone(),
            request: self.request.clone(),
            status: self.status.clone(),
            create_time: self.create_time,
            begin: self.begin,
            end: self.end,
            start_time: self.start_time,
            stop_time: self.stop_time,
            coupon_amount: self.coupon_amount,
            transaction_minimum: self.transaction_minimum,
            max_coupons: self.max_coupons,
            max_amount: self.max_amount,
            max_amount_by_day: self.max_amount_by_day,
            max_coupons_per_user: self.max_coupons_per_user,
            minutes_after_receive: self.minutes_after_receive,
            distributed: 0,
            issued_by_day: HashMap::new(),
            per_user: HashMap::new(),
            merchants: self.merchants.clone(),
            items: self.items.clone(),
        }
    }

    /// The status at business time `now`: running/paused/unactivated stocks end at
    /// `available_end_time`.
    pub fn status_at(&self, now: i64) -> StockStatus {
        if self.status != StockStatus::Stoped && now > self.end {
            StockStatus::Stoped
        } else {
            self.status.clone()
        }
    }

    /// When the stock ended (stop time or end of availability), if it has at `now`.
    pub fn ended_at(&self, now: i64) -> Option<i64> {
        match (self.stop_time, self.status_at(now)) {
            (Some(t), _) => Some(t),
            (None, StockStatus::Stoped) => Some(self.end),
            _ => None,
        }
    }

    fn name(&self) -> &str {
        &self.request.stock_name
    }

    fn description(&self) -> String {
        self.request
            .pattern_info
            .as_ref()
            .map(|p| p.description.clone())
            .or_else(|| self.request.comment.clone())
            .unwrap_or_default()
    }

    fn no_cash(&self) -> bool {
        self.request.no_cash.unwrap_or(false)
    }

    /// The `Stock` response object.
    pub fn to_json(&self, now: i64) -> Value {
        let rule = &self.request.stock_use_rule;
        let cur = &self.request.coupon_use_rule;
        let mut v = json!({
            "stock_id": self.stock_id,
            "stock_creator_mchid": self.creator,
            "stock_name": self.name(),
            "status": self.status_at(now),
            "create_time": rfc3339(self.create_time),
            "description": self.description(),
            "stock_use_rule": {
                "max_coupons": self.max_coupons,
                "max_amount": self.max_amount,
                "max_amount_by_day": self.max_amount_by_day.unwrap_or(self.max_amount),
                "fixed_normal_coupon": {"coupon_amount": self.coupon_amount, "transaction_minimum": self.transaction_minimum},
                "max_coupons_per_user": self.max_coupons_per_user,
                "coupon_type": "NORMAL",
                "natural_person_limit": rule.natural_person_limit.unwrap_or(false),
                "prevent_api_abuse": rule.prevent_api_abuse.unwrap_or(false),
                "combine_use": cur.combine_use.unwrap_or(false),
            },
            "available_begin_time": rfc3339(self.begin),
            "available_end_time": rfc3339(self.end),
            "distributed_coupons": self.distributed,
            "no_cash": self.no_cash(),
            "singleitem": !self.items.is_empty(),
            "stock_type": "NORMAL",
        });
        if let Some(obj) = v.as_object_mut() {
            if let Some(t) = self.start_time {
                obj.insert("start_time".into(), json!(rfc3339(t)));
            }
            if let Some(t) = self.ended_at(now) {
                obj.insert("stop_time".into(), json!(rfc3339(t)));
            }
            if let Some(r) = obj.get_mut("stock_use_rule").and_then(Value::as_object_mut) {
                if let Some(tags) = &cur.goods_tag {
                    r.insert("goods_tag".into(), json!(tags));
                }
                if let Some(tt) = &cur.trade_type {
                    r.insert("trade_type".into(), json!(tt));
                }
            }
        }
        v
    }
}

/// How a coupon was used.
#[derive(Debug, Clone)]
pub struct Consume {
    /// Use time.
    pub time: i64,
    /// Merchant where used.
    pub mchid: String,
    /// Payment order id.
    pub transaction_id: String,
    /// Order amount (fen).
    pub order_amount: i64,
}

/// A coupon.
#[derive(Debug, Clone)]
pub struct Coupon {
    /// Id.
    pub coupon_id: String,
    /// Stock id.
    pub stock_id: String,
    /// Owner.
    pub openid: String,
    /// The appid it was sent under.
    pub appid: String,
    /// Stored status (see [`Coupon::status_at`]): the core's [`CouponStatus`], one of SENDED,
    /// USED or EXPIRED.
    pub status: CouponStatus,
    /// Receive time.
    pub create_time: i64,
    /// Start of validity.
    pub begin: i64,
    /// End of validity.
    pub end: i64,
    /// Sender's request number.
    pub out_request_no: String,
    /// Use details once used.
    pub consume: Option<Consume>,
}

impl Coupon {
    /// Status at business time `now` (unused coupons expire after `end`).
    pub fn status_at(&self, now: i64) -> CouponStatus {
        if self.status == CouponStatus::Sended && now > self.end {
            CouponStatus::Expired
        } else {
            self.status.clone()
        }
    }

    /// The `Coupon` response object (also the COUPON.USE plaintext, with `consume_information`).
    pub fn to_json(&self, stock: &Stock, now: i64) -> Value {
        let mut v = json!({
            "stock_creator_mchid": stock.creator,
            "stock_id": self.stock_id,
            "coupon_id": self.coupon_id,
            "coupon_name": stock.name(),
            "status": self.status_at(now),
            "description": stock.description(),
            "create_time": rfc3339(self.create_time),
            "coupon_type": "NORMAL",
            "no_cash": stock.no_cash(),
            "available_begin_time": rfc3339(self.begin),
            "available_end_time": rfc3339(self.end),
            "singleitem": !stock.items.is_empty(),
            "normal_coupon_information": {"coupon_amount": stock.coupon_amount, "transaction_minimum": stock.transaction_minimum},
            "out_request_no": self.out_request_no,
        });
        if let (Some(c), Some(obj)) = (&self.consume, v.as_object_mut()) {
            obj.insert(
                "consume_information".into(),
                json!({"consume_time": rfc3339(c.time), "consume_mchid": c.mchid, "transaction_id": c.transaction_id}),
            );
        }
        v
    }
}

/// One use or refund, for the bills.
#[derive(Debug, Clone)]
pub struct FlowRecord {
    /// Stock id.
    pub stock_id: String,
    /// Coupon id.
    pub coupon_id: String,
    /// Discount (fen).
    pub discount: i64,
    /// Order amount (fen).
    pub order_amount: i64,
    /// Payment order id.
    pub transaction_id: String,
    /// Refund id (refunds only).
    pub refund_id: Option<String>,
    /// Time of use / refund.
    pub time: i64,
    /// Merchant.
    pub mchid: String,
}

/// The notification callback of the merchant.
#[derive(Debug, Clone)]
pub struct Callback {
    /// URL.
    pub notify_url: String,
    /// Push on/off.
    pub enabled: bool,
    /// Last update.
    pub update_time: i64,
}
