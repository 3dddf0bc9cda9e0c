//! End-to-end tests over real loopback HTTP: the core as client, the sandbox as server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wechatpay_coupons::{Client, Error, HttpResponse, Method, VerifyError};
use wechatpay_sandbox::http_client::{agent, sandbox_get, sandbox_post, send};
use wechatpay_sandbox::receiver::Receiver;
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339, rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SigningMode, merchant};

/// Every sandbox here starts its clock at 09:59:30 Beijing time, half a minute before the bill
/// hour and the edge of a day, whatever the machine's clock says; the client shares the clock.
const START: &str = "2026-12-05T09:59:30+08:00";

fn clock() -> Arc<RunningClock> {
    Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()))
}

/// A client of the sandbox in `dir` on the tests' clock.
fn builder(
    dir: &std::path::Path,
    trust_public_key: bool,
    trust_platform_cert: bool,
) -> Result<wechatpay_coupons::ClientBuilder, wechatpay_sandbox::SandboxError> {
    Ok(merchant::client_builder(dir, trust_public_key, trust_platform_cert)?.clock(clock()))
}

fn start(mut config: SandboxConfig) -> (SandboxHandle, Client) {
    let trust = (
        config.mode != SigningMode::Certificate,
        config.mode == SigningMode::Migration,
    );
    config.clock = clock();
    let sb = Sandbox::start(config).unwrap();
    let client = builder(sb.merchant_dir(), trust.0, trust.1).unwrap().build().unwrap();
    (sb, client)
}

fn call(client: &Client, method: Method, path: &str, body: Option<Value>) -> Result<Value, Error> {
    let req = client
        .request(
            method,
            path,
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        )
        .unwrap();
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    let v = client.parse_response(&resp)?;
    Ok(serde_json::from_slice(&v.body).unwrap_or(Value::Null))
}

fn raw(client: &Client, method: Method, path: &str, body: Option<Value>) -> HttpResponse {
    let req = client
        .request(
            method,
            path,
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        )
        .unwrap();
    send(&agent(Duration::from_secs(10)), &req).unwrap()
}

