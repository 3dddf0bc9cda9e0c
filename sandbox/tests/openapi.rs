//! `GET /openapi.json`: the sandbox serves the committed OpenAPI document byte for byte (the one
//! `cargo xtask check` keeps in step with the core), to GET only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use wechatpay_sandbox::http_client::agent;
use wechatpay_sandbox::{Sandbox, SandboxConfig};

const COMMITTED: &str = include_str!("../../openapi/wechatpay-coupons.openapi.json");

#[test]
fn the_document_is_served_as_committed_and_only_to_get() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
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
