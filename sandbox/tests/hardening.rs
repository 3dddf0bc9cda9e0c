//! The sandbox as a server under abuse: slow clients, slow callbacks, oversized or malformed
//! bodies, unbounded uploads, clock overflow, hostile bill fields, look-alike loopback hosts.
//! Every sandbox here runs on an injected clock; timing bounds are generous (seconds where the
//! defect is a stall of many seconds or forever).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wechatpay_coupons::{Client, Error, HttpResponse, Method};
use wechatpay_sandbox::http_client::{agent, sandbox_get, sandbox_post, send};
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339, rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig, SandboxHandle, merchant};

const START: &str = "2026-12-05T09:59:30+08:00";

fn clock() -> Arc<RunningClock> {
    Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()))
}

fn start(mut config: SandboxConfig) -> (SandboxHandle, Client) {
    config.clock = clock();
    let sb = Sandbox::start(config).unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .clock(clock())
        .build()
        .unwrap();
    (sb, client)
}

fn raw(client: &Client, method: Method, path: &str, body: Option<Value>) -> HttpResponse {
    let req = client
        .request(
            method,
            path,
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        )
        .unwrap();
    send(&agent(Duration::from_secs(30)), &req).unwrap()
}

fn call(client: &Client, method: Method, path: &str, body: Option<Value>) -> Result<Value, Error> {
    let resp = raw(client, method, path, body);
    let v = client.parse_response(&resp)?;
    Ok(serde_json::from_slice(&v.body).unwrap_or(Value::Null))
}

/// A cheap signed call; returns how long it took.
fn timed_signed_call(client: &Client) -> Duration {
    let t = Instant::now();
    let path = format!(
        "/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={}",
        client.mchid()
    );
    call(client, Method::Get, &path, None).unwrap();
    t.elapsed()
}

fn running_stock(client: &Client, max_coupons: i64) -> String {
    let mchid = client.mchid().to_owned();
    let now = client.now();
    let no = format!("st{}", wechatpay_coupons::clock::random_string(10).unwrap());
    let body = json!({
        "stock_name": "测试批次", "belong_merchant": mchid,
        "available_begin_time": rfc3339(now), "available_end_time": rfc3339(now + 86_400),
        "stock_use_rule": {"max_coupons": max_coupons, "max_amount": 100 * max_coupons,
            "max_coupons_per_user": max_coupons, "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000}},
        "no_cash": false, "stock_type": "NORMAL", "out_request_no": no,
    });
    let v = call(client, Method::Post, "/v3/marketing/favor/coupon-stocks", Some(body)).unwrap();
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

fn send_coupon(sb: &SandboxHandle, client: &Client, stock: &str, openid: &str) -> String {
    let no = format!("s{}", wechatpay_coupons::clock::random_string(10).unwrap());
    let body = json!({"stock_id": stock, "out_request_no": no, "appid": sb.merchant().appid,
        "stock_creator_mchid": sb.merchant().mchid});
    let v = call(
        client,
        Method::Post,
        &format!("/v3/marketing/favor/users/{openid}/coupons"),
        Some(body),
    )
    .unwrap();
    v["coupon_id"].as_str().unwrap().to_owned()
}

/// A callback endpoint that accepts TCP connections, reads nothing and never answers.
struct SilentReceiver {
    url: String,
    held: Arc<Mutex<Vec<TcpStream>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SilentReceiver {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/notify", listener.local_addr().unwrap());
        let held = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (held.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => h.lock().unwrap().push(stream),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self {
            url,
            held,
            stop,
            thread: Some(thread),
        }
    }

    fn connections(&self) -> usize {
        self.held.lock().unwrap().len()
    }
}

impl Drop for SilentReceiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Deliveries to a callback that never answers do not slow API requests down: each attempt
/// stalls for the whole delivery timeout (20 s here), while every signed call made during that
/// stall, the first delivery and a retry included, answers in well under 2 s.
#[test]
fn a_callback_that_never_answers_does_not_stall_api_requests() {
    let (sb, client) = start(SandboxConfig {
        retry_schedule: vec![Duration::from_secs(1); 3],
        delivery_timeout: Duration::from_secs(20),
        ..SandboxConfig::default()
    });
    let rx = SilentReceiver::start();
    call(
        &client,
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": client.mchid(), "notify_url": rx.url})),
    )
    .unwrap();
    let stock = running_stock(&client, 10);
    let a = agent(Duration::from_secs(30));
    // Several notifications at once, so that several deliveries hang together.
    for user in ["oA", "oB", "oC", "oD"] {
        let coupon = send_coupon(&sb, &client, &stock, user);
        let (st, v) = sandbox_post(
            &a,
            &format!("{}/sandbox/use", sb.base_url()),
            &json!({"coupon_id": coupon}),
        )
        .unwrap();
        assert_eq!(st, 200, "{v}");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while rx.connections() < 4 {
        assert!(Instant::now() < deadline, "the deliveries never reached the receiver");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Calls during the stall, spread over 4 s (retries start 1 s after a failed attempt, but
    // the attempts only fail after 20 s: every call here overlaps hanging deliveries).
    let mut worst = Duration::ZERO;
    let until = Instant::now() + Duration::from_secs(4);
    let mut calls = 0;
    while Instant::now() < until {
        let d = timed_signed_call(&client);
        eprintln!("call {calls}: {d:?}");
        worst = worst.max(d);
        calls += 1;
    }
    assert!(calls > 3);
    assert!(
        worst < Duration::from_secs(2),
        "a signed call took {worst:?} while deliveries hung"
    );
    let (_, log) = sandbox_get(&a, &format!("{}/sandbox/notifications", sb.base_url())).unwrap();
    assert_eq!(log["data"].as_array().unwrap().len(), 4);
    assert_eq!(log["data"][0]["acknowledged"], false);
}
