//! Runs the example campaign against an in-process sandbox over real HTTP. The sandbox and the
//! client share one injected clock, and bills are served at once, so the hour of the day does
//! not matter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use wechatpay_coupons::{Client, Clock, ConfigTrust, MerchantConfig};
use wechatpay_coupons_examples::campaign::run;
use wechatpay_coupons_examples::transport::agent;
use wechatpay_sandbox::util::RunningClock;
use wechatpay_sandbox::{Sandbox, SandboxConfig};

/// 2026-03-01T09:59:30+08:00: half a minute before the hour bills would normally open.
const START: i64 = 1_772_330_370;

#[test]
fn example_campaign_runs_against_the_sandbox() {
    let clock: Arc<dyn Clock> = Arc::new(RunningClock::starting_at(START));
    let sandbox = Sandbox::start(SandboxConfig {
        clock: clock.clone(),
        strict_bill_timing: false,
        retry_schedule: vec![Duration::from_millis(200); 8],
        ..SandboxConfig::default()
    })
    .unwrap();

    // What `main` does, plus the injected clock.
    let plain = Client::from_config(sandbox.merchant_config_path()).unwrap();
    assert_eq!(plain.base_url(), sandbox.base_url());
    assert!(
        plain.allows_http_notify_url(),
        "the sandbox's loopback base URL allows http notify URLs"
    );
    let client = Client::builder_from_config(sandbox.merchant_dir(), ConfigTrust::default())
        .unwrap()
        .clock(clock)
        .build()
        .unwrap();
    let config = MerchantConfig::load(sandbox.merchant_dir()).unwrap();

    let mut out = Vec::new();
    let summary = run(Arc::new(client), &config, &mut out).unwrap_or_else(|e| {
        panic!("campaign failed: {e}\n{}", String::from_utf8_lossy(&out));
    });
    let printed = String::from_utf8(out).unwrap();
    assert_eq!(summary.notified_status, "USED", "{printed}");
    assert_eq!(summary.billed_discount, Some(100), "{printed}");
    assert_eq!(summary.api_requests, 7, "{printed}");
    let line = printed
        .lines()
        .find(|l| l.starts_with("COUPON.USE received"))
        .unwrap_or_default();
    assert!(line.ends_with(&format!(" {} is USED", summary.coupon_id)), "{printed}");
    assert!(!printed.contains("warning"), "{printed}");

    // The receiver's acknowledgement (Acknowledgement → http::Response) reached the sandbox.
    let http = agent(Duration::from_secs(10));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut resp = http
            .get(format!("{}/sandbox/notifications", sandbox.base_url()))
            .call()
            .unwrap();
        let log: serde_json::Value = serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap();
        let acked = log["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["coupon_id"] == summary.coupon_id.as_str() && d["acknowledged"] == true);
        if acked {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the notification was never acknowledged: {log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    sandbox.shutdown();
}
