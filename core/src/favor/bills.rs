//! 代金券 bill files: use-flow (核销明细) and refund-flow (退款明细) download, integrity check and
//! streaming parse (favor-endpoints.md §3.13–3.15, bill-files.md).
//!
//! # Flow
//!
//! 1. Decode the verified use-flow / refund-flow response into a [`BillDownload`]
//!    (`{url, hash_type, hash_value}`).
//! 2. [`Client::bill_file_request`] builds the signed `GET` for `url` (valid 30 s). The file
//!    response carries **no** WeChat Pay signature: do not pass it to `parse_response`; its
//!    integrity is the SHA-1 `hash_value`.
//! 3. **Pass 1** — feed the body, chunk by chunk as it arrives, to a [`BillDigest`] (constant
//!    memory) while storing it (e.g. to a temp file the caller owns). [`BillDigest::finish`]
//!    compares the SHA-1 with `hash_value` in constant time and returns a [`VerifiedBill`]
//!    token only on a match, [`BillError::HashMismatch`] otherwise.
//! 4. **Pass 2** — re-read the stored bytes into a [`BillParser`], which can only be created
//!    from a [`VerifiedBill`]. It hands out typed rows ([`UseFlowRow`], [`RefundFlowRow`]) to a
//!    closure ([`BillParser::feed`]), or borrowed [`BillRowRef`] rows whose cells are cleaned
//!    only when read ([`BillParser::feed_rows`], the faster one), and returns the [`BillSummary`]
//!    at the end. For small files, [`parse_bill`] does both passes over an in-memory slice.
//!
//! # Performance
//!
//! Pass 2 checks each chunk's complete records for UTF-8 in one call, then tokenises data rows in
//! one sweep over their structural bytes (`,` `"` `\n`, found 64 bytes at a time with word-wide
//! bit tricks). Records it does not handle in that sweep — split across chunks, unusual quoting
//! (a quote inside a plain cell, a space before an opening quote, text after a closing quote),
//! the header and the trailer — go through the general record-by-record path, with identical
//! results (tested at every chunk boundary). Amount columns are checked as each row is
//! tokenised, for both row kinds, so both report the same errors at the same row.
//!
//! # How the API guarantees that no row is trusted before the hash is checked
//!
//! Rows (typed or [`BillRowRef`]) only come out of a [`BillParser`], and a parser can only be
//! built from a [`VerifiedBill`], whose fields are private and which only [`BillDigest::finish`] creates after
//! the digest matched. So no row exists before the whole file was hashed and compared. Both passes
//! use constant memory (a 100 MB file is never held; the parser buffers at most one record, capped
//! at [`MAX_RECORD_LEN`]). The token remembers the length and digest of the verified bytes; the
//! parser checks at [`BillParser::finish`] that it saw exactly as many bytes
//! ([`BillError::NotTheVerifiedBytes`]), and [`BillParser::with_recheck`] also re-hashes pass 2
//! and fails at `finish` if the bytes differ. Re-read storage that only you can write (your own
//! temp file); if it could change between the passes, use `with_recheck` and commit the rows
//! only after `finish` returned `Ok`. (A single pass that parses while hashing would have to hold
//! every row until the end — not constant memory — or hand rows out before the check.)
//!
//! # File format (bill-files.md §2, §5) and the tolerant choices made
//!
//! * Hashing covers the raw body; a BOM or line-ending change alters the digest. The parser then
//!   strips one UTF-8 BOM, accepts `\r\n` and `\n`, tokenises CSV with `"` quoting (`""` escape,
//!   commas and newlines inside quotes), removes one leading backtick and surrounding whitespace
//!   from every cell.
//! * Columns are found by header name, not position: names are normalised (trim, backtick,
//!   full-width `（）` → `()`, whitespace removed, ASCII case folded, a `(元)` suffix ignored).
//!   Unknown columns go to each row's `extra` map under their header text; never an error.
//!   `批次id` and `优惠id` are required.
//! * Line breaks: real files use `\r\n` (one observed sample), `\n` alone is read the same. A
//!   carriage return that ends no line (old Mac `\r` line breaks, a mangled conversion) is an
//!   error saying so ([`BillError::BareCarriageReturn`]), not a confusing header or cell-count
//!   error.
//! * The trailer is a record whose first cell starts with `总` (`总条数`); the next record holds
//!   the count(s). The number of data rows must equal `总条数` ([`BillError::CountMismatch`]); a
//!   trailer without its count line is an error. A file without trailer is accepted with a
//!   warning ([`BillWarning::MissingTrailer`] in [`BillSummary::warnings`], `declared_count =
//!   None`): the SHA-1 already matched, so the bytes are what WeChat Pay served, and the
//!   refund-flow trailer is unverified; failing would leave a caller no way to read such a file.
//! * Yuan amounts become integer fen by decimal parsing (no floats); times stay as the raw
//!   `yyyy-MM-dd HH:mm:ss` Beijing-time text ([`FlowColumns::consume_time_rfc3339`] converts).
//! * UNVERIFIED points, resolved tolerantly: refund-flow columns are unknown (this module maps
//!   the use-flow columns plus `退款单号`/`微信退款单号`, `退款时间`, `退款金额(元)` and keeps the
//!   rest in `extra`); a file that is not UTF-8 is an error naming the line (no GBK fallback);
//!   a gzip body (magic `1F 8B`) is not decompressed here — on a hash mismatch the error says the
//!   body was gzip so the caller can decompress and digest again; 设备号 is kept as sent (by-day
//!   files base64-encode it).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::client::{Client, VerifiedResponse};
use crate::crypto::{Sha1Stream, ct_eq, hex_lower};
use crate::error::{DecodeError, InputError, Result};
use crate::http::{HttpRequest, Method, split_url};

/// Largest record (one CSV row, including quoted newlines) the parser buffers: 1 MiB.
pub const MAX_RECORD_LEN: usize = 1 << 20;

/// The decoded use-flow / refund-flow response (`{url, hash_type, hash_value}`): the same type
/// the `use_flow` / `refund_flow` operations decode into.
pub use crate::favor::models::FlowFileResponse as BillDownload;

impl BillDownload {
    /// Decodes a verified use-flow / refund-flow response body.
    pub fn from_response(response: &VerifiedResponse) -> Result<Self, DecodeError> {
        response.json("bill download response")
    }
}

