//! The front-end coupon signatures (`favor::plugin`): `plugin_sign`, `h5_coupon_url`,
//! `v2_hmac_sign` and `verify_v2_hmac` over parameters taken from the input.
//!
//! Input: records separated by `\n`, fields by `\x1f`. Record 0: the APIv2 key. Record 1:
//! `send_coupon_merchant`. Every further record is a plugin entry: `product` (`B` = 商家券,
//! anything else 代金券), `stock_id`, `out_request_no`, `create_coupon_merchant`, `coupon_code`,
//! `customize_send_time` (missing fields are absent). The H5 URL is made from the first entry
//! with its `create_coupon_merchant` field as `open_id`; `v2_hmac_sign` signs the
//! (`product`, `stock_id`) fields of every entry as (name, value) pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::favor::plugin::{
    ApiV2Key, CouponProduct, H5CouponParams, SendCouponParam, h5_coupon_url, plugin_sign, v2_hmac_sign, verify_v2_hmac,
};

fn is_sign(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

/// The signed string must name exactly the signed parameters: splitting it on `&` and `=` gives
/// them back (sorted by name), so no value can smuggle in another parameter.
fn check_signed_string(redacted: &str, mut expected: Vec<(String, String)>) {
    expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined = redacted
        .strip_suffix("key=***")
        .unwrap_or_else(|| panic!("the signed string does not end with key=***: {redacted:?}"));
    let parsed: Vec<(String, String)> = joined
        .split_terminator('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    assert_eq!(
        parsed, expected,
        "the signed string {redacted:?} reads back as other parameters"
    );
}

fn opt(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut records = text.split('\n');
    let Ok(key) = ApiV2Key::new(records.next().unwrap_or_default()) else {
        return;
    };
    let merchant = records.next().unwrap_or_default();
    let rows: Vec<Vec<&str>> = records.map(|r| r.split('\x1f').collect()).collect();
    let entries: Vec<SendCouponParam> = rows
        .iter()
        .map(|f| SendCouponParam {
            product: if f[0] == "B" {
                CouponProduct::Busifavor
            } else {
                CouponProduct::Favor
            },
            stock_id: f.get(1).copied().unwrap_or_default().to_owned(),
            out_request_no: f.get(2).copied().unwrap_or_default().to_owned(),
            create_coupon_merchant: opt(f.get(3).copied()),
            coupon_code: opt(f.get(4).copied()),
            customize_send_time: opt(f.get(5).copied()),
        })
        .collect();

    match plugin_sign(merchant, &entries, &key) {
        Ok(p) => {
            assert!(is_sign(&p.sign), "sign {:?}", p.sign);
            assert_eq!(p.send_coupon_params.len(), entries.len());
            let json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(json["sign"].as_str(), Some(p.sign.as_str()));
            let mut signed = vec![("send_coupon_merchant".to_owned(), merchant.to_owned())];
            for (i, e) in p.send_coupon_params.iter().enumerate() {
                for (name, value) in [
                    ("stock_id", Some(&e.stock_id)),
                    ("out_request_no", Some(&e.out_request_no)),
                    ("create_coupon_merchant", e.create_coupon_merchant.as_ref()),
                    ("coupon_code", e.coupon_code.as_ref()),
                    ("customize_send_time", e.customize_send_time.as_ref()),
                ] {
                    if let Some(v) = value.filter(|v| !v.is_empty()) {
                        signed.push((format!("{name}{i}"), v.clone()));
                    }
                }
            }
            let pairs: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert!(verify_v2_hmac(&pairs, &key, &p.sign), "the plugin sign does not verify");
            check_signed_string(&p.string_to_sign_redacted, signed);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }

    if let Some(f) = rows.first() {
        let h5 = H5CouponParams {
            stock_id: f.get(1).copied().unwrap_or_default().to_owned(),
            out_request_no: f.get(2).copied().unwrap_or_default().to_owned(),
            send_coupon_merchant: merchant.to_owned(),
            open_id: f.get(3).copied().unwrap_or_default().to_owned(),
            coupon_code: opt(f.get(4).copied()),
            customize_send_time: opt(f.get(5).copied()),
        };
        match h5_coupon_url(&h5, &key) {
            Ok(u) => {
                assert!(is_sign(&u.sign));
                assert!(u.url.ends_with("#wechat_pay&wechat_redirect"));
                assert!(
                    !u.url.bytes().any(|b| b <= b' ' || b >= 0x7f),
                    "unencoded byte in {:?}",
                    u.url
                );
                let signed: Vec<(String, String)> = [
                    ("stock_id", Some(&h5.stock_id)),
                    ("out_request_no", Some(&h5.out_request_no)),
                    ("send_coupon_merchant", Some(&h5.send_coupon_merchant)),
                    ("open_id", Some(&h5.open_id)),
                    ("coupon_code", h5.coupon_code.as_ref()),
                    ("customize_send_time", h5.customize_send_time.as_ref()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_owned(), v.clone())))
                .collect();
                check_signed_string(&u.string_to_sign_redacted, signed);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }

    let params: Vec<(&str, &str)> = rows
        .iter()
        .map(|f| (f[0], f.get(1).copied().unwrap_or_default()))
        .collect();
    match v2_hmac_sign(&params, &key) {
        Ok(s) => {
            assert!(is_sign(&s.sign));
            assert!(s.string_to_sign_redacted.ends_with("key=***"));
            assert!(verify_v2_hmac(&params, &key, &s.sign));
            assert!(verify_v2_hmac(&params, &key, &s.sign.to_ascii_lowercase()));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