fn api_err(r: Result<Value, Error>) -> (u16, String, Option<Value>) {
    match r {
        Err(Error::Api(a)) => (a.status, a.code.unwrap_or_default(), a.detail),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn stock_body(mchid: &str, now: i64, max_coupons: i64, per_user: i64, no: &str) -> Value {
    json!({
        "stock_name": "测试批次", "belong_merchant": mchid,
        "available_begin_time": rfc3339(now), "available_end_time": rfc3339(now + 86_400),
        "stock_use_rule": {"max_coupons": max_coupons, "max_amount": 100 * max_coupons,
            "max_coupons_per_user": per_user, "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000}},
        "no_cash": false, "stock_type": "NORMAL", "out_request_no": no,
    })
}

fn running_stock(client: &Client, max_coupons: i64, per_user: i64) -> String {
    let mchid = client.mchid().to_owned();
    let no = format!("st{}", wechatpay_coupons::clock::random_string(10).unwrap());
    let v = call(
        client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(stock_body(&mchid, client.now(), max_coupons, per_user, &no)),
    )
    .unwrap();
    let id = v["stock_id"].as_str().unwrap().to_owned();
    call(
        client,
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{id}/start"),
        Some(json!({"stock_creator_mchid": mchid})),
    )
    .unwrap();
    id
}

fn send_body(sb: &SandboxHandle, stock: &str, no: &str) -> Value {
    json!({"stock_id": stock, "out_request_no": no, "appid": sb.merchant().appid, "stock_creator_mchid": sb.merchant().mchid})
}

#[test]
fn full_lifecycle_with_notification_and_bills() {
    let (sb, client) = start(SandboxConfig {
        retry_schedule: vec![Duration::from_millis(50); 3],
        ..SandboxConfig::default()
    });
    let mchid = client.mchid().to_owned();
    let stock = running_stock(&client, 10, 2);
    let got = Arc::new(AtomicUsize::new(0));
    let (c2, g2) = (Arc::new(client), got.clone());
    let client = c2.clone();
    let rx = Receiver::start(
        "/notify",
        Arc::new(move |h, b| {
            let n = c2.parse_notification(h, b).unwrap();
            assert_eq!(n.envelope.event_type, "COUPON.USE");
            let p: Value = serde_json::from_str(&n.plaintext).unwrap();
            assert_eq!(p["status"], "USED");
            g2.fetch_add(1, Ordering::SeqCst);
            204
        }),
    )
    .unwrap();
    call(
        &client,
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": mchid, "notify_url": rx.url()})),
    )
    .unwrap();
    let cb = call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/callbacks?mchid={mchid}"),
        None,
    )
    .unwrap();
    assert_eq!(cb["notify_url"], rx.url());
    let c = call(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oUser1/coupons",
        Some(send_body(&sb, &stock, "s1")),
    )
    .unwrap();
    let coupon = c["coupon_id"].as_str().unwrap().to_owned();
    let appid = sb.merchant().appid.clone();
    let q = format!("/v3/marketing/favor/users/oUser1/coupons/{coupon}?appid={appid}");
    assert_eq!(call(&client, Method::Get, &q, None).unwrap()["status"], "SENDED");
    let list = call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks?offset=0&limit=10&stock_creator_mchid={mchid}&status=running"),
        None,
    )
    .unwrap();
    assert_eq!(list["total_count"], 1);
    let m = call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks/{stock}/merchants?offset=0&limit=10&stock_creator_mchid={mchid}"),
        None,
    )
    .unwrap();
    assert_eq!(m["data"], json!([mchid]));
    let base = sb.base_url().to_owned();
    let a = agent(Duration::from_secs(5));
    let (st, _) = sandbox_post(
        &a,
        &format!("{base}/sandbox/use"),
        &json!({"coupon_id": coupon, "order_amount": 1500}),
    )
    .unwrap();
    assert_eq!(st, 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(got.load(Ordering::SeqCst), 1);
    assert_eq!(call(&client, Method::Get, &q, None).unwrap()["status"], "USED");
    // Bills: not before 10:00 the day after the end, then a signed JSON and an unsigned file.
    let flow = format!("/v3/marketing/favor/stocks/{stock}/use-flow");
    assert_eq!(
        api_err(call(&client, Method::Get, &flow, None)).1,
        "RESOURCE_NOT_EXISTS"
    );
    let (st, _) = sandbox_post(&a, &format!("{base}/sandbox/refund"), &json!({"coupon_id": coupon})).unwrap();
    assert_eq!(st, 200);
    sandbox_post(
        &a,
        &format!("{base}/sandbox/clock/advance"),
        &json!({"seconds": 3 * 86_400}),
    )
    .unwrap();
    let s = call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks/{stock}?stock_creator_mchid={mchid}"),
        None,
    )
    .unwrap();
    assert_eq!(s["status"], "stoped");
    assert_eq!(call(&client, Method::Get, &q, None).unwrap()["status"], "EXPIRED");
    for (path, rows) in [
        (flow, 1),
        (format!("/v3/marketing/favor/stocks/{stock}/refund-flow"), 1),
    ] {
        let v = call(&client, Method::Get, &path, None).unwrap();
        let url = v["url"].as_str().unwrap();
        let file = raw(&client, Method::Get, url.strip_prefix(&base).unwrap(), None);
        assert_eq!(file.status, 200);
        assert!(
            file.headers.get("wechatpay-signature").is_none(),
            "bill file is unsigned"
        );
        let sha = wechatpay_coupons::crypto::hex_lower(&wechatpay_coupons::crypto::sha1(&file.body));
        assert_eq!(v["hash_value"], sha);
        let text = String::from_utf8(file.body).unwrap();
        assert!(text.starts_with("批次id,优惠id,"));
        assert!(text.ends_with(&format!("总条数\r\n`{rows}\r\n")));
    }
    let (_, log) = sandbox_get(&a, &format!("{base}/sandbox/notifications")).unwrap();
    assert_eq!(log["data"][0]["acknowledged"], true);
}

