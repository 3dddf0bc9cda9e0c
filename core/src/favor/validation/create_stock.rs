//! Rules of create stock (validation-rules.md §1).

use crate::error::echo;

use super::{DAY, FieldRules, Report, Severity, Validate, ValidationContext, Violation, has_non_ascii};
use crate::favor::models::{
    BackgroundColor, CouponUseRule, CreateStockRequest, JumpTarget, PatternInfo, StockRule, TradeType,
};

impl Validate for CreateStockRequest {
    fn validate(&self, ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        stock_name(&mut r, &self.stock_name);
        if let Some(c) = &self.comment {
            let n = c.chars().count();
            if n == 0 || n > 60 {
                r.err(
                    "comment",
                    "V-CS-06",
                    format!("must be 1 to 60 characters when present, got {n} (omit it instead of sending it empty)"),
                    format!("填写时须为1至60个字符，当前{n}个（不用时请不传）"),
                );
            }
        }
        if let Some(e) = &self.ext_info
            && (e.chars().count() > 128 || serde_json::from_str::<serde_json::Value>(e).is_err())
        {
            r.warn(
                "ext_info",
                "V-CS-07",
                "should be JSON text of at most 128 characters (the field is not open yet)",
                "应为不超过128个字符的 JSON 文本（该字段暂未开放）",
            );
        }
        r.mchid("belong_merchant", "V-CS-10", &self.belong_merchant);
        if !self.belong_merchant.is_empty() && self.belong_merchant != ctx.mchid {
            r.err(
                "belong_merchant",
                "V-CS-10",
                format!("must be the calling merchant {}", ctx.mchid),
                format!("必须为调用方商户号 {}", ctx.mchid),
            );
        }
        r.out_request_no("out_request_no", "V-CS-11", "V-CS-12", &self.out_request_no);
        stock_times(&mut r, self, ctx);
        let a = self.coupon_use_rule.fixed_normal_coupon.map(|f| f.coupon_amount);
        stock_rule(&mut r, &self.stock_use_rule, a);
        coupon_use_rule(&mut r, &self.coupon_use_rule);
        if let Some(p) = &self.pattern_info {
            pattern_info(&mut r, p);
        }
        if self.stock_type.as_str() != "NORMAL" {
            r.err(
                "stock_type",
                "V-CS-80",
                format!("must be NORMAL, got {:?}", echo(self.stock_type.as_str())),
                format!("只支持 NORMAL，当前为 {:?}", echo(self.stock_type.as_str())),
            );
        }
        if self.no_cash.is_none() {
            r.err(
                "no_cash",
                "V-CS-81",
                "no_cash is required (send false explicitly for 预充值/prefunded, true for 免充值; the official Go model requires it)",
                "no_cash 必填：预充值请显式传 false，免充值传 true（官方 Go 模型要求该字段）",
            );
        }
        r.finish()
    }
}

fn stock_name(r: &mut Report, name: &str) {
    let f = "stock_name";
    let n = name.chars().count();
    if n == 0 {
        r.err(f, "V-CS-01", "is required and must not be empty", "批次名称必填");
        return;
    }
    let all_non_ascii = name.chars().all(|c| !c.is_ascii());
    if n > 20 || (all_non_ascii && n > 9) {
        r.err(
            f,
            "V-CS-02",
            format!("must be at most 9 Chinese characters or 20 letters, got {n} characters"),
            format!("最多9个中文汉字或20个字母，当前{n}个字符"),
        );
    } else if has_non_ascii(name) && !all_non_ascii && n > 9 {
        r.warn(
            f,
            "V-CS-04",
            format!("mixes Chinese and Latin text in {n} characters; keep mixed names to 9 characters"),
            format!("中英文混合名称共{n}个字符，建议不超过9个字符"),
        );
    }
    if name.chars().any(|c| matches!(c, '_' | ',' | ';' | '|')) {
        r.err(f, "V-CS-03", "must not contain _ , ; or |", "不能包含特殊字符 _ , ; |");
    }
    if name.chars().any(|c| matches!(c, '，' | '；' | '｜' | '＿')) {
        r.warn(
            f,
            "V-CS-04",
            "contains a full-width ，；｜ or ＿, which may be refused like its ASCII form",
            "包含全角字符 ，；｜＿，可能与半角字符一样被拒绝",
        );
    }
}

