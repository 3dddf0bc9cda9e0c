//! Front-end coupon issuing signatures: the 小程序发券插件 (mini-program `send-coupon` plugin) and
//! the H5 coupon page (H5发券).
//!
//! These are **APIv2** signatures (coupon-plugin-sign.md §1): HMAC-SHA256 under the merchant's
//! APIv2 key (not the APIv3 key, not the API certificate) over the sorted `name=value` pairs of
//! exactly the parameters the front end sends, followed by `&key=<APIv2 key>`, as 64 upper-case
//! hex digits. Nothing here does I/O: the WeChat client sends the parameters and the `sign` to
//! WeChat Pay itself. Compute them on the server; the key must never reach the browser or the
//! mini-program.
//!
//! Checks before signing (coupon-plugin-sign.md §5, rule ids `V-FE-01`…`V-FE-07`, and two of
//! this crate; all violations are reported at once as [`crate::Error::Validation`]):
//!
//! | rule | check | severity |
//! |---|---|---|
//! | V-FE-01 | 1 ≤ `send_coupon_params` entries ≤ 10 | error |
//! | V-FE-02 | `send_coupon_merchant` is 8–15 digits | error |
//! | V-FE-03 | `stock_id` non-empty, at most 20 characters | error |
//! | V-FE-04 | `out_request_no` non-empty, at most 128 characters of `[A-Za-z0-9\|_*-]` (H5: `[A-Za-z0-9]`) | error |
//! | V-FE-05 | a 代金券 entry carries `create_coupon_merchant` and nothing else; a 商家券 entry does not carry it | error |
//! | V-FE-06 | no duplicate (`stock_id`, `out_request_no`) pair in one call | error |
//! | V-FE-07 | the APIv2 key is 32 visible ASCII characters | refused by [`ApiV2Key::new`] |
//! | V-FE-08 | (this crate's addition) H5 `open_id` non-empty, at most 128 characters | error |
//! | V-FE-09 | (this crate's addition) no signed value contains `&` or `=`: the signed string would read as other parameters | error |
//!
//! Warnings are returned next to the signature ([`SendCouponPayload::warnings`],
//! [`H5CouponUrl::warnings`]) and do not stop signing. V-FE-07 is a warning in the spec; here a
//! key of another length is refused when the key is built, before anything is signed: every key
//! the merchant platform issues has 32 characters, and a signature made with any other key is
//! rejected by WeChat only later, inside the user's mini-program or page.
//!
//! The H5 page (`https://action.weixin.qq.com/busifavor/getcouponinfo`) issues **商家券** only
//! (coupon-plugin-sign.md §0); it is here because the algorithm is identical, not because it is a
//! 代金券 channel.

use std::fmt;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::crypto::{ct_eq, hex_lower, hmac_sha256};
use crate::error::{Error, InputError};
use crate::validation::{Severity, ValidationErrors, Violation};

/// Base URL of the H5 coupon page (商家券).
pub const H5_COUPON_PAGE: &str = "https://action.weixin.qq.com/busifavor/getcouponinfo";
/// The fragment the H5 coupon URL must end with (without it WeChat answers error `268435461`).
pub const H5_COUPON_FRAGMENT: &str = "#wechat_pay&wechat_redirect";
/// Most coupons one plugin call may issue (V-FE-01).
pub const MAX_PLUGIN_COUPONS: usize = 10;

/// Length of an APIv2 key (API密钥) as the merchant platform issues it.
pub const APIV2_KEY_LEN: usize = 32;

/// The merchant's APIv2 key (API密钥, 32 ASCII characters on the merchant platform).
///
/// Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, zeroize::ZeroizeOnDrop)]
pub struct ApiV2Key(Vec<u8>);

