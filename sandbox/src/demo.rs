//! The demo: a whole coupon campaign against an in-process sandbox, with the core doing all
//! signing, verification and decryption over real HTTP on loopback.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wechatpay_coupons::{Client, Method};

use crate::http_client::{agent, sandbox_get, sandbox_post, send};
use crate::receiver::Receiver;
use crate::{Sandbox, SandboxConfig, SigningMode, merchant};

/// Demo settings.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Signing mode of the sandbox.
    pub mode: SigningMode,
    /// Number of users who receive a coupon.
    pub users: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            mode: SigningMode::PublicKey,
            users: 3,
        }
    }
}

/// What the demo did.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    /// Steps completed.
    pub steps: usize,
    /// Signed API requests sent.
    pub api_requests: usize,
    /// Coupons issued.
    pub coupons_sent: usize,
    /// The stock created.
    pub stock_id: String,
    /// Key ids that verified responses.
    pub verified_by: Vec<String>,
    /// Rows in the use-flow bill.
    pub bill_rows: usize,
    /// Wall time.
    pub elapsed: Duration,
}

struct Ctx<'a> {
    client: Arc<Client>,
    agent: ureq::Agent,
    out: &'a mut dyn Write,
    summary: DemoSummary,
    base_url: String,
}

impl Ctx<'_> {
    fn step(&mut self, title: &str, detail: &str) {
        self.summary.steps += 1;
        let _ = writeln!(self.out, "[{:>2}] {title:<44} ok  {detail}", self.summary.steps);
    }

    /// Sends a signed request and returns the verified JSON body.
    fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let req = self.client.request(method, path, bytes).map_err(|e| e.to_string())?;
        let resp = send(&self.agent, &req)?;
        self.summary.api_requests += 1;
        let v = self
            .client
            .parse_response(&resp)
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if !self.summary.verified_by.contains(&v.key_id) {
            self.summary.verified_by.push(v.key_id.clone());
        }
        if v.body.is_empty() {
            return Ok(Value::Null);
        }
        v.json::<Value>("response").map_err(|e| e.to_string())
    }

    /// Sends a signed request that must fail; returns the error code.
    fn call_err(&mut self, method: Method, path: &str, body: Value) -> Result<String, String> {
        let req = self
            .client
            .request(method, path, body.to_string().into_bytes())
            .map_err(|e| e.to_string())?;
        let resp = send(&self.agent, &req)?;
        self.summary.api_requests += 1;
        match self.client.parse_response(&resp) {
            Ok(_) => Err(format!("{method} {path}: expected an error, got {}", resp.status)),
            Err(wechatpay_coupons::Error::Api(a)) => Ok(format!("{} {}", a.status, a.code.unwrap_or_default())),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn s<'v>(v: &'v Value, k: &str) -> Result<&'v str, String> {
    v.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("response has no string field {k:?}: {v}"))
}

/// A tiny PNG-signed image for the logo upload.
const LOGO: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRwechatpay-coupons sandbox logo";

