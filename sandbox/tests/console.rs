//! The console over real loopback HTTP: the request log and its SIGN_ERROR diagnosis for
//! requests signed by the core client (deliberately over other bytes than those sent), the pages,
//! and the refusals (cross-site posts, non-loopback `Host`), and no secret on any page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use wechatpay_coupons::{Client, Method};
use wechatpay_sandbox::http_client::{agent, send};
use wechatpay_sandbox::request_log::RequestRecord;
use wechatpay_sandbox::server::lock;
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig, SandboxHandle, merchant};

fn start() -> (SandboxHandle, Client) {
    let clock = || {
        Arc::new(RunningClock::starting_at(
            parse_rfc3339("2026-12-05T10:00:00+08:00").unwrap(),
        ))
    };
    let sb = Sandbox::start(SandboxConfig {
        clock: clock(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .clock(clock())
        .build()
        .unwrap();
    (sb, client)
}

fn newest(sb: &SandboxHandle) -> RequestRecord {
    lock(&sb.shared().requests).newest_first().next().cloned().unwrap()
}

/// A raw HTTP/1.1 exchange with the given extra header lines; `(status, body)`.
fn raw(sb: &SandboxHandle, method: &str, path: &str, extra: &str, body: &str) -> (u16, String) {
    let (status, _, body) = exchange(sb, method, path, extra, body);
    (status, body)
}

/// As [`raw`], with the response head: `(status, head, body)`.
fn exchange(sb: &SandboxHandle, method: &str, path: &str, extra: &str, body: &str) -> (u16, String, String) {
    let host = sb.base_url().strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let has_host = extra.to_ascii_lowercase().contains("host:");
    let host_line = if has_host {
        String::new()
    } else {
        format!("Host: {host}\r\n")
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\n{host_line}{extra}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (status, head.to_owned(), body.to_owned())
}

#[test]
fn a_body_signed_compact_but_sent_spaced_is_diagnosed_and_shown() {
    let (sb, client) = start();
    let mchid = &sb.merchant().mchid;
    let url = format!("{}/v3/marketing/favor/callbacks", sb.base_url());
    let sent = format!(r#"{{"mchid": "{mchid}", "notify_url": "http://127.0.0.1:9/n"}}"#);
    let signed = format!(r#"{{"mchid":"{mchid}","notify_url":"http://127.0.0.1:9/n"}}"#);
    let req = client
        .signed_request(
            Method::Post,
            url,
            sent.clone().into_bytes(),
            Some("application/json"),
            Some(signed.as_bytes()),
        )
        .unwrap();
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    assert_eq!(resp.status, 401);

    let r = newest(&sb);
    assert_eq!((r.status, r.code.as_deref()), (401, Some("SIGN_ERROR")));
    assert_eq!(Some(r.request_id.as_str()), resp.headers.get("request-id"));
    assert_eq!(r.verification(), "signature over a different message");
    let d = r.diagnosis.clone().unwrap();
    assert!(!d.expected_verifies);
    assert!(d.expected.ends_with(&format!("\n{sent}\n")), "{}", d.expected);
    let m = d.matched.unwrap();
    assert_eq!(m.name, "body-compact");
    assert!(m.message.ends_with(&format!("\n{signed}\n")));

    let (status, page) = raw(&sb, "GET", "/console/requests?status=SIGN_ERROR", "", "");
    assert_eq!(status, 200);
    assert!(
        page.contains("body-compact") && page.contains("<mark class=\"expected\"> </mark>"),
        "{page}"
    );
}

#[test]
fn a_query_signed_decoded_is_diagnosed_and_a_valid_request_is_verified() {
    let (sb, client) = start();
    let mchid = sb.merchant().mchid.clone();
    let ok_path = format!("/v3/marketing/favor/stocks?offset=0&limit=10&stock_creator_mchid={mchid}");
    let req = client.request(Method::Get, &ok_path, Vec::new()).unwrap();
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    assert_eq!(resp.status, 200);
    let r = newest(&sb);
    assert_eq!(
        (r.status, r.verification(), r.diagnosis.is_none()),
        (200, "verified", true)
    );
    assert_eq!(r.target, ok_path);

    // Signed with `:` and `+`, sent with them escaped.
    let signed = format!("{ok_path}&create_start_time=2026-12-01T00:00:00+08:00");
    let mut req = client.request(Method::Get, &signed, Vec::new()).unwrap();
    req.url = format!(
        "{}{ok_path}&create_start_time=2026-12-01T00%3A00%3A00%2B08%3A00",
        sb.base_url()
    );
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    assert_eq!(resp.status, 401);
    let d = newest(&sb).diagnosis.unwrap();
    assert_eq!(d.matched.unwrap().name, "query-decoded");
}

#[test]
fn pages_render_and_cross_site_or_rebound_requests_are_refused() {
    let (sb, _client) = start();
    for path in [
        "/",
        "/console/requests",
        "/console/stocks",
        "/console/notifications",
        "/console/bills",
        "/console/clock",
    ] {
        let (status, body) = raw(&sb, "GET", path, "", "");
        assert_eq!(status, 200, "{path}");
        assert!(body.starts_with("<!DOCTYPE html>"), "{path}");
    }
    assert_eq!(raw(&sb, "GET", "/console/nope", "", "").0, 404);
    assert_eq!(raw(&sb, "GET", "/console/stocks/999", "", "").0, 404);

    // No secret on the merchant page.
    let (status, page) = raw(&sb, "GET", "/console/merchant", "", "");
    assert_eq!(status, 200);
    let file = |k: &str| std::fs::read_to_string(sb.merchant_dir().join(k)).unwrap();
    let m = sb.merchant();
    assert!(page.contains(&m.mchid) && page.contains(&m.wechatpay_public_key_id));
    assert!(page.contains("merchant.json"));
    assert!(!page.contains(file(&m.apiv3_key_file).trim()));
    assert!(!page.contains("PRIVATE KEY"));

    // The clock advances from a same-origin form, not from another site's.
    let host = sb.base_url().strip_prefix("http://").unwrap().to_owned();
    let before = sb.shared().business_now();
    let (status, _) = raw(
        &sb,
        "POST",
        "/console/clock/advance",
        "Origin: http://evil.example\r\n",
        "seconds=60",
    );
    assert_eq!(status, 403);
    assert_eq!(
        raw(&sb, "GET", "/console/clock", "Host: rebound.example\r\n", "").0,
        403
    );
    let origin = format!("Origin: http://{host}\r\n");
    let (status, _) = raw(
        &sb,
        "POST",
        "/console/clock/advance",
        &origin,
        "seconds=60&back=%2Fconsole%2Fclock",
    );
    assert_eq!(status, 303);
    assert!(sb.shared().business_now() >= before + 60);
    // A bad value is answered as a flash message naming the field.
    let (status, head, _) = exchange(&sb, "POST", "/console/clock/advance", &origin, "seconds=soon");
    assert_eq!(status, 303);
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .unwrap();
    assert!(
        location.starts_with("/console/clock?msg=PARAM_ERROR") && location.ends_with("&error=1"),
        "{location}"
    );
    let (_, page) = raw(&sb, "GET", location, "", "");
    assert!(
        page.contains("seconds") && page.contains("class=\"flash error\""),
        "{page}"
    );
}