/// Why a bill file was rejected. Messages name the line, column or field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BillError {
    /// `hash_type` other than SHA1.
    #[error("hash_type {:?} is not supported: expected SHA1", crate::error::echo(hash_type))]
    UnsupportedHashType {
        /// The value given.
        hash_type: String,
    },
    /// `hash_value` is not 40 hex digits.
    #[error("hash_value: expected 40 hexadecimal digits (SHA-1), got {len} characters")]
    InvalidHashValue {
        /// Length of the value given.
        len: usize,
    },
    /// The SHA-1 of the downloaded bytes differs from `hash_value`.
    #[error("bill file hash mismatch: hash_value is {expected}, the {len} downloaded bytes hash to {actual}{}", if *gzip { " (the body is gzip-compressed: decompress it and digest the decompressed bytes)" } else { " (download again within 30 s of requesting the URL; do not alter the body)" })]
    HashMismatch {
        /// `hash_value`, lower-case.
        expected: String,
        /// SHA-1 of the bytes, lower-case hex.
        actual: String,
        /// Bytes digested.
        len: u64,
        /// Whether the body starts with the gzip magic `1F 8B`.
        gzip: bool,
    },
    /// Pass 2 saw a different number of bytes than pass 1 verified.
    #[error("the parsed bytes are not the verified file: {verified} bytes were verified, {parsed} parsed")]
    NotTheVerifiedBytes {
        /// Length verified by the digest.
        verified: u64,
        /// Length fed to the parser.
        parsed: u64,
    },
    /// With [`BillParser::with_recheck`]: pass 2's bytes hash differently from pass 1's.
    #[error("the parsed bytes are not the verified file: their SHA-1 differs (the stored copy changed)")]
    ChangedSinceVerification,
    /// A record is not valid UTF-8.
    #[error("line {line}: not valid UTF-8 (bill files are UTF-8)")]
    NotUtf8 {
        /// 1-based line of the record.
        line: u64,
    },
    /// A record is longer than [`MAX_RECORD_LEN`].
    #[error("line {line}: record longer than {max} bytes (unterminated quote or not a bill file)")]
    RecordTooLong {
        /// 1-based line where the record starts.
        line: u64,
        /// The limit.
        max: usize,
    },
    /// The file ends inside a quoted cell.
    #[error("line {line}: quoted cell not closed before the end of the file")]
    UnterminatedQuote {
        /// 1-based line where the record starts.
        line: u64,
    },
    /// The file has no header row.
    #[error("the bill file is empty: expected a header row")]
    MissingHeader,
    /// A record holds a carriage return that ends no line (`\r` not followed by `\n`).
    #[error(
        "line {line}: carriage return (\\r) without a line feed; bill lines end with \\r\\n or \\n (is the file using old Mac line endings?)"
    )]
    BareCarriageReturn {
        /// 1-based line of the record.
        line: u64,
    },
    /// A required column is missing from the header.
    #[error("header: required column {column} is missing")]
    MissingColumn {
        /// The Chinese column name.
        column: &'static str,
    },
    /// A column name appears twice in the header.
    #[error("header: column {column:?} appears twice")]
    DuplicateColumn {
        /// The column name.
        column: String,
    },
    /// A data row has a different number of cells than the header.
    #[error("line {line}: expected {expected} cells as in the header, found {found}")]
    CellCount {
        /// 1-based line.
        line: u64,
        /// Header cell count.
        expected: usize,
        /// Cells found.
        found: usize,
    },
    /// A cell does not have the expected shape.
    #[error("line {line}, column {column}: expected {expected}")]
    InvalidCell {
        /// 1-based line.
        line: u64,
        /// Column header.
        column: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The trailer's count differs from the number of data rows.
    #[error("the trailer declares {declared} rows but the file has {parsed}")]
    CountMismatch {
        /// Count in the trailer (`总条数`).
        declared: u64,
        /// Data rows parsed.
        parsed: u64,
    },
    /// A non-empty record after the trailer's count.
    #[error("line {line}: unexpected record after the trailer")]
    UnexpectedRecord {
        /// 1-based line.
        line: u64,
    },
    /// The parser was used again after it reported an error.
    #[error("the bill parser already failed; start again from the beginning of the file")]
    ParserFailed,
}

/// Hosts a bill download URL may point at: the API hosts the official SDKs know and the
/// download-service host that newer flows return (bill-files.md, Transport).
pub const BILL_DOWNLOAD_HOSTS: &[&str] = &[
    "api.mch.weixin.qq.com",
    "api2.mch.weixin.qq.com",
    "api.wechatpay.cn",
    "api2.wechatpay.cn",
    "download-service.wechatpay.cn",
];

/// Whether `origin` (`scheme://host[:port]`) is `https` on a [`BILL_DOWNLOAD_HOSTS`] host and
/// the default port.
fn is_bill_download_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .and_then(|_| origin.get(8..))
    else {
        return false;
    };
    let host = match authority.rsplit_once(':') {
        Some((h, "443")) => h,
        Some(_) => return false,
        None => authority,
    };
    BILL_DOWNLOAD_HOSTS.iter().any(|h| h.eq_ignore_ascii_case(host))
}

impl Client {
    /// Builds the signed `GET` for a bill download URL (favor-endpoints.md §3.15): the URL is used
    /// byte for byte (its token is not re-encoded), the body is empty, `Accept: */*`.
    ///
    /// The URL must be `https://` on one of [`BILL_DOWNLOAD_HOSTS`] (default port), or on the
    /// client's base URL (the sandbox), so the `Authorization` header is not sent elsewhere. Do
    /// not verify the response: feed its body to a [`BillDigest`].
    pub fn bill_file_request(&self, download: &BillDownload) -> Result<HttpRequest> {
        let url = download.url.trim();
        let (origin, _) = split_url(url)?;
        if !(is_bill_download_origin(origin) || origin.eq_ignore_ascii_case(self.base_url())) {
            let shown: String = origin.chars().take(80).collect();
            return Err(InputError::Invalid {
                field: "url".into(),
                expected: format!(
                    "an https:// download URL on {} or the configured base URL, got origin {shown}",
                    BILL_DOWNLOAD_HOSTS.join(", ")
                ),
            }
            .into());
        }
        let mut request = self.signed_request(Method::Get, url.to_owned(), Vec::new(), None, None)?;
        request.headers.set("Accept", "*/*");
        Ok(request)
    }
}

/// Pass 1: a streaming SHA-1 over the downloaded bytes, in constant memory.
pub struct BillDigest {
    expected: [u8; 20],
    stream: Sha1Stream,
    len: u64,
    head: [u8; 2],
}

impl fmt::Debug for BillDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillDigest")
            .field("expected", &hex_lower(&self.expected))
            .field("len", &self.len)
            .finish()
    }
}

impl BillDigest {
    /// Starts a digest for `download` (checks `hash_type` and `hash_value` first).
    pub fn new(download: &BillDownload) -> Result<Self, BillError> {
        Self::with_hash(download.hash_type.as_str(), &download.hash_value)
    }

    /// Starts a digest from `hash_type` and `hash_value` directly.
    pub fn with_hash(hash_type: &str, hash_value: &str) -> Result<Self, BillError> {
        let ht = hash_type.trim();
        if !(ht.eq_ignore_ascii_case("SHA1") || ht.eq_ignore_ascii_case("SHA-1")) {
            return Err(BillError::UnsupportedHashType {
                hash_type: hash_type.to_owned(),
            });
        }
        let hv = hash_value.trim().as_bytes();
        let invalid = BillError::InvalidHashValue { len: hv.len() };
        if hv.len() != 40 {
            return Err(invalid);
        }
        let mut expected = [0u8; 20];
        for (i, pair) in hv.chunks_exact(2).enumerate() {
            match (hex_val(pair[0]), hex_val(pair[1])) {
                (Some(h), Some(l)) => expected[i] = (h << 4) | l,
                _ => return Err(invalid),
            }
        }
        Ok(Self {
            expected,
            stream: Sha1Stream::new(),
            len: 0,
            head: [0; 2],
        })
    }

    /// Adds the next chunk of the body, exactly as received.
    pub fn update(&mut self, chunk: &[u8]) {
        for (i, b) in chunk.iter().take(2usize.saturating_sub(self.len as usize)).enumerate() {
            self.head[self.len as usize + i] = *b;
        }
        self.stream.update(chunk);
        self.len += chunk.len() as u64;
    }

    /// Bytes digested so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was digested yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Compares the digest with `hash_value` in constant time; the token proves the match.
    pub fn finish(self) -> Result<VerifiedBill, BillError> {
        let actual = self.stream.finish();
        if ct_eq(&actual, &self.expected) {
            Ok(VerifiedBill {
                len: self.len,
                sha1: actual,
            })
        } else {
            Err(BillError::HashMismatch {
                expected: hex_lower(&self.expected),
                actual: hex_lower(&actual),
                len: self.len,
                gzip: self.len >= 2 && self.head == [0x1f, 0x8b],
            })
        }
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Proof that a bill file of [`len`](VerifiedBill::len) bytes matched its `hash_value`. Only
/// [`BillDigest::finish`] creates it; a [`BillParser`] needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBill {
    len: u64,
    sha1: [u8; 20],
}

impl VerifiedBill {
    /// Length of the verified bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the verified file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The verified SHA-1, lower-case hex.
    pub fn sha1_hex(&self) -> String {
        hex_lower(&self.sha1)
    }
}

/// Which bill a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillKind {
    /// 核销明细 (`/use-flow`).
    UseFlow,
    /// 退款明细 (`/refund-flow`).
    RefundFlow,
}

