//! The coupon business: stocks, coupons, callbacks, uses and refunds. State transitions over a
//! [`State`] and a business time `now`. The server holds the state behind one mutex, which is
//! what makes concurrent sends unable to over-issue. A state opened on a store
//! ([`State::restore`]) queues every change for its durable copy before applying it in memory
//! (see [`crate::journal`] for when the answer may go out).

mod fields;
mod model;
mod persist;

pub use model::{Callback, Consume, Coupon, FlowRecord, Stock, coupon_status, status};

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use wechatpay_coupons::favor::models::{
    CouponStatusQuery, CreateStockRequest, GetCallbackRequest, GetCouponRequest, GetStockRequest, ListStocksRequest,
    ListUserCouponsRequest, ModifyItemCodesRequest, SendCouponRequest, SetCallbackRequest, StockStatus,
};

use crate::store::Change;
use crate::util::{ApiErr, cst_day, parse_rfc3339, rfc3339};
use fields::{opt_int, opt_str, req_str};

/// Everything the simulated WeChat Pay knows.
#[derive(Debug, Default)]
pub struct State {
    /// Stocks by id (ids increase, so this is creation order).
    pub stocks: BTreeMap<String, Stock>,
    /// Coupons by id.
    pub coupons: BTreeMap<String, Coupon>,
    /// Create-stock idempotency: out_request_no → (request, stock_id).
    pub create_requests: HashMap<String, (CreateStockRequest, String)>,
    /// Send idempotency: out_request_no → (request with its openid, coupon_id).
    pub send_requests: HashMap<String, (SendCouponRequest, String)>,
    /// Callback setting.
    pub callback: Option<Callback>,
    /// Uses, in order.
    pub uses: Vec<FlowRecord>,
    /// Refunds, in order.
    pub refunds: Vec<FlowRecord>,
    /// Last id handed out (stock, coupon, transaction and refund ids share the sequence).
    next_id: u64,
    /// Where changes are queued to be made durable (none: in memory only).
    journal: Option<std::sync::Arc<crate::journal::Journal>>,
}

/// Who is calling and when.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// Authenticated mchid.
    pub mchid: &'a str,
    /// The appid bound to that merchant.
    pub appid: &'a str,
    /// Business time.
    pub now: i64,
    /// Base URL of the sandbox (media URLs must start with it).
    pub base_url: &'a str,
    /// Uploaded images (media URLs must name one).
    pub media: &'a crate::media::MediaStore,
}

/// A validated non-negative count as `usize` (saturating).
fn to_usize(v: i64) -> usize {
    usize::try_from(v.max(0)).unwrap_or(usize::MAX)
}