impl ApiV2Key {
    /// Wraps the key text: exactly [`APIV2_KEY_LEN`] visible ASCII characters (V-FE-07), else an
    /// `InputError` naming `apiv2_key` (the message never shows the key).
    pub fn new(key: impl AsRef<[u8]>) -> Result<Self, InputError> {
        let key = key.as_ref();
        if key.len() == APIV2_KEY_LEN && key.iter().all(u8::is_ascii_graphic) {
            return Ok(Self(key.to_vec()));
        }
        let hint = if key.is_empty() {
            "got an empty key".to_owned()
        } else if key.len() == APIV2_KEY_LEN {
            "got 32 bytes with a space, control or non-ASCII character".to_owned()
        } else if key.trim_ascii().len() == APIV2_KEY_LEN {
            "got the key with surrounding whitespace (a trailing newline from a key file?)".to_owned()
        } else {
            format!("got {} bytes", key.len())
        };
        Err(InputError::Invalid {
            field: "apiv2_key".into(),
            expected: format!(
                "the merchant's APIv2 key (API密钥, not the APIv3 key): {APIV2_KEY_LEN} visible ASCII characters; {hint}"
            ),
        })
    }

    /// Length of the key in bytes (the key itself is not exposed).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: an empty key cannot be built.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ApiV2Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV2Key([redacted])")
    }
}

/// An APIv2 HMAC-SHA256 signature and the string it covers, with the key redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Signature {
    /// `name=value&…&key=***`: the signed string with the key replaced by `***` (for logs and
    /// for comparing with WeChat's 签名校验工具).
    pub string_to_sign_redacted: String,
    /// 64 upper-case hex digits.
    pub sign: String,
}

/// Signs `params` with the APIv2 HMAC-SHA256 rule (coupon-plugin-sign.md §1): parameters named
/// `sign` and parameters with an empty value are left out, names are sorted by byte order, values
/// are used raw (no URL-encoding, no trimming).
///
/// A name given twice is refused (`InputError` naming the parameter).
pub fn v2_hmac_sign(params: &[(&str, &str)], key: &ApiV2Key) -> Result<V2Signature, InputError> {
    let mut kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(k, v)| *k != "sign" && !v.is_empty())
        .collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    if let Some(w) = kept.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(InputError::Invalid {
            field: w[0].0.to_owned(),
            expected: "each signed parameter once".into(),
        });
    }
    let mut joined = String::new();
    for (k, v) in &kept {
        joined.push_str(k);
        joined.push('=');
        joined.push_str(v);
        joined.push('&');
    }
    let mut message = Zeroizing::new(Vec::with_capacity(joined.len() + 4 + key.0.len()));
    message.extend_from_slice(joined.as_bytes());
    message.extend_from_slice(b"key=");
    message.extend_from_slice(&key.0);
    let mac = Zeroizing::new(hmac_sha256(&key.0, &message));
    joined.push_str("key=***");
    Ok(V2Signature {
        string_to_sign_redacted: joined,
        sign: hex_lower(mac.as_ref()).to_ascii_uppercase(),
    })
}

/// Checks an APIv2 HMAC-SHA256 `sign` over `params` (upper- or lower-case hex), in constant time.
pub fn verify_v2_hmac(params: &[(&str, &str)], key: &ApiV2Key, sign: &str) -> bool {
    match v2_hmac_sign(params, key) {
        Ok(expected) => ct_eq(expected.sign.as_bytes(), sign.trim().to_ascii_uppercase().as_bytes()),
        Err(_) => false,
    }
}

/// Which product a plugin entry issues: it decides which fields may be sent (V-FE-05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CouponProduct {
    /// 代金券 (支付券): `stock_id`, `out_request_no`, `create_coupon_merchant`.
    Favor,
    /// 商家券: `stock_id`, `out_request_no`, optional `coupon_code`, `customize_send_time`.
    Busifavor,
}

impl CouponProduct {
    /// The product a binding names in an entry: `favor` (代金券) or `busifavor` (商家券).
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "favor" => Some(Self::Favor),
            "busifavor" => Some(Self::Busifavor),
            _ => None,
        }
    }
}

