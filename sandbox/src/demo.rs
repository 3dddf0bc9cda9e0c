//! The demo: a whole coupon campaign against an in-process sandbox, with the core doing all
//! request building (typed, validated before signing), verification, decoding, notification
//! handling and bill checking over real HTTP on loopback.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use wechatpay_coupons::favor::bills::{BillDigest, BillDownload, BillParser, UseFlow, UseFlowRow};
use wechatpay_coupons::favor::events::{CouponEvent, CouponUseEvent};
use wechatpay_coupons::favor::models::{
    CouponStatus, CouponUseRule, CreateStockRequest, FixedNormalCoupon, GetCouponRequest, GetStockRequest,
    ImageUploadRequest, ListUserCouponsRequest, PatternInfo, PauseStockRequest, RestartStockRequest, SendCouponRequest,
    SetCallbackRequest, StartStockRequest, StockRule, StockStatus, StockTypeReq, UseFlowRequest,
};
use wechatpay_coupons::favor::ops::{FavorErrorKind, Operation};
use wechatpay_coupons::favor::validation::{ValidationPolicy, Violation};
use wechatpay_coupons::{Client, Clock, HttpResponse, SystemClock};

use crate::http_client::{agent, sandbox_get, sandbox_post, send};
use crate::receiver::Receiver;
use crate::util::RunningClock;
use crate::{Sandbox, SandboxConfig, SigningMode, merchant};

/// Demo settings.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Signing mode of the sandbox.
    pub mode: SigningMode,
    /// Number of users who receive a coupon.
    pub users: usize,
    /// Unix time at which the sandbox's and the client's clocks start (None: the system clock).
    /// Tests use it to run the demo at chosen hours of the day.
    pub start_time: Option<i64>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            mode: SigningMode::PublicKey,
            users: 3,
            start_time: None,
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
    /// Validation warnings reported by the core while building requests.
    pub warnings: usize,
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
}

