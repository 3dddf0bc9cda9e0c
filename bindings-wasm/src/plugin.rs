//! APIv2 HMAC-SHA256 signatures: the mini-program send-coupon plugin and the H5 coupon page.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wechatpay_coupons::favor::plugin::{
    ApiV2Key, CouponProduct, H5CouponParams, SendCouponParam, h5_coupon_url as core_h5,
    plugin_sign as core_plugin_sign, v2_hmac_sign as core_v2_sign, verify_v2_hmac as core_verify,
};

use crate::client::{json, parse_json};
use crate::errors::{IntoJs, JsResult, invalid};

fn key(bytes: &[u8]) -> JsResult<ApiV2Key> {
    ApiV2Key::new(bytes).js()
}

fn pairs(text: &str) -> JsResult<Vec<(String, String)>> {
    let value = parse_json("params", text)?;
    let serde_json::Value::Object(map) = value else {
        return Err(invalid("params", "type", "an object of string values"));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            _ => Err(invalid(&format!("params.{k}"), "type", "a string")),
        })
        .collect()
}

/// APIv2 HMAC-SHA256 over `params` (JSON object of strings): JSON `{sign, string_to_sign_redacted}`.
#[wasm_bindgen(js_name = v2HmacSign)]
pub fn v2_hmac_sign(params: &str, apiv2_key: &[u8]) -> JsResult<String> {
    let p = pairs(params)?;
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let s = core_v2_sign(&refs, &key(apiv2_key)?).js()?;
    json(&serde_json::json!({"sign": s.sign, "string_to_sign_redacted": s.string_to_sign_redacted}))
}

/// Checks an APIv2 HMAC-SHA256 `sign` (constant time).
#[wasm_bindgen(js_name = verifyV2Hmac)]
pub fn verify_v2_hmac(params: &str, apiv2_key: &[u8], sign: &str) -> JsResult<bool> {
    let p = pairs(params)?;
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Ok(core_verify(&refs, &key(apiv2_key)?, sign))
}

/// One entry of the plugin's `send_coupon_params`, as the JS caller gives it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    stock_id: String,
    out_request_no: String,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    create_coupon_merchant: Option<String>,
    #[serde(default)]
    coupon_code: Option<String>,
    #[serde(default)]
    customize_send_time: Option<String>,
}

/// Signs the send-coupon plugin's parameters: JSON `{payload, sign, string_to_sign_redacted, warnings}`.
#[wasm_bindgen(js_name = pluginSign)]
pub fn plugin_sign(send_coupon_merchant: &str, entries: &str, apiv2_key: &[u8]) -> JsResult<String> {
    let list = match parse_json("send_coupon_params", entries)? {
        serde_json::Value::Array(list) => list,
        _ => return Err(invalid("send_coupon_params", "type", "an array of entries")),
    };
    let mut params = Vec::with_capacity(list.len());
    for (i, e) in list.into_iter().enumerate() {
        let path = format!("send_coupon_params[{i}]");
        let e: Entry = serde_json::from_value(e).map_err(|err| {
            invalid(
                &path,
                "type",
                &format!("{{stock_id, out_request_no, product?, create_coupon_merchant?, coupon_code?, customize_send_time?}} ({err})"),
            )
        })?;
        let product = CouponProduct::by_name(e.product.as_deref().unwrap_or("favor")).ok_or_else(|| {
            invalid(
                &format!("{path}.product"),
                "invalid_input",
                "\"favor\" or \"busifavor\"",
            )
        })?;
        params.push(SendCouponParam::of(
            product,
            e.stock_id,
            e.out_request_no,
            e.create_coupon_merchant,
            e.coupon_code,
            e.customize_send_time,
        ));
    }
    let payload = core_plugin_sign(send_coupon_merchant, &params, &key(apiv2_key)?).js()?;
    let value = parse_json("payload", &payload.to_json())?;
    json(&serde_json::json!({
        "payload": value,
        "sign": payload.sign,
        "string_to_sign_redacted": payload.string_to_sign_redacted,
        "warnings": payload.warnings,
    }))
}

/// The H5 coupon page parameters, as the JS caller gives them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct H5 {
    stock_id: String,
    out_request_no: String,
    send_coupon_merchant: String,
    open_id: String,
    #[serde(default)]
    coupon_code: Option<String>,
    #[serde(default)]
    customize_send_time: Option<String>,
}

/// Builds and signs the H5 coupon page URL: JSON `{url, sign, string_to_sign_redacted, warnings}`.
#[wasm_bindgen(js_name = h5CouponUrl)]
pub fn h5_coupon_url(params: &str, apiv2_key: &[u8]) -> JsResult<String> {
    let h: H5 = serde_json::from_value(parse_json("params", params)?).map_err(|e| {
        invalid(
            "params",
            "type",
            &format!(
                "{{stock_id, out_request_no, send_coupon_merchant, open_id, coupon_code?, customize_send_time?}} ({e})"
            ),
        )
    })?;
    let params = H5CouponParams {
        stock_id: h.stock_id,
        out_request_no: h.out_request_no,
        send_coupon_merchant: h.send_coupon_merchant,
        open_id: h.open_id,
        coupon_code: h.coupon_code,
        customize_send_time: h.customize_send_time,
    };
    let u = core_h5(&params, &key(apiv2_key)?).js()?;
    json(&serde_json::json!({
        "url": u.url, "sign": u.sign, "string_to_sign_redacted": u.string_to_sign_redacted, "warnings": u.warnings,
    }))
}
