//! Sandbox-only endpoints under `/sandbox/…` (users paying, refunds, the clock, the delivery
//! log) and the COUPON.USE notifications (built here, delivered by [`crate::delivery`]).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::Serialize;
use serde_json::{Value, json};
use wechatpay_coupons::cipher::aead_encrypt;
use wechatpay_coupons::crypto::BuiltinCrypto;

use crate::server::{Shared, lock};
use crate::util::{ApiErr, rfc3339, truncate};

/// The latest business time `/sandbox/clock/advance` reaches: 9999-12-31T00:00:00+08:00 (later
/// times have no RFC 3339 form with a four-digit year once a day or two is added to them).
pub const MAX_BUSINESS_TIME: i64 = 253_402_185_600;

/// One delivery attempt.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// Protocol time of the attempt.
    pub at: i64,
    /// HTTP status answered, if any.
    pub status: Option<u16>,
    /// Transport error, if any.
    pub error: Option<String>,
    /// Whether this attempt carried a `WECHATPAY/SIGNTEST/` probe signature.
    pub probe: bool,
    /// Key id in `Wechatpay-Serial`.
    pub serial: String,
    /// Milliseconds from sending to the answer (or the error).
    pub latency_ms: u64,
}

/// A notification and its delivery history.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// Envelope id.
    pub id: String,
    /// `COUPON.USE`.
    pub event_type: String,
    /// Coupon concerned.
    pub coupon_id: String,
    /// Target URL.
    pub notify_url: String,
    /// Attempts so far.
    pub attempts: Vec<Attempt>,
    /// Answered 200/204.
    pub acknowledged: bool,
    /// All attempts used without acknowledgement.
    pub gave_up: bool,
    /// The signed-over envelope sent (kept to redeliver it).
    #[serde(skip)]
    pub body: Vec<u8>,
}

fn parse_body(body: &[u8]) -> Result<Value, ApiErr> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| ApiErr::new(400, "PARAM_ERROR", format!("invalid JSON: {e}")))
}

/// Routes `/sandbox/<rest>`.
pub fn sandbox_route(shared: &Arc<Shared>, method: &str, rest: &str, body: &[u8]) -> Result<Value, ApiErr> {
    match (method, rest.trim_end_matches('/')) {
        ("POST", "use") => {
            let body = parse_body(body)?;
            check_use_fields(&body)?;
            let now = shared.business_now();
            let (coupon, rec) = lock(&shared.state).use_coupon(now, &body)?;
            // The use is durable before it is notified.
            shared.sync_state()?;
            let notification = queue_coupon_use(shared, &coupon)?;
            Ok(json!({
                "coupon_id": rec.coupon_id,
                "transaction_id": rec.transaction_id,
                "consume_time": rfc3339(rec.time),
                "notification_id": notification,
            }))
        }
        ("POST", "refund") => {
            let body = parse_body(body)?;
            check_digits(&body, "coupon_id", 20, true)?;
            lock(&shared.state).refund(shared.business_now(), &body)
        }
        ("GET", "clock") => Ok(clock_json(shared)),
        ("POST", "clock/advance") => advance_clock(shared, &parse_body(body)?),
        ("GET", "notifications") => Ok(json!({"data": *lock(&shared.deliveries)})),
        ("GET", "merchant") => {
            serde_json::to_value(&shared.merchant.config).map_err(|e| ApiErr::new(500, "SYSTEM_ERROR", e.to_string()))
        }
        _ => Err(ApiErr::not_found(format!(
            "no sandbox endpoint {method} /sandbox/{rest}"
        ))),
    }
}

