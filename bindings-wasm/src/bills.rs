//! Bill files: a streaming SHA-1 digest, then a streaming parser that only a verified digest
//! can create. The JS layer feeds chunks from a `ReadableStream` or an async iterable.

use wasm_bindgen::prelude::*;
use wechatpay_coupons::dynamic::views;
use wechatpay_coupons::favor::bills::{
    BillDigest as CoreDigest, BillParser as CoreParser, RefundFlow, UseFlow, VerifiedBill as CoreVerified,
};

use crate::client::{download_from, json};
use crate::errors::{JsResult, bill_to_js, invalid};

fn finished(what: &str) -> JsValue {
    invalid(what, "invalid_input", "already finished")
}

/// Pass 1: SHA-1 over the downloaded bytes in constant memory.
#[wasm_bindgen]
pub struct BillDigest {
    inner: Option<CoreDigest>,
}

#[wasm_bindgen]
impl BillDigest {
    /// A digest for `download` (JSON `{url, hash_type, hash_value}`).
    #[wasm_bindgen(constructor)]
    pub fn new(download: &str) -> JsResult<BillDigest> {
        let d = download_from(download)?;
        Ok(Self {
            inner: Some(CoreDigest::new(&d).map_err(bill_to_js)?),
        })
    }

    /// Adds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) -> JsResult<()> {
        self.inner.as_mut().ok_or_else(|| finished("BillDigest"))?.update(chunk);
        Ok(())
    }

    /// Bytes digested so far.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |d| d.len() as f64)
    }

    /// Compares with `hash_value` (constant time); a mismatch is a `BillError`.
    pub fn finish(&mut self) -> JsResult<VerifiedBill> {
        let d = self.inner.take().ok_or_else(|| finished("BillDigest"))?;
        Ok(VerifiedBill {
            inner: d.finish().map_err(bill_to_js)?,
        })
    }
}

/// Proof that a file matched its `hash_value`.
#[wasm_bindgen]
pub struct VerifiedBill {
    inner: CoreVerified,
}

#[wasm_bindgen]
impl VerifiedBill {
    /// Length of the verified bytes.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.inner.len() as f64
    }

    /// The verified SHA-1, lower-case hex.
    #[wasm_bindgen(getter)]
    pub fn sha1(&self) -> String {
        self.inner.sha1_hex()
    }
}

enum AnyParser {
    Use(CoreParser<UseFlow>),
    Refund(CoreParser<RefundFlow>),
}

/// Pass 2: parses the verified bytes chunk by chunk.
#[wasm_bindgen]
pub struct BillParser {
    inner: Option<AnyParser>,
}

/// Collects rows as JSON values through the core's row views.
fn push<T: serde::Serialize>(rows: &mut Vec<serde_json::Value>, view: T) {
    // The views are plain strings and options: serialising them cannot fail.
    if let Ok(v) = serde_json::to_value(view) {
        rows.push(v);
    }
}

#[wasm_bindgen]
impl BillParser {
    /// A parser for `kind` (`use_flow` or `refund_flow`) of a verified file; `recheck` also
    /// re-digests the parsed bytes and compares them with the verified digest.
    #[wasm_bindgen(constructor)]
    pub fn new(verified: &VerifiedBill, kind: &str, recheck: bool) -> JsResult<BillParser> {
        let v = &verified.inner;
        let p = match (kind, recheck) {
            ("use_flow", false) => AnyParser::Use(CoreParser::new(v)),
            ("use_flow", true) => AnyParser::Use(CoreParser::with_recheck(v)),
            ("refund_flow", false) => AnyParser::Refund(CoreParser::new(v)),
            ("refund_flow", true) => AnyParser::Refund(CoreParser::with_recheck(v)),
            _ => return Err(invalid("kind", "invalid_input", "\"use_flow\" or \"refund_flow\"")),
        };
        Ok(Self { inner: Some(p) })
    }

    /// Parses the next chunk; returns the rows it completed (JSON array).
    pub fn feed(&mut self, chunk: &[u8]) -> JsResult<String> {
        let p = self.inner.as_mut().ok_or_else(|| finished("BillParser"))?;
        let mut rows = Vec::new();
        match p {
            AnyParser::Use(p) => p.feed(chunk, |r| push(&mut rows, views::UseFlowRowView::from(&r))),
            AnyParser::Refund(p) => p.feed(chunk, |r| push(&mut rows, views::RefundFlowRowView::from(&r))),
        }
        .map_err(bill_to_js)?;
        json(&rows)
    }

    /// Ends the file: JSON `{rows, summary}`; a `BillError` if the bytes were not the verified
    /// ones or the trailer's count does not match.
    pub fn finish(&mut self) -> JsResult<String> {
        let p = self.inner.take().ok_or_else(|| finished("BillParser"))?;
        let mut rows = Vec::new();
        let s = match p {
            AnyParser::Use(p) => p.finish(|r| push(&mut rows, views::UseFlowRowView::from(&r))),
            AnyParser::Refund(p) => p.finish(|r| push(&mut rows, views::RefundFlowRowView::from(&r))),
        }
        .map_err(bill_to_js)?;
        json(&serde_json::json!({"rows": rows, "summary": views::BillSummaryView::from(&s)}))
    }
}
