//! The binding-facing layer: serialisable views of notifications (typed COUPON.USE, other
//! events, non-JSON plaintext), signed messages and verification results.

#![cfg(feature = "dynamic")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use wechatpay_coupons::dynamic::views::{NotificationView, SignedMessageView, VerifiedView};
use wechatpay_coupons::{Client, Headers, Method, Notification, NotificationEnvelope};

mod common;

fn case() -> Value {
    common::load_case("notify-coupon-use-pubkey")
}

fn client(case: &Value) -> Client {
    common::case_client(case)
}

#[test]
fn a_coupon_use_notification_view_is_the_envelope_plus_the_typed_event() {
    let case = case();
    let c = client(&case);
    let headers: Headers = case["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let body = case["body"].as_str().unwrap().as_bytes();
    let n = c.parse_notification(&headers, body).unwrap();
    let key_id = n.key_id.clone();
    let view = serde_json::to_value(NotificationView::new(n).unwrap()).unwrap();
    let env = &case["expected"]["envelope"];
    assert_eq!(view["id"], env["id"]);
    assert_eq!(view["event_type"], "COUPON.USE");
    assert_eq!(view["original_type"], "coupon");
    assert_eq!(view["key_id"], key_id.as_str());
    let plaintext: Value = serde_json::from_str(case["expected"]["plaintext"].as_str().unwrap()).unwrap();
    assert_eq!(view["resource"]["coupon_id"], plaintext["coupon_id"]);
    assert_eq!(view["plaintext"], case["expected"]["plaintext"]);
}

fn other(event_type: &str, plaintext: &str) -> Value {
    let envelope = NotificationEnvelope::parse(
        json!({
            "id": "n1", "create_time": "2026-01-01T00:00:00+08:00", "event_type": event_type,
            "resource_type": "encrypt-resource", "summary": "s",
            "resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": "", "nonce": "", "original_type": "coupon"}
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let n = Notification {
        envelope,
        plaintext: plaintext.into(),
        key_id: "k".into(),
        request_id: Some("r".into()),
    };
    serde_json::to_value(NotificationView::new(n).unwrap()).unwrap()
}

#[test]
fn other_events_are_their_json_or_null() {
    let v = other("COUPON.SEND", r#"{"coupon_code":"x"}"#);
    assert_eq!(v["resource"], json!({"coupon_code": "x"}));
    assert_eq!(v["request_id"], "r");
    let v = other("COUPON.SEND", "not json");
    assert_eq!(v["resource"], Value::Null);
    assert_eq!(v["plaintext"], "not json");
}

#[test]
fn signed_message_and_verification_views() {
    let case = case();
    let c = client(&case);
    let signed = c
        .sign_with(
            Method::Get,
            "https://api.mch.weixin.qq.com/v3/certificates",
            b"",
            1,
            "N",
        )
        .unwrap();
    let v = serde_json::to_value(SignedMessageView::from(&signed)).unwrap();
    assert_eq!(v["message"], "GET\n/v3/certificates\n1\nN\n\n");
    assert_eq!(v["authorization"], signed.authorization.as_str());
    let verified = wechatpay_coupons::Verified {
        key_id: "PUB_KEY_ID_1".into(),
        timestamp: 5,
        nonce: "n".into(),
    };
    assert_eq!(
        serde_json::to_value(VerifiedView::from(&verified)).unwrap(),
        json!({"key_id": "PUB_KEY_ID_1", "timestamp": 5, "nonce": "n"})
    );
}