/// One entry of the plugin's `send_coupon_params` (coupon-plugin-sign.md §2.2).
///
/// Optional fields that are `None` or empty are neither signed nor sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendCouponParam {
    /// Which product this entry issues (not sent).
    #[serde(skip)]
    pub product: CouponProduct,
    /// Batch id, at most 20 characters.
    pub stock_id: String,
    /// 发券凭证: at most 128 characters of `[A-Za-z0-9|_*-]`, unique per stock and user.
    pub out_request_no: String,
    /// 制券商户号 (`stock_creator_mchid`); required for 代金券, absent for 商家券.
    #[serde(skip_serializing_if = "is_blank")]
    pub create_coupon_merchant: Option<String>,
    /// 商家券 code (batches in `MERCHANT_API` code mode).
    #[serde(skip_serializing_if = "is_blank")]
    pub coupon_code: Option<String>,
    /// 商家券 receive time (RFC 3339) for relative-validity batches.
    #[serde(skip_serializing_if = "is_blank")]
    pub customize_send_time: Option<String>,
}

impl SendCouponParam {
    /// A 代金券 entry: the three fields the plugin needs for a cash coupon.
    pub fn favor(
        stock_id: impl Into<String>,
        out_request_no: impl Into<String>,
        create_coupon_merchant: impl Into<String>,
    ) -> Self {
        Self {
            product: CouponProduct::Favor,
            stock_id: stock_id.into(),
            out_request_no: out_request_no.into(),
            create_coupon_merchant: Some(create_coupon_merchant.into()),
            coupon_code: None,
            customize_send_time: None,
        }
    }

    /// A 商家券 entry without `coupon_code` / `customize_send_time` (set the fields to add them).
    pub fn busifavor(stock_id: impl Into<String>, out_request_no: impl Into<String>) -> Self {
        Self {
            product: CouponProduct::Busifavor,
            stock_id: stock_id.into(),
            out_request_no: out_request_no.into(),
            create_coupon_merchant: None,
            coupon_code: None,
            customize_send_time: None,
        }
    }

    /// An entry of `product` with every field a caller may give; a 代金券 entry without
    /// `create_coupon_merchant` keeps it empty (the V-FE rules then name it).
    pub fn of(
        product: CouponProduct,
        stock_id: impl Into<String>,
        out_request_no: impl Into<String>,
        create_coupon_merchant: Option<String>,
        coupon_code: Option<String>,
        customize_send_time: Option<String>,
    ) -> Self {
        let mut p = match product {
            CouponProduct::Favor => Self::favor(stock_id, out_request_no, create_coupon_merchant.unwrap_or_default()),
            CouponProduct::Busifavor => {
                let mut p = Self::busifavor(stock_id, out_request_no);
                p.create_coupon_merchant = create_coupon_merchant;
                p
            }
        };
        p.coupon_code = coupon_code;
        p.customize_send_time = customize_send_time;
        p
    }

    fn fields(&self) -> [(&'static str, &str); 5] {
        [
            ("stock_id", self.stock_id.as_str()),
            ("out_request_no", self.out_request_no.as_str()),
            (
                "create_coupon_merchant",
                self.create_coupon_merchant.as_deref().unwrap_or(""),
            ),
            ("coupon_code", self.coupon_code.as_deref().unwrap_or("")),
            ("customize_send_time", self.customize_send_time.as_deref().unwrap_or("")),
        ]
    }
}

/// What the mini-program passes to `<send-coupon>`: the un-flattened entries, the merchant and
/// the signature. Serialises to the JSON of coupon-plugin-sign.md §2.4 D.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendCouponPayload {
    /// The entries as sent (empty optional fields left out).
    pub send_coupon_params: Vec<SendCouponParam>,
    /// 发券商户号.
    pub send_coupon_merchant: String,
    /// HMAC-SHA256, 64 upper-case hex digits.
    pub sign: String,
    /// The signed string with the key redacted (not sent).
    #[serde(skip)]
    pub string_to_sign_redacted: String,
    /// SHOULD-rule findings; signing went ahead (not sent). None today: V-FE-07 (the key
    /// length) is checked when the key is built.
    #[serde(skip)]
    pub warnings: Vec<Violation>,
}

