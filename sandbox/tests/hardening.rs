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
use wechatpay_sandbox::{LogSink, Sandbox, SandboxConfig, SandboxHandle, ServerLimits, merchant};

const START: &str = "2026-12-05T09:59:30+08:00";

fn clock() -> Arc<RunningClock> {
    Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()))
}

/// A log sink that keeps the lines.
fn log_capture() -> (LogSink, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    (
        Arc::new(move |line: &str| l.lock().unwrap().push(line.to_owned())),
        lines,
    )
}

fn logged(lines: &Mutex<Vec<String>>) -> String {
    lines.lock().unwrap().join("\n")
}

/// Raises this process's open-file soft limit to its hard limit (the client and the server
/// sides of every test connection count against it); returns the soft limit in force.
fn raise_nofile() -> u64 {
    #[cfg(unix)]
    {
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |l| l.0)
    }
    #[cfg(not(unix))]
    {
        u64::MAX
    }
}

fn host(sb: &SandboxHandle) -> String {
    sb.base_url().strip_prefix("http://").unwrap().to_owned()
}

/// Reads an HTTP response up to the server's close; `(status, body)`. An error when the server
/// neither answers nor closes within `within`.
fn read_response(s: &mut TcpStream, within: Duration) -> Result<(u16, String), String> {
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!(
                "still open after {within:?}; got {:?}",
                String::from_utf8_lossy(&got)
            ));
        }
        s.set_read_timeout(Some(left)).unwrap();
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(format!(
                    "still open after {within:?}; got {:?}",
                    String::from_utf8_lossy(&got)
                ));
            }
            Err(e) if got.is_empty() => return Err(format!("closed without an answer: {e}")),
            Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {text:?}"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Whether the server closes `s` (EOF or reset) before `deadline`.
fn closed_by_server(s: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        s.set_read_timeout(Some(left)).unwrap();
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return false,
            Err(_) => return true,
        }
    }
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

