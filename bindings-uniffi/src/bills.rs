//! Bill files (use flow / refund flow): a streaming SHA-1 digest, then a streaming parser that
//! can only be created from a verified digest; both in constant memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use wechatpay_coupons::dynamic::views::{self, FlowColumnsView};
use wechatpay_coupons::favor::bills::{
    BillDigest as CoreDigest, BillParser as CoreParser, BillSummary as CoreSummary, RefundFlow, RefundFlowRow, UseFlow,
    UseFlowRow, VerifiedBill as CoreVerified,
};

use wechatpay_coupons::favor::bills::BillDownload;

use crate::error::{Result, invalid};
use crate::models::FlowFileResponse;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One row of a use-flow or refund-flow bill (refund columns are `null` in a use flow).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillRow {
    /// Line number in the file.
    pub line: u64,
    /// Batch id.
    pub stock_id: String,
    /// Coupon id.
    pub coupon_id: String,
    /// Discount type.
    pub discount_type: Option<String>,
    /// Discount (fen).
    pub discount_amount: Option<i64>,
    /// Order amount (fen).
    pub order_amount: Option<i64>,
    /// Trade type.
    pub trade_type: Option<String>,
    /// Payment transaction id.
    pub transaction_id: Option<String>,
    /// Use time as written (Beijing time).
    pub consume_time: Option<String>,
    /// Use time in RFC 3339.
    pub consume_time_rfc3339: Option<String>,
    /// Merchant where it was used.
    pub consume_mchid: Option<String>,
    /// Device.
    pub device_info: Option<String>,
    /// Bank serial number.
    pub bank_serial_no: Option<String>,
    /// Goods detail as written.
    pub goods_detail: Option<String>,
    /// Whether it was a combined order.
    pub is_combine_order: Option<String>,
    /// Combined transaction id.
    pub combine_transaction_id: Option<String>,
    /// Combined discount (fen).
    pub combine_discount_amount: Option<i64>,
    /// Combined order amount (fen).
    pub combine_order_amount: Option<i64>,
    /// Refund id (refund flow).
    pub refund_id: Option<String>,
    /// Refund time (refund flow).
    pub refund_time: Option<String>,
    /// Refund amount in fen (refund flow).
    pub refund_amount: Option<i64>,
    /// Columns this version does not know, by header.
    pub extra: HashMap<String, String>,
}

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

fn row(line: u64, c: &FlowColumnsView<'_>, extra: HashMap<String, String>) -> BillRow {
    BillRow {
        line,
        stock_id: c.stock_id.to_owned(),
        coupon_id: c.coupon_id.to_owned(),
        discount_type: s(c.discount_type),
        discount_amount: c.discount_amount,
        order_amount: c.order_amount,
        trade_type: s(c.trade_type),
        transaction_id: s(c.transaction_id),
        consume_time: s(c.consume_time),
        consume_time_rfc3339: c.consume_time_rfc3339.clone(),
        consume_mchid: s(c.consume_mchid),
        device_info: s(c.device_info),
        bank_serial_no: s(c.bank_serial_no),
        goods_detail: s(c.goods_detail),
        is_combine_order: s(c.is_combine_order),
        combine_transaction_id: s(c.combine_transaction_id),
        combine_discount_amount: c.combine_discount_amount,
        combine_order_amount: c.combine_order_amount,
        refund_id: None,
        refund_time: None,
        refund_amount: None,
        extra,
    }
}

fn use_row(r: &UseFlowRow<'_>) -> BillRow {
    let v = views::UseFlowRowView::from(r);
    let extra = v
        .extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    row(v.line, &v.columns, extra)
}

fn refund_row(r: &RefundFlowRow<'_>) -> BillRow {
    let v = views::RefundFlowRowView::from(r);
    let extra = v
        .extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut out = row(v.line, &v.columns, extra);
    out.refund_id = s(v.refund_id);
    out.refund_time = s(v.refund_time);
    out.refund_amount = v.refund_amount;
    out
}

/// The end of a bill: its header, counts and trailer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillSummary {
    /// `use_flow` or `refund_flow`.
    pub kind: String,
    /// Header cells as written.
    pub header: Vec<String>,
    /// Rows parsed.
    pub rows: u64,
    /// The count the trailer declares.
    pub declared_count: Option<u64>,
    /// Trailer cells by name.
    pub trailer: HashMap<String, String>,
    /// Bytes parsed.
    pub bytes: u64,
    /// Warnings.
    pub warnings: Vec<String>,
}

impl From<&CoreSummary> for BillSummary {
    fn from(s: &CoreSummary) -> Self {
        let v = views::BillSummaryView::from(s);
        Self {
            kind: v.kind.to_owned(),
            header: v.header.to_vec(),
            rows: v.rows,
            declared_count: v.declared_count,
            trailer: v.trailer.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            bytes: v.bytes,
            warnings: v.warnings,
        }
    }
}

/// The last rows and the summary of a bill.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillEnd {
    /// Rows the end of the file completed.
    pub rows: Vec<BillRow>,
    /// The summary.
    pub summary: BillSummary,
}

