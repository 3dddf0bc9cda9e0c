//! Validation of typed requests before they are signed (rules of `validation-rules.md`).

use std::fmt;

use crate::error::echo;

/// How serious a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A MUST rule: the request is refused.
    Error,
    /// A SHOULD rule: reported; the caller may promote it to an error or silence it.
    Warning,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON path of the field, e.g. `coupon_use_rule.fixed_normal_coupon.coupon_amount`.
    pub field: String,
    /// Rule id from validation-rules.md, e.g. `V-CS-12`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// English message.
    pub message: String,
    /// Chinese message.
    pub message_zh: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}]: {} ({})",
            self.field, self.rule, self.message, self.message_zh
        )
    }
}

/// All violations found in one request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationErrors {
    /// Every violation, errors and (unless silenced) warnings.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.iter().filter(|v| v.severity == Severity::Error).count();
        write!(f, "request is invalid ({n} error(s))")?;
        for v in &self.violations {
            write!(f, "; {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

// ---------------------------------------------------------------------------------------------
// Policy and context
// ---------------------------------------------------------------------------------------------

/// What to do with SHOULD-rule warnings, and the clock grace of time rules.
///
/// MUST-rule errors can be neither silenced nor downgraded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationPolicy {
    /// Turn every warning into an error.
    pub promote_warnings: bool,
    /// Rule ids whose warnings become errors.
    pub promote: Vec<String>,
    /// Rule ids whose warnings are dropped (ignored for errors).
    pub silence: Vec<String>,
    /// Seconds `available_begin_time` may lie in the past (clock drift) before V-CS-21 fires.
    pub begin_time_grace_secs: i64,
}

impl ValidationPolicy {
    /// The default: warnings reported, not promoted, no grace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every warning becomes an error.
    pub fn strict() -> Self {
        Self {
            promote_warnings: true,
            ..Self::default()
        }
    }

    /// Drops warnings of `rule`.
    pub fn silence(mut self, rule: impl Into<String>) -> Self {
        self.silence.push(rule.into());
        self
    }

    /// Turns warnings of `rule` into errors.
    pub fn promote(mut self, rule: impl Into<String>) -> Self {
        self.promote.push(rule.into());
        self
    }

    /// Applies the policy: `Ok(warnings)` when no error remains, else every remaining
    /// violation (errors and warnings) as [`ValidationErrors`].
    pub fn apply(&self, violations: Vec<Violation>) -> Result<Vec<Violation>, ValidationErrors> {
        let mut kept = Vec::with_capacity(violations.len());
        for mut v in violations {
            if v.severity == Severity::Warning {
                if self.silence.iter().any(|r| r == v.rule) {
                    continue;
                }
                if self.promote_warnings || self.promote.iter().any(|r| r == v.rule) {
                    v.severity = Severity::Error;
                }
            }
            kept.push(v);
        }
        if kept.iter().any(|v| v.severity == Severity::Error) {
            Err(ValidationErrors { violations: kept })
        } else {
            Ok(kept)
        }
    }
}

/// What the rules need to know besides the request: the caller and the injected clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidationContext<'a> {
    /// The calling merchant (`Client::mchid`).
    pub mchid: &'a str,
    /// Now, Unix seconds (`Client::now`, the injected clock).
    pub now: i64,
    /// Whether `http://` notify URLs on loopback hosts are allowed (sandbox).
    pub allow_http_notify_url: bool,
    /// Grace for V-CS-21, from [`ValidationPolicy::begin_time_grace_secs`].
    pub begin_time_grace_secs: i64,
}

/// A typed request that can check itself against the rules of `validation-rules.md`.
pub trait Validate {
    /// Every violation found (errors and warnings), in field order.
    fn validate(&self, ctx: &ValidationContext<'_>) -> Vec<Violation>;
}

/// Validates `request` and applies `policy` (see [`ValidationPolicy::apply`]).
pub fn check<T: Validate>(
    request: &T,
    ctx: &ValidationContext<'_>,
    policy: &ValidationPolicy,
) -> Result<Vec<Violation>, ValidationErrors> {
    policy.apply(request.validate(ctx))
}

// ---------------------------------------------------------------------------------------------
// Report helpers
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Report(Vec<Violation>);

impl Report {
    fn push(&mut self, severity: Severity, field: &str, rule: &'static str, en: String, zh: String) {
        self.0.push(Violation {
            field: field.to_owned(),
            rule,
            severity,
            message: en,
            message_zh: zh,
        });
    }
    fn err(&mut self, field: &str, rule: &'static str, en: impl Into<String>, zh: impl Into<String>) {
        self.push(Severity::Error, field, rule, en.into(), zh.into());
    }
    fn warn(&mut self, field: &str, rule: &'static str, en: impl Into<String>, zh: impl Into<String>) {
        self.push(Severity::Warning, field, rule, en.into(), zh.into());
    }

