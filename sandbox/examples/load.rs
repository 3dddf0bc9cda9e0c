//! Bounded load run against a loopback sandbox: requests per second for signed, typed
//! list-stocks calls (client validation + signing, server authentication + validation + response
//! signing, client verification + decoding), compared with the bare RSA-2048 signing rate
//! measured in the same run. Each request costs one client signature, one server verification,
//! one server response signature and one client verification.
//!
//! `cargo run --release -p wechatpay-sandbox --example load [threads] [requests-per-thread] [runs]`
//!
//! Prints every run and the median of `runs` runs (default 3).

use std::sync::Arc;
use std::time::{Duration, Instant};

use wechatpay_coupons::MerchantPrivateKey;
use wechatpay_coupons::favor::models::ListStocksRequest;
use wechatpay_sandbox::{Sandbox, SandboxConfig, http_client, merchant};

/// One load run: verified requests per second.
fn load_run(
    client: &Arc<wechatpay_coupons::Client>,
    threads: usize,
    per_thread: usize,
) -> Result<(usize, f64), String> {
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || -> Result<usize, String> {
                let agent = http_client::agent(Duration::from_secs(30));
                let list = ListStocksRequest {
                    offset: 0,
                    limit: 5,
                    stock_creator_mchid: client.mchid().to_owned(),
                    ..ListStocksRequest::default()
                };
                let mut ok = 0;
                for _ in 0..per_thread {
                    let built = client.list_stocks(&list).map_err(|e| e.to_string())?;
                    let resp = http_client::send(&agent, &built.request)?;
                    client
                        .favor_response::<ListStocksRequest>(&resp)
                        .map_err(|e| e.to_string())?;
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
    // Warm-up: connections, page cache, CPU frequency.
    load_run(&client, threads, (per_thread / 10).max(1))?;
    println!("{runs} run(s) of {threads} client threads × {per_thread} typed list-stocks requests on {cores} core(s)");
    let (mut rps_all, mut sign_all, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        // Signing rate measured just before and just after the load, averaged: the machine's
        // background load changes both in the same way.
        let before = sign_rate(&key, 1000)?;
        let (total, rps) = load_run(&client, threads, per_thread)?;
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
        "median: {:.0} req/s, bare RSA-2048 signing {:.0} sig/s, median ratio {:.3} req/s per sig/s \
         (each request = 2 signatures + 2 verifications, client and server on the same {cores} core(s))",
        median(rps_all),
        median(sign_all),
        median(ratios)
    );
    sb.shutdown();
    Ok(())
}
