//! COUPON.USE notifications: the official sample plaintext, the conformance vectors through the
//! real verification path, unknown event types, tolerant decoding, acknowledgements.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use serde_json::Value;
use wechatpay_coupons::favor::events::{COUPON_USE, CouponEvent, CouponUseEvent, coupon_status, coupon_type};
use wechatpay_coupons::{Acknowledgement, Client, Error, Headers, Notification, NotificationEnvelope};

mod common;

use common::load_case;

fn client_for(case: &Value) -> Client {
    common::case_client(case)
}

fn headers_of(case: &Value) -> Headers {
    case["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

const OFFICIAL_SAMPLE: &str = r#"{"stock_creator_mchid":"9800064","stock_id":"9865888","coupon_id":"98674556","singleitem_discount_off":{"single_price_max":100},"discount_to":{"cut_to_price":100,"max_price":10},"coupon_name":"微信支付代金券","status":"EXPIRED","description":"微信支付营销","create_time":"2015-05-20T13:29:35.120+08:00","coupon_type":"CUT_TO","no_cash":true,"available_begin_time":"2015-05-20T13:29:35.120+08:00","available_end_time":"2015-05-20T13:29:35.120+08:00","singleitem":true,"normal_coupon_information":{"coupon_amount":100,"transaction_minimum":100},"consume_information":{"consume_time":"2015-05-20T13:29:35.120+08:00","consume_mchid":"9856081","transaction_id":"2345234523","goods_detail":[{"goods_id":"a_goods1","quantity":7,"price":1,"discount_amount":4}]}}"#;

#[test]
fn official_sample_plaintext_decodes() {
    let e = CouponUseEvent::from_json(OFFICIAL_SAMPLE).unwrap();
    assert_eq!(e.stock_creator_mchid, "9800064");
    assert_eq!(e.stock_id, "9865888");
    assert_eq!(e.coupon_id, "98674556");
    assert_eq!(e.singleitem_discount_off.as_ref().unwrap().single_price_max, Some(100));
    let cut = e.discount_to.as_ref().unwrap();
    assert_eq!((cut.cut_to_price, cut.max_price), (Some(100), Some(10)));
    assert_eq!(e.coupon_name, "微信支付代金券");
    assert_eq!(e.status, coupon_status::EXPIRED);
    assert!(!e.is_used());
    assert_eq!(e.description, "微信支付营销");
    assert_eq!(e.create_time, "2015-05-20T13:29:35.120+08:00");
    assert_eq!(e.coupon_type, coupon_type::CUT_TO);
    assert_eq!(e.no_cash, Some(true));
    assert_eq!(e.singleitem, Some(true));
    assert_eq!(e.available_begin_time, "2015-05-20T13:29:35.120+08:00");
    assert_eq!(e.available_end_time, "2015-05-20T13:29:35.120+08:00");
    let n = e.normal_coupon_information.as_ref().unwrap();
    assert_eq!((n.coupon_amount, n.transaction_minimum), (Some(100), Some(100)));
    let c = e.consume_information.as_ref().unwrap();
    assert_eq!(c.consume_time, "2015-05-20T13:29:35.120+08:00");
    assert_eq!(c.consume_mchid, "9856081");
    assert_eq!(c.transaction_id, "2345234523");
    assert_eq!(c.consume_amount, None);
    assert_eq!(c.goods_detail.len(), 1);
    let g = &c.goods_detail[0];
    assert_eq!(
        (g.goods_id.as_str(), g.quantity, g.price, g.discount_amount),
        ("a_goods1", 7, 1, 4)
    );
    assert_eq!(e.business_type, None);
}

#[test]
fn tolerant_reader() {
    let text = r#"{"stock_creator_mchid":"1","stock_id":"2","coupon_id":"3","status":"SOMETHING_NEW",
        "coupon_type":"FUTURE_TYPE","no_cash":null,"singleitem":"false","brand_new_field":{"x":1},
        "business_type":"MULTIUSE",
        "normal_coupon_information":{"coupon_amount":"1000","transaction_minimum":10000},
        "consume_information":{"consume_time":"t","consume_mchid":"m","transaction_id":"x","consume_amount":"250",
          "goods_detail":[{"goods_id":"g","quantity":"2","price":100.0,"discount_amount":"0","extra":true}]}}"#;
    let e = CouponUseEvent::from_json(text).unwrap();
    assert_eq!(e.status, "SOMETHING_NEW");
    assert_eq!(e.coupon_type, "FUTURE_TYPE");
    assert_eq!(e.no_cash, None);
    assert_eq!(e.singleitem, Some(false));
    assert_eq!(e.business_type.as_deref(), Some("MULTIUSE"));
    assert_eq!(e.normal_coupon_information.unwrap().coupon_amount, Some(1000));
    let c = e.consume_information.unwrap();
    assert_eq!(c.consume_amount, Some(250));
    assert_eq!((c.goods_detail[0].quantity, c.goods_detail[0].price), (2, 100));
    assert!(e.discount_to.is_none());
}

#[test]
fn decode_errors_do_not_quote_the_plaintext() {
    let text = r#"{"stock_creator_mchid":"1","stock_id":"2","coupon_id":"3",
        "consume_information":{"goods_detail":[{"goods_id":"g","quantity":"SECRETISH","price":1,"discount_amount":0}]}}"#;
    let e = CouponUseEvent::from_json(text).unwrap_err();
    let msg = e.to_string();
    assert!(!msg.contains("SECRETISH"), "{msg}");
    assert!(!format!("{e:?}").contains("SECRETISH"));
    assert!(msg.contains("line"), "{msg}");
    let missing = CouponUseEvent::from_json(r#"{"stock_id":"2","coupon_id":"3"}"#).unwrap_err();
    assert!(missing.to_string().contains("stock_creator_mchid"), "{missing}");
}

fn check_vector_case(name: &str) {
    let case = load_case(name);
    let client = client_for(&case);
    let headers = headers_of(&case);
    let body = case["body"].as_str().unwrap().as_bytes();

    // event_type is readable before decrypting.
    let env = client.notification_envelope(body).unwrap();
    assert_eq!(env.event_type, COUPON_USE);

    let event = client.favor().parse_coupon_notification(&headers, body).unwrap();
    assert_eq!(event.event_type(), "COUPON.USE");
    let CouponEvent::CouponUse { envelope, event } = event else {
        panic!("expected a typed COUPON.USE event");
    };
    let expected_env = &case["expected"]["envelope"];
    assert_eq!(envelope.id, expected_env["id"].as_str().unwrap());
    assert_eq!(envelope.create_time, expected_env["create_time"].as_str().unwrap());
    assert_eq!(envelope.summary, expected_env["summary"].as_str().unwrap());
    assert_eq!(envelope.resource.original_type, "coupon");

    let plain = CouponUseEvent::from_json(case["expected"]["plaintext"].as_str().unwrap()).unwrap();
    assert_eq!(event, plain);
    assert_eq!(event.stock_creator_mchid, "1900000001");
    assert_eq!(event.stock_id, "17512345");
    assert_eq!(event.coupon_id, "98765432101");
    assert!(event.is_used());
    assert_eq!(event.coupon_type, coupon_type::NORMAL);
    assert_eq!(event.no_cash, Some(false));
    assert_eq!(
        event.singleitem_discount_off.as_ref().unwrap().single_price_max,
        Some(1000)
    );
    let n = event.normal_coupon_information.as_ref().unwrap();
    assert_eq!((n.coupon_amount, n.transaction_minimum), (Some(1000), Some(10000)));
    let c = event.consume_information.as_ref().unwrap();
    assert_eq!(c.transaction_id, "4200002345202611271234567890");
    assert_eq!(c.goods_detail.len(), 2);
    assert_eq!(c.goods_detail[0].goods_id, "SKU10086");
    assert_eq!(c.goods_detail[0].quantity, 2);
    assert_eq!(c.goods_detail[0].price, 6500);
    assert_eq!(c.goods_detail[0].discount_amount, 1000);
    assert_eq!(c.goods_detail[1].discount_amount, 0);

    // A changed body fails verification, and the acknowledgement asks for a redelivery.
    let mut tampered = body.to_vec();
    let pos = tampered.iter().position(|&b| b == b'E').unwrap();
    tampered[pos] = b'F';
    let r = client.favor().parse_coupon_notification(&headers, &tampered);
    assert!(matches!(r, Err(Error::Verify(_))));
    assert_eq!(Acknowledgement::for_result(&r).status, 401);

    // The clock matters: far from the timestamp the same message is refused.
    let late = client_for(&{
        let mut c = case.clone();
        c["now"] = Value::from(case["now"].as_i64().unwrap() + 3600);
        c
    });
    assert!(matches!(
        late.favor().parse_coupon_notification(&headers, body),
        Err(Error::Verify(_))
    ));
}

#[test]
fn vector_notify_coupon_use_pubkey() {
    check_vector_case("notify-coupon-use-pubkey");
}

#[test]
fn vector_notify_coupon_use_cert() {
    check_vector_case("notify-coupon-use-cert");
}

fn envelope(event_type: &str) -> NotificationEnvelope {
    NotificationEnvelope::parse(
        format!(
            r#"{{"id":"EV-1","create_time":"2026-01-01T00:00:00+08:00","event_type":"{event_type}","resource_type":"encrypt-resource","summary":"s","resource":{{"original_type":"coupon","algorithm":"AEAD_AES_256_GCM","associated_data":"coupon","nonce":"fdasflkja484","ciphertext":"AAAA"}}}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

#[test]
fn unknown_event_type_comes_back_as_other() {
    let n = Notification {
        envelope: envelope("COUPON.SEND"),
        plaintext: r#"{"coupon_code":"x","send_channel":"y"}"#.into(),
        key_id: "PUB_KEY_ID_1".into(),
        request_id: None,
    };
    match CouponEvent::from_notification(n).unwrap() {
        CouponEvent::Other { envelope, plaintext } => {
            assert_eq!(envelope.event_type, "COUPON.SEND");
            assert_eq!(plaintext, r#"{"coupon_code":"x","send_channel":"y"}"#);
        }
        other => panic!("expected Other, got {other:?}"),
    }
    // A COUPON.USE whose plaintext is not the event is a decode error, not `Other`.
    let bad = Notification {
        envelope: envelope("COUPON.USE"),
        plaintext: "{}".into(),
        key_id: "k".into(),
        request_id: None,
    };
    let err = CouponEvent::from_notification(bad).unwrap_err();
    assert_eq!(Acknowledgement::for_result::<()>(&Err(err.into())).status, 400);
}

#[test]
fn acknowledgements() {
    let ok = Acknowledgement::success();
    assert_eq!(ok.status, 200);
    assert_eq!(ok.content_type, "application/json");
    let body: Value = serde_json::from_slice(&ok.body).unwrap();
    assert_eq!(body["code"], "SUCCESS");
    assert_eq!(body["message"], "成功");

    let fail = Acknowledgement::failure(503, "busy");
    assert_eq!(fail.status, 503);
    let body: Value = serde_json::from_slice(&fail.body).unwrap();
    assert_eq!(
        (body["code"].as_str(), body["message"].as_str()),
        (Some("FAIL"), Some("busy"))
    );
    assert_eq!(Acknowledgement::failure(200, "x").status, 500);
    assert_eq!(Acknowledgement::failure(302, "x").status, 500);
    assert_eq!(Acknowledgement::for_result::<()>(&Ok(())).status, 200);
    let r: Result<(), Error> = Err(Error::Verify(wechatpay_coupons::VerifyError::Probe));
    assert_eq!(Acknowledgement::for_result(&r).status, 401);
    let r: Result<(), Error> = Err(wechatpay_coupons::KeyError::Missing { what: "x", hint: "y" }.into());
    assert_eq!(Acknowledgement::for_result(&r).status, 500);
}