    /// Required string of 1..=max chars.
    fn required(&mut self, field: &str, rule: &'static str, value: &str, max: usize) {
        let n = value.chars().count();
        if n == 0 {
            self.err(field, rule, "is required and must not be empty", "必填，不能为空");
        } else if n > max {
            self.err(
                field,
                rule,
                format!("must be at most {max} characters, got {n}"),
                format!("长度不能超过{max}个字符，当前{n}个"),
            );
        }
    }

    /// A mchid field: required 1..=20 under `rule`, digits only as a V-G-03 warning.
    fn mchid(&mut self, field: &str, rule: &'static str, value: &str) {
        self.required(field, rule, value, 20);
        if !value.is_empty() && !value.bytes().all(|b| b.is_ascii_digit()) {
            self.warn(
                field,
                "V-G-03",
                "a merchant id is normally decimal digits only",
                "商户号通常只包含数字",
            );
        }
    }

    fn appid(&mut self, field: &str, rule: &'static str, value: &str) {
        self.required(field, rule, value, 128);
        let b = value.as_bytes();
        let typical = b.len() == 18 && value.starts_with("wx") && b[2..].iter().all(|c| c.is_ascii_hexdigit());
        if !value.is_empty() && !typical {
            self.warn(
                field,
                "V-G-04",
                "an appid normally looks like wx followed by 16 hex characters",
                "appid 通常为 wx 加 16 位十六进制字符",
            );
        }
    }

    fn openid(&mut self, field: &str, rule: &'static str, value: &str) {
        self.required(field, rule, value, 128);
        if !value.is_empty()
            && !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.warn(
                field,
                "V-G-05",
                "an openid normally contains only letters, digits, _ and -",
                "openid 通常只包含字母、数字、_ 和 -",
            );
        }
    }

    fn out_request_no(&mut self, field: &str, len_rule: &'static str, charset_rule: &'static str, value: &str) {
        self.required(field, len_rule, value, 128);
        if !value.is_empty() && !value.chars().all(is_out_request_no_char) {
            self.err(
                field,
                charset_rule,
                "may contain only letters, digits, |, _, * and -",
                "只能包含英文字母、数字、|、_、*、-",
            );
        }
    }

    fn money(&mut self, field: &str, value: Option<i64>) {
        if let Some(v) = value
            && v < 0
        {
            self.err(
                field,
                "V-G-01",
                format!("is an amount in fen and must not be negative, got {v}"),
                format!("金额（分）不能为负数，当前为{v}"),
            );
        }
    }

    fn explicit_offset(&mut self, field: &str, value: &str) {
        if super::models::parse_rfc3339(value).is_some() && !super::models::has_numeric_offset(value) {
            self.warn(
                field,
                "V-G-07",
                "should carry an explicit offset such as +08:00 instead of Z",
                "建议使用显式时区偏移（如 +08:00）而不是 Z",
            );
        }
    }

    fn finish(self) -> Vec<Violation> {
        self.0
    }
}

/// Whether `c` may appear in an `out_request_no` (`[A-Za-z0-9|_*-]`).
pub fn is_out_request_no_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '|' | '_' | '*' | '-')
}

fn has_non_ascii(s: &str) -> bool {
    !s.is_ascii()
}

const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------------
// Generic checks over what is sent
// ---------------------------------------------------------------------------------------------

/// Checks over every value that will be sent: V-G-02 (no characters beyond U+FFFF, i.e. of four
/// UTF-8 bytes) on path, query and body strings, and V-CS-76 (optional fields sent as `""`,
/// `null` or `[]`) on the JSON body. Fields already reported in `existing` are not repeated for
/// V-CS-76.
pub fn check_sent_values(
    params: &[(&str, &str)],
    body: Option<&serde_json::Value>,
    existing: &[Violation],
) -> Vec<Violation> {
    let mut r = Report::default();
    for (name, value) in params {
        four_byte(&mut r, name, value);
    }
    if let Some(body) = body {
        walk(&mut r, String::new(), body, existing);
    }
    r.finish()
}