fn stock_times(r: &mut Report, req: &CreateStockRequest, ctx: &ValidationContext<'_>) {
    let b = r.sent_time("available_begin_time", "V-CS-20", &req.available_begin_time);
    let e = r.sent_time("available_end_time", "V-CS-20", &req.available_end_time);
    if let Some(b) = b {
        let grace = ctx.begin_time_grace_secs.max(0);
        if b < ctx.now - grace {
            r.err(
                "available_begin_time",
                "V-CS-21",
                format!("must not be earlier than now (allowing {grace} s of clock drift)"),
                format!("开始时间不能早于当前时间（允许{grace}秒时钟误差）"),
            );
        }
        if b > ctx.now + 365 * DAY {
            r.err(
                "available_begin_time",
                "V-CS-22",
                "must not be more than 365 days ahead",
                "不能创建365天后开始的批次",
            );
        }
    }
    if let (Some(b), Some(e)) = (b, e) {
        if e - b < 1 {
            r.err(
                "available_end_time",
                "V-CS-23",
                "must be at least 1 second after available_begin_time",
                "结束时间必须晚于开始时间至少1秒",
            );
        } else if e - b > 90 * DAY {
            r.err(
                "available_end_time",
                "V-CS-24",
                "must be at most 90 days after available_begin_time",
                "批次可用时间范围最长为90天",
            );
        }
    }
}

fn stock_rule(r: &mut Report, s: &StockRule, coupon_amount: Option<i64>) {
    let p = |f: &str| format!("stock_use_rule.{f}");
    let missing: [(&str, bool); 5] = [
        ("max_coupons", s.max_coupons.is_none()),
        ("max_amount", s.max_amount.is_none()),
        ("max_coupons_per_user", s.max_coupons_per_user.is_none()),
        ("natural_person_limit", s.natural_person_limit.is_none()),
        ("prevent_api_abuse", s.prevent_api_abuse.is_none()),
    ];
    for (f, m) in missing {
        if m {
            r.err(&p(f), "V-CS-30", "is required", "必填");
        }
    }
    r.money(&p("max_amount"), s.max_amount);
    r.money(&p("max_amount_by_day"), s.max_amount_by_day);
    if let Some(n) = s.max_coupons
        && !(5..=10_000_000).contains(&n)
    {
        r.warn(
            &p("max_coupons"),
            "V-CS-31",
            format!("should be between 5 and 10000000, got {n}"),
            format!("发放总数应在5到10000000之间，当前为{n}"),
        );
    }
    if let (Some(total), Some(n), Some(a)) = (s.max_amount, s.max_coupons, coupon_amount)
        && a.checked_mul(n) != Some(total)
    {
        r.err(
            &p("max_amount"),
            "V-CS-32",
            format!("must equal coupon_amount × max_coupons = {a} × {n}, got {total}"),
            format!("总预算必须等于券面额 × 发放总数 = {a} × {n}，当前为{total}"),
        );
    }
    if let Some(total) = s.max_amount {
        if total > 10_000_000_000 {
            r.err(
                &p("max_amount"),
                "V-CS-33",
                format!("must be at most 10000000000 fen (100 million yuan), got {total}"),
                format!("总预算不能超过10000000000分（1亿元），当前为{total}"),
            );
        } else if total > 1_000_000_000 {
            r.warn(
                &p("max_amount"),
                "V-CS-33",
                format!("exceeds 1000000000 fen (10 million yuan), the limit one source gives: {total}"),
                format!("超过部分资料给出的上限1000000000分（1000万元）：{total}"),
            );
        }
    }
    if let Some(d) = s.max_amount_by_day
        && (d < 1 || s.max_amount.is_some_and(|m| d > m))
    {
        r.err(
            &p("max_amount_by_day"),
            "V-CS-34",
            format!("must be at least 1 and at most max_amount, got {d}"),
            format!("单天预算须大于0且不超过总预算，当前为{d}"),
        );
    }
    if let Some(u) = s.max_coupons_per_user {
        if u < 1 {
            r.err(
                &p("max_coupons_per_user"),
                "V-CS-35",
                format!("must be at least 1, got {u}"),
                format!("单用户领取上限至少为1，当前为{u}"),
            );
        } else if u > 60 || s.max_coupons.is_some_and(|m| u > m) {
            r.warn(
                &p("max_coupons_per_user"),
                "V-CS-36",
                format!("should be at most 60 and at most max_coupons, got {u}"),
                format!("单用户领取上限应不超过60且不超过发放总数，当前为{u}"),
            );
        }
    }
}