/// Runs the campaign, printing each step to `out`. Any failure stops the demo with an error.
pub fn run(opts: &DemoOptions, out: &mut dyn Write) -> Result<DemoSummary, String> {
    let started = Instant::now();
    let config = SandboxConfig {
        mode: opts.mode,
        retry_schedule: vec![Duration::from_millis(200); 8],
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).map_err(|e| e.to_string())?;
    let (trust_pub, trust_cert) = match opts.mode {
        SigningMode::PublicKey => (true, false),
        SigningMode::Certificate => (false, false),
        SigningMode::Migration => (true, true),
    };
    let client = Arc::new(
        merchant::client_builder(sandbox.merchant_dir(), trust_pub, trust_cert)
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| e.to_string())?,
    );
    let mchid = client.mchid().to_owned();
    let appid = sandbox.merchant().appid.clone();
    let mut cx = Ctx {
        client: client.clone(),
        agent: agent(Duration::from_secs(10)),
        out,
        summary: DemoSummary::default(),
        base_url: sandbox.base_url().to_owned(),
    };
    let base = cx.base_url.clone();
    cx.step(
        "start sandbox",
        &format!(
            "{base} ({:?} mode), merchant {mchid}, files in {}",
            opts.mode,
            sandbox.merchant_dir().display()
        ),
    );

    if opts.mode == SigningMode::Certificate {
        let req = client.certificates_request(None).map_err(|e| e.to_string())?;
        let resp = send(&cx.agent, &req)?;
        cx.summary.api_requests += 1;
        let up = client.apply_certificates_response(&resp).map_err(|e| e.to_string())?;
        cx.step("download platform certificates", &format!("trusted {:?}", up.added));
    }

    let req = client
        .image_upload_request("logo.png", LOGO)
        .map_err(|e| e.to_string())?;
    let resp = send(&cx.agent, &req)?;
    cx.summary.api_requests += 1;
    let logo = client
        .parse_image_upload_response(&resp)
        .map_err(|e| e.to_string())?
        .media_url;
    cx.step("upload merchant logo", &logo);

    let now = client.now();
    let tag = format!("{now}");
    let stock = cx.call(
        Method::Post,
        "/v3/marketing/favor/coupon-stocks",
        Some(json!({
            "stock_name": "沙盒满25减1",
            "comment": "wechatpay-coupons demo",
            "belong_merchant": mchid,
            "available_begin_time": crate::util::rfc3339(now),
            "available_end_time": crate::util::rfc3339(now + 7 * 86_400),
            "stock_use_rule": {"max_coupons": 100, "max_amount": 10_000, "max_amount_by_day": 5_000,
                "max_coupons_per_user": 2, "natural_person_limit": false, "prevent_api_abuse": false},
            "pattern_info": {"description": "满 25 元减 1 元 (sandbox)", "merchant_logo": logo, "background_color": "COLOR020"},
            "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 2_500},
                "available_merchants": [mchid]},
            "no_cash": false,
            "stock_type": "NORMAL",
            "out_request_no": format!("demo-stock-{tag}"),
        })),
    )?;
    let stock_id = s(&stock, "stock_id")?.to_owned();
    cx.summary.stock_id = stock_id.clone();
    cx.step(
        "create stock",
        &format!("stock_id {stock_id}, 100 coupons of 1.00 CNY over 25.00"),
    );

    let body = json!({ "stock_creator_mchid": mchid });
    let r = cx.call(
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{stock_id}/start"),
        Some(body.clone()),
    )?;
    cx.step("start stock", &format!("start_time {}", s(&r, "start_time")?));

    // The notification receiver: verifies and decrypts with the core, answers 200.
    let got: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let (c2, g2) = (client.clone(), got.clone());
    let receiver = Receiver::start(
        "/wechatpay/notify",
        Arc::new(move |headers, body| match c2.parse_notification(headers, body) {
            Ok(n) => {
                g2.lock().unwrap_or_else(|p| p.into_inner()).push(n.plaintext);
                200
            }
            Err(_) => 401,
        }),
    )
    .map_err(|e| format!("notification receiver: {e}"))?;
    let r = cx.call(
        Method::Post,
        "/v3/marketing/favor/callbacks",
        Some(json!({"mchid": mchid, "notify_url": receiver.url(), "switch": true})),
    )?;
    cx.step("set callback", s(&r, "notify_url")?);

    let mut coupons = Vec::new();
    for i in 1..=opts.users.max(1) {
        let openid = format!("oSandboxDemoUser{i:04}");
        let r = cx.call(
            Method::Post,
            &format!("/v3/marketing/favor/users/{openid}/coupons"),
            Some(
                json!({"stock_id": stock_id, "out_request_no": format!("demo-send-{tag}-{i}"),
                "appid": appid, "stock_creator_mchid": mchid}),
            ),
        )?;
        coupons.push((openid, s(&r, "coupon_id")?.to_owned()));
    }
    cx.summary.coupons_sent = coupons.len();
    let ids: Vec<&str> = coupons.iter().map(|(_, c)| c.as_str()).collect();
    cx.step(&format!("send coupons to {} users", coupons.len()), &ids.join(", "));

    let (openid0, coupon0) = coupons[0].clone();
    let r = cx.call(
        Method::Post,
        &format!("/v3/marketing/favor/users/{openid0}/coupons"),
        Some(
            json!({"stock_id": stock_id, "out_request_no": format!("demo-send-{tag}-1"),
            "appid": appid, "stock_creator_mchid": mchid}),
        ),
    )?;
    if s(&r, "coupon_id")? != coupon0 {
        return Err("replayed send returned another coupon_id".into());
    }
    cx.step(
        "replay a send (same out_request_no)",
        &format!("same coupon_id {coupon0}"),
    );

    let q = format!("/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={mchid}");
    let r = cx.call(Method::Get, &q, None)?;
    let distributed = r.get("distributed_coupons").and_then(Value::as_i64).unwrap_or(-1);
    if distributed != coupons.len() as i64 {
        return Err(format!(
            "distributed_coupons is {distributed}, expected {}",
            coupons.len()
        ));
    }
    cx.step(
        "query stock",
        &format!("status {}, distributed_coupons {distributed}", s(&r, "status")?),
    );

    for (openid, coupon_id) in &coupons {
        let r = cx.call(
            Method::Get,
            &format!("/v3/marketing/favor/users/{openid}/coupons/{coupon_id}?appid={appid}"),
            None,
        )?;
        if s(&r, "status")? != "SENDED" {
            return Err(format!("coupon {coupon_id} is {}", s(&r, "status")?));
        }
    }
    let r = cx.call(
        Method::Get,
        &format!("/v3/marketing/favor/users/{openid0}/coupons?appid={appid}&creator_mchid={mchid}&offset=0&limit=10"),
        None,
    )?;
    cx.step(
        "query coupons",
        &format!("{} coupons SENDED; user 1 holds {}", coupons.len(), r["total_count"]),
    );

    cx.call(
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{stock_id}/pause"),
        Some(body.clone()),
    )?;
    let refused = cx.call_err(
        Method::Post,
        "/v3/marketing/favor/users/oSandboxLateUser/coupons",
        json!({"stock_id": stock_id, "out_request_no": format!("demo-late-{tag}"), "appid": appid,
            "stock_creator_mchid": mchid}),
    )?;
    cx.call(
        Method::Post,
        &format!("/v3/marketing/favor/stocks/{stock_id}/restart"),
        Some(body),
    )?;
    cx.step(
        "pause, send refused, restart",
        &format!("send while paused → {refused}"),
    );

    let (st, used) = sandbox_post(
        &cx.agent,
        &format!("{base}/sandbox/use"),
        &json!({"coupon_id": coupon0, "openid": openid0, "order_amount": 3_000}),
    )?;
    if st != 200 {
        return Err(format!("/sandbox/use answered {st}: {used}"));
    }
    cx.step(
        "user 1 pays 30.00 CNY with a coupon",
        &format!("transaction_id {}", s(&used, "transaction_id")?),
    );

    let deadline = Instant::now() + Duration::from_secs(15);
    let plaintext = loop {
        if let Some(p) = got.lock().unwrap_or_else(|p| p.into_inner()).first().cloned() {
            break p;
        }
        if Instant::now() > deadline {
            return Err("no verified COUPON.USE notification within 15 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let event: Value = serde_json::from_str(&plaintext).map_err(|e| e.to_string())?;
    if s(&event, "coupon_id")? != coupon0 || s(&event, "status")? != "USED" {
        return Err(format!("unexpected COUPON.USE plaintext: {plaintext}"));
    }
    let attempts = receiver.received().len();
    cx.step(
        "receive COUPON.USE (verified, decrypted)",
        &format!("coupon {coupon0} USED, {attempts} delivery attempt(s)"),
    );

    let (_, clock) = sandbox_post(
        &cx.agent,
        &format!("{base}/sandbox/clock/advance"),
        &json!({"seconds": 8 * 86_400}),
    )?;
    let r = cx.call(Method::Get, &q, None)?;
    cx.step(
        "advance sandbox clock 8 days",
        &format!(
            "now {}, stock status {}",
            clock["now_rfc3339"].as_str().unwrap_or("?"),
            s(&r, "status")?
        ),
    );

    let flow = cx.call(
        Method::Get,
        &format!("/v3/marketing/favor/stocks/{stock_id}/use-flow"),
        None,
    )?;
    let url = s(&flow, "url")?;
    let path = url
        .strip_prefix(&base)
        .ok_or_else(|| format!("bill URL {url} is not on the sandbox"))?;
    let req = client
        .request(Method::Get, path, Vec::new())
        .map_err(|e| e.to_string())?;
    let file = send(&cx.agent, &req)?;
    cx.summary.api_requests += 1;
    if file.status != 200 {
        return Err(format!("bill download answered {}", file.status));
    }
    let digest = wechatpay_coupons::crypto::hex_lower(&wechatpay_coupons::crypto::sha1(&file.body));
    if !digest.eq_ignore_ascii_case(s(&flow, "hash_value")?) {
        return Err(format!("bill SHA-1 {digest} != hash_value {}", s(&flow, "hash_value")?));
    }
    let text = String::from_utf8_lossy(&file.body);
    let rows = text.lines().count().saturating_sub(3);
    cx.summary.bill_rows = rows;
    cx.step(
        "download use-flow bill, check SHA-1",
        &format!("{} bytes, sha1 {digest} matches, {rows} use row(s)", file.body.len()),
    );

    let (_, log) = sandbox_get(&cx.agent, &format!("{base}/sandbox/notifications"))?;
    let acked = log["data"]
        .as_array()
        .map_or(0, |d| d.iter().filter(|x| x["acknowledged"] == true).count());
    drop(receiver);
    sandbox.shutdown();
    cx.summary.elapsed = started.elapsed();
    let sum = cx.summary.clone();
    let _ = writeln!(
        cx.out,
        "\nsummary: {} steps ok; {} signed API requests, every 2xx verified (keys: {}); {} coupons sent; \
         stock {}; {acked} notification(s) acknowledged; bill rows {}; {:.2} s",
        sum.steps,
        sum.api_requests,
        sum.verified_by.join(", "),
        sum.coupons_sent,
        sum.stock_id,
        sum.bill_rows,
        sum.elapsed.as_secs_f64()
    );
    Ok(sum)
}
