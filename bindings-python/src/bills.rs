//! Bill files (use-flow / refund-flow): a streaming SHA-1 digest, then a streaming parser that
//! can only be created from a verified digest. Python feeds chunks; see `wechatpay_coupons.bills`
//! for the file-like / iterator helpers.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use wechatpay_coupons::dynamic::views;
use wechatpay_coupons::favor::bills::{
    BillDigest as CoreDigest, BillDownload, BillParser as CoreParser, BillSummary, RefundFlow, RefundFlowRow, UseFlow,
    UseFlowRow, VerifiedBill as CoreVerified,
};

use crate::convert::{extract_body, py_to_json, to_py_via_json};
use crate::errors::{bill_to_py, invalid};

/// Reads a `{url, hash_type, hash_value}` dict (the decoded use_flow / refund_flow response).
pub fn download_from(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<BillDownload> {
    let v = py_to_json(obj, "download")?;
    serde_json::from_value(v).map_err(|e| {
        invalid(
            py,
            "download",
            "type",
            format!("a dict with url, hash_type and hash_value ({e})"),
        )
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn finished(py: Python<'_>, what: &str) -> PyErr {
    invalid(py, what, "invalid_input", "already finished".into())
}

/// Pass 1: SHA-1 over the downloaded bytes in constant memory; `finish()` checks `hash_value`.
#[pyclass(frozen, module = "wechatpay_coupons._native")]
pub struct BillDigest {
    inner: Mutex<Option<CoreDigest>>,
}

#[pymethods]
impl BillDigest {
    #[new]
    fn py_new(py: Python<'_>, download: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = download_from(py, download)?;
        let digest = CoreDigest::new(&d).map_err(|e| bill_to_py(py, e))?;
        Ok(Self {
            inner: Mutex::new(Some(digest)),
        })
    }

    /// Adds the next chunk of the body.
    fn update(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = extract_body(chunk)?;
        let mut g = lock(&self.inner);
        let d = g.as_mut().ok_or_else(|| finished(py, "BillDigest"))?;
        d.update(&bytes);
        Ok(())
    }

    /// Bytes digested so far.
    #[getter]
    fn length(&self) -> u64 {
        lock(&self.inner).as_ref().map_or(0, |d| d.len())
    }

    /// Compares the digest with `hash_value` (constant time); raises `BillError` on a mismatch.
    fn finish(&self, py: Python<'_>) -> PyResult<VerifiedBill> {
        let d = lock(&self.inner).take().ok_or_else(|| finished(py, "BillDigest"))?;
        let v = d.finish().map_err(|e| bill_to_py(py, e))?;
        Ok(VerifiedBill { inner: v })
    }
}

/// Proof that a file matched its `hash_value`; the only way to create a `BillParser`.
#[pyclass(frozen, module = "wechatpay_coupons._native")]
pub struct VerifiedBill {
    inner: CoreVerified,
}

#[pymethods]
impl VerifiedBill {
    /// Length of the verified bytes.
    #[getter]
    fn length(&self) -> u64 {
        self.inner.len()
    }

    /// The verified SHA-1, lower-case hex.
    #[getter]
    fn sha1(&self) -> String {
        self.inner.sha1_hex()
    }

    fn __repr__(&self) -> String {
        format!(
            "VerifiedBill(length={}, sha1={:?})",
            self.inner.len(),
            self.inner.sha1_hex()
        )
    }
}

enum AnyParser {
    Use(CoreParser<UseFlow>),
    Refund(CoreParser<RefundFlow>),
}

/// Pass 2: parses the verified bytes chunk by chunk; `feed()` returns the rows each chunk completes.
#[pyclass(frozen, module = "wechatpay_coupons._native")]
pub struct BillParser {
    inner: Mutex<Option<AnyParser>>,
}

/// A value as a Python dict, through the core's serialisable view of it.
fn view_dict<'py, T: serde::Serialize>(py: Python<'py>, view: &T) -> PyResult<Bound<'py, PyDict>> {
    Ok(to_py_via_json(py, view, "bill row")?.cast_into::<PyDict>()?)
}

fn use_row<'py>(py: Python<'py>, r: &UseFlowRow<'_>) -> PyResult<Bound<'py, PyDict>> {
    view_dict(py, &views::UseFlowRowView::from(r))
}

fn refund_row<'py>(py: Python<'py>, r: &RefundFlowRow<'_>) -> PyResult<Bound<'py, PyDict>> {
    view_dict(py, &views::RefundFlowRowView::from(r))
}

fn summary<'py>(py: Python<'py>, s: &BillSummary) -> PyResult<Bound<'py, PyDict>> {
    view_dict(py, &views::BillSummaryView::from(s))
}

