//! Rules of the queries (validation-rules.md §4).

use super::{FieldRules, Report, Validate, ValidationContext, Violation};
use crate::favor::models::{
    GetCouponRequest, GetStockRequest, ListStockItemsRequest, ListStockMerchantsRequest, ListStocksRequest,
    ListUserCouponsRequest,
};

fn page(r: &mut Report, rule: &'static str, offset: i64, max_offset: Option<i64>, limit: i64, max_limit: i64) {
    let max_o = max_offset.unwrap_or(i64::MAX);
    if !(0..=max_o).contains(&offset) {
        let bound = max_offset.map(|m| format!(" and at most {m}")).unwrap_or_default();
        r.err(
            "offset",
            rule,
            format!("must be at least 0{bound}, got {offset}"),
            format!(
                "须不小于0{}，当前为{offset}",
                max_offset.map(|m| format!("且不大于{m}")).unwrap_or_default()
            ),
        );
    }
    if !(1..=max_limit).contains(&limit) {
        r.err(
            "limit",
            rule,
            format!("must be 1 to {max_limit}, got {limit}"),
            format!("须为1至{max_limit}，当前为{limit}"),
        );
    }
}

impl Validate for ListStocksRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        page(&mut r, "V-Q-01", self.offset, None, self.limit, 10);
        r.mchid("stock_creator_mchid", "V-Q-01", &self.stock_creator_mchid);
        let mut times = [None, None];
        for (i, (f, v)) in [
            ("create_start_time", &self.create_start_time),
            ("create_end_time", &self.create_end_time),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(v) = v {
                times[i] = r.sent_time(f, "V-Q-02", v);
            }
        }
        if let [Some(s), Some(e)] = times
            && s > e
        {
            r.warn(
                "create_end_time",
                "V-Q-02",
                "is earlier than create_start_time: nothing can match",
                "早于 create_start_time，查询不到任何批次",
            );
        }
        if let Some(s) = &self.status
            && !s.is_known()
        {
            r.err(
                "status",
                "V-Q-03",
                format!(
                    "must be one of unactivated, audit, running, stoped, paused, got {:?}",
                    s.as_str()
                ),
                format!(
                    "须为 unactivated、audit、running、stoped、paused 之一，当前为 {:?}",
                    s.as_str()
                ),
            );
        }
        r.finish()
    }
}

impl Validate for GetStockRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.required("stock_id", "V-Q-04", &self.stock_id, 20);
        r.mchid("stock_creator_mchid", "V-Q-04", &self.stock_creator_mchid);
        r.finish()
    }
}

impl Validate for GetCouponRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.openid("openid", "V-Q-05", &self.openid);
        r.required("coupon_id", "V-Q-05", &self.coupon_id, 20);
        r.appid("appid", "V-Q-05", &self.appid);
        r.finish()
    }
}

impl Validate for ListStockMerchantsRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.required("stock_id", "V-Q-06", &self.stock_id, 20);
        page(&mut r, "V-Q-06", self.offset, Some(1000), self.limit, 50);
        r.mchid("stock_creator_mchid", "V-Q-06", &self.stock_creator_mchid);
        r.finish()
    }
}

impl Validate for ListStockItemsRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.required("stock_id", "V-Q-07", &self.stock_id, 20);
        page(&mut r, "V-Q-07", self.offset, Some(500), self.limit, 100);
        r.mchid("stock_creator_mchid", "V-Q-07", &self.stock_creator_mchid);
        r.finish()
    }
}

impl Validate for ListUserCouponsRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.openid("openid", "V-Q-08", &self.openid);
        r.appid("appid", "V-Q-08", &self.appid);
        let who = [
            ("creator_mchid", &self.creator_mchid),
            ("sender_mchid", &self.sender_mchid),
            ("available_mchid", &self.available_mchid),
        ];
        if who.iter().all(|(_, v)| v.is_none()) {
            r.err(
                "creator_mchid",
                "V-Q-08",
                "one of creator_mchid, sender_mchid or available_mchid is required",
                "creator_mchid、sender_mchid、available_mchid 须任选其一填写",
            );
        }
        for (f, v) in who {
            if let Some(v) = v {
                r.mchid(f, "V-Q-08", v);
            }
        }
        if let Some(s) = &self.status
            && !s.is_known()
        {
            r.err(
                "status",
                "V-Q-08",
                format!("must be SENDED or USED, got {:?}", s.as_str()),
                format!("须为 SENDED 或 USED，当前为 {:?}", s.as_str()),
            );
        }
        if let Some(o) = self.offset
            && o < 0
        {
            r.err(
                "offset",
                "V-Q-08",
                format!("must be at least 0, got {o}"),
                format!("须不小于0，当前为{o}"),
            );
        }
        if let Some(l) = self.limit
            && l < 1
        {
            r.err(
                "limit",
                "V-Q-08",
                format!("must be at least 1, got {l}"),
                format!("须不小于1，当前为{l}"),
            );
        }
        if self.available_mchid.is_some() {
            if self.creator_mchid.is_some() {
                r.warn(
                    "available_mchid",
                    "V-Q-08",
                    "is ignored because creator_mchid is also given (creator_mchid wins)",
                    "同时填写了 creator_mchid，available_mchid 将被忽略",
                );
            } else {
                for (f, set) in [
                    ("stock_id", self.stock_id.is_some()),
                    ("status", self.status.is_some()),
                    ("offset", self.offset.is_some()),
                    ("limit", self.limit.is_some()),
                ] {
                    if set {
                        r.warn(
                            f,
                            "V-Q-08",
                            "is ignored when querying by available_mchid",
                            "按可用商户号查询时该参数被忽略",
                        );
                    }
                }
            }
        }
        if let Some(b) = &self.business_type
            && !b.is_known()
        {
            r.warn(
                "business_type",
                "V-Q-09",
                format!("should be MULTIUSE, got {:?}", b.as_str()),
                format!("应为 MULTIUSE，当前为 {:?}", b.as_str()),
            );
        }
        r.finish()
    }
}