/// Column of a bill file this module knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    StockId,
    CouponId,
    DiscountType,
    DiscountAmount,
    OrderAmount,
    TradeType,
    TransactionId,
    ConsumeTime,
    ConsumeMchid,
    DeviceInfo,
    BankSerialNo,
    GoodsDetail,
    IsCombineOrder,
    CombineTransactionId,
    CombineDiscountAmount,
    CombineOrderAmount,
    RefundId,
    RefundTime,
    RefundAmount,
}

const COL_COUNT: usize = 19;

/// Normalised header name → column (bill-files.md §2.2, §2.3, §3).
fn column_of(normalised: &str, kind: BillKind) -> Option<Col> {
    let name = normalised.strip_suffix("(元)").unwrap_or(normalised);
    let col = match name {
        "批次id" => Col::StockId,
        "优惠id" => Col::CouponId,
        "优惠类型" => Col::DiscountType,
        "优惠金额" => Col::DiscountAmount,
        "订单总金额" => Col::OrderAmount,
        "交易类型" => Col::TradeType,
        "支付单号" | "微信支付单号" => Col::TransactionId,
        "消耗时间" => Col::ConsumeTime,
        "消耗商户号" => Col::ConsumeMchid,
        "设备号" => Col::DeviceInfo,
        "银行流水号" => Col::BankSerialNo,
        "单品信息" => Col::GoodsDetail,
        "是否合单订单" => Col::IsCombineOrder,
        "微信支付合单单号" => Col::CombineTransactionId,
        "合单优惠总金额" => Col::CombineDiscountAmount,
        "合单订单总金额" => Col::CombineOrderAmount,
        "退款单号" | "微信退款单号" if kind == BillKind::RefundFlow => Col::RefundId,
        "退款时间" if kind == BillKind::RefundFlow => Col::RefundTime,
        "退款金额" if kind == BillKind::RefundFlow => Col::RefundAmount,
        _ => return None,
    };
    Some(col)
}

fn normalise_header(raw: &str) -> String {
    let t = raw.trim();
    let t = t.strip_prefix('`').unwrap_or(t);
    t.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The columns shared by use-flow and refund-flow rows (bill-files.md §2.2–2.3). Text borrows the
/// parser's input where possible; `None` = the column is not in this file or the cell is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlowColumns<'a> {
    /// 批次id.
    pub stock_id: Cow<'a, str>,
    /// 优惠id.
    pub coupon_id: Cow<'a, str>,
    /// 优惠类型, e.g. `全场代金券`.
    pub discount_type: Option<Cow<'a, str>>,
    /// 优惠金额（元）, in fen.
    pub discount_amount: Option<i64>,
    /// 订单总金额（元）, in fen.
    pub order_amount: Option<i64>,
    /// 交易类型, e.g. `支付`.
    pub trade_type: Option<Cow<'a, str>>,
    /// 支付单号 (WeChat Pay `transaction_id`).
    pub transaction_id: Option<Cow<'a, str>>,
    /// 消耗时间, `yyyy-MM-dd HH:mm:ss` Beijing time, as written.
    pub consume_time: Option<Cow<'a, str>>,
    /// 消耗商户号.
    pub consume_mchid: Option<Cow<'a, str>>,
    /// 设备号 (base64 in by-day files; kept as written).
    pub device_info: Option<Cow<'a, str>>,
    /// 银行流水号.
    pub bank_serial_no: Option<Cow<'a, str>>,
    /// 单品信息, raw (inner format UNVERIFIED).
    pub goods_detail: Option<Cow<'a, str>>,
    /// 是否合单订单, raw.
    pub is_combine_order: Option<Cow<'a, str>>,
    /// 微信支付合单单号.
    pub combine_transaction_id: Option<Cow<'a, str>>,
    /// 合单优惠总金额, in fen.
    pub combine_discount_amount: Option<i64>,
    /// 合单订单总金额, in fen.
    pub combine_order_amount: Option<i64>,
}

impl FlowColumns<'_> {
    /// 消耗时间 as RFC 3339 with `+08:00` (e.g. `2020-11-27T16:23:05+08:00`), if it has the
    /// `yyyy-MM-dd HH:mm:ss` shape.
    pub fn consume_time_rfc3339(&self) -> Option<String> {
        beijing_to_rfc3339(self.consume_time.as_deref()?)
    }

    fn into_owned(self) -> FlowColumns<'static> {
        FlowColumns {
            stock_id: owned(self.stock_id),
            coupon_id: owned(self.coupon_id),
            discount_type: self.discount_type.map(owned),
            discount_amount: self.discount_amount,
            order_amount: self.order_amount,
            trade_type: self.trade_type.map(owned),
            transaction_id: self.transaction_id.map(owned),
            consume_time: self.consume_time.map(owned),
            consume_mchid: self.consume_mchid.map(owned),
            device_info: self.device_info.map(owned),
            bank_serial_no: self.bank_serial_no.map(owned),
            goods_detail: self.goods_detail.map(owned),
            is_combine_order: self.is_combine_order.map(owned),
            combine_transaction_id: self.combine_transaction_id.map(owned),
            combine_discount_amount: self.combine_discount_amount,
            combine_order_amount: self.combine_order_amount,
        }
    }
}

fn owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

fn beijing_to_rfc3339(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    let shape_ok = b.len() == 19
        && digits.iter().all(|&i| b[i].is_ascii_digit())
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[13] == b':'
        && b[16] == b':';
    shape_ok.then(|| format!("{}T{}+08:00", &s[..10], &s[11..]))
}

/// Unknown columns of a row: header text → cell text.
pub type ExtraColumns<'a> = BTreeMap<Cow<'a, str>, Cow<'a, str>>;

fn owned_extra(extra: ExtraColumns<'_>) -> ExtraColumns<'static> {
    extra.into_iter().map(|(k, v)| (owned(k), owned(v))).collect()
}

/// One row of a use-flow file (one coupon use).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UseFlowRow<'a> {
    /// 1-based line of the row in the file.
    pub line: u64,
    /// The known columns.
    pub columns: FlowColumns<'a>,
    /// Columns this module does not know, by header text.
    pub extra: ExtraColumns<'a>,
}

impl UseFlowRow<'_> {
    /// A copy that owns its text.
    pub fn into_owned(self) -> UseFlowRow<'static> {
        UseFlowRow {
            line: self.line,
            columns: self.columns.into_owned(),
            extra: owned_extra(self.extra),
        }
    }
}

/// One row of a refund-flow file. Refund-specific column names are UNVERIFIED (bill-files.md §3):
/// `退款单号`/`微信退款单号`, `退款时间` and `退款金额(元)` are mapped; anything else is in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefundFlowRow<'a> {
    /// 1-based line of the row in the file.
    pub line: u64,
    /// The columns shared with the use-flow file.
    pub columns: FlowColumns<'a>,
    /// 退款单号 / 微信退款单号.
    pub refund_id: Option<Cow<'a, str>>,
    /// 退款时间, as written.
    pub refund_time: Option<Cow<'a, str>>,
    /// 退款金额（元）, in fen.
    pub refund_amount: Option<i64>,
    /// Columns this module does not know, by header text.
    pub extra: ExtraColumns<'a>,
}

