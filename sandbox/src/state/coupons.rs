//! Coupons: send, queries, use and refund.

use super::*;

impl State {
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
        if stock.status_at(c.now) != StockStatus::Running || c.now < stock.begin {
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
            status: CouponStatus::Sended,
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
                    && s != CouponStatus::Expired
                    && match st {
                        Some("SENDED") => s == CouponStatus::Sended,
                        _ => true,
                    }
            } else if let Some(av) = available {
                s == CouponStatus::Sended && stock.merchants.iter().any(|m| m == av)
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
        if st != CouponStatus::Sended {
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
        used.status = CouponStatus::Used;
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
        let Some(consume) = coupon.consume.clone().filter(|_| coupon.status == CouponStatus::Used) else {
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
        refunded.status = CouponStatus::Sended;
        refunded.consume = None;
        let new_status = refunded.status_at(now);
        self.save(vec![Change::CouponState(refunded.clone()), Change::Flow(rec.clone())])?;
        self.coupons.insert(coupon_id.clone(), refunded);
        self.refunds.push(rec);
        Ok(json!({"coupon_id": coupon_id, "refund_id": refund_id, "coupon_status": new_status}))
    }
}
