//! Favor endpoints: built method, URL and body per endpoint against favor-endpoints.md (and its
//! §5 examples), response examples decoded through the real verification path, pagination,
//! `out_request_no`, error classification and the operation table itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::{
    self, BuiltRequest, FavorErrorKind, OPERATIONS, Operation, PageMode, Paginated, generate_out_request_no,
};
use wechatpay_coupons::favor::validation::ValidationPolicy;
use wechatpay_coupons::{
    ApiError, Client, Error, FixedClock, FixedNonce, Headers, HttpResponse, MerchantPrivateKey, Method,
};

mod common;

use common::{NONCE, NOW, keys, read_key as read};

const BASE: &str = "https://api.mch.weixin.qq.com";

fn client_at(now: i64) -> Client {
    common::signing_client(now)
}

fn client() -> Client {
    client_at(NOW)
}

/// A response signed the way WeChat Pay signs it (WeChat Pay public-key mode).
fn signed_response(client: &Client, status: u16, body: &str) -> HttpResponse {
    let key = MerchantPrivateKey::from_pem(read("wechatpay_pub_private.pem")).unwrap();
    let ts = client.now().to_string();
    let nonce = "RespNonce0123456789abcdefABCDEF";
    let sig = B64.encode(key.sign(format!("{ts}\n{nonce}\n{body}\n").as_bytes()).unwrap());
    let headers: Headers = [
        ("Wechatpay-Timestamp", ts.as_str()),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", sig.as_str()),
        ("Wechatpay-Serial", keys()["public_key_id"].as_str().unwrap()),
        ("Request-ID", "08RESPONSE"),
    ]
    .into_iter()
    .collect();
    HttpResponse::new(status, headers, body.as_bytes().to_vec())
}

fn body_json(b: &BuiltRequest) -> Value {
    serde_json::from_slice(&b.request.body).unwrap()
}

/// The request was signed over exactly the URL and body that are sent.
fn assert_signed_as_sent(client: &Client, b: &BuiltRequest) {
    let expected = client
        .sign_with(b.request.method, &b.request.url, &b.request.body, NOW, NONCE)
        .unwrap();
    assert_eq!(
        b.request.headers.get("Authorization"),
        Some(expected.authorization.as_str())
    );
    assert!(
        expected
            .message
            .starts_with(format!("{}\n{}\n", b.request.method, b.request.url.strip_prefix(BASE).unwrap()).as_bytes())
    );
}

fn valid_create_stock() -> CreateStockRequest {
    CreateStockRequest {
        stock_name: "微信支付代金券批次".into(),
        comment: Some("零售批次".into()),
        belong_merchant: "1900000001".into(),
        available_begin_time: "2026-01-02T00:00:00+08:00".into(),
        available_end_time: "2026-02-01T23:59:59+08:00".into(),
        stock_use_rule: StockRule {
            max_coupons: Some(100),
            max_amount: Some(5000),
            max_amount_by_day: Some(400),
            max_coupons_per_user: Some(3),
            natural_person_limit: Some(false),
            prevent_api_abuse: Some(false),
        },
        pattern_info: Some(PatternInfo {
            description: "微信支付营销代金券".into(),
            merchant_logo: Some("https://qpic.cn/xxx".into()),
            merchant_name: Some("微信支付".into()),
            background_color: Some(BackgroundColor::Color020),
            coupon_image: Some("https://qpic.cn/xxx".into()),
            ..Default::default()
        }),
        coupon_use_rule: CouponUseRule {
            fixed_normal_coupon: Some(FixedNormalCoupon {
                coupon_amount: 50,
                transaction_minimum: 100,
            }),
            goods_tag: Some(vec!["123321".into(), "123322".into()]),
            trade_type: Some(vec![TradeType::Other, TradeType::Apppay]),
            combine_use: Some(false),
            available_items: Some(vec!["123321".into(), "123322".into()]),
            available_merchants: Some(vec!["9856000".into(), "9856001".into()]),
            ..Default::default()
        },
        no_cash: Some(false),
        stock_type: StockTypeReq::Normal,
        out_request_no: "19000000012026010100001".into(),
        ext_info: None,
    }
}

// ---------------------------------------------------------------------------------------------
// The operation table
// ---------------------------------------------------------------------------------------------

#[test]
fn table_has_rows_1_to_18_once_each() {
    assert_eq!(OPERATIONS.len(), 18);
    let mut names: Vec<_> = OPERATIONS.iter().map(|o| o.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 18);
    for op in OPERATIONS {
        let placeholders: Vec<&str> = op
            .path
            .split('{')
            .skip(1)
            .map(|s| s.split('}').next().unwrap())
            .collect();
        assert_eq!(placeholders, op.path_params, "{}", op.name);
        assert!(op.path.starts_with("/v3/marketing/favor/"), "{}", op.name);
        assert!(op.signed_response);
        match op.method {
            Method::Get => assert_eq!(op.body, ops::BodyKind::None, "{}", op.name),
            _ => assert_ne!(op.body, ops::BodyKind::None, "{}", op.name),
        }
    }
    assert_eq!(
        ops::IMAGE_UPLOAD.path,
        wechatpay_coupons::favor::media::IMAGE_UPLOAD_PATH
    );
    assert_eq!(<CreateStockRequest as Operation>::SPEC, &ops::CREATE_STOCK);
}

// ---------------------------------------------------------------------------------------------
// Requests, per endpoint
// ---------------------------------------------------------------------------------------------

