use std::time::Duration;
use wechatpay_coupons::Method;
use wechatpay_sandbox::{Sandbox, SandboxConfig, http_client, merchant};

#[test]
fn smoke() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .build()
        .unwrap();
    let agent = http_client::agent(Duration::from_secs(5));
    let req = client
        .request(
            Method::Get,
            &format!("/v3/marketing/favor/callbacks?mchid={}", client.mchid()),
            vec![],
        )
        .unwrap();
    let resp = http_client::send(&agent, &req).unwrap();
    println!(
        "{} {:?} {}",
        resp.status,
        resp.headers,
        String::from_utf8_lossy(&resp.body)
    );
    let body = serde_json::json!({"mchid": client.mchid(), "notify_url": "http://127.0.0.1:9/notify"}).to_string();
    let req = client
        .request(Method::Post, "/v3/marketing/favor/callbacks", body.into_bytes())
        .unwrap();
    let resp = http_client::send(&agent, &req).unwrap();
    println!("{} {}", resp.status, String::from_utf8_lossy(&resp.body));
    let v = client.parse_response(&resp).unwrap();
    println!("verified by {}", v.key_id);
}
