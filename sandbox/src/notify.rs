//! Sandbox-only endpoints under `/sandbox/…` (users paying, refunds, the clock, the delivery
//! log) and COUPON.USE notification delivery with retries.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use wechatpay_coupons::cipher::aead_encrypt;
use wechatpay_coupons::crypto::BuiltinCrypto;
use wechatpay_coupons::verify::SIGNATURE_TYPE;

use crate::SigningMode;
use crate::server::{KeyChoice, Shared, lock};
use crate::util::{ApiErr, rfc3339};

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
            let now = shared.business_now();
            let (coupon, rec) = lock(&shared.state).use_coupon(now, &parse_body(body)?)?;
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
        ("POST", "refund") => lock(&shared.state).refund(shared.business_now(), &parse_body(body)?),
        ("GET", "clock") => Ok(clock_json(shared)),
        ("POST", "clock/advance") => {
            let v = parse_body(body)?;
            let secs = v
                .get("seconds")
                .and_then(Value::as_i64)
                .filter(|s| *s >= 0)
                .ok_or_else(|| {
                    ApiErr::body(
                        "seconds",
                        v.get("seconds").cloned().unwrap_or(Value::Null),
                        "a non-negative integer",
                    )
                })?;
            lock(&shared.state).advance_clock(&shared.clock_offset, secs)?;
            Ok(clock_json(shared))
        }
        ("GET", "notifications") => Ok(json!({"data": *lock(&shared.deliveries)})),
        ("GET", "merchant") => {
            serde_json::to_value(&shared.merchant.config).map_err(|e| ApiErr::new(500, "SYSTEM_ERROR", e.to_string()))
        }
        _ => Err(ApiErr::not_found(format!(
            "no sandbox endpoint {method} /sandbox/{rest}"
        ))),
    }
}

fn clock_json(shared: &Shared) -> Value {
    let b = shared.business_now();
    json!({
        "now": b,
        "now_rfc3339": rfc3339(b),
        "offset_seconds": shared.clock_offset.load(std::sync::atomic::Ordering::SeqCst),
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
        });
        d.len() - 1
    };
    let s = shared.clone();
    shared
        .runtime
        .spawn(async move { deliver(s, index, cb.notify_url, body).await });
    Ok(json!(id))
}

async fn deliver(shared: Arc<Shared>, index: usize, url: String, body: Vec<u8>) {
    let attempts = shared.config.retry_schedule.len() + 1;
    for attempt in 0..attempts {
        if attempt > 0 {
            let delay = shared.config.retry_schedule[attempt - 1];
            tokio::time::sleep(delay).await;
        }
        let key = match shared.config.mode {
            SigningMode::Certificate => KeyChoice::Certificate,
            SigningMode::PublicKey => KeyChoice::PublicKey,
            SigningMode::Migration if shared.seq().is_multiple_of(2) => KeyChoice::PublicKey,
            SigningMode::Migration => KeyChoice::Certificate,
        };
        // Probes only on first deliveries: the retry carries a real signature, as WeChat Pay does.
        let probe = attempt == 0 && shared.take_probe();
        let at = shared.now();
        let headers = match shared.sign_headers(key, &body, probe) {
            Ok(h) => h,
            Err(e) => {
                record(
                    &shared,
                    index,
                    Attempt {
                        at,
                        status: None,
                        error: Some(e.message),
                        probe,
                        serial: String::new(),
                    },
                    false,
                );
                continue;
            }
        };
        let serial = headers[3].1.clone();
        let timeout = shared.config.delivery_timeout;
        let (url2, body2, request_id) = (url.clone(), body.clone(), format!("NOTIFY-{:016}", shared.seq()));
        let result = tokio::task::spawn_blocking(move || post(&url2, &headers, &request_id, &body2, timeout)).await;
        let (status, error) = match result {
            Ok(Ok(s)) => (Some(s), None),
            Ok(Err(e)) => (None, Some(e)),
            Err(e) => (None, Some(e.to_string())),
        };
        let ok = matches!(status, Some(200 | 204));
        record(
            &shared,
            index,
            Attempt {
                at,
                status,
                error,
                probe,
                serial,
            },
            ok,
        );
        if ok {
            return;
        }
    }
    if let Some(d) = lock(&shared.deliveries).get_mut(index) {
        d.gave_up = true;
    }
}

fn record(shared: &Shared, index: usize, a: Attempt, ok: bool) {
    if let Some(d) = lock(&shared.deliveries).get_mut(index) {
        d.attempts.push(a);
        d.acknowledged |= ok;
    }
}

fn post(
    url: &str,
    headers: &[(String, String); 4],
    request_id: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<u16, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Mozilla/4.0 (wechatpay-sandbox notifier)")
        .header("Request-ID", request_id)
        .header("Wechatpay-Signature-Type", SIGNATURE_TYPE);
    for (n, v) in headers {
        req = req.header(n.as_str(), v.as_str());
    }
    req.send(body).map(|r| r.status().as_u16()).map_err(|e| e.to_string())
}
