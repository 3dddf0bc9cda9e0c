//! The binding-facing layer: retry advice, client options (errors name the option),
//! policies by name, acknowledgements for errors, and stable error codes in views.

#![cfg(feature = "dynamic")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use wechatpay_coupons::dynamic::{self, ClientOptions, RetryAdvice, retry_advice};
use wechatpay_coupons::{Acknowledgement, ApiError, BACKUP_BASE_URL, DecryptError, Error, KeyError, VerifyError};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{KEYS}{name}")).unwrap()
}

fn api(status: u16, code: &str) -> Error {
    ApiError::from_response(status, None, format!(r#"{{"code":"{code}","message":"m"}}"#).as_bytes()).into()
}

#[test]
fn retry_advice_table() {
    // (error, attempt) → (retry, delay ms, backup host)
    let table: Vec<(Error, u32, bool, u64, bool)> = vec![
        (api(500, "SYSTEM_ERROR"), 1, true, 1_000, false),
        (api(500, "SYSTEM_ERROR"), 2, true, 2_000, true),
        (api(500, "SYSTEM_ERROR"), 3, false, 0, false),
        (api(503, "SERVICE_UNAVAILABLE"), 1, true, 1_000, false),
        (api(429, "FREQUENCY_LIMITED"), 1, true, 2_000, false),
        (api(429, "FREQUENCY_LIMITED"), 2, true, 4_000, false),
        (api(200, "FREQUENCY_LIMITED"), 1, true, 2_000, false),
        (api(400, "PARAM_ERROR"), 1, false, 0, false),
        (api(403, "NOT_ENOUGH"), 1, false, 0, false),
        (api(404, "RESOURCE_NOT_EXISTS"), 1, false, 0, false),
        (VerifyError::Probe.into(), 1, false, 0, false),
        (DecryptError::AuthenticationFailed.into(), 1, false, 0, false),
    ];
    for (e, attempt, retry, delay, backup) in table {
        let a = retry_advice(&e, attempt);
        assert_eq!(
            (a.retry, a.delay_ms, a.use_backup_host),
            (retry, delay, backup),
            "{} attempt {attempt}",
            e.code()
        );
        assert_eq!(a.retry, e.retryable() && attempt < 3, "{}", e.code());
        assert_eq!(a.base_url, backup.then_some(BACKUP_BASE_URL));
    }
    let t = RetryAdvice::for_transport_failure(2);
    assert!(t.retry && t.use_backup_host);
    assert!(!RetryAdvice::for_transport_failure(3).retry);
    assert!(!RetryAdvice::for_transport_failure(0).retry);
}

fn options() -> Value {
    let k: Value = serde_json::from_str(&text("keys.json")).unwrap();
    json!({
        "mchid": k["mchid"], "merchant_serial": k["merchant_serial"],
        "private_key": text("merchant_key.pem"),
        "apiv3_key": k["apiv3_key"],
        "wechatpay_public_key_id": k["public_key_id"],
        "wechatpay_public_key": text("wechatpay_pub_key.pem").into_bytes(),
        "now": 1_767_196_800, "nonce": ["n1", "n2"],
        "validation": "strict", "page_mode": "item_offset", "serial_policy": "omit"
    })
}

#[test]
fn client_options_build_a_client_from_text_or_bytes() {
    let o = ClientOptions::from_value(options()).unwrap();
    assert!(o.policy().unwrap().promote_warnings);
    assert!(o.page().unwrap().is_some());
    let c = o.build().unwrap();
    assert_eq!(c.now(), 1_767_196_800);
    assert_eq!(c.request_serial(), None);
    let r = c.request(wechatpay_coupons::Method::Get, "/v3/x", vec![]).unwrap();
    assert!(r.headers.get("Authorization").unwrap().contains("nonce_str=\"n1\""));
}

#[test]
fn client_options_into_builder_takes_a_signer_and_set_nonces_replaces_the_nonces() {
    let mut o = ClientOptions::from_value(options()).unwrap();
    o.private_key = None;
    o.set_nonces(vec!["m1".into()]);
    let signer = wechatpay_coupons::FnSigner(|_m: &[u8]| Ok(vec![7u8; 256]));
    let c = o
        .into_builder()
        .unwrap()
        .signer(std::sync::Arc::new(signer))
        .build()
        .unwrap();
    let r = c.request(wechatpay_coupons::Method::Get, "/v3/x", vec![]).unwrap();
    let auth = r.headers.get("Authorization").unwrap();
    assert!(auth.contains("nonce_str=\"m1\""), "{auth}");
    assert!(
        auth.contains(&format!("signature=\"{}\"", "BwcH".repeat(85) + "Bw==")),
        "{auth}"
    );
    let mut o = ClientOptions::from_value(options()).unwrap();
    o.set_nonces(vec![]);
    let c = o.build().unwrap();
    let r = c.request(wechatpay_coupons::Method::Get, "/v3/x", vec![]).unwrap();
    assert!(!r.headers.get("Authorization").unwrap().contains("nonce_str=\"n1\""));
}

#[test]
fn client_options_errors_name_the_option() {
    let cases: Vec<(&str, Value, &str)> = vec![
        ("private_kee", json!("x"), "private_kee"),
        ("now", json!("soon"), "now"),
        ("max_skew", json!(-5), "max_skew"),
        ("nonce", json!([1, 2]), "nonce"),
    ];
    for (key, value, field) in cases {
        let mut o = options();
        o[key] = value;
        let e = ClientOptions::from_value(o).unwrap_err();
        assert_eq!(e.code(), "input.invalid_input", "{key}");
        assert_eq!(e.fields()["field"], field, "{key}: {e}");
    }
    let mut o = options();
    o.as_object_mut().unwrap().remove("mchid");
    let e = ClientOptions::from_value(o).unwrap_err();
    assert_eq!(e.fields()["field"], "mchid", "{e}");

    let mut o = options();
    o["apiv3_key"] = json!("short");
    let e = ClientOptions::from_value(o).unwrap().build().unwrap_err();
    assert_eq!(e.code(), "key.apiv3_key_length");

    let mut o = options();
    o["validation"] = json!({"promote": "V-G-05"});
    let e = ClientOptions::from_value(o).unwrap().build().unwrap_err();
    match e {
        Error::Validation(v) => assert_eq!(v.violations[0].field, "validation.promote"),
        other => panic!("{other}"),
    }
    let mut o = options();
    o.as_object_mut().unwrap().remove("wechatpay_public_key");
    let e = ClientOptions::from_value(o).unwrap().build().unwrap_err();
    assert_eq!(e.fields()["field"], "wechatpay_public_key");
}

#[test]
fn policies_by_name() {
    assert!(dynamic::policy_from_value(&json!("strict")).unwrap().promote_warnings);
    assert!(!dynamic::policy_from_value(&Value::Null).unwrap().promote_warnings);
    let p = dynamic::policy_from_value(&json!({"silence": ["V-CS-21"], "begin_time_grace_secs": 60})).unwrap();
    assert_eq!(p.silence, ["V-CS-21"]);
    assert_eq!(p.begin_time_grace_secs, 60);
    for (bad, field, rule) in [
        (json!("lenient"), "validation", "invalid_input"),
        (json!({"promote": ["G-05"]}), "validation.promote[0]", "invalid_input"),
        (json!({"promote_warnings": 1}), "validation.promote_warnings", "type"),
        (
            json!({"begin_time_grace_secs": -1}),
            "validation.begin_time_grace_secs",
            "invalid_input",
        ),
        (json!({"promte": []}), "validation.promte", "unknown_field"),
    ] {
        match dynamic::policy_from_value(&bad).unwrap_err() {
            Error::Validation(v) => {
                assert_eq!((v.violations[0].field.as_str(), v.violations[0].rule), (field, rule));
            }
            other => panic!("{other}"),
        }
    }
}

#[test]
fn acknowledgement_for_error() {
    assert_eq!(Acknowledgement::for_error(None).status, 200);
    let cases: Vec<(Error, u16)> = vec![
        (VerifyError::Probe.into(), 401),
        (VerifyError::BadSignature { key_id: "k".into() }.into(), 401),
        (DecryptError::AuthenticationFailed.into(), 400),
        (
            wechatpay_coupons::DecodeError {
                what: "x".into(),
                reason: "y".into(),
                body: vec![],
            }
            .into(),
            400,
        ),
        (api(500, "SYSTEM_ERROR"), 500),
        (KeyError::ApiV3KeyLength { len: 1 }.into(), 500),
    ];
    for (e, status) in cases {
        let ack = Acknowledgement::for_error(Some(&e));
        assert_eq!(ack.status, status, "{}", e.code());
        assert_eq!(Acknowledgement::for_kind(Some(e.kind())), ack);
        assert_eq!(Acknowledgement::for_result::<()>(&Err(e)), ack);
    }
    assert_eq!(Acknowledgement::for_kind(Some("something_new")).status, 500);
}

#[test]
fn bill_errors_have_their_own_variant_and_code() {
    use wechatpay_coupons::favor::bills::BillDigest;
    let e = BillDigest::with_hash("MD5", "00").unwrap_err();
    let code = e.code();
    let err: Error = e.into();
    assert_eq!(err.kind(), "bill");
    assert_eq!(err.code(), code);
    assert_eq!(err.code(), "bill.unsupported_hash_type");
    assert_eq!(err.fields()["hash_type"], "MD5");
}
