//! Rules of send coupon and of the stock actions (validation-rules.md §2, §3).

use super::{FieldRules, Report, Validate, ValidationContext, Violation};
use crate::favor::models::{
    ModifyItemCodesRequest, PauseStockRequest, RefundFlowRequest, RestartStockRequest, SendCouponRequest,
    StartStockRequest, StopStockRequest, UseFlowRequest,
};

impl Validate for SendCouponRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.openid("openid", "V-SC-01", &self.openid);
        r.required("stock_id", "V-SC-02", &self.stock_id, 20);
        r.out_request_no("out_request_no", "V-SC-03", "V-SC-03", &self.out_request_no);
        r.appid("appid", "V-SC-04", &self.appid);
        r.mchid("stock_creator_mchid", "V-SC-05", &self.stock_creator_mchid);
        r.money("coupon_value", self.coupon_value);
        r.money("coupon_minimum", self.coupon_minimum);
        if self.coupon_value.is_some() || self.coupon_minimum.is_some() {
            r.warn(
                "coupon_value",
                "V-SC-06",
                "coupon_value / coupon_minimum are only for the specified-face-value feature (not open); omit them",
                "指定面额发券暂未开放，普通发券请不要传 coupon_value / coupon_minimum",
            );
            if let (Some(v), Some(m)) = (self.coupon_value, self.coupon_minimum)
                && m <= v
            {
                r.warn(
                    "coupon_minimum",
                    "V-SC-06",
                    "should be greater than coupon_value",
                    "应大于 coupon_value",
                );
            }
        }
        r.finish()
    }
}

fn stock_action(stock_id: &str, creator: &str) -> Vec<Violation> {
    let mut r = Report::default();
    r.required("stock_id", "V-ST-01", stock_id, 20);
    r.mchid("stock_creator_mchid", "V-ST-01", creator);
    r.finish()
}

macro_rules! validate_stock_action {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
                stock_action(&self.stock_id, &self.stock_creator_mchid)
            }
        }
    )*};
}
validate_stock_action!(
    StartStockRequest,
    PauseStockRequest,
    RestartStockRequest,
    StopStockRequest
);

impl Validate for ModifyItemCodesRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut v = stock_action(&self.stock_id, &self.stock_creator_mchid);
        let empty = |l: &Option<Vec<String>>| l.as_ref().is_none_or(Vec::is_empty);
        if empty(&self.add_goods_id_list) && empty(&self.delete_goods_id_list) {
            let mut r = Report::default();
            r.warn(
                "add_goods_id_list",
                "V-ST-03",
                "neither add_goods_id_list nor delete_goods_id_list has an item: nothing would change",
                "add_goods_id_list 和 delete_goods_id_list 都为空，不会有任何修改",
            );
            v.extend(r.finish());
        }
        v
    }
}

fn flow(stock_id: &str) -> Vec<Violation> {
    let mut r = Report::default();
    r.required("stock_id", "V-ST-01", stock_id, 20);
    r.finish()
}

impl Validate for UseFlowRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        flow(&self.stock_id)
    }
}

impl Validate for RefundFlowRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        flow(&self.stock_id)
    }
}