impl RefundFlowRow<'_> {
    /// A copy that owns its text.
    pub fn into_owned(self) -> RefundFlowRow<'static> {
        RefundFlowRow {
            line: self.line,
            columns: self.columns.into_owned(),
            refund_id: self.refund_id.map(owned),
            refund_time: self.refund_time.map(owned),
            refund_amount: self.refund_amount,
            extra: owned_extra(self.extra),
        }
    }
}

mod sealed {
    pub trait Sealed {
        fn build(row: super::BillRowRef<'_>) -> Self::Row<'_>
        where
            Self: super::BillFormat;
        fn into_owned(row: Self::Row<'_>) -> Self::Row<'static>
        where
            Self: super::BillFormat;
    }
}

/// The amount columns, validated when the row is tokenised (in this order, which decides which
/// error a row with several bad amounts reports).
const FEN_COLS: [Col; 5] = [
    Col::DiscountAmount,
    Col::OrderAmount,
    Col::CombineDiscountAmount,
    Col::CombineOrderAmount,
    Col::RefundAmount,
];

/// A data row borrowed from the parser: cells are slices of the chunk (or of the buffered record)
/// and of the header layout, cleaned (backtick, whitespace, `""`) only when read; nothing is
/// allocated unless a quoted cell contains `""`. The amount columns were already checked (a
/// malformed amount is [`BillError::InvalidCell`] before the row exists), so their getters are
/// infallible. Like every row, it only exists after the hash matched. Use
/// [`BillParser::feed_rows`] for these rows, then read the few columns you need, or convert with
/// [`BillRowRef::to_use_flow`] / [`BillRowRef::to_refund_flow`] (still borrowing) and
/// `into_owned` to keep a row past the callback.
#[derive(Clone, Copy)]
pub struct BillRowRef<'a> {
    line: u64,
    kind: BillKind,
    text: &'a str,
    spans: &'a [(usize, usize, bool)],
    layout: &'a Layout,
    /// Amounts in [`FEN_COLS`] order; bit `k` of `fen_set` says whether `fen[k]` is present (kept
    /// apart from `fen` so the row stays small enough to be passed in registers / inline copies).
    fen: [i64; 5],
    fen_set: u8,
}

impl fmt::Debug for BillRowRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillRowRef")
            .field("line", &self.line)
            .field("kind", &self.kind)
            .field("record", &self.text)
            .finish()
    }
}

macro_rules! text_getters {
    ($($(#[$doc:meta])* $name:ident => $col:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Option<Cow<'a, str>> {
            self.text_of(Col::$col)
        }
    )*};
}

macro_rules! fen_getters {
    ($($(#[$doc:meta])* $name:ident => $idx:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Option<i64> {
            (self.fen_set & (1 << $idx) != 0).then_some(self.fen[$idx])
        }
    )*};
}

impl<'a> BillRowRef<'a> {
    /// Builds the row over the tokenised record, validating its amount columns.
    #[inline]
    fn new(
        line: u64,
        kind: BillKind,
        text: &'a str,
        spans: &'a [(usize, usize, bool)],
        layout: &'a Layout,
    ) -> Result<Self, BillError> {
        let mut row = Self {
            line,
            kind,
            text,
            spans,
            layout,
            fen: [0; 5],
            fen_set: 0,
        };
        for &(k, i) in &layout.fen {
            let Some(&(s, e, quoted_escapes)) = spans.get(i) else {
                continue;
            };
            let raw = text.as_bytes().get(s..e).unwrap_or_default();
            // Usual shape: plain cell, optional backtick, ASCII non-space at both ends.
            // (Then trimming and the backtick leave `quick` as it is, as `Cell::text` would.)
            let plain = |b: &[u8]| match (b.first(), b.last()) {
                (Some(f), Some(l)) => f.is_ascii_graphic() && l.is_ascii_graphic(),
                _ => false,
            };
            let quick = raw.strip_prefix(b"`").unwrap_or(raw);
            let parsed = if !quoted_escapes && plain(quick) {
                yuan_to_fen(quick)
            } else {
                let Some(cell) = row.cell_at(i) else { continue };
                let t = cell.text();
                if t.is_empty() {
                    continue;
                }
                yuan_to_fen(t.as_bytes())
            };
            row.fen[k] = parsed.ok_or_else(|| BillError::InvalidCell {
                line,
                column: layout.names.get(i).cloned().unwrap_or_default(),
                expected: "a yuan amount with at most 2 decimals, e.g. 1.00",
            })?;
            row.fen_set |= 1 << k;
        }
        Ok(row)
    }

    #[inline]
    fn cell_at(&self, i: usize) -> Option<Cell<'a>> {
        let &(s, e, quoted_escapes) = self.spans.get(i)?;
        Some(Cell {
            raw: self.text.get(s..e)?,
            quoted_escapes,
        })
    }

    #[inline]
    fn text_of(&self, col: Col) -> Option<Cow<'a, str>> {
        let i = self.layout.index[col as usize]?;
        self.cell_at(i).map(|c| c.text()).filter(|t| !t.is_empty())
    }

    /// 1-based line of the row in the file.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Which bill the row belongs to.
    pub fn kind(&self) -> BillKind {
        self.kind
    }

    /// Number of cells (the header's cell count).
    pub fn cell_count(&self) -> usize {
        self.spans.len()
    }

    /// Cleaned text of the cell at `index` (header order), or `None` past the last cell.
    pub fn cell(&self, index: usize) -> Option<Cow<'a, str>> {
        self.cell_at(index).map(|c| c.text())
    }

    /// Header text of the cell at `index`, as in [`BillSummary::header`].
    pub fn header(&self, index: usize) -> Option<&'a str> {
        self.layout.names.get(index).map(String::as_str)
    }

    /// 批次id.
    pub fn stock_id(&self) -> Cow<'a, str> {
        self.text_of(Col::StockId).unwrap_or_default()
    }

    /// 优惠id.
    pub fn coupon_id(&self) -> Cow<'a, str> {
        self.text_of(Col::CouponId).unwrap_or_default()
    }

    text_getters! {
        /// 优惠类型; `None` if the column is absent or the cell empty (as for every getter).
        discount_type => DiscountType;
        /// 交易类型.
        trade_type => TradeType;
        /// 支付单号.
        transaction_id => TransactionId;
        /// 消耗时间, as written.
        consume_time => ConsumeTime;
        /// 消耗商户号.
        consume_mchid => ConsumeMchid;
        /// 设备号, as written.
        device_info => DeviceInfo;
        /// 银行流水号.
        bank_serial_no => BankSerialNo;
        /// 单品信息, raw.
        goods_detail => GoodsDetail;
        /// 是否合单订单, raw.
        is_combine_order => IsCombineOrder;
        /// 微信支付合单单号.
        combine_transaction_id => CombineTransactionId;
        /// 退款单号 / 微信退款单号 (refund-flow files only).
        refund_id => RefundId;
        /// 退款时间, as written (refund-flow files only).
        refund_time => RefundTime;
    }

    fen_getters! {
        /// 优惠金额（元）, in fen.
        discount_amount => 0;
        /// 订单总金额（元）, in fen.
        order_amount => 1;
        /// 合单优惠总金额, in fen.
        combine_discount_amount => 2;
        /// 合单订单总金额, in fen.
        combine_order_amount => 3;
        /// 退款金额（元）, in fen (refund-flow files only).
        refund_amount => 4;
    }

    /// Columns this module does not know: header text → cleaned cell text, in header order.
    pub fn extra(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + 'a {
        let row = *self;
        self.layout.unknown.iter().filter_map(move |&i| {
            let name = row.layout.names.get(i)?;
            Some((name.as_str(), row.cell_at(i)?.text()))
        })
    }

    /// The columns shared by both bills, typed.
    pub fn columns(&self) -> FlowColumns<'a> {
        FlowColumns {
            stock_id: self.stock_id(),
            coupon_id: self.coupon_id(),
            discount_type: self.discount_type(),
            discount_amount: self.discount_amount(),
            order_amount: self.order_amount(),
            trade_type: self.trade_type(),
            transaction_id: self.transaction_id(),
            consume_time: self.consume_time(),
            consume_mchid: self.consume_mchid(),
            device_info: self.device_info(),
            bank_serial_no: self.bank_serial_no(),
            goods_detail: self.goods_detail(),
            is_combine_order: self.is_combine_order(),
            combine_transaction_id: self.combine_transaction_id(),
            combine_discount_amount: self.combine_discount_amount(),
            combine_order_amount: self.combine_order_amount(),
        }
    }

    fn extra_map(&self) -> ExtraColumns<'a> {
        self.extra().map(|(k, v)| (Cow::Borrowed(k), v)).collect()
    }

    /// The row as a [`UseFlowRow`] (what [`BillParser::feed`] yields for [`UseFlow`]).
    pub fn to_use_flow(&self) -> UseFlowRow<'a> {
        UseFlowRow {
            line: self.line,
            columns: self.columns(),
            extra: self.extra_map(),
        }
    }

    /// The row as a [`RefundFlowRow`] (what [`BillParser::feed`] yields for [`RefundFlow`]).
    pub fn to_refund_flow(&self) -> RefundFlowRow<'a> {
        RefundFlowRow {
            line: self.line,
            columns: self.columns(),
            refund_id: self.refund_id(),
            refund_time: self.refund_time(),
            refund_amount: self.refund_amount(),
            extra: self.extra_map(),
        }
    }
}

