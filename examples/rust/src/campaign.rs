//! The campaign: upload a logo, create and start a stock, register the notify URL, send a
//! coupon, let the sandbox's user pay with it, receive `COUPON.USE`, and check the use-flow
//! bill. Every response is verified before it is decoded.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use wechatpay_coupons::favor::bills::{BillDigest, BillParser, UseFlow};
use wechatpay_coupons::favor::models::{
    CouponUseRule, CreateStockRequest, FixedNormalCoupon, GetStockRequest, ImageUploadRequest, PatternInfo,
    SendCouponRequest, SetCallbackRequest, StartStockRequest, StockRule, StockTypeReq, UseFlowRequest,
};
use wechatpay_coupons::favor::ops::Operation;
use wechatpay_coupons::{Client, MerchantConfig};

use crate::BoxError;
use crate::receiver::Receiver;
use crate::transport::{agent, sandbox_post, send};

/// A 1×1 PNG for the merchant logo.
const LOGO: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// The user who receives and spends the coupon.
const OPENID: &str = "oExampleCampaignUser01";

/// What the campaign did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The stock created.
    pub stock_id: String,
    /// The coupon sent and used.
    pub coupon_id: String,
    /// The status in the `COUPON.USE` notification (`USED`).
    pub notified_status: String,
    /// Discount (fen) in the use-flow bill row of the coupon.
    pub billed_discount: Option<i64>,
    /// Signed API requests sent.
    pub api_requests: usize,
}

struct Campaign<'a> {
    client: Arc<Client>,
    agent: ureq::Agent,
    out: &'a mut dyn Write,
    summary: Summary,
}

impl Campaign<'_> {
    /// Builds `op` (validated, signed), sends it, verifies and decodes the response.
    fn call<O: Operation>(&mut self, op: &O) -> Result<O::Response, BoxError> {
        let built = self.client.favor().favor_request(op)?;
        for warning in &built.warnings {
            writeln!(self.out, "  warning ({}): {warning}", O::SPEC.name)?;
        }
        let response = send(&self.agent, &built.request)?;
        self.summary.api_requests += 1;
        Ok(self.client.favor().favor_response::<O>(&response)?)
    }

    fn step(&mut self, what: &str, detail: &str) -> Result<(), BoxError> {
        writeln!(self.out, "{what:<28} {detail}")?;
        Ok(())
    }
}

/// `t` as RFC 3339 in Beijing time, as the coupon API writes times.
fn beijing(t: i64) -> Result<String, BoxError> {
    Ok(wechatpay_coupons::beijing::rfc3339(t).ok_or("time out of range")?)
}

