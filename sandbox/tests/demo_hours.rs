//! The demo at every hour: the sandbox's and the client's clocks start at an injected time, never
//! the machine's, so these results do not depend on when the tests run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wechatpay_sandbox::SigningMode;
use wechatpay_sandbox::demo::{DemoOptions, run};
use wechatpay_sandbox::util::parse_rfc3339;

fn demo_at(start: &str, mode: SigningMode) -> String {
    let opts = DemoOptions {
        mode,
        users: 2,
        start_time: Some(parse_rfc3339(start).unwrap()),
    };
    let mut out = Vec::new();
    let result = run(&opts, &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(result.is_ok(), "demo started at {start} failed: {result:?}\n{text}");
    text
}

/// The hours that broke it (00:00–09:59 Beijing) and the edges around the 10:00 bill rule,
/// including a start whose stock ends on the last day of a month and of a year.
#[test]
fn demo_passes_at_every_hour_of_the_day() {
    for start in [
        "2026-12-05T00:30:00+08:00",
        "2026-12-05T09:59:00+08:00",
        "2026-12-05T09:59:59+08:00",
        "2026-12-05T10:00:00+08:00",
        "2026-12-05T15:12:00+08:00",
        "2026-12-05T23:59:00+08:00",
        "2026-12-24T23:59:30+08:00",
        "2027-02-21T00:00:00+08:00",
    ] {
        let out = demo_at(start, SigningMode::PublicKey);
        assert!(
            out.contains("download use-flow bill, check SHA-1, parse"),
            "{start}: {out}"
        );
        // The business clock is past 10:00 on the day after the stock's end (start + 7 days).
        let now = out
            .lines()
            .find_map(|l| {
                l.split_once("now ")
                    .map(|(_, r)| r.split(',').next().unwrap_or("").to_owned())
            })
            .unwrap();
        let now = parse_rfc3339(&now).unwrap();
        let end = parse_rfc3339(start).unwrap() + 7 * 86_400;
        assert!(
            now >= wechatpay_sandbox::util::next_day_10am(end),
            "{start}: clock at {now}"
        );
        assert!(
            now < wechatpay_sandbox::util::next_day_10am(end) + 3600,
            "{start}: clock at {now}"
        );
    }
}

/// Certificate mode generates its certificates at the injected time, so it runs at any hour too.
#[test]
fn demo_passes_in_certificate_mode_before_ten() {
    let out = demo_at("2026-12-05T03:00:00+08:00", SigningMode::Certificate);
    assert!(out.contains("download platform certificates"), "{out}");
}
