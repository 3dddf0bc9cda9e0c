//! `Request` (a signed HTTP request descriptor) and `Acknowledgement` (the answer to a
//! notification), with adapters for `urllib.request`, `requests` and `httpx`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use wechatpay_coupons::notify::Acknowledgement as CoreAck;
use wechatpay_coupons::{Headers, HttpRequest, Method};

use crate::errors::invalid;

/// A signed request: send exactly this method, URL, headers and body with any HTTP client.
#[pyclass(frozen, module = "wechatpay_coupons._native")]
pub struct Request {
    /// HTTP method (`GET`, `POST`, …).
    #[pyo3(get)]
    pub method: String,
    /// Absolute URL, already percent-encoded.
    #[pyo3(get)]
    pub url: String,
    headers: Vec<(String, String)>,
    body: Py<PyBytes>,
    /// Name of the coupon operation that built it (`None` for generic requests).
    #[pyo3(get)]
    pub operation: Option<String>,
    warnings: Py<PyList>,
}

impl Request {
    /// Wraps a core request.
    pub fn from_core(py: Python<'_>, r: HttpRequest, operation: Option<&str>, warnings: Py<PyList>) -> PyResult<Self> {
        Ok(Self {
            method: r.method.as_str().to_owned(),
            url: r.url,
            headers: r.headers.into_iter().collect(),
            body: PyBytes::new(py, &r.body).unbind(),
            operation: operation.map(str::to_owned),
            warnings,
        })
    }

    /// The core request it describes.
    pub fn to_core(&self, py: Python<'_>) -> PyResult<HttpRequest> {
        let method = Method::parse(&self.method).ok_or_else(|| {
            invalid(
                py,
                "method",
                "invalid_input",
                format!("unknown HTTP method {:?}", self.method),
            )
        })?;
        Ok(HttpRequest {
            method,
            url: self.url.clone(),
            headers: self.headers.iter().cloned().collect::<Headers>(),
            body: self.body.bind(py).as_bytes().to_vec(),
        })
    }

    fn headers_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.headers {
            d.set_item(k, v)?;
        }
        Ok(d)
    }
}

#[pymethods]
impl Request {
    #[new]
    #[pyo3(signature = (method, url, headers, body=None, operation=None))]
    fn py_new(
        py: Python<'_>,
        method: &str,
        url: String,
        headers: Vec<(String, String)>,
        body: Option<&Bound<'_, PyAny>>,
        operation: Option<String>,
    ) -> PyResult<Self> {
        let body = match body {
            Some(b) => crate::convert::extract_body(b)?,
            None => Vec::new(),
        };
        let method = Method::parse(method)
            .ok_or_else(|| invalid(py, "method", "invalid_input", format!("unknown HTTP method {method:?}")))?;
        Ok(Self {
            method: method.as_str().to_owned(),
            url,
            headers,
            body: PyBytes::new(py, &body).unbind(),
            operation,
            warnings: PyList::empty(py).unbind(),
        })
    }

    /// Headers in order, as `(name, value)` pairs.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.headers.clone()
    }

    /// The body bytes (empty for GET).
    #[getter]
    fn body(&self, py: Python<'_>) -> Py<PyBytes> {
        self.body.clone_ref(py)
    }

    /// SHOULD-rule warnings the validation policy kept (dicts like `ValidationError.violations`).
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.warnings.bind(py).iter())
    }

    /// The value of header `name` (case-insensitive), or `None`.
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// Headers as a dict (names as sent).
    #[pyo3(name = "headers_dict")]
    fn py_headers_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.headers_dict(py)
    }

    /// Keyword arguments for `requests.request(**req.to_requests_kwargs())`.
    fn to_requests_kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("method", &self.method)?;
        d.set_item("url", &self.url)?;
        d.set_item("headers", self.headers_dict(py)?)?;
        d.set_item("data", self.body.bind(py))?;
        Ok(d)
    }

    /// Keyword arguments for `httpx.request(**req.to_httpx_kwargs())` / `client.request(...)`.
    fn to_httpx_kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("method", &self.method)?;
        d.set_item("url", &self.url)?;
        d.set_item("headers", self.headers.clone())?;
        d.set_item("content", self.body.bind(py))?;
        Ok(d)
    }

    /// A `urllib.request.Request` for `urllib.request.urlopen`.
    fn to_urllib<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let cls = py.import("urllib.request")?.getattr("Request")?;
        let kwargs = PyDict::new(py);
        let body = self.body.bind(py);
        if !body.as_bytes().is_empty() {
            kwargs.set_item("data", body)?;
        }
        kwargs.set_item("headers", self.headers_dict(py)?)?;
        kwargs.set_item("method", &self.method)?;
        cls.call((&self.url,), Some(&kwargs))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Request(method={:?}, url={:?}, operation={}, body={} bytes)",
            self.method,
            self.url,
            self.operation
                .as_deref()
                .map_or("None".to_owned(), |o| format!("{o:?}")),
            self.body.bind(py).as_bytes().len()
        )
    }
}

/// The answer to send for a notification: 200 when processed, 4xx/5xx to have it delivered again.
#[pyclass(frozen, module = "wechatpay_coupons._native")]
pub struct Acknowledgement {
    /// HTTP status.
    #[pyo3(get)]
    pub status: u16,
    /// `Content-Type` of the body.
    #[pyo3(get)]
    pub content_type: &'static str,
    body: Vec<u8>,
}

impl From<CoreAck> for Acknowledgement {
    fn from(a: CoreAck) -> Self {
        Self {
            status: a.status,
            content_type: a.content_type,
            body: a.body,
        }
    }
}

#[pymethods]
impl Acknowledgement {
    /// HTTP 200 `{"code":"SUCCESS","message":"成功"}`.
    #[staticmethod]
    fn success() -> Self {
        CoreAck::success().into()
    }

    /// `status` (400–599, default 500) with `{"code":"FAIL","message":…}`: WeChat Pay delivers again.
    #[staticmethod]
    #[pyo3(signature = (status=500, message="notification not processed"))]
    fn failure(status: u16, message: &str) -> Self {
        CoreAck::failure(status, message).into()
    }

    /// The answer for an outcome: `None` → success; `SignatureError` → 401; `DecryptError` or
    /// `DecodeError` → 400; anything else → 500.
    #[staticmethod]
    #[pyo3(signature = (error=None))]
    fn for_error(error: Option<&Bound<'_, PyAny>>) -> Self {
        // The core decides from the error's kind (every exception of the package carries `.kind`).
        let kind = error.map(|e| {
            e.getattr("kind")
                .ok()
                .and_then(|k| k.extract::<String>().ok())
                .unwrap_or_default()
        });
        CoreAck::for_kind(kind.as_deref()).into()
    }

    /// The body bytes.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.body)
    }

    /// Response headers as `(name, value)` pairs.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let pair = PyTuple::new(py, ["Content-Type", self.content_type])?;
        PyList::new(py, [pair])
    }

    fn __repr__(&self) -> String {
        format!(
            "Acknowledgement(status={}, body={:?})",
            self.status,
            String::from_utf8_lossy(&self.body)
        )
    }
}
