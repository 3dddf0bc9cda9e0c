//! Decoding what WeChat Pay really sends (issue 9, items 1–4): a `COUPON.USE` notification full
//! of `null`s is acknowledged, duplicate-key aliases are read, `state` stands for `status`, and
//! the coupon status set includes `REVOKED`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use wechatpay_coupons::favor::events::{CouponEvent, CouponUseEvent, coupon_status};
use wechatpay_coupons::favor::models::PauseStockRequest;
use wechatpay_coupons::favor::models::{CouponStatus, PauseStockResponse};
use wechatpay_coupons::favor::ops::{PAUSE_STOCK, decode_response};
use wechatpay_coupons::{Acknowledgement, Client, Headers, MerchantPrivateKey};

mod common;

use common::{NOW, keys, read_key as read};

fn client() -> Client {
    common::merchant_builder(NOW).build().unwrap()
}

/// A notification as WeChat Pay sends it: `resource` encrypted with the APIv3 key, the body
/// signed with the WeChat Pay key. `envelope_extra` is merged into the envelope.
fn notification(client: &Client, plaintext: &Value, envelope_extra: Value) -> (Headers, Vec<u8>) {
    let nonce = "fdasflkja484";
    let ciphertext = client
        .encrypt_aead(nonce, "coupon", plaintext.to_string().as_bytes())
        .unwrap();
    let mut envelope = json!({
        "id": "EV-2018022511223320873",
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "COUPON.USE",
        "summary": "代金券核销通知",
        "resource": {
            "original_type": "coupon", "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext, "associated_data": "coupon", "nonce": nonce
        }
    });
    for (k, v) in envelope_extra.as_object().unwrap() {
        envelope[k] = v.clone();
    }
    let body = envelope.to_string();
    let key = MerchantPrivateKey::from_pem(read("wechatpay_pub_private.pem")).unwrap();
    let ts = NOW.to_string();
    let n = "NotifyNonce0123456789abcdefABCD";
    let sig = B64.encode(key.sign(format!("{ts}\n{n}\n{body}\n").as_bytes()).unwrap());
    let headers: Headers = [
        ("Wechatpay-Timestamp", ts.as_str()),
        ("Wechatpay-Nonce", n),
        ("Wechatpay-Signature", sig.as_str()),
        ("Wechatpay-Serial", keys()["public_key_id"].as_str().unwrap()),
    ]
    .into_iter()
    .collect();
    (headers, body.into_bytes())
}

#[test]
fn coupon_use_full_of_nulls_is_acknowledged_not_lost() {
    let c = client();
    // The official example with `null` wherever Go's decoder accepts it.
    let plaintext = json!({
        "stock_creator_mchid": "9800064", "stock_id": "9865888", "coupon_id": "98674556",
        "singleitem_discount_off": null, "discount_to": null, "coupon_name": null,
        "status": "USED", "description": null, "create_time": null, "coupon_type": null,
        "no_cash": null, "available_begin_time": null, "available_end_time": null,
        "singleitem": null, "normal_coupon_information": {"coupon_amount": null, "transaction_minimum": null},
        "consume_information": {
            "consume_time": null, "consume_mchid": null, "transaction_id": "4200000000000",
            "consume_amount": null,
            "goods_detail": [{"goods_id": null, "quantity": null, "price": null, "discount_amount": null}]
        },
        "business_type": null
    });
    let (headers, body) = notification(&c, &plaintext, json!({"summary": null, "create_time": null}));
    let result = c.favor().parse_coupon_notification(&headers, &body);
    let ack = Acknowledgement::for_result(&result);
    assert_eq!(ack.status, 200, "{result:?}");
    let CouponEvent::CouponUse { envelope, event } = result.unwrap() else {
        panic!("not typed as COUPON.USE")
    };
    assert_eq!((envelope.summary.as_str(), envelope.create_time.as_str()), ("", ""));
    assert!(event.is_used());
    assert_eq!(event.coupon_name, "");
    let ci = event.consume_information.unwrap();
    assert_eq!(ci.transaction_id, "4200000000000");
    assert_eq!(ci.consume_time, "");
    assert_eq!(ci.goods_detail[0].quantity, 0);
}