impl SendCouponPayload {
    /// The JSON object for the front end: `{"send_coupon_params":[…],"send_coupon_merchant":…,"sign":…}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Signs the mini-program send-coupon plugin call (coupon-plugin-sign.md §2.3): entry `i`'s
/// fields are signed as `stock_id{i}`, `out_request_no{i}`, `create_coupon_merchant{i}`, … (index
/// from 0, array order) next to `send_coupon_merchant`.
///
/// `send_coupon_merchant` is the merchant whose APIv2 key `key` is (partner mode: the 服务商).
/// Fails with [`Error::Validation`] listing every V-FE violation.
pub fn plugin_sign(
    send_coupon_merchant: &str,
    entries: &[SendCouponParam],
    key: &ApiV2Key,
) -> Result<SendCouponPayload, Error> {
    let mut violations = Vec::new();
    if entries.is_empty() || entries.len() > MAX_PLUGIN_COUPONS {
        violations.push(violation(
            "send_coupon_params",
            "V-FE-01",
            Severity::Error,
            format!("between 1 and 10 coupons per call, got {}", entries.len()),
            format!("每次发券 1 到 10 张，实际 {} 张", entries.len()),
        ));
    }
    check_merchant(send_coupon_merchant, &mut violations);
    for (i, e) in entries.iter().enumerate() {
        let path = |f: &str| format!("send_coupon_params[{i}].{f}");
        check_stock_id(&path("stock_id"), &e.stock_id, &mut violations);
        check_out_request_no(&path("out_request_no"), &e.out_request_no, false, &mut violations);
        for (name, value) in e.fields() {
            check_separators(&path(name), value, &mut violations);
        }
        match e.product {
            CouponProduct::Favor => {
                if is_blank(&e.create_coupon_merchant) {
                    violations.push(violation(
                        &path("create_coupon_merchant"),
                        "V-FE-05",
                        Severity::Error,
                        "a 代金券 entry needs create_coupon_merchant (the stock creator's mchid)".into(),
                        "代金券需要填写 create_coupon_merchant（制券商户号）".into(),
                    ));
                }
                for (name, value) in [
                    ("coupon_code", &e.coupon_code),
                    ("customize_send_time", &e.customize_send_time),
                ] {
                    if !is_blank(value) {
                        violations.push(violation(
                            &path(name),
                            "V-FE-05",
                            Severity::Error,
                            format!("a 代金券 entry carries only stock_id, out_request_no and create_coupon_merchant; remove {name}"),
                            format!("代金券只传 stock_id、out_request_no、create_coupon_merchant，请去掉 {name}"),
                        ));
                    }
                }
            }
            CouponProduct::Busifavor => {
                if !is_blank(&e.create_coupon_merchant) {
                    violations.push(violation(
                        &path("create_coupon_merchant"),
                        "V-FE-05",
                        Severity::Error,
                        "create_coupon_merchant is for 代金券 only; a 商家券 entry must not carry it".into(),
                        "商家券不能传 create_coupon_merchant".into(),
                    ));
                }
            }
        }
        if entries[..i]
            .iter()
            .any(|p| p.stock_id == e.stock_id && p.out_request_no == e.out_request_no)
        {
            violations.push(violation(
                &path("out_request_no"),
                "V-FE-06",
                Severity::Error,
                "the same (stock_id, out_request_no) pair appears twice in one call".into(),
                "同一次调用中 (stock_id, out_request_no) 重复".into(),
            ));
        }
    }
    // No SHOULD rule applies today (the key length, V-FE-07, is checked by `ApiV2Key::new`).
    let warnings = Vec::new();
    if !violations.is_empty() {
        return Err(ValidationErrors { violations }.into());
    }

    let mut names: Vec<String> = Vec::with_capacity(entries.len() * 3 + 1);
    let mut values: Vec<&str> = Vec::with_capacity(entries.len() * 3 + 1);
    for (i, e) in entries.iter().enumerate() {
        for (name, value) in e.fields() {
            if !value.is_empty() {
                names.push(format!("{name}{i}"));
                values.push(value);
            }
        }
    }
    names.push("send_coupon_merchant".into());
    values.push(send_coupon_merchant);
    let params: Vec<(&str, &str)> = names.iter().map(String::as_str).zip(values).collect();
    let signed = v2_hmac_sign(&params, key)?;
    let send_coupon_params = entries
        .iter()
        .map(|e| SendCouponParam {
            create_coupon_merchant: e.create_coupon_merchant.clone().filter(|v| !v.is_empty()),
            coupon_code: e.coupon_code.clone().filter(|v| !v.is_empty()),
            customize_send_time: e.customize_send_time.clone().filter(|v| !v.is_empty()),
            ..e.clone()
        })
        .collect();
    Ok(SendCouponPayload {
        send_coupon_params,
        send_coupon_merchant: send_coupon_merchant.to_owned(),
        sign: signed.sign,
        string_to_sign_redacted: signed.string_to_sign_redacted,
        warnings,
    })
}

/// Parameters of the H5 coupon page (商家券 only; coupon-plugin-sign.md §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct H5CouponParams {
    /// 商家券 batch id, at most 20 characters.
    pub stock_id: String,
    /// 发券凭证: letters and digits only, at most 128.
    pub out_request_no: String,
    /// Merchant calling the issuing; its APIv2 key signs.
    pub send_coupon_merchant: String,
    /// The user's openid under an appid bound to the merchant.
    pub open_id: String,
    /// Required for batches in `MERCHANT_API` code mode.
    pub coupon_code: Option<String>,
    /// Receive time for relative-validity batches. Whether WeChat signs it is UNVERIFIED; this
    /// crate follows "sign what you send" and signs it when present.
    pub customize_send_time: Option<String>,
}

