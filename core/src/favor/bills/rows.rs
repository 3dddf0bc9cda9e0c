//! Typed rows ([`UseFlowRow`], [`RefundFlowRow`]), the borrowed [`BillRowRef`] and cell cleaning.

use super::*;

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
        crate::beijing::local_text_to_rfc3339(self.consume_time.as_deref()?)
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

pub(super) fn owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

/// Unknown columns of a row: header text → cell text.
pub type ExtraColumns<'a> = BTreeMap<Cow<'a, str>, Cow<'a, str>>;

pub(super) fn owned_extra(extra: ExtraColumns<'_>) -> ExtraColumns<'static> {
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
    pub(super) fn new(
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

/// Decimal yuan (`1.00`, `-0.5`, `12`) → fen, without floats.
#[inline]
pub(super) fn yuan_to_fen(b: &[u8]) -> Option<i64> {
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
    pub(super) raw: &'a str,
    pub(super) quoted_escapes: bool,
}

impl<'a> Cell<'a> {
    /// Cleaned text: `""` unescaped (quoted cells), one leading backtick removed, trimmed.
    #[inline]
    pub(super) fn text(&self) -> Cow<'a, str> {
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
pub(super) fn is_trailer_start(first: &str) -> bool {
    // Cheap rejection of the usual data cell (`` `1234…``, digits, letters).
    match first.as_bytes().first() {
        Some(b) if b.is_ascii_alphanumeric() => false,
        _ => trim_unicode(first).trim_start_matches('`').starts_with('总'),
    }
}

/// `raw.trim()`, one leading backtick removed, trimmed again — without decoding characters when
/// both ends are ASCII non-whitespace (the usual case).
#[inline]
pub(super) fn clean_cell(raw: &str) -> &str {
    let t = trim_unicode(raw);
    match t.strip_prefix('`') {
        Some(rest) => trim_unicode(rest),
        None => t,
    }
}

/// Same result as [`str::trim`], with an ASCII shortcut at each end.
#[inline]
pub(super) fn trim_unicode(s: &str) -> &str {
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
