//! The binding-facing layer (`dynamic`): every operation of the catalogue built from JSON
//! matches the typed path byte for byte (same clock and nonce), unknown and wrong-typed params
//! give the stable rule ids naming their JSON path, parse by name, and the catalogue itself.

#![cfg(feature = "dynamic")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use serde_json::{Value, json};
use wechatpay_coupons::dynamic::{self, ParamLocation, RULE_TYPE, RULE_UNKNOWN_FIELD};
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::{BuiltRequest, OPERATIONS, Operation};
use wechatpay_coupons::favor::validation::ValidationPolicy;
use wechatpay_coupons::{Client, Error, HttpResponse};

mod common;

const MCHID: &str = "1900000001";

fn client() -> Client {
    common::signing_client(common::NOW)
}

/// Builds the typed request with a client.
type Typed = Box<dyn Fn(&Client) -> BuiltRequest>;

fn typed<O: Operation + 'static>(op: O) -> Typed {
    Box::new(move |c| c.favor().favor_request_with(&op, &ValidationPolicy::default()).unwrap())
}

/// One JSON case and the same request as a typed value, for every JSON-built operation.
fn cases() -> Vec<(&'static str, Value, Typed)> {
    let openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    let appid = "wx1234567890abcdef";
    vec![
        (
            "create_stock",
            json!({
                "stock_name": "微信支付代金券批次", "belong_merchant": MCHID,
                "available_begin_time": "2026-01-02T00:00:00+08:00",
                "available_end_time": "2026-02-01T23:59:59+08:00",
                "stock_use_rule": {"max_coupons": 100, "max_amount": 5000, "max_coupons_per_user": 3,
                                   "natural_person_limit": false, "prevent_api_abuse": false},
                "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 50, "transaction_minimum": 100},
                                    "available_merchants": [MCHID]},
                "no_cash": false, "stock_type": "NORMAL", "out_request_no": "19000000012026010100001"
            }),
            typed(CreateStockRequest {
                stock_name: "微信支付代金券批次".into(),
                belong_merchant: MCHID.into(),
                available_begin_time: "2026-01-02T00:00:00+08:00".into(),
                available_end_time: "2026-02-01T23:59:59+08:00".into(),
                stock_use_rule: StockRule {
                    max_coupons: Some(100),
                    max_amount: Some(5000),
                    max_coupons_per_user: Some(3),
                    natural_person_limit: Some(false),
                    prevent_api_abuse: Some(false),
                    ..Default::default()
                },
                coupon_use_rule: CouponUseRule {
                    fixed_normal_coupon: Some(FixedNormalCoupon {
                        coupon_amount: 50,
                        transaction_minimum: 100,
                    }),
                    available_merchants: Some(vec![MCHID.into()]),
                    ..Default::default()
                },
                no_cash: Some(false),
                stock_type: StockTypeReq::Normal,
                out_request_no: "19000000012026010100001".into(),
                ..Default::default()
            }),
        ),
        (
            "start_stock",
            json!({"stock_id": "9856000", "stock_creator_mchid": MCHID}),
            typed(StartStockRequest::new("9856000", MCHID)),
        ),
        (
            "send_coupon",
            json!({"openid": openid, "stock_id": "9856000", "out_request_no": "89560002019101000121",
                   "appid": appid, "stock_creator_mchid": MCHID}),
            typed(SendCouponRequest {
                openid: openid.into(),
                stock_id: "9856000".into(),
                out_request_no: "89560002019101000121".into(),
                appid: appid.into(),
                stock_creator_mchid: MCHID.into(),
                ..Default::default()
            }),
        ),
        (
            "pause_stock",
            json!({"stock_id": "9856000", "stock_creator_mchid": MCHID}),
            typed(PauseStockRequest::new("9856000", MCHID)),
        ),
        (
            "restart_stock",
            json!({"stock_id": "9856000", "stock_creator_mchid": MCHID}),
            typed(RestartStockRequest::new("9856000", MCHID)),
        ),
        (
            "stop_stock",
            json!({"stock_id": "9856000", "stock_creator_mchid": MCHID}),
            typed(StopStockRequest::new("9856000", MCHID)),
        ),
        (
            "list_stocks",
            // Integers as numeric strings decode as the models allow.
            json!({"offset": "1", "limit": 8, "stock_creator_mchid": MCHID,
                   "create_start_time": "2015-05-20T13:29:35.120+08:00", "status": "paused"}),
            typed(ListStocksRequest {
                offset: 1,
                limit: 8,
                stock_creator_mchid: MCHID.into(),
                create_start_time: Some("2015-05-20T13:29:35.120+08:00".into()),
                create_end_time: None,
                status: Some(StockStatus::Paused),
            }),
        ),
        (
            "get_stock",
            json!({"stock_id": "9856000", "stock_creator_mchid": MCHID}),
            typed(GetStockRequest {
                stock_id: "9856000".into(),
                stock_creator_mchid: MCHID.into(),
            }),
        ),
        (
            "get_coupon",
            json!({"openid": "oAbC/x y+Z", "coupon_id": "9867041", "appid": appid}),
            typed(GetCouponRequest {
                openid: "oAbC/x y+Z".into(),
                coupon_id: "9867041".into(),
                appid: appid.into(),
            }),
        ),
        (
            "list_stock_merchants",
            json!({"stock_id": "9856000", "offset": 0, "limit": 10, "stock_creator_mchid": MCHID}),
            typed(ListStockMerchantsRequest {
                stock_id: "9856000".into(),
                offset: 0,
                limit: 10,
                stock_creator_mchid: MCHID.into(),
            }),
        ),
        (
            "list_stock_items",
            json!({"stock_id": "9856000", "offset": 2, "limit": 10, "stock_creator_mchid": MCHID}),
            typed(ListStockItemsRequest {
                stock_id: "9856000".into(),
                offset: 2,
                limit: 10,
                stock_creator_mchid: MCHID.into(),
            }),
        ),
        (
            "list_user_coupons",
            json!({"openid": openid, "appid": appid, "stock_id": "9856000", "status": "SENDED",
                   "creator_mchid": MCHID, "offset": 0, "limit": 20}),
            typed(ListUserCouponsRequest {
                openid: openid.into(),
                appid: appid.into(),
                stock_id: Some("9856000".into()),
                status: Some(CouponStatusQuery::Sended),
                creator_mchid: Some(MCHID.into()),
                offset: Some(0),
                limit: Some(20),
                ..Default::default()
            }),
        ),
        (
            "use_flow",
            json!({"stock_id": "9856000"}),
            typed(UseFlowRequest {
                stock_id: "9856000".into(),
            }),
        ),
        (
            "refund_flow",
            json!({"stock_id": "9856000"}),
            typed(RefundFlowRequest {
                stock_id: "9856000".into(),
            }),
        ),
        (
            "set_callback",
            json!({"mchid": MCHID, "notify_url": "https://pay.weixin.qq.com/notify"}),
            typed(SetCallbackRequest {
                mchid: MCHID.into(),
                notify_url: "https://pay.weixin.qq.com/notify".into(),
                switch: None,
            }),
        ),
        (
            "get_callback",
            json!({"mchid": MCHID}),
            typed(GetCallbackRequest { mchid: MCHID.into() }),
        ),
        (
            "modify_item_codes",
            json!({"stock_id": "9865000", "stock_creator_mchid": MCHID, "add_goods_id_list": ["a_goods1"]}),
            typed(ModifyItemCodesRequest {
                stock_id: "9865000".into(),
                stock_creator_mchid: MCHID.into(),
                add_goods_id_list: Some(vec!["a_goods1".into()]),
                delete_goods_id_list: None,
            }),
        ),
    ]
}

