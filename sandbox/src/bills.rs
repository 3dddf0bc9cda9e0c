//! Bills (use-flow / refund-flow files and their tokenised download), the certificate
//! download body, and the image upload (multipart parsing, media store).

use serde_json::{Value, json};
use wechatpay_coupons::cipher::aead_encrypt;
use wechatpay_coupons::crypto::{BuiltinCrypto, hex_lower, sha1, sha256};
use wechatpay_coupons::favor::models::ImageUploadRequest;

use crate::server::{Shared, lock};
use crate::state::FlowRecord;
use crate::util::{ApiErr, bill_time, next_day_10am, rfc3339, yuan};

/// A bill file waiting to be downloaded.
#[derive(Debug, Clone)]
pub struct BillFile {
    /// The bytes served.
    pub bytes: Vec<u8>,
    /// Protocol time after which the token is refused.
    pub expires_at: i64,
}

/// Header of the use-flow file (bill-files.md §2.2, full-width parentheses as observed).
pub const USE_FLOW_HEADER: &str = "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息";
/// Header of the refund-flow file (layout UNVERIFIED: no source shows one; modelled on use-flow).
pub const REFUND_FLOW_HEADER: &str = "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,退款单号,退款时间,消耗商户号,设备号,银行流水号,单品信息";

/// One backtick-prefixed cell as the real bill writes it (`` `value ``). Values are validated on
/// the way in, so they hold no `,`, `"`, CR or LF; should one ever do, the cell is quoted as in
/// RFC 4180 (backtick inside the quotes, `"` doubled) rather than break the row.
pub fn ticked_cell(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"`{}\"", value.replace('"', "\"\""))
    } else {
        format!("`{value}")
    }
}

/// Renders a flow file: UTF-8 without BOM, CRLF, backtick-prefixed cells, the last three
/// columns quoted, then the `总条数` trailer.
pub fn render_flow(records: &[&FlowRecord], refund: bool) -> Vec<u8> {
    let mut out = String::new();
    out.push_str(if refund { REFUND_FLOW_HEADER } else { USE_FLOW_HEADER });
    out.push_str("\r\n");
    for r in records {
        let mut cells = vec![
            r.stock_id.clone(),
            r.coupon_id.clone(),
            "全场代金券".to_owned(),
            yuan(r.discount),
            yuan(r.order_amount),
            if refund { "退款" } else { "支付" }.to_owned(),
            r.transaction_id.clone(),
        ];
        if refund {
            cells.push(r.refund_id.clone().unwrap_or_default());
        }
        cells.push(bill_time(r.time));
        cells.push(r.mchid.clone());
        let ticked: Vec<String> = cells.iter().map(|c| ticked_cell(c)).collect();
        out.push_str(&ticked.join(","));
        out.push_str(",\"013467007045764\",\"\",\"\"\r\n");
    }
    out.push_str(&format!("总条数\r\n`{}\r\n", records.len()));
    out.into_bytes()
}

/// `GET …/use-flow` or `…/refund-flow`: builds the file, stores it under a token, returns
/// `{url, hash_type, hash_value}`.
pub fn flow_url(shared: &Shared, stock_id: &str, use_flow: bool) -> Result<Value, ApiErr> {
    let now = shared.business_now();
    let bytes = {
        let st = lock(&shared.state);
        let stock = st
            .stocks
            .get(stock_id)
            .filter(|s| s.creator == shared.merchant.config.mchid)
            .ok_or_else(|| ApiErr::not_found("批次不存在 (stock not found)"))?;
        if shared.config.strict_bill_timing {
            let ready = stock.ended_at(now).map(next_day_10am);
            if ready.is_none_or(|t| now < t) {
                return Err(ApiErr::not_found(format!(
                    "账单文件不存在：批次结束后次日 10:00 起可下载 (bill available from 10:00 UTC+8 the day after the stock ends{})",
                    ready.map(|t| format!(", i.e. {}", rfc3339(t))).unwrap_or_default()
                )));
            }
        }
        let list = if use_flow { &st.uses } else { &st.refunds };
        let records: Vec<&FlowRecord> = list.iter().filter(|r| r.stock_id == stock_id).collect();
        if records.is_empty() {
            return Err(ApiErr::not_found("账单文件不存在 (no records for this stock)"));
        }
        render_flow(&records, !use_flow)
    };
    let hash = hex_lower(&sha1(&bytes));
    let token = wechatpay_coupons::clock::random_string(40).map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "rng"))?;
    let expires_at = shared.now() + shared.config.bill_url_ttl.as_secs() as i64;
    {
        let mut bills = lock(&shared.bills);
        let t = shared.now();
        bills.retain(|_, b| b.expires_at >= t);
        bills.insert(token.clone(), BillFile { bytes, expires_at });
    }
    Ok(json!({
        "url": format!("{}/v3/billdownload/file?token={token}", shared.base_url),
        "hash_type": "SHA1",
        "hash_value": hash,
    }))
}

