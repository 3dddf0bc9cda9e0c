//! Serialisable views of the core's results, the shapes every binding hands to its users.
//!
//! Field names are the bindings' (snake_case, as in WeChat Pay's JSON). Views borrow from the
//! result they describe; serialise them with any serde serialiser (pythonize, serde_json, …).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::certificates::CertificateUpdate;
use crate::favor::bills::{BillKind, BillSummary, FlowColumns, RefundFlowRow, UseFlowRow};
use crate::favor::events::{CouponEvent, CouponUseEvent};
use crate::notify::Notification;
use crate::sign::SignedMessage;
use crate::verify::Verified;

/// A verified, decrypted notification: the envelope's fields, the decrypted `resource`
/// (`COUPON.USE` in its typed, normalised shape; other events as their JSON, `null` if the
/// plaintext is not JSON) and the verification facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NotificationView {
    /// Notification id.
    pub id: String,
    /// Creation time (RFC 3339).
    pub create_time: String,
    /// Event type, e.g. `COUPON.USE`.
    pub event_type: String,
    /// Resource type, e.g. `encrypt-resource`.
    pub resource_type: String,
    /// Summary.
    pub summary: String,
    /// The resource's original type.
    pub original_type: String,
    /// The decrypted resource as data.
    pub resource: NotificationResource,
    /// The decrypted plaintext.
    pub plaintext: String,
    /// The key that verified the notification.
    pub key_id: String,
    /// `Request-ID` header, if any.
    pub request_id: Option<String>,
}

/// The decrypted resource of a notification, serialised as its data (`null` when not JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum NotificationResource {
    /// `COUPON.USE`, typed and normalised (serialised straight from the model).
    CouponUse(Box<CouponUseEvent>),
    /// Another event type's JSON.
    Json(Value),
    /// Another event type whose plaintext is not JSON (see `plaintext`).
    NotJson,
}

impl NotificationView {
    /// The view of a verified notification; `COUPON.USE` is typed (a malformed one is an error).
    pub fn new(notification: Notification) -> crate::Result<Self> {
        let key_id = notification.key_id.clone();
        let request_id = notification.request_id.clone();
        let plaintext = notification.plaintext.clone();
        let (env, resource) = match CouponEvent::from_notification(notification)? {
            CouponEvent::CouponUse { envelope, event } => (envelope, NotificationResource::CouponUse(Box::new(event))),
            CouponEvent::Other { envelope, plaintext } => (
                envelope,
                serde_json::from_str(&plaintext).map_or(NotificationResource::NotJson, NotificationResource::Json),
            ),
        };
        Ok(Self {
            id: env.id,
            create_time: env.create_time,
            event_type: env.event_type,
            resource_type: env.resource_type,
            summary: env.summary,
            original_type: env.resource.original_type,
            resource,
            plaintext,
            key_id,
            request_id,
        })
    }
}

/// One platform certificate of a [`CertificateUpdateView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertificateView<'a> {
    /// Serial (upper-case hex).
    pub serial: &'a str,
    /// Start of validity (Unix seconds).
    pub not_before: i64,
    /// End of validity (Unix seconds).
    pub not_after: i64,
    /// The certificate PEM.
    pub pem: &'a str,
}

/// The outcome of applying a `/v3/certificates` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertificateUpdateView<'a> {
    /// Serials added to (or refreshed in) the store.
    pub added: &'a [String],
    /// Serials already expired (not added).
    pub expired: &'a [String],
    /// The key that verified the response.
    pub verified_by: &'a str,
    /// Whether it was verified with a certificate it contains.
    pub trust_on_first_use: bool,
    /// When to download again (Unix seconds).
    pub refresh_at: i64,
    /// Every certificate in the response.
    pub certificates: Vec<CertificateView<'a>>,
}

impl<'a> From<&'a CertificateUpdate> for CertificateUpdateView<'a> {
    fn from(u: &'a CertificateUpdate) -> Self {
        Self {
            added: &u.added,
            expired: &u.expired,
            verified_by: &u.verified_by,
            trust_on_first_use: u.trust_on_first_use,
            refresh_at: u.refresh_at,
            certificates: u
                .certificates
                .iter()
                .map(|c| CertificateView {
                    serial: &c.serial,
                    not_before: c.not_before,
                    not_after: c.not_after,
                    pem: &c.pem,
                })
                .collect(),
        }
    }
}

/// A signed message: what was signed (as text, lossily for non-UTF-8 bodies), the signature
/// and the `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SignedMessageView<'a> {
    /// The signed message.
    pub message: Cow<'a, str>,
    /// Base64 signature.
    pub signature: &'a str,
    /// `Authorization` header value.
    pub authorization: &'a str,
}

impl<'a> From<&'a SignedMessage> for SignedMessageView<'a> {
    fn from(s: &'a SignedMessage) -> Self {
        Self {
            message: String::from_utf8_lossy(&s.message),
            signature: &s.signature,
            authorization: &s.authorization,
        }
    }
}

/// A successful verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifiedView<'a> {
    /// The key that verified.
    pub key_id: &'a str,
    /// `Wechatpay-Timestamp`.
    pub timestamp: i64,
    /// `Wechatpay-Nonce`.
    pub nonce: &'a str,
}

