//! The two bill formats: known columns, header layout and the sealed [`BillFormat`] trait.

use super::*;

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
pub(super) enum Col {
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

pub(super) const COL_COUNT: usize = 19;

/// Normalised header name → column (bill-files.md §2.2, §2.3, §3).
pub(super) fn column_of(normalised: &str, kind: BillKind) -> Option<Col> {
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

pub(super) fn normalise_header(raw: &str) -> String {
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

pub(super) mod sealed {
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
pub(super) const FEN_COLS: [Col; 5] = [
    Col::DiscountAmount,
    Col::OrderAmount,
    Col::CombineDiscountAmount,
    Col::CombineOrderAmount,
    Col::RefundAmount,
];

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

/// Header layout: known column positions and unknown column names.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Layout {
    pub(super) index: [Option<usize>; COL_COUNT],
    pub(super) unknown: Vec<usize>,
    pub(super) names: Vec<String>,
    /// The amount columns present: (position in [`FEN_COLS`], cell index), in `FEN_COLS` order.
    pub(super) fen: Vec<(usize, usize)>,
}

impl Layout {
    pub(super) fn from_header(cells: &[Cell<'_>], kind: BillKind) -> Result<Self, BillError> {
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