/// A value as echoed in an error: strings cut to 64 characters, other JSON as its (cut) text.
fn echo(v: Option<&Value>) -> Value {
    match v {
        None => Value::Null,
        Some(Value::String(s)) => Value::String(truncate(s, 64)),
        Some(v @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => v.clone(),
        Some(other) => Value::String(truncate(&other.to_string(), 64)),
    }
}

/// `field` of `body`, when present, is a string of 1..=`max` ASCII digits.
fn check_digits(body: &Value, field: &str, max: usize, required: bool) -> Result<(), ApiErr> {
    match body.get(field) {
        None | Some(Value::Null) if !required => Ok(()),
        Some(Value::String(s)) if (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        v => Err(ApiErr::body(
            field,
            echo(v),
            format!("应为 1–{max} 位数字 (expected a string of 1 to {max} digits)"),
        )),
    }
}

/// Largest `order_amount` (fen) `/sandbox/use` accepts.
pub const MAX_ORDER_AMOUNT: i64 = 10_000_000_000;

/// Checks the fields of `/sandbox/use` against their documented shapes, so that nothing written
/// into a bill can break its layout: ids are digits, `openid` has no control characters,
/// `order_amount` is a positive integer.
pub fn check_use_fields(body: &Value) -> Result<(), ApiErr> {
    if !body.is_object() {
        return Err(ApiErr::invalid("请求体应为 JSON 对象 (the body must be a JSON object)"));
    }
    check_digits(body, "coupon_id", 20, true)?;
    check_digits(body, "mchid", 20, false)?;
    check_digits(body, "transaction_id", 32, false)?;
    match body.get("openid") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if (1..=128).contains(&s.chars().count()) && !s.chars().any(char::is_control) => {}
        v => {
            return Err(ApiErr::body(
                "openid",
                echo(v),
                "应为 1–128 个字符且不含控制字符 (expected 1 to 128 characters, no control characters)",
            ));
        }
    }
    match body.get("order_amount") {
        None | Some(Value::Null) => Ok(()),
        Some(v) if v.as_i64().is_some_and(|a| (1..=MAX_ORDER_AMOUNT).contains(&a)) => Ok(()),
        v => Err(ApiErr::body(
            "order_amount",
            echo(v),
            format!(
                "应为 [1, {MAX_ORDER_AMOUNT}] 之间的整数（分） (expected an integer number of fen in [1, {MAX_ORDER_AMOUNT}])"
            ),
        )),
    }
}

/// `POST /sandbox/clock/advance {"seconds": n}`: moves the business clock forward by `n`, which
/// must keep it at or before [`MAX_BUSINESS_TIME`].
fn advance_clock(shared: &Shared, v: &Value) -> Result<Value, ApiErr> {
    let raw = v.get("seconds");
    let out_of_range = || {
        let max = MAX_BUSINESS_TIME.saturating_sub(shared.business_now()).max(0);
        ApiErr::body(
            "seconds",
            echo(raw),
            format!(
                "应为 [0, {max}] 之间的整数 (expected an integer in [0, {max}]: the business clock goes up to {})",
                rfc3339(MAX_BUSINESS_TIME)
            ),
        )
    };
    let secs = raw
        .and_then(Value::as_i64)
        .filter(|s| *s >= 0)
        .ok_or_else(out_of_range)?;
    {
        // Under the state lock, which every offset change takes: check the range, then save the
        // new offset and publish it.
        let mut state = lock(&shared.state);
        let offset = shared.clock_offset.load(Ordering::SeqCst);
        offset
            .checked_add(secs)
            .and_then(|new| shared.now().checked_add(new))
            .filter(|t| *t <= MAX_BUSINESS_TIME)
            .ok_or_else(out_of_range)?;
        state.advance_clock(&shared.clock_offset, secs)?;
    }
    // The new offset is on disk before it is answered.
    shared.sync_state()?;
    Ok(clock_json(shared))
}

fn clock_json(shared: &Shared) -> Value {
    let b = shared.business_now();
    json!({
        "now": b,
        "now_rfc3339": rfc3339(b),
        "offset_seconds": shared.clock_offset.load(Ordering::SeqCst),
        "protocol_now": shared.now(),
    })
}

/// Builds the encrypted COUPON.USE envelope for `coupon` and starts delivering it (when a
/// callback is set and switched on). Returns the envelope id, or null.
pub fn queue_coupon_use(shared: &Arc<Shared>, coupon: &Value) -> Result<Value, ApiErr> {
    let Some(cb) = lock(&shared.state).callback.clone().filter(|c| c.enabled) else {
        return Ok(Value::Null);
    };
    let plaintext = coupon.to_string();
    let nonce = wechatpay_coupons::clock::random_string(12).map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "rng"))?;
    let ciphertext = aead_encrypt(
        &BuiltinCrypto,
        &shared.merchant.apiv3_key,
        &nonce,
        "coupon",
        plaintext.as_bytes(),
    )
    .map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "encryption failed"))?;
    let id = format!("EV-{:016}", shared.seq());
    let envelope = json!({
        "id": id,
        "create_time": rfc3339(shared.business_now()),
        "resource_type": "encrypt-resource",
        "event_type": "COUPON.USE",
        "summary": "代金券核销通知",
        "resource": {
            "original_type": "coupon",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext,
            "associated_data": "coupon",
            "nonce": nonce,
        }
    });
    let body = envelope.to_string().into_bytes();
    let index = {
        let mut d = lock(&shared.deliveries);
        d.push(Delivery {
            id: id.clone(),
            event_type: "COUPON.USE".into(),
            coupon_id: coupon
                .get("coupon_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            notify_url: cb.notify_url.clone(),
            attempts: Vec::new(),
            acknowledged: false,
            gave_up: false,
            body: body.clone(),
        });
        d.len() - 1
    };
    let s = shared.clone();
    shared
        .runtime
        .spawn(crate::delivery::deliver(s, index, cb.notify_url, body));
    Ok(json!(id))
}

/// Delivers the notification at `index` of the delivery log again, with the usual retries (its
/// new attempts are added to the same entry). Returns its id.
pub fn redeliver(shared: &Arc<Shared>, index: usize) -> Result<String, ApiErr> {
    let (id, url, body) = {
        let mut d = lock(&shared.deliveries);
        let entry = d
            .get_mut(index)
            .ok_or_else(|| ApiErr::not_found(format!("no notification number {index} in the delivery log")))?;
        entry.gave_up = false;
        (entry.id.clone(), entry.notify_url.clone(), entry.body.clone())
    };
    shared
        .runtime
        .spawn(crate::delivery::deliver(shared.clone(), index, url, body));
    Ok(id)
}

/// Adds an attempt to the delivery log entry `index`.
pub(crate) fn record(shared: &Shared, index: usize, a: Attempt, ok: bool) {
    if let Some(d) = lock(&shared.deliveries).get_mut(index) {
        d.attempts.push(a);
        d.acknowledged |= ok;
    }
}