impl Ctx<'_> {
    fn step(&mut self, title: &str, detail: &str) {
        self.summary.steps += 1;
        let _ = writeln!(self.out, "[{:>2}] {title:<44} ok  {detail}", self.summary.steps);
    }

    fn warn(&mut self, op: &str, warnings: &[Violation]) {
        for w in warnings {
            self.summary.warnings += 1;
            let _ = writeln!(self.out, "     warning ({op}): {w}");
        }
    }

    /// Builds the typed request of `O` (validated under `policy`, then signed), sends it and
    /// returns the raw response.
    fn send_op<O: Operation>(&mut self, op: &O, policy: &ValidationPolicy) -> Result<HttpResponse, String> {
        let name = O::SPEC.name;
        let built = self
            .client
            .favor()
            .favor_request_with(op, policy)
            .map_err(|e| format!("{name}: {e}"))?;
        self.warn(name, &built.warnings);
        let resp = send(&self.agent, &built.request)?;
        self.summary.api_requests += 1;
        Ok(resp)
    }

    /// Runs operation `O`: typed request → verified, decoded `O::Response`.
    fn call<O: Operation>(&mut self, op: &O) -> Result<O::Response, String> {
        self.call_with(op, &ValidationPolicy::default())
    }

    fn call_with<O: Operation>(&mut self, op: &O, policy: &ValidationPolicy) -> Result<O::Response, String> {
        let resp = self.send_op(op, policy)?;
        let decoded = self
            .client
            .favor()
            .favor_response::<O>(&resp)
            .map_err(|e| format!("{} {}: {e}", O::SPEC.method, O::SPEC.path))?;
        // The response verified, so its Wechatpay-Serial names the key that verified it.
        if let Some(serial) = resp.headers.get("wechatpay-serial")
            && !self.summary.verified_by.iter().any(|k| k == serial)
        {
            self.summary.verified_by.push(serial.to_owned());
        }
        Ok(decoded)
    }

    /// Runs operation `O`, which must be refused; returns `status code (kind)`.
    fn call_err<O: Operation>(&mut self, op: &O) -> Result<String, String> {
        let resp = self.send_op(op, &ValidationPolicy::default())?;
        match self.client.favor().favor_response::<O>(&resp) {
            Ok(_) => Err(format!("{}: expected a refusal, got {}", O::SPEC.name, resp.status)),
            Err(wechatpay_coupons::Error::Api(a)) => Ok(format!(
                "{} {} ({:?})",
                a.status,
                a.code.as_deref().unwrap_or_default(),
                FavorErrorKind::of(&a)
            )),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The demo stock's rules: coupons of 1.00 CNY (100 fen) over 25.00, at most 100 coupons and
/// 100.00 CNY in all, 50.00 CNY a day, 2 per user.
const COUPON_AMOUNT: i64 = 100;
const TRANSACTION_MINIMUM: i64 = 2_500;
const MAX_COUPONS: i64 = 100;
const MAX_AMOUNT: i64 = 10_000;
const MAX_AMOUNT_BY_DAY: i64 = 5_000;
const MAX_COUPONS_PER_USER: i64 = 2;

/// The largest `users` the demo accepts: every user receives one coupon on the same day, so the
/// demo stock's total count, total budget and daily budget all bound it (today 50, the daily
/// budget of 50.00 CNY in coupons of 1.00).
pub fn max_users() -> usize {
    let limit = MAX_COUPONS
        .min(MAX_AMOUNT / COUPON_AMOUNT)
        .min(MAX_AMOUNT_BY_DAY / COUPON_AMOUNT);
    usize::try_from(limit).unwrap_or(0)
}

/// What is wrong with `users` (0, or more than [`max_users`]), or `None` when it is fine.
pub fn users_problem(users: usize) -> Option<String> {
    let max = max_users();
    (users == 0 || users > max).then(|| {
        format!(
            "expected 1 to {max} users (the demo stock's daily budget is {:.2} CNY in coupons of {:.2} CNY, \
             one per user), got {users}",
            MAX_AMOUNT_BY_DAY as f64 / 100.0,
            COUPON_AMOUNT as f64 / 100.0
        )
    })
}

/// A tiny PNG-signed image for the logo upload.
const LOGO: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRwechatpay-coupons sandbox logo";

/// Runs the campaign, printing each step to `out`. Any failure stops the demo with an error.
pub fn run(opts: &DemoOptions, out: &mut dyn Write) -> Result<DemoSummary, String> {
    if let Some(problem) = users_problem(opts.users) {
        return Err(format!("users: {problem}"));
    }
    let started = Instant::now();
    let clock: Arc<dyn Clock> = match opts.start_time {
        Some(t) => Arc::new(RunningClock::starting_at(t)),
        None => Arc::new(SystemClock),
    };
    let config = SandboxConfig {
        mode: opts.mode,
        clock: clock.clone(),
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
            .clock(clock)
            .build()
            .map_err(|e| e.to_string())?,
    );
    let mchid = client.mchid().to_owned();
    let appid = sandbox.merchant().appid.clone();
    let base = sandbox.base_url().to_owned();
    let mut cx = Ctx {
        client: client.clone(),
        agent: agent(Duration::from_secs(10)),
        out,
        summary: DemoSummary::default(),
    };
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

    let logo = cx
        .call(&ImageUploadRequest {
            filename: "logo.png".into(),
            bytes: LOGO.to_vec(),
        })?
        .media_url;
    cx.step("upload merchant logo", &logo);

    let now = client.now();
    let end = now + 7 * 86_400;
    let create = CreateStockRequest {
        stock_name: "沙盒满25减1".into(),
        comment: Some("wechatpay-coupons demo".into()),
        belong_merchant: mchid.clone(),
        available_begin_time: crate::util::rfc3339(now),
        available_end_time: crate::util::rfc3339(end),
        stock_use_rule: StockRule {
            max_coupons: Some(MAX_COUPONS),
            max_amount: Some(MAX_AMOUNT),
            max_amount_by_day: Some(MAX_AMOUNT_BY_DAY),
            max_coupons_per_user: Some(MAX_COUPONS_PER_USER),
            natural_person_limit: Some(false),
            prevent_api_abuse: Some(false),
        },
        pattern_info: Some(PatternInfo {
            description: "满 25 元减 1 元 (sandbox)".into(),
            merchant_logo: Some(logo.clone()),
            coupon_image: Some(logo.clone()),
            background_color: Some("COLOR020".into()),
            ..PatternInfo::default()
        }),
        coupon_use_rule: CouponUseRule {
            fixed_normal_coupon: Some(FixedNormalCoupon {
                coupon_amount: COUPON_AMOUNT,
                transaction_minimum: TRANSACTION_MINIMUM,
            }),
            available_merchants: Some(vec![mchid.clone()]),
            ..CouponUseRule::default()
        },
        no_cash: Some(false),
        stock_type: StockTypeReq::Normal,
        out_request_no: client.favor().out_request_no().map_err(|e| e.to_string())?,
        ext_info: None,
    };
    // The begin time is "now": allow a minute of clock drift between building and the V-CS-21 check.
    let drift = ValidationPolicy {
        begin_time_grace_secs: 60,
        ..ValidationPolicy::default()
    };
    let stock_id = cx.call_with(&create, &drift)?.stock_id;
    cx.summary.stock_id = stock_id.clone();
    cx.step(
        "create stock",
        &format!("stock_id {stock_id}, 100 coupons of 1.00 CNY over 25.00"),
    );

    let started_at = cx.call(&StartStockRequest::new(&stock_id, &mchid))?.start_time;
    cx.step("start stock", &format!("start_time {started_at}"));

    // The notification receiver: the core verifies, decrypts and types COUPON.USE; answers 200.
    let got: Arc<Mutex<Vec<CouponUseEvent>>> = Arc::new(Mutex::new(Vec::new()));
    let (c2, g2) = (client.clone(), got.clone());
    let receiver = Receiver::start(
        "/wechatpay/notify",
        Arc::new(
            move |headers, body| match c2.favor().parse_coupon_notification(headers, body) {
                Ok(CouponEvent::CouponUse { event, .. }) => {
                    g2.lock().unwrap_or_else(|p| p.into_inner()).push(event);
                    200
                }
                Ok(CouponEvent::Other { .. }) => 200,
                Err(_) => 401,
            },
        ),
    )
    .map_err(|e| format!("notification receiver: {e}"))?;
    let r = cx.call(&SetCallbackRequest {
        mchid: mchid.clone(),
        notify_url: receiver.url().to_owned(),
        switch: Some(true),
    })?;
    cx.step("set callback", &r.notify_url);

    let mut sends = Vec::new();
    let mut coupons = Vec::new();
    for i in 1..=opts.users {
        let send = SendCouponRequest {
            openid: format!("oSandboxDemoUser{i:04}"),
            stock_id: stock_id.clone(),
            out_request_no: client.favor().out_request_no().map_err(|e| e.to_string())?,
            appid: appid.clone(),
            stock_creator_mchid: mchid.clone(),
            ..SendCouponRequest::default()
        };
        let coupon_id = cx.call(&send)?.coupon_id;
        coupons.push((send.openid.clone(), coupon_id));
        sends.push(send);
    }
    cx.summary.coupons_sent = coupons.len();
    let ids: Vec<&str> = coupons.iter().map(|(_, c)| c.as_str()).collect();
    cx.step(&format!("send coupons to {} users", coupons.len()), &ids.join(", "));

    let (openid0, coupon0) = coupons
        .first()
        .cloned()
        .ok_or_else(|| "no coupon was sent".to_string())?;
    let replay = sends.first().ok_or_else(|| "no coupon was sent".to_string())?;
    if cx.call(replay)?.coupon_id != coupon0 {
        return Err("replayed send returned another coupon_id".into());
    }
    cx.step(
        "replay a send (same out_request_no)",
        &format!("same coupon_id {coupon0}"),
    );

    let get_stock = GetStockRequest {
        stock_id: stock_id.clone(),
        stock_creator_mchid: mchid.clone(),
    };
    let stock = cx.call(&get_stock)?;
    if usize::try_from(stock.distributed_coupons).ok() != Some(coupons.len()) {
        return Err(format!(
            "distributed_coupons is {}, expected {}",
            stock.distributed_coupons,
            coupons.len()
        ));
    }
    cx.step(
        "query stock",
        &format!(
            "status {}, distributed_coupons {}",
            stock.status, stock.distributed_coupons
        ),
    );

    for (openid, coupon_id) in &coupons {
        let c = cx.call(&GetCouponRequest {
            openid: openid.clone(),
            coupon_id: coupon_id.clone(),
            appid: appid.clone(),
        })?;
        if c.status != CouponStatus::Sended {
            return Err(format!("coupon {coupon_id} is {}", c.status));
        }
    }
    let held = cx.call(&ListUserCouponsRequest {
        openid: openid0.clone(),
        appid: appid.clone(),
        creator_mchid: Some(mchid.clone()),
        offset: Some(0),
        limit: Some(10),
        ..ListUserCouponsRequest::default()
    })?;
    cx.step(
        "query coupons",
        &format!("{} coupons SENDED; user 1 holds {}", coupons.len(), held.total_count),
    );

    cx.call(&PauseStockRequest::new(&stock_id, &mchid))?;
    let late = SendCouponRequest {
        openid: "oSandboxLateUser".into(),
        stock_id: stock_id.clone(),
        out_request_no: client.favor().out_request_no().map_err(|e| e.to_string())?,
        appid: appid.clone(),
        stock_creator_mchid: mchid.clone(),
        ..SendCouponRequest::default()
    };
    let refused = cx.call_err(&late)?;
    cx.call(&RestartStockRequest::new(&stock_id, &mchid))?;
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
        &format!("transaction_id {}", used["transaction_id"].as_str().unwrap_or("?")),
    );

    let deadline = Instant::now() + Duration::from_secs(15);
    let event = loop {
        if let Some(e) = got.lock().unwrap_or_else(|p| p.into_inner()).first().cloned() {
            break e;
        }
        if Instant::now() > deadline {
            return Err("no verified COUPON.USE notification within 15 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if event.coupon_id != coupon0 || !event.is_used() {
        return Err(format!(
            "unexpected COUPON.USE event: coupon {} status {}",
            event.coupon_id, event.status
        ));
    }
    let transaction = event
        .consume_information
        .as_ref()
        .map_or("?", |c| c.transaction_id.as_str());
    let attempts = receiver.received().len();
    cx.step(
        "receive COUPON.USE (verified, decrypted)",
        &format!("coupon {coupon0} USED in {transaction}, {attempts} delivery attempt(s)"),
    );

    // Bills exist from 10:00 (UTC+8) of the day after the stock ends; move the business clock a
    // minute past that, from wherever it is now (the distance depends on the hour of the day).
    let (_, clock_now) = sandbox_get(&cx.agent, &format!("{base}/sandbox/clock"))?;
    let business_now = clock_now["now"]
        .as_i64()
        .ok_or_else(|| format!("/sandbox/clock answered without a time: {clock_now}"))?;
    let bills_from = crate::util::next_day_10am(end);
    let advance = (bills_from + 60 - business_now).max(0);
    let (_, clock) = sandbox_post(
        &cx.agent,
        &format!("{base}/sandbox/clock/advance"),
        &json!({ "seconds": advance }),
    )?;
    let stock = cx.call(&get_stock)?;
    if stock.status != StockStatus::Stoped {
        return Err(format!("stock is {} after its end, expected stoped", stock.status));
    }
    cx.step(
        "advance sandbox clock past bill time",
        &format!(
            "+{:.1} days, now {}, stock status {}",
            advance as f64 / 86_400.0,
            clock["now_rfc3339"].as_str().unwrap_or("?"),
            stock.status
        ),
    );

    let flow = cx.call(&UseFlowRequest {
        stock_id: stock_id.clone(),
    })?;
    let download: BillDownload = flow;
    // The file is unsigned: its integrity is the SHA-1 of the JSON response, which verified.
    let req = client.favor().bill_file_request(&download).map_err(|e| e.to_string())?;
    let file = send(&cx.agent, &req)?;
    cx.summary.api_requests += 1;
    if file.status != 200 {
        return Err(format!("bill download answered {}", file.status));
    }
    // Pass 1: digest every byte; only a match yields the token a parser needs.
    let mut digest = BillDigest::new(&download).map_err(|e| e.to_string())?;
    for chunk in file.body.chunks(4096) {
        digest.update(chunk);
    }
    let verified = digest.finish().map_err(|e| e.to_string())?;
    // Pass 2: parse the verified bytes into typed rows.
    let mut rows: Vec<UseFlowRow<'static>> = Vec::new();
    let mut parser = BillParser::<UseFlow>::new(&verified);
    for chunk in file.body.chunks(4096) {
        parser
            .feed(chunk, |r| rows.push(r.into_owned()))
            .map_err(|e| e.to_string())?;
    }
    let bill = parser
        .finish(|r| rows.push(r.into_owned()))
        .map_err(|e| e.to_string())?;
    let row = rows
        .iter()
        .find(|r| r.columns.coupon_id == coupon0)
        .ok_or_else(|| format!("coupon {coupon0} is not in the use-flow bill"))?;
    if row.columns.discount_amount != Some(100) || row.columns.order_amount != Some(3_000) {
        return Err(format!(
            "bill row for {coupon0}: discount {:?} fen, order {:?} fen; expected 100 and 3000",
            row.columns.discount_amount, row.columns.order_amount
        ));
    }
    cx.summary.bill_rows = rows.len();
    cx.step(
        "download use-flow bill, check SHA-1, parse",
        &format!(
            "{} bytes, sha1 {} matches, {} use row(s) (总条数 {}), 1.00 off 30.00",
            verified.len(),
            verified.sha1_hex(),
            bill.rows,
            bill.declared_count.map_or("-".into(), |n| n.to_string())
        ),
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
         stock {}; {acked} notification(s) acknowledged; bill rows {}; {} validation warning(s); {:.2} s",
        sum.steps,
        sum.api_requests,
        sum.verified_by.join(", "),
        sum.coupons_sent,
        sum.stock_id,
        sum.bill_rows,
        sum.warnings,
        sum.elapsed.as_secs_f64()
    );
    Ok(sum)
}
