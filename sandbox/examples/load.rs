//! Bounded load run against a loopback sandbox: requests per second for signed, typed calls
//! (client validation + signing, server authentication + validation + response signing, client
//! verification + decoding), compared with the bare RSA-2048 signing rate measured in the same
//! run. Each request costs one client signature, one server verification, one server response
//! signature and one client verification.
//!
//! Two kinds of request: `list` (list-stocks, a read) and `send` (send-coupon to a new user
//! each time, a write that the sandbox makes durable before answering).
//!
//! `cargo run --release -p wechatpay-sandbox --example load [threads] [requests-per-thread] [runs] [list|send|both]`
//!
//! Prints every run and the median of `runs` runs (default 3) for each kind (default both).

use std::sync::Arc;
use std::time::{Duration, Instant};

use std::sync::atomic::{AtomicU64, Ordering};

use wechatpay_coupons::favor::models::{ListStocksRequest, SendCouponRequest};
use wechatpay_coupons::{Client, MerchantPrivateKey, Method};
use wechatpay_sandbox::{Sandbox, SandboxConfig, http_client, merchant};

/// What the load sends.
#[derive(Clone)]
enum Kind {
    /// List stocks (read only).
    List,
    /// Send a coupon of this stock, appid, to a new openid each time (a durable write).
    Send { stock_id: String, appid: String },
}

/// Numbers the sends: every one goes to a new user with a new out_request_no.
static SENDS: AtomicU64 = AtomicU64::new(0);