/// Runs the campaign for the merchant of `config` with `client`, printing each step to `out`.
/// The API must serve bills at once (the sandbox's `--bills-anytime`).
pub fn run(client: Arc<Client>, config: &MerchantConfig, out: &mut dyn Write) -> Result<Summary, BoxError> {
    let mchid = client.mchid().to_owned();
    let mut c = Campaign {
        client: client.clone(),
        agent: agent(Duration::from_secs(10)),
        out,
        summary: Summary::default(),
    };

    let logo = c
        .call(&ImageUploadRequest {
            filename: "logo.png".into(),
            bytes: LOGO.to_vec(),
        })?
        .media_url;
    c.step("uploaded logo", &logo)?;

    let now = client.now();
    let create = CreateStockRequest {
        stock_name: "示例满25减1".into(),
        comment: None,
        belong_merchant: mchid.clone(),
        available_begin_time: beijing(now)?,
        available_end_time: beijing(now + 7 * 86_400)?,
        stock_use_rule: StockRule {
            max_coupons: Some(10),
            max_amount: Some(1_000),
            max_amount_by_day: Some(1_000),
            max_coupons_per_user: Some(1),
            natural_person_limit: Some(false),
            prevent_api_abuse: Some(false),
        },
        pattern_info: Some(PatternInfo {
            description: "满 25 元减 1 元".into(),
            merchant_logo: Some(logo.clone()),
            coupon_image: Some(logo),
            ..PatternInfo::default()
        }),
        coupon_use_rule: CouponUseRule {
            fixed_normal_coupon: Some(FixedNormalCoupon {
                coupon_amount: 100,
                transaction_minimum: 2_500,
            }),
            available_merchants: Some(vec![mchid.clone()]),
            ..CouponUseRule::default()
        },
        no_cash: Some(false),
        stock_type: StockTypeReq::Normal,
        out_request_no: client.favor().out_request_no()?,
        ext_info: None,
    };
    let stock_id = c.call(&create)?.stock_id;
    let started = c.call(&StartStockRequest::new(&stock_id, &mchid))?.start_time;
    c.step("created and started stock", &format!("{stock_id} at {started}"))?;

    let receiver = Receiver::start(client.clone())?;
    c.call(&SetCallbackRequest {
        mchid: mchid.clone(),
        notify_url: receiver.url().to_owned(),
        switch: Some(true),
    })?;
    c.step("notify URL", receiver.url())?;

    let coupon_id = c
        .call(&SendCouponRequest {
            openid: OPENID.into(),
            stock_id: stock_id.clone(),
            out_request_no: client.favor().out_request_no()?,
            appid: config.appid.clone(),
            stock_creator_mchid: mchid.clone(),
            ..SendCouponRequest::default()
        })?
        .coupon_id;
    let stock = c.call(&GetStockRequest {
        stock_id: stock_id.clone(),
        stock_creator_mchid: mchid.clone(),
    })?;
    c.step(
        "sent coupon",
        &format!(
            "{coupon_id}; stock {} with {} sent",
            stock.status, stock.distributed_coupons
        ),
    )?;

    // The sandbox stands in for the user paying 30.00 CNY with the coupon.
    let pay = format!(r#"{{"coupon_id":"{coupon_id}","openid":"{OPENID}","order_amount":3000}}"#);
    let (status, body) = sandbox_post(&c.agent, &format!("{}/sandbox/use", client.base_url()), &pay)?;
    if status != 200 {
        return Err(format!("/sandbox/use answered {status}: {}", String::from_utf8_lossy(&body)).into());
    }
    let event = receiver
        .next_event(Duration::from_secs(15))
        .ok_or("no verified COUPON.USE notification within 15 s")?;
    if event.coupon_id != coupon_id {
        return Err(format!("COUPON.USE for {}, expected {coupon_id}", event.coupon_id).into());
    }
    c.step(
        "COUPON.USE received",
        &format!("{} is {}", event.coupon_id, event.status),
    )?;
    drop(receiver);

    // The bill file is unsigned: its SHA-1 comes in the verified JSON response.
    let download = c.call(&UseFlowRequest {
        stock_id: stock_id.clone(),
    })?;
    let file = send(&c.agent, &client.favor().bill_file_request(&download)?)?;
    if file.status != 200 {
        return Err(format!("bill download answered {}", file.status).into());
    }
    let mut digest = BillDigest::new(&download)?;
    digest.update(&file.body);
    let verified = digest.finish()?;
    let mut parser = BillParser::<UseFlow>::new(&verified);
    let mut discount = None;
    let mut keep = |row: wechatpay_coupons::favor::bills::UseFlowRow<'_>| {
        if row.columns.coupon_id == coupon_id {
            discount = row.columns.discount_amount;
        }
    };
    parser.feed(&file.body, &mut keep)?;
    parser.finish(&mut keep)?;
    c.step(
        "use-flow bill",
        &format!("SHA-1 {} matches; discount {discount:?} fen", verified.sha1_hex()),
    )?;

    c.summary.stock_id = stock_id;
    c.summary.coupon_id = coupon_id;
    c.summary.notified_status = event.status;
    c.summary.billed_discount = discount;
    Ok(c.summary)
}
