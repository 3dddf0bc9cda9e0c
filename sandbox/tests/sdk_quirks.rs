//! What third-party SDKs send, as the sandbox reads it: `Content-Type: multipart/form-data`
//! without a boundary (the delimiter is then the body's first line), a create-stock body without
//! `no_cash` (refused, with a message that says what to send), a query with a trailing `&`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use wechatpay_coupons::{Client, Method};
use wechatpay_sandbox::bills::parse_multipart;
use wechatpay_sandbox::http_client::{agent, send};
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339, rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig, SandboxHandle, merchant};

const META: &str = r#"{"filename":"logo.png","sha256":"00"}"#;

fn body(boundary: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n").as_bytes());
    b.extend_from_slice(META.as_bytes());
    b.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(b"\x89PNG\r\n\x1a\n--not-a-boundary");
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    b
}

#[test]
fn boundary_from_the_header() {
    let u = parse_multipart("multipart/form-data; boundary=abc123", &body("abc123")).unwrap();
    assert_eq!(u.meta, META.as_bytes());
    assert_eq!(u.filename, "logo.png");
    assert_eq!(u.content_type, "image/png");
    assert_eq!(u.file, b"\x89PNG\r\n\x1a\n--not-a-boundary");
}

#[test]
fn boundary_from_the_first_line_when_the_header_has_none() {
    // What requests sends for wechatpayv3: a uuid-like hex boundary, no boundary parameter.
    let boundary = "8f1c0a2d4b6e4f0a9c3e5d7b1a2f4c6e";
    for ct in [
        "multipart/form-data",
        "multipart/form-data;",
        "Multipart/Form-Data ; charset=utf-8",
    ] {
        let u = parse_multipart(ct, &body(boundary)).unwrap_or_else(|e| panic!("{ct}: {e:?}"));
        assert_eq!(u.meta, META.as_bytes(), "{ct}");
        assert_eq!(u.file, b"\x89PNG\r\n\x1a\n--not-a-boundary", "{ct}");
    }
}

#[test]
fn a_body_without_a_delimiter_line_is_refused_plainly() {
    for (ct, b) in [
        ("multipart/form-data", &b"meta=1"[..]),
        ("multipart/form-data", &b"--\r\nx"[..]),
        ("multipart/form-data", &b""[..]),
        ("application/json", &body("abc")[..]),
    ] {
        let e = parse_multipart(ct, b).unwrap_err();
        let msg = format!("{e:?}");
        assert!(msg.contains("multipart") && msg.contains("boundary"), "{ct}: {msg}");
    }
}

fn start() -> (SandboxHandle, Client) {
    let clock = Arc::new(RunningClock::starting_at(
        parse_rfc3339("2026-12-05T09:59:30+08:00").unwrap(),
    ));
    let sb = Sandbox::start(SandboxConfig {
        clock: clock.clone(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .clock(clock)
        .build()
        .unwrap();
    (sb, client)
}

fn raw(client: &Client, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let req = client.request(method, path, body).unwrap();
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    let status = resp.status;
    if (200..300).contains(&status) {
        client.parse_response(&resp).unwrap();
    }
    (status, serde_json::from_slice(&resp.body).unwrap_or(Value::Null))
}

fn stock_body(client: &Client) -> Value {
    let mchid = client.mchid();
    json!({
        "stock_name": "互通", "belong_merchant": mchid,
        "available_begin_time": rfc3339(client.now() + 60), "available_end_time": rfc3339(client.now() + 86_400),
        "stock_use_rule": {"max_coupons": 10, "max_amount": 1000, "max_coupons_per_user": 1,
            "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000},
            "available_merchants": [mchid]},
        "stock_type": "NORMAL", "out_request_no": "quirks0001",
    })
}

#[test]
fn a_stock_without_no_cash_is_refused_with_a_message_saying_what_to_send() {
    let (_sb, client) = start();
    let path = "/v3/marketing/favor/coupon-stocks";
    let (status, err) = raw(&client, Method::Post, path, Some(&stock_body(&client)));
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["code"], "PARAM_ERROR");
    assert_eq!(err["detail"]["field"], "no_cash");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("no_cash is required"), "{msg}");
    assert!(msg.contains("send false explicitly"), "{msg}");
    assert!(msg.contains("official Go model"), "{msg}");
    // With `no_cash: false` sent, the same body is taken.
    let mut body = stock_body(&client);
    body["no_cash"] = json!(false);
    let (status, created) = raw(&client, Method::Post, path, Some(&body));
    assert_eq!(status, 200, "{created}");
    // wechatpayv3 ends the merchants and items queries with "&".
    let id = created["stock_id"].as_str().unwrap();
    let q = format!("stock_creator_mchid={}&offset=0&limit=50&", client.mchid());
    for what in ["merchants", "items"] {
        let (status, page) = raw(
            &client,
            Method::Get,
            &format!("/v3/marketing/favor/stocks/{id}/{what}?{q}"),
            None,
        );
        assert_eq!(status, 200, "{what}: {page}");
    }
}

/// A known path asked with another method is answered as WeChat Pay does: 405, empty body, with
/// `Allow`, before any signature check; the core reads it as an API error without a code.
#[test]
fn a_known_path_with_the_wrong_method_is_a_405_with_an_empty_body() {
    let (_sb, client) = start();
    let a = agent(Duration::from_secs(10));
    for (method, path, allow) in [
        (Method::Delete, "/v3/marketing/favor/stocks/9856000", "GET"),
        (Method::Get, "/v3/marketing/favor/stocks/9856000/start", "POST"),
        (Method::Put, "/v3/marketing/favor/users/o1/coupons", "GET, POST"),
        (Method::Post, "/v3/certificates", "GET"),
    ] {
        let req = client.request(method, path, Vec::new()).unwrap();
        let resp = send(&a, &req).unwrap();
        assert_eq!(resp.status, 405, "{method:?} {path}");
        assert!(resp.body.is_empty(), "{method:?} {path}");
        assert_eq!(resp.headers.get("allow"), Some(allow), "{method:?} {path}");
        let e = client.parse_response(&resp).unwrap_err();
        assert_eq!(e.code(), "api.http_error", "{e}");
        assert!(e.to_string().contains("HTTP 405"), "{e}");
    }
    // Unsigned: still 405, the method is checked first.
    let mut unsigned = client
        .request(Method::Delete, "/v3/marketing/favor/callbacks", Vec::new())
        .unwrap();
    let mut kept = wechatpay_coupons::Headers::new();
    for (n, v) in unsigned
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
    {
        kept.append(n, v);
    }
    unsigned.headers = kept;
    assert_eq!(send(&a, &unsigned).unwrap().status, 405);
    // An unknown path is not a 405.
    let req = client
        .request(Method::Get, "/v3/marketing/favor/nothing-here", Vec::new())
        .unwrap();
    assert_eq!(send(&a, &req).unwrap().status, 404);
}
