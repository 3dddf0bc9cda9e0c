//! Bounded load run against a loopback sandbox: requests per second for signed GETs, compared
//! with the bare RSA-2048 signing rate of this machine (each request costs one client signature,
//! one server verification and one server response signature).
//!
//! `cargo run --release -p wechatpay-sandbox --example load [threads] [requests-per-thread]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use wechatpay_coupons::{MerchantPrivateKey, Method};
use wechatpay_sandbox::{Sandbox, SandboxConfig, http_client, merchant};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4).clamp(1, 64);
    let per_thread: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(250).clamp(1, 10_000);
    let sb = Sandbox::start(SandboxConfig::default()).map_err(|e| e.to_string())?;
    let client = Arc::new(
        merchant::client_builder(sb.merchant_dir(), true, false)
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| e.to_string())?,
    );
    let path = format!(
        "/v3/marketing/favor/stocks?offset=0&limit=5&stock_creator_mchid={}",
        client.mchid()
    );
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (client, path) = (client.clone(), path.clone());
            std::thread::spawn(move || -> Result<usize, String> {
                let agent = http_client::agent(Duration::from_secs(30));
                let mut ok = 0;
                for _ in 0..per_thread {
                    let req = client
                        .request(Method::Get, &path, Vec::new())
                        .map_err(|e| e.to_string())?;
                    let resp = http_client::send(&agent, &req)?;
                    client.parse_response(&resp).map_err(|e| e.to_string())?;
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
    let secs = started.elapsed().as_secs_f64();
    let rps = total as f64 / secs;

    let key_pem = std::fs::read(sb.merchant_dir().join("apiclient_key.pem")).map_err(|e| e.to_string())?;
    let key = MerchantPrivateKey::from_pem(key_pem).map_err(|e| e.to_string())?;
    let n = 500;
    let t = Instant::now();
    for i in 0..n {
        key.sign(format!("GET\n/v3/x\n{i}\nnonce\n\n").as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let sign_rate = f64::from(n) / t.elapsed().as_secs_f64();
    println!("{total} verified signed requests in {secs:.2} s with {threads} client threads: {rps:.0} req/s");
    println!("bare RSA-2048 signing on one core: {sign_rate:.0} signatures/s");
    println!(
        "ratio: {:.2} requests/s per single-core signature/s (each request = 2 signatures + 2 verifications, on 2 cores shared by client and server)",
        rps / sign_rate
    );
    sb.shutdown();
    Ok(())
}
