//! Protocol hardening (issue 8 §3): dot-segment path ids, values written into `Authorization`,
//! used-up fixed nonces, signer output length, verifier strictness, truncated error echo, the
//! literal-loopback rule and origin-only base URLs. Each test failed before its fix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::Operation;
use wechatpay_coupons::favor::validation::Violation;
use wechatpay_coupons::sign::sign_message;
use wechatpay_coupons::{
    ApiError, Client, Error, FixedClock, FixedNonce, FnSigner, Headers, HttpResponse, MerchantPrivateKey, Method,
    SignerError,
};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");
const NOW: i64 = 1_767_196_800;
const MCHID: &str = "1900000001";
const SERIAL: &str = "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0112345678901234567890123456789012";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}{name}")).unwrap()
}

fn merchant_key() -> MerchantPrivateKey {
    MerchantPrivateKey::from_pem(read("merchant_key.pem")).unwrap()
}

fn client() -> Client {
    Client::builder(MCHID, SERIAL)
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .wechatpay_public_key(PUB_KEY_ID, read("wechatpay_pub_key.pem"))
        .unwrap()
        .clock(Arc::new(FixedClock::new(NOW)))
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// `.` and `..` as path ids
// ---------------------------------------------------------------------------------------------

/// The violations of building `op`, or none when it was built.
fn violations<O: Operation>(c: &Client, op: &O) -> Vec<Violation> {
    match c.favor().favor_request(op) {
        Ok(b) => panic!("built {} with a dot-segment path id: {}", O::SPEC.name, b.request.url),
        Err(Error::Validation(v)) => v.violations,
        Err(e) => panic!("{e:?}"),
    }
}

fn assert_dot_refused<O: Operation>(c: &Client, op: &O, field: &str) {
    let v = violations(c, op);
    assert!(
        v.iter().any(|v| v.rule == "V-G-06" && v.field == field),
        "{}: {v:?}",
        O::SPEC.name
    );
    let text = Error::from(wechatpay_coupons::favor::validation::ValidationErrors { violations: v }).to_string();
    assert!(text.contains(field) && text.contains("dot-segment"), "{text}");
}

#[test]
fn dot_segments_are_refused_for_every_path_parameter() {
    let c = client();
    for dot in [".", ".."] {
        let id = || dot.to_owned();
        assert_dot_refused(&c, &StartStockRequest::new(dot, MCHID), "stock_id");
        assert_dot_refused(&c, &PauseStockRequest::new(dot, MCHID), "stock_id");
        assert_dot_refused(&c, &RestartStockRequest::new(dot, MCHID), "stock_id");
        assert_dot_refused(&c, &StopStockRequest::new(dot, MCHID), "stock_id");
        let send = SendCouponRequest {
            openid: id(),
            stock_id: "9865000".into(),
            out_request_no: "1900000001202601011234".into(),
            appid: "wx1234567890abcdef".into(),
            stock_creator_mchid: MCHID.into(),
            ..Default::default()
        };
        assert_dot_refused(&c, &send, "openid");
        let get = GetStockRequest {
            stock_id: id(),
            stock_creator_mchid: MCHID.into(),
        };
        assert_dot_refused(&c, &get, "stock_id");
        let coupon = GetCouponRequest {
            openid: id(),
            coupon_id: "9867041".into(),
            appid: "wx1234567890abcdef".into(),
        };
        assert_dot_refused(&c, &coupon, "openid");
        let coupon = GetCouponRequest {
            openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            coupon_id: id(),
            appid: "wx1234567890abcdef".into(),
        };
        assert_dot_refused(&c, &coupon, "coupon_id");
        let merchants = ListStockMerchantsRequest {
            stock_id: id(),
            offset: 0,
            limit: 10,
            stock_creator_mchid: MCHID.into(),
        };
        assert_dot_refused(&c, &merchants, "stock_id");
        let items = ListStockItemsRequest {
            stock_id: id(),
            offset: 0,
            limit: 10,
            stock_creator_mchid: MCHID.into(),
        };
        assert_dot_refused(&c, &items, "stock_id");
        let user = ListUserCouponsRequest {
            openid: id(),
            appid: "wx1234567890abcdef".into(),
            creator_mchid: Some(MCHID.into()),
            ..Default::default()
        };
        assert_dot_refused(&c, &user, "openid");
        assert_dot_refused(&c, &UseFlowRequest { stock_id: id() }, "stock_id");
        assert_dot_refused(&c, &RefundFlowRequest { stock_id: id() }, "stock_id");
        let modify = ModifyItemCodesRequest {
            stock_id: id(),
            stock_creator_mchid: MCHID.into(),
            add_goods_id_list: Some(vec!["a".into()]),
            delete_goods_id_list: None,
        };
        assert_dot_refused(&c, &modify, "stock_id");
    }
    // Dots inside a value are ordinary characters.
    assert!(c.favor().start_stock(&StartStockRequest::new("9.8", MCHID)).is_ok());
    assert!(c.favor().start_stock(&StartStockRequest::new("...", MCHID)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Values written into `Authorization`
// ---------------------------------------------------------------------------------------------

#[test]
fn authorization_values_are_checked_in_the_lowest_signing_function() {
    let key = merchant_key();
    let sign = |mchid: &str, serial: &str, target: &str, ts: i64, nonce: &str| {
        sign_message(&key, mchid, serial, Method::Get, target, ts, nonce, b"").map(|s| s.authorization)
    };
    assert!(sign(MCHID, SERIAL, "/v3/certificates", NOW, "N0NCE").is_ok());
    let cases: [(&str, &str, &str, i64, &str, &str); 14] = [
        (MCHID, SERIAL, "/v3/certificates", NOW, "a\",serial_no=\"X", "nonce"),
        (MCHID, SERIAL, "/v3/certificates", NOW, "", "nonce"),
        (MCHID, SERIAL, "/v3/certificates", NOW, "a b", "nonce"),
        (MCHID, SERIAL, "/v3/certificates", NOW, "a\nb", "nonce"),
        ("19\",x=\"1", SERIAL, "/v3/certificates", NOW, "N", "mchid"),
        (MCHID, "ABC\",signature=\"x", "/v3/certificates", NOW, "N", "serial_no"),
        (MCHID, "not-hex", "/v3/certificates", NOW, "N", "serial_no"),
        (MCHID, "", "/v3/certificates", NOW, "N", "serial_no"),
        (MCHID, SERIAL, "/v3/a\r\nX-Injected: 1", NOW, "N", "url"),
        (MCHID, SERIAL, "/v3/a b", NOW, "N", "url"),
        (MCHID, SERIAL, "/v3/a", -5, "N", "timestamp"),
        (MCHID, SERIAL, "/v3/marketing/favor/stocks/../start", NOW, "N", "url"),
        (
            MCHID,
            SERIAL,
            "/v3/marketing/favor/users/%2E%2e/coupons",
            NOW,
            "N",
            "url",
        ),
        (MCHID, SERIAL, "/v3/marketing/favor/stocks/.", NOW, "N", "url"),
    ];
    for (mchid, serial, target, ts, nonce, role) in cases {
        let err = sign(mchid, serial, target, ts, nonce).expect_err(role);
        let text = err.to_string();
        assert!(text.starts_with(&format!("{role}:")), "{role}: {text}");
    }
}

#[test]
fn client_sign_with_refuses_an_injecting_nonce() {
    // The bindings' `nonce=` and the CLI's `--nonce` reach the core through here.
    let c = client();
    let err = c
        .sign_with(
            Method::Get,
            "https://api.mch.weixin.qq.com/v3/certificates",
            b"",
            NOW,
            "x\",mchid=\"1",
        )
        .unwrap_err();
    assert!(matches!(err, Error::Input(_)), "{err:?}");
    assert!(err.to_string().starts_with("nonce:"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Fixed nonces
// ---------------------------------------------------------------------------------------------

#[test]
fn a_used_up_fixed_nonce_list_is_an_error_not_a_repeat() {
    let c = Client::builder(MCHID, SERIAL)
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .clock(Arc::new(FixedClock::new(NOW)))
        .nonce_source(Arc::new(FixedNonce::sequence(vec!["ONE".into(), "TWO".into()])))
        .build()
        .unwrap();
    let url = "https://api.mch.weixin.qq.com/v3/certificates";
    assert!(c.sign(Method::Get, url, b"").unwrap().authorization.contains("\"ONE\""));
    assert!(c.sign(Method::Get, url, b"").unwrap().authorization.contains("\"TWO\""));
    let err = c.sign(Method::Get, url, b"").unwrap_err();
    assert!(err.to_string().contains("used up"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Signer output length
// ---------------------------------------------------------------------------------------------

fn signer_client(len: usize, with_key: bool) -> Client {
    let b = Client::builder(MCHID, SERIAL);
    let b = if with_key {
        b.private_key_pem(read("merchant_key.pem")).unwrap()
    } else {
        b
    };
    b.signer(Arc::new(FnSigner(move |_: &[u8]| Ok::<_, SignerError>(vec![7u8; len]))))
        .clock(Arc::new(FixedClock::new(NOW)))
        .build()
        .unwrap()
}

#[test]
fn signer_output_must_have_an_rsa_signature_length() {
    let url = "https://api.mch.weixin.qq.com/v3/certificates";
    for len in [0usize, 1, 255, 257, 100_000] {
        let err = signer_client(len, false).sign(Method::Get, url, b"").unwrap_err();
        assert!(matches!(err, Error::Signer(_)), "{len}: {err:?}");
        assert!(err.to_string().contains(&format!("{len} bytes")), "{err}");
    }
    for len in [256usize, 384, 512] {
        assert!(signer_client(len, false).sign(Method::Get, url, b"").is_ok(), "{len}");
    }
    // With the private key configured the client knows the modulus: RSA-2048 → exactly 256.
    let err = signer_client(512, true).sign(Method::Get, url, b"").unwrap_err();
    assert!(err.to_string().contains("256 bytes"), "{err}");
    assert!(signer_client(256, true).sign(Method::Get, url, b"").is_ok());
}

// ---------------------------------------------------------------------------------------------
// Verifier strictness
// ---------------------------------------------------------------------------------------------

fn wechatpay_sign(message: &str) -> String {
    let key = MerchantPrivateKey::from_pem(read("wechatpay_pub_private.pem")).unwrap();
    B64.encode(key.sign(message.as_bytes()).unwrap())
}

fn headers(ts: &str, nonce: &str, sig: &str, serial: &str) -> Headers {
    [
        ("Wechatpay-Timestamp", ts),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", sig),
        ("Wechatpay-Serial", serial),
    ]
    .into_iter()
    .collect()
}

#[test]
fn signature_covers_the_timestamp_text_as_received() {
    let c = client();
    let ts = NOW.to_string();
    let sig = wechatpay_sign(&format!("{ts}\nN\n{{}}\n"));
    assert!(c.verify(&headers(&ts, "N", &sig, PUB_KEY_ID), b"{}").is_ok());
    let padded = format!("000{ts}");
    let err = c.verify(&headers(&padded, "N", &sig, PUB_KEY_ID), b"{}").unwrap_err();
    assert!(
        matches!(err, Error::Verify(wechatpay_coupons::VerifyError::BadSignature { .. })),
        "{err:?}"
    );
    // A message really signed over the padded text verifies over that text.
    let sig = wechatpay_sign(&format!("{padded}\nN\n{{}}\n"));
    assert!(c.verify(&headers(&padded, "N", &sig, PUB_KEY_ID), b"{}").is_ok());
}

#[test]
fn control_characters_in_the_response_nonce_are_refused() {
    let c = client();
    let ts = NOW.to_string();
    // Signed as nonce "a" with body "b\n{}"; presented as nonce "a\nb" with body "{}".
    let sig = wechatpay_sign(&format!("{ts}\na\nb\n{{}}\n"));
    assert!(c.verify(&headers(&ts, "a", &sig, PUB_KEY_ID), b"b\n{}").is_ok());
    let err = c.verify(&headers(&ts, "a\nb", &sig, PUB_KEY_ID), b"{}").unwrap_err();
    assert!(err.to_string().contains("wechatpay-nonce"), "{err}");
    let sig = wechatpay_sign(&format!("{ts}\na\tb\n{{}}\n"));
    assert!(c.verify(&headers(&ts, "a\tb", &sig, PUB_KEY_ID), b"{}").is_err());
}

#[test]
fn conflicting_duplicate_signature_headers_are_an_error() {
    let c = client();
    let ts = NOW.to_string();
    let sig = wechatpay_sign(&format!("{ts}\nN\n{{}}\n"));
    let mut h = headers(&ts, "N", &sig, PUB_KEY_ID);
    h.append("wechatpay-serial", "PUB_KEY_ID_0999");
    let err = c.verify(&h, b"{}").unwrap_err();
    assert!(err.to_string().contains("wechatpay-serial"), "{err}");
    let mut h = headers(&ts, "N", &sig, PUB_KEY_ID);
    h.append("WECHATPAY-TIMESTAMP", (NOW + 1).to_string());
    assert!(c.verify(&h, b"{}").is_err());
    // An identical repeat (e.g. added by a proxy) is harmless.
    let mut h = headers(&ts, "N", &sig, PUB_KEY_ID);
    h.append("Wechatpay-Nonce", "N");
    assert!(c.verify(&h, b"{}").is_ok());
}

// ---------------------------------------------------------------------------------------------
// Error echo
// ---------------------------------------------------------------------------------------------

#[test]
fn echoed_values_are_truncated() {
    let c = client();
    let huge = "A".repeat(10 * 1024 * 1024);
    let ts = NOW.to_string();
    let err = c.verify(&headers(&ts, "N", "AAAA", &huge), b"{}").unwrap_err();
    let text = err.to_string();
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(text.contains("(10485760 bytes)"), "{text}");
    assert!(format!("{err:?}").len() < 1000, "Debug too");
    let mut h = headers(&ts, "N", "AAAA", PUB_KEY_ID);
    h.append("Wechatpay-Signature-Type", huge.as_str());
    assert!(c.verify(&h, b"{}").unwrap_err().to_string().len() < 400);
    // Configuration and API errors too.
    let err = Client::builder(MCHID, huge.replace('A', "z"))
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .build()
        .unwrap_err();
    assert!(err.to_string().len() < 400, "{} bytes", err.to_string().len());
    let body = format!(r#"{{"code":"{huge}","message":"{huge}"}}"#);
    let api = ApiError::from_response(400, Some(huge.clone()), body.as_bytes());
    assert!(api.to_string().len() < 1200, "{} bytes", api.to_string().len());
    let err = c
        .sign_with(Method::Get, &format!("https://h/{huge} "), b"", NOW, "N")
        .unwrap_err();
    assert!(err.to_string().len() < 1200, "{} bytes", err.to_string().len());
    let err = c.resign(
        &c.request(Method::Get, "/v3/certificates", Vec::new()).unwrap(),
        Some(&format!("https://h/{huge}")),
    );
    assert!(err.unwrap_err().to_string().len() < 1200);
}

#[test]
fn bill_hash_type_is_echoed_truncated() {
    let huge = "S".repeat(1_000_000);
    let err = match wechatpay_coupons::favor::bills::BillDigest::with_hash(&huge, "0") {
        Err(e) => e.to_string(),
        Ok(_) => panic!("accepted"),
    };
    assert!(
        err.len() < 300 && err.contains("(1000000 bytes)"),
        "{} bytes",
        err.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Loopback rule and base URL
// ---------------------------------------------------------------------------------------------

#[test]
fn only_literal_loopback_hosts_may_use_http_callbacks() {
    let sandbox = Client::builder(MCHID, SERIAL)
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .allow_http_notify_url(true)
        .clock(Arc::new(FixedClock::new(NOW)))
        .build()
        .unwrap();
    let req = |url: &str| SetCallbackRequest {
        mchid: MCHID.into(),
        notify_url: url.into(),
        switch: Some(true),
    };
    for url in [
        "http://127.example.com/notify",
        "http://127.0.0.1.nip.io/notify",
        "http://localhost.example.com/notify",
        "http://127.1/notify",
    ] {
        let Err(Error::Validation(v)) = sandbox.favor().set_callback(&req(url)) else {
            panic!("{url} was accepted as loopback")
        };
        assert!(v.violations.iter().any(|v| v.rule == "V-CB-03"), "{url}: {v:?}");
    }
    for url in [
        "http://127.0.0.1:8080/notify",
        "http://127.255.0.9/notify",
        "http://LOCALHOST/notify",
        "http://[::1]:9/notify",
    ] {
        assert!(sandbox.favor().set_callback(&req(url)).is_ok(), "{url}");
    }
}

#[test]
fn base_url_must_be_an_origin() {
    let build = |url: &str| {
        Client::builder(MCHID, SERIAL)
            .private_key_pem(read("merchant_key.pem"))
            .unwrap()
            .base_url(url)
            .build()
    };
    for url in [
        "https://api.mch.weixin.qq.com/v3",
        "https://api.mch.weixin.qq.com/v3/",
        "https://api.mch.weixin.qq.com?x=1",
        "https://api.mch.weixin.qq.com/?x=1",
        "https://user@api.mch.weixin.qq.com",
    ] {
        let err = build(url).unwrap_err();
        assert!(err.to_string().starts_with("base_url:"), "{url}: {err}");
    }
    for url in [
        "https://api.mch.weixin.qq.com",
        "https://api.mch.weixin.qq.com/",
        "http://127.0.0.1:8080",
    ] {
        assert!(build(url).is_ok(), "{url}");
    }
    let c = client();
    let req = c.request(Method::Get, "/v3/certificates", Vec::new()).unwrap();
    assert!(c.resign(&req, Some("https://api2.mch.weixin.qq.com/extra")).is_err());
    assert!(c.resign(&req, Some("https://api2.mch.weixin.qq.com/")).is_ok());
}

#[test]
fn http_response_with_huge_error_body_field_names_stays_short() {
    let c = client();
    let huge = "f".repeat(100_000);
    let body = format!(r#"{{"code":"PARAM_ERROR","message":"m","detail":{{"field":"{huge}","issue":"{huge}"}}}}"#);
    let err = c
        .parse_response(&HttpResponse::new(400, Headers::new(), body.into_bytes()))
        .unwrap_err();
    assert!(err.to_string().len() < 1200, "{} bytes", err.to_string().len());
}