#[test]
fn every_operation_built_from_json_matches_the_typed_path_byte_for_byte() {
    let c = client();
    let cases = cases();
    for info in dynamic::operations() {
        if info.name == "upload_image" {
            continue;
        }
        let (_, params, typed) = cases
            .iter()
            .find(|(n, _, _)| *n == info.name)
            .unwrap_or_else(|| panic!("no case for catalogue operation {}", info.name));
        let dynamic = dynamic::build(&c, info.name, params.clone(), &ValidationPolicy::default())
            .unwrap_or_else(|e| panic!("{}: {e}", info.name));
        let expected = typed(&c);
        assert_eq!(dynamic.request.method, expected.request.method, "{}", info.name);
        assert_eq!(dynamic.request.url, expected.request.url, "{}", info.name);
        assert_eq!(dynamic.request.body, expected.request.body, "{}", info.name);
        assert_eq!(dynamic.request.headers, expected.request.headers, "{}", info.name);
        assert_eq!(dynamic.warnings, expected.warnings, "{}", info.name);
        assert!(dynamic.request.url.contains(info.path.split('{').next().unwrap()));
    }
    assert_eq!(cases.len() + 1, OPERATIONS.len());
}

#[test]
fn image_upload_is_built_from_bytes_and_a_file_name() {
    let c = client();
    let png = {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend_from_slice(&[0u8; 64]);
        v
    };
    let built = dynamic::build_image(&c, "logo.png", &png, &ValidationPolicy::default()).unwrap();
    assert_eq!(
        built.request.url,
        c.favor().image_upload_request("logo.png", &png).unwrap().url
    );
    assert!(built.request.body.windows(png.len()).any(|w| w == png.as_slice()));
    let e = dynamic::build_image(&c, "logo.gif", b"GIF89a", &ValidationPolicy::default()).unwrap_err();
    assert_eq!(e.code(), "validation.violations");
    let v = violations(e);
    assert!(v.iter().any(|(_, rule)| rule.starts_with("V-IMG")), "{v:?}");
    let e = dynamic::build(&c, "upload_image", json!({}), &ValidationPolicy::default()).unwrap_err();
    assert!(e.to_string().contains("build_image"), "{e}");
}

