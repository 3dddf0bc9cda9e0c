//! Every core error as one JavaScript value: an `Error` named `WechatPayNativeError` whose
//! `payload` is the JSON `{kind, code, message, fields}` from the core's stable codes. The JS
//! package turns it into its `WechatPayError` subclass (`npm/src/errors.js`); nothing here lists
//! variants.

use serde_json::{Map, Value, json};
use wasm_bindgen::JsValue;
use wechatpay_coupons::Error;
use wechatpay_coupons::config::ConfigError;
use wechatpay_coupons::error::echo;
use wechatpay_coupons::favor::bills::BillError;

/// The name of the native error the JS layer converts.
pub const NATIVE_ERROR: &str = "WechatPayNativeError";

fn native(kind: &str, code: &str, message: &str, fields: Map<String, Value>) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(NATIVE_ERROR);
    let payload = json!({"kind": kind, "code": code, "message": message, "fields": fields}).to_string();
    // Reflect::set on a fresh Error object cannot fail; if it did, the error still has its message.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("payload"), &JsValue::from_str(&payload));
    err.into()
}

/// A core error as the native JS error.
pub fn to_js(e: &Error) -> JsValue {
    native(e.kind(), e.code(), &e.to_string(), e.fields())
}

/// A core error from building `params`: each violation also carries the offending `value`
/// (echoed, truncated; absent when the field is missing) and `issue` (its message).
pub fn with_values(e: &Error, params: &Value) -> JsValue {
    let mut fields = e.fields();
    if let Some(Value::Array(list)) = fields.get_mut("violations") {
        for v in list.iter_mut() {
            let Value::Object(m) = v else { continue };
            let path = m.get("field").and_then(Value::as_str).unwrap_or_default().to_owned();
            let value = match wechatpay_coupons::dynamic::value_at(params, &path) {
                Value::Null => Value::Null,
                Value::String(s) => Value::String(echo(&s).into()),
                other => Value::String(echo(&other.to_string()).into()),
            };
            let issue = m.get("message").cloned().unwrap_or(Value::Null);
            m.insert("value".into(), value);
            m.insert("issue".into(), issue);
        }
    }
    native(e.kind(), e.code(), &e.to_string(), fields)
}

/// A configuration error as the native JS error.
pub fn config_to_js(e: &ConfigError) -> JsValue {
    native("config", e.code(), &e.to_string(), Map::new())
}

/// A bill error as the native JS error.
pub fn bill_to_js(e: BillError) -> JsValue {
    to_js(&Error::from(e))
}

/// Bad input to the binding itself: a validation error with one violation on `field`.
pub fn invalid(field: &str, rule: &str, message: &str) -> JsValue {
    let violation = json!({
        "field": field, "rule": rule, "severity": "error", "message": message, "message_zh": ""
    });
    let mut fields = Map::new();
    fields.insert("violations".into(), Value::Array(vec![violation]));
    native(
        "validation",
        "validation.violations",
        &format!("{field}: {message}"),
        fields,
    )
}

/// `Result` of the exported functions.
pub type JsResult<T> = Result<T, JsValue>;

/// Maps core results to JS results.
pub trait IntoJs<T> {
    /// The core error as the native JS error.
    fn js(self) -> JsResult<T>;
}

impl<T, E: Into<Error>> IntoJs<T> for Result<T, E> {
    fn js(self) -> JsResult<T> {
        self.map_err(|e| to_js(&e.into()))
    }
}