/// V-G-06 for path parameters: a value of `.` or `..` would be a dot-segment, which URL
/// normalisation (clients, proxies, servers) removes, sending the request to another endpoint;
/// percent-encoding does not help (`%2E` is equivalent to `.`). Such values are refused.
pub fn check_path_params(params: &[(&str, &str)]) -> Vec<Violation> {
    let mut r = Report::default();
    for (name, value) in params {
        if matches!(*value, "." | "..") {
            r.err(
                name,
                "V-G-06",
                format!("is a path parameter and must not be {value:?}: a dot-segment would send the request to another path"),
                format!("是路径参数，不能为 {value:?}：点路径段会使请求发往其他地址"),
            );
        }
    }
    r.finish()
}

fn four_byte(r: &mut Report, field: &str, s: &str) {
    if s.chars().any(|c| c as u32 > 0xFFFF) {
        r.err(
            field,
            "V-G-02",
            "contains a character outside the Basic Multilingual Plane (e.g. an emoji), which WeChat Pay does not accept",
            "包含四字节 UTF-8 字符（如表情符号），微信支付不支持",
        );
    }
}

fn walk(r: &mut Report, path: String, v: &serde_json::Value, existing: &[Violation]) {
    use serde_json::Value;
    let placeholder = |r: &mut Report, path: &str, what: &str| {
        if !existing
            .iter()
            .any(|x| x.field == path || x.field.starts_with(&format!("{path}.")))
        {
            r.warn(
                path,
                "V-CS-76",
                format!("is sent as {what}; omit optional fields instead of sending placeholders"),
                format!("以{what}发送；可选字段请不传，不要传占位值"),
            );
        }
    };
    match v {
        Value::String(s) => {
            four_byte(r, &path, s);
            if s.is_empty() && !path.is_empty() {
                placeholder(r, &path, "an empty string");
            }
        }
        Value::Null if !path.is_empty() => placeholder(r, &path, "null"),
        Value::Array(items) => {
            if items.is_empty() && !path.is_empty() {
                placeholder(r, &path, "an empty array");
            }
            for (i, item) in items.iter().enumerate() {
                walk(r, format!("{path}[{i}]"), item, existing);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(r, p, item, existing);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Rules per request
// ---------------------------------------------------------------------------------------------

use super::models::{
    BackgroundColor, CouponUseRule, CreateStockRequest, GetCallbackRequest, GetCouponRequest, GetStockRequest,
    ImageUploadRequest, JumpTarget, ListStockItemsRequest, ListStockMerchantsRequest, ListStocksRequest,
    ListUserCouponsRequest, ModifyItemCodesRequest, PatternInfo, PauseStockRequest, RefundFlowRequest,
    RestartStockRequest, SendCouponRequest, SetCallbackRequest, StartStockRequest, StockRule, StopStockRequest,
    TradeType, UseFlowRequest, parse_rfc3339,
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
    let parse = |r: &mut Report, field: &str, value: &str| {
        let t = parse_rfc3339(value);
        if t.is_none() {
            r.err(
                field,
                "V-CS-20",
                format!(
                    "must be an RFC 3339 time such as 2026-01-01T00:00:00+08:00, got {:?}",
                    echo(value)
                ),
                format!(
                    "必须为 RFC 3339 时间，如 2026-01-01T00:00:00+08:00，当前为 {:?}",
                    echo(value)
                ),
            );
        } else {
            r.explicit_offset(field, value);
        }
        t
    };
    let b = parse(r, "available_begin_time", &req.available_begin_time);
    let e = parse(r, "available_end_time", &req.available_end_time);
    if let Some(b) = b {
        if b < ctx.now - ctx.begin_time_grace_secs.max(0) {
            r.err(
                "available_begin_time",
                "V-CS-21",
                "must not be earlier than now",
                "开始时间不能早于当前时间",
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
            if !(10..=100_000).contains(&a) {
                r.err(
                    &fa,
                    "V-CS-41",
                    format!("must be 10 to 100000 fen (0.10 to 1000 yuan), got {a}"),
                    format!("券面额须在10至100000分（0.1至1000元）之间，当前为{a}"),
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

impl Validate for SendCouponRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.openid("openid", "V-SC-01", &self.openid);
        r.required("stock_id", "V-SC-02", &self.stock_id, 20);
        r.out_request_no("out_request_no", "V-SC-03", "V-SC-03", &self.out_request_no);
        r.appid("appid", "V-SC-04", &self.appid);
        r.mchid("stock_creator_mchid", "V-SC-05", &self.stock_creator_mchid);
        r.money("coupon_value", self.coupon_value);
        r.money("coupon_minimum", self.coupon_minimum);
        if self.coupon_value.is_some() || self.coupon_minimum.is_some() {
            r.warn(
                "coupon_value",
                "V-SC-06",
                "coupon_value / coupon_minimum are only for the specified-face-value feature (not open); omit them",
                "指定面额发券暂未开放，普通发券请不要传 coupon_value / coupon_minimum",
            );
            if let (Some(v), Some(m)) = (self.coupon_value, self.coupon_minimum)
                && m <= v
            {
                r.warn(
                    "coupon_minimum",
                    "V-SC-06",
                    "should be greater than coupon_value",
                    "应大于 coupon_value",
                );
            }
        }
        r.finish()
    }
}

fn stock_action(stock_id: &str, creator: &str) -> Vec<Violation> {
    let mut r = Report::default();
    r.required("stock_id", "V-ST-01", stock_id, 20);
    r.mchid("stock_creator_mchid", "V-ST-01", creator);
    r.finish()
}

macro_rules! validate_stock_action {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
                stock_action(&self.stock_id, &self.stock_creator_mchid)
            }
        }
    )*};
}
validate_stock_action!(
    StartStockRequest,
    PauseStockRequest,
    RestartStockRequest,
    StopStockRequest
);

impl Validate for ModifyItemCodesRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut v = stock_action(&self.stock_id, &self.stock_creator_mchid);
        let empty = |l: &Option<Vec<String>>| l.as_ref().is_none_or(Vec::is_empty);
        if empty(&self.add_goods_id_list) && empty(&self.delete_goods_id_list) {
            let mut r = Report::default();
            r.warn(
                "add_goods_id_list",
                "V-ST-03",
                "neither add_goods_id_list nor delete_goods_id_list has an item: nothing would change",
                "add_goods_id_list 和 delete_goods_id_list 都为空，不会有任何修改",
            );
            v.extend(r.finish());
        }
        v
    }
}

fn flow(stock_id: &str) -> Vec<Violation> {
    let mut r = Report::default();
    r.required("stock_id", "V-ST-01", stock_id, 20);
    r.finish()
}

impl Validate for UseFlowRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        flow(&self.stock_id)
    }
}

