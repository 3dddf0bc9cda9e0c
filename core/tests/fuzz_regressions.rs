//! Regression tests for what the fuzz targets of `fuzz/` found (README "Fuzzing"): each test
//! replays the input a target reported, reduced to the values that mattered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use wechatpay_coupons::Error;
use wechatpay_coupons::favor::plugin::{ApiV2Key, H5CouponParams, SendCouponParam, h5_coupon_url, plugin_sign};

fn rules(r: Result<impl std::fmt::Debug, Error>) -> Vec<(String, &'static str)> {
    match r {
        Err(Error::Validation(v)) => v.violations.iter().map(|v| (v.field.clone(), v.rule)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// plugin_sign target, crash-5cbb687c: an H5 `open_id` of `202&6-0` was signed as
/// `…&open_id=202&6-0&…`, which reads back as `open_id=202` plus a parameter `6-0`.
#[test]
fn h5_value_with_ampersand_is_refused() {
    // The found key was 24 characters; ApiV2Key::new refuses that now (V-FE-07 at construction).
    let key = ApiV2Key::new("our_ke_y?here_jave_risks_0123456").unwrap();
    let params = H5CouponParams {
        stock_id: "121pBzx90-6MfCHbec".into(),
        out_request_no: "7z345199".into(),
        send_coupon_merchant: "56406424".into(),
        open_id: "202&6-0".into(),
        coupon_code: Some("201-01T00:00:00+424".into()),
        customize_send_time: None,
    };
    assert_eq!(
        rules(h5_coupon_url(&params, &key)),
        vec![("open_id".to_owned(), "V-FE-09")]
    );
    let fine = H5CouponParams {
        open_id: "202-6-0".into(),
        ..params
    };
    assert!(h5_coupon_url(&fine, &key).is_ok());
}

/// The same defect in the plugin: a 商家券 `coupon_code` of `C&create_coupon_merchant0=1900000109`
/// signed the same string as an entry that carries `create_coupon_merchant0`.
#[test]
fn plugin_value_with_separator_is_refused() {
    let key = ApiV2Key::new("0123456789abcdef0123456789abcdef").unwrap();
    let mut entry = SendCouponParam::busifavor("1234567", "abc123");
    entry.coupon_code = Some("C&create_coupon_merchant0=1900000109".into());
    assert_eq!(
        rules(plugin_sign("10016226", &[entry.clone()], &key)),
        vec![("send_coupon_params[0].coupon_code".to_owned(), "V-FE-09")]
    );
    entry.coupon_code = Some("k=v".into());
    assert_eq!(
        rules(plugin_sign("10016226", &[entry.clone()], &key)),
        vec![("send_coupon_params[0].coupon_code".to_owned(), "V-FE-09")]
    );
    entry.coupon_code = Some("C1900000109".into());
    assert!(plugin_sign("10016226", &[entry], &key).is_ok());
}
