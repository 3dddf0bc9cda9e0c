//! Server-side request checks with the core's rules: bodies and queries are decoded into the
//! core's typed request models ([`wechatpay_coupons::favor::models`]) and run through
//! [`wechatpay_coupons::favor::validation`], exactly as a client runs them before signing.
//!
//! Every MUST-rule violation (severity [`Severity::Error`]) makes the request a
//! `400 PARAM_ERROR`: `detail {field, value, issue, location}` describes the first one, `message`
//! lists them all. SHOULD-rule warnings are not refused (the real server accepts such requests).
//! The sandbox's own business checks (stock states, limits, idempotency, media URLs, …) run after
//! these, in [`crate::state`].
//!
//! Decoding is the core's ([`wechatpay_coupons::dynamic::decode_tolerant`]), as tolerant as the
//! models: unknown fields are ignored, integers may be numeric
//! strings, lists may be single values. A value of the wrong type is a `PARAM_ERROR` naming its
//! JSON path.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use wechatpay_coupons::dynamic::{decode_tolerant, value_at};
use wechatpay_coupons::favor::models::ImageUploadRequest;
use wechatpay_coupons::favor::ops::Operation;
use wechatpay_coupons::favor::validation::{Severity, Validate, ValidationContext, Violation, check_sent_values};

use crate::util::ApiErr;

/// Seconds `available_begin_time` may lie before the sandbox's business `now` (clock drift
/// between client and server) before V-CS-21 refuses a create-stock request.
pub const BEGIN_TIME_GRACE_SECS: i64 = 300;

/// The validation context of the server: the authenticated caller, the business clock, `http://`
/// notify URLs on loopback allowed (the sandbox relaxation) and [`BEGIN_TIME_GRACE_SECS`].
pub fn context(mchid: &str, business_now: i64) -> ValidationContext<'_> {
    ValidationContext {
        mchid,
        now: business_now,
        allow_http_notify_url: true,
        begin_time_grace_secs: BEGIN_TIME_GRACE_SECS,
    }
}

/// Parses a request body that must be a JSON object.
pub fn parse_object(body: &[u8]) -> Result<Value, ApiErr> {
    if body.is_empty() {
        return Err(ApiErr::invalid("请求体为空 (a JSON body is required)"));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiErr::new(400, "PARAM_ERROR", format!("请求体不是合法的 JSON (invalid JSON: {e})")))?;
    if !v.is_object() {
        return Err(ApiErr::new(
            400,
            "PARAM_ERROR",
            "请求体应为 JSON 对象 (expected an object)",
        ));
    }
    Ok(v)
}

/// Decodes a JSON object into a typed model with the core's tolerant decoding
/// ([`decode_tolerant`]: unknown fields ignored, as the real server does); a value of the wrong
/// type becomes a `PARAM_ERROR` whose `detail.field` is its JSON path.
pub fn decode<T: DeserializeOwned>(value: &Value, location: &str) -> Result<T, ApiErr> {
    decode_tolerant::<T>(value.clone()).0.map_err(|e| {
        let field = if e.path == "." { String::new() } else { e.path };
        let issue = format!("类型错误 (wrong type: {})", e.reason);
        ApiErr::param(&field, lookup(value, &field), issue, location)
    })
}

/// Builds a typed GET request from path parameters and the decoded query (query values stay
/// strings; the models read numbers from numeric strings).
pub fn decode_query<T: DeserializeOwned>(path: &[(&str, &str)], query: &[(String, String)]) -> Result<T, ApiErr> {
    let mut map = Map::new();
    for (k, v) in query {
        // First value wins, as the server reads it.
        map.entry(k.clone()).or_insert_with(|| Value::String(v.clone()));
    }
    for (k, v) in path {
        map.insert((*k).to_owned(), Value::String((*v).to_owned()));
    }
    decode(&Value::Object(map), "query")
}

/// Runs the core's rules on a typed request of operation `O` and on every value it carries
/// (`body` = the JSON body as received, for V-G-02 on all its strings). Returns the warnings;
/// any error becomes `400 PARAM_ERROR`.
pub fn check<O: Operation>(
    op: &O,
    body: Option<&Value>,
    ctx: &ValidationContext<'_>,
) -> Result<Vec<Violation>, ApiErr> {
    let mut violations = op.validate(ctx);
    let path = op.path_params();
    let query = op.query();
    let params: Vec<(&str, &str)> = path.iter().chain(query.iter()).map(|(k, v)| (*k, v.as_str())).collect();
    let extra = check_sent_values(&params, body, &violations);
    violations.extend(extra);
    split(violations, |field| {
        if let Some((_, v)) = path.iter().find(|(k, _)| *k == field) {
            (json!(v), "path")
        } else if let Some((_, v)) = query.iter().find(|(k, _)| *k == field) {
            (json!(v), "query")
        } else if O::SPEC.query_params.contains(&field) {
            (Value::Null, "query")
        } else {
            (body.map_or(Value::Null, |b| lookup(b, field)), "body")
        }
    })
}

/// The rules of the image upload (V-IMG-01..03) on the received file; `meta.filename` and
/// `file` name the fields as they are sent in the multipart body.
pub fn check_image(req: &ImageUploadRequest, ctx: &ValidationContext<'_>) -> Result<Vec<Violation>, ApiErr> {
    split(req.validate(ctx), |field| match field {
        "filename" => (json!(req.filename), "body"),
        _ => (json!(req.bytes.len()), "body"),
    })
    .map_err(|mut e| {
        if let Some(d) = e.detail.as_mut().and_then(Value::as_object_mut) {
            let renamed = match d.get("field").and_then(Value::as_str) {
                Some("filename") => "meta.filename",
                _ => "file",
            };
            d.insert("field".into(), json!(renamed));
        }
        e
    })
}

/// Splits violations into warnings (returned) and errors (a `PARAM_ERROR` describing the first
/// one in `detail` and all of them in `message`). `locate` gives a field's value and location.
fn split(violations: Vec<Violation>, locate: impl Fn(&str) -> (Value, &'static str)) -> Result<Vec<Violation>, ApiErr> {
    let (errors, warnings): (Vec<Violation>, Vec<Violation>) =
        violations.into_iter().partition(|v| v.severity == Severity::Error);
    let Some(first) = errors.first() else {
        return Ok(warnings);
    };
    let (value, location) = locate(&first.field);
    let mut e = ApiErr::param(&first.field, value, issue(first), location);
    let all: Vec<String> = errors
        .iter()
        .map(|v| format!("{} [{}]: {}", v.field, v.rule, issue(v)))
        .collect();
    e.message = format!("参数错误 ({} error(s)): {}", errors.len(), all.join("; "));
    Err(e)
}

fn issue(v: &Violation) -> String {
    format!("{} ({}) [{}]", v.message_zh, v.message, v.rule)
}

/// The value at a field path such as `coupon_use_rule.available_merchants[0]` (`null` when
/// absent): the core's [`value_at`].
pub fn lookup(root: &Value, field: &str) -> Value {
    value_at(root, field)
}