/// A signed H5 coupon URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct H5CouponUrl {
    /// `https://action.weixin.qq.com/busifavor/getcouponinfo?…&sign=…#wechat_pay&wechat_redirect`,
    /// values percent-encoded (the signature covers the raw values).
    pub url: String,
    /// HMAC-SHA256, 64 upper-case hex digits.
    pub sign: String,
    /// The signed string with the key redacted.
    pub string_to_sign_redacted: String,
    /// SHOULD-rule findings. None today: V-FE-07 (the key length) is checked when the key is
    /// built.
    pub warnings: Vec<Violation>,
}

/// Builds and signs the H5 coupon page URL (商家券 only). Query order follows the official
/// example: `stock_id`, `out_request_no`, `send_coupon_merchant`, `open_id`, `coupon_code`,
/// `customize_send_time`, `sign`; then the mandatory `#wechat_pay&wechat_redirect` fragment.
pub fn h5_coupon_url(params: &H5CouponParams, key: &ApiV2Key) -> Result<H5CouponUrl, Error> {
    let mut violations = Vec::new();
    check_merchant(&params.send_coupon_merchant, &mut violations);
    check_stock_id("stock_id", &params.stock_id, &mut violations);
    check_out_request_no("out_request_no", &params.out_request_no, true, &mut violations);
    for (name, value) in [
        ("stock_id", params.stock_id.as_str()),
        ("open_id", &params.open_id),
        ("coupon_code", params.coupon_code.as_deref().unwrap_or("")),
        (
            "customize_send_time",
            params.customize_send_time.as_deref().unwrap_or(""),
        ),
    ] {
        check_separators(name, value, &mut violations);
    }
    if params.open_id.is_empty() || params.open_id.chars().count() > 128 {
        violations.push(violation(
            "open_id",
            "V-FE-08",
            Severity::Error,
            "the user's openid: not empty, at most 128 characters".into(),
            "open_id 必填，最长 128 个字符".into(),
        ));
    }
    // No SHOULD rule applies today (the key length, V-FE-07, is checked by `ApiV2Key::new`).
    let warnings = Vec::new();
    if !violations.is_empty() {
        return Err(ValidationErrors { violations }.into());
    }
    let pairs: [(&str, &str); 6] = [
        ("stock_id", &params.stock_id),
        ("out_request_no", &params.out_request_no),
        ("send_coupon_merchant", &params.send_coupon_merchant),
        ("open_id", &params.open_id),
        ("coupon_code", params.coupon_code.as_deref().unwrap_or("")),
        (
            "customize_send_time",
            params.customize_send_time.as_deref().unwrap_or(""),
        ),
    ];
    let signed = v2_hmac_sign(&pairs, key)?;
    let mut url = String::from(H5_COUPON_PAGE);
    let mut sep = '?';
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.push(sep);
        sep = '&';
        url.push_str(k);
        url.push('=');
        url.push_str(&crate::sign::encode_query_value(v));
    }
    url.push_str("&sign=");
    url.push_str(&signed.sign);
    url.push_str(H5_COUPON_FRAGMENT);
    Ok(H5CouponUrl {
        url,
        sign: signed.sign,
        string_to_sign_redacted: signed.string_to_sign_redacted,
        warnings,
    })
}