/// `GET /v3/billdownload/file?token=…`: the file bytes (the response is not signed).
pub fn download(shared: &Shared, token: &str) -> Result<Vec<u8>, ApiErr> {
    let bills = lock(&shared.bills);
    match bills.get(token) {
        Some(b) if shared.now() <= b.expires_at => Ok(b.bytes.clone()),
        Some(_) => Err(ApiErr::invalid("下载链接已过期 (download URL expired: valid 30 s)")),
        None => Err(ApiErr::not_found("账单文件不存在 (unknown token)")),
    }
}

/// The `/v3/certificates` body: the platform certificate, AEAD-encrypted with the APIv3 key.
pub fn certificates_body(shared: &Shared) -> Result<Value, ApiErr> {
    let m = &shared.merchant;
    let nonce = wechatpay_coupons::clock::random_string(12).map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "rng"))?;
    let ct = aead_encrypt(
        &BuiltinCrypto,
        &m.apiv3_key,
        &nonce,
        "certificate",
        m.platform_cert_pem.as_bytes(),
    )
    .map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "encryption failed"))?;
    Ok(json!({"data": [{
        "serial_no": m.platform_cert.serial,
        "effective_time": rfc3339(m.platform_cert.not_before),
        "expire_time": rfc3339(m.platform_cert.not_after),
        "encrypt_certificate": {
            "algorithm": "AEAD_AES_256_GCM",
            "nonce": nonce,
            "associated_data": "certificate",
            "ciphertext": ct,
        }
    }]}))
}

/// A parsed image upload.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The exact `meta` part bytes (what the request signature covers).
    pub meta: Vec<u8>,
    /// `filename` from the file part's Content-Disposition.
    pub filename: String,
    /// The file part's Content-Type.
    pub content_type: String,
    /// The image bytes.
    pub file: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The delimiter a body without a `boundary` parameter uses: its first line, `--` and 1 to 70
/// boundary characters (RFC 2046).
fn boundary_from_first_line(body: &[u8]) -> Option<String> {
    let end = find(body, b"\r\n", 0)?;
    let b = std::str::from_utf8(body.get(2..end)?).ok()?.trim_end();
    (body.starts_with(b"--") && (1..=70).contains(&b.len()) && !b.contains(char::is_whitespace)).then(|| b.to_owned())
}

/// Splits a `multipart/form-data` body into its `meta` and `file` parts. The delimiter comes
/// from the `boundary` parameter or, when the header has none (some SDKs send a bare
/// `multipart/form-data`), from the body's first line.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Upload, ApiErr> {
    let bad = |m: &str| ApiErr::invalid(format!("multipart 格式错误: {m}"));
    let is_form_data = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
    if !is_form_data {
        return Err(bad("Content-Type must be multipart/form-data (with a boundary)"));
    }
    let from_header = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .filter(|b| !b.is_empty());
    let boundary = from_header.or_else(|| boundary_from_first_line(body)).ok_or_else(|| {
        bad("no boundary: the Content-Type has no boundary parameter and the body does not start with a --boundary line")
    })?;
    let delim = format!("--{boundary}");
    let mut meta = None;
    let mut file = None;
    let mut pos = find(body, delim.as_bytes(), 0).ok_or_else(|| bad("boundary not found"))?;
    loop {
        let after = pos + delim.len();
        if body.get(after..after + 2) == Some(b"--") {
            break;
        }
        let head_start = after + 2;
        let head_end = find(body, b"\r\n\r\n", head_start).ok_or_else(|| bad("part without headers"))?;
        let head = String::from_utf8_lossy(&body[head_start..head_end]).to_string();
        let content_start = head_end + 4;
        let next =
            find(body, format!("\r\n{delim}").as_bytes(), content_start).ok_or_else(|| bad("unterminated part"))?;
        let content = body[content_start..next].to_vec();
        let lower = head.to_ascii_lowercase();
        let attr = |name: &str| {
            head.split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(&format!("{name}=")))
                .map(|v| v.lines().next().unwrap_or_default().trim_matches('"').to_owned())
        };
        if lower.contains("name=\"meta\"") {
            meta = Some(content);
        } else if lower.contains("name=\"file\"") {
            let ct = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Content-Type:")
                        .or_else(|| l.strip_prefix("content-type:"))
                })
                .map(|s| s.trim().to_owned())
                .unwrap_or_default();
            file = Some((attr("filename").unwrap_or_default(), ct, content));
        }
        pos = next + 2;
    }
    let meta = meta.ok_or_else(|| bad("missing meta part"))?;
    let (filename, content_type, file) = file.ok_or_else(|| bad("missing file part"))?;
    Ok(Upload {
        meta,
        filename,
        content_type,
        file,
    })
}