/// Deliveries to callbacks that never answer (the receiver accepts TCP and never replies) do not
/// slow API requests down. 530 notifications hang for the whole delivery timeout (30 s): more
/// than the 512 threads of the blocking pool the API requests use, so a delivery that held one
/// of those threads would stall them. Every API call made meanwhile answers in under 5 s.
#[test]
fn callbacks_that_never_answer_do_not_stall_api_requests() {
    raise_nofile();
    const USES: usize = 530;
    let (sb, client) = start(SandboxConfig {
        retry_schedule: vec![Duration::from_secs(1); 3],
        delivery_timeout: Duration::from_secs(30),
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
    let stock = running_stock(&client, USES as i64);
    let (sb, client) = (Arc::new(sb), Arc::new(client));
    // Every call is timed: the sends and uses made while earlier deliveries hang, then more
    // signed calls once at least 64 deliveries hang at the receiver.
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (sb, client, stock) = (sb.clone(), client.clone(), stock.clone());
            std::thread::spawn(move || {
                let a = agent(Duration::from_secs(60));
                let mut worst = Duration::ZERO;
                for i in (w..USES).step_by(4) {
                    let t = Instant::now();
                    let coupon = send_coupon(&sb, &client, &stock, &format!("oU{i}"));
                    worst = worst.max(t.elapsed());
                    let t = Instant::now();
                    let (st, v) = sandbox_post(
                        &a,
                        &format!("{}/sandbox/use", sb.base_url()),
                        &json!({"coupon_id": coupon}),
                    )
                    .unwrap();
                    worst = worst.max(t.elapsed());
                    assert_eq!(st, 200, "{v}");
                }
                worst
            })
        })
        .collect();
    let mut worst = Duration::ZERO;
    for w in workers {
        worst = worst.max(w.join().unwrap());
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while rx.connections() < 64 {
        assert!(Instant::now() < deadline, "the deliveries never reached the receiver");
        std::thread::sleep(Duration::from_millis(10));
    }
    let until = Instant::now() + Duration::from_secs(3);
    let mut calls = 0;
    while Instant::now() < until {
        worst = worst.max(timed_signed_call(&client));
        calls += 1;
    }
    assert!(calls > 3);
    eprintln!("{USES} hanging deliveries: slowest API call {worst:?}");
    assert!(
        worst < Duration::from_secs(5),
        "an API call took {worst:?} while deliveries hung for 30 s"
    );
    let a = agent(Duration::from_secs(30));
    let (_, log) = sandbox_get(&a, &format!("{}/sandbox/notifications", sb.base_url())).unwrap();
    assert_eq!(log["data"].as_array().unwrap().len(), USES);
    assert_eq!(log["data"][0]["acknowledged"], false);
}

/// Each delivery attempt ends at the delivery timeout, is recorded as a timeout, and is retried.
#[test]
fn a_hanging_delivery_attempt_times_out_and_is_retried() {
    let (sb, client) = start(SandboxConfig {
        retry_schedule: vec![Duration::from_millis(100)],
        delivery_timeout: Duration::from_secs(1),
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
    let stock = running_stock(&client, 1);
    let coupon = send_coupon(&sb, &client, &stock, "oT");
    let a = agent(Duration::from_secs(30));
    sandbox_post(
        &a,
        &format!("{}/sandbox/use", sb.base_url()),
        &json!({"coupon_id": coupon}),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let entry = loop {
        let (_, log) = sandbox_get(&a, &format!("{}/sandbox/notifications", sb.base_url())).unwrap();
        if log["data"][0]["gave_up"] == true {
            break log["data"][0].clone();
        }
        assert!(Instant::now() < deadline, "{log}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let attempts = entry["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{entry}");
    assert!(
        attempts
            .iter()
            .all(|a| a["error"].as_str().unwrap().contains("timeout")),
        "{entry}"
    );
    assert_eq!(rx.connections(), 2);
}

// ---- slow clients ----------------------------------------------------------------------

/// A bounded slowloris: 2,000 connections that each send half a request head and then nothing.
/// Signed requests made meanwhile succeed promptly (the cap closes the oldest half-sent
/// connections to admit them), and every half-sent connection is closed by the server: evicted at
/// the cap or cut at the header-read timeout. Both events are logged.
#[test]
fn slowloris_2000_half_sent_requests_do_not_lock_out_signed_requests() {
    let soft = raise_nofile();
    // Client and server sides of each connection are in this process; keep room for the rest.
    let n = 2000.min(usize::try_from(soft.saturating_sub(1200)).unwrap_or(usize::MAX));
    if n < 2000 {
        eprintln!("open-file limit {soft}: scaled the slowloris down to {n} connections");
    }
    let (log, lines) = log_capture();
    let mut limits = ServerLimits::default();
    limits.header_read_timeout = Duration::from_secs(8);
    let (sb, client) = start(SandboxConfig {
        limits,
        log,
        ..SandboxConfig::default()
    });
    let addr = host(&sb);
    let mut half_sent = Vec::with_capacity(n);
    let mut worst = Duration::ZERO;
    for i in 0..n {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(b"POST /v3/marketing/favor/coupon-stocks HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo")
            .unwrap();
        half_sent.push(s);
        if i % 500 == 499 {
            worst = worst.max(timed_signed_call(&client));
        }
    }
    // With all of them sent: a whole business flow still works, and promptly.
    let t = Instant::now();
    let stock = running_stock(&client, 10);
    send_coupon(&sb, &client, &stock, "oLoris");
    worst = worst.max(t.elapsed() / 3);
    for _ in 0..5 {
        worst = worst.max(timed_signed_call(&client));
    }
    eprintln!("slowloris: {n} half-sent connections; slowest signed call {worst:?}");
    assert!(
        worst < Duration::from_secs(4),
        "a signed call took {worst:?} (header timeout 8 s)"
    );
    let deadline = Instant::now() + Duration::from_secs(8 + 30);
    let still_open = half_sent
        .iter_mut()
        .map(|s| closed_by_server(s, deadline))
        .filter(|closed| !closed)
        .count();
    assert_eq!(still_open, 0, "half-sent connections the server kept open");
    eprintln!("slowloris: all closed by the server after {:?}", t.elapsed());
    let text = logged(&lines);
    assert!(text.contains("connection cap (512) reached"), "{text}");
    assert!(text.contains("no complete request head from"), "{text}");
}

/// When every connection slot is inside a request, a new connection is answered `503` at once
/// (WeChat's error style) instead of waiting unseen; the slow bodies holding the slots are
/// answered `408` at the body-read timeout and closed, and the server serves again.
#[test]
fn at_the_cap_with_every_slot_in_a_request_a_new_connection_gets_503() {
    let (log, lines) = log_capture();
    let mut limits = ServerLimits::default();
    limits.max_connections = 4;
    limits.body_read_timeout = Duration::from_secs(5);
    let (sb, client) = start(SandboxConfig {
        limits,
        log,
        ..SandboxConfig::default()
    });
    let addr = host(&sb);
    let mut slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"POST /sandbox/use HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"coupon")
                .unwrap();
            s
        })
        .collect();
    let t = Instant::now();
    std::thread::sleep(Duration::from_millis(500));
    let mut extra = TcpStream::connect(&addr).unwrap();
    extra
        .write_all(b"GET /sandbox/clock HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (status, body) = read_response(&mut extra, Duration::from_secs(20)).unwrap();
    assert_eq!(status, 503, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "SERVICE_UNAVAILABLE");
    assert!(
        t.elapsed() < Duration::from_secs(4),
        "answered only after {:?}",
        t.elapsed()
    );
    for s in &mut slow {
        let (status, body) = read_response(s, Duration::from_secs(30)).unwrap();
        assert_eq!(status, 408, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v["message"].as_str().unwrap().contains("not received within 5s"), "{v}");
    }
    timed_signed_call(&client);
    let text = logged(&lines);
    assert!(text.contains("every connection inside a request: refused"), "{text}");
    assert!(text.contains("not received within 5s: answered 408"), "{text}");
}

/// A `Content-Length` of 1 GB with 10 bytes sent is answered `413` at once and closed: it is
/// neither read nor held open until the body-read timeout (30 s by default).
#[test]
fn a_declared_1gb_body_is_refused_and_closed_without_waiting() {
    let (sb, _client) = start(SandboxConfig::default());
    let mut s = TcpStream::connect(host(&sb)).unwrap();
    s.write_all(b"POST /v3/marketing/favor/coupon-stocks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n0123456789")
        .unwrap();
    let (status, body) = read_response(&mut s, Duration::from_secs(15)).unwrap();
    assert_eq!(status, 413, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "INVALID_REQUEST");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("body too large: at most 3145728 bytes"),
        "{v}"
    );
}

/// A body that stops arriving is answered `408` at the body-read timeout, and the connection
/// is closed.
#[test]
fn a_body_that_stops_arriving_gets_408_at_the_body_timeout() {
    let (log, lines) = log_capture();
    let mut limits = ServerLimits::default();
    limits.body_read_timeout = Duration::from_secs(2);
    let (sb, _client) = start(SandboxConfig {
        limits,
        log,
        ..SandboxConfig::default()
    });
    let mut s = TcpStream::connect(host(&sb)).unwrap();
    let t = Instant::now();
    s.write_all(b"POST /v3/marketing/favor/coupon-stocks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n0123456789")
        .unwrap();
    let (status, body) = read_response(&mut s, Duration::from_secs(30)).unwrap();
    assert_eq!(status, 408, "{body}");
    assert!(
        t.elapsed() >= Duration::from_millis(1500),
        "answered after {:?}",
        t.elapsed()
    );
    assert!(logged(&lines).contains("not received within 2s"));
}

/// A chunked body past the cap is `413` in WeChat's error style; broken chunk framing is a
/// "malformed body", not "body too large".
#[test]
fn oversized_and_malformed_chunked_bodies_get_their_own_answers() {
    let mut limits = ServerLimits::default();
    limits.max_body_bytes = 1024;
    let (sb, _client) = start(SandboxConfig {
        limits,
        ..SandboxConfig::default()
    });
    let mut s = TcpStream::connect(host(&sb)).unwrap();
    let mut req = b"POST /sandbox/use HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..4 {
        req.extend_from_slice(b"200\r\n");
        req.extend_from_slice(&[b'a'; 0x200]);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    s.write_all(&req).unwrap();
    let (status, body) = read_response(&mut s, Duration::from_secs(15)).unwrap();
    assert_eq!(status, 413, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "INVALID_REQUEST");
    assert!(v["message"].as_str().unwrap().contains("at most 1024 bytes"), "{v}");

    let mut s = TcpStream::connect(host(&sb)).unwrap();
    s.write_all(b"POST /sandbox/use HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n")
        .unwrap();
    let (status, body) = read_response(&mut s, Duration::from_secs(15)).unwrap();
    assert_eq!(status, 400, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("malformed body"), "{v}");
    assert!(!message.contains("too large"), "{v}");
}

// ---- bounds ----------------------------------------------------------------------------

/// `/sandbox/clock/advance` refuses a step that would take the business clock past
/// 9999-12-31 (the old code wrapped `i64::MAX` into a negative time), naming the field and the
/// accepted range; the clock is unchanged. The exact maximum is accepted, one more is not.
#[test]
fn clock_advance_refuses_out_of_range_steps() {
    let (sb, _client) = start(SandboxConfig::default());
    let a = agent(Duration::from_secs(30));
    let url = format!("{}/sandbox/clock/advance", sb.base_url());
    for bad in [
        json!(i64::MAX),
        json!(u64::MAX),
        json!(-1),
        json!(1.5),
        json!("60"),
        json!(1e300),
    ] {
        let (st, v) = sandbox_post(&a, &url, &json!({ "seconds": bad })).unwrap();
        assert_eq!(st, 400, "{bad}: {v}");
        assert_eq!(v["code"], "PARAM_ERROR");
        assert_eq!(v["detail"]["field"], "seconds");
        let message = v["message"].as_str().unwrap();
        assert!(message.contains("expected an integer in [0, "), "{message}");
        assert!(message.contains("9999-12-31T00:00:00+08:00"), "{message}");
    }
    let (_, clock) = sandbox_get(&a, &format!("{}/sandbox/clock", sb.base_url())).unwrap();
    assert_eq!(clock["offset_seconds"], 0);
    let now = clock["now"].as_i64().unwrap();
    assert!(now > 0);
    // The whole range, minus a margin for the clock ticking between the two calls.
    let max = wechatpay_sandbox::notify::MAX_BUSINESS_TIME - now - 60;
    let (st, clock) = sandbox_post(&a, &url, &json!({ "seconds": max })).unwrap();
    assert_eq!(st, 200, "{clock}");
    assert!(
        clock["now_rfc3339"].as_str().unwrap().starts_with("9999-12-30T23:"),
        "{clock}"
    );
    let (st, v) = sandbox_post(&a, &url, &json!({ "seconds": 3600 })).unwrap();
    assert_eq!(st, 400, "{v}");
    let (_, after) = sandbox_get(&a, &format!("{}/sandbox/clock", sb.base_url())).unwrap();
    assert_eq!(after["offset_seconds"], max);
}

fn upload(client: &Client, name: &str, bytes: &[u8]) -> HttpResponse {
    let req = client.favor().image_upload_request(name, bytes).unwrap();
    send(&agent(Duration::from_secs(30)), &req).unwrap()
}

fn png(n: u8) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(std::iter::repeat_n(n, 64));
    v
}

/// Uploaded images live as files in the merchant directory's `media/` folder, not in memory;
/// past the cap an upload is refused in WeChat's error style; the same image again is not a
/// new one; and after a restart on the same directory the images are still served and still
/// accepted as `media_url`s.
#[test]
fn uploaded_images_are_kept_on_disk_within_a_cap() {
    let dir = std::env::temp_dir().join(format!(
        "hardening-media-{}-{}",
        std::process::id(),
        wechatpay_coupons::clock::random_string(6).unwrap()
    ));
    let mut limits = ServerLimits::default();
    limits.max_media_files = 2;
    let config = || SandboxConfig {
        merchant_dir: Some(dir.clone()),
        limits: limits.clone(),
        ..SandboxConfig::default()
    };
    let (sb, client) = start(config());
    let first = client
        .favor()
        .parse_image_upload_response(&upload(&client, "a.png", &png(1)))
        .unwrap()
        .media_url;
    client
        .favor()
        .parse_image_upload_response(&upload(&client, "b.png", &png(2)))
        .unwrap();
    client
        .favor()
        .parse_image_upload_response(&upload(&client, "again.png", &png(1)))
        .unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.join("media")).unwrap().flatten().collect();
    assert_eq!(files.len(), 2);
    let full = upload(&client, "c.png", &png(3));
    assert_eq!(full.status, 400, "{}", String::from_utf8_lossy(&full.body));
    let v: Value = serde_json::from_slice(&full.body).unwrap();
    assert_eq!(v["code"], "PARAM_ERROR");
    assert_eq!(v["detail"]["field"], "file");
    assert!(v["message"].as_str().unwrap().contains("media store full"), "{v}");
    sb.shutdown();

    let (sb, client) = start(config());
    let url = first.replacen(first.split("/media/").next().unwrap(), sb.base_url(), 1);
    let mut r = ureq::get(&url).call().unwrap();
    assert_eq!(r.body_mut().read_to_vec().unwrap(), png(1));
    // Ids from URLs never reach the file system unchecked.
    let escape = format!("{}/media/..%2Fmerchant.json", sb.base_url());
    assert_eq!(
        ureq::get(&escape).call().map(|r| r.status().as_u16()).unwrap_or(404),
        404
    );
    let mchid = client.mchid().to_owned();
    let now = client.now();
    let body = json!({
        "stock_name": "图片批次", "belong_merchant": mchid,
        "available_begin_time": rfc3339(now), "available_end_time": rfc3339(now + 86_400),
        "stock_use_rule": {"max_coupons": 10, "max_amount": 1000, "max_coupons_per_user": 1,
            "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000}},
        "pattern_info": {"description": "d", "merchant_logo": url},
        "no_cash": false, "stock_type": "NORMAL", "out_request_no": "img-after-restart",
    });
    call(&client, Method::Post, "/v3/marketing/favor/coupon-stocks", Some(body)).unwrap();
    sb.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- bill output -----------------------------------------------------------------------

/// `/sandbox/use` refuses values that would break the bill (`a,b\r\nX` as a transaction id,
/// and the like), naming the field; accepted values come back intact from the bill through the
/// core's bill parser and through a plain CSV reader.
#[test]
fn sandbox_use_fields_cannot_break_the_bill() {
    let (sb, client) = start(SandboxConfig::default());
    let a = agent(Duration::from_secs(30));
    let use_url = format!("{}/sandbox/use", sb.base_url());
    let stock = running_stock(&client, 10);
    let coupon = send_coupon(&sb, &client, &stock, "oBill");
    for (field, value) in [
        ("transaction_id", json!("a,b\r\nX")),
        ("transaction_id", json!("4200\"000")),
        ("transaction_id", json!(4_200_000_000_i64)),
        ("transaction_id", json!("1".repeat(33))),
        ("mchid", json!("1900,000001")),
        ("coupon_id", json!(format!("{coupon}\n"))),
        ("openid", json!("oBill\r\n")),
        ("order_amount", json!(-1500)),
        ("order_amount", json!("1500")),
    ] {
        let mut body = json!({"coupon_id": coupon, "order_amount": 1500});
        body[field] = value.clone();
        let (st, v) = sandbox_post(&a, &use_url, &body).unwrap();
        assert_eq!(st, 400, "{field}={value}: {v}");
        assert_eq!(v["code"], "PARAM_ERROR", "{v}");
        assert_eq!(v["detail"]["field"], field, "{v}");
    }
    let long = "9".repeat(10_000);
    let (st, v) = sandbox_post(&a, &use_url, &json!({"coupon_id": coupon, "transaction_id": long})).unwrap();
    assert_eq!(st, 400);
    assert!(v.to_string().len() < 1000, "the echoed value is cut: {v}");
    // Still unused; a valid use goes into the bill as sent.
    let tid = "4200000000202612050000012345";
    let (st, v) = sandbox_post(
        &a,
        &use_url,
        &json!({"coupon_id": coupon, "order_amount": 1500, "transaction_id": tid, "mchid": client.mchid()}),
    )
    .unwrap();
    assert_eq!(st, 200, "{v}");
    sandbox_post(
        &a,
        &format!("{}/sandbox/clock/advance", sb.base_url()),
        &json!({"seconds": 3 * 86_400}),
    )
    .unwrap();
    let flow = raw(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks/{stock}/use-flow"),
        None,
    );
    let verified = client.parse_response(&flow).unwrap();
    let download = wechatpay_coupons::favor::bills::BillDownload::from_response(&verified).unwrap();
    let file = raw(
        &client,
        Method::Get,
        download.url.strip_prefix(sb.base_url()).unwrap(),
        None,
    );
    assert_eq!(file.status, 200);
    let bill =
        wechatpay_coupons::favor::bills::parse_bill::<wechatpay_coupons::favor::bills::UseFlow>(&file.body, &download)
            .unwrap();
    assert_eq!(bill.rows.len(), 1);
    assert_eq!(bill.rows[0].columns.transaction_id.as_deref(), Some(tid));
    assert_eq!(bill.rows[0].columns.coupon_id, coupon.as_str());
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&file.body[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!((rows[0].len(), rows[1].len()), (12, 12), "{rows:?}");
    assert_eq!(rows[1][6], format!("`{tid}"));
    assert_eq!(rows[3], vec!["`1".to_owned()]);
}

// ---- the loopback rule -----------------------------------------------------------------

/// An `http://` callback must name a literal loopback address or `localhost`: names that merely
/// start with `127.` or `localhost` are refused, naming `notify_url`.
#[test]
fn http_callbacks_on_look_alike_loopback_names_are_refused() {
    let (_sb, client) = start(SandboxConfig::default());
    for url in [
        "http://127.example.com/n",
        "http://127.0.0.1.nip.io/n",
        "http://localhost.example.com/n",
        "http://127.0.0.1@evil.example/n",
    ] {
        let r = raw(
            &client,
            Method::Post,
            "/v3/marketing/favor/callbacks",
            Some(json!({"mchid": client.mchid(), "notify_url": url})),
        );
        assert_eq!(r.status, 400, "{url}: {}", String::from_utf8_lossy(&r.body));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["detail"]["field"], "notify_url", "{url}: {v}");
    }
    for url in [
        "http://127.0.0.1:9/n",
        "http://127.8.9.10/n",
        "http://localhost:9/n",
        "http://[::1]:9/n",
    ] {
        call(
            &client,
            Method::Post,
            "/v3/marketing/favor/callbacks",
            Some(json!({"mchid": client.mchid(), "notify_url": url})),
        )
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}