fn is_blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(str::is_empty)
}

fn violation(field: &str, rule: &'static str, severity: Severity, message: String, message_zh: String) -> Violation {
    Violation {
        field: field.to_owned(),
        rule,
        severity,
        message,
        message_zh,
    }
}

fn check_merchant(mchid: &str, out: &mut Vec<Violation>) {
    if !(8..=15).contains(&mchid.len()) || !mchid.bytes().all(|b| b.is_ascii_digit()) {
        out.push(violation(
            "send_coupon_merchant",
            "V-FE-02",
            Severity::Error,
            "the issuing merchant id: 8 to 15 digits".into(),
            "发券商户号应为 8 到 15 位数字".into(),
        ));
    }
}

fn check_stock_id(field: &str, stock_id: &str, out: &mut Vec<Violation>) {
    if stock_id.is_empty() || stock_id.chars().count() > 20 {
        out.push(violation(
            field,
            "V-FE-03",
            Severity::Error,
            "the batch id: not empty, at most 20 characters".into(),
            "批次号必填，最长 20 个字符".into(),
        ));
    }
}

/// V-FE-09: `&` and `=` delimit the signed string, so a value holding one would make the
/// signature cover a different parameter set.
fn check_separators(field: &str, value: &str, out: &mut Vec<Violation>) {
    if value.contains(['&', '=']) {
        out.push(violation(
            field,
            "V-FE-09",
            Severity::Error,
            "no & or = in a signed value (they separate the signed parameters)".into(),
            "签名参数的值不能包含 & 或 =".into(),
        ));
    }
}

fn check_out_request_no(field: &str, value: &str, h5: bool, out: &mut Vec<Violation>) {
    let charset_ok = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || (!h5 && matches!(b, b'|' | b'_' | b'*' | b'-')));
    if value.is_empty() || value.len() > 128 || !charset_ok {
        let (message, message_zh) = if h5 {
            (
                "the 发券凭证: 1 to 128 letters and digits",
                "发券凭证应为 1 到 128 位字母或数字",
            )
        } else {
            (
                "the 发券凭证: 1 to 128 characters of letters, digits, |, _, * and -",
                "发券凭证应为 1 到 128 位字母、数字或 | _ * -",
            )
        };
        out.push(violation(
            field,
            "V-FE-04",
            Severity::Error,
            message.into(),
            message_zh.into(),
        ));
    }
}