impl Validate for RefundFlowRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        flow(&self.stock_id)
    }
}

fn page(r: &mut Report, rule: &'static str, offset: i64, max_offset: Option<i64>, limit: i64, max_limit: i64) {
    let max_o = max_offset.unwrap_or(i64::MAX);
    if !(0..=max_o).contains(&offset) {
        let bound = max_offset.map(|m| format!(" and at most {m}")).unwrap_or_default();
        r.err(
            "offset",
            rule,
            format!("must be at least 0{bound}, got {offset}"),
            format!(
                "须不小于0{}，当前为{offset}",
                max_offset.map(|m| format!("且不大于{m}")).unwrap_or_default()
            ),
        );
    }
    if !(1..=max_limit).contains(&limit) {
        r.err(
            "limit",
            rule,
            format!("must be 1 to {max_limit}, got {limit}"),
            format!("须为1至{max_limit}，当前为{limit}"),
        );
    }
}

impl Validate for ListStocksRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        page(&mut r, "V-Q-01", self.offset, None, self.limit, 10);
        r.mchid("stock_creator_mchid", "V-Q-01", &self.stock_creator_mchid);
        let mut times = [None, None];
        for (i, (f, v)) in [
            ("create_start_time", &self.create_start_time),
            ("create_end_time", &self.create_end_time),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(v) = v {
                times[i] = parse_rfc3339(v);
                if times[i].is_none() {
                    r.err(
                        f,
                        "V-Q-02",
                        format!("must be an RFC 3339 time such as 2026-01-01T00:00:00+08:00, got {v:?}"),
                        format!("必须为 RFC 3339 时间，如 2026-01-01T00:00:00+08:00，当前为 {v:?}"),
                    );
                } else {
                    r.explicit_offset(f, v);
                }
            }
        }
        if let [Some(s), Some(e)] = times
            && s > e
        {
            r.warn(
                "create_end_time",
                "V-Q-02",
                "is earlier than create_start_time: nothing can match",
                "早于 create_start_time，查询不到任何批次",
            );
        }
        if let Some(s) = &self.status
            && !s.is_known()
        {
            r.err(
                "status",
                "V-Q-03",
                format!(
                    "must be one of unactivated, audit, running, stoped, paused, got {:?}",
                    s.as_str()
                ),
                format!(
                    "须为 unactivated、audit、running、stoped、paused 之一，当前为 {:?}",
                    s.as_str()
                ),
            );
        }
        r.finish()
    }
}