/// A bill file format: [`UseFlow`] or [`RefundFlow`]. Chooses the row type a [`BillParser`] yields.
pub trait BillFormat: sealed::Sealed + Sized {
    /// Which bill.
    const KIND: BillKind;
    /// The typed row, borrowing the parser's input.
    type Row<'a>;
}

/// The use-flow (核销明细) format; rows are [`UseFlowRow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseFlow;

/// The refund-flow (退款明细) format; rows are [`RefundFlowRow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundFlow;

impl BillFormat for UseFlow {
    const KIND: BillKind = BillKind::UseFlow;
    type Row<'a> = UseFlowRow<'a>;
}

impl BillFormat for RefundFlow {
    const KIND: BillKind = BillKind::RefundFlow;
    type Row<'a> = RefundFlowRow<'a>;
}

impl sealed::Sealed for UseFlow {
    fn build(row: BillRowRef<'_>) -> UseFlowRow<'_> {
        row.to_use_flow()
    }

    fn into_owned(row: UseFlowRow<'_>) -> UseFlowRow<'static> {
        row.into_owned()
    }
}

impl sealed::Sealed for RefundFlow {
    fn build(row: BillRowRef<'_>) -> RefundFlowRow<'_> {
        row.to_refund_flow()
    }

    fn into_owned(row: RefundFlowRow<'_>) -> RefundFlowRow<'static> {
        row.into_owned()
    }
}

/// Decimal yuan (`1.00`, `-0.5`, `12`) → fen, without floats.
#[inline]
fn yuan_to_fen(b: &[u8]) -> Option<i64> {
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, b),
    };
    let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int_len == 0 {
        return None;
    }
    let (int, frac) = b.split_at(int_len);
    let frac = match frac.split_first() {
        None => frac,
        Some((b'.', digits)) if digits.len() <= 2 && digits.iter().all(u8::is_ascii_digit) => digits,
        Some(_) => return None,
    };
    let mut yuan: i64 = 0;
    for &d in int {
        yuan = yuan.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    let frac_fen = match frac {
        [] => 0,
        [d] => i64::from(d - b'0') * 10,
        [d, e, ..] => i64::from(d - b'0') * 10 + i64::from(e - b'0'),
    };
    let fen = yuan.checked_mul(100)?.checked_add(frac_fen)?;
    Some(if neg { -fen } else { fen })
}

/// One CSV cell of the current record.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    raw: &'a str,
    quoted_escapes: bool,
}

impl<'a> Cell<'a> {
    /// Cleaned text: `""` unescaped (quoted cells), one leading backtick removed, trimmed.
    #[inline]
    fn text(&self) -> Cow<'a, str> {
        if self.quoted_escapes {
            let un = self.raw.replace("\"\"", "\"");
            let t = un.trim();
            let t = t.strip_prefix('`').unwrap_or(t).trim();
            Cow::Owned(t.to_owned())
        } else {
            Cow::Borrowed(clean_cell(self.raw))
        }
    }
}

/// Whether a record whose first raw cell is `first` starts the trailer (`总条数`, `总交易单数`, …).
#[inline]
fn is_trailer_start(first: &str) -> bool {
    // Cheap rejection of the usual data cell (`` `1234…``, digits, letters).
    match first.as_bytes().first() {
        Some(b) if b.is_ascii_alphanumeric() => false,
        _ => trim_unicode(first).trim_start_matches('`').starts_with('总'),
    }
}

/// `raw.trim()`, one leading backtick removed, trimmed again — without decoding characters when
/// both ends are ASCII non-whitespace (the usual case).
#[inline]
fn clean_cell(raw: &str) -> &str {
    let t = trim_unicode(raw);
    match t.strip_prefix('`') {
        Some(rest) => trim_unicode(rest),
        None => t,
    }
}

/// Same result as [`str::trim`], with an ASCII shortcut at each end.
#[inline]
fn trim_unicode(s: &str) -> &str {
    // Not whitespace in any sense if ASCII and none of the six ASCII White_Space bytes.
    let plain = |b: u8| b.is_ascii() && !matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let s = match s.as_bytes().first() {
        Some(&b) if plain(b) => s,
        _ => s.trim_start(),
    };
    match s.as_bytes().last() {
        Some(&b) if plain(b) => s,
        _ => s.trim_end(),
    }
}

/// Header layout: known column positions and unknown column names.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Layout {
    index: [Option<usize>; COL_COUNT],
    unknown: Vec<usize>,
    names: Vec<String>,
    /// The amount columns present: (position in [`FEN_COLS`], cell index), in `FEN_COLS` order.
    fen: Vec<(usize, usize)>,
}

impl Layout {
    fn from_header(cells: &[Cell<'_>], kind: BillKind) -> Result<Self, BillError> {
        let mut index = [None; COL_COUNT];
        let mut unknown = Vec::new();
        let mut names = Vec::with_capacity(cells.len());
        let mut seen: Vec<String> = Vec::with_capacity(cells.len());
        for (i, c) in cells.iter().enumerate() {
            let raw = c.text().into_owned();
            let norm = normalise_header(&raw);
            if !norm.is_empty() && seen.contains(&norm) {
                return Err(BillError::DuplicateColumn { column: raw });
            }
            match column_of(&norm, kind) {
                Some(col) => index[col as usize] = Some(i),
                None => unknown.push(i),
            }
            seen.push(norm);
            names.push(raw);
        }
        if index[Col::StockId as usize].is_none() {
            return Err(BillError::MissingColumn { column: "批次id" });
        }
        if index[Col::CouponId as usize].is_none() {
            return Err(BillError::MissingColumn { column: "优惠id" });
        }
        let fen = FEN_COLS
            .iter()
            .enumerate()
            .filter_map(|(k, &col)| Some((k, index[col as usize]?)))
            .collect();
        Ok(Self {
            index,
            unknown,
            names,
            fen,
        })
    }
}

/// Something unusual about a bill file that did not stop the parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BillWarning {
    /// The file ends without the `总条数` trailer, so the row count could not be checked against
    /// the file's own count.
    #[error(
        "the bill file has no 总条数 trailer: its {rows} data row(s) could not be checked against a declared count (the SHA-1 matched)"
    )]
    MissingTrailer {
        /// Data rows parsed.
        rows: u64,
    },
}