fn list_limits(
    r: &mut Report,
    field: &str,
    rule: &'static str,
    sev: Severity,
    items: &[String],
    max_items: usize,
    max_len: usize,
) {
    let n = items.len();
    if n == 0 || n > max_items {
        r.push(
            sev,
            field,
            rule,
            format!("must have 1 to {max_items} items, got {n}"),
            format!("条目数须为1至{max_items}个，当前{n}个"),
        );
    }
    for (i, it) in items.iter().enumerate() {
        let l = it.chars().count();
        if l == 0 || l > max_len {
            r.push(
                sev,
                &format!("{field}[{i}]"),
                rule,
                format!("must be 1 to {max_len} characters, got {l}"),
                format!("长度须为1至{max_len}个字符，当前{l}个"),
            );
        }
    }
}

fn coupon_use_rule(r: &mut Report, c: &CouponUseRule) {
    let p = |f: &str| format!("coupon_use_rule.{f}");
    match &c.fixed_normal_coupon {
        None => r.err(
            &p("fixed_normal_coupon"),
            "V-CS-40",
            "is required (only NORMAL stocks exist): give coupon_amount and transaction_minimum",
            "必填（仅支持 NORMAL 批次）：须填写券面额和使用门槛",
        ),
        Some(f) => {
            let (a, t) = (f.coupon_amount, f.transaction_minimum);
            let fa = p("fixed_normal_coupon.coupon_amount");
            let ft = p("fixed_normal_coupon.transaction_minimum");
            r.money(&fa, Some(a));
            r.money(&ft, Some(t));
            // Sources disagree (validation-rules.md V-CS-41): the current official text says
            // "more than 1 fen and at most 1000 yuan", the product guide 0.10 yuan. A rule that
            // refuses what the server accepts blocks users, so only the official bound is an
            // error and the guide's floor a warning.
            if !(2..=100_000).contains(&a) {
                r.err(
                    &fa,
                    "V-CS-41",
                    format!("must be more than 1 fen and at most 100000 fen (1000 yuan), got {a}"),
                    format!("券面额须大于1分且不超过100000分（1000元），当前为{a}"),
                );
            } else if a < 10 {
                r.warn(
                    &fa,
                    "V-CS-41",
                    format!("is below 10 fen (0.10 yuan), the floor the product guide gives; the official text allows it: {a}"),
                    format!("低于产品指引给出的下限10分（0.1元），官方文档允许：{a}"),
                );
            }
            if t < a.saturating_add(1) {
                r.err(
                    &ft,
                    "V-CS-42",
                    format!("must exceed coupon_amount ({a}) by at least 1 fen, got {t}"),
                    format!("使用门槛必须比券面额（{a}）至少高1分，当前为{t}"),
                );
            }
            if !(10..=10_000_000).contains(&t) {
                r.err(
                    &ft,
                    "V-CS-43",
                    format!("must be 10 to 10000000 fen (0.10 to 100000 yuan), got {t}"),
                    format!("使用门槛须在10至10000000分（0.1至100000元）之间，当前为{t}"),
                );
            }
        }
    }
    if let Some(at) = &c.coupon_available_time {
        let base = p("coupon_available_time");
        if let Some(x) = at.available_time_after_receive
            && !(1..=1440).contains(&x)
        {
            r.err(
                &format!("{base}.available_time_after_receive"),
                "V-CS-50",
                format!("must be 1 to 1440 minutes, got {x}"),
                format!("领取后有效时间须为1至1440分钟，当前为{x}"),
            );
        }
        if let Some(fix) = &at.fix_available_time {
            let fb = format!("{base}.fix_available_time");
            if at.second_day_available == Some(true) || at.available_time_after_receive.is_some() {
                r.warn(
                    &fb,
                    "V-CS-51",
                    "a fixed time window should not be combined with second_day_available or available_time_after_receive",
                    "固定时间段可用不应与次日生效或领取后N分钟有效同时设置",
                );
            }
            if let Some(days) = &fix.available_week_day {
                let mut seen = [false; 7];
                for (i, d) in days.iter().enumerate() {
                    let f = format!("{fb}.available_week_day[{i}]");
                    match usize::try_from(*d).ok().filter(|d| *d < 7) {
                        None => r.err(
                            &f,
                            "V-CS-52",
                            format!("must be 0 (Sunday) to 6, got {d}"),
                            format!("须为0（周日）至6，当前为{d}"),
                        ),
                        Some(d) if seen[d] => r.err(&f, "V-CS-52", "is a duplicate", "重复"),
                        Some(d) => seen[d] = true,
                    }
                }
            }
            let begin_ok = fix.begin_time.is_some_and(|b| (0..=86_400).contains(&b));
            let end_ok = fix.end_time.is_none_or(|e| (1..=86_399).contains(&e));
            let order_ok = match (fix.begin_time, fix.end_time) {
                (Some(b), Some(e)) => b < e,
                _ => true,
            };
            if !(begin_ok && end_ok && order_ok) {
                r.warn(
                    &fb,
                    "V-CS-53",
                    "begin_time should be present and 0..=86400, end_time 1..=86399, and begin_time < end_time",
                    "begin_time 应必填且在0至86400之间，end_time 在1至86399之间，且开始早于结束",
                );
            }
        }
    }
    if let Some(tags) = &c.goods_tag {
        let f = p("goods_tag");
        if tags.len() > 50 {
            r.err(
                &f,
                "V-CS-54",
                format!("must have at most 50 items, got {}", tags.len()),
                format!("最多50个，当前{}个", tags.len()),
            );
        }
        for (i, t) in tags.iter().enumerate() {
            let ok = (1..=128).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !ok {
                r.err(
                    &format!("{f}[{i}]"),
                    "V-CS-54",
                    "must be 1 to 128 characters of letters, digits and _",
                    "须为1至128个字母、数字或下划线",
                );
            }
        }
    }
    if let Some(items) = &c.available_items {
        list_limits(r, &p("available_items"), "V-CS-55", Severity::Error, items, 50, 128);
    }
    if let Some(items) = &c.unavailable_items {
        r.warn(
            &p("unavailable_items"),
            "V-CS-56",
            "is not open yet (暂未开放); the server may ignore or refuse it",
            "该字段暂未开放，服务端可能忽略或拒绝",
        );
        list_limits(r, &p("unavailable_items"), "V-CS-56", Severity::Warning, items, 50, 128);
    }
    match &c.available_merchants {
        None => r.warn(
            &p("available_merchants"),
            "V-CS-57",
            "should list at least one merchant (the creator); the old wiki marks it required",
            "建议至少填写一个可用商户号（如制券商户号），旧版文档标为必填",
        ),
        Some(m) => {
            list_limits(r, &p("available_merchants"), "V-CS-57", Severity::Error, m, 50, 20);
            for (i, id) in m.iter().enumerate() {
                if !id.is_empty() && !id.bytes().all(|b| b.is_ascii_digit()) {
                    r.warn(
                        &format!("{}[{i}]", p("available_merchants")),
                        "V-G-03",
                        "a merchant id is normally decimal digits only",
                        "商户号通常只包含数字",
                    );
                }
            }
        }
    }
    if let Some(lp) = &c.limit_pay
        && lp.len() != 1
    {
        r.err(
            &p("limit_pay"),
            "V-CS-58",
            format!("must have exactly 1 item, got {}", lp.len()),
            format!("条目个数须为1，当前{}个", lp.len()),
        );
    }
    if let Some(card) = &c.limit_card {
        let f = p("limit_card");
        let n = card.name.chars().count();
        if n == 0 || n > 4 {
            r.err(
                &format!("{f}.name"),
                "V-CS-59",
                format!("must be 1 to 4 characters, got {n}"),
                format!("须为1至4个字符，当前{n}个"),
            );
        }
        let nb = card.bin.len();
        if nb == 0 || nb > 10 {
            r.err(
                &format!("{f}.bin"),
                "V-CS-59",
                format!("must have 1 to 10 items, got {nb}"),
                format!("条目数须为1至10个，当前{nb}个"),
            );
        }
        for (i, b) in card.bin.iter().enumerate() {
            if !(6..=9).contains(&b.chars().count()) {
                r.err(
                    &format!("{f}.bin[{i}]"),
                    "V-CS-59",
                    "must be 6 to 9 characters",
                    "须为6至9个字符",
                );
            }
        }
        if c.limit_pay.is_none() {
            r.warn(
                &f,
                "V-CS-59",
                "only takes effect together with a bank-card limit_pay",
                "仅在指定银行卡支付方式（limit_pay）时生效",
            );
        }
    }
    if let Some(tt) = &c.trade_type {
        let mut seen: Vec<&TradeType> = Vec::new();
        for (i, t) in tt.iter().enumerate() {
            let f = format!("{}[{i}]", p("trade_type"));
            if !t.is_known() {
                r.err(
                    &f,
                    "V-CS-60",
                    format!("must be one of {}, got {:?}", TradeType::KNOWN.join(", "), t.as_str()),
                    format!("须为 {} 之一，当前为 {:?}", TradeType::KNOWN.join("、"), t.as_str()),
                );
            } else if seen.contains(&t) {
                r.err(&f, "V-CS-60", "is a duplicate", "重复");
            }
            seen.push(t);
        }
    }
    if c.discount_coupon.is_some() || c.exchange_coupon.is_some() {
        let f = if c.discount_coupon.is_some() {
            "discount_coupon"
        } else {
            "exchange_coupon"
        };
        r.warn(
            &p(f),
            "V-CS-61",
            "must not be sent: this API supports NORMAL stocks only",
            "不要传：本接口只支持 NORMAL 批次",
        );
    }
}