#[test]
fn create_stock_request() {
    let c = client();
    let req = valid_create_stock();
    let b = c.favor().create_stock(&req).unwrap();
    assert_eq!(b.request.method, Method::Post);
    assert_eq!(b.request.url, format!("{BASE}/v3/marketing/favor/coupon-stocks"));
    assert_eq!(b.request.headers.get("Content-Type"), Some("application/json"));
    assert_signed_as_sent(&c, &b);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    let body = body_json(&b);
    assert_eq!(
        body,
        json!({"stock_name":"微信支付代金券批次","comment":"零售批次","belong_merchant":"1900000001",
            "available_begin_time":"2026-01-02T00:00:00+08:00","available_end_time":"2026-02-01T23:59:59+08:00",
            "stock_use_rule":{"max_coupons":100,"max_amount":5000,"max_amount_by_day":400,"max_coupons_per_user":3,
                "natural_person_limit":false,"prevent_api_abuse":false},
            "pattern_info":{"description":"微信支付营销代金券","merchant_logo":"https://qpic.cn/xxx","merchant_name":"微信支付",
                "background_color":"COLOR020","coupon_image":"https://qpic.cn/xxx"},
            "coupon_use_rule":{"fixed_normal_coupon":{"coupon_amount":50,"transaction_minimum":100},
                "goods_tag":["123321","123322"],"trade_type":["OTHER","APPPAY"],"combine_use":false,
                "available_items":["123321","123322"],"available_merchants":["9856000","9856001"]},
            "no_cash":false,"stock_type":"NORMAL","out_request_no":"19000000012026010100001"})
    );
}

#[test]
fn create_stock_spec_example_round_trips_exactly() {
    let example = r#"{"stock_name":"微信支付代金券批次","comment":"零售批次","belong_merchant":"98568865","available_begin_time":"2015-05-20T13:29:35.120+08:00","available_end_time":"2015-05-20T13:29:35.120+08:00","stock_use_rule":{"max_coupons":100,"max_amount":5000,"max_amount_by_day":400,"max_coupons_per_user":3,"natural_person_limit":false,"prevent_api_abuse":false},"pattern_info":{"description":"微信支付营销代金券","merchant_logo":"https://qpic.cn/xxx","merchant_name":"微信支付","background_color":"COLOR020","coupon_image":"https://qpic.cn/xxx"},"coupon_use_rule":{"fixed_normal_coupon":{"coupon_amount":50,"transaction_minimum":100},"goods_tag":["123321","123322"],"trade_type":["OTHER","APPPAY"],"combine_use":false,"available_items":["123321","123322"],"available_merchants":["9856000","9856001"]},"no_cash":false,"stock_type":"NORMAL","out_request_no":"89560002019101000121"}"#;
    let req: CreateStockRequest = serde_json::from_str(example).unwrap();
    // The writer reproduces the official sample byte for byte (same field order, nothing added).
    assert_eq!(serde_json::to_string(&req).unwrap(), example);
    // The sample itself breaks rules; all of them are reported at once, before signing.
    let err = client().favor().create_stock(&req).unwrap_err();
    let Error::Validation(v) = err else {
        panic!("expected a validation error")
    };
    let rules: Vec<&str> = v.violations.iter().map(|v| v.rule).collect();
    for r in ["V-CS-10", "V-CS-21", "V-CS-23"] {
        assert!(rules.contains(&r), "{r} missing from {rules:?}");
    }
}

#[test]
fn product_guide_sample_with_the_array_fixed_is_refused_with_every_violation() {
    // The guide's create-stock sample, with `available_merchants` written as a real array.
    let guide = r#"{"stock_name":"GD测批次4","comment":"验证活动","belong_merchant":"xx98568865xxxx","available_begin_time":"2020-02-13T18:00:00.120+08:00","available_end_time":"2020-02-20T23:59:59.120+08:00","stock_use_rule":{"max_coupons":10,"max_amount":100,"max_coupons_per_user":10,"natural_person_limit":false,"prevent_api_abuse":false},"coupon_use_rule":{"fixed_normal_coupon":{"coupon_amount":10,"transaction_minimum":10},"available_merchants":["209784532","221003827"]},"no_cash":false,"stock_type":"NORMAL","out_request_no":"207662xxxxxx"}"#;
    let req: CreateStockRequest = serde_json::from_str(guide).unwrap();
    let Error::Validation(v) = client().favor().create_stock(&req).unwrap_err() else {
        panic!()
    };
    let rules: Vec<&str> = v.violations.iter().map(|v| v.rule).collect();
    for r in ["V-CS-10", "V-CS-21", "V-CS-42"] {
        assert!(rules.contains(&r), "{r} missing from {rules:?}");
    }
}

#[test]
fn available_merchants_is_a_json_array_of_strings() {
    let b = client().favor().create_stock(&valid_create_stock()).unwrap();
    let text = String::from_utf8(b.request.body.clone()).unwrap();
    assert!(
        text.contains(r#""available_merchants":["9856000","9856001"]"#),
        "{text}"
    );
    // The product guide's sample (`["0":"209784532", …]`) is not JSON at all.
    let guide = r#"{"available_merchants": ["0":"209784532","1":"221003827"]}"#;
    assert!(serde_json::from_str::<CouponUseRule>(guide).is_err());
    // Optional fields are absent, never null or empty.
    let minimal = CouponUseRule {
        fixed_normal_coupon: Some(FixedNormalCoupon {
            coupon_amount: 10,
            transaction_minimum: 11,
        }),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&minimal).unwrap(),
        r#"{"fixed_normal_coupon":{"coupon_amount":10,"transaction_minimum":11}}"#
    );
}

