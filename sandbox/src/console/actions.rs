//! The console's buttons: a user pays with a coupon, a refund, a send to a new test user, a
//! redelivery, a clock advance, and the bill downloads. Each goes through the same sandbox logic
//! as the `/sandbox/*` endpoints and the API.

use std::sync::Arc;

use serde_json::{Value, json};
use wechatpay_coupons::favor::models::SendCouponRequest;

use crate::server::{Shared, lock};
use crate::util::ApiErr;

/// A form field, required.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Result<&'a str, ApiErr> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiErr::body(name, Value::Null, "必填 (required)"))
}

/// A form field holding an integer.
fn int_field(form: &[(String, String)], name: &str) -> Result<i64, ApiErr> {
    let raw = field(form, name)?;
    raw.trim().parse::<i64>().map_err(|_| {
        ApiErr::body(
            name,
            json!(crate::util::truncate(raw, 64)),
            "应为整数 (expected an integer)",
        )
    })
}

/// `POST /console/pay`: the holder pays an order of `order_amount` fen with `coupon_id`.
pub fn pay(shared: &Arc<Shared>, form: &[(String, String)]) -> Result<String, ApiErr> {
    let body = json!({
        "coupon_id": field(form, "coupon_id")?,
        "order_amount": int_field(form, "order_amount")?,
    });
    let v = crate::notify::sandbox_route(shared, "POST", "use", body.to_string().as_bytes())?;
    let notified = match v.get("notification_id").and_then(Value::as_str) {
        Some(id) => format!("; COUPON.USE notification {id} sent"),
        None => "; no notification (no callback set or it is switched off)".into(),
    };
    Ok(format!(
        "Coupon {} used in transaction {}{notified}",
        v.get("coupon_id").and_then(Value::as_str).unwrap_or_default(),
        v.get("transaction_id").and_then(Value::as_str).unwrap_or_default(),
    ))
}

/// `POST /console/refund`: the order paid with `coupon_id` is refunded.
pub fn refund(shared: &Arc<Shared>, form: &[(String, String)]) -> Result<String, ApiErr> {
    let body = json!({ "coupon_id": field(form, "coupon_id")? });
    let v = crate::notify::sandbox_route(shared, "POST", "refund", body.to_string().as_bytes())?;
    Ok(format!(
        "Refund {} of coupon {}: the coupon is {} again",
        v.get("refund_id").and_then(Value::as_str).unwrap_or_default(),
        v.get("coupon_id").and_then(Value::as_str).unwrap_or_default(),
        v.get("coupon_status").and_then(Value::as_str).unwrap_or_default(),
    ))
}

/// `POST /console/send`: a coupon of `stock_id` goes to a new test user (a fresh openid).
pub fn send(shared: &Arc<Shared>, form: &[(String, String)]) -> Result<String, ApiErr> {
    let stock_id = field(form, "stock_id")?;
    let n = shared.seq();
    let openid = format!("console-user-{n}");
    let c = shared.caller();
    let req: SendCouponRequest = serde_json::from_value(json!({
        "openid": openid,
        "stock_id": stock_id,
        "out_request_no": format!("console-send-{n}"),
        "appid": c.appid,
        "stock_creator_mchid": c.mchid,
    }))
    .map_err(|e| ApiErr::invalid(format!("send request: {e}")))?;
    let v = lock(&shared.state).send_coupon(c, &req)?;
    shared.sync_state()?;
    Ok(format!(
        "Coupon {} sent to new test user {openid}",
        v.get("coupon_id").and_then(Value::as_str).unwrap_or_default()
    ))
}

/// `POST /console/redeliver`: the notification at `index` of the delivery log is sent again.
pub fn redeliver(shared: &Arc<Shared>, form: &[(String, String)]) -> Result<String, ApiErr> {
    let index = usize::try_from(int_field(form, "index")?)
        .map_err(|_| ApiErr::body("index", Value::Null, "应为非负整数 (expected a non-negative integer)"))?;
    let id = crate::notify::redeliver(shared, index)?;
    Ok(format!("Notification {id} is being delivered again"))
}

/// `POST /console/clock/advance`: the business clock moves `seconds` forward.
pub fn advance(shared: &Arc<Shared>, form: &[(String, String)]) -> Result<String, ApiErr> {
    let body = json!({ "seconds": int_field(form, "seconds")? });
    let v = crate::notify::sandbox_route(shared, "POST", "clock/advance", body.to_string().as_bytes())?;
    Ok(format!(
        "Business time is now {}",
        v.get("now_rfc3339").and_then(Value::as_str).unwrap_or_default()
    ))
}

/// `GET /console/bills/{stock_id}/{use-flow|refund-flow}`: the file, as the API serves it.
pub fn bill(shared: &Shared, stock_id: &str, kind: &str) -> Result<Vec<u8>, ApiErr> {
    let use_flow = match kind {
        "use-flow" => true,
        "refund-flow" => false,
        _ => return Err(ApiErr::not_found("bills are use-flow or refund-flow")),
    };
    let v = crate::bills::flow_url(shared, stock_id, use_flow)?;
    let token = v
        .get("url")
        .and_then(Value::as_str)
        .and_then(|u| u.split_once("token="))
        .map(|(_, t)| t.to_owned())
        .ok_or_else(|| ApiErr::new(500, "SYSTEM_ERROR", "bill URL without a token"))?;
    crate::bills::download(shared, &token)
}