/// Collects rows converted to dicts; the first conversion error is kept.
struct Rows<'py> {
    list: Bound<'py, PyList>,
    error: Option<PyErr>,
}

impl<'py> Rows<'py> {
    fn new(py: Python<'py>) -> Self {
        Self {
            list: PyList::empty(py),
            error: None,
        }
    }
    fn push(&mut self, row: PyResult<Bound<'py, PyDict>>) {
        if self.error.is_some() {
            return;
        }
        match row.and_then(|r| self.list.append(r)) {
            Ok(()) => {}
            Err(e) => self.error = Some(e),
        }
    }
    fn done(self) -> PyResult<Bound<'py, PyList>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.list),
        }
    }
}

#[pymethods]
impl BillParser {
    #[new]
    #[pyo3(signature = (verified, kind="use_flow", recheck=false))]
    fn py_new(py: Python<'_>, verified: &Bound<'_, VerifiedBill>, kind: &str, recheck: bool) -> PyResult<Self> {
        let v = &verified.get().inner;
        let p = match (kind, recheck) {
            ("use_flow", false) => AnyParser::Use(CoreParser::new(v)),
            ("use_flow", true) => AnyParser::Use(CoreParser::with_recheck(v)),
            ("refund_flow", false) => AnyParser::Refund(CoreParser::new(v)),
            ("refund_flow", true) => AnyParser::Refund(CoreParser::with_recheck(v)),
            (other, _) => {
                return Err(invalid(
                    py,
                    "kind",
                    "invalid_input",
                    format!("\"use_flow\" or \"refund_flow\", got {other:?}"),
                ));
            }
        };
        Ok(Self {
            inner: Mutex::new(Some(p)),
        })
    }

    /// Parses the next chunk; returns the rows it completed (dicts).
    fn feed<'py>(&self, py: Python<'py>, chunk: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let bytes = extract_body(chunk)?;
        let mut g = lock(&self.inner);
        let p = g.as_mut().ok_or_else(|| finished(py, "BillParser"))?;
        let mut rows = Rows::new(py);
        let r = match p {
            AnyParser::Use(p) => p.feed(&bytes, |r| rows.push(use_row(py, &r))),
            AnyParser::Refund(p) => p.feed(&bytes, |r| rows.push(refund_row(py, &r))),
        };
        r.map_err(|e| bill_to_py(py, e))?;
        rows.done()
    }

    /// Ends the file: returns `(last_rows, summary)`; raises `BillError` if the bytes were not
    /// the verified ones or the trailer's count does not match.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
        let p = lock(&self.inner).take().ok_or_else(|| finished(py, "BillParser"))?;
        let mut rows = Rows::new(py);
        let s = match p {
            AnyParser::Use(p) => p.finish(|r| rows.push(use_row(py, &r))),
            AnyParser::Refund(p) => p.finish(|r| rows.push(refund_row(py, &r))),
        }
        .map_err(|e| bill_to_py(py, e))?;
        Ok((rows.done()?, summary(py, &s)?))
    }
}

/// Registers the bill classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<BillDigest>()?;
    m.add_class::<VerifiedBill>()?;
    m.add_class::<BillParser>()?;
    Ok(())
}
