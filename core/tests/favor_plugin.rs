//! APIv2 HMAC-SHA256 signatures of the send-coupon plugin and the H5 coupon page: every worked
//! example of coupon-plugin-sign.md (§1.1 official vector, §2.4 B/D/E/F, §3.2 C).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use wechatpay_coupons::Error;
use wechatpay_coupons::favor::plugin::{
    ApiV2Key, CouponProduct, H5CouponParams, SendCouponParam, h5_coupon_url, plugin_sign, v2_hmac_sign, verify_v2_hmac,
};
use wechatpay_coupons::favor::validation::Severity;

const KEY_0123: &str = "0123456789abcdef0123456789abcdef";
const KEY_EXPOSED: &str = "exposed_your_key_here_have_risks";

fn key(k: &str) -> ApiV2Key {
    ApiV2Key::new(k).unwrap()
}

fn rules(e: Error) -> Vec<(String, &'static str, Severity)> {
    match e {
        Error::Validation(v) => v
            .violations
            .iter()
            .map(|v| (v.field.clone(), v.rule, v.severity))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn official_v2_vector_section_1_1() {
    let params = [
        ("appid", "wxd930ea5d5a258f4f"),
        ("mch_id", "10000100"),
        ("device_info", "1000"),
        ("body", "test"),
        ("nonce_str", "ibuaiVcKdpRxkhJA"),
    ];
    let k = key("192006250b4c09247ec02edce69f6a2d");
    let s = v2_hmac_sign(&params, &k).unwrap();
    assert_eq!(
        s.string_to_sign_redacted,
        "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=***"
    );
    assert_eq!(
        s.sign,
        "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
    );
    assert!(verify_v2_hmac(&params, &k, &s.sign));
    assert!(verify_v2_hmac(&params, &k, &s.sign.to_ascii_lowercase()));
    assert!(!verify_v2_hmac(&params[1..], &k, &s.sign));
    // `sign` itself and empty values are not signed.
    let mut with_sign = params.to_vec();
    with_sign.push(("sign", "whatever"));
    with_sign.push(("attach", ""));
    assert_eq!(v2_hmac_sign(&with_sign, &k).unwrap().sign, s.sign);
}

#[test]
fn duplicate_parameter_is_refused() {
    let e = v2_hmac_sign(&[("a", "1"), ("a", "2")], &key(KEY_0123)).unwrap_err();
    assert!(e.to_string().contains('a'));
}

#[test]
fn example_b_two_entries() {
    let entries = [
        SendCouponParam::busifavor("abc123", "1234567"),
        SendCouponParam::busifavor("321cba", "7654321"),
    ];
    let p = plugin_sign("10016226", &entries, &key(KEY_EXPOSED)).unwrap();
    assert_eq!(
        p.string_to_sign_redacted,
        "out_request_no0=1234567&out_request_no1=7654321&send_coupon_merchant=10016226&stock_id0=abc123&stock_id1=321cba&key=***"
    );
    assert_eq!(
        p.sign,
        "20FB971D442A119C85CA1A49DBDEA61A14944D98AFC1D2B040030C5C8792A83A"
    );
    assert!(p.warnings.is_empty());
}

#[test]
fn example_d_one_favor_entry_and_payload() {
    let entries = [SendCouponParam::favor("9865000", "89560002019101000121", "1900000109")];
    let p = plugin_sign("1900000109", &entries, &key(KEY_0123)).unwrap();
    assert_eq!(
        p.string_to_sign_redacted,
        "create_coupon_merchant0=1900000109&out_request_no0=89560002019101000121&send_coupon_merchant=1900000109&stock_id0=9865000&key=***"
    );
    assert_eq!(
        p.sign,
        "D4CF8D84161D8BEAF05A38AD1D2F09852C26A494FAA0BAE2064D9235B786B18B"
    );
    assert_eq!(
        p.to_json(),
        r#"{"send_coupon_params":[{"stock_id":"9865000","out_request_no":"89560002019101000121","create_coupon_merchant":"1900000109"}],"send_coupon_merchant":"1900000109","sign":"D4CF8D84161D8BEAF05A38AD1D2F09852C26A494FAA0BAE2064D9235B786B18B"}"#
    );
}

#[test]
fn example_e_empty_coupon_code_is_dropped() {
    let mut entry = SendCouponParam::favor("9865000", "89560002019101000121", "1900000109");
    entry.coupon_code = Some(String::new());
    let p = plugin_sign("1900000109", &[entry], &key(KEY_0123)).unwrap();
    assert_eq!(
        p.sign,
        "D4CF8D84161D8BEAF05A38AD1D2F09852C26A494FAA0BAE2064D9235B786B18B"
    );
    assert!(!p.to_json().contains("coupon_code"));
    // The same through the generic routine with flattened names.
    let s = v2_hmac_sign(
        &[
            ("stock_id0", "9865000"),
            ("out_request_no0", "89560002019101000121"),
            ("create_coupon_merchant0", "1900000109"),
            ("coupon_code0", ""),
            ("send_coupon_merchant", "1900000109"),
        ],
        &key(KEY_0123),
    )
    .unwrap();
    assert_eq!(s.sign, p.sign);
}

#[test]
fn example_f_official_one_coupon_shape() {
    let p = plugin_sign(
        "10016226",
        &[SendCouponParam::busifavor("1234567", "abc123")],
        &key(KEY_0123),
    )
    .unwrap();
    assert_eq!(
        p.string_to_sign_redacted,
        "out_request_no0=abc123&send_coupon_merchant=10016226&stock_id0=1234567&key=***"
    );
    assert_eq!(
        p.sign,
        "E92049971C826B536E70DD80E8C2DD2EDD47EAF6A62786551BD0C3E17EFE95B1"
    );
}

#[test]
fn example_c_h5_url() {
    let params = H5CouponParams {
        stock_id: "12111100000001".into(),
        out_request_no: "20191204550002".into(),
        send_coupon_merchant: "10016226".into(),
        open_id: "oVvBvwEurkeUJpBzX90-6MfCHbec".into(),
        coupon_code: Some("75345199".into()),
        customize_send_time: None,
    };
    let u = h5_coupon_url(&params, &key(KEY_EXPOSED)).unwrap();
    assert_eq!(
        u.string_to_sign_redacted,
        "coupon_code=75345199&open_id=oVvBvwEurkeUJpBzX90-6MfCHbec&out_request_no=20191204550002&send_coupon_merchant=10016226&stock_id=12111100000001&key=***"
    );
    assert_eq!(
        u.sign,
        "D4AE51952153389716232ABDE5124F2B1C94431BE7B647F6DB22BE7E4A5FBE33"
    );
    assert_eq!(
        u.url,
        "https://action.weixin.qq.com/busifavor/getcouponinfo?stock_id=12111100000001&out_request_no=20191204550002&send_coupon_merchant=10016226&open_id=oVvBvwEurkeUJpBzX90-6MfCHbec&coupon_code=75345199&sign=D4AE51952153389716232ABDE5124F2B1C94431BE7B647F6DB22BE7E4A5FBE33#wechat_pay&wechat_redirect"
    );
}

#[test]
fn h5_encodes_values_in_url_but_signs_raw() {
    let params = H5CouponParams {
        stock_id: "12111100000001".into(),
        out_request_no: "20191204550002".into(),
        send_coupon_merchant: "10016226".into(),
        open_id: "oVvBvwEurkeUJpBzX90-6MfCHbec".into(),
        coupon_code: None,
        customize_send_time: Some("2026-01-01T00:00:00+08:00".into()),
    };
    let u = h5_coupon_url(&params, &key(KEY_EXPOSED)).unwrap();
    assert!(
        u.url
            .contains("customize_send_time=2026-01-01T00%3A00%3A00%2B08%3A00&sign=")
    );
    assert!(
        u.string_to_sign_redacted
            .starts_with("customize_send_time=2026-01-01T00:00:00+08:00&open_id=")
    );
    // H5 out_request_no is letters and digits only.
    let bad = H5CouponParams {
        out_request_no: "a_b".into(),
        open_id: String::new(),
        ..params
    };
    let r = rules(h5_coupon_url(&bad, &key(KEY_EXPOSED)).unwrap_err());
    assert!(r.iter().any(|(f, id, _)| f == "out_request_no" && *id == "V-FE-04"));
    assert!(r.iter().any(|(f, id, _)| f == "open_id" && *id == "V-FE-08"));
}

#[test]
fn validation_rules_v_fe_01_to_06_reported_together() {
    let k = key(KEY_0123);
    // V-FE-01: none, and more than ten.
    assert!(
        rules(plugin_sign("10016226", &[], &k).unwrap_err())
            .iter()
            .any(|r| r.1 == "V-FE-01")
    );
    let eleven: Vec<_> = (0..11)
        .map(|i| SendCouponParam::busifavor("1", format!("n{i}")))
        .collect();
    assert!(
        rules(plugin_sign("10016226", &eleven, &k).unwrap_err())
            .iter()
            .any(|r| r.1 == "V-FE-01")
    );
    let ten: Vec<_> = (0..10)
        .map(|i| SendCouponParam::busifavor("1", format!("n{i}")))
        .collect();
    assert!(plugin_sign("10016226", &ten, &k).is_ok());

    let mut favor_without_creator = SendCouponParam::favor("123", "a", "");
    favor_without_creator.create_coupon_merchant = None;
    let mut favor_with_code = SendCouponParam::favor("124", "b", "1900000109");
    favor_with_code.coupon_code = Some("C1".into());
    let mut busifavor_with_creator = SendCouponParam::busifavor("125", "c");
    busifavor_with_creator.create_coupon_merchant = Some("1900000109".into());
    let entries = [
        SendCouponParam::favor("123456789012345678901", "ok", "1900000109"), // V-FE-03
        SendCouponParam::favor("1", "bad no!", "1900000109"),                // V-FE-04
        SendCouponParam::favor("1", "x".repeat(129), "1900000109"),          // V-FE-04
        favor_without_creator,                                               // V-FE-05
        favor_with_code,                                                     // V-FE-05
        busifavor_with_creator,                                              // V-FE-05
        SendCouponParam::favor("1", "bad no!", "1900000109"),                // V-FE-04 + V-FE-06
    ];
    let r = rules(plugin_sign("1234567", &entries, &key(KEY_0123)).unwrap_err());
    let has = |field: &str, rule: &str| r.iter().any(|(f, id, _)| f == field && *id == rule);
    assert!(has("send_coupon_merchant", "V-FE-02"));
    assert!(has("send_coupon_params[0].stock_id", "V-FE-03"));
    assert!(has("send_coupon_params[1].out_request_no", "V-FE-04"));
    assert!(has("send_coupon_params[2].out_request_no", "V-FE-04"));
    assert!(has("send_coupon_params[3].create_coupon_merchant", "V-FE-05"));
    assert!(has("send_coupon_params[4].coupon_code", "V-FE-05"));
    assert!(has("send_coupon_params[5].create_coupon_merchant", "V-FE-05"));
    assert!(has("send_coupon_params[6].out_request_no", "V-FE-06"));
    assert!(r.iter().all(|(_, _, sev)| *sev == Severity::Error));
    // Every passing counterpart: the allowed charset and a 15-digit merchant.
    let ok = plugin_sign(
        "123456789012345",
        &[SendCouponParam::favor("12345678901234567890", "A-z_0|9*", "1900000109")],
        &k,
    )
    .unwrap();
    assert_eq!(ok.sign.len(), 64);
}

/// V-FE-07: the APIv2 key is the 32 characters the merchant platform issues; any other key is
/// refused when it is built, naming `apiv2_key` and never echoing the key.
#[test]
fn apiv2_key_must_be_32_visible_characters() {
    let bad: [(&[u8], &str); 7] = [
        (b"short", "got 5 bytes"),
        (b"", "got an empty key"),
        (&[b'k'; 31], "got 31 bytes"),
        (&[b'k'; 33], "got 33 bytes"),
        (b"0123456789abcdef0123456789abcdef\n", "trailing newline"),
        (
            b"0123456789abcdef 123456789abcdef",
            "a space, control or non-ASCII character",
        ),
        (
            "0123456789abcdef0123456789abcd\u{e9}".as_bytes(),
            "a space, control or non-ASCII character",
        ),
    ];
    for (k, hint) in bad {
        let e = ApiV2Key::new(k).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("apiv2_key: the merchant's APIv2 key"), "{text}");
        assert!(
            text.contains("32 visible ASCII characters") && text.contains(hint),
            "{text}"
        );
        if !k.is_empty() {
            assert!(!text.contains(std::str::from_utf8(k).unwrap().trim()), "{text}");
        }
    }
    assert!(ApiV2Key::new(KEY_EXPOSED).is_ok());
    let p = plugin_sign("10016226", &[SendCouponParam::busifavor("1", "a")], &key(KEY_0123)).unwrap();
    assert!(p.warnings.is_empty());
}

#[test]
fn key_is_redacted_and_never_in_output() {
    let k = key(KEY_EXPOSED);
    assert_eq!(format!("{k:?}"), "ApiV2Key([redacted])");
    assert!(ApiV2Key::new("").is_err());
    let p = plugin_sign("10016226", &[SendCouponParam::busifavor("1", "a")], &k).unwrap();
    let dbg = format!("{p:?}");
    assert!(!dbg.contains(KEY_EXPOSED));
    assert!(!p.to_json().contains(KEY_EXPOSED));
    assert!(!p.string_to_sign_redacted.contains(KEY_EXPOSED));
}

/// What the bindings build from an entry's `product` name and fields.
#[test]
fn entries_by_product_name() {
    assert_eq!(CouponProduct::by_name("favor"), Some(CouponProduct::Favor));
    assert_eq!(CouponProduct::by_name("busifavor"), Some(CouponProduct::Busifavor));
    assert_eq!(CouponProduct::by_name("Favor"), None);
    let favor = SendCouponParam::of(CouponProduct::Favor, "9856000", "n1", None, None, None);
    assert_eq!(favor, SendCouponParam::favor("9856000", "n1", ""));
    let busi = SendCouponParam::of(
        CouponProduct::Busifavor,
        "1212",
        "n2",
        Some("1900000001".into()),
        Some("code-1".into()),
        None,
    );
    assert_eq!(busi.product, CouponProduct::Busifavor);
    assert_eq!(busi.create_coupon_merchant.as_deref(), Some("1900000001"));
    assert_eq!(busi.coupon_code.as_deref(), Some("code-1"));
}
