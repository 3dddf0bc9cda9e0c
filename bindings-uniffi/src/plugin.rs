//! APIv2 HMAC-SHA256 signatures: the mini-program `<send-coupon>` plugin and the H5 coupon page.
//! The APIv2 key belongs on the merchant's server only.

use std::sync::Arc;

use wechatpay_coupons::favor::plugin::{
    ApiV2Key, CouponProduct, H5CouponParams, SendCouponParam, h5_coupon_url as core_h5,
    plugin_sign as core_plugin_sign, v2_hmac_sign as core_v2_sign, verify_v2_hmac as core_verify,
};

use crate::error::{Result, Violation, invalid};
use crate::types::KeyMaterial;

fn key(k: Arc<KeyMaterial>) -> Result<ApiV2Key> {
    Ok(ApiV2Key::new(k.to_bytes())?)
}

/// One name/value parameter of an APIv2 signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// An APIv2 signature and what was signed (the key redacted).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct V2Signature {
    /// Upper-case hex HMAC-SHA256.
    pub sign: String,
    /// The signed string with the key replaced by `***`.
    pub string_to_sign_redacted: String,
}

/// One coupon of a `<send-coupon>` call.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SendCouponEntry {
    /// Batch id.
    pub stock_id: String,
    /// Merchant request number.
    pub out_request_no: String,
    /// Creating merchant (代金券: required).
    #[uniffi(default)]
    pub create_coupon_merchant: Option<String>,
    /// `favor` (代金券, default) or `busifavor` (商家券).
    #[uniffi(default)]
    pub product: Option<String>,
    /// Coupon code (商家券).
    #[uniffi(default)]
    pub coupon_code: Option<String>,
    /// Custom send time (商家券).
    #[uniffi(default)]
    pub customize_send_time: Option<String>,
}

/// The signed `<send-coupon>` payload for the front end.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SendCouponPayload {
    /// The payload as JSON text, ready for the mini program.
    pub payload_json: String,
    /// The signature.
    pub sign: String,
    /// The signed string with the key redacted.
    pub string_to_sign_redacted: String,
    /// Warnings.
    pub warnings: Vec<Violation>,
}

/// The signed H5 coupon page URL.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct H5CouponUrl {
    /// The URL.
    pub url: String,
    /// The signature.
    pub sign: String,
    /// The signed string with the key redacted.
    pub string_to_sign_redacted: String,
    /// Warnings.
    pub warnings: Vec<Violation>,
}

/// The parameters of an H5 coupon page.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct H5CouponRequest {
    /// Batch id.
    pub stock_id: String,
    /// Merchant request number.
    pub out_request_no: String,
    /// Sending merchant.
    pub send_coupon_merchant: String,
    /// The user's openid.
    pub open_id: String,
    /// Coupon code.
    #[uniffi(default)]
    pub coupon_code: Option<String>,
    /// Custom send time.
    #[uniffi(default)]
    pub customize_send_time: Option<String>,
}

/// APIv2 HMAC-SHA256 over `params`.
#[uniffi::export]
pub fn v2_hmac_sign(params: Vec<Param>, apiv2_key: Arc<KeyMaterial>) -> Result<V2Signature> {
    let refs: Vec<(&str, &str)> = params.iter().map(|p| (p.name.as_str(), p.value.as_str())).collect();
    let s = core_v2_sign(&refs, &key(apiv2_key)?)?;
    Ok(V2Signature {
        sign: s.sign,
        string_to_sign_redacted: s.string_to_sign_redacted,
    })
}

/// Checks an APIv2 HMAC-SHA256 `sign` (constant time).
#[uniffi::export]
pub fn verify_v2_hmac(params: Vec<Param>, apiv2_key: Arc<KeyMaterial>, sign: String) -> Result<bool> {
    let refs: Vec<(&str, &str)> = params.iter().map(|p| (p.name.as_str(), p.value.as_str())).collect();
    Ok(core_verify(&refs, &key(apiv2_key)?, &sign))
}

/// Signs the mini-program `<send-coupon>` call.
#[uniffi::export]
pub fn plugin_sign(
    send_coupon_merchant: String,
    entries: Vec<SendCouponEntry>,
    apiv2_key: Arc<KeyMaterial>,
) -> Result<SendCouponPayload> {
    let mut params = Vec::with_capacity(entries.len());
    for (i, e) in entries.into_iter().enumerate() {
        let product = CouponProduct::by_name(e.product.as_deref().unwrap_or("favor")).ok_or_else(|| {
            invalid(
                &format!("send_coupon_params[{i}].product"),
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
    let payload = core_plugin_sign(&send_coupon_merchant, &params, &key(apiv2_key)?)?;
    Ok(SendCouponPayload {
        payload_json: payload.to_json(),
        sign: payload.sign.clone(),
        string_to_sign_redacted: payload.string_to_sign_redacted.clone(),
        warnings: payload.warnings.iter().map(Violation::from).collect(),
    })
}

/// Builds and signs the H5 coupon page URL (商家券).
#[uniffi::export]
pub fn h5_coupon_url(request: H5CouponRequest, apiv2_key: Arc<KeyMaterial>) -> Result<H5CouponUrl> {
    let params = H5CouponParams {
        stock_id: request.stock_id,
        out_request_no: request.out_request_no,
        send_coupon_merchant: request.send_coupon_merchant,
        open_id: request.open_id,
        coupon_code: request.coupon_code,
        customize_send_time: request.customize_send_time,
    };
    let u = core_h5(&params, &key(apiv2_key)?)?;
    Ok(H5CouponUrl {
        url: u.url,
        sign: u.sign,
        string_to_sign_redacted: u.string_to_sign_redacted,
        warnings: u.warnings.iter().map(Violation::from).collect(),
    })
}