#[test]
fn start_stock_request_matches_example() {
    let c = client();
    let b = c
        .favor()
        .start_stock(&StartStockRequest::new("9856000", "8956000"))
        .unwrap();
    assert_eq!(b.request.method, Method::Post);
    assert_eq!(b.request.url, format!("{BASE}/v3/marketing/favor/stocks/9856000/start"));
    assert_eq!(b.request.body, br#"{"stock_creator_mchid":"8956000"}"#);
    assert_signed_as_sent(&c, &b);
}

#[test]
fn send_coupon_request_matches_example() {
    let c = client();
    let req = SendCouponRequest {
        openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
        stock_id: "9856000".into(),
        out_request_no: "89560002019101000121".into(),
        appid: "wx233544546545989".into(),
        stock_creator_mchid: "8956000".into(),
        ..Default::default()
    };
    let b = c.favor().send_coupon(&req).unwrap();
    assert_eq!(b.request.method, Method::Post);
    assert_eq!(
        b.request.url,
        format!("{BASE}/v3/marketing/favor/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/coupons")
    );
    assert_eq!(
        b.request.body,
        br#"{"stock_id":"9856000","out_request_no":"89560002019101000121","appid":"wx233544546545989","stock_creator_mchid":"8956000"}"#
    );
    assert_signed_as_sent(&c, &b);
    // The sample appid has 15 hex digits after "wx": a V-G-04 warning, not an error.
    assert_eq!(b.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), ["V-G-04"]);
}

#[test]
fn path_parameters_are_encoded_once_with_case_preserved() {
    let c = client();
    let req = GetCouponRequest {
        openid: "oAbC/x y+Z".into(),
        coupon_id: "9867041".into(),
        appid: "wx1234567890abcdef".into(),
    };
    let b = c.favor().get_coupon(&req).unwrap();
    assert_eq!(
        b.request.url,
        format!("{BASE}/v3/marketing/favor/users/oAbC%2Fx%20y%2BZ/coupons/9867041?appid=wx1234567890abcdef")
    );
    assert_signed_as_sent(&c, &b);
}

