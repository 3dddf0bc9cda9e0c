//! Stocks: create, start/pause/restart/stop, queries and item codes.

use super::*;

impl State {
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
            status: StockStatus::Unactivated,
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
        let (from, to, key) = match action {
            "start" => (StockStatus::Unactivated, StockStatus::Running, "start_time"),
            "pause" => (StockStatus::Running, StockStatus::Paused, "pause_time"),
            "restart" => (StockStatus::Paused, StockStatus::Running, "restart_time"),
            _ => (StockStatus::Unactivated, StockStatus::Stoped, "stop_time"),
        };
        if current != from {
            return Err(ApiErr::invalid(format!(
                "批次状态为 {current}，不能执行 {action} (stock is {current}; {action} needs {from})"
            )));
        }
        let mut row = stock.persisted();
        row.status = to.clone();
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
        let st = req.status.as_ref();
        let all: Vec<&Stock> = self
            .stocks
            .values()
            .filter(|s| s.creator == req.stock_creator_mchid)
            .filter(|s| from.is_none_or(|f| s.create_time >= f) && to.is_none_or(|t| s.create_time <= t))
            .filter(|s| st.is_none_or(|x| &s.status_at(c.now) == x))
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
}
