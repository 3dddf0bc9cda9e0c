//! Durable sandbox state: what was answered 2xx survives a restart and a `kill -9`, ids never
//! repeat, one sandbox per directory, and `merchant.json` is never seen half-written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wechatpay_coupons::{Client, Error, Method};
use wechatpay_sandbox::http_client::{agent, sandbox_get, sandbox_post, send};
use wechatpay_sandbox::merchant::{self, MerchantConfig};
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339, rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

/// The in-process sandboxes run on this injected clock (shared with their clients).
const START: &str = "2026-12-05T09:59:30+08:00";

/// Removes its directory when dropped (also when the test panics).
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh, not yet existing path under the temp dir and the guard that removes it.
fn tmp(name: &str) -> (PathBuf, Cleanup) {
    let d = std::env::temp_dir().join(format!("wcp-durable-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_file(&d);
    (d.clone(), Cleanup(d))
}

fn call(client: &Client, method: Method, path: &str, body: Option<Value>) -> Result<Value, Error> {
    let req = client
        .request(
            method,
            path,
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        )
        .unwrap();
    let resp = send(&agent(Duration::from_secs(30)), &req).unwrap();
    let v = client.parse_response(&resp)?;
    Ok(serde_json::from_slice(&v.body).unwrap_or(Value::Null))
}

fn api_status(r: Result<Value, Error>) -> (u16, String) {
    match r {
        Err(Error::Api(a)) => (a.status, a.code.unwrap_or_default()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn stock_body(mchid: &str, begin: i64, max_coupons: i64, no: &str) -> Value {
    json!({
        "stock_name": "持久化测试", "belong_merchant": mchid,
        "available_begin_time": rfc3339(begin), "available_end_time": rfc3339(begin + 86_400),
        "stock_use_rule": {"max_coupons": max_coupons, "max_amount": 100 * max_coupons,
            "max_coupons_per_user": 1, "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000},
            "available_items": ["SKU-1"]},
        "no_cash": false, "stock_type": "NORMAL", "out_request_no": no,
    })
}

/// Creates and starts a stock beginning at `begin`; returns its id.
fn running_stock(client: &Client, begin: i64, max_coupons: i64, no: &str) -> String {
    let mchid = client.mchid().to_owned();
    let v = call(
        client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(stock_body(&mchid, begin, max_coupons, no)),
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

fn send_coupon(client: &Client, appid: &str, stock: &str, openid: &str, no: &str) -> Result<Value, Error> {
    call(
        client,
        Method::Post,
        &format!("/v3/marketing/favor/users/{openid}/coupons"),
        Some(json!({"stock_id": stock, "out_request_no": no, "appid": appid, "stock_creator_mchid": client.mchid()})),
    )
}

fn get_stock(client: &Client, stock: &str) -> Value {
    call(
        client,
        Method::Get,
        &format!(
            "/v3/marketing/favor/stocks/{stock}?stock_creator_mchid={}",
            client.mchid()
        ),
        None,
    )
    .unwrap()
}

fn get_coupon(client: &Client, appid: &str, openid: &str, coupon: &str) -> Result<Value, Error> {
    call(
        client,
        Method::Get,
        &format!("/v3/marketing/favor/users/{openid}/coupons/{coupon}?appid={appid}"),
        None,
    )
}

fn id_num(v: &Value) -> u64 {
    v.as_str().unwrap().parse().unwrap()
}

// ---- the real binary -------------------------------------------------------------------------

/// `wechatpay-sandbox --dir <dir> --port 0` (this crate's binary), stderr into the file `stderr`.
fn spawn_sandbox(dir: &Path, stderr: &Path) -> Child {
    let stderr = std::fs::File::create(stderr).unwrap();
    Command::new(env!("CARGO_BIN_EXE_wechatpay-sandbox"))
        .args(["--port", "0", "--dir"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(stderr))
        .spawn()
        .unwrap()
}

/// Where the first sandbox on `dir` writes its stderr (beside the directory).
fn stderr_path(dir: &Path) -> PathBuf {
    let mut p = dir.as_os_str().to_owned();
    p.push(".stderr");
    PathBuf::from(p)
}

/// Starts the binary and waits for its "listening on" line; returns the child and base URL.
fn start_binary(dir: &Path) -> (Child, String) {
    let mut child = spawn_sandbox(dir, &stderr_path(dir));
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        match lines.next() {
            Some(Ok(l)) => {
                if let Some((_, url)) = l.split_once("listening on ") {
                    break url.trim().to_owned();
                }
            }
            _ => panic!(
                "the sandbox did not start: {}",
                std::fs::read_to_string(stderr_path(dir)).unwrap_or_default()
            ),
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// Waits up to `limit` for the child to exit on its own.
fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Kills the child when dropped (a failed assertion must not leave a sandbox running).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A coupon that was answered 2xx during the load.
#[derive(Debug, Clone)]
struct Sent {
    coupon_id: String,
    openid: String,
    out_request_no: String,
}

#[test]
fn kill_9_mid_load_loses_no_answered_send_and_ids_never_repeat() {
    const THREADS: usize = 4;
    const MAX_COUPONS: i64 = 300;
    const KILL_AFTER: usize = 100;
    const OFFSET: i64 = 7_200;
    let (root, _cleanup) = tmp("kill9");
    std::fs::create_dir_all(&root).unwrap();
    let dir = root.join("merchant");

    // ---- first run: set up, then a load of concurrent sends, killed with SIGKILL midway.
    let (child, base) = start_binary(&dir);
    let mut first = Running(child);
    let client = Arc::new(merchant::client_builder(&dir, true, false).unwrap().build().unwrap());
    let appid = Arc::new(
        serde_json::from_slice::<MerchantConfig>(&std::fs::read(dir.join("merchant.json")).unwrap())
            .unwrap()
            .appid,
    );
    let stock = Arc::new(running_stock(&client, client.now(), MAX_COUPONS, "kill9-stock"));
    let notify_url = format!("{base}/callback/never-called");
    call(
        &client,
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": client.mchid(), "notify_url": notify_url})),
    )
    .unwrap();
    let a = agent(Duration::from_secs(30));
    let (st, _) = sandbox_post(
        &a,
        &format!("{base}/sandbox/clock/advance"),
        &json!({"seconds": OFFSET}),
    )
    .unwrap();
    assert_eq!(st, 200);

    let sent = Arc::new(Mutex::new(Vec::<Sent>::new()));
    let ok = Arc::new(AtomicUsize::new(0));
    let unexpected = Arc::new(Mutex::new(Vec::<String>::new()));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (client, appid, stock) = (client.clone(), appid.clone(), stock.clone());
            let (sent, ok, unexpected) = (sent.clone(), ok.clone(), unexpected.clone());
            std::thread::spawn(move || {
                let a = agent(Duration::from_secs(30));
                // Bounded: at most MAX_COUPONS requests per thread; stops at the first transport
                // error (the kill).
                for i in 0..MAX_COUPONS {
                    let (openid, no) = (format!("load-{t}-{i}"), format!("kill9-{t}-{i}"));
                    let req = client
                        .request(
                            Method::Post,
                            &format!("/v3/marketing/favor/users/{openid}/coupons"),
                            json!({"stock_id": *stock, "out_request_no": no, "appid": *appid,
                                   "stock_creator_mchid": client.mchid()})
                            .to_string()
                            .into_bytes(),
                        )
                        .unwrap();
                    let Ok(resp) = send(&a, &req) else { return };
                    match client.parse_response(&resp) {
                        Ok(v) => {
                            let body: Value = serde_json::from_slice(&v.body).unwrap();
                            sent.lock().unwrap().push(Sent {
                                coupon_id: body["coupon_id"].as_str().unwrap().to_owned(),
                                openid,
                                out_request_no: no,
                            });
                            ok.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) => unexpected.lock().unwrap().push(e.to_string()),
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(300);
    while ok.load(Ordering::SeqCst) < KILL_AFTER && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    first.0.kill().unwrap(); // SIGKILL
    first.0.wait().unwrap();
    for t in threads {
        t.join().unwrap();
    }
    let sent = sent.lock().unwrap().clone();
    assert!(
        unexpected.lock().unwrap().is_empty(),
        "{:?}",
        unexpected.lock().unwrap()
    );
    assert!(sent.len() >= KILL_AFTER, "only {} sends answered", sent.len());
    assert!(
        (sent.len() as i64) < MAX_COUPONS,
        "the kill must land mid-load, before the budget runs out"
    );

    // ---- restart on the same directory: the killed process's lock does not block it.
    let (child, base2) = start_binary(&dir);
    let _second = Running(child);
    let client = merchant::client_builder(&dir, true, false).unwrap().build().unwrap();
    // Every coupon answered 2xx exists.
    for s in &sent {
        let c = get_coupon(&client, &appid, &s.openid, &s.coupon_id)
            .unwrap_or_else(|e| panic!("coupon {} answered 2xx is gone: {e}", s.coupon_id));
        assert_eq!(c["stock_id"], json!(*stock));
        assert_eq!(c["status"], "SENDED");
    }
    // distributed_coupons counts them, plus at most the sends in flight at the kill.
    let distributed = get_stock(&client, &stock)["distributed_coupons"].as_i64().unwrap();
    let answered = sent.len() as i64;
    assert!(
        answered <= distributed && distributed <= answered + THREADS as i64,
        "distributed_coupons {distributed}, answered {answered}, in flight ≤ {THREADS}"
    );
    // An answered send replayed after the restart is the same coupon (idempotency kept).
    let first_sent = &sent[0];
    let again = send_coupon(&client, &appid, &stock, &first_sent.openid, &first_sent.out_request_no).unwrap();
    assert_eq!(again["coupon_id"], json!(first_sent.coupon_id));
    // The budget holds exactly across the restart: sends succeed until max_coupons, no further.
    let old_ids: HashSet<String> = sent.iter().map(|s| s.coupon_id.clone()).collect();
    let mut after = 0i64;
    for i in 0..MAX_COUPONS {
        match send_coupon(&client, &appid, &stock, &format!("after-{i}"), &format!("after-{i}")) {
            Ok(v) => {
                let id = v["coupon_id"].as_str().unwrap().to_owned();
                assert!(!old_ids.contains(&id), "coupon id {id} handed out twice");
                assert!(id_num(&v["coupon_id"]) > old_ids.iter().map(|x| x.parse::<u64>().unwrap()).max().unwrap());
                after += 1;
            }
            Err(e) => {
                assert_eq!(api_status(Err(e)), (403, "NOT_ENOUGH".to_owned()));
                break;
            }
        }
    }
    assert_eq!(distributed + after, MAX_COUPONS);
    assert_eq!(
        get_stock(&client, &stock)["distributed_coupons"].as_i64().unwrap(),
        MAX_COUPONS
    );
    // New stock ids continue after the old one.
    let newer = running_stock(&client, client.now() + OFFSET, 1, "kill9-stock-2");
    assert!(id_num(&json!(newer)) > id_num(&json!(*stock)), "{newer} after {stock}");
    // The callback and the clock offset survived.
    let cb = call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/callbacks?mchid={}", client.mchid()),
        None,
    )
    .unwrap();
    assert_eq!(cb["notify_url"], json!(notify_url));
    let (st, clock) = sandbox_get(&a, &format!("{base2}/sandbox/clock")).unwrap();
    assert_eq!(st, 200);
    assert_eq!(clock["offset_seconds"], json!(OFFSET));
}

#[test]
fn a_second_sandbox_on_the_same_dir_is_refused_clearly() {
    let (root, _cleanup) = tmp("twice");
    std::fs::create_dir_all(&root).unwrap();
    let dir = root.join("merchant");
    let (child, base) = start_binary(&dir);
    let _first = Running(child);
    let config_before = std::fs::read(dir.join("merchant.json")).unwrap();

    let second_stderr = root.join("second.stderr");
    let mut second = Running(spawn_sandbox(&dir, &second_stderr));
    let status =
        wait_exit(&mut second.0, Duration::from_secs(60)).expect("a second sandbox on the same --dir kept running");
    assert!(!status.success());
    let err = std::fs::read_to_string(&second_stderr).unwrap();
    assert!(err.contains("already running"), "{err}");
    assert!(err.contains("--dir"), "{err}");
    assert!(err.contains(&dir.display().to_string()), "{err}");
    assert!(err.contains("sandbox.lock"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The first one is untouched and still serving.
    assert_eq!(std::fs::read(dir.join("merchant.json")).unwrap(), config_before);
    let (st, _) = sandbox_get(&agent(Duration::from_secs(10)), &format!("{base}/sandbox/clock")).unwrap();
    assert_eq!(st, 200);
}

#[test]
fn dir_that_is_a_file_is_explained() {
    let (root, _cleanup) = tmp("file");
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join("not-a-dir");
    std::fs::write(&file, b"hello").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wechatpay-sandbox"))
        .args(["--port", "0", "--dir"])
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--dir"), "{err}");
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("not a directory"), "{err}");
    assert!(err.contains("expected a directory"), "{err}");
    assert!(!err.contains("File exists"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"hello");
}

// ---- in process, on an injected clock ---------------------------------------------------------

fn start_in(dir: &Path, clock: Arc<RunningClock>) -> (SandboxHandle, Client) {
    let sb = Sandbox::start(SandboxConfig {
        merchant_dir: Some(dir.to_path_buf()),
        clock: clock.clone(),
        strict_bill_timing: false,
        retry_schedule: Vec::new(),
        delivery_timeout: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = merchant::client_builder(dir, true, false)
        .unwrap()
        .clock(clock)
        .build()
        .unwrap();
    (sb, client)
}

fn bill_rows(client: &Client, stock: &str, kind: &str) -> usize {
    let v = call(
        client,
        Method::Get,
        &format!("/v3/marketing/favor/stocks/{stock}/{kind}"),
        None,
    )
    .unwrap();
    let url = v["url"].as_str().unwrap();
    let path = url.split_once("/v3/").map(|(_, p)| format!("/v3/{p}")).unwrap();
    let req = client.request(Method::Get, &path, Vec::new()).unwrap();
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    assert_eq!(resp.status, 200);
    let text = String::from_utf8(resp.body.clone()).unwrap();
    text.lines().filter(|l| l.starts_with('`')).count() - 1 // minus the 总条数 value line
}

#[test]
fn every_kind_of_change_survives_a_restart() {
    let (dir, _cleanup) = tmp("restart");
    let clock = Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()));
    let a = agent(Duration::from_secs(10));

    let (sb, client) = start_in(&dir, clock.clone());
    let appid = sb.merchant().appid.clone();
    let base = sb.base_url().to_owned();
    let stock = running_stock(&client, client.now(), 10, "restart-stock");
    let future_begin = client.now() + 86_400;
    let future = call(
        &client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(stock_body(client.mchid(), future_begin, 10, "restart-future")),
    )
    .unwrap()["stock_id"]
        .clone();
    let paused = running_stock(&client, client.now(), 10, "restart-paused");
    call(
        &client,
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{paused}/pause"),
        Some(json!({"stock_creator_mchid": client.mchid()})),
    )
    .unwrap();
    call(
        &client,
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{stock}/modify-goods-id"),
        Some(json!({"stock_creator_mchid": client.mchid(), "add_goods_id_list": ["SKU-2"]})),
    )
    .unwrap();
    let receiver_url = format!("{base}/nobody-listens-here");
    call(
        &client,
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": client.mchid(), "notify_url": receiver_url})),
    )
    .unwrap();
    let c1 = send_coupon(&client, &appid, &stock, "alice", "restart-send-1").unwrap()["coupon_id"].clone();
    let c2 = send_coupon(&client, &appid, &stock, "bob", "restart-send-2").unwrap()["coupon_id"].clone();
    let (st, used) = sandbox_post(
        &a,
        &format!("{base}/sandbox/use"),
        &json!({"coupon_id": c1, "openid": "alice"}),
    )
    .unwrap();
    assert_eq!(st, 200, "{used}");
    let (st, _) = sandbox_post(&a, &format!("{base}/sandbox/use"), &json!({"coupon_id": c2})).unwrap();
    assert_eq!(st, 200);
    let (st, refund) = sandbox_post(&a, &format!("{base}/sandbox/refund"), &json!({"coupon_id": c2})).unwrap();
    assert_eq!(st, 200, "{refund}");
    let (st, _) = sandbox_post(&a, &format!("{base}/sandbox/clock/advance"), &json!({"seconds": 3600})).unwrap();
    assert_eq!(st, 200);
    let stock_before = get_stock(&client, &stock);
    let first_notification = used["notification_id"].as_str().unwrap().to_owned();
    sb.shutdown();

    let (sb, client) = start_in(&dir, clock.clone());
    let base = sb.base_url().to_owned();
    assert_eq!(sb.merchant().appid, appid, "the merchant is loaded, not made anew");
    // Stocks with their status, items and counters.
    let stock_after = get_stock(&client, &stock);
    assert_eq!(stock_after, stock_before);
    assert_eq!(stock_after["distributed_coupons"], 2);
    assert_eq!(get_stock(&client, &paused)["status"], "paused");
    let items = call(
        &client,
        Method::Get,
        &format!(
            "/v3/marketing/favor/stocks/{stock}/items?offset=0&limit=10&stock_creator_mchid={}",
            client.mchid()
        ),
        None,
    )
    .unwrap();
    assert_eq!(items["data"], json!(["SKU-1", "SKU-2"]));
    // Coupons with their status and use details.
    let used1 = get_coupon(&client, &appid, "alice", c1.as_str().unwrap()).unwrap();
    assert_eq!(used1["status"], "USED");
    assert_eq!(used1["consume_information"]["transaction_id"], used["transaction_id"]);
    let back = get_coupon(&client, &appid, "bob", c2.as_str().unwrap()).unwrap();
    assert_eq!(back["status"], "SENDED");
    // The per-user limit (1) still counts alice's coupon; idempotent replays still answer.
    assert_eq!(
        api_status(send_coupon(&client, &appid, &stock, "alice", "restart-send-3")),
        (403, "REQUEST_BLOCKED".to_owned())
    );
    assert_eq!(
        send_coupon(&client, &appid, &stock, "bob", "restart-send-2").unwrap()["coupon_id"],
        c2
    );
    let replay = call(
        &client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(stock_body(client.mchid(), future_begin, 10, "restart-future")),
    )
    .unwrap();
    assert_eq!(replay["stock_id"], future, "same request, same stock");
    let changed = call(
        &client,
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(stock_body(client.mchid(), future_begin, 11, "restart-future")),
    );
    assert_eq!(
        api_status(changed),
        (400, "INVALID_REQUEST".to_owned()),
        "same out_request_no, other content"
    );
    // Uses and refunds are in the bills.
    assert_eq!(bill_rows(&client, &stock, "use-flow"), 2);
    assert_eq!(bill_rows(&client, &stock, "refund-flow"), 1);
    // Callback and clock offset.
    let cb = call(
        &client,
        Method::Get,
        &format!("/v3/marketing/favor/callbacks?mchid={}", client.mchid()),
        None,
    )
    .unwrap();
    assert_eq!(cb["notify_url"], json!(receiver_url));
    let (_, clock_now) = sandbox_get(&a, &format!("{base}/sandbox/clock")).unwrap();
    assert_eq!(clock_now["offset_seconds"], 3600);
    // New ids continue: stock, coupon, transaction and notification ids are all new.
    let c3 = send_coupon(&client, &appid, &stock, "carol", "restart-send-4").unwrap()["coupon_id"].clone();
    assert!(id_num(&c3) > id_num(&c2));
    let (st, used3) = sandbox_post(&a, &format!("{base}/sandbox/use"), &json!({"coupon_id": c3})).unwrap();
    assert_eq!(st, 200);
    assert_ne!(used3["transaction_id"], used["transaction_id"]);
    let second_notification = used3["notification_id"].as_str().unwrap();
    assert_ne!(second_notification, first_notification);
    assert!(
        second_notification > first_notification.as_str(),
        "{second_notification} after {first_notification}"
    );
    let newer = running_stock(&client, client.now() + 3600, 1, "restart-stock-2");
    assert!(id_num(&json!(newer)) > id_num(&json!(paused)));
    sb.shutdown();
}

#[test]
fn a_failed_commit_is_not_answered_2xx_and_freezes_the_state_until_a_restart() {
    let (dir, _cleanup) = tmp("busy");
    let clock = Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()));
    let (sb, client) = start_in(&dir, clock.clone());
    let appid = sb.merchant().appid.clone();
    let stock = running_stock(&client, client.now(), 10, "busy-stock");
    // Another writer holds the database: the sandbox's commit cannot go through.
    let db = rusqlite::Connection::open(dir.join(wechatpay_sandbox::store::DB_FILE)).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert_eq!(
        api_status(send_coupon(&client, &appid, &stock, "dave", "busy-1")),
        (500, "SYSTEM_ERROR".to_owned())
    );
    db.execute_batch("ROLLBACK").unwrap();
    // Memory may now hold what the disk does not: nothing more is answered from it.
    let frozen = call(
        &client,
        Method::Get,
        &format!(
            "/v3/marketing/favor/stocks/{stock}?stock_creator_mchid={}",
            client.mchid()
        ),
        None,
    );
    assert_eq!(api_status(frozen), (500, "SYSTEM_ERROR".to_owned()));
    assert_eq!(
        api_status(send_coupon(&client, &appid, &stock, "erin", "busy-2")),
        (500, "SYSTEM_ERROR".to_owned())
    );
    sb.shutdown();
    // A restart continues from what was saved: the failed send never happened.
    let (sb, client) = start_in(&dir, clock);
    assert_eq!(get_stock(&client, &stock)["distributed_coupons"], 0);
    let c = send_coupon(&client, &appid, &stock, "dave", "busy-1").unwrap();
    assert_eq!(get_stock(&client, &stock)["distributed_coupons"], 1);
    assert!(get_coupon(&client, &appid, "dave", c["coupon_id"].as_str().unwrap()).is_ok());
    sb.shutdown();
}

#[test]
fn merchant_json_is_never_seen_empty_or_partial_across_restarts() {
    const RESTARTS: usize = 60;
    let (dir, _cleanup) = tmp("reader");
    let clock = Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()));
    let (sb, _) = start_in(&dir, clock.clone());
    sb.shutdown();
    let path = dir.join("merchant.json");
    let stop = Arc::new(AtomicBool::new(false));
    let (reads, bad) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(Vec::new())));
    let reader = {
        let (stop, reads, bad, path) = (stop.clone(), reads.clone(), bad.clone(), path.clone());
        std::thread::spawn(move || {
            // Bounded by the restarts below (and a hard cap of 10 million reads).
            for _ in 0..10_000_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let bytes = std::fs::read(&path).unwrap();
                reads.fetch_add(1, Ordering::Relaxed);
                if serde_json::from_slice::<MerchantConfig>(&bytes).is_err() {
                    bad.lock().unwrap().push(bytes.len());
                }
            }
        })
    };
    for _ in 0..RESTARTS {
        let (sb, _) = start_in(&dir, clock.clone());
        sb.shutdown();
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    let bad = bad.lock().unwrap();
    assert!(reads.load(Ordering::Relaxed) > RESTARTS, "the reader hardly ran");
    assert!(
        bad.is_empty(),
        "{} of {} reads saw a broken merchant.json (lengths {:?})",
        bad.len(),
        reads.load(Ordering::Relaxed),
        &bad[..bad.len().min(10)]
    );
    // No temporary file is left behind, and the config stays owner-only.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