fn violations(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v
            .violations
            .iter()
            .map(|v| (v.field.clone(), v.rule.to_owned()))
            .collect(),
        other => panic!("expected violations, got {other}"),
    }
}

#[test]
fn unknown_fields_and_wrong_types_give_stable_rule_ids_with_their_json_path() {
    let c = client();
    let p = ValidationPolicy::default();
    let e = dynamic::build(
        &c,
        "get_stock",
        json!({"stock_id": "1", "stock_creator_mchid": MCHID, "stock_creater": "x"}),
        &p,
    )
    .unwrap_err();
    assert_eq!(e.code(), "validation.violations");
    assert_eq!(
        violations(e),
        [("stock_creater".to_owned(), RULE_UNKNOWN_FIELD.to_owned())]
    );

    let e = dynamic::build(
        &c,
        "list_stocks",
        json!({"offset": "zero", "limit": 10, "stock_creator_mchid": MCHID}),
        &p,
    )
    .unwrap_err();
    assert_eq!(violations(e), [("offset".to_owned(), RULE_TYPE.to_owned())]);

    // Nested: the path names the field inside the body; unknown fields are all reported.
    let mut body = cases().remove(0).1;
    body["coupon_use_rule"]["fixed_normal_coupon"]["coupon_amount"] = json!([1]);
    body["coupon_use_rule"]["colour"] = json!("red");
    let got = violations(dynamic::build(&c, "create_stock", body, &p).unwrap_err());
    assert!(
        got.contains(&("coupon_use_rule.colour".into(), RULE_UNKNOWN_FIELD.into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "coupon_use_rule.fixed_normal_coupon.coupon_amount".into(),
            RULE_TYPE.into()
        )),
        "{got:?}"
    );

    let e = dynamic::build(&c, "get_stok", json!({}), &p).unwrap_err();
    assert_eq!(e.code(), "input.invalid_input");
    assert!(e.to_string().contains("get_stok"));
    let e = dynamic::build(&c, "get_stock", json!([1]), &p).unwrap_err();
    assert_eq!(e.code(), "input.invalid_input");
}

#[test]
fn the_tolerant_decoder_collects_unknown_fields_without_refusing() {
    let (r, unknown) = dynamic::decode_tolerant::<GetStockRequest>(json!({"stock_id": "1", "x": {"y": 1}}));
    assert_eq!(r.unwrap().stock_id, "1");
    assert_eq!(unknown, ["x"]);
    let (r, _) = dynamic::decode_tolerant::<ListStocksRequest>(json!({"offset": {"a": 1}}));
    let e = r.unwrap_err();
    assert_eq!(e.path, "offset");
    assert!(!e.reason.contains(" at line "));
}

#[test]
fn parse_by_name_verifies_and_decodes_to_json() {
    let c = client();
    // An error status is an API error whatever the operation.
    let r = HttpResponse::new(
        404,
        Default::default(),
        br#"{"code":"RESOURCE_NOT_EXISTS","message":"no"}"#.to_vec(),
    );
    let e = dynamic::parse(&c, "get_stock", &r).unwrap_err();
    assert_eq!(e.code(), "api.resource_not_exists");
    // An unsigned 2xx is refused (forged).
    let r = HttpResponse::new(200, Default::default(), br#"{"stock_id":"1"}"#.to_vec());
    assert_eq!(dynamic::parse(&c, "get_stock", &r).unwrap_err().kind(), "verify");
    assert_eq!(
        dynamic::parse(&c, "nope", &r).unwrap_err().code(),
        "input.invalid_input"
    );
}

#[test]
fn the_catalogue_is_the_core_table_as_data() {
    let ops = dynamic::operations();
    assert_eq!(ops.len(), OPERATIONS.len());
    for (info, spec) in ops.iter().zip(OPERATIONS) {
        assert_eq!(info.name, spec.name);
        assert_eq!(info.path, spec.path);
        assert_eq!(info.method, spec.method.as_str());
        for p in spec.path_params {
            assert!(
                info.parameters
                    .iter()
                    .any(|i| i.name == *p && i.location == ParamLocation::Path)
            );
        }
    }
    let paged: Vec<&str> = ops.iter().filter(|o| o.paged).map(|o| o.name).collect();
    assert_eq!(
        paged,
        [
            "list_stocks",
            "list_stock_merchants",
            "list_stock_items",
            "list_user_coupons"
        ]
    );
    let v = serde_json::to_value(&ops).unwrap();
    assert_eq!(v[0]["name"], "create_stock");
    assert_eq!(v[0]["body"], "json");
    assert_eq!(dynamic::operation("get_coupon").unwrap().query_params, ["appid"]);
    assert!(dynamic::operation("nope").is_none());
}