impl<'a> From<&'a Verified> for VerifiedView<'a> {
    fn from(v: &'a Verified) -> Self {
        Self {
            key_id: &v.key_id,
            timestamp: v.timestamp,
            nonce: &v.nonce,
        }
    }
}

/// The columns every bill row has (named cells; `None` for an empty or absent cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FlowColumnsView<'a> {
    /// 批次id.
    pub stock_id: &'a str,
    /// 优惠id.
    pub coupon_id: &'a str,
    /// 优惠类型.
    pub discount_type: Option<&'a str>,
    /// 优惠金额 (fen).
    pub discount_amount: Option<i64>,
    /// 订单总金额 (fen).
    pub order_amount: Option<i64>,
    /// 交易类型.
    pub trade_type: Option<&'a str>,
    /// 支付单号.
    pub transaction_id: Option<&'a str>,
    /// 消耗时间 as written.
    pub consume_time: Option<&'a str>,
    /// 消耗时间 in RFC 3339 (Beijing time).
    pub consume_time_rfc3339: Option<String>,
    /// 使用单号 merchant.
    pub consume_mchid: Option<&'a str>,
    /// 设备号.
    pub device_info: Option<&'a str>,
    /// 银行流水号.
    pub bank_serial_no: Option<&'a str>,
    /// 单品信息.
    pub goods_detail: Option<&'a str>,
    /// 是否合单.
    pub is_combine_order: Option<&'a str>,
    /// 合单支付单号.
    pub combine_transaction_id: Option<&'a str>,
    /// 合单优惠金额 (fen).
    pub combine_discount_amount: Option<i64>,
    /// 合单订单金额 (fen).
    pub combine_order_amount: Option<i64>,
}

impl<'a> From<&'a FlowColumns<'_>> for FlowColumnsView<'a> {
    fn from(c: &'a FlowColumns<'_>) -> Self {
        Self {
            stock_id: &c.stock_id,
            coupon_id: &c.coupon_id,
            discount_type: c.discount_type.as_deref(),
            discount_amount: c.discount_amount,
            order_amount: c.order_amount,
            trade_type: c.trade_type.as_deref(),
            transaction_id: c.transaction_id.as_deref(),
            consume_time: c.consume_time.as_deref(),
            consume_time_rfc3339: c.consume_time_rfc3339(),
            consume_mchid: c.consume_mchid.as_deref(),
            device_info: c.device_info.as_deref(),
            bank_serial_no: c.bank_serial_no.as_deref(),
            goods_detail: c.goods_detail.as_deref(),
            is_combine_order: c.is_combine_order.as_deref(),
            combine_transaction_id: c.combine_transaction_id.as_deref(),
            combine_discount_amount: c.combine_discount_amount,
            combine_order_amount: c.combine_order_amount,
        }
    }
}

/// A row of a use-flow (核销明细) bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UseFlowRowView<'a> {
    /// 1-based line number in the file.
    pub line: u64,
    /// The named columns.
    #[serde(flatten)]
    pub columns: FlowColumnsView<'a>,
    /// Columns this version does not name, by header.
    pub extra: BTreeMap<&'a str, &'a str>,
}

impl<'a> From<&'a UseFlowRow<'_>> for UseFlowRowView<'a> {
    fn from(r: &'a UseFlowRow<'_>) -> Self {
        Self {
            line: r.line,
            columns: (&r.columns).into(),
            extra: r.extra.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect(),
        }
    }
}

/// A row of a refund-flow (退款明细) bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RefundFlowRowView<'a> {
    /// 1-based line number in the file.
    pub line: u64,
    /// The named columns.
    #[serde(flatten)]
    pub columns: FlowColumnsView<'a>,
    /// 退款单号.
    pub refund_id: Option<&'a str>,
    /// 退款时间.
    pub refund_time: Option<&'a str>,
    /// 退款金额 (fen).
    pub refund_amount: Option<i64>,
    /// Columns this version does not name, by header.
    pub extra: BTreeMap<&'a str, &'a str>,
}

impl<'a> From<&'a RefundFlowRow<'_>> for RefundFlowRowView<'a> {
    fn from(r: &'a RefundFlowRow<'_>) -> Self {
        Self {
            line: r.line,
            columns: (&r.columns).into(),
            refund_id: r.refund_id.as_deref(),
            refund_time: r.refund_time.as_deref(),
            refund_amount: r.refund_amount,
            extra: r.extra.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect(),
        }
    }
}

/// What a parsed bill file says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BillSummaryView<'a> {
    /// `use_flow` or `refund_flow`.
    pub kind: &'static str,
    /// The header row.
    pub header: &'a [String],
    /// Data rows parsed.
    pub rows: u64,
    /// The count the trailer declares.
    pub declared_count: Option<u64>,
    /// The trailer's cells by header.
    pub trailer: &'a BTreeMap<String, String>,
    /// Bytes parsed.
    pub bytes: u64,
    /// Warnings, as messages.
    pub warnings: Vec<String>,
}

impl<'a> From<&'a BillSummary> for BillSummaryView<'a> {
    fn from(s: &'a BillSummary) -> Self {
        Self {
            kind: match s.kind {
                BillKind::UseFlow => "use_flow",
                BillKind::RefundFlow => "refund_flow",
            },
            header: &s.header,
            rows: s.rows,
            declared_count: s.declared_count,
            trailer: &s.trailer,
            bytes: s.bytes,
            warnings: s.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}
