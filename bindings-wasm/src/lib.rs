//! WebAssembly binding of the `wechatpay-coupons` sans-IO core: the native half of the npm
//! package `wechatpay-coupons` (`bindings-wasm/npm/`).
//!
//! The binding is thin: [`client`] and [`bills`] call the core's binding-facing layer
//! ([`wechatpay_coupons::dynamic`]); [`host`] lets JavaScript supply the merchant signer and the
//! crypto provider (`node:crypto` on Node, where RSA is far faster than RSA compiled to wasm);
//! [`errors`] turns every core error into one native JS error carrying the core's stable code
//! and fields. Structured values cross as JSON text. Nothing here panics.

pub mod bills;
pub mod client;
pub mod errors;
pub mod host;
pub mod plugin;
pub mod request;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wechatpay_coupons::dynamic;
use wechatpay_coupons::notify::Acknowledgement;

use crate::client::json;
use crate::errors::{JsResult, config_to_js, invalid};

/// The operation catalogue (JSON array of the core's `OperationInfo`).
#[wasm_bindgen]
pub fn operations() -> JsResult<String> {
    json(&dynamic::operations())
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The crypto backend compiled in (used when no host crypto provider is given).
#[wasm_bindgen(js_name = cryptoBackend)]
pub fn crypto_backend() -> String {
    wechatpay_coupons::crypto::BACKEND.to_owned()
}

/// The primary and backup API base URLs (JSON `[primary, backup]`).
#[wasm_bindgen(js_name = baseUrls)]
pub fn base_urls() -> JsResult<String> {
    json(&[wechatpay_coupons::PRIMARY_BASE_URL, wechatpay_coupons::BACKUP_BASE_URL])
}

fn ack_json(a: &Acknowledgement) -> JsResult<String> {
    json(&serde_json::json!({
        "status": a.status,
        "content_type": a.content_type,
        "body": String::from_utf8_lossy(&a.body),
    }))
}

/// The acknowledgement for an outcome: `kind` is the error's kind (`undefined` for success).
#[wasm_bindgen(js_name = acknowledgementFor)]
pub fn acknowledgement_for(kind: Option<String>) -> JsResult<String> {
    ack_json(&Acknowledgement::for_kind(kind.as_deref()))
}

/// A failure acknowledgement with `status` (400–599) and `message`.
#[wasm_bindgen(js_name = acknowledgementFailure)]
pub fn acknowledgement_failure(status: u16, message: &str) -> JsResult<String> {
    ack_json(&Acknowledgement::failure(status, message))
}

/// Retry advice after an API error (`status`, WeChat Pay `code`) or, with `status` 0, after a
/// transport failure, ending attempt `attempt` (JSON of the core's `RetryAdvice`).
#[wasm_bindgen(js_name = retryAdvice)]
pub fn retry_advice(status: u16, code: Option<String>, attempt: u32) -> JsResult<String> {
    if status == 0 {
        return json(&dynamic::RetryAdvice::for_transport_failure(attempt));
    }
    json(&dynamic::retry_advice_for_api(status, code.as_deref(), attempt))
}

/// The client options (JSON, snake_case) that the config file `path` describes, reading it and
/// the files it names with `read_file(path) => Uint8Array` (Node's `fs.readFileSync`).
#[wasm_bindgen(js_name = configOptions)]
pub fn config_options(path: &str, read_file: Function) -> JsResult<String> {
    let read = |p: &std::path::Path| -> std::io::Result<Vec<u8>> {
        let arg = JsValue::from_str(&p.to_string_lossy());
        match read_file.call1(&JsValue::NULL, &arg) {
            Ok(v) => match v.dyn_into::<js_sys::Uint8Array>() {
                Ok(b) => Ok(b.to_vec()),
                Err(_) => Err(std::io::Error::other("the file reader did not return bytes")),
            },
            Err(e) => {
                let code = js_sys::Reflect::get(&e, &JsValue::from_str("code"))
                    .ok()
                    .and_then(|c| c.as_string())
                    .unwrap_or_else(|| "read failed".to_owned());
                Err(std::io::Error::other(code))
            }
        }
    };
    let o = dynamic::options_from_config_with(std::path::Path::new(path), &read).map_err(|e| config_to_js(&e))?;
    let text = |p: &Option<dynamic::PemSource>| {
        p.as_ref()
            .map(|p| String::from_utf8_lossy(AsRef::<[u8]>::as_ref(p)).into_owned())
    };
    let certs: Vec<String> = o
        .platform_certificates()
        .iter()
        .map(|c| String::from_utf8_lossy(c.as_ref()).into_owned())
        .collect();
    let mut out = serde_json::json!({
        "mchid": o.mchid,
        "merchant_serial": o.merchant_serial,
        "private_key": text(&o.private_key),
        "apiv3_key": text(&o.apiv3_key),
        "wechatpay_public_key_id": o.wechatpay_public_key_id,
        "wechatpay_public_key": text(&o.wechatpay_public_key),
        "base_url": o.base_url,
        "allow_http_notify_url": o.allow_http_notify_url,
    });
    if !certs.is_empty() {
        out["platform_certificates"] = serde_json::json!(certs);
    }
    json(&out)
}

/// Checks a validation policy (JSON) without building a client.
#[wasm_bindgen(js_name = checkPolicy)]
pub fn check_policy(policy: &str) -> JsResult<()> {
    let v: serde_json::Value =
        serde_json::from_str(policy).map_err(|_| invalid("validation", "type", "JSON-serialisable data"))?;
    dynamic::policy_from_value(&v)
        .map(|_| ())
        .map_err(|e| errors::to_js(&e))
}