#[test]
fn error_classes() {
    let (sb, client) = start(SandboxConfig::default());
    let mchid = client.mchid().to_owned();
    let a = agent(Duration::from_secs(5));
    // 401 SIGN_ERROR: tampered body.
    let mut req = client
        .request(
            Method::Post,
            "/v3/marketing/favor/callbacks",
            json!({"mchid": mchid, "notify_url": "https://x.example/n"})
                .to_string()
                .into_bytes(),
        )
        .unwrap();
    req.body.push(b' ');
    let r = send(&a, &req).unwrap();
    assert_eq!(r.status, 401);
    assert!(r.headers.get("request-id").is_some());
    // 401 SIGN_ERROR: replayed nonce.
    let req = client
        .request(
            Method::Get,
            &format!("/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={mchid}"),
            vec![],
        )
        .unwrap();
    assert_eq!(send(&a, &req).unwrap().status, 200);
    let r = send(&a, &req).unwrap();
    assert_eq!((r.status, ApiCode::of(&r)), (401, "SIGN_ERROR".into()));
    // 401 SIGN_ERROR: timestamp 10 minutes old.
    let url = format!("{}/v3/marketing/favor/callbacks?mchid={mchid}", sb.base_url());
    let old = client
        .sign_with(Method::Get, &url, b"", client.now() - 600, "N0NCE")
        .unwrap();
    let mut req = client
        .request(
            Method::Get,
            &format!("/v3/marketing/favor/callbacks?mchid={mchid}"),
            vec![],
        )
        .unwrap();
    req.headers.set("Authorization", old.authorization);
    let r = send(&a, &req).unwrap();
    assert_eq!(r.status, 401);
    assert!(String::from_utf8_lossy(&r.body).contains("5分钟"));
    // 401: wrong serial_no.
    let mut req = client
        .request(
            Method::Get,
            &format!("/v3/marketing/favor/callbacks?mchid={mchid}"),
            vec![],
        )
        .unwrap();
    let auth = req
        .headers
        .get("authorization")
        .unwrap()
        .replace(client.merchant_serial(), "0123ABCD");
    req.headers.set("Authorization", auth);
    assert_eq!(send(&a, &req).unwrap().status, 401);
    // 400 INVALID_REQUEST: no User-Agent.
    let mut req = client
        .request(
            Method::Get,
            &format!("/v3/marketing/favor/callbacks?mchid={mchid}"),
            vec![],
        )
        .unwrap();
    req.headers.set("User-Agent", "");
    let r = send(&a, &req).unwrap();
    assert_eq!((r.status, ApiCode::of(&r)), (400, "INVALID_REQUEST".into()));
    // 400 PARAM_ERROR with detail.
    let mut body = stock_body(&mchid, client.now(), 10, 1, "bad1");
    body["stock_use_rule"]["max_amount"] = json!(999);
    let (st, code, detail) = api_err(call(
        &client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(body),
    ));
    assert_eq!((st, code.as_str()), (400, "PARAM_ERROR"));
    let d = detail.unwrap();
    assert_eq!(d["field"], "stock_use_rule.max_amount");
    assert_eq!(d["location"], "body");
    assert_eq!(d["value"], 999);
    // 404 RESOURCE_NOT_EXISTS.
    let (st, code, _) = api_err(call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks/99999999?stock_creator_mchid={mchid}"),
        None,
    ));
    assert_eq!((st, code.as_str()), (404, "RESOURCE_NOT_EXISTS"));
    // 403 REQUEST_BLOCKED (per-user limit) and 400 INVALID_REQUEST (not running).
    let stock = running_stock(&client, 10, 1);
    call(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oU/coupons",
        Some(send_body(&sb, &stock, "a1")),
    )
    .unwrap();
    let (st, code, _) = api_err(call(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oU/coupons",
        Some(send_body(&sb, &stock, "a2")),
    ));
    assert_eq!((st, code.as_str()), (403, "REQUEST_BLOCKED"));
    call(
        &client,
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{stock}/pause"),
        Some(json!({"stock_creator_mchid": mchid})),
    )
    .unwrap();
    let (st, code, _) = api_err(call(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oV/coupons",
        Some(send_body(&sb, &stock, "a3")),
    ));
    assert_eq!((st, code.as_str()), (400, "INVALID_REQUEST"));
    // Same out_request_no with different content.
    let mut other = send_body(&sb, &stock, "a1");
    other["stock_id"] = json!("17000999");
    let (st, code, _) = api_err(call(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oU/coupons",
        Some(other),
    ));
    assert_eq!((st, code.as_str()), (400, "INVALID_REQUEST"));
    drop(sb);
    // 429 FREQUENCY_LIMITED.
    let (_sb, client) = start(SandboxConfig {
        rate_limit_per_sec: Some(3),
        ..SandboxConfig::default()
    });
    let mut codes = Vec::new();
    for _ in 0..8 {
        let r = raw(
            &client,
            Method::Get,
            &format!("/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={mchid}"),
            None,
        );
        codes.push(r.status);
    }
    assert!(codes.contains(&429), "{codes:?}");
}