impl State {
    fn next(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn stock_of(&self, stock_id: &str, creator: &str) -> Result<&Stock, ApiErr> {
        let s = self
            .stocks
            .get(stock_id)
            .ok_or_else(|| ApiErr::not_found("批次不存在 (stock not found)"))?;
        if s.creator != creator {
            return Err(ApiErr::not_found("批次不存在 (stock not found for this creator)"));
        }
        Ok(s)
    }

    /// Creates a stock from a create-stock request that passed the core's rules
    /// ([`crate::validation`]); here only the sandbox's business checks run: idempotency on
    /// `out_request_no`, at least one coupon, media URLs from the image upload.
    pub fn create_stock(&mut self, c: Caller<'_>, req: &CreateStockRequest) -> Result<Value, ApiErr> {
        if let Some((prev, id)) = self.create_requests.get(&req.out_request_no) {
            if prev == req {
                let t = self.stocks.get(id).map_or(c.now, |s| s.create_time);
                return Ok(json!({"stock_id": id, "create_time": rfc3339(t)}));
            }
            return Err(ApiErr::invalid(
                "out_request_no 已使用，但请求参数与原请求不一致 (out_request_no reused with different content)",
            ));
        }
        let time = |field: &str, value: &str| {
            parse_rfc3339(value)
                .ok_or_else(|| ApiErr::body(field, json!(value), "输入时间格式错误 (expected RFC 3339)"))
        };
        let begin = time("available_begin_time", &req.available_begin_time)?;
        let end = time("available_end_time", &req.available_end_time)?;
        let rule = &req.stock_use_rule;
        let cur = &req.coupon_use_rule;
        let required =
            |field: &str, v: Option<i64>| v.ok_or_else(|| ApiErr::body(field, Value::Null, "必填参数缺失 (required)"));
        let max_coupons = required("stock_use_rule.max_coupons", rule.max_coupons)?;
        let max_amount = required("stock_use_rule.max_amount", rule.max_amount)?;
        let per_user = required("stock_use_rule.max_coupons_per_user", rule.max_coupons_per_user)?;
        let fixed = cur.fixed_normal_coupon.ok_or_else(|| {
            ApiErr::body(
                "coupon_use_rule.fixed_normal_coupon",
                Value::Null,
                "必填参数缺失 (required)",
            )
        })?;
        if max_coupons < 1 {
            return Err(ApiErr::body(
                "stock_use_rule.max_coupons",
                json!(max_coupons),
                "发放总上限至少为 1 (at least 1)",
            ));
        }
        if let Some(p) = &req.pattern_info {
            for (field, url) in [
                ("pattern_info.merchant_logo", &p.merchant_logo),
                ("pattern_info.coupon_image", &p.coupon_image),
            ] {
                if let Some(url) = url {
                    let known = url
                        .strip_prefix(c.base_url)
                        .and_then(|p| p.strip_prefix("/media/"))
                        .is_some_and(|id| c.media.contains(id));
                    if !known {
                        return Err(ApiErr::body(
                            field,
                            json!(url),
                            "必须是图片上传接口返回的 media_url (must be a media_url from the image-upload API)",
                        ));
                    }
                }
            }
        }
        let merchants = match &cur.available_merchants {
            Some(m) if !m.is_empty() => m.clone(),
            _ => vec![c.mchid.to_owned()],
        };
        let stock_id = format!("{}", 17_000_000 + self.next());
        let stock = Stock {
            stock_id: stock_id.clone(),
            creator: c.mchid.to_owned(),
            request: req.clone(),
            status: status::UNACTIVATED,
            create_time: c.now,
            begin,
            end,
            start_time: None,
            stop_time: None,
            coupon_amount: fixed.coupon_amount,
            transaction_minimum: fixed.transaction_minimum,
            max_coupons,
            max_amount,
            max_amount_by_day: rule.max_amount_by_day,
            max_coupons_per_user: per_user,
            minutes_after_receive: cur
                .coupon_available_time
                .as_ref()
                .and_then(|t| t.available_time_after_receive),
            distributed: 0,
            issued_by_day: HashMap::new(),
            per_user: HashMap::new(),
            merchants,
            items: cur.available_items.clone().unwrap_or_default(),
        };
        self.save(vec![Change::Stock(Box::new(stock.clone()))])?;
        self.stocks.insert(stock_id.clone(), stock);
        self.create_requests
            .insert(req.out_request_no.clone(), (req.clone(), stock_id.clone()));
        Ok(json!({"stock_id": stock_id, "create_time": rfc3339(c.now)}))
    }

    /// start / pause / restart / stop of `stock_id` by `creator` (the request's
    /// `stock_creator_mchid`).
    pub fn transition(&mut self, c: Caller<'_>, stock_id: &str, action: &str, creator: &str) -> Result<Value, ApiErr> {
        if creator != c.mchid {
            return Err(ApiErr::blocked(
                "调用商户无权限 (only the creator may change the stock)",
            ));
        }
        let stock = self.stock_of(stock_id, creator)?;
        let current = stock.status_at(c.now);
        let (from, to, key): (&[&str], &'static str, &str) = match action {
            "start" => (&[status::UNACTIVATED], status::RUNNING, "start_time"),
            "pause" => (&[status::RUNNING], status::PAUSED, "pause_time"),
            "restart" => (&[status::PAUSED], status::RUNNING, "restart_time"),
            _ => (&[status::UNACTIVATED], status::STOPED, "stop_time"),
        };
        if !from.contains(&current) {
            return Err(ApiErr::invalid(format!(
                "批次状态为 {current}，不能执行 {action} (stock is {current}; {action} needs {})",
                from.join("/")
            )));
        }
        let mut row = stock.persisted();
        row.status = to;
        match action {
            "start" => row.start_time = Some(c.now),
            "stop" => row.stop_time = Some(c.now),
            _ => {}
        }
        let (start_time, stop_time) = (row.start_time, row.stop_time);
        self.save(vec![Change::Stock(Box::new(row))])?;
        if let Some(s) = self.stocks.get_mut(stock_id) {
            s.status = to;
            s.start_time = start_time;
            s.stop_time = stop_time;
        }
        Ok(json!({ key: rfc3339(c.now), "stock_id": stock_id }))
    }

    /// Sends a coupon (a request that passed the core's rules; `openid` from the path),
    /// enforcing idempotency, status, limits and budget.
    pub fn send_coupon(&mut self, c: Caller<'_>, req: &SendCouponRequest) -> Result<Value, ApiErr> {
        let (openid, appid, creator) = (
            req.openid.as_str(),
            req.appid.as_str(),
            req.stock_creator_mchid.as_str(),
        );
        if let Some((prev, coupon_id)) = self.send_requests.get(&req.out_request_no) {
            if prev == req {
                return Ok(json!({ "coupon_id": coupon_id }));
            }
            return Err(ApiErr::invalid(
                "out_request_no 已使用，但请求参数与原请求不一致 (out_request_no reused with different content)",
            ));
        }
        if appid != c.appid {
            return Err(ApiErr::new(
                400,
                "APPID_MCHID_NOT_MATCH",
                "商户号与appid不匹配 (appid is not bound to the calling mchid)",
            ));
        }
        let stock = self
            .stocks
            .get(&req.stock_id)
            .ok_or_else(|| ApiErr::not_found("批次不存在 (stock not found)"))?;
        if stock.creator != creator {
            return Err(ApiErr::not_found(
                "批次不存在 (stock not found for this stock_creator_mchid)",
            ));
        }
        if creator != c.mchid && !stock.merchants.iter().any(|m| m == c.mchid) {
            return Err(ApiErr::blocked("商户无权发券 (caller may not send this stock)"));
        }
        if stock.status_at(c.now) != status::RUNNING || c.now < stock.begin {
            return Err(ApiErr::invalid("活动已结束或未激活 (stock ended or not activated)"));
        }
        if stock.per_user.get(openid).copied().unwrap_or(0) >= stock.max_coupons_per_user {
            return Err(ApiErr::blocked("用户被限领拦截 (per-user limit reached)"));
        }
        if stock.distributed >= stock.max_coupons {
            return Err(ApiErr::new(403, "NOT_ENOUGH", "批次预算不足 (stock budget exhausted)"));
        }
        let day = cst_day(c.now);
        if let Some(d) = stock.max_amount_by_day
            && stock.issued_by_day.get(&day).copied().unwrap_or(0) + stock.coupon_amount > d
        {
            return Err(ApiErr::new(
                403,
                "NOT_ENOUGH",
                "批次当天预算不足 (daily budget exhausted)",
            ));
        }
        let end = match stock.minutes_after_receive {
            Some(m) => (c.now + m * 60).min(stock.end),
            None => stock.end,
        };
        let begin = c.now.max(stock.begin);
        let coupon_id = format!("{}", 20_000_000_000u64 + self.next());
        let coupon = Coupon {
            coupon_id: coupon_id.clone(),
            stock_id: req.stock_id.clone(),
            openid: openid.to_owned(),
            appid: appid.to_owned(),
            status: coupon_status::SENDED,
            create_time: c.now,
            begin,
            end,
            out_request_no: req.out_request_no.clone(),
            consume: None,
        };
        self.save(vec![Change::NewCoupon(coupon.clone(), req.clone())])?;
        if let Some(s) = self.stocks.get_mut(&req.stock_id) {
            s.distributed += 1;
            *s.per_user.entry(openid.to_owned()).or_insert(0) += 1;
            *s.issued_by_day.entry(day).or_insert(0) += s.coupon_amount;
        }
        self.coupons.insert(coupon_id.clone(), coupon);
        self.send_requests
            .insert(req.out_request_no.clone(), (req.clone(), coupon_id.clone()));
        Ok(json!({ "coupon_id": coupon_id }))
    }

    /// GET one stock.
    pub fn get_stock(&self, c: Caller<'_>, req: &GetStockRequest) -> Result<Value, ApiErr> {
        Ok(self.stock_of(&req.stock_id, &req.stock_creator_mchid)?.to_json(c.now))
    }

    /// GET the stock list (`offset` is a page index).
    pub fn list_stocks(&self, c: Caller<'_>, req: &ListStocksRequest) -> Result<Value, ApiErr> {
        let time = |name: &str, v: &Option<String>| -> Result<Option<i64>, ApiErr> {
            match v {
                None => Ok(None),
                Some(s) => parse_rfc3339(s)
                    .map(Some)
                    .ok_or_else(|| ApiErr::query(name, json!(s), "输入时间格式错误 (RFC 3339; encode + as %2B)")),
            }
        };
        let from = time("create_start_time", &req.create_start_time)?;
        let to = time("create_end_time", &req.create_end_time)?;
        let st = req.status.as_ref().map(StockStatus::as_str);
        let all: Vec<&Stock> = self
            .stocks
            .values()
            .filter(|s| s.creator == req.stock_creator_mchid)
            .filter(|s| from.is_none_or(|f| s.create_time >= f) && to.is_none_or(|t| s.create_time <= t))
            .filter(|s| st.is_none_or(|x| s.status_at(c.now) == x))
            .collect();
        let data: Vec<Value> = all
            .iter()
            .skip(to_usize(req.offset.saturating_mul(req.limit)))
            .take(to_usize(req.limit))
            .map(|s| s.to_json(c.now))
            .collect();
        Ok(json!({"total_count": all.len(), "limit": req.limit, "offset": req.offset, "data": data}))
    }

    /// GET merchants (`items` false) or items (`items` true) of a stock (`offset` is a page
    /// index, 分页页码).
    pub fn stock_list_field(
        &self,
        stock_id: &str,
        creator: &str,
        offset: i64,
        limit: i64,
        items: bool,
    ) -> Result<Value, ApiErr> {
        let s = self.stock_of(stock_id, creator)?;
        let list = if items { &s.items } else { &s.merchants };
        let skip = to_usize(offset.saturating_mul(limit));
        let data: Vec<&String> = list.iter().skip(skip).take(to_usize(limit)).collect();
        Ok(json!({"data": data, "total_count": list.len(), "offset": offset, "limit": limit, "stock_id": stock_id}))
    }

    /// GET one coupon.
    pub fn get_coupon(&self, c: Caller<'_>, req: &GetCouponRequest) -> Result<Value, ApiErr> {
        if req.appid != c.appid {
            return Err(ApiErr::new(400, "APPID_MCHID_NOT_MATCH", "商户号与appid不匹配"));
        }
        let coupon = self
            .coupons
            .get(&req.coupon_id)
            .filter(|x| x.openid == req.openid && x.appid == req.appid)
            .ok_or_else(|| ApiErr::not_found("券不存在 (coupon not found)"))?;
        let stock = self
            .stocks
            .get(&coupon.stock_id)
            .ok_or_else(|| ApiErr::not_found("批次不存在"))?;
        Ok(coupon.to_json(stock, c.now))
    }

    /// GET a user's coupons (`offset` is a page index, 分页页码; at most 100 per page).
    pub fn user_coupons(&self, c: Caller<'_>, req: &ListUserCouponsRequest) -> Result<Value, ApiErr> {
        if req.appid != c.appid {
            return Err(ApiErr::new(400, "APPID_MCHID_NOT_MATCH", "商户号与appid不匹配"));
        }
        let creator = req.creator_mchid.as_deref();
        let sender = req.sender_mchid.as_deref();
        let available = req.available_mchid.as_deref();
        let st = req.status.as_ref().map(CouponStatusQuery::as_str);
        let only_usable = creator.is_none() && available.is_some();
        let offset = if only_usable { 0 } else { req.offset.unwrap_or(0) };
        let limit = if only_usable { i64::MAX } else { req.limit.unwrap_or(20) };
        if !only_usable && limit > 100 {
            return Err(ApiErr::query(
                "limit",
                json!(limit),
                "页大小超过阈值，应在 [1,100] (page size out of range)",
            ));
        }
        let stock_filter = if only_usable { None } else { req.stock_id.as_deref() };
        let mut data = Vec::new();
        let mut total = 0usize;
        for coupon in self.coupons.values().filter(|x| x.openid == req.openid) {
            let Some(stock) = self.stocks.get(&coupon.stock_id) else {
                continue;
            };
            let s = coupon.status_at(c.now);
            let keep = if let Some(cr) = creator {
                stock.creator == cr
                    && s != coupon_status::EXPIRED
                    && match st {
                        Some("SENDED") => s == coupon_status::SENDED,
                        _ => true,
                    }
            } else if let Some(av) = available {
                s == coupon_status::SENDED && stock.merchants.iter().any(|m| m == av)
            } else {
                sender == Some(c.mchid)
            };
            if keep && stock_filter.is_none_or(|f| f == coupon.stock_id) {
                if total >= to_usize(offset.saturating_mul(limit)) && data.len() < to_usize(limit) {
                    data.push(coupon.to_json(stock, c.now));
                }
                total += 1;
            }
        }
        let limit = if only_usable {
            i64::try_from(data.len()).unwrap_or(i64::MAX)
        } else {
            limit
        };
        Ok(json!({"data": data, "total_count": total, "limit": limit, "offset": offset}))
    }

    /// POST modify-goods-id. Sandbox business rules: at most 50 codes of 1 to 128 characters
    /// per list, at least one list with a code, at least one code left afterwards.
    pub fn modify_items(&mut self, c: Caller<'_>, req: &ModifyItemCodesRequest) -> Result<Value, ApiErr> {
        self.stock_of(&req.stock_id, &req.stock_creator_mchid)?;
        let mut lists = [Vec::new(), Vec::new()];
        for (i, (field, list)) in [
            ("add_goods_id_list", &req.add_goods_id_list),
            ("delete_goods_id_list", &req.delete_goods_id_list),
        ]
        .into_iter()
        .enumerate()
        {
            let list = list.clone().unwrap_or_default();
            if list.len() > 50 || list.iter().any(|x| x.is_empty() || x.chars().count() > 128) {
                return Err(ApiErr::body(
                    field,
                    json!(list),
                    "最多 50 项，每项 1 到 128 个字符 (at most 50 codes of 1 to 128 characters)",
                ));
            }
            lists[i] = list;
        }
        let [add, del] = lists;
        if add.is_empty() && del.is_empty() {
            return Err(ApiErr::body(
                "add_goods_id_list",
                Value::Null,
                "add_goods_id_list 与 delete_goods_id_list 不能同时为空",
            ));
        }
        let Some(s) = self.stocks.get(&req.stock_id) else {
            return Err(ApiErr::not_found("批次不存在"));
        };
        let mut items = s.items.clone();
        items.retain(|i| !del.contains(i));
        for a in add {
            if !items.contains(&a) {
                items.push(a);
            }
        }
        if items.is_empty() {
            return Err(ApiErr::new(
                403,
                "RULE_LIMIT",
                "至少需要保留一个可用单品编码 (at least one code must remain)",
            ));
        }
        let mut row = s.persisted();
        row.items = items.clone();
        self.save(vec![Change::Stock(Box::new(row))])?;
        if let Some(s) = self.stocks.get_mut(&req.stock_id) {
            s.items = items;
        }
        Ok(json!({"effect_time": rfc3339(c.now), "stock_id": req.stock_id}))
    }

    /// POST callbacks (a request that passed the core's rules, `http://` on loopback allowed as
    /// the sandbox relaxation). Business rules: only the caller's own callback, URL with a path.
    pub fn set_callback(&mut self, c: Caller<'_>, req: &SetCallbackRequest) -> Result<Value, ApiErr> {
        if req.mchid != c.mchid {
            return Err(ApiErr::invalid("非法的商户号 (mchid must be the caller)"));
        }
        check_notify_url(&req.notify_url)?;
        let callback = Callback {
            notify_url: req.notify_url.clone(),
            enabled: req.switch.unwrap_or(true),
            update_time: c.now,
        };
        self.save(vec![Change::Callback(callback.clone())])?;
        self.callback = Some(callback);
        Ok(json!({"update_time": rfc3339(c.now), "notify_url": req.notify_url}))
    }

    /// GET callbacks.
    pub fn get_callback(&self, c: Caller<'_>, req: &GetCallbackRequest) -> Result<Value, ApiErr> {
        if req.mchid != c.mchid {
            return Err(ApiErr::invalid("非法的商户号"));
        }
        let cb = self
            .callback
            .as_ref()
            .ok_or_else(|| ApiErr::not_found("未设置消息通知地址 (no callback set)"))?;
        Ok(json!({"notify_url": cb.notify_url, "mchid": req.mchid}))
    }

    /// Sandbox: a user pays with a coupon. Returns the coupon JSON for the notification.
    pub fn use_coupon(&mut self, now: i64, body: &Value) -> Result<(Value, FlowRecord), ApiErr> {
        let coupon_id = req_str(body, "/coupon_id", 20)?.to_owned();
        let coupon = self
            .coupons
            .get(&coupon_id)
            .ok_or_else(|| ApiErr::not_found("券不存在 (coupon not found)"))?
            .clone();
        if let Some(o) = opt_str(body, "/openid", 128)?
            && o != coupon.openid
        {
            return Err(ApiErr::invalid("券不属于该用户 (coupon belongs to another user)"));
        }
        let stock = self
            .stocks
            .get(&coupon.stock_id)
            .ok_or_else(|| ApiErr::not_found("批次不存在"))?
            .clone();
        let st = coupon.status_at(now);
        if st != coupon_status::SENDED {
            return Err(ApiErr::invalid(format!("券状态为 {st}，不可使用 (coupon is {st})")));
        }
        if now < coupon.begin {
            return Err(ApiErr::invalid("券尚未生效 (coupon not yet valid)"));
        }
        let order_amount = opt_int(body, "/order_amount")?.unwrap_or(stock.transaction_minimum);
        if order_amount < stock.transaction_minimum {
            return Err(ApiErr::body(
                "order_amount",
                json!(order_amount),
                format!("订单金额未达到使用门槛 {} 分", stock.transaction_minimum),
            ));
        }
        let mchid = opt_str(body, "/mchid", 20)?
            .map(str::to_owned)
            .unwrap_or_else(|| stock.creator.clone());
        let transaction_id = match opt_str(body, "/transaction_id", 32)? {
            Some(t) => t.to_owned(),
            None => {
                let year = crate::util::bill_time(now).get(0..4).unwrap_or("2026").to_owned();
                format!("4200000000{year}{:014}", self.next())
            }
        };
        let rec = FlowRecord {
            stock_id: stock.stock_id.clone(),
            coupon_id: coupon_id.clone(),
            discount: stock.coupon_amount,
            order_amount,
            transaction_id: transaction_id.clone(),
            refund_id: None,
            time: now,
            mchid: mchid.clone(),
        };
        let mut used = coupon.clone();
        used.status = coupon_status::USED;
        used.consume = Some(Consume {
            time: now,
            mchid,
            transaction_id,
            order_amount,
        });
        self.save(vec![Change::CouponState(used.clone()), Change::Flow(rec.clone())])?;
        let json_out = used.to_json(&stock, now);
        self.coupons.insert(coupon_id, used);
        self.uses.push(rec.clone());
        Ok((json_out, rec))
    }

    /// Sandbox: the order paid with a coupon is refunded; the coupon becomes usable again if it
    /// has not expired.
    pub fn refund(&mut self, now: i64, body: &Value) -> Result<Value, ApiErr> {
        let coupon_id = req_str(body, "/coupon_id", 20)?.to_owned();
        let refund_id = format!("50300000{:012}", self.next());
        let coupon = self
            .coupons
            .get(&coupon_id)
            .ok_or_else(|| ApiErr::not_found("券不存在 (coupon not found)"))?;
        let Some(consume) = coupon.consume.clone().filter(|_| coupon.status == coupon_status::USED) else {
            return Err(ApiErr::invalid("券未使用，不能退款 (coupon is not used)"));
        };
        let discount = self.stocks.get(&coupon.stock_id).map_or(0, |s| s.coupon_amount);
        let rec = FlowRecord {
            stock_id: coupon.stock_id.clone(),
            coupon_id: coupon_id.clone(),
            discount,
            order_amount: consume.order_amount,
            transaction_id: consume.transaction_id,
            refund_id: Some(refund_id.clone()),
            time: now,
            mchid: consume.mchid,
        };
        let mut refunded = coupon.clone();
        refunded.status = coupon_status::SENDED;
        refunded.consume = None;
        let new_status = refunded.status_at(now);
        self.save(vec![Change::CouponState(refunded.clone()), Change::Flow(rec.clone())])?;
        self.coupons.insert(coupon_id.clone(), refunded);
        self.refunds.push(rec);
        Ok(json!({"coupon_id": coupon_id, "refund_id": refund_id, "coupon_status": new_status}))
    }
}

/// V-CB-02..04 with the sandbox relaxation: `https://…` anywhere, `http://` only on loopback.
pub fn check_notify_url(url: &str) -> Result<(), ApiErr> {
    let bad = |issue: &str| Err(ApiErr::body("notify_url", json!(url), issue.to_owned()));
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        if !crate::delivery::is_loopback_authority(r) {
            return bad("http 仅允许回环地址；请使用 https (http only on loopback in the sandbox)");
        }
        r
    } else {
        return bad("回调url必须以 https:// 开头 (must be an https URL)");
    };
    if url.contains('?') || url.contains('#') {
        return bad("回调url不能携带参数 (no query string)");
    }
    if !rest.contains('/') || rest.starts_with('/') {
        return bad("回调url需要包含主机和路径 (host and path required)");
    }
    Ok(())
}