#[test]
fn pause_restart_stop_requests() {
    let c = client();
    let cases: [(BuiltRequest, &str); 3] = [
        (
            c.favor()
                .pause_stock(&PauseStockRequest::new("9865000", "8956000"))
                .unwrap(),
            "pause",
        ),
        (
            c.favor()
                .restart_stock(&RestartStockRequest::new("9865000", "8956000"))
                .unwrap(),
            "restart",
        ),
        (
            c.favor()
                .stop_stock(&StopStockRequest::new("9865000", "8956000"))
                .unwrap(),
            "stop",
        ),
    ];
    for (b, action) in cases {
        assert_eq!(b.request.method, Method::Post);
        assert_eq!(
            b.request.url,
            format!("{BASE}/v3/marketing/favor/stocks/9865000/{action}")
        );
        assert_eq!(b.request.body, br#"{"stock_creator_mchid":"8956000"}"#);
        assert_signed_as_sent(&c, &b);
    }
}

#[test]
fn list_stocks_request_encodes_times_exactly_once() {
    let c = client();
    let req = ListStocksRequest {
        offset: 1,
        limit: 8,
        stock_creator_mchid: "9856888".into(),
        create_start_time: Some("2015-05-20T13:29:35.120+08:00".into()),
        create_end_time: None,
        status: Some(StockStatus::Paused),
    };
    let b = c.favor().list_stocks(&req).unwrap();
    assert_eq!(b.request.method, Method::Get);
    assert!(b.request.body.is_empty());
    assert_eq!(b.request.headers.get("Content-Type"), None);
    assert_eq!(
        b.request.url,
        format!(
            "{BASE}/v3/marketing/favor/stocks?offset=1&limit=8&stock_creator_mchid=9856888&create_start_time=2015-05-20T13%3A29%3A35.120%2B08%3A00&status=paused"
        )
    );
    assert_eq!(b.request.url.matches("%2B08%3A00").count(), 1);
    assert!(!b.request.url.contains("%25"), "double-encoded: {}", b.request.url);
    assert!(!b.request.url.contains("%3D") && !b.request.url.contains("%26"));
    assert_signed_as_sent(&c, &b);
}

#[test]
fn get_stock_request() {
    let c = client();
    let b = c
        .favor()
        .get_stock(&GetStockRequest {
            stock_id: "9856888".into(),
            stock_creator_mchid: "9856888".into(),
        })
        .unwrap();
    assert_eq!(b.request.method, Method::Get);
    assert_eq!(
        b.request.url,
        format!("{BASE}/v3/marketing/favor/stocks/9856888?stock_creator_mchid=9856888")
    );
    assert_signed_as_sent(&c, &b);
}

#[test]
fn merchants_and_items_requests() {
    let c = client();
    let m = c
        .favor()
        .list_stock_merchants(&ListStockMerchantsRequest {
            stock_id: "9865000".into(),
            offset: 10,
            limit: 10,
            stock_creator_mchid: "1900001111".into(),
        })
        .unwrap();
    assert_eq!(m.request.method, Method::Get);
    assert_eq!(
        m.request.url,
        format!("{BASE}/v3/marketing/favor/stocks/9865000/merchants?offset=10&limit=10&stock_creator_mchid=1900001111")
    );
    let i = c
        .favor()
        .list_stock_items(&ListStockItemsRequest {
            stock_id: "9865000".into(),
            offset: 10,
            limit: 10,
            stock_creator_mchid: "9865000".into(),
        })
        .unwrap();
    assert_eq!(
        i.request.url,
        format!("{BASE}/v3/marketing/favor/stocks/9865000/items?offset=10&limit=10&stock_creator_mchid=9865000")
    );
    assert_signed_as_sent(&c, &m);
    assert_signed_as_sent(&c, &i);
}

#[test]
fn user_coupons_request() {
    let c = client();
    let b = c
        .favor()
        .list_user_coupons(&ListUserCouponsRequest {
            openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            appid: "wx1234567890abcdef".into(),
            stock_id: Some("9856000".into()),
            status: Some(CouponStatusQuery::Sended),
            creator_mchid: Some("1900000001".into()),
            offset: Some(0),
            limit: Some(20),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(b.request.method, Method::Get);
    assert_eq!(
        b.request.url,
        format!(
            "{BASE}/v3/marketing/favor/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/coupons?appid=wx1234567890abcdef&stock_id=9856000&status=SENDED&creator_mchid=1900000001&offset=0&limit=20"
        )
    );
    assert_signed_as_sent(&c, &b);
}

#[test]
fn flow_requests() {
    let c = client();
    let u = c
        .favor()
        .use_flow(&UseFlowRequest {
            stock_id: "9865000".into(),
        })
        .unwrap();
    let r = c
        .favor()
        .refund_flow(&RefundFlowRequest {
            stock_id: "9865000".into(),
        })
        .unwrap();
    assert_eq!(u.request.method, Method::Get);
    assert_eq!(
        u.request.url,
        format!("{BASE}/v3/marketing/favor/stocks/9865000/use-flow")
    );
    assert_eq!(
        r.request.url,
        format!("{BASE}/v3/marketing/favor/stocks/9865000/refund-flow")
    );
    assert!(u.request.body.is_empty() && r.request.body.is_empty());
    assert_signed_as_sent(&c, &u);
}

#[test]
fn callback_requests_match_example() {
    let c = client();
    let b = c
        .favor()
        .set_callback(&SetCallbackRequest {
            mchid: "9856888".into(),
            notify_url: "https://pay.weixin.qq.com".into(),
            switch: None,
        })
        .unwrap();
    assert_eq!(b.request.method, Method::Post);
    assert_eq!(b.request.url, format!("{BASE}/v3/marketing/favor/callbacks"));
    assert_eq!(
        b.request.body,
        br#"{"mchid":"9856888","notify_url":"https://pay.weixin.qq.com"}"#
    );
    assert_signed_as_sent(&c, &b);
    let g = c
        .favor()
        .get_callback(&GetCallbackRequest {
            mchid: "9856888".into(),
        })
        .unwrap();
    assert_eq!(g.request.method, Method::Get);
    assert_eq!(
        g.request.url,
        format!("{BASE}/v3/marketing/favor/callbacks?mchid=9856888")
    );
}

#[test]
fn set_callback_refuses_http_unless_sandbox_loopback() {
    let req = |url: &str| SetCallbackRequest {
        mchid: "1900000001".into(),
        notify_url: url.into(),
        switch: Some(true),
    };
    let c = client();
    for url in ["http://example.com/notify", "http://127.0.0.1:8080/notify"] {
        let Error::Validation(v) = c.favor().set_callback(&req(url)).unwrap_err() else {
            panic!()
        };
        assert!(v.violations.iter().any(|v| v.rule == "V-CB-03"), "{url}");
    }
    let k = keys();
    let sandbox = Client::builder("1900000001", k["merchant_serial"].as_str().unwrap())
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .allow_http_notify_url(true)
        .clock(Arc::new(FixedClock::new(NOW)))
        .nonce_source(Arc::new(FixedNonce::repeating(NONCE)))
        .build()
        .unwrap();
    for url in ["http://127.0.0.1:8080/notify", "http://localhost/n", "http://[::1]:9/n"] {
        let b = sandbox.favor().set_callback(&req(url)).unwrap();
        assert_eq!(body_json(&b)["switch"], json!(true));
    }
    let Error::Validation(v) = sandbox
        .favor()
        .set_callback(&req("http://example.com/notify"))
        .unwrap_err()
    else {
        panic!()
    };
    assert!(v.violations.iter().any(|v| v.rule == "V-CB-03"));
}

#[test]
fn image_upload_is_registered_and_builds_the_multipart_request() {
    let c = client();
    let png = b"\x89PNG\r\n\x1a\n0123456789".to_vec();
    let b = c
        .favor()
        .upload_image(&ImageUploadRequest {
            filename: "logo.png".into(),
            bytes: png.clone(),
        })
        .unwrap();
    assert_eq!(b.request.method, Method::Post);
    assert_eq!(b.request.url, format!("{BASE}/v3/marketing/favor/media/image-upload"));
    assert!(
        b.request
            .headers
            .get("Content-Type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let direct = client().favor().image_upload_request("logo.png", &png).unwrap();
    assert_eq!(b.request, direct);
}

#[test]
fn modify_item_codes_request() {
    let c = client();
    let b = c
        .favor()
        .modify_item_codes(&ModifyItemCodesRequest {
            stock_id: "9865000".into(),
            stock_creator_mchid: "1900000001".into(),
            add_goods_id_list: Some(vec!["a_goods1".into()]),
            delete_goods_id_list: None,
        })
        .unwrap();
    assert_eq!(b.request.method, Method::Post);
    assert_eq!(
        b.request.url,
        format!("{BASE}/v3/marketing/favor/stocks/9865000/modify-goods-id")
    );
    assert_eq!(
        b.request.body,
        br#"{"stock_creator_mchid":"1900000001","add_goods_id_list":["a_goods1"]}"#
    );
    assert_signed_as_sent(&c, &b);
}

#[test]
fn retry_keeps_body_and_is_resigned() {
    let k = keys();
    let clock = Arc::new(FixedClock::new(NOW));
    let c = Client::builder("1900000001", k["merchant_serial"].as_str().unwrap())
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .clock(clock.clone())
        .nonce_source(Arc::new(FixedNonce::sequence(vec!["FIRST".into(), "SECOND".into()])))
        .build()
        .unwrap();
    let b = c.favor().create_stock(&valid_create_stock()).unwrap();
    clock.advance(30);
    let retry = c.resign(&b.request, Some(wechatpay_coupons::BACKUP_BASE_URL)).unwrap();
    assert_eq!(retry.body, b.request.body, "same body, same out_request_no");
    assert_eq!(
        retry.url,
        "https://api2.mch.weixin.qq.com/v3/marketing/favor/coupon-stocks"
    );
    let auth = retry.headers.get("Authorization").unwrap();
    assert!(auth.contains(r#"nonce_str="SECOND""#) && auth.contains(&format!(r#"timestamp="{}""#, NOW + 30)));
    assert_ne!(
        retry.headers.get("Authorization"),
        b.request.headers.get("Authorization")
    );
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

#[test]
fn every_spec_response_example_decodes_through_verification() {
    let c = client();
    macro_rules! check {
        ($op:ty, $body:expr, |$r:ident| $assert:expr) => {{
            let resp = signed_response(&c, 200, $body);
            let $r = c.favor().favor_response::<$op>(&resp).unwrap();
            $assert;
        }};
    }
    check!(
        StartStockRequest,
        r#"{"start_time":"2015-05-20T13:29:35.120+08:00","stock_id":"9865000"}"#,
        |r| {
            assert_eq!(r.stock_id, "9865000");
            assert_eq!(parse_rfc3339(&r.start_time), Some(1_432_099_775));
        }
    );
    check!(
        PauseStockRequest,
        r#"{"pause_time":"2015-05-20T13:29:35.120+08:00","stock_id":"9865000"}"#,
        |r| { assert_eq!(r.pause_time, "2015-05-20T13:29:35.120+08:00") }
    );
    // The [SKIT] sample writes start_time for pause; read tolerantly.
    check!(
        PauseStockRequest,
        r#"{"start_time":"2015-05-20T13:29:35.120+08:00","stock_id":"9865000"}"#,
        |r| { assert_eq!(r.pause_time, "2015-05-20T13:29:35.120+08:00") }
    );
    check!(
        RestartStockRequest,
        r#"{"restart_time":"2015-05-20T13:29:35+08:00","stock_id":"1"}"#,
        |r| { assert_eq!(r.restart_time, "2015-05-20T13:29:35+08:00") }
    );
    check!(
        StopStockRequest,
        r#"{"stop_time":"2015-05-20T13:29:35Z","stock_id":"1"}"#,
        |r| { assert_eq!(r.stop_time, "2015-05-20T13:29:35Z") }
    );
    check!(SendCouponRequest, r#"{"coupon_id":"9867041"}"#, |r| assert_eq!(
        r.coupon_id,
        "9867041"
    ));
    check!(
        CreateStockRequest,
        r#"{"stock_id":"9856000","create_time":"2015-05-20T13:29:35.120+08:00"}"#,
        |r| { assert_eq!(r.stock_id, "9856000") }
    );
    check!(
        UseFlowRequest,
        r#"{"hash_type":"SHA1","hash_value":"8ae0eb442c408d2e90d669d6f4ad6b7e6e049d6f","url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc"}"#,
        |r| {
            assert!(r.hash_type.is_sha1());
            assert_eq!(r.hash_value, "8ae0eb442c408d2e90d669d6f4ad6b7e6e049d6f");
        }
    );
    check!(
        RefundFlowRequest,
        r#"{"hash_type":"sha1","hash_value":"00","url":"https://x/y"}"#,
        |r| { assert!(r.hash_type.is_sha1()) }
    );
    check!(
        SetCallbackRequest,
        r#"{"update_time":"2015-05-20T13:29:35.120+08:00","notify_url":"https://pay.weixin.qq.com"}"#,
        |r| assert_eq!(r.notify_url, "https://pay.weixin.qq.com")
    );
    check!(
        GetCallbackRequest,
        r#"{"notify_url":"https://pay.weixin.qq.com/n","mchid":"9856888"}"#,
        |r| { assert_eq!(r.mchid, "9856888") }
    );
    check!(
        ListStockMerchantsRequest,
        r#"{"data":["2480248941"],"limit":5,"offset":0,"stock_id":"15019035","total_count":1}"#,
        |r| {
            assert_eq!(r.data, ["2480248941"]);
            assert_eq!(r.total_count, 1);
        }
    );
    // Old sample with integers as strings.
    check!(
        ListStockItemsRequest,
        r#"{"data":["a","b"],"limit":"2","offset":"0","stock_id":"15019035","total_count":"200"}"#,
        |r| assert_eq!((r.total_count, r.limit), (200, 2))
    );
    check!(ImageUploadRequest, r#"{"media_url":"https://qpic.cn/xxx"}"#, |r| {
        assert_eq!(r.media_url, "https://qpic.cn/xxx")
    });
    check!(
        ModifyItemCodesRequest,
        r#"{"effect_time":"2015-05-20T13:29:35+08:00","stock_id":"9"}"#,
        |r| { assert_eq!(r.effect_time.as_deref(), Some("2015-05-20T13:29:35+08:00")) }
    );
    check!(
        ModifyItemCodesRequest,
        r#"{"pause_time":"2015-05-20T13:29:35+08:00","stock_id":"9"}"#,
        |r| { assert_eq!(r.pause_time.as_deref(), Some("2015-05-20T13:29:35+08:00")) }
    );
}

const STOCK_JSON: &str = r#"{"stock_id":"9856888","stock_creator_mchid":"9856000","stock_name":"微信支付批次","status":"paused","create_time":"2015-05-20T13:29:35.120+08:00","description":"description","stock_use_rule":{"max_coupons":100,"max_amount":5000,"max_amount_by_day":400,"fixed_normal_coupon":{"coupon_amount":50,"transaction_minimum":100},"max_coupons_per_user":3,"coupon_type":"NORMAL","goods_tag":["123321","456654"],"trade_type":"MICROAPP","combine_use":true,"natural_person_limit":false,"prevent_api_abuse":false},"available_begin_time":"2015-05-20T13:29:35.120+08:00","available_end_time":"2015-05-20T13:29:35.120+08:00","distributed_coupons":"10","no_cash":false,"start_time":"2015-05-20T13:29:35.120+08:00","stop_time":"2015-05-20T13:29:35.120+08:00","cut_to_message":{"single_price_max":100,"cut_to_price":10},"singleitem":true,"stock_type":"NORMAL","card_id":"pXXX","business_type":"MULTIUSE","available_region_list":[{"type":"PROVINCE","province":"广东省"}],"a_future_field":{"x":1}}"#;

#[test]
fn stock_and_collections_decode_tolerantly() {
    let c = client();
    let s = c
        .favor()
        .favor_response::<GetStockRequest>(&signed_response(&c, 200, STOCK_JSON))
        .unwrap();
    assert_eq!(s.status, StockStatus::Paused);
    assert_eq!(s.distributed_coupons, 10);
    let rule = s.stock_use_rule.as_ref().unwrap();
    assert_eq!(rule.trade_type.as_deref(), Some(&[TradeType::Microapp][..]));
    assert_eq!(rule.fixed_normal_coupon.unwrap().coupon_amount, 50);
    assert_eq!(s.business_type, Some(BusinessType::Multiuse));
    // Unknown enum values are kept.
    let odd = STOCK_JSON
        .replace(r#""status":"paused""#, r#""status":"archived""#)
        .replace(r#""stock_type":"NORMAL""#, r#""stock_type":"FUTURE""#);
    let s2 = ops::decode_response::<GetStockRequest>(odd.as_bytes()).unwrap();
    assert_eq!(s2.status, StockStatus::Unknown("archived".into()));
    assert_eq!(s2.stock_type.as_str(), "FUTURE");
    let list = format!(r#"{{"total_count":1,"data":[{STOCK_JSON}],"limit":10,"offset":0}}"#);
    let page = c
        .favor()
        .favor_response::<ListStocksRequest>(&signed_response(&c, 200, &list))
        .unwrap();
    assert_eq!(page.data.len(), 1);
    let empty = ops::decode_response::<ListStocksRequest>(br#"{"total_count":0,"data":null,"limit":10,"offset":0}"#);
    assert!(empty.unwrap().data.is_empty());
}

const COUPON_JSON: &str = r#"{"stock_creator_mchid":"9856000","stock_id":"9856888","coupon_id":"98674556","cut_to_message":{"single_price_max":100,"cut_to_price":10},"coupon_name":"微信支付代金券","status":"USED","description":"微信支付营销","create_time":"2015-05-20T13:29:35.120+08:00","coupon_type":"NORMAL","no_cash":null,"available_begin_time":"2015-05-20T13:29:35.120+08:00","available_end_time":"2015-05-20T13:29:35.120+08:00","singleitem":null,"normal_coupon_information":{"coupon_amount":100,"transaction_minimum":"100"},"consume_information":{"consume_time":"2015-05-20T13:29:35.120+08:00","consume_mchid":"9856081","transaction_id":"2345234523","goods_detail":[{"goods_id":"a_goods1","quantity":7,"price":1,"discount_amount":4}]},"out_request_no":"89560002019101000121","available_balance":"50"}"#;

#[test]
fn coupon_and_coupon_collection_decode() {
    let c = client();
    let cp = c
        .favor()
        .favor_response::<GetCouponRequest>(&signed_response(&c, 200, COUPON_JSON))
        .unwrap();
    assert_eq!(cp.coupon_id.as_deref(), Some("98674556"));
    assert_eq!(cp.status, CouponStatus::Used);
    assert_eq!(cp.no_cash, None);
    assert_eq!(cp.normal_coupon_information.unwrap().transaction_minimum, 100);
    assert_eq!(cp.available_balance, Some(50));
    let ci = cp.consume_information.unwrap();
    assert_eq!(ci.transaction_id, "2345234523");
    let list = format!(r#"{{"data":[{COUPON_JSON}],"total_count":1,"limit":20,"offset":0}}"#);
    let page = c
        .favor()
        .favor_response::<ListUserCouponsRequest>(&signed_response(&c, 200, &list))
        .unwrap();
    assert_eq!(page.data.len(), 1);
}

#[test]
fn independent_vector_get_stock_response_verifies_and_decodes() {
    let case: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/vectors/verify-ok-public-key/case.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let c = client_at(case["now"].as_i64().unwrap());
    let headers: Headers = case["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let resp = HttpResponse::new(200, headers, case["body"].as_str().unwrap().as_bytes().to_vec());
    let s = c.favor().favor_response::<GetStockRequest>(&resp).unwrap();
    assert_eq!(s.stock_id, "17512345");
    assert_eq!(s.status, StockStatus::Running);
}

#[test]
fn tampered_or_unsigned_responses_are_refused() {
    let c = client();
    let mut resp = signed_response(&c, 200, r#"{"coupon_id":"9867041"}"#);
    resp.body = br#"{"coupon_id":"9867042"}"#.to_vec();
    assert!(matches!(
        c.favor().favor_response::<SendCouponRequest>(&resp),
        Err(Error::Verify(_))
    ));
    let unsigned = HttpResponse::new(200, Headers::new(), br#"{"coupon_id":"1"}"#.to_vec());
    assert!(matches!(
        c.favor().favor_response::<SendCouponRequest>(&unsigned),
        Err(Error::Verify(_))
    ));
    // A verified body of the wrong shape is a decode error naming the operation.
    let wrong = signed_response(&c, 200, r#"{"id":1}"#);
    let Err(Error::Decode(d)) = c.favor().favor_response::<SendCouponRequest>(&wrong) else {
        panic!()
    };
    assert!(d.what.contains("send_coupon"));
}

#[test]
fn favor_error_codes_classify() {
    let c = client();
    let err = |status: u16, code: &str, msg: &str| {
        let body = json!({"code": code, "message": msg}).to_string();
        let resp = HttpResponse::new(status, Headers::new(), body.into_bytes());
        match c.favor().favor_response::<SendCouponRequest>(&resp) {
            Err(Error::Api(e)) => *e,
            other => panic!("{other:?}"),
        }
    };
    let cases: [(u16, &str, &str, FavorErrorKind, bool); 12] = [
        (
            403,
            "NOT_ENOUGH",
            "批次预算不足",
            FavorErrorKind::BudgetExhausted,
            false,
        ),
        (
            403,
            "REQUEST_BLOCKED",
            "用户被限领拦截",
            FavorErrorKind::UserLimitReached,
            false,
        ),
        (
            403,
            "REQUEST_BLOCKED",
            "活动未开始或已结束",
            FavorErrorKind::StockNotRunning,
            false,
        ),
        (
            403,
            "REQUEST_BLOCKED",
            "商户无权发券",
            FavorErrorKind::NotAuthorized,
            false,
        ),
        (
            403,
            "USER_ACCOUNT_ABNORMAL",
            "用户非法",
            FavorErrorKind::UserAccountAbnormal,
            false,
        ),
        (403, "RULE_LIMIT", "x", FavorErrorKind::RuleLimit, false),
        (
            404,
            "RESOURCE_NOT_EXISTS",
            "批次不存在",
            FavorErrorKind::NotFound,
            false,
        ),
        (
            400,
            "PARAM_ERROR",
            "输入时间格式错误",
            FavorErrorKind::InvalidRequest,
            false,
        ),
        (
            400,
            "APPID_MCHID_NOT_MATCH",
            "x",
            FavorErrorKind::AppidMchidMismatch,
            false,
        ),
        (
            429,
            "FREQUENCY_LIMIT_EXCEED",
            "接口限频",
            FavorErrorKind::RateLimited,
            true,
        ),
        (500, "SYSTEM_ERROR", "x", FavorErrorKind::ServerError, true),
        (503, "SERVICE_UNAVAILABLE", "x", FavorErrorKind::ServerError, true),
    ];
    for (status, code, msg, kind, retry) in cases {
        let e: ApiError = err(status, code, msg);
        assert_eq!(FavorErrorKind::of(&e), kind, "{code} {msg}");
        assert_eq!(e.retryable(), retry, "{code}");
        assert_eq!(kind.retryable(), retry, "{code}");
    }
    let empty = HttpResponse::new(429, Headers::new(), Vec::new());
    let Err(Error::Api(e)) = c.favor().favor_response::<ListStocksRequest>(&empty) else {
        panic!()
    };
    assert_eq!(FavorErrorKind::of(&e), FavorErrorKind::RateLimited);
    assert!(e.retryable());
}

// ---------------------------------------------------------------------------------------------
// Pagination, out_request_no, policy, times
// ---------------------------------------------------------------------------------------------

fn strings(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

fn string_page(n: usize, total: i64) -> StockStringCollection {
    StockStringCollection {
        total_count: total,
        data: strings(n),
        offset: 0,
        limit: 0,
        stock_id: "1".into(),
    }
}

#[test]
fn pagination_list_stocks_by_page_index() {
    let req = ListStocksRequest {
        offset: 0,
        limit: 10,
        stock_creator_mchid: "1900000001".into(),
        ..Default::default()
    };
    let stock: Stock = serde_json::from_str(STOCK_JSON).unwrap();
    let page = |n: usize, total: i64| StockCollection {
        total_count: total,
        data: vec![stock.clone(); n],
        limit: 10,
        offset: 0,
    };
    let next = req.next_page(&page(10, 25)).unwrap();
    assert_eq!(next.offset, 1);
    assert_eq!(next.stock_creator_mchid, req.stock_creator_mchid);
    let third = next.next_page(&page(10, 25)).unwrap();
    assert_eq!(third.offset, 2);
    assert!(third.next_page(&page(5, 25)).is_none());
    assert!(req.next_page(&page(10, 10)).is_none());
    assert!(req.next_page(&page(0, 0)).is_none());
    assert_eq!(
        req.next_page_with(&page(10, 25), PageMode::ItemOffset).unwrap().offset,
        10
    );
}

#[test]
fn pagination_merchants_items_user_coupons() {
    let m = ListStockMerchantsRequest {
        stock_id: "1".into(),
        offset: 0,
        limit: 50,
        stock_creator_mchid: "1900000001".into(),
    };
    // Page index by default (分页页码); the row offset on request.
    let n = m.next_page(&string_page(50, 120)).unwrap();
    assert_eq!(n.offset, 1);
    assert_eq!(n.next_page(&string_page(50, 120)).unwrap().offset, 2);
    assert_eq!(
        m.next_page_with(&string_page(50, 120), PageMode::ItemOffset)
            .unwrap()
            .offset,
        50
    );
    assert!(m.next_page(&string_page(20, 120)).is_none());
    let i = ListStockItemsRequest {
        stock_id: "1".into(),
        offset: 500,
        limit: 100,
        stock_creator_mchid: "1900000001".into(),
    };
    assert!(
        i.next_page(&string_page(100, 10_000)).is_none(),
        "offset would exceed 500"
    );
    let u = ListUserCouponsRequest {
        openid: "o".into(),
        appid: "wx1234567890abcdef".into(),
        creator_mchid: Some("1900000001".into()),
        ..Default::default()
    };
    let coupon: Coupon = serde_json::from_str(COUPON_JSON).unwrap();
    let page = CouponCollection {
        data: vec![coupon; 20],
        total_count: 45,
        limit: 20,
        offset: 0,
    };
    let n = u.next_page(&page).unwrap();
    assert_eq!(n.offset, Some(1));
    assert_eq!(u.next_page_with(&page, PageMode::ItemOffset).unwrap().offset, Some(20));
    let by_available = ListUserCouponsRequest {
        creator_mchid: None,
        available_mchid: Some("1900000001".into()),
        ..u
    };
    assert!(by_available.next_page(&page).is_none());
}

#[test]
fn out_request_no_is_valid_unique_and_dated_by_the_injected_clock() {
    let c = client();
    let a = c.favor().out_request_no().unwrap();
    let b = c.favor().out_request_no().unwrap();
    assert_ne!(a, b);
    assert!(a.starts_with("190000000120260101"), "{a}");
    assert!(a.len() <= 128 && a.chars().all(|ch| ch.is_ascii_alphanumeric()));
    // 2025-12-31T16:00:00Z is already 2026-01-01 in Beijing.
    assert!(
        generate_out_request_no("1900000001", 1_767_196_800)
            .unwrap()
            .contains("20260101")
    );
    assert!(
        generate_out_request_no("1900000001", 1_767_196_799)
            .unwrap()
            .contains("20251231")
    );
    let mut req = valid_create_stock();
    req.out_request_no = a;
    assert!(c.favor().create_stock(&req).is_ok());
}

#[test]
fn warnings_are_returned_promoted_or_silenced() {
    let c = client();
    let mut req = valid_create_stock();
    req.stock_use_rule.max_coupons = Some(4);
    req.stock_use_rule.max_amount = Some(200);
    req.stock_use_rule.max_amount_by_day = None;
    let b = c.favor().create_stock(&req).unwrap();
    assert_eq!(b.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), ["V-CS-31"]);
    let silenced = c
        .favor()
        .favor_request_with(&req, &ValidationPolicy::new().silence("V-CS-31"))
        .unwrap();
    assert!(silenced.warnings.is_empty());
    let Error::Validation(v) = c
        .favor()
        .favor_request_with(&req, &ValidationPolicy::strict())
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(v.violations[0].rule, "V-CS-31");
    assert!(
        c.favor()
            .favor_request_with(&req, &ValidationPolicy::new().promote("V-CS-31"))
            .is_err()
    );
}

#[test]
fn rfc3339_shapes() {
    let t = 1_432_099_775;
    assert_eq!(parse_rfc3339("2015-05-20T13:29:35+08:00"), Some(t));
    assert_eq!(parse_rfc3339("2015-05-20T13:29:35.120+08:00"), Some(t));
    assert_eq!(parse_rfc3339("2015-05-20T05:29:35Z"), Some(t));
    assert_eq!(parse_rfc3339("2015-05-20T05:29:35.120Z"), Some(t));
    assert_eq!(parse_rfc3339("2015-05-20 13:29:35"), None);
    assert_eq!(parse_rfc3339("2015-05-20T13:29:35"), None);
}

#[test]
fn enums_keep_unknown_values_and_write_them_back() {
    let t: Vec<TradeType> = serde_json::from_str(r#"["MICROAPP","NEWPAY"]"#).unwrap();
    assert_eq!(t[1], TradeType::Unknown("NEWPAY".into()));
    assert_eq!(serde_json::to_string(&t).unwrap(), r#"["MICROAPP","NEWPAY"]"#);
    assert_eq!(StockStatus::Stoped.as_str(), "stoped");
    let rule: StockUseRule = serde_json::from_str(r#"{"trade_type":["APPPAY","FACE"]}"#).unwrap();
    assert_eq!(rule.trade_type.unwrap(), [TradeType::Apppay, TradeType::Face]);
    let fix: FixAvailableTime = serde_json::from_str(r#"{"available_week_day":3,"begin_time":"0"}"#).unwrap();
    assert_eq!(fix.available_week_day, Some(vec![3]));
    assert_eq!(fix.begin_time, Some(0));
}