impl Validate for GetStockRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.required("stock_id", "V-Q-04", &self.stock_id, 20);
        r.mchid("stock_creator_mchid", "V-Q-04", &self.stock_creator_mchid);
        r.finish()
    }
}

impl Validate for GetCouponRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.openid("openid", "V-Q-05", &self.openid);
        r.required("coupon_id", "V-Q-05", &self.coupon_id, 20);
        r.appid("appid", "V-Q-05", &self.appid);
        r.finish()
    }
}

impl Validate for ListStockMerchantsRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.required("stock_id", "V-Q-06", &self.stock_id, 20);
        page(&mut r, "V-Q-06", self.offset, Some(1000), self.limit, 50);
        r.mchid("stock_creator_mchid", "V-Q-06", &self.stock_creator_mchid);
        r.finish()
    }
}

impl Validate for ListStockItemsRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.required("stock_id", "V-Q-07", &self.stock_id, 20);
        page(&mut r, "V-Q-07", self.offset, Some(500), self.limit, 100);
        r.mchid("stock_creator_mchid", "V-Q-07", &self.stock_creator_mchid);
        r.finish()
    }
}

impl Validate for ListUserCouponsRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.openid("openid", "V-Q-08", &self.openid);
        r.appid("appid", "V-Q-08", &self.appid);
        let who = [
            ("creator_mchid", &self.creator_mchid),
            ("sender_mchid", &self.sender_mchid),
            ("available_mchid", &self.available_mchid),
        ];
        if who.iter().all(|(_, v)| v.is_none()) {
            r.err(
                "creator_mchid",
                "V-Q-08",
                "one of creator_mchid, sender_mchid or available_mchid is required",
                "creator_mchid、sender_mchid、available_mchid 须任选其一填写",
            );
        }
        for (f, v) in who {
            if let Some(v) = v {
                r.mchid(f, "V-Q-08", v);
            }
        }
        if let Some(s) = &self.status
            && !s.is_known()
        {
            r.err(
                "status",
                "V-Q-08",
                format!("must be SENDED or USED, got {:?}", s.as_str()),
                format!("须为 SENDED 或 USED，当前为 {:?}", s.as_str()),
            );
        }
        if let Some(o) = self.offset
            && o < 0
        {
            r.err(
                "offset",
                "V-Q-08",
                format!("must be at least 0, got {o}"),
                format!("须不小于0，当前为{o}"),
            );
        }
        if let Some(l) = self.limit
            && l < 1
        {
            r.err(
                "limit",
                "V-Q-08",
                format!("must be at least 1, got {l}"),
                format!("须不小于1，当前为{l}"),
            );
        }
        if self.available_mchid.is_some() {
            if self.creator_mchid.is_some() {
                r.warn(
                    "available_mchid",
                    "V-Q-08",
                    "is ignored because creator_mchid is also given (creator_mchid wins)",
                    "同时填写了 creator_mchid，available_mchid 将被忽略",
                );
            } else {
                for (f, set) in [
                    ("stock_id", self.stock_id.is_some()),
                    ("status", self.status.is_some()),
                    ("offset", self.offset.is_some()),
                    ("limit", self.limit.is_some()),
                ] {
                    if set {
                        r.warn(
                            f,
                            "V-Q-08",
                            "is ignored when querying by available_mchid",
                            "按可用商户号查询时该参数被忽略",
                        );
                    }
                }
            }
        }
        if let Some(b) = &self.business_type
            && !b.is_known()
        {
            r.warn(
                "business_type",
                "V-Q-09",
                format!("should be MULTIUSE, got {:?}", b.as_str()),
                format!("应为 MULTIUSE，当前为 {:?}", b.as_str()),
            );
        }
        r.finish()
    }
}

/// Host of an absolute URL (between `://` and the first `/`, `?` or `#`), without the port;
/// IPv6 literals keep their brackets.
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority.find(']').map(|i| &authority[..=i]);
    }
    Some(authority.split(':').next().unwrap_or(authority))
}