/// Decoded query parameters with typed accessors that fail as `PARAM_ERROR` (location query).
#[derive(Debug, Default, Clone)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// First value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A required string of at most `max` characters.
    pub fn required(&self, name: &str, max: usize) -> Result<&str, ApiErr> {
        match self.get(name) {
            None | Some("") => Err(ApiErr::query(name, Value::Null, "必填参数缺失 (required)")),
            Some(v) if v.chars().count() > max => {
                Err(ApiErr::query(name, json!(v), format!("长度超过 {max} (too long)")))
            }
            Some(v) => Ok(v),
        }
    }

    /// An integer in `min..=max`, with an optional default.
    pub fn int(&self, name: &str, default: Option<i64>, min: i64, max: i64) -> Result<i64, ApiErr> {
        let v = match (self.get(name), default) {
            (Some(s), _) => s
                .parse::<i64>()
                .map_err(|_| ApiErr::query(name, json!(s), "应为整数 (expected an integer)"))?,
            (None, Some(d)) => d,
            (None, None) => return Err(ApiErr::query(name, Value::Null, "必填参数缺失 (required)")),
        };
        if v < min || v > max {
            let issue = if name == "limit" {
                format!("页大小超过阈值，应在 [{min},{max}] (page size out of range)")
            } else {
                format!("应在 [{min},{max}] (out of range)")
            };
            return Err(ApiErr::query(name, json!(v), issue));
        }
        Ok(v)
    }
}
