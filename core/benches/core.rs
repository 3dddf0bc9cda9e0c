//! Core benchmarks: each operation next to a bare aws-lc-rs RSA-2048 sign measured in the same
//! run. Run with `cargo bench -p wechatpay-coupons --bench core` and again with
//! `--features rustcrypto`; `scripts/bench-table.py` prints the ratios.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use wechatpay_coupons::favor::models::{
    CouponUseRule, CreateStockRequest, FixedNormalCoupon, PatternInfo, StockRule, StockTypeReq,
};
use wechatpay_coupons::{Client, Headers, HttpResponse, MerchantPrivateKey, Method, crypto};

fn keyfile(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/keys")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const PUB_ID: &str = "PUB_KEY_ID_0112345678901234567890123456789012";
/// 2025-12-01T00:00:00+08:00: before the campaign below starts, so time rules pass.
const NOW: i64 = 1_764_518_400;
const APIV3: &str = "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya";

fn client() -> Client {
    Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
        .private_key_pem(keyfile("merchant_key.pem"))
        .unwrap()
        .apiv3_key(APIV3)
        .unwrap()
        .wechatpay_public_key(PUB_ID, keyfile("wechatpay_pub_key.pem"))
        .unwrap()
        .clock(std::sync::Arc::new(wechatpay_coupons::FixedClock::new(NOW)))
        .build()
        .unwrap()
}

/// Signs like WeChat Pay does (with the private half of the WeChat Pay public key).
fn wechatpay_headers(body: &[u8], now: i64) -> Headers {
    let wx = MerchantPrivateKey::from_pem(keyfile("wechatpay_pub_private.pem")).unwrap();
    let nonce = "Bn5Kx8Qm1Rz6Tn9Wb2Yc5Hd7Jg0Lp4Ns";
    let msg = wechatpay_coupons::verify::verify_message_bytes(now, nonce, body);
    let sig = base64::engine::general_purpose::STANDARD.encode(wx.sign(&msg).unwrap());
    [
        ("Wechatpay-Timestamp", now.to_string()),
        ("Wechatpay-Nonce", nonce.to_owned()),
        ("Wechatpay-Signature", sig),
        ("Wechatpay-Serial", PUB_ID.to_owned()),
    ]
    .into_iter()
    .collect()
}

const CREATE_STOCK: &str = r#"{"stock_name":"微信支付代金券","comment":"双十一","belong_merchant":"1900000001","available_begin_time":"2026-12-01T00:00:00+08:00","available_end_time":"2026-12-31T23:59:59+08:00","stock_use_rule":{"max_coupons":1000,"max_amount":100000,"max_amount_by_day":10000,"max_coupons_per_user":3,"natural_person_limit":false,"prevent_api_abuse":false},"pattern_info":{"description":"满100减10","merchant_name":"示例商户"},"coupon_use_rule":{"fixed_normal_coupon":{"coupon_amount":1000,"transaction_minimum":10000},"available_merchants":["1900000001"]},"no_cash":false,"stock_type":"NORMAL","out_request_no":"1900000001202612010000000001"}"#;

fn typed_create_stock() -> CreateStockRequest {
    CreateStockRequest {
        stock_name: "微信支付代金券".into(),
        comment: Some("双十二".into()),
        belong_merchant: "1900000001".into(),
        available_begin_time: "2025-12-12T00:00:00+08:00".into(),
        available_end_time: "2025-12-31T23:59:59+08:00".into(),
        stock_use_rule: StockRule {
            max_coupons: Some(1000),
            max_amount: Some(1_000_000),
            max_amount_by_day: Some(100_000),
            max_coupons_per_user: Some(3),
            natural_person_limit: Some(false),
            prevent_api_abuse: Some(false),
        },
        pattern_info: Some(PatternInfo {
            description: "满100减10，全场通用".into(),
            merchant_name: Some("示例商户".into()),
            ..Default::default()
        }),
        coupon_use_rule: CouponUseRule {
            fixed_normal_coupon: Some(FixedNormalCoupon {
                coupon_amount: 1000,
                transaction_minimum: 10000,
            }),
            available_merchants: Some(vec!["1900000001".into()]),
            ..Default::default()
        },
        no_cash: Some(false),
        stock_type: StockTypeReq::Normal,
        out_request_no: "1900000001202512010000000001".into(),
        ext_info: None,
    }
}

fn benches(c: &mut Criterion) {
    let backend = crypto::BACKEND;
    let client = client();
    let mut g = c.benchmark_group(format!("core/{backend}"));

    // Baseline: aws-lc-rs alone, same key, same message size.
    let der = {
        let pem = String::from_utf8(keyfile("merchant_key.pem")).unwrap();
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
    };
    let kp = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let baseline_msg = vec![b'x'; CREATE_STOCK.len() + 120];
    g.bench_function("baseline_aws_lc_rsa_sign", |b| {
        b.iter(|| {
            let mut sig = vec![0u8; kp.public_modulus_len()];
            kp.sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &rng,
                black_box(&baseline_msg),
                &mut sig,
            )
            .unwrap();
            sig
        })
    });

    g.bench_function("build_sign_create_stock", |b| {
        b.iter(|| {
            client
                .request(
                    Method::Post,
                    "/v3/marketing/favor/coupon-stocks",
                    black_box(CREATE_STOCK.as_bytes().to_vec()),
                )
                .unwrap()
        })
    });

    let typed = typed_create_stock();
    g.bench_function("build_validate_sign_create_stock_typed", |b| {
        b.iter(|| client.favor().create_stock(black_box(&typed)).unwrap())
    });

    let now = client.now();
    let resp_body = br#"{"stock_id":"17512345","start_time":"2026-12-01T00:00:00+08:00"}"#.to_vec();
    let resp = HttpResponse::new(200, wechatpay_headers(&resp_body, now), resp_body);
    g.bench_function("verify_response", |b| {
        b.iter(|| client.parse_response(black_box(&resp)).unwrap())
    });

    // A 1 KiB COUPON.USE-style plaintext, encrypted and signed like a real notification.
    let plaintext = format!(
        r#"{{"stock_creator_mchid":"1900000001","stock_id":"17512345","coupon_id":"98674556","coupon_name":"微信支付代金券","status":"USED","description":"{}"}}"#,
        "x".repeat(880)
    );
    assert!((1000..1100).contains(&plaintext.len()));
    let ct = client
        .encrypt_aead("Kj7QIyUiYx1q", "coupon", plaintext.as_bytes())
        .unwrap();
    let body = serde_json::json!({
        "id": "EV-1", "create_time": "2026-12-01T10:00:00+08:00", "resource_type": "encrypt-resource",
        "event_type": "COUPON.USE", "summary": "核销",
        "resource": {"original_type": "coupon", "algorithm": "AEAD_AES_256_GCM", "ciphertext": ct,
                     "associated_data": "coupon", "nonce": "Kj7QIyUiYx1q"}
    })
    .to_string()
    .into_bytes();
    let headers = wechatpay_headers(&body, now);
    g.bench_function("verify_decrypt_notification_1k", |b| {
        b.iter(|| {
            client
                .parse_notification(black_box(&headers), black_box(&body))
                .unwrap()
        })
    });

    g.bench_function("oaep_encrypt_field", |b| {
        b.iter(|| client.encrypt_sensitive(black_box("13900139000")).unwrap())
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
}

criterion_group! { name = core; config = config(); targets = benches }
criterion_main!(core);