/// What a parsed bill file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillSummary {
    /// Which bill.
    pub kind: BillKind,
    /// Header cells as written (backtick and whitespace removed).
    pub header: Vec<String>,
    /// Data rows parsed.
    pub rows: u64,
    /// `总条数` from the trailer; `None` when the file has no trailer.
    pub declared_count: Option<u64>,
    /// Trailer cells: summary header → value (e.g. `总条数` → `1`).
    pub trailer: BTreeMap<String, String>,
    /// Bytes parsed.
    pub bytes: u64,
    /// What was unusual but accepted (e.g. no trailer).
    pub warnings: Vec<BillWarning>,
}

#[derive(Debug)]
enum State {
    Header,
    Rows(Box<Layout>),
    TrailerValues { names: Vec<String> },
    Done,
    Failed,
}

/// Pass 2: a push parser over the verified bytes, in constant memory. Feed chunks of any size;
/// rows go to the closure as soon as their record is complete.
pub struct BillParser<F: BillFormat> {
    verified_len: u64,
    recheck: Option<(Sha1Stream, [u8; 20])>,
    bytes: u64,
    line: u64,
    pending: Vec<u8>,
    pending_newlines: u64,
    in_quote: bool,
    state: State,
    rows: u64,
    header: Vec<String>,
    declared: Option<u64>,
    trailer: BTreeMap<String, String>,
    cells: Vec<(usize, usize, bool)>,
    format: std::marker::PhantomData<F>,
}

impl<F: BillFormat> fmt::Debug for BillParser<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillParser")
            .field("kind", &F::KIND)
            .field("verified_len", &self.verified_len)
            .field("recheck", &self.recheck.is_some())
            .field("bytes", &self.bytes)
            .field("line", &self.line)
            .field("rows", &self.rows)
            .field("buffered", &self.pending.len())
            .finish()
    }
}

impl<F: BillFormat> BillParser<F> {
    /// A parser for the file that `verified` vouches for.
    pub fn new(verified: &VerifiedBill) -> Self {
        Self {
            verified_len: verified.len,
            recheck: None,
            bytes: 0,
            line: 1,
            pending: Vec::new(),
            pending_newlines: 0,
            in_quote: false,
            state: State::Header,
            rows: 0,
            header: Vec::new(),
            declared: None,
            trailer: BTreeMap::new(),
            cells: Vec::new(),
            format: std::marker::PhantomData,
        }
    }

    /// Like [`BillParser::new`], and also re-hashes the bytes of pass 2: [`BillParser::finish`]
    /// fails with [`BillError::ChangedSinceVerification`] if they are not the verified bytes.
    pub fn with_recheck(verified: &VerifiedBill) -> Self {
        let mut p = Self::new(verified);
        p.recheck = Some((Sha1Stream::new(), verified.sha1));
        p
    }

    /// Bytes of an incomplete record currently buffered (at most [`MAX_RECORD_LEN`]).
    pub fn buffered(&self) -> usize {
        self.pending.len()
    }