/// A sent value as an error detail echoes it: strings and other JSON truncated to 64 characters.
fn echo(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(crate::util::truncate(s, 64)),
        Value::Number(_) | Value::Bool(_) | Value::Null => v.clone(),
        other => Value::String(crate::util::truncate(&other.to_string(), 64)),
    }
}

/// The `meta` part of an image upload (`{"filename", "sha256"}`): a JSON object whose two
/// fields, when present, are strings; each refusal names the field and echoes what was sent.
struct UploadMeta {
    filename: String,
    sha256: String,
}

impl UploadMeta {
    fn parse(meta: &[u8]) -> Result<Self, ApiErr> {
        let v: Value = serde_json::from_slice(meta)
            .map_err(|_| ApiErr::param("meta", Value::Null, "meta 不是合法的 JSON (meta is not JSON)", "body"))?;
        let Some(obj) = v.as_object() else {
            return Err(ApiErr::param(
                "meta",
                echo(&v),
                "meta 须为 JSON 对象 (meta must be a JSON object)",
                "body",
            ));
        };
        let field = |name: &str| -> Result<String, ApiErr> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(ApiErr::param(
                    &format!("meta.{name}"),
                    echo(other),
                    "须为字符串 (must be a string)",
                    "body",
                )),
            }
        };
        let filename = field("filename")?;
        if filename.is_empty() {
            return Err(ApiErr::param(
                "meta.filename",
                obj.get("filename").map_or(Value::Null, echo),
                "文件名必填 (is required and must not be empty)",
                "body",
            ));
        }
        Ok(Self {
            filename,
            sha256: field("sha256")?,
        })
    }
}

/// Checks an upload with the core's rules (V-IMG-01..03 on the typed
/// [`ImageUploadRequest`]) and the `meta.sha256` digest, and stores it; returns `{media_url}`.
pub fn store_image(shared: &Shared, u: Upload) -> Result<Value, ApiErr> {
    let meta = UploadMeta::parse(&u.meta)?;
    let req = ImageUploadRequest {
        filename: meta.filename,
        bytes: u.file,
    };
    let ctx = crate::validation::context(&shared.merchant.config.mchid, shared.business_now());
    crate::validation::check_image(&req, &ctx)?;
    if !meta.sha256.eq_ignore_ascii_case(&hex_lower(&sha256(&req.bytes))) {
        return Err(ApiErr::param(
            "meta.sha256",
            json!(meta.sha256),
            "文件摘要与文件内容不一致 (sha256 mismatch)",
            "body",
        ));
    }
    let ext = req
        .filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| ["png", "bmp", "jpg", "jpeg"].contains(&e.as_str()))
        .unwrap_or_else(|| "jpg".to_owned());
    let digest = hex_lower(&sha256(&req.bytes));
    let id = format!("{}.{ext}", digest.get(..32).unwrap_or(&digest));
    shared.media.put(&id, &req.bytes)?;
    Ok(json!({"media_url": format!("{}/media/{id}", shared.base_url)}))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use wechatpay_coupons::favor::bills::{BillDownload, UseFlow, parse_bill};

    fn record(transaction_id: &str, mchid: &str) -> FlowRecord {
        FlowRecord {
            stock_id: "17000001".into(),
            coupon_id: "17000002".into(),
            discount: 100,
            order_amount: 1500,
            transaction_id: transaction_id.into(),
            refund_id: None,
            time: 0,
            mchid: mchid.into(),
        }
    }

    fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    /// A field holding the bill's own separators stays one cell for the core's parser and for a
    /// plain CSV reader (validation keeps such values out; this is the second line of defence).
    #[test]
    fn cells_with_separators_cannot_break_a_row() {
        let hostile = "a,b\r\nX\"q`";
        let records = [
            record(hostile, "1900000001"),
            record("4200000000202612050000000001", "1,2"),
        ];
        let bytes = render_flow(&records.iter().collect::<Vec<_>>(), false);
        let rows = csv_rows(&bytes);
        assert_eq!(rows.len(), 5, "{}", String::from_utf8_lossy(&bytes));
        assert!(rows[1..3].iter().all(|r| r.len() == 12), "{rows:?}");
        assert_eq!(rows[1][6], format!("`{hostile}"));
        assert_eq!(rows[2][8], "`1,2");
        assert_eq!(rows[2][6], "`4200000000202612050000000001");
        let download: BillDownload = serde_json::from_value(json!({
            "url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=t",
            "hash_type": "SHA1",
            "hash_value": hex_lower(&sha1(&bytes)),
        }))
        .unwrap();
        let parsed = parse_bill::<UseFlow>(&bytes, &download).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].columns.transaction_id.as_deref(), Some(hostile));
        assert_eq!(parsed.rows[1].columns.consume_mchid.as_deref(), Some("1,2"));
        assert_eq!(parsed.summary.declared_count, Some(2));
    }
}
