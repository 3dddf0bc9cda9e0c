//! Validation rules of validation-rules.md: every rule id has a failing case that asserts the
//! id (and its severity), and the valid baseline of each request passes every rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use std::sync::Arc;

use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::Operation;
use wechatpay_coupons::favor::validation::{Severity, ValidationPolicy, Violation};
use wechatpay_coupons::{Client, Error, FixedClock};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");
/// 2026-01-01T00:00:00+08:00
const NOW: i64 = 1_767_196_800;
const DAY: i64 = 86_400;

fn client_with(allow_http: bool) -> Client {
    Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
        .private_key_pem(std::fs::read(format!("{KEYS}merchant_key.pem")).unwrap())
        .unwrap()
        .clock(Arc::new(FixedClock::new(NOW)))
        .allow_http_notify_url(allow_http)
        .build()
        .unwrap()
}

/// Every violation (errors and warnings) the build reports for `op`.
fn run<O: Operation>(op: &O) -> Vec<Violation> {
    run_on(&client_with(false), op)
}

fn run_on<O: Operation>(c: &Client, op: &O) -> Vec<Violation> {
    match c.favor().favor_request_with(op, &ValidationPolicy::default()) {
        Ok(b) => b.warnings,
        Err(Error::Validation(v)) => v.violations,
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn time(offset: i64) -> String {
    // NOW is 2026-01-01T00:00:00+08:00; render NOW+offset in +08:00.
    let t = time::OffsetDateTime::from_unix_timestamp(NOW + offset + 8 * 3600).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn create() -> CreateStockRequest {
    CreateStockRequest {
        stock_name: "满100减10".into(),
        comment: Some("零售批次".into()),
        belong_merchant: "1900000001".into(),
        available_begin_time: time(DAY),
        available_end_time: time(31 * DAY),
        stock_use_rule: StockRule {
            max_coupons: Some(100),
            max_amount: Some(1000),
            max_amount_by_day: Some(500),
            max_coupons_per_user: Some(3),
            natural_person_limit: Some(false),
            prevent_api_abuse: Some(true),
        },
        pattern_info: Some(PatternInfo {
            description: "全场通用".into(),
            merchant_logo: Some("https://qpic.cn/logo".into()),
            merchant_name: Some("微信支付".into()),
            background_color: Some(BackgroundColor::Color020),
            coupon_image: Some("https://qpic.cn/img".into()),
            jump_target: Some(JumpTarget::MiniProgram),
            mini_program_appid: Some("wx1234567890abcdef".into()),
            mini_program_path: Some("pages/index".into()),
        }),
        coupon_use_rule: CouponUseRule {
            coupon_available_time: Some(CouponAvailableTime {
                fix_available_time: Some(FixAvailableTime {
                    available_week_day: Some(vec![1, 2, 3]),
                    begin_time: Some(0),
                    end_time: Some(86_399),
                }),
                ..Default::default()
            }),
            fixed_normal_coupon: Some(FixedNormalCoupon {
                coupon_amount: 10,
                transaction_minimum: 100,
            }),
            goods_tag: Some(vec!["tag_1".into()]),
            limit_pay: Some(vec!["ICBC_CREDIT".into()]),
            limit_card: Some(CardLimitation {
                name: "工行卡".into(),
                bin: vec!["622202".into()],
            }),
            trade_type: Some(vec![TradeType::Microapp, TradeType::Apppay]),
            combine_use: Some(false),
            available_items: Some(vec!["sku-1".into()]),
            available_merchants: Some(vec!["1900000001".into()]),
            ..Default::default()
        },
        no_cash: Some(false),
        stock_type: StockTypeReq::Normal,
        out_request_no: "190000000120260101abc|_*-".into(),
        ext_info: None,
    }
}

fn send() -> SendCouponRequest {
    SendCouponRequest {
        openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
        stock_id: "9856000".into(),
        out_request_no: "190000000120260101X1".into(),
        appid: "wx1234567890abcdef".into(),
        stock_creator_mchid: "1900000001".into(),
        ..Default::default()
    }
}

fn list_stocks() -> ListStocksRequest {
    ListStocksRequest {
        offset: 0,
        limit: 10,
        stock_creator_mchid: "1900000001".into(),
        create_start_time: Some("2025-12-01T00:00:00+08:00".into()),
        create_end_time: Some("2026-01-01T00:00:00+08:00".into()),
        status: Some(StockStatus::Running),
    }
}

fn user_coupons() -> ListUserCouponsRequest {
    ListUserCouponsRequest {
        openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
        appid: "wx1234567890abcdef".into(),
        creator_mchid: Some("1900000001".into()),
        status: Some(CouponStatusQuery::Sended),
        offset: Some(0),
        limit: Some(20),
        business_type: Some(BusinessType::Multiuse),
        ..Default::default()
    }
}

fn callback() -> SetCallbackRequest {
    SetCallbackRequest {
        mchid: "1900000001".into(),
        notify_url: "https://merchant.example.com/favor/notify".into(),
        switch: Some(true),
    }
}

fn image() -> ImageUploadRequest {
    ImageUploadRequest {
        filename: "logo.png".into(),
        bytes: b"\x89PNG\r\n\x1a\n0000".to_vec(),
    }
}

fn cs(f: impl FnOnce(&mut CreateStockRequest)) -> Vec<Violation> {
    let mut r = create();
    f(&mut r);
    run(&r)
}

fn cur(f: impl FnOnce(&mut CouponUseRule)) -> Vec<Violation> {
    cs(|r| f(&mut r.coupon_use_rule))
}

fn pat(f: impl FnOnce(&mut PatternInfo)) -> Vec<Violation> {
    cs(|r| f(r.pattern_info.as_mut().unwrap()))
}

fn fix(f: impl FnOnce(&mut FixAvailableTime)) -> Vec<Violation> {
    cur(|c| {
        f(c.coupon_available_time
            .as_mut()
            .unwrap()
            .fix_available_time
            .as_mut()
            .unwrap())
    })
}

fn sc(f: impl FnOnce(&mut SendCouponRequest)) -> Vec<Violation> {
    let mut r = send();
    f(&mut r);
    run(&r)
}

fn ls(f: impl FnOnce(&mut ListStocksRequest)) -> Vec<Violation> {
    let mut r = list_stocks();
    f(&mut r);
    run(&r)
}

fn uc(f: impl FnOnce(&mut ListUserCouponsRequest)) -> Vec<Violation> {
    let mut r = user_coupons();
    f(&mut r);
    run(&r)
}

fn cb(f: impl FnOnce(&mut SetCallbackRequest)) -> Vec<Violation> {
    let mut r = callback();
    f(&mut r);
    run(&r)
}

fn img(f: impl FnOnce(&mut ImageUploadRequest)) -> Vec<Violation> {
    let mut r = image();
    f(&mut r);
    run(&r)
}

use Severity::{Error as E, Warning as W};

type Case = (&'static str, Severity, &'static str, Vec<Violation>);

/// `(rule, severity, field, violations of a request that breaks exactly that rule)`.
fn failing_cases() -> Vec<Case> {
    vec![
        // --- create stock: names and free text
        ("V-CS-01", E, "stock_name", cs(|r| r.stock_name.clear())),
        (
            "V-CS-02",
            E,
            "stock_name",
            cs(|r| r.stock_name = "微信支付代金券批次十个字".into()),
        ),
        (
            "V-CS-02",
            E,
            "stock_name",
            cs(|r| r.stock_name = "abcdefghijklmnopqrstu".into()),
        ),
        ("V-CS-03", E, "stock_name", cs(|r| r.stock_name = "批次;一".into())),
        (
            "V-CS-04",
            W,
            "stock_name",
            cs(|r| r.stock_name = "Coupon满100减10".into()),
        ),
        ("V-CS-04", W, "stock_name", cs(|r| r.stock_name = "批次，一".into())),
        ("V-CS-06", E, "comment", cs(|r| r.comment = Some("备".repeat(61)))),
        ("V-CS-06", E, "comment", cs(|r| r.comment = Some(String::new()))),
        ("V-CS-07", W, "ext_info", cs(|r| r.ext_info = Some("not json".into()))),
        // --- merchant ids and request number
        (
            "V-CS-10",
            E,
            "belong_merchant",
            cs(|r| r.belong_merchant = "1900000002".into()),
        ),
        ("V-CS-10", E, "belong_merchant", cs(|r| r.belong_merchant.clear())),
        (
            "V-CS-11",
            E,
            "out_request_no",
            cs(|r| r.out_request_no = "1".repeat(129)),
        ),
        ("V-CS-11", E, "out_request_no", cs(|r| r.out_request_no.clear())),
        (
            "V-CS-12",
            E,
            "out_request_no",
            cs(|r| r.out_request_no = "1900000001#2026".into()),
        ),
        // --- times
        (
            "V-CS-20",
            E,
            "available_begin_time",
            cs(|r| r.available_begin_time = "2026-01-02 00:00:00".into()),
        ),
        (
            "V-CS-20",
            E,
            "available_end_time",
            cs(|r| r.available_end_time = "2026-01-31".into()),
        ),
        (
            "V-CS-21",
            E,
            "available_begin_time",
            cs(|r| r.available_begin_time = time(-61)),
        ),
        (
            "V-CS-22",
            E,
            "available_begin_time",
            cs(|r| {
                r.available_begin_time = time(365 * DAY + 1);
                r.available_end_time = time(366 * DAY);
            }),
        ),
        (
            "V-CS-23",
            E,
            "available_end_time",
            cs(|r| r.available_end_time = r.available_begin_time.clone()),
        ),
        (
            "V-CS-24",
            E,
            "available_end_time",
            cs(|r| r.available_end_time = time(91 * DAY + 1)),
        ),
        // --- stock_use_rule
        (
            "V-CS-30",
            E,
            "stock_use_rule.max_coupons",
            cs(|r| r.stock_use_rule.max_coupons = None),
        ),
        (
            "V-CS-30",
            E,
            "stock_use_rule.prevent_api_abuse",
            cs(|r| r.stock_use_rule.prevent_api_abuse = None),
        ),
        (
            "V-CS-31",
            W,
            "stock_use_rule.max_coupons",
            cs(|r| {
                r.stock_use_rule.max_coupons = Some(4);
                r.stock_use_rule.max_amount = Some(40);
                r.stock_use_rule.max_amount_by_day = None;
            }),
        ),
        (
            "V-CS-32",
            E,
            "stock_use_rule.max_amount",
            cs(|r| r.stock_use_rule.max_amount = Some(999)),
        ),
        (
            "V-CS-33",
            W,
            "stock_use_rule.max_amount",
            cs(|r| {
                r.stock_use_rule.max_coupons = Some(200_000);
                r.stock_use_rule.max_amount = Some(2_000_000_000);
                r.coupon_use_rule.fixed_normal_coupon = Some(FixedNormalCoupon {
                    coupon_amount: 10_000,
                    transaction_minimum: 20_000,
                });
            }),
        ),
        (
            "V-CS-33",
            E,
            "stock_use_rule.max_amount",
            cs(|r| {
                r.stock_use_rule.max_coupons = Some(1_000_000);
                r.stock_use_rule.max_amount = Some(20_000_000_000);
                r.coupon_use_rule.fixed_normal_coupon = Some(FixedNormalCoupon {
                    coupon_amount: 20_000,
                    transaction_minimum: 30_000,
                });
            }),
        ),
        (
            "V-CS-34",
            E,
            "stock_use_rule.max_amount_by_day",
            cs(|r| r.stock_use_rule.max_amount_by_day = Some(0)),
        ),
        (
            "V-CS-34",
            E,
            "stock_use_rule.max_amount_by_day",
            cs(|r| r.stock_use_rule.max_amount_by_day = Some(1001)),
        ),
        (
            "V-CS-35",
            E,
            "stock_use_rule.max_coupons_per_user",
            cs(|r| r.stock_use_rule.max_coupons_per_user = Some(0)),
        ),
        (
            "V-CS-36",
            W,
            "stock_use_rule.max_coupons_per_user",
            cs(|r| r.stock_use_rule.max_coupons_per_user = Some(61)),
        ),
        // --- face value and threshold
        (
            "V-CS-40",
            E,
            "coupon_use_rule.fixed_normal_coupon",
            cur(|c| c.fixed_normal_coupon = None),
        ),
        (
            "V-CS-41",
            E,
            "coupon_use_rule.fixed_normal_coupon.coupon_amount",
            cs(|r| {
                r.coupon_use_rule.fixed_normal_coupon = Some(FixedNormalCoupon {
                    coupon_amount: 1,
                    transaction_minimum: 100,
                });
                r.stock_use_rule.max_amount = Some(100);
            }),
        ),
        (
            "V-CS-41",
            W,
            "coupon_use_rule.fixed_normal_coupon.coupon_amount",
            cs(|r| {
                r.coupon_use_rule.fixed_normal_coupon = Some(FixedNormalCoupon {
                    coupon_amount: 9,
                    transaction_minimum: 100,
                });
                r.stock_use_rule.max_amount = Some(900);
            }),
        ),
        (
            "V-CS-42",
            E,
            "coupon_use_rule.fixed_normal_coupon.transaction_minimum",
            cur(|c| c.fixed_normal_coupon.as_mut().unwrap().transaction_minimum = 10),
        ),
        (
            "V-CS-43",
            E,
            "coupon_use_rule.fixed_normal_coupon.transaction_minimum",
            cur(|c| c.fixed_normal_coupon.as_mut().unwrap().transaction_minimum = 10_000_001),
        ),
        // --- other coupon_use_rule fields
        (
            "V-CS-50",
            E,
            "coupon_use_rule.coupon_available_time.available_time_after_receive",
            cur(|c| {
                c.coupon_available_time = Some(CouponAvailableTime {
                    available_time_after_receive: Some(1441),
                    ..Default::default()
                })
            }),
        ),
        (
            "V-CS-51",
            W,
            "coupon_use_rule.coupon_available_time.fix_available_time",
            cur(|c| c.coupon_available_time.as_mut().unwrap().second_day_available = Some(true)),
        ),
        (
            "V-CS-52",
            E,
            "coupon_use_rule.coupon_available_time.fix_available_time.available_week_day[3]",
            fix(|f| f.available_week_day = Some(vec![0, 1, 6, 7])),
        ),
        (
            "V-CS-52",
            E,
            "coupon_use_rule.coupon_available_time.fix_available_time.available_week_day[1]",
            fix(|f| f.available_week_day = Some(vec![1, 1])),
        ),
        (
            "V-CS-53",
            W,
            "coupon_use_rule.coupon_available_time.fix_available_time",
            fix(|f| f.begin_time = None),
        ),
        (
            "V-CS-53",
            W,
            "coupon_use_rule.coupon_available_time.fix_available_time",
            fix(|f| {
                f.begin_time = Some(7200);
                f.end_time = Some(3600);
            }),
        ),
        (
            "V-CS-54",
            E,
            "coupon_use_rule.goods_tag[0]",
            cur(|c| c.goods_tag = Some(vec!["tag-1".into()])),
        ),
        (
            "V-CS-54",
            E,
            "coupon_use_rule.goods_tag",
            cur(|c| c.goods_tag = Some(vec!["t".into(); 51])),
        ),
        (
            "V-CS-55",
            E,
            "coupon_use_rule.available_items",
            cur(|c| c.available_items = Some(vec!["i".into(); 51])),
        ),
        (
            "V-CS-55",
            E,
            "coupon_use_rule.available_items[0]",
            cur(|c| c.available_items = Some(vec!["x".repeat(129)])),
        ),
        (
            "V-CS-56",
            W,
            "coupon_use_rule.unavailable_items",
            cur(|c| c.unavailable_items = Some(vec!["x".into()])),
        ),
        (
            "V-CS-57",
            E,
            "coupon_use_rule.available_merchants",
            cur(|c| c.available_merchants = Some(vec![])),
        ),
        (
            "V-CS-57",
            E,
            "coupon_use_rule.available_merchants[0]",
            cur(|c| c.available_merchants = Some(vec!["1".repeat(21)])),
        ),
        (
            "V-CS-57",
            W,
            "coupon_use_rule.available_merchants",
            cur(|c| c.available_merchants = None),
        ),
        (
            "V-CS-58",
            E,
            "coupon_use_rule.limit_pay",
            cur(|c| c.limit_pay = Some(vec!["ICBC_CREDIT".into(), "CFT".into()])),
        ),
        (
            "V-CS-59",
            E,
            "coupon_use_rule.limit_card.name",
            cur(|c| c.limit_card.as_mut().unwrap().name = "中国工商银行".into()),
        ),
        (
            "V-CS-59",
            E,
            "coupon_use_rule.limit_card.bin[0]",
            cur(|c| c.limit_card.as_mut().unwrap().bin = vec!["12345".into()]),
        ),
        (
            "V-CS-59",
            E,
            "coupon_use_rule.limit_card.bin",
            cur(|c| c.limit_card.as_mut().unwrap().bin = vec!["123456".into(); 11]),
        ),
        ("V-CS-59", W, "coupon_use_rule.limit_card", cur(|c| c.limit_pay = None)),
        (
            "V-CS-60",
            E,
            "coupon_use_rule.trade_type[1]",
            cur(|c| c.trade_type = Some(vec![TradeType::Card, TradeType::from("JSAPI")])),
        ),
        (
            "V-CS-60",
            E,
            "coupon_use_rule.trade_type[1]",
            cur(|c| c.trade_type = Some(vec![TradeType::Card, TradeType::Card])),
        ),
        (
            "V-CS-61",
            W,
            "coupon_use_rule.discount_coupon",
            cur(|c| c.discount_coupon = Some(DiscountCoupon::default())),
        ),
        // --- pattern_info
        ("V-CS-70", E, "pattern_info.description", pat(|p| p.description.clear())),
        (
            "V-CS-70",
            E,
            "pattern_info.description",
            pat(|p| p.description = "描".repeat(1001)),
        ),
        (
            "V-CS-71",
            W,
            "pattern_info.merchant_name",
            pat(|p| p.merchant_name = Some("微信支付商户名称超过十二个字".into())),
        ),
        (
            "V-CS-72",
            E,
            "pattern_info.merchant_logo",
            pat(|p| p.merchant_logo = Some(format!("https://{}", "a".repeat(121)))),
        ),
        (
            "V-CS-72",
            W,
            "pattern_info.coupon_image",
            pat(|p| p.coupon_image = None),
        ),
        (
            "V-CS-73",
            E,
            "pattern_info.background_color",
            pat(|p| p.background_color = Some("COLOR999".into())),
        ),
        (
            "V-CS-73",
            E,
            "pattern_info.background_color",
            pat(|p| p.background_color = Some("".into())),
        ),
        (
            "V-CS-74",
            E,
            "pattern_info.mini_program_path",
            pat(|p| p.mini_program_path = None),
        ),
        (
            "V-CS-74",
            E,
            "pattern_info.jump_target",
            pat(|p| p.jump_target = Some("H5".into())),
        ),
        (
            "V-CS-76",
            W,
            "pattern_info.merchant_name",
            pat(|p| p.merchant_name = Some(String::new())),
        ),
        (
            "V-CS-76",
            W,
            "coupon_use_rule.goods_tag",
            cur(|c| c.goods_tag = Some(vec![])),
        ),
        // --- type
        ("V-CS-80", E, "stock_type", cs(|r| r.stock_type = "DISCOUNT".into())),
        ("V-CS-81", E, "no_cash", cs(|r| r.no_cash = None)),
        // --- send coupon
        ("V-SC-01", E, "openid", sc(|r| r.openid.clear())),
        ("V-SC-01", E, "openid", sc(|r| r.openid = "o".repeat(129))),
        ("V-SC-02", E, "stock_id", sc(|r| r.stock_id = "1".repeat(21))),
        (
            "V-SC-03",
            E,
            "out_request_no",
            sc(|r| r.out_request_no = "no spaces".into()),
        ),
        ("V-SC-03", E, "out_request_no", sc(|r| r.out_request_no.clear())),
        ("V-SC-04", E, "appid", sc(|r| r.appid.clear())),
        (
            "V-SC-05",
            E,
            "stock_creator_mchid",
            sc(|r| r.stock_creator_mchid.clear()),
        ),
        ("V-SC-06", W, "coupon_value", sc(|r| r.coupon_value = Some(100))),
        (
            "V-SC-06",
            W,
            "coupon_minimum",
            sc(|r| {
                r.coupon_value = Some(100);
                r.coupon_minimum = Some(100);
            }),
        ),
        // --- stock actions
        ("V-ST-01", E, "stock_id", run(&StartStockRequest::new("", "1900000001"))),
        (
            "V-ST-01",
            E,
            "stock_creator_mchid",
            run(&PauseStockRequest::new("9856000", "")),
        ),
        (
            "V-ST-01",
            E,
            "stock_id",
            run(&RestartStockRequest::new("1".repeat(21), "1900000001")),
        ),
        (
            "V-ST-01",
            E,
            "stock_creator_mchid",
            run(&StopStockRequest::new("9856000", "1".repeat(21))),
        ),
        (
            "V-ST-01",
            E,
            "stock_id",
            run(&UseFlowRequest {
                stock_id: String::new(),
            }),
        ),
        (
            "V-ST-01",
            E,
            "stock_id",
            run(&RefundFlowRequest {
                stock_id: String::new(),
            }),
        ),
        (
            "V-ST-01",
            E,
            "stock_creator_mchid",
            run(&ModifyItemCodesRequest {
                stock_id: "9856000".into(),
                add_goods_id_list: Some(vec!["a".into()]),
                ..Default::default()
            }),
        ),
        (
            "V-ST-03",
            W,
            "add_goods_id_list",
            run(&ModifyItemCodesRequest {
                stock_id: "9856000".into(),
                stock_creator_mchid: "1900000001".into(),
                add_goods_id_list: None,
                delete_goods_id_list: Some(vec![]),
            }),
        ),
        // --- queries
        ("V-Q-01", E, "limit", ls(|r| r.limit = 11)),
        ("V-Q-01", E, "limit", ls(|r| r.limit = 0)),
        ("V-Q-01", E, "offset", ls(|r| r.offset = -1)),
        (
            "V-Q-01",
            E,
            "stock_creator_mchid",
            ls(|r| r.stock_creator_mchid.clear()),
        ),
        (
            "V-Q-02",
            E,
            "create_start_time",
            ls(|r| r.create_start_time = Some("2025-12-01".into())),
        ),
        (
            "V-Q-02",
            W,
            "create_end_time",
            ls(|r| r.create_end_time = Some("2025-11-01T00:00:00+08:00".into())),
        ),
        ("V-Q-03", E, "status", ls(|r| r.status = Some("stopped".into()))),
        ("V-Q-03", E, "status", ls(|r| r.status = Some("RUNNING".into()))),
        (
            "V-Q-04",
            E,
            "stock_creator_mchid",
            run(&GetStockRequest {
                stock_id: "9856000".into(),
                stock_creator_mchid: String::new(),
            }),
        ),
        (
            "V-Q-05",
            E,
            "coupon_id",
            run(&GetCouponRequest {
                openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
                coupon_id: String::new(),
                appid: "wx1234567890abcdef".into(),
            }),
        ),
        (
            "V-Q-05",
            E,
            "appid",
            run(&GetCouponRequest {
                openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
                coupon_id: "1".into(),
                appid: String::new(),
            }),
        ),
        (
            "V-Q-06",
            E,
            "offset",
            run(&ListStockMerchantsRequest {
                stock_id: "1".into(),
                offset: 1001,
                limit: 50,
                stock_creator_mchid: "1900000001".into(),
            }),
        ),
        (
            "V-Q-06",
            E,
            "limit",
            run(&ListStockMerchantsRequest {
                stock_id: "1".into(),
                offset: 0,
                limit: 51,
                stock_creator_mchid: "1900000001".into(),
            }),
        ),
        (
            "V-Q-07",
            E,
            "offset",
            run(&ListStockItemsRequest {
                stock_id: "1".into(),
                offset: 501,
                limit: 100,
                stock_creator_mchid: "1900000001".into(),
            }),
        ),
        (
            "V-Q-07",
            E,
            "limit",
            run(&ListStockItemsRequest {
                stock_id: "1".into(),
                offset: 0,
                limit: 101,
                stock_creator_mchid: "1900000001".into(),
            }),
        ),
        ("V-Q-08", E, "creator_mchid", uc(|r| r.creator_mchid = None)),
        ("V-Q-08", E, "appid", uc(|r| r.appid.clear())),
        ("V-Q-08", E, "status", uc(|r| r.status = Some("EXPIRED".into()))),
        ("V-Q-08", E, "limit", uc(|r| r.limit = Some(0))),
        ("V-Q-08", E, "offset", uc(|r| r.offset = Some(-1))),
        (
            "V-Q-08",
            W,
            "available_mchid",
            uc(|r| r.available_mchid = Some("1900000001".into())),
        ),
        (
            "V-Q-08",
            W,
            "offset",
            uc(|r| {
                r.creator_mchid = None;
                r.available_mchid = Some("1900000001".into());
            }),
        ),
        (
            "V-Q-09",
            W,
            "business_type",
            uc(|r| r.business_type = Some("SINGLEUSE".into())),
        ),
        // --- callbacks
        ("V-CB-01", E, "mchid", cb(|r| r.mchid.clear())),
        ("V-CB-01", W, "mchid", cb(|r| r.mchid = "1900000002".into())),
        ("V-CB-01", E, "mchid", run(&GetCallbackRequest { mchid: String::new() })),
        ("V-CB-02", E, "notify_url", cb(|r| r.notify_url.clear())),
        (
            "V-CB-02",
            E,
            "notify_url",
            cb(|r| r.notify_url = format!("https://a.example.com/{}", "p".repeat(240))),
        ),
        (
            "V-CB-03",
            E,
            "notify_url",
            cb(|r| r.notify_url = "http://merchant.example.com/notify".into()),
        ),
        (
            "V-CB-04",
            E,
            "notify_url",
            cb(|r| r.notify_url = "https://merchant.example.com/notify?a=1".into()),
        ),
        (
            "V-CB-04",
            E,
            "notify_url",
            cb(|r| r.notify_url = "https://127.0.0.1/notify".into()),
        ),
        (
            "V-CB-04",
            E,
            "notify_url",
            cb(|r| r.notify_url = "https://192.168.1.10/notify".into()),
        ),
        (
            "V-CB-04",
            E,
            "notify_url",
            cb(|r| r.notify_url = "https:///notify".into()),
        ),
        (
            "V-CB-04",
            W,
            "notify_url",
            cb(|r| r.notify_url = "https://merchant.example.com".into()),
        ),
        // --- image upload
        ("V-IMG-01", E, "filename", img(|r| r.filename = "logo.gif".into())),
        (
            "V-IMG-01",
            W,
            "filename",
            img(|r| {
                r.filename = "logo.jpeg".into();
                r.bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
            }),
        ),
        ("V-IMG-02", E, "bytes", img(|r| r.bytes.clear())),
        ("V-IMG-02", E, "bytes", img(|r| r.bytes.resize(2 * 1024 * 1024 + 1, 0))),
        ("V-IMG-03", W, "bytes", img(|r| r.bytes = b"GIF89a....".to_vec())),
        // --- generic formats
        ("V-G-01", E, "coupon_value", sc(|r| r.coupon_value = Some(-1))),
        (
            "V-G-01",
            E,
            "coupon_use_rule.fixed_normal_coupon.coupon_amount",
            cur(|c| c.fixed_normal_coupon.as_mut().unwrap().coupon_amount = -10),
        ),
        ("V-G-02", E, "stock_name", cs(|r| r.stock_name = "批次😀".into())),
        (
            "V-G-02",
            E,
            "pattern_info.description",
            pat(|p| p.description = "好券🎉".into()),
        ),
        ("V-G-02", E, "openid", sc(|r| r.openid = "o😀".into())),
        (
            "V-G-03",
            W,
            "stock_creator_mchid",
            sc(|r| r.stock_creator_mchid = "mch-1".into()),
        ),
        (
            "V-G-03",
            W,
            "coupon_use_rule.available_merchants[0]",
            cur(|c| c.available_merchants = Some(vec!["m1".into()])),
        ),
        ("V-G-04", W, "appid", sc(|r| r.appid = "app123".into())),
        ("V-G-05", W, "openid", sc(|r| r.openid = "o.pen/id".into())),
        (
            "V-G-07",
            W,
            "available_begin_time",
            cs(|r| r.available_begin_time = "2026-01-01T16:00:00Z".into()),
        ),
        (
            "V-G-07",
            W,
            "create_start_time",
            ls(|r| r.create_start_time = Some("2025-12-01T00:00:00Z".into())),
        ),
    ]
}

/// Every rule id the core checks (MUST and SHOULD rules of validation-rules.md that can be
/// checked on a request; SERVER rules and the by-construction ones are listed in
/// `by_construction_rules`).
const CHECKED_RULES: &[&str] = &[
    "V-CS-01", "V-CS-02", "V-CS-03", "V-CS-04", "V-CS-06", "V-CS-07", "V-CS-10", "V-CS-11", "V-CS-12", "V-CS-20",
    "V-CS-21", "V-CS-22", "V-CS-23", "V-CS-24", "V-CS-30", "V-CS-31", "V-CS-32", "V-CS-33", "V-CS-34", "V-CS-35",
    "V-CS-36", "V-CS-40", "V-CS-41", "V-CS-42", "V-CS-43", "V-CS-50", "V-CS-51", "V-CS-52", "V-CS-53", "V-CS-54",
    "V-CS-55", "V-CS-56", "V-CS-57", "V-CS-58", "V-CS-59", "V-CS-60", "V-CS-61", "V-CS-70", "V-CS-71", "V-CS-72",
    "V-CS-73", "V-CS-74", "V-CS-76", "V-CS-80", "V-CS-81", "V-SC-01", "V-SC-02", "V-SC-03", "V-SC-04", "V-SC-05",
    "V-SC-06", "V-ST-01", "V-ST-03", "V-Q-01", "V-Q-02", "V-Q-03", "V-Q-04", "V-Q-05", "V-Q-06", "V-Q-07", "V-Q-08",
    "V-Q-09", "V-CB-01", "V-CB-02", "V-CB-03", "V-CB-04", "V-IMG-01", "V-IMG-02", "V-IMG-03", "V-G-01", "V-G-02",
    "V-G-03", "V-G-04", "V-G-05", "V-G-07",
];

#[test]
fn every_rule_fails_with_its_id_field_and_severity() {
    let cases = failing_cases();
    for (i, (rule, severity, field, violations)) in cases.iter().enumerate() {
        let hit = violations.iter().find(|v| v.rule == *rule && v.field == *field);
        let Some(v) = hit else {
            panic!("case {i}: expected {rule} on {field}, got {violations:#?}");
        };
        assert_eq!(v.severity, *severity, "case {i}: {rule} on {field}");
        assert!(!v.message.is_empty() && !v.message_zh.is_empty(), "case {i}");
        assert!(!v.message_zh.is_ascii(), "case {i}: the Chinese message is Chinese");
    }
    for rule in CHECKED_RULES {
        assert!(cases.iter().any(|c| c.0 == *rule), "{rule} has no failing case");
    }
    for c in &cases {
        assert!(CHECKED_RULES.contains(&c.0), "{} is not listed", c.0);
    }
}

#[test]
fn valid_baselines_pass_every_rule() {
    assert_eq!(run(&create()), vec![]);
    assert_eq!(run(&send()), vec![]);
    assert_eq!(run(&list_stocks()), vec![]);
    assert_eq!(run(&user_coupons()), vec![]);
    assert_eq!(run(&callback()), vec![]);
    assert_eq!(run(&image()), vec![]);
    assert_eq!(run(&StartStockRequest::new("9856000", "1900000001")), vec![]);
    assert_eq!(run(&PauseStockRequest::new("9856000", "1900000001")), vec![]);
    assert_eq!(run(&RestartStockRequest::new("9856000", "1900000001")), vec![]);
    assert_eq!(run(&StopStockRequest::new("9856000", "1900000001")), vec![]);
    assert_eq!(
        run(&UseFlowRequest {
            stock_id: "9856000".into()
        }),
        vec![]
    );
    assert_eq!(
        run(&RefundFlowRequest {
            stock_id: "9856000".into()
        }),
        vec![]
    );
    assert_eq!(
        run(&ModifyItemCodesRequest {
            stock_id: "9856000".into(),
            stock_creator_mchid: "1900000001".into(),
            add_goods_id_list: Some(vec!["a".into()]),
            delete_goods_id_list: Some(vec!["b".into()]),
        }),
        vec![]
    );
    assert_eq!(
        run(&GetStockRequest {
            stock_id: "9856000".into(),
            stock_creator_mchid: "1900000001".into()
        }),
        vec![]
    );
    assert_eq!(
        run(&GetCouponRequest {
            openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            coupon_id: "9867041".into(),
            appid: "wx1234567890abcdef".into()
        }),
        vec![]
    );
    assert_eq!(
        run(&ListStockMerchantsRequest {
            stock_id: "1".into(),
            offset: 1000,
            limit: 50,
            stock_creator_mchid: "1900000001".into()
        }),
        vec![]
    );
    assert_eq!(
        run(&ListStockItemsRequest {
            stock_id: "1".into(),
            offset: 500,
            limit: 100,
            stock_creator_mchid: "1900000001".into()
        }),
        vec![]
    );
    assert_eq!(
        run(&GetCallbackRequest {
            mchid: "1900000001".into()
        }),
        vec![]
    );
}

#[test]
fn boundaries_that_pass() {
    let none = |v: Vec<Violation>| assert_eq!(v, vec![]);
    // Exactly 9 Chinese characters, exactly 20 letters.
    none(cs(|r| r.stock_name = "微信支付代金券批次".into()));
    none(cs(|r| r.stock_name = "abcdefghijklmnopqrst".into()));
    none(cs(|r| r.comment = Some("备".repeat(60))));
    none(cs(|r| r.out_request_no = "a".repeat(128)));
    // Begin exactly now, exactly 365 days ahead; range of exactly 1 s and exactly 90 days.
    none(cs(|r| r.available_begin_time = time(0)));
    none(cs(|r| {
        r.available_begin_time = time(365 * DAY);
        r.available_end_time = time(366 * DAY);
    }));
    none(cs(|r| r.available_end_time = time(DAY + 1)));
    none(cs(|r| r.available_end_time = time(91 * DAY)));
    // Millisecond times are RFC 3339 too.
    none(cs(|r| r.available_begin_time = "2026-01-02T00:00:00.120+08:00".into()));
    // Face value 10 fen with threshold 11 fen; largest face value 100000.
    none(cs(|r| {
        r.coupon_use_rule.fixed_normal_coupon = Some(FixedNormalCoupon {
            coupon_amount: 10,
            transaction_minimum: 11,
        });
    }));
    none(cs(|r| {
        r.coupon_use_rule.fixed_normal_coupon = Some(FixedNormalCoupon {
            coupon_amount: 100_000,
            transaction_minimum: 10_000_000,
        });
        r.stock_use_rule.max_amount = Some(10_000_000);
        r.stock_use_rule.max_amount_by_day = None;
    }));
    none(cur(|c| {
        c.coupon_available_time = Some(CouponAvailableTime {
            available_time_after_receive: Some(1440),
            ..Default::default()
        })
    }));
    none(fix(|f| f.available_week_day = Some(vec![0, 1, 2, 3, 4, 5, 6])));
    none(cur(|c| c.available_merchants = Some(vec!["1".into(); 50])));
    none(cur(|c| c.goods_tag = Some(vec!["A_b9".into(); 50])));
    // The mixed-case colour spelling of [IM]/[TNM] is accepted.
    none(pat(|p| p.background_color = Some("Color020".into())));
    none(pat(|p| p.jump_target = Some(JumpTarget::DefaultPage)));
    none(sc(|r| r.out_request_no = "A-z_0|9*".into()));
    none(ls(|r| {
        r.create_start_time = None;
        r.create_end_time = None;
        r.status = Some(StockStatus::Stoped);
    }));
    none(uc(|r| {
        r.creator_mchid = None;
        r.sender_mchid = Some("1900000001".into());
    }));
}

#[test]
fn all_violations_are_reported_at_once() {
    let mut r = create();
    r.stock_name = "bad_name".into();
    r.belong_merchant = "1900000002".into();
    r.out_request_no = "中文".into();
    r.no_cash = None;
    r.stock_use_rule.max_amount = Some(1);
    let Err(Error::Validation(v)) = client_with(false).favor().create_stock(&r) else {
        panic!()
    };
    let rules: Vec<&str> = v.violations.iter().map(|x| x.rule).collect();
    for rule in ["V-CS-03", "V-CS-10", "V-CS-12", "V-CS-81", "V-CS-32", "V-CS-34"] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let text = v.to_string();
    assert!(text.contains("stock_name [V-CS-03]") && text.contains("不能包含"));
}

#[test]
fn time_rules_use_the_injected_clock() {
    let r = create(); // begins NOW + 1 day
    let c = client_with(false);
    assert_eq!(run_on(&c, &r), vec![]);
    let later = Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
        .private_key_pem(std::fs::read(format!("{KEYS}merchant_key.pem")).unwrap())
        .unwrap()
        .clock(Arc::new(FixedClock::new(NOW + 2 * DAY)))
        .build()
        .unwrap();
    let v = run_on(&later, &r);
    assert!(v.iter().any(|x| x.rule == "V-CS-21"), "{v:?}");
    // The default grace (a minute) covers clock drift; without grace it is refused.
    let mut slightly_past = create();
    slightly_past.available_begin_time = time(-30);
    assert!(c.favor().create_stock(&slightly_past).is_ok());
    let no_grace = ValidationPolicy::new().begin_time_grace(0);
    assert!(c.favor().favor_request_with(&slightly_past, &no_grace).is_err());
}

#[test]
fn sandbox_allows_http_on_loopback_only() {
    let sandbox = client_with(true);
    for url in [
        "http://127.0.0.1:8080/notify",
        "http://localhost:9000/n",
        "http://[::1]/n",
    ] {
        let req = SetCallbackRequest {
            notify_url: url.into(),
            ..callback()
        };
        assert_eq!(run_on(&sandbox, &req), vec![], "{url}");
    }
    let public_http = SetCallbackRequest {
        notify_url: "http://merchant.example.com/n".into(),
        ..callback()
    };
    assert!(run_on(&sandbox, &public_http).iter().any(|v| v.rule == "V-CB-03"));
}

#[test]
fn errors_cannot_be_silenced_and_warnings_can() {
    let c = client_with(false);
    let mut r = create();
    r.stock_name.clear();
    r.coupon_use_rule.available_merchants = None;
    let policy = ValidationPolicy::new().silence("V-CS-01").silence("V-CS-57");
    let Err(Error::Validation(v)) = c.favor().favor_request_with(&r, &policy) else {
        panic!()
    };
    assert_eq!(v.violations.len(), 1);
    assert_eq!(v.violations[0].rule, "V-CS-01");
}

/// Rules enforced by construction rather than by a check: their "failing case" cannot be built
/// through the typed API.
#[test]
fn by_construction_rules() {
    // V-CB-06: `switch` is a bool; anything else does not even decode.
    assert!(
        serde_json::from_str::<SetCallbackRequest>(r#"{"mchid":"1","notify_url":"https://a/b","switch":"yes"}"#)
            .is_err()
    );
    // V-G-01 (types): money fields are integers; floats with fractions are refused on decode.
    assert!(serde_json::from_str::<FixedNormalCoupon>(r#"{"coupon_amount":1.5,"transaction_minimum":3}"#).is_err());
    // V-G-06: path parameters are percent-escaped before substitution and signing.
    let b = client_with(false)
        .favor()
        .get_stock(&GetStockRequest {
            stock_id: "98/56".into(),
            stock_creator_mchid: "1900000001".into(),
        })
        .unwrap();
    assert!(b.request.url.contains("/stocks/98%2F56?"));
    // V-IMG-04: the signed meta carries the lower-case hex SHA-256 of the exact bytes sent.
    let up = client_with(false).favor().upload_image(&image()).unwrap();
    let body = String::from_utf8_lossy(&up.request.body).into_owned();
    assert!(body.contains(r#""sha256":""#));
}