    /// Parses the next chunk; calls `on_row` for every data row completed by it, as the typed
    /// row of `F` (every known column converted; see [`BillParser::feed_rows`] for the faster
    /// borrowed rows).
    pub fn feed(&mut self, chunk: &[u8], mut on_row: impl FnMut(F::Row<'_>)) -> Result<(), BillError> {
        self.feed_rows(chunk, |r| on_row(F::build(r)))
    }

    /// Like [`BillParser::feed`], with [`BillRowRef`] rows: cells borrowed from `chunk` (or from
    /// the record buffered across chunks) and cleaned only when read — the fast path.
    pub fn feed_rows(&mut self, chunk: &[u8], mut on_row: impl FnMut(BillRowRef<'_>)) -> Result<(), BillError> {
        if matches!(self.state, State::Failed) {
            return Err(BillError::ParserFailed);
        }
        let r = self.feed_inner(chunk, &mut on_row);
        if r.is_err() {
            self.state = State::Failed;
        }
        r
    }

    fn feed_inner(&mut self, chunk: &[u8], on_row: &mut impl FnMut(BillRowRef<'_>)) -> Result<(), BillError> {
        self.bytes += chunk.len() as u64;
        if let Some((s, _)) = &mut self.recheck {
            s.update(chunk);
        }
        let mut rest = chunk;
        if !self.pending.is_empty() || self.in_quote || self.pending_newlines > 0 {
            let mut newlines = 0;
            match find_record_end(rest, &mut self.in_quote, &mut newlines) {
                Some(end) => {
                    self.push_pending(&rest[..end], newlines)?;
                    rest = &rest[end + 1..];
                    let buf = std::mem::take(&mut self.pending);
                    let extra = self.pending_newlines;
                    self.pending_newlines = 0;
                    let r = self.record(&buf, extra, on_row);
                    self.pending = buf;
                    self.pending.clear();
                    r?;
                }
                None => return self.push_pending(rest, newlines),
            }
        }
        // The complete records of this chunk end at its last `\n`; validating them as UTF-8 in one
        // call lets the fast path slice cells as `&str` without re-validating each record. If the
        // region is not UTF-8 the general path below reports the line of the offending record.
        let region = memchr::memrchr(b'\n', rest)
            .and_then(|nl| std::str::from_utf8(&rest[..=nl]).ok())
            .unwrap_or("");
        let mut offset = 0;
        loop {
            if matches!(self.state, State::Rows(_)) && offset < region.len() {
                offset += self.fast_rows(&region[offset..], on_row)?;
            }
            let mut newlines = 0;
            match find_record_end(&rest[offset..], &mut self.in_quote, &mut newlines) {
                Some(end) => {
                    self.record(&rest[offset..offset + end], newlines, on_row)?;
                    offset += end + 1;
                }
                None => return self.push_pending(&rest[offset..], newlines),
            }
        }
    }

    /// Fast path for data rows: tokenises whole records of `text` (which starts at a record
    /// boundary outside quotes) in one pass over its structural bytes and hands them to
    /// [`Self::dispatch`], exactly as [`Self::record`] would. Stops at the first record it cannot
    /// finish or whose quoting is unusual (left to the general path), or when the state leaves
    /// `Rows` (trailer); returns the bytes consumed, always whole records.
    fn fast_rows(&mut self, text: &str, on_row: &mut impl FnMut(BillRowRef<'_>)) -> Result<usize, BillError> {
        let State::Rows(layout) = std::mem::replace(&mut self.state, State::Failed) else {
            return Ok(0);
        };
        let mut cells = std::mem::take(&mut self.cells);
        let r = self.fast_rows_with(&layout, &mut cells, text, on_row);
        self.cells = cells;
        self.state = State::Rows(layout);
        r
    }

    fn fast_rows_with(
        &mut self,
        layout: &Layout,
        cells: &mut Vec<(usize, usize, bool)>,
        text: &str,
        on_row: &mut impl FnMut(BillRowRef<'_>),
    ) -> Result<usize, BillError> {
        let bytes = text.as_bytes();
        let mut scan = Structurals::new(bytes, 0);
        let mut pos = 0;
        loop {
            let Some((end, text_end, newlines)) = tokenise_record(bytes, pos, &mut scan, cells) else {
                return Ok(pos);
            };
            let Some(rec) = text.get(pos..text_end) else {
                return Ok(pos);
            };
            let first = cells.first().and_then(|&(s, e, _)| rec.get(s..e)).unwrap_or_default();
            if is_trailer_start(first) {
                // The trailer changes the state: left to the general path.
                return Ok(pos);
            }
            let line = self.line;
            self.line += newlines + 1;
            pos = end + 1;
            // Only a single-cell record can be blank (a comma is not whitespace).
            if cells.len() == 1 && rec.trim().is_empty() {
                continue;
            }
            if cells.len() != layout.names.len() {
                return Err(cell_count_error(rec, line, layout.names.len(), cells.len()));
            }
            on_row(BillRowRef::new(line, F::KIND, rec, cells, layout)?);
            self.rows += 1;
        }
    }

    fn push_pending(&mut self, bytes: &[u8], newlines: u64) -> Result<(), BillError> {
        if self.pending.len() + bytes.len() > MAX_RECORD_LEN {
            return Err(BillError::RecordTooLong {
                line: self.line,
                max: MAX_RECORD_LEN,
            });
        }
        self.pending.extend_from_slice(bytes);
        // Quoted newlines consumed into `pending` belong to the record starting at `self.line`.
        self.pending_newlines += newlines;
        Ok(())
    }

    /// Ends the input: parses a last record without newline, checks the trailer count and that
    /// the bytes were the verified ones.
    pub fn finish(self, mut on_row: impl FnMut(F::Row<'_>)) -> Result<BillSummary, BillError> {
        self.finish_rows(|r| on_row(F::build(r)))
    }

    /// Like [`BillParser::finish`], with [`BillRowRef`] rows.
    pub fn finish_rows(mut self, mut on_row: impl FnMut(BillRowRef<'_>)) -> Result<BillSummary, BillError> {
        if matches!(self.state, State::Failed) {
            return Err(BillError::ParserFailed);
        }
        if self.bytes != self.verified_len {
            return Err(BillError::NotTheVerifiedBytes {
                verified: self.verified_len,
                parsed: self.bytes,
            });
        }
        if self.in_quote {
            return Err(BillError::UnterminatedQuote { line: self.line });
        }
        if !self.pending.is_empty() {
            let buf = std::mem::take(&mut self.pending);
            let extra = self.pending_newlines;
            self.record(&buf, extra, &mut on_row)?;
        }
        if let Some((s, expected)) = self.recheck.take()
            && !ct_eq(&s.finish(), &expected)
        {
            return Err(BillError::ChangedSinceVerification);
        }
        let mut warnings = Vec::new();
        match &self.state {
            State::Header => return Err(BillError::MissingHeader),
            State::Rows(_) => warnings.push(BillWarning::MissingTrailer { rows: self.rows }),
            State::TrailerValues { names } => {
                return Err(BillError::InvalidCell {
                    line: self.line,
                    column: names.first().cloned().unwrap_or_default(),
                    expected: "a line with the number of data rows after the trailer (the file ends before it)",
                });
            }
            State::Done | State::Failed => {}
        }
        if let Some(declared) = self.declared
            && declared != self.rows
        {
            return Err(BillError::CountMismatch {
                declared,
                parsed: self.rows,
            });
        }
        Ok(BillSummary {
            kind: F::KIND,
            header: self.header,
            rows: self.rows,
            declared_count: self.declared,
            trailer: self.trailer,
            bytes: self.bytes,
            warnings,
        })
    }

    /// Handles one record (without its terminating `\n`) that started at `self.line` and spans
    /// `inner_newlines` quoted newlines.
    fn record(
        &mut self,
        rec: &[u8],
        inner_newlines: u64,
        on_row: &mut impl FnMut(BillRowRef<'_>),
    ) -> Result<(), BillError> {
        let line = self.line;
        self.line += inner_newlines + 1;
        let mut rec = rec.strip_suffix(b"\r").unwrap_or(rec);
        if matches!(self.state, State::Header) && line == 1 {
            rec = rec.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(rec);
        }
        let text = std::str::from_utf8(rec).map_err(|_| BillError::NotUtf8 { line })?;
        if text.trim().is_empty() {
            return Ok(());
        }
        split_cells(text, &mut self.cells);
        self.dispatch(text, line, on_row)
    }

    /// Acts on one non-blank record `text` whose cell spans are in `self.cells`.
    fn dispatch(&mut self, text: &str, line: u64, on_row: &mut impl FnMut(BillRowRef<'_>)) -> Result<(), BillError> {
        let state = std::mem::replace(&mut self.state, State::Failed);
        let next = match state {
            State::Header => {
                if has_bare_cr(text) {
                    return Err(BillError::BareCarriageReturn { line });
                }
                let cells = self.cell_views(text);
                let layout = Layout::from_header(&cells, F::KIND)?;
                self.header = layout.names.clone();
                State::Rows(Box::new(layout))
            }
            State::Rows(layout) => {
                let first_is_total = self
                    .cells
                    .first()
                    .is_some_and(|&(s, e, _)| is_trailer_start(&text[s..e]));
                if first_is_total {
                    let names = self.cell_views(text).iter().map(|c| c.text().into_owned()).collect();
                    State::TrailerValues { names }
                } else {
                    if self.cells.len() != layout.names.len() {
                        return Err(cell_count_error(text, line, layout.names.len(), self.cells.len()));
                    }
                    on_row(BillRowRef::new(line, F::KIND, text, &self.cells, &layout)?);
                    self.rows += 1;
                    State::Rows(layout)
                }
            }
            State::TrailerValues { names } => {
                let cells = self.cell_views(text);
                for (i, c) in cells.iter().enumerate() {
                    let name = names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
                    self.trailer.insert(name, c.text().into_owned());
                }
                let count_idx = names.iter().position(|n| normalise_header(n) == "总条数").unwrap_or(0);
                let count_name = names.get(count_idx).cloned().unwrap_or_default();
                let count = cells
                    .get(count_idx)
                    .map(|c| c.text())
                    .and_then(|t| t.parse::<u64>().ok())
                    .ok_or(BillError::InvalidCell {
                        line,
                        column: count_name,
                        expected: "the number of data rows",
                    })?;
                self.declared = Some(count);
                State::Done
            }
            State::Done => return Err(BillError::UnexpectedRecord { line }),
            State::Failed => return Err(BillError::ParserFailed),
        };
        self.state = next;
        Ok(())
    }

    fn cell_views<'t>(&self, text: &'t str) -> Vec<Cell<'t>> {
        self.cells
            .iter()
            .map(|&(s, e, q)| Cell {
                raw: &text[s..e],
                quoted_escapes: q,
            })
            .collect()
    }
}

/// Whether `text` (a record without its line break) holds a `\r` not followed by `\n`.
fn has_bare_cr(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The error for a data record of `found` cells under a header of `expected`: a bare carriage
/// return explains it better than the count when there is one.
#[cold]
fn cell_count_error(text: &str, line: u64, expected: usize, found: usize) -> BillError {
    if has_bare_cr(text) {
        BillError::BareCarriageReturn { line }
    } else {
        BillError::CellCount { line, expected, found }
    }
}

/// Finds the `\n` that ends the current record in `hay`, tracking quotes across calls.
fn find_record_end(hay: &[u8], in_quote: &mut bool, newlines: &mut u64) -> Option<usize> {
    let mut from = 0;
    loop {
        let Some(rel) = find_byte(&hay[from..], b'\n') else {
            if count_quotes(&hay[from..]) % 2 == 1 {
                *in_quote = !*in_quote;
            }
            return None;
        };
        let nl = from + rel;
        if count_quotes(&hay[from..nl]) % 2 == 1 {
            *in_quote = !*in_quote;
        }
        if !*in_quote {
            return Some(nl);
        }
        *newlines += 1;
        from = nl + 1;
    }
}

fn count_quotes(s: &[u8]) -> usize {
    s.iter().filter(|&&b| b == b'"').count()
}

fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Iterates the positions of the structural bytes `,` `"` `\n` of a slice. Bit masks are
/// computed a window of [`WINDOW`] 64-byte blocks at a time (SWAR: eight 8-byte words per block
/// folded into one mask; independent blocks keep the CPU busy), then walked bit by bit. Rows have
/// a structural byte every ~8 bytes, where a per-hit `memchr3` call costs more than this.
struct Structurals<'a> {
    hay: &'a [u8],
    /// Offset of `masks[0]`'s first byte.
    window: usize,
    masks: [u64; WINDOW],
    /// Index of the block `mask` comes from.
    block: usize,
    mask: u64,
}

/// Blocks per window of [`Structurals`] (1 KiB).
const WINDOW: usize = 16;

impl<'a> Structurals<'a> {
    fn new(hay: &'a [u8], from: usize) -> Self {
        let mut s = Self {
            hay,
            window: from,
            masks: [0; WINDOW],
            block: 0,
            mask: 0,
        };
        s.fill();
        s.mask = s.masks[0];
        s
    }

    #[inline(never)]
    fn fill(&mut self) {
        let rest = self.hay.get(self.window..).unwrap_or_default();
        let (blocks, tail) = rest.as_chunks::<64>();
        for (m, block) in self.masks.iter_mut().zip(blocks) {
            *m = mask64(block);
        }
        if blocks.len() < WINDOW {
            let mut last = [0u8; 64];
            last[..tail.len()].copy_from_slice(tail);
            self.masks[blocks.len()] = mask64(&last);
            self.masks[blocks.len() + 1..].fill(0);
        }
    }

    /// The next structural position, in increasing order.
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.block += 1;
            if self.block == WINDOW {
                self.window += WINDOW * 64;
                if self.window >= self.hay.len() {
                    return None;
                }
                self.block = 0;
                self.fill();
            } else if self.window + self.block * 64 >= self.hay.len() {
                return None;
            }
            self.mask = self.masks[self.block];
        }
        let p = self.window + self.block * 64 + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(p)
    }
}

/// Bit `i` set ⇔ `block[i]` is `,`, `"` or `\n`.
#[inline]
fn mask64(block: &[u8; 64]) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // Per byte of `x`: high bit clear ⇔ the byte is zero (exact, no carry between bytes).
    let nonzero = |x: u64| ((x & HIGH7) + HIGH7) | x;
    let (words, _) = block.as_chunks::<8>();
    let mut mask = 0u64;
    for (k, w) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*w);
        let all = nonzero(w ^ (LOW * u64::from(b',')))
            & nonzero(w ^ (LOW * u64::from(b'"')))
            & nonzero(w ^ (LOW * u64::from(b'\n')));
        // 0x80 in each byte equal to one of the three.
        let hits = !(all | HIGH7);
        // Gather the eight 0x80 flags into the top byte, bit j = byte j.
        let packed = ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        mask |= packed << (k * 8);
    }
    mask
}

/// Tokenises the record of `hay` starting at `start` (outside quotes) into cell spans relative to
/// `start`, as [`split_cells`] would after [`find_record_end`], for the usual shapes only: plain
/// cells without `"`, and cells quoted from their first byte whose closing quote is followed by
/// `,`, `\n` or `\r\n`. Returns `(position of the ending \n, end of the record text without its
/// \r, quoted newlines)`, or `None` if the record is incomplete or unusual (the general path then
/// handles it). `scan` must be positioned at `start`; on success it is left after the record.
fn tokenise_record(
    hay: &[u8],
    start: usize,
    scan: &mut Structurals<'_>,
    cells: &mut Vec<(usize, usize, bool)>,
) -> Option<(usize, usize, u64)> {
    cells.clear();
    let mut cell = start;
    let mut newlines = 0;
    loop {
        let p = scan.next()?;
        match hay[p] {
            b',' => {
                cells.push((cell - start, p - start, false));
                cell = p + 1;
            }
            b'\n' => {
                let end = if p > cell && hay[p - 1] == b'\r' { p - 1 } else { p };
                cells.push((cell - start, end - start, false));
                return Some((p, end, newlines));
            }
            _ if p != cell => return None, // a quote inside a plain cell
            _ => {
                let mut escapes = false;
                loop {
                    let q = scan.next()?;
                    match hay[q] {
                        b'\n' => newlines += 1,
                        b',' => {}
                        _ => match hay.get(q + 1)? {
                            b'"' => {
                                escapes = true;
                                scan.next()?;
                            }
                            b',' => {
                                cells.push((p + 1 - start, q - start, escapes));
                                scan.next()?;
                                cell = q + 2;
                                break;
                            }
                            b'\n' => {
                                cells.push((p + 1 - start, q - start, escapes));
                                scan.next()?;
                                return Some((q + 1, q + 1, newlines));
                            }
                            b'\r' if hay.get(q + 2) == Some(&b'\n') => {
                                cells.push((p + 1 - start, q - start, escapes));
                                scan.next()?;
                                return Some((q + 2, q + 1, newlines));
                            }
                            _ => return None,
                        },
                    }
                }
            }
        }
    }
}

/// Splits a record into cell spans `(start, end, has_escaped_quotes)` (quotes excluded).
fn split_cells(text: &str, out: &mut Vec<(usize, usize, bool)>) {
    out.clear();
    let b = text.as_bytes();
    if !b.contains(&b'"') {
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            if c == b',' {
                out.push((start, i, false));
                start = i + 1;
            }
        }
        out.push((start, b.len(), false));
        return;
    }
    let mut i = 0;
    loop {
        // Skip leading spaces before an opening quote.
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < b.len() && b[j] == b'"' {
            let start = j + 1;
            let mut k = start;
            let mut escapes = false;
            let end;
            loop {
                if k >= b.len() {
                    end = b.len();
                    break;
                }
                if b[k] == b'"' {
                    if k + 1 < b.len() && b[k + 1] == b'"' {
                        escapes = true;
                        k += 2;
                        continue;
                    }
                    end = k;
                    k += 1;
                    break;
                }
                k += 1;
            }
            out.push((start, end, escapes));
            // Skip to the next separator (anything after the closing quote is ignored).
            while k < b.len() && b[k] != b',' {
                k += 1;
            }
            if k >= b.len() {
                return;
            }
            i = k + 1;
        } else {
            let mut k = i;
            while k < b.len() && b[k] != b',' {
                k += 1;
            }
            out.push((i, k, false));
            if k >= b.len() {
                return;
            }
            i = k + 1;
        }
    }
}

/// A whole bill parsed from memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBill<R> {
    /// The data rows.
    pub rows: Vec<R>,
    /// Header, counts and trailer.
    pub summary: BillSummary,
}

/// Checks `bytes` against `download`'s hash, then parses them (for files that fit in memory).
pub fn parse_bill<F: BillFormat>(
    bytes: &[u8],
    download: &BillDownload,
) -> Result<ParsedBill<F::Row<'static>>, BillError> {
    let mut digest = BillDigest::new(download)?;
    digest.update(bytes);
    let verified = digest.finish()?;
    let mut parser = BillParser::<F>::new(&verified);
    let mut rows = Vec::new();
    parser.feed(bytes, |r| rows.push(F::into_owned(r)))?;
    let summary = parser.finish(|r| rows.push(F::into_owned(r)))?;
    Ok(ParsedBill { rows, summary })
}