struct ApiCode;
impl ApiCode {
    fn of(r: &HttpResponse) -> String {
        serde_json::from_slice::<Value>(&r.body).unwrap()["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

#[test]
fn concurrent_sends_never_over_issue() {
    let (sb, client) = start(SandboxConfig::default());
    let stock = running_stock(&client, 50, 1);
    let client = Arc::new(client);
    let sb = Arc::new(sb);
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let (client, sb, stock) = (client.clone(), sb.clone(), stock.clone());
            std::thread::spawn(move || {
                let a = agent(Duration::from_secs(20));
                (0..25)
                    .map(|i| {
                        let n = t * 25 + i;
                        let req = client
                            .request(
                                Method::Post,
                                &format!("/v3/marketing/favor/users/oConc{n}/coupons"),
                                send_body(&sb, &stock, &format!("c{n}")).to_string().into_bytes(),
                            )
                            .unwrap();
                        let r = send(&a, &req).unwrap();
                        (r.status, ApiCode::of_any(&r))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<(u16, String)> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    assert_eq!(results.len(), 200);
    assert_eq!(results.iter().filter(|r| r.0 == 200).count(), 50);
    assert!(
        results
            .iter()
            .filter(|r| r.0 != 200)
            .all(|r| r.0 == 403 && r.1 == "NOT_ENOUGH")
    );
    let s = call(
        &client,
        Method::Get,
        &format!(
            "/v3/marketing/favor/stocks/{stock}?stock_creator_mchid={}",
            client.mchid()
        ),
        None,
    )
    .unwrap();
    assert_eq!(s["distributed_coupons"], 50);
}

impl ApiCode {
    fn of_any(r: &HttpResponse) -> String {
        serde_json::from_slice::<Value>(&r.body)
            .ok()
            .and_then(|v| v["code"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

#[test]
fn replay_returns_same_coupon_and_stock() {
    let (sb, client) = start(SandboxConfig::default());
    let body = stock_body(client.mchid(), client.now(), 10, 3, "same-stock");
    let a = call(
        &client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(body.clone()),
    )
    .unwrap();
    let b = call(&client, Method::Post, "/v3/marketing/favor/coupon-stocks", Some(body)).unwrap();
    assert_eq!(a["stock_id"], b["stock_id"]);
    let stock = running_stock(&client, 10, 3);
    let ids: Vec<Value> = (0..3)
        .map(|_| {
            call(
                &client,
                Method::Post,
                "/v3/marketing/favor/users/oR/coupons",
                Some(send_body(&sb, &stock, "rep-1")),
            )
            .unwrap()["coupon_id"]
                .clone()
        })
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]));
    let s = call(
        &client,
        Method::Get,
        &format!(
            "/v3/marketing/favor/stocks/{stock}?stock_creator_mchid={}",
            client.mchid()
        ),
        None,
    )
    .unwrap();
    assert_eq!(s["distributed_coupons"], 1);
}

#[test]
fn failing_receiver_gets_exactly_one_acknowledged_delivery() {
    let (sb, client) = start(SandboxConfig {
        retry_schedule: vec![
            Duration::from_millis(30),
            Duration::from_millis(60),
            Duration::from_millis(90),
            Duration::from_millis(120),
            Duration::from_millis(150),
        ],
        ..SandboxConfig::default()
    });
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let rx = Receiver::start(
        "/n",
        Arc::new(move |_, _| {
            if c2.fetch_add(1, Ordering::SeqCst) < 3 {
                500
            } else {
                200
            }
        }),
    )
    .unwrap();
    call(
        &client,
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": client.mchid(), "notify_url": rx.url()})),
    )
    .unwrap();
    let stock = running_stock(&client, 10, 1);
    let c = call(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oN/coupons",
        Some(send_body(&sb, &stock, "n1")),
    )
    .unwrap();
    let a = agent(Duration::from_secs(5));
    sandbox_post(
        &a,
        &format!("{}/sandbox/use", sb.base_url()),
        &json!({"coupon_id": c["coupon_id"]}),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, log) = sandbox_get(&a, &format!("{}/sandbox/notifications", sb.base_url())).unwrap();
        if log["data"][0]["acknowledged"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "not acknowledged: {log}");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(400));
    let got = rx.received();
    assert_eq!(got.len(), 4);
    assert_eq!(got.iter().filter(|r| r.status == 200).count(), 1);
    // Same envelope every time, each one verifiable.
    assert!(got.iter().all(|r| r.body == got[0].body));
    for r in &got {
        client.parse_notification(&r.headers, &r.body).unwrap();
    }
}

#[test]
fn signing_modes() {
    // Certificate mode: the client downloads and trusts the platform certificate.
    let (_sb, client) = start(SandboxConfig {
        mode: SigningMode::Certificate,
        ..SandboxConfig::default()
    });
    let resp = send(
        &agent(Duration::from_secs(5)),
        &client.certificates_request(None).unwrap(),
    )
    .unwrap();
    let up = client.apply_certificates_response(&resp).unwrap();
    assert!(up.trust_on_first_use);
    let q = format!(
        "/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={}",
        client.mchid()
    );
    let r = raw(&client, Method::Get, &q, None);
    assert_eq!(client.parse_response(&r).unwrap().key_id, up.added[0]);
    // Public-key mode: no certificates.
    let (_sb2, client) = start(SandboxConfig::default());
    let r = raw(&client, Method::Get, "/v3/certificates", None);
    assert_eq!(r.status, 404);
    let r = raw(&client, Method::Get, &q.replace("1900000001", client.mchid()), None);
    assert!(client.parse_response(&r).unwrap().key_id.starts_with("PUB_KEY_ID_"));
    // Migration: the request's Wechatpay-Serial picks the key.
    let (sb3, _) = start(SandboxConfig {
        mode: SigningMode::Migration,
        ..SandboxConfig::default()
    });
    let m = sb3.merchant().clone();
    for (serial, want) in [
        (m.wechatpay_public_key_id.clone(), m.wechatpay_public_key_id.clone()),
        (m.platform_serial.clone(), m.platform_serial.clone()),
    ] {
        let c = builder(sb3.merchant_dir(), true, true)
            .unwrap()
            .serial_policy(wechatpay_coupons::SerialPolicy::Fixed(serial))
            .build()
            .unwrap();
        let r = raw(
            &c,
            Method::Get,
            &format!(
                "/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={}",
                c.mchid()
            ),
            None,
        );
        assert_eq!(r.headers.get("wechatpay-serial"), Some(want.as_str()));
        assert_eq!(c.parse_response(&r).unwrap().key_id, want);
    }
    // An unknown Wechatpay-Serial is refused.
    let c = builder(sb3.merchant_dir(), true, true)
        .unwrap()
        .serial_policy(wechatpay_coupons::SerialPolicy::Fixed("PUB_KEY_ID_123".into()))
        .build()
        .unwrap();
    let r = raw(&c, Method::Get, "/v3/certificates", None);
    assert_eq!(r.status, 400);
}

#[test]
fn probes_are_reported_as_probes() {
    let (_sb, client) = start(SandboxConfig {
        probe_rate: 1.0,
        ..SandboxConfig::default()
    });
    let r = raw(
        &client,
        Method::Get,
        &format!(
            "/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={}",
            client.mchid()
        ),
        None,
    );
    assert_eq!(r.status, 200);
    assert!(
        r.headers
            .get("wechatpay-signature")
            .unwrap()
            .starts_with("WECHATPAY/SIGNTEST/")
    );
    assert!(matches!(
        client.parse_response(&r),
        Err(Error::Verify(VerifyError::Probe))
    ));
}

#[test]
fn image_upload_and_media_url() {
    let (sb, client) = start(SandboxConfig::default());
    let png = b"\x89PNG\r\n\x1a\nabcdef";
    let req = client.favor().image_upload_request("logo.png", png).unwrap();
    let resp = send(&agent(Duration::from_secs(5)), &req).unwrap();
    let url = client.favor().parse_image_upload_response(&resp).unwrap().media_url;
    assert!(url.starts_with(sb.base_url()));
    let mut r = ureq::get(&url).call().unwrap();
    assert_eq!(r.body_mut().read_to_vec().unwrap(), png);
    // A logo not from the upload API is refused at create time.
    let mut body = stock_body(client.mchid(), client.now(), 10, 1, "img1");
    body["pattern_info"] = json!({"description": "d", "merchant_logo": "https://qpic.cn/x.png"});
    let (st, code, detail) = api_err(call(
        &client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(body.clone()),
    ));
    assert_eq!((st, code.as_str()), (400, "PARAM_ERROR"));
    assert_eq!(detail.unwrap()["field"], "pattern_info.merchant_logo");
    body["pattern_info"]["merchant_logo"] = json!(url);
    call(&client, Method::Post, "/v3/marketing/favor/coupon-stocks", Some(body)).unwrap();
}

/// Sends `body` to create-stock (unvalidated: `Client::request` signs any bytes) and returns
/// the PARAM_ERROR's detail and message.
fn param_error(client: &Client, method: Method, path: &str, body: Option<Value>) -> (Value, String) {
    let r = raw(client, method, path, body);
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["code"], "PARAM_ERROR", "{v}");
    (v["detail"].clone(), v["message"].as_str().unwrap().to_owned())
}

#[test]
fn server_applies_the_core_validation_rules() {
    let (sb, client) = start(SandboxConfig::default());
    let mchid = client.mchid().to_owned();
    let now = client.now();
    let create = "/v3/marketing/favor/coupon-stocks";
    // One broken V-CS rule at a time: (mutation, field, rule, value).
    type Mutation = fn(&mut Value);
    let cases: [(Mutation, &str, &str, Value); 9] = [
        (
            |b| b["stock_name"] = json!("bad_name"),
            "stock_name",
            "V-CS-03",
            json!("bad_name"),
        ),
        (
            |b| {
                b["coupon_use_rule"]["fixed_normal_coupon"]["coupon_amount"] = json!(1);
                b["stock_use_rule"]["max_amount"] = json!(10);
            },
            "coupon_use_rule.fixed_normal_coupon.coupon_amount",
            "V-CS-41",
            json!(1),
        ),
        (
            |b| b["coupon_use_rule"]["fixed_normal_coupon"]["transaction_minimum"] = json!(100),
            "coupon_use_rule.fixed_normal_coupon.transaction_minimum",
            "V-CS-42",
            json!(100),
        ),
        (
            |b| b["available_end_time"] = b["available_begin_time"].clone(),
            "available_end_time",
            "V-CS-23",
            Value::Null,
        ),
        (
            |b| b["stock_use_rule"]["max_amount_by_day"] = json!(1_000_000),
            "stock_use_rule.max_amount_by_day",
            "V-CS-34",
            json!(1_000_000),
        ),
        (
            |b| {
                b.as_object_mut().unwrap().remove("no_cash");
            },
            "no_cash",
            "V-CS-81",
            Value::Null,
        ),
        (
            |b| b["out_request_no"] = json!("no#1"),
            "out_request_no",
            "V-CS-12",
            json!("no#1"),
        ),
        (
            |b| b["comment"] = json!("🎉 party"),
            "comment",
            "V-G-02",
            json!("🎉 party"),
        ),
        (
            // A space instead of `T` is not the documented form (PARAM_ERROR 输入时间格式错误).
            |b| b["available_begin_time"] = json!(b["available_begin_time"].as_str().unwrap().replacen('T', " ", 1)),
            "available_begin_time",
            "V-CS-20",
            Value::Null,
        ),
    ];
    for (i, (mutate, field, rule, value)) in cases.into_iter().enumerate() {
        let mut body = stock_body(&mchid, now, 10, 1, &format!("v{i}"));
        mutate(&mut body);
        let (d, message) = param_error(&client, Method::Post, create, Some(body));
        assert_eq!(d["field"], field, "{rule}: {d}");
        assert_eq!(d["location"], "body", "{rule}");
        assert!(d["issue"].as_str().unwrap().contains(rule), "{rule}: {d}");
        if !value.is_null() {
            assert_eq!(d["value"], value, "{rule}");
        }
        assert!(message.contains(rule), "{message}");
    }
    // Several violations: the first in detail, all in the message.
    let mut body = stock_body(&mchid, now, 10, 1, "multi");
    body["stock_name"] = json!("");
    body["stock_use_rule"]["max_amount"] = json!(5);
    body["stock_type"] = json!("DISCOUNT");
    let (d, message) = param_error(&client, Method::Post, create, Some(body));
    assert_eq!(d["field"], "stock_name");
    for rule in ["V-CS-01", "V-CS-32", "V-CS-80"] {
        assert!(message.contains(rule), "{rule} missing from {message}");
    }
    assert!(message.contains("3 error(s)"), "{message}");
    // A value of the wrong type names its JSON path.
    let mut body = stock_body(&mchid, now, 10, 1, "type");
    body["stock_use_rule"]["max_coupons"] = json!("lots");
    let (d, _) = param_error(&client, Method::Post, create, Some(body));
    assert_eq!(d["field"], "stock_use_rule.max_coupons");
    assert_eq!(d["value"], "lots");
    // Numeric strings are accepted, as from real clients.
    let mut body = stock_body(&mchid, now, 10, 1, "numeric-strings");
    body["stock_use_rule"]["max_coupons"] = json!("10");
    call(&client, Method::Post, create, Some(body)).unwrap();
    // Warnings are not refused: max_coupons below 5 (V-CS-31), no available_merchants (V-CS-57).
    call(
        &client,
        Method::Post,
        create,
        Some(stock_body(&mchid, now, 2, 1, "warnings-only")),
    )
    .unwrap();
    // A face value of 2–9 fen is only a warning (V-CS-41: the official floor is 1 fen).
    let mut body = stock_body(&mchid, now, 10, 1, "five-fen");
    body["coupon_use_rule"]["fixed_normal_coupon"]["coupon_amount"] = json!(5);
    body["stock_use_rule"]["max_amount"] = json!(50);
    call(&client, Method::Post, create, Some(body)).unwrap();
    // Query parameters: list stocks with limit 11 (V-Q-01).
    let (d, _) = param_error(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks?offset=0&limit=11&stock_creator_mchid={mchid}"),
        None,
    );
    assert_eq!(
        (d["field"].as_str(), d["location"].as_str()),
        (Some("limit"), Some("query"))
    );
    assert_eq!(d["value"], "11");
    // Path parameters: an emoji in the openid (V-G-02), percent-encoded in the URL.
    let stock = running_stock(&client, 10, 1);
    let (d, _) = param_error(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/o%F0%9F%98%80/coupons",
        Some(send_body(&sb, &stock, "emoji")),
    );
    assert_eq!(
        (d["field"].as_str(), d["location"].as_str()),
        (Some("openid"), Some("path"))
    );
    // Send coupon: out_request_no charset (V-SC-03).
    let (d, _) = param_error(
        &client,
        Method::Post,
        "/v3/marketing/favor/users/oU/coupons",
        Some(send_body(&sb, &stock, "bad no")),
    );
    assert_eq!(d["field"], "out_request_no");
    assert!(d["issue"].as_str().unwrap().contains("V-SC-03"));
    // Set callback: plain http off loopback (V-CB-03).
    let (d, _) = param_error(
        &client,
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": mchid, "notify_url": "http://example.com/notify"})),
    );
    assert_eq!(d["field"], "notify_url");
    assert!(d["issue"].as_str().unwrap().contains("V-CB-03"));
    // Stock actions: stock_creator_mchid required (V-ST-01).
    let (d, _) = param_error(
        &client,
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{stock}/pause"),
        Some(json!({"stock_creator_mchid": ""})),
    );
    assert_eq!(d["field"], "stock_creator_mchid");
    // V-CS-21 uses the sandbox's business clock: after advancing it a day, "now" is in its past.
    sandbox_post(
        &agent(Duration::from_secs(5)),
        &format!("{}/sandbox/clock/advance", sb.base_url()),
        &json!({"seconds": 86_400}),
    )
    .unwrap();
    let (d, _) = param_error(
        &client,
        Method::Post,
        create,
        Some(stock_body(&mchid, now, 10, 1, "past")),
    );
    assert_eq!(d["field"], "available_begin_time");
    assert!(d["issue"].as_str().unwrap().contains("V-CS-21"));
}

#[test]
fn temporary_merchant_dir_is_removed_and_given_dir_kept() {
    let sb = Sandbox::start(SandboxConfig {
        clock: clock(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let dir = sb.merchant_dir().to_path_buf();
    assert!(dir.join("merchant.json").exists());
    drop(sb);
    assert!(!dir.exists(), "{} left behind", dir.display());
    let sb = Sandbox::start(SandboxConfig {
        clock: clock(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let dir = sb.merchant_dir().to_path_buf();
    sb.shutdown();
    assert!(!dir.exists(), "{} left behind after shutdown", dir.display());
    // A directory the caller names is the caller's: kept, and loaded again next time.
    let own = std::env::temp_dir().join(format!("wcp-e2e-own-{}", std::process::id()));
    let sb = Sandbox::start(SandboxConfig {
        clock: clock(),
        merchant_dir: Some(own.clone()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let mchid_serial = sb.merchant().merchant_serial.clone();
    drop(sb);
    assert!(own.join("merchant.json").exists());
    let sb = Sandbox::start(SandboxConfig {
        clock: clock(),
        merchant_dir: Some(own.clone()),
        ..SandboxConfig::default()
    })
    .unwrap();
    assert_eq!(sb.merchant().merchant_serial, mchid_serial);
    drop(sb);
    std::fs::remove_dir_all(&own).unwrap();
}
