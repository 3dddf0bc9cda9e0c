//! `GET /openapi.json`: the sandbox serves the committed OpenAPI document byte for byte (the one
//! `cargo xtask check` keeps in step with the core), to GET only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use wechatpay_sandbox::http_client::agent;
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig};

const START: &str = "2026-12-05T09:59:30+08:00";

fn clock() -> Arc<RunningClock> {
    Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()))
}

fn config() -> SandboxConfig {
    SandboxConfig {
        clock: clock(),
        ..SandboxConfig::default()
    }
}

const COMMITTED: &str = include_str!("../../openapi/wechatpay-coupons.openapi.json");

#[test]
fn the_document_is_served_as_committed_and_only_to_get() {
    let sb = Sandbox::start(config()).unwrap();
    let http = agent(Duration::from_secs(30));
    let url = format!("{}/openapi.json", sb.base_url());

    let mut resp = http.get(&url).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body = resp.body_mut().read_to_string().unwrap();
    assert_eq!(body, COMMITTED);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["paths"]
            .as_object()
            .map(|p| p.values().map(|m| m.as_object().map_or(0, |m| m.len())).sum::<usize>()),
        Some(18)
    );

    let resp = http.post(&url).send("{}").unwrap();
    assert_eq!(resp.status().as_u16(), 405);
}

/// Found by schemathesis: an image upload whose `meta` had a `filename` of the wrong type was
/// answered "meta is not JSON", and an empty or absent one echoed `null` in Chinese only. Each
/// answer now names the field, echoes what was sent and says what was expected.
#[test]
fn upload_meta_refusals_name_the_field_and_echo_the_value() {
    use wechatpay_coupons::{Method, multipart};
    use wechatpay_sandbox::http_client::send;
    use wechatpay_sandbox::merchant;

    let sb = Sandbox::start(config()).unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .clock(clock())
        .build()
        .unwrap();
    let http = agent(Duration::from_secs(30));
    let png = b"\x89PNG\r\n\x1a\n0123456789".to_vec();
    let upload = |meta: &str| -> serde_json::Value {
        let mut req = client
            .request(
                Method::Post,
                "/v3/marketing/favor/media/image-upload",
                meta.as_bytes().to_vec(),
            )
            .unwrap();
        let up = multipart::encode(meta.to_owned(), "a.png", "image/png", &png, "b0undary").unwrap();
        req.body = up.body;
        req.headers.set("Content-Type", up.content_type);
        let resp = send(&http, &req).unwrap();
        assert_eq!(resp.status, 400, "{meta}");
        serde_json::from_slice(&resp.body).unwrap()
    };

    let e = upload(r#"{"filename": 5, "sha256": ""}"#);
    assert_eq!(e["code"], "PARAM_ERROR");
    assert_eq!(e["detail"]["field"], "meta.filename");
    assert_eq!(e["detail"]["value"], 5);
    assert!(
        e["detail"]["issue"].as_str().unwrap().contains("must be a string"),
        "{e}"
    );

    let e = upload(r#"{"filename": "", "sha256": ""}"#);
    assert_eq!(e["detail"]["field"], "meta.filename");
    assert_eq!(e["detail"]["value"], "");
    assert!(e["detail"]["issue"].as_str().unwrap().contains("is required"), "{e}");

    let e = upload(r#"{"sha256": ""}"#);
    assert_eq!(e["detail"]["value"], serde_json::Value::Null);

    let e = upload(r#"["a.png"]"#);
    assert_eq!(e["detail"]["field"], "meta");
    assert!(e["detail"]["issue"].as_str().unwrap().contains("JSON object"), "{e}");

    let long = "x".repeat(500);
    let e = upload(&format!(r#"{{"filename": "a.png", "sha256": {{"k": "{long}"}}}}"#));
    assert_eq!(e["detail"]["field"], "meta.sha256");
    assert!(e["detail"]["value"].as_str().unwrap().chars().count() < 100, "{e}");
}