/// Literal loopback only: `localhost`, an IPv4 address in 127.0.0.0/8 written as four decimal
/// octets, or the IPv6 `[::1]` — never a DNS name such as `127.example.com`.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn is_private(host: &str) -> bool {
    let octets: Vec<u8> = host.split('.').filter_map(|p| p.parse().ok()).collect();
    if octets.len() != 4 || host.split('.').count() != 4 {
        let h = host.to_ascii_lowercase();
        return h.starts_with("[fc") || h.starts_with("[fd") || h.starts_with("[fe80");
    }
    matches!((octets[0], octets[1]), (10, _) | (192, 168) | (169, 254) | (0, _))
        || (octets[0] == 172 && (16..=31).contains(&octets[1]))
}

impl Validate for SetCallbackRequest {
    fn validate(&self, ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.mchid("mchid", "V-CB-01", &self.mchid);
        if !self.mchid.is_empty() && self.mchid != ctx.mchid {
            r.warn(
                "mchid",
                "V-CB-01",
                format!(
                    "is not the calling merchant {}; only the stock creator may set the callback",
                    ctx.mchid
                ),
                format!("不是调用方商户号 {}；只有制券商户可以设置回调地址", ctx.mchid),
            );
        }
        let url = self.notify_url.as_str();
        r.required("notify_url", "V-CB-02", url, 256);
        if url.is_empty() {
            return r.finish();
        }
        let host = url_host(url).filter(|h| !h.is_empty());
        let loopback = host.is_some_and(is_loopback);
        let sandbox = ctx.allow_http_notify_url && loopback;
        let lower = url.to_ascii_lowercase();
        let https = lower.starts_with("https://");
        if !(https || (sandbox && lower.starts_with("http://"))) {
            r.err(
                "notify_url",
                "V-CB-03",
                "must be an https:// URL",
                "必须是 https:// 地址",
            );
        }
        match host {
            None => r.err(
                "notify_url",
                "V-CB-04",
                "must be an absolute URL with a host",
                "必须是包含域名的绝对地址",
            ),
            Some(h) => {
                if (loopback && !sandbox) || is_private(h) {
                    r.err(
                        "notify_url",
                        "V-CB-04",
                        "must not point to a loopback or private address: WeChat Pay must reach it from the internet",
                        "不能是本机或内网地址，微信支付须能从公网访问",
                    );
                }
            }
        }
        if url.contains('?') {
            r.err(
                "notify_url",
                "V-CB-04",
                "must not carry a query string (?…)",
                "不能携带参数（?…）",
            );
        }
        let path_present = url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .is_some_and(|p| p.len() > 1);
        if host.is_some() && !path_present {
            // The spec's own set-callback example has no path, so a missing path is only a warning.
            r.warn(
                "notify_url",
                "V-CB-04",
                "should include a path after the host",
                "建议在域名后带上路径",
            );
        }
        r.finish()
    }
}

impl Validate for GetCallbackRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.mchid("mchid", "V-CB-01", &self.mchid);
        r.finish()
    }
}

impl Validate for ImageUploadRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        let ext = self
            .filename
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "jpg" | "png" | "bmp" => {}
            "jpeg" => r.warn(
                "filename",
                "V-IMG-01",
                "ends in .jpeg; the sources name only .jpg, .bmp and .png",
                "以 .jpeg 结尾；文档只列出 .jpg、.bmp、.png",
            ),
            _ => r.err(
                "filename",
                "V-IMG-01",
                "must end in .jpg, .bmp or .png",
                "文件名须以 .jpg、.bmp 或 .png 结尾",
            ),
        }
        let size = self.bytes.len();
        if size == 0 || size > crate::media::MAX_IMAGE_BYTES {
            r.err(
                "bytes",
                "V-IMG-02",
                format!("must be 1 byte to 2 MiB, got {size} bytes"),
                format!("图片大小须为1字节至2MB，当前{size}字节"),
            );
        }
        let by_content = if self.bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(["jpg", "jpeg"].as_slice())
        } else if self.bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(["png"].as_slice())
        } else if self.bytes.starts_with(b"BM") {
            Some(["bmp"].as_slice())
        } else {
            None
        };
        if size > 0 && !by_content.is_some_and(|exts| exts.contains(&ext.as_str())) {
            // A SHOULD in the spec, but the multipart builder refuses such files, so it is an error.
            r.err(
                "bytes",
                "V-IMG-03",
                "the content must be a JPG, PNG or BMP image matching the file name's suffix",
                "图片内容须为 JPG、PNG 或 BMP，且与文件名后缀一致",
            );
        }
        r.finish()
    }
}