#[test]
fn pause_response_with_both_time_keys_prefers_the_documented_one() {
    let both =
        br#"{"pause_time":"2015-05-20T13:29:35+08:00","start_time":"2015-05-19T00:00:00+08:00","stock_id":"9856000"}"#;
    let r = decode_response::<PauseStockRequest>(both).unwrap();
    assert_eq!(r.pause_time, "2015-05-20T13:29:35+08:00");
    assert_eq!(r.stock_id, "9856000");
    // Either order of the keys.
    let reversed =
        br#"{"start_time":"2015-05-19T00:00:00+08:00","pause_time":"2015-05-20T13:29:35+08:00","stock_id":"1"}"#;
    assert_eq!(
        decode_response::<PauseStockRequest>(reversed).unwrap().pause_time,
        "2015-05-20T13:29:35+08:00"
    );
    // Only the [SKIT] key, or the documented one null or empty: the other fills in.
    for body in [
        json!({"start_time": "2015-05-19T00:00:00+08:00", "stock_id": "1"}),
        json!({"pause_time": null, "start_time": "2015-05-19T00:00:00+08:00", "stock_id": "1"}),
        json!({"pause_time": "", "start_time": "2015-05-19T00:00:00+08:00", "stock_id": "1"}),
    ] {
        let r: PauseStockResponse = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(r.pause_time, "2015-05-19T00:00:00+08:00", "{body}");
    }
    // Written back with the documented key only.
    let r: PauseStockResponse = serde_json::from_slice(both).unwrap();
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({"pause_time": "2015-05-20T13:29:35+08:00", "stock_id": "9856000"})
    );
    assert_eq!(PAUSE_STOCK.response_type, "PauseStockResponse");
}

#[test]
fn coupon_use_reads_state_as_well_as_status() {
    let base = json!({"stock_creator_mchid": "9800064", "stock_id": "9865888", "coupon_id": "98674556"});
    let with = |extra: Value| {
        let mut v = base.clone();
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        CouponUseEvent::from_json(&v.to_string()).unwrap()
    };
    // The old official example names the field `state`.
    let e = with(json!({"state": "USED"}));
    assert_eq!(e.status, "USED");
    assert!(e.is_used());
    // Both keys: `status` (documented) wins; a null or empty `status` gives way to `state`.
    assert_eq!(with(json!({"status": "EXPIRED", "state": "USED"})).status, "EXPIRED");
    assert_eq!(with(json!({"state": "USED", "status": "EXPIRED"})).status, "EXPIRED");
    assert_eq!(with(json!({"status": null, "state": "USED"})).status, "USED");
    assert_eq!(with(json!({"status": "", "state": "USED"})).status, "USED");
    assert_eq!(with(json!({})).status, "");
    // Written back as `status` only.
    let out = serde_json::to_value(with(json!({"state": "USED"}))).unwrap();
    assert_eq!(out["status"], "USED");
    assert!(out.get("state").is_none());
}

#[test]
fn coupon_status_knows_revoked_and_keeps_unknown_values() {
    for wire in ["SENDED", "USED", "EXPIRED", "RECOVER", "REVOKED"] {
        let s = CouponStatus::from_wire(wire);
        assert!(s.is_known(), "{wire} should be a known coupon status");
        assert_eq!(s.as_str(), wire);
        assert!(CouponStatus::KNOWN.contains(&wire));
    }
    let revoked: CouponStatus = serde_json::from_value(json!("REVOKED")).unwrap();
    assert_eq!(serde_json::to_value(&revoked).unwrap(), json!("REVOKED"));
    let future = CouponStatus::from_wire("DEACTIVATED_SOMEDAY");
    assert!(!future.is_known());
    assert_eq!(serde_json::to_value(&future).unwrap(), json!("DEACTIVATED_SOMEDAY"));
    assert_eq!(coupon_status::REVOKED, "REVOKED");
}