/// The core's download description from the `useFlow` / `refundFlow` response record.
pub fn bill_download(download: &FlowFileResponse) -> Result<BillDownload> {
    serde_json::from_value(crate::wire::to_json(download)?)
        .map_err(|e| invalid("download", format!("url, hash_type and hash_value ({e})")))
}

/// Pass 1: SHA-1 over the downloaded bytes in constant memory; `finish()` checks `hash_value`.
#[derive(uniffi::Object)]
pub struct BillDigest {
    inner: Mutex<Option<CoreDigest>>,
}

#[uniffi::export]
impl BillDigest {
    /// A digest for the file `download` describes.
    #[uniffi::constructor]
    pub fn new(download: FlowFileResponse) -> Result<Arc<Self>> {
        let digest = CoreDigest::new(&bill_download(&download)?)?;
        Ok(Arc::new(Self {
            inner: Mutex::new(Some(digest)),
        }))
    }

    /// Adds the next chunk of the body.
    pub fn update(&self, chunk: Vec<u8>) -> Result<()> {
        let mut g = lock(&self.inner);
        let d = g.as_mut().ok_or_else(|| invalid("BillDigest", "not finished"))?;
        d.update(&chunk);
        Ok(())
    }

    /// Bytes digested so far.
    pub fn length(&self) -> u64 {
        lock(&self.inner).as_ref().map_or(0, CoreDigest::len)
    }

    /// Compares the digest with `hash_value` (constant time); a `BillError` on a mismatch.
    pub fn finish(&self) -> Result<Arc<VerifiedBill>> {
        let d = lock(&self.inner)
            .take()
            .ok_or_else(|| invalid("BillDigest", "not finished"))?;
        Ok(Arc::new(VerifiedBill { inner: d.finish()? }))
    }
}

/// Proof that a file matched its `hash_value`; the only way to create a `BillParser`.
#[derive(uniffi::Object)]
pub struct VerifiedBill {
    inner: CoreVerified,
}

#[uniffi::export]
impl VerifiedBill {
    /// Length of the verified bytes.
    pub fn length(&self) -> u64 {
        self.inner.len()
    }

    /// The verified SHA-1, lower-case hex.
    pub fn sha1(&self) -> String {
        self.inner.sha1_hex()
    }
}

enum AnyParser {
    Use(CoreParser<UseFlow>),
    Refund(CoreParser<RefundFlow>),
}

/// Pass 2: parses the verified bytes chunk by chunk; `feed` returns the rows each chunk
/// completes, `finish` the last rows and the summary.
#[derive(uniffi::Object)]
pub struct BillParser {
    inner: Mutex<Option<AnyParser>>,
}

#[uniffi::export]
impl BillParser {
    /// A parser of `kind` (`use_flow` or `refund_flow`) over the verified bytes; `recheck`
    /// digests them again while parsing.
    #[uniffi::constructor(default(kind = "use_flow", recheck = false))]
    pub fn new(verified: Arc<VerifiedBill>, kind: String, recheck: bool) -> Result<Arc<Self>> {
        let v = &verified.inner;
        let p = match (kind.as_str(), recheck) {
            ("use_flow", false) => AnyParser::Use(CoreParser::new(v)),
            ("use_flow", true) => AnyParser::Use(CoreParser::with_recheck(v)),
            ("refund_flow", false) => AnyParser::Refund(CoreParser::new(v)),
            ("refund_flow", true) => AnyParser::Refund(CoreParser::with_recheck(v)),
            _ => return Err(invalid("kind", "\"use_flow\" or \"refund_flow\"")),
        };
        Ok(Arc::new(Self {
            inner: Mutex::new(Some(p)),
        }))
    }

    /// Parses the next chunk; the rows it completed.
    pub fn feed(&self, chunk: Vec<u8>) -> Result<Vec<BillRow>> {
        let mut g = lock(&self.inner);
        let p = g.as_mut().ok_or_else(|| invalid("BillParser", "not finished"))?;
        let mut rows = Vec::new();
        match p {
            AnyParser::Use(p) => p.feed(&chunk, |r| rows.push(use_row(&r)))?,
            AnyParser::Refund(p) => p.feed(&chunk, |r| rows.push(refund_row(&r)))?,
        }
        Ok(rows)
    }

    /// Ends the file; a `BillError` if the bytes were not the verified ones or the trailer's
    /// count does not match.
    pub fn finish(&self) -> Result<BillEnd> {
        let p = lock(&self.inner)
            .take()
            .ok_or_else(|| invalid("BillParser", "not finished"))?;
        let mut rows = Vec::new();
        let summary = match p {
            AnyParser::Use(p) => p.finish(|r| rows.push(use_row(&r)))?,
            AnyParser::Refund(p) => p.finish(|r| rows.push(refund_row(&r)))?,
        };
        Ok(BillEnd {
            rows,
            summary: BillSummary::from(&summary),
        })
    }
}