/// One request of `kind`, sent and verified.
fn one(client: &Client, agent: &ureq::Agent, kind: &Kind) -> Result<(), String> {
    match kind {
        Kind::List => {
            let list = ListStocksRequest {
                offset: 0,
                limit: 5,
                stock_creator_mchid: client.mchid().to_owned(),
                ..ListStocksRequest::default()
            };
            let built = client.favor().list_stocks(&list).map_err(|e| e.to_string())?;
            let resp = http_client::send(agent, &built.request)?;
            client
                .favor()
                .favor_response::<ListStocksRequest>(&resp)
                .map_err(|e| e.to_string())?;
        }
        Kind::Send { stock_id, appid } => {
            let n = SENDS.fetch_add(1, Ordering::Relaxed);
            let send = SendCouponRequest {
                openid: format!("load-user-{n}"),
                stock_id: stock_id.clone(),
                out_request_no: format!("load-{n}"),
                appid: appid.clone(),
                stock_creator_mchid: client.mchid().to_owned(),
                ..SendCouponRequest::default()
            };
            let built = client.favor().favor_request(&send).map_err(|e| e.to_string())?;
            let resp = http_client::send(agent, &built.request)?;
            client
                .favor()
                .favor_response::<SendCouponRequest>(&resp)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Creates and starts a stock with room for `coupons` coupons; returns its id.
fn send_stock(client: &Client, coupons: usize) -> Result<String, String> {
    let agent = http_client::agent(Duration::from_secs(30));
    let call = |path: String, body: serde_json::Value| -> Result<serde_json::Value, String> {
        let req = client
            .request(Method::Post, &path, body.to_string().into_bytes())
            .map_err(|e| e.to_string())?;
        let resp = http_client::send(&agent, &req)?;
        let v = client.parse_response(&resp).map_err(|e| e.to_string())?;
        serde_json::from_slice(&v.body).map_err(|e| e.to_string())
    };
    let now = client.now();
    let time = |t: i64| wechatpay_sandbox::util::rfc3339(t);
    let max = coupons.max(5);
    let created = call(
        "/v3/marketing/favor/coupon-stocks".into(),
        serde_json::json!({
            "stock_name": "压测批次", "belong_merchant": client.mchid(),
            "available_begin_time": time(now), "available_end_time": time(now + 86_400),
            "stock_use_rule": {"max_coupons": max, "max_amount": 100 * max, "max_coupons_per_user": 1,
                "natural_person_limit": false, "prevent_api_abuse": false},
            "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000}},
            "no_cash": false, "stock_type": "NORMAL", "out_request_no": "load-stock",
        }),
    )?;
    let stock_id = created["stock_id"].as_str().ok_or("no stock_id")?.to_owned();
    call(
        format!("/v3/marketing/favor/stocks/{stock_id}/start"),
        serde_json::json!({"stock_creator_mchid": client.mchid()}),
    )?;
    Ok(stock_id)
}

/// One load run: verified requests per second.
fn load_run(client: &Arc<Client>, kind: &Kind, threads: usize, per_thread: usize) -> Result<(usize, f64), String> {
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (client, kind) = (client.clone(), kind.clone());
            std::thread::spawn(move || -> Result<usize, String> {
                let agent = http_client::agent(Duration::from_secs(30));
                let mut ok = 0;
                for _ in 0..per_thread {
                    one(&client, &agent, &kind)?;
                    ok += 1;
                }
                Ok(ok)
            })
        })
        .collect();
    let mut total = 0;
    for h in handles {
        total += h.join().map_err(|_| "load thread panicked".to_string())??;
    }
    Ok((total, total as f64 / started.elapsed().as_secs_f64()))
}

/// Bare RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second on one thread.
fn sign_rate(key: &MerchantPrivateKey, n: u32) -> Result<f64, String> {
    let t = Instant::now();
    for i in 0..n {
        key.sign(format!("GET\n/v3/x\n{i}\nnonce\n\n").as_bytes())
            .map_err(|e| e.to_string())?;
    }
    Ok(f64::from(n) / t.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4).clamp(1, 64);
    let per_thread: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(250).clamp(1, 10_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).clamp(1, 15);
    let which = args.next().unwrap_or_else(|| "both".into());
    if !["list", "send", "both"].contains(&which.as_str()) {
        return Err(format!("kind {which:?}: expected list, send or both"));
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let sb = Sandbox::start(SandboxConfig::default()).map_err(|e| e.to_string())?;
    let client = Arc::new(
        merchant::client_builder(sb.merchant_dir(), true, false)
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| e.to_string())?,
    );
    let key_pem = std::fs::read(sb.merchant_dir().join("apiclient_key.pem")).map_err(|e| e.to_string())?;
    let key = MerchantPrivateKey::from_pem(key_pem).map_err(|e| e.to_string())?;
    let mut kinds = Vec::new();
    if which != "send" {
        kinds.push(("list-stocks", Kind::List));
    }
    if which != "list" {
        let stock_id = send_stock(&client, threads * per_thread * (runs + 1))?;
        kinds.push((
            "send-coupon",
            Kind::Send {
                stock_id,
                appid: sb.merchant().appid.clone(),
            },
        ));
    }
    for (name, kind) in &kinds {
        // Warm-up: connections, page cache, CPU frequency.
        load_run(&client, kind, threads, (per_thread / 10).max(1))?;
        println!("{runs} run(s) of {threads} client threads × {per_thread} typed {name} requests on {cores} core(s)");
        let (mut rps_all, mut sign_all, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for run in 1..=runs {
            // Signing rate measured just before and just after the load, averaged: the
            // machine's background load changes both in the same way.
            let before = sign_rate(&key, 1000)?;
            let (total, rps) = load_run(&client, kind, threads, per_thread)?;
            let sps = (before + sign_rate(&key, 1000)?) / 2.0;
            println!(
                "run {run}: {total} verified requests, {rps:.0} req/s; bare RSA-2048 signing {sps:.0} sig/s (one thread); ratio {:.3}",
                rps / sps
            );
            rps_all.push(rps);
            sign_all.push(sps);
            ratios.push(rps / sps);
        }
        println!(
            "{name} median: {:.0} req/s, bare RSA-2048 signing {:.0} sig/s, median ratio {:.3} req/s per sig/s \
             (each request = 2 signatures + 2 verifications, client and server on the same {cores} core(s))",
            median(rps_all),
            median(sign_all),
            median(ratios)
        );
    }
    sb.shutdown();
    Ok(())
}