fn pattern_info(r: &mut Report, pi: &PatternInfo) {
    let p = |f: &str| format!("pattern_info.{f}");
    let n = pi.description.chars().count();
    if n == 0 || n > 1000 {
        r.err(
            &p("description"),
            "V-CS-70",
            format!("is required with pattern_info and must be 1 to 1000 characters, got {n}"),
            format!("填写样式时必填，须为1至1000个字符，当前{n}个"),
        );
    }
    if let Some(name) = &pi.merchant_name {
        let n = name.chars().count();
        let max = if has_non_ascii(name) { 12 } else { 36 };
        if n > max || name.len() > 128 {
            r.warn(
                &p("merchant_name"),
                "V-CS-71",
                format!("should be at most 12 Chinese or 36 English characters, got {n}"),
                format!("应不超过12个中文字符或36个英文字符，当前{n}个"),
            );
        }
    }
    for (f, v) in [("merchant_logo", &pi.merchant_logo), ("coupon_image", &pi.coupon_image)] {
        if let Some(v) = v
            && v.chars().count() > 128
        {
            r.err(
                &p(f),
                "V-CS-72",
                "must be at most 128 characters (a URL from the image-upload API)",
                "不能超过128个字符（须为图片上传接口返回的 URL）",
            );
        }
    }
    if pi.coupon_image.is_none() {
        r.warn(
            &p("coupon_image"),
            "V-CS-72",
            "should be set (the old wiki marks it required)",
            "建议填写（旧版文档标为必填）",
        );
    }
    if let Some(color) = &pi.background_color {
        let ok = BackgroundColor::KNOWN
            .iter()
            .any(|k| k.eq_ignore_ascii_case(color.as_str()));
        if !ok {
            r.err(
                &p("background_color"),
                "V-CS-73",
                format!(
                    "must be one of COLOR010…COLOR102 (omit it when unused), got {:?}",
                    color.as_str()
                ),
                format!("须为 COLOR010…COLOR102 之一（不用时不传），当前为 {:?}", color.as_str()),
            );
        }
    }
    if let Some(j) = &pi.jump_target {
        if !j.is_known() {
            r.err(
                &p("jump_target"),
                "V-CS-74",
                format!(
                    "must be PAYMENT_CODE, MINI_PROGRAM or DEFAULT_PAGE, got {:?}",
                    j.as_str()
                ),
                format!(
                    "须为 PAYMENT_CODE、MINI_PROGRAM 或 DEFAULT_PAGE，当前为 {:?}",
                    j.as_str()
                ),
            );
        } else if *j == JumpTarget::MiniProgram {
            for (f, v) in [
                ("mini_program_appid", &pi.mini_program_appid),
                ("mini_program_path", &pi.mini_program_path),
            ] {
                if v.as_deref().is_none_or(str::is_empty) {
                    r.err(
                        &p(f),
                        "V-CS-74",
                        "is required when jump_target is MINI_PROGRAM",
                        "跳转目标为小程序时必填",
                    );
                }
            }
        }
    }
}
