//! Python binding of the `wechatpay-coupons` sans-IO core (`import wechatpay_coupons`).
//!
//! The binding is thin: [`convert`] turns Python values into the core's types and back,
//! [`errors`] maps every core error onto one exception class (mechanically, from the core's
//! stable codes), and every coupon operation goes through the core's binding-facing layer
//! ([`wechatpay_coupons::dynamic`]: build, parse and paginate by name, views of results). The GIL is released around RSA work (signing,
//! verification, OAEP) so a thread pool signs on every core; a Python custom signer is called
//! with the GIL re-acquired. No code path here panics: every fallible call returns a `PyErr`.

use std::sync::Arc;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use wechatpay_coupons::clock::{FixedClock, FixedNonce};
use wechatpay_coupons::dynamic::{self, views};
use wechatpay_coupons::error::SignerError as CoreSignerError;
use wechatpay_coupons::favor::validation::ValidationPolicy;
use wechatpay_coupons::keys::wechatpay_public_key;
use wechatpay_coupons::{Client as CoreClient, HttpResponse, Method, PlatformCertificate, Signer};

pub mod bills;
pub mod convert;
pub mod errors;
pub mod plugin;
pub mod policy;
pub mod request;

use convert::{JsonToPyError, body_ref, extract_body, extract_headers, json_bytes_to_py, py_to_json, to_py_via_json};
use errors::{IntoPyResult, clear_signer_cause, invalid, stash_signer_cause};
use policy::policy_from;
use request::{Acknowledgement, Request};

/// A Python callable used as the request signer (HSM/KMS keys).
struct PySigner(Py<PyAny>);

impl Signer for PySigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CoreSignerError> {
        clear_signer_cause();
        Python::try_attach(|py| {
            let result = self.0.call1(py, (PyBytes::new(py, message),));
            match result {
                Ok(sig) => match sig.bind(py).cast::<PyBytes>() {
                    Ok(b) if !b.as_bytes().is_empty() => Ok(b.as_bytes().to_vec()),
                    Ok(_) => Err(CoreSignerError("the signer returned empty bytes".into())),
                    Err(_) => Err(CoreSignerError(
                        "the signer must return the raw signature as bytes (not base64 text)".into(),
                    )),
                },
                Err(e) => {
                    let name = e
                        .get_type(py)
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_else(|_| "Exception".into());
                    stash_signer_cause(e);
                    Err(CoreSignerError(format!("the custom signer raised {name}")))
                }
            }
        })
        .unwrap_or_else(|| Err(CoreSignerError("the Python interpreter is not available".into())))
    }
}

fn text_or_bytes(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    Err(invalid(obj.py(), field, "type", "str or bytes".into()))
}

fn response(
    py: Python<'_>,
    status: u16,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<HttpResponse> {
    let _ = py;
    Ok(HttpResponse::new(
        status,
        extract_headers(headers)?,
        extract_body(body)?,
    ))
}

/// A merchant's APIv3 client. Builds signed requests and verifies what comes back; no I/O.
///
/// Safe to share across threads; construct it once (keys are parsed here) and reuse it.
#[pyclass(frozen, subclass, module = "wechatpay_coupons._native", name = "Client")]
pub struct PyClient {
    inner: Arc<CoreClient>,
    clock: Option<Arc<FixedClock>>,
    policy: ValidationPolicy,
    custom_signer: bool,
}

impl PyClient {
    fn request_obj(&self, py: Python<'_>, r: wechatpay_coupons::HttpRequest) -> PyResult<Request> {
        Request::from_core(py, r, None, PyList::empty(py).unbind())
    }
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (
        mchid, merchant_serial, private_key=None, apiv3_key=None, *,
        wechatpay_public_key_id=None, wechatpay_public_key=None, platform_certificates=None,
        base_url=None, user_agent=None, signer=None, now=None, nonce=None, max_skew=None,
        allow_http_notify_url=false, serial_policy=None, validation=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        mchid: String,
        merchant_serial: String,
        private_key: Option<&Bound<'_, PyAny>>,
        apiv3_key: Option<&Bound<'_, PyAny>>,
        wechatpay_public_key_id: Option<String>,
        wechatpay_public_key: Option<&Bound<'_, PyAny>>,
        platform_certificates: Option<&Bound<'_, PyAny>>,
        base_url: Option<String>,
        user_agent: Option<String>,
        signer: Option<Py<PyAny>>,
        now: Option<i64>,
        nonce: Option<&Bound<'_, PyAny>>,
        max_skew: Option<u64>,
        allow_http_notify_url: bool,
        serial_policy: Option<String>,
        validation: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let key_pem = private_key.map(|k| text_or_bytes(k, "private_key")).transpose()?;
        let apiv3 = apiv3_key.map(|k| text_or_bytes(k, "apiv3_key")).transpose()?;
        let pubkey = match (wechatpay_public_key_id, wechatpay_public_key) {
            (Some(id), Some(pem)) => Some((id, text_or_bytes(pem, "wechatpay_public_key")?)),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    py,
                    "wechatpay_public_key",
                    "invalid_input",
                    "give both wechatpay_public_key_id and wechatpay_public_key".into(),
                ));
            }
        };
        let mut certs = Vec::new();
        if let Some(list) = platform_certificates {
            if list.is_instance_of::<PyString>() || list.is_instance_of::<PyBytes>() {
                certs.push(text_or_bytes(list, "platform_certificates")?);
            } else {
                for c in list.try_iter()? {
                    certs.push(text_or_bytes(&c?, "platform_certificates")?);
                }
            }
        }
        let nonce_source = match nonce {
            None => None,
            Some(n) if n.is_none() => None,
            Some(n) => {
                if let Ok(s) = n.cast::<PyString>() {
                    Some(FixedNonce::new(s.to_cow()?.into_owned()))
                } else {
                    let list = n.extract::<Vec<String>>().map_err(|_| {
                        invalid(
                            py,
                            "nonce",
                            "type",
                            format!("a str or a list of str, got {}", policy::type_name(n)),
                        )
                    })?;
                    Some(FixedNonce::sequence(list))
                }
            }
        };
        let serial_policy = dynamic::serial_policy_by_name(serial_policy.as_deref());
        let policy = policy_from(py, validation)?;
        let clock = now.map(|t| Arc::new(FixedClock::new(t)));
        let custom_signer = signer.is_some();
        let fixed_clock = clock.clone();
        // Key parsing (RSA) runs without the GIL.
        let built = py.detach(move || -> Result<CoreClient, wechatpay_coupons::Error> {
            let mut b = CoreClient::builder(mchid, merchant_serial);
            if let Some(pem) = key_pem {
                b = b.private_key_pem(pem)?;
            }
            if let Some(s) = signer {
                b = b.signer(Arc::new(PySigner(s)));
            }
            if let Some(k) = apiv3 {
                b = b.apiv3_key(k)?;
            }
            if let Some((id, pem)) = pubkey {
                b = b.wechatpay_public_key(&id, pem)?;
            }
            for c in certs {
                b = b.platform_certificate(c)?;
            }
            if let Some(u) = base_url {
                b = b.base_url(u);
            }
            b = b.user_agent(
                user_agent.unwrap_or_else(|| format!("wechatpay-coupons-python/{} (pyo3)", env!("CARGO_PKG_VERSION"))),
            );
            if let Some(c) = fixed_clock {
                b = b.clock(c);
            }
            if let Some(n) = nonce_source {
                b = b.nonce_source(Arc::new(n));
            }
            if let Some(s) = max_skew {
                b = b.max_skew(s);
            }
            b.serial_policy(serial_policy)
                .allow_http_notify_url(allow_http_notify_url)
                .build()
        });
        let inner = built.py_err(py)?;
        Ok(Self {
            inner: Arc::new(inner),
            clock,
            policy,
            custom_signer,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Client(mchid={:?}, merchant_serial={:?}, base_url={:?}, trusted_keys={:?}, signer={}, private_key=[redacted], apiv3_key=[redacted])",
            self.inner.mchid(),
            self.inner.merchant_serial(),
            self.inner.base_url(),
            self.inner.key_store().known_ids(),
            if self.custom_signer { "custom" } else { "private key" },
        )
    }

    /// The merchant id.
    #[getter]
    fn mchid(&self) -> &str {
        self.inner.mchid()
    }

    /// The merchant API certificate serial.
    #[getter]
    fn merchant_serial(&self) -> &str {
        self.inner.merchant_serial()
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The client's current time (Unix seconds) from its clock.
    fn now(&self) -> i64 {
        self.inner.now()
    }

    /// Moves a fixed clock (clients built with `now=`) to `now`.
    fn set_now(&self, py: Python<'_>, now: i64) -> PyResult<()> {
        match &self.clock {
            Some(c) => {
                c.set(now);
                Ok(())
            }
            None => Err(invalid(
                py,
                "now",
                "invalid_input",
                "the client was built without a fixed clock (now=)".into(),
            )),
        }
    }

    /// Ids of the trusted WeChat Pay public keys and platform certificate serials.
    fn trusted_keys(&self) -> Vec<String> {
        self.inner.key_store().known_ids()
    }

    /// Trusts another WeChat Pay public key (e.g. after a rotation).
    fn trust_public_key(&self, py: Python<'_>, key_id: &str, pem: &Bound<'_, PyAny>) -> PyResult<()> {
        let key = wechatpay_public_key(key_id, text_or_bytes(pem, "pem")?).py_err(py)?;
        self.inner.trust(|s| s.add_public_key(key));
        Ok(())
    }

    /// Trusts a platform certificate (X.509 PEM).
    fn trust_certificate(&self, py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<()> {
        let cert = PlatformCertificate::from_pem(text_or_bytes(pem, "pem")?).py_err(py)?;
        self.inner.trust(|s| s.add_certificate(cert));
        Ok(())
    }

    /// The `Wechatpay-Serial` value requests carry (and sensitive fields are encrypted for).
    fn request_serial(&self) -> Option<String> {
        self.inner.request_serial()
    }

    /// A fresh `out_request_no` (mchid + Beijing date + 16 random characters). Keep it for retries.
    fn out_request_no(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.favor().out_request_no().py_err(py)
    }

    /// Signs `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n` for `url`; returns `message` (bytes),
    /// `signature` (base64) and `authorization` (the header value).
    #[pyo3(signature = (method, url, body=None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: String,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let m = Method::parse(method)
            .ok_or_else(|| invalid(py, "method", "invalid_input", format!("unknown HTTP method {method:?}")))?;
        let body = body.map(extract_body).transpose()?.unwrap_or_default();
        let client = self.inner.clone();
        let signed = py.detach(move || client.sign(m, &url, &body)).py_err(py)?;
        let d = PyDict::new(py);
        d.set_item("message", PyBytes::new(py, &signed.message))?;
        d.set_item("signature", signed.signature)?;
        d.set_item("authorization", signed.authorization)?;
        Ok(d)
    }

    /// A signed request to `path` (path and query, already percent-encoded) under the base URL;
    /// a `dict` body is serialised to JSON, `bytes`/`str` are sent as they are.
    #[pyo3(signature = (method, path, body=None))]
    fn request(&self, py: Python<'_>, method: &str, path: &str, body: Option<&Bound<'_, PyAny>>) -> PyResult<Request> {
        let m = Method::parse(method)
            .ok_or_else(|| invalid(py, "method", "invalid_input", format!("unknown HTTP method {method:?}")))?;
        let body = match body {
            None => Vec::new(),
            Some(b) if b.is_instance_of::<PyDict>() || b.is_instance_of::<PyList>() => {
                serde_json::to_vec(&py_to_json(b, "")?)
                    .map_err(|e| invalid(py, "body", "type", format!("not serialisable as JSON: {e}")))?
            }
            Some(b) => extract_body(b)?,
        };
        let client = self.inner.clone();
        let path = path.to_owned();
        let r = py.detach(move || client.request(m, &path, body)).py_err(py)?;
        self.request_obj(py, r)
    }

    /// Re-signs a request with a fresh timestamp and nonce (for a retry with the same body and
    /// `out_request_no`), optionally moving it to another base URL.
    #[pyo3(signature = (request, base_url=None))]
    fn resign(&self, py: Python<'_>, request: &Bound<'_, Request>, base_url: Option<String>) -> PyResult<Request> {
        let req = request.get();
        let core = req.to_core(py)?;
        let op = req.operation.clone();
        let client = self.inner.clone();
        let r = py
            .detach(move || client.resign(&core, base_url.as_deref()))
            .py_err(py)?;
        Request::from_core(py, r, op.as_deref(), PyList::empty(py).unbind())
    }

    /// Verifies signature headers over a raw body; returns `key_id`, `timestamp`, `nonce`.
    fn verify<'py>(
        &self,
        py: Python<'py>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let headers = extract_headers(headers)?;
        let body = body_ref(body)?;
        let client = &*self.inner;
        let v = py.detach(|| client.verify(&headers, &body)).py_err(py)?;
        let d = PyDict::new(py);
        d.set_item(intern!(py, "key_id"), v.key_id)?;
        d.set_item(intern!(py, "timestamp"), v.timestamp)?;
        d.set_item(intern!(py, "nonce"), v.nonce)?;
        Ok(d)
    }

    /// Consumes any response: a 2xx must verify over the raw body (then `data` is its JSON, or
    /// `None` when empty); any other status raises `ApiError`.
    fn parse_response<'py>(
        &self,
        py: Python<'py>,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let resp = response(py, status, headers, body)?;
        let client = &*self.inner;
        let v = py.detach(|| client.parse_response(&resp)).py_err(py)?;
        let d = PyDict::new(py);
        d.set_item(intern!(py, "status"), v.status)?;
        d.set_item(intern!(py, "key_id"), &v.key_id)?;
        d.set_item(intern!(py, "request_id"), &v.request_id)?;
        let data = if v.body.is_empty() {
            py.None().into_bound(py)
        } else {
            // Straight from the verified bytes to Python objects (no serde_json::Value).
            match json_bytes_to_py(py, &v.body) {
                Ok(data) => data,
                Err(JsonToPyError::Py(e)) => return Err(e),
                Err(JsonToPyError::Json(e)) => {
                    let err = wechatpay_coupons::error::DecodeError {
                        what: "response body".to_owned(),
                        reason: e.to_string(),
                        body: v.body,
                    };
                    return Err(wechatpay_coupons::Error::from(err)).py_err(py);
                }
            }
        };
        d.set_item(intern!(py, "data"), data)?;
        // The caller's `bytes` object is the verified body: hand it back instead of a copy.
        match body.cast::<PyBytes>() {
            Ok(b) => d.set_item(intern!(py, "body"), b)?,
            Err(_) => d.set_item(intern!(py, "body"), PyBytes::new(py, &v.body))?,
        }
        Ok(d)
    }

    /// Builds the signed request of coupon operation `name` (see `OPERATIONS`) from its fields.
    #[pyo3(signature = (name, params=None, validation=None))]
    fn _build(
        &self,
        py: Python<'_>,
        name: &str,
        params: Option<&Bound<'_, PyAny>>,
        validation: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Request> {
        let value = match params {
            Some(p) if !p.is_none() => py_to_json(p, "")?,
            _ => serde_json::Value::Object(serde_json::Map::new()),
        };
        if !value.is_object() {
            return Err(invalid(py, "request", "type", "the request fields as a dict".into()));
        }
        let policy = match validation {
            Some(v) if !v.is_none() => policy_from(py, Some(v))?,
            _ => self.policy.clone(),
        };
        let client = self.inner.clone();
        let op = name.to_owned();
        let built = py
            .detach(move || dynamic::build(&client, &op, value, &policy))
            .py_err(py)?;
        let warnings = PyList::empty(py);
        for w in &built.warnings {
            warnings.append(errors::violation_dict(py, w)?)?;
        }
        Request::from_core(py, built.request, Some(name), warnings.unbind())
    }

    /// Verifies and decodes the response of coupon operation `name` into a plain dict.
    fn _parse<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let resp = response(py, status, headers, body)?;
        let client = &*self.inner;
        let value = py.detach(|| dynamic::parse(client, name, &resp)).py_err(py)?;
        to_py_via_json(py, &value, "response")
    }

    /// The next page's request fields for paged operation `name`, or `None` after the last page.
    #[pyo3(signature = (name, params, previous, mode=None))]
    fn _next_page<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        params: &Bound<'_, PyAny>,
        previous: &Bound<'_, PyAny>,
        mode: Option<&str>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mode = mode.map(dynamic::page_mode_by_name).transpose().py_err(py)?;
        let next = dynamic::next_page(name, py_to_json(params, "")?, py_to_json(previous, "")?, mode).py_err(py)?;
        next.map(|v| to_py_via_json(py, &v, "next page")).transpose()
    }

    /// The signed multipart image upload (JPG, PNG or BMP, at most 2 MiB), validated by the
    /// V-IMG rules under the client's policy (or `validation`).
    #[pyo3(signature = (filename, data, validation=None))]
    fn image_upload_request(
        &self,
        py: Python<'_>,
        filename: String,
        data: &Bound<'_, PyAny>,
        validation: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Request> {
        let bytes = extract_body(data)?;
        let policy = match validation {
            Some(v) if !v.is_none() => policy_from(py, Some(v))?,
            _ => self.policy.clone(),
        };
        let client = self.inner.clone();
        let built = py
            .detach(move || dynamic::build_image(&client, &filename, &bytes, &policy))
            .py_err(py)?;
        let warnings = PyList::empty(py);
        for w in &built.warnings {
            warnings.append(errors::violation_dict(py, w)?)?;
        }
        Request::from_core(py, built.request, Some("upload_image"), warnings.unbind())
    }

    /// Reads a notification's envelope (`id`, `event_type`, …) without verifying or decrypting.
    fn notification_envelope<'py>(&self, py: Python<'py>, body: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let body = extract_body(body)?;
        let env = self.inner.notification_envelope(&body).py_err(py)?;
        to_py_via_json(py, &env, "notification envelope")
    }

    /// Verifies a notification over its raw body, decrypts and types it. Returns the envelope
    /// fields plus `resource` (the decrypted JSON as a dict; `COUPON.USE` normalised to its
    /// typed shape), `plaintext`, `key_id` and `request_id`.
    fn parse_notification<'py>(
        &self,
        py: Python<'py>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let headers = extract_headers(headers)?;
        let body = body_ref(body)?;
        let client = &*self.inner;
        let view = py
            .detach(|| {
                client
                    .parse_notification(&headers, &body)
                    .and_then(views::NotificationView::new)
            })
            .py_err(py)?;
        let d = PyDict::new(py);
        d.set_item(intern!(py, "id"), &view.id)?;
        d.set_item(intern!(py, "create_time"), &view.create_time)?;
        d.set_item(intern!(py, "event_type"), &view.event_type)?;
        d.set_item(intern!(py, "resource_type"), &view.resource_type)?;
        d.set_item(intern!(py, "summary"), &view.summary)?;
        d.set_item(intern!(py, "original_type"), &view.original_type)?;
        d.set_item(
            intern!(py, "resource"),
            to_py_via_json(py, &view.resource, "notification resource")?,
        )?;
        d.set_item(intern!(py, "plaintext"), &view.plaintext)?;
        d.set_item(intern!(py, "key_id"), &view.key_id)?;
        d.set_item(intern!(py, "request_id"), &view.request_id)?;
        Ok(d)
    }

    /// AEAD_AES_256_GCM decryption with the APIv3 key (`ciphertext` is base64 of data‖tag).
    fn decrypt_aead<'py>(
        &self,
        py: Python<'py>,
        nonce: &str,
        associated_data: &str,
        ciphertext: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let pt = self.inner.decrypt_aead(nonce, associated_data, ciphertext).py_err(py)?;
        Ok(PyBytes::new(py, &pt))
    }

    /// AEAD_AES_256_GCM encryption with the APIv3 key; returns base64(ciphertext‖tag).
    fn encrypt_aead(
        &self,
        py: Python<'_>,
        nonce: &str,
        associated_data: &str,
        plaintext: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let pt = extract_body(plaintext)?;
        self.inner.encrypt_aead(nonce, associated_data, &pt).py_err(py)
    }

    /// RSA-OAEP (SHA-1) encryption of a sensitive field for the key named in `Wechatpay-Serial`;
    /// returns `ciphertext` (base64) and `serial`.
    fn encrypt_sensitive<'py>(&self, py: Python<'py>, plaintext: String) -> PyResult<Bound<'py, PyDict>> {
        let client = self.inner.clone();
        let f = py.detach(move || client.encrypt_sensitive(&plaintext)).py_err(py)?;
        let d = PyDict::new(py);
        d.set_item("ciphertext", f.ciphertext)?;
        d.set_item("serial", f.serial)?;
        Ok(d)
    }

    /// Decrypts a field WeChat Pay encrypted for this merchant (RSA-OAEP with the private key).
    fn decrypt_sensitive(&self, py: Python<'_>, ciphertext: String) -> PyResult<String> {
        let client = self.inner.clone();
        py.detach(move || client.decrypt_sensitive(&ciphertext)).py_err(py)
    }

    /// `GET /v3/certificates` (optionally `?algorithm_type=RSA|SM2|ALL`).
    #[pyo3(signature = (algorithm_type=None))]
    fn certificates_request(&self, py: Python<'_>, algorithm_type: Option<String>) -> PyResult<Request> {
        let client = self.inner.clone();
        let r = py
            .detach(move || client.certificates_request(algorithm_type.as_deref()))
            .py_err(py)?;
        self.request_obj(py, r)
    }

    /// Verifies the `/v3/certificates` response and trusts its valid certificates. Returns
    /// `added`, `expired`, `verified_by`, `trust_on_first_use`, `refresh_at` and `certificates`.
    fn apply_certificates_response<'py>(
        &self,
        py: Python<'py>,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let resp = response(py, status, headers, body)?;
        let client = self.inner.clone();
        let u = py
            .detach(move || client.apply_certificates_response(&resp))
            .py_err(py)?;
        let view = views::CertificateUpdateView::from(&u);
        let d = to_py_via_json(py, &view, "certificate update")?;
        Ok(d.cast_into::<PyDict>()?)
    }

    /// The signed `GET` of a bill download (`{url, hash_type, hash_value}` from use_flow /
    /// refund_flow). Do not verify its response: digest the body with `BillDigest`.
    fn bill_file_request(&self, py: Python<'_>, download: &Bound<'_, PyAny>) -> PyResult<Request> {
        let d = bills::download_from(py, download)?;
        let client = self.inner.clone();
        let r = py.detach(move || client.favor().bill_file_request(&d)).py_err(py)?;
        self.request_obj(py, r)
    }
}

fn pem_text(p: &Option<dynamic::PemSource>) -> Option<String> {
    p.as_ref()
        .map(|p| String::from_utf8_lossy(AsRef::<[u8]>::as_ref(p)).into_owned())
}

/// The `Client(...)` arguments that `merchant.json` at `path` (the file or its directory)
/// describes, checked by the core (`Client.from_config` passes them on with its overrides).
#[pyfunction]
fn _config_options<'py>(py: Python<'py>, path: std::path::PathBuf) -> PyResult<Bound<'py, PyDict>> {
    let o = py
        .detach(|| dynamic::options_from_config(&path))
        .map_err(|e| errors::config_to_py(py, &e))?;
    let d = PyDict::new(py);
    d.set_item("mchid", &o.mchid)?;
    d.set_item("merchant_serial", &o.merchant_serial)?;
    d.set_item("private_key", pem_text(&o.private_key))?;
    d.set_item("apiv3_key", pem_text(&o.apiv3_key))?;
    if let (Some(id), Some(pem)) = (&o.wechatpay_public_key_id, pem_text(&o.wechatpay_public_key)) {
        d.set_item("wechatpay_public_key_id", id)?;
        d.set_item("wechatpay_public_key", pem)?;
    }
    let certs: Vec<String> = o
        .platform_certificates()
        .iter()
        .map(|c| String::from_utf8_lossy(c.as_ref()).into_owned())
        .collect();
    if !certs.is_empty() {
        d.set_item("platform_certificates", certs)?;
    }
    if let Some(base) = &o.base_url {
        d.set_item("base_url", base)?;
    }
    if o.allow_http_notify_url {
        d.set_item("allow_http_notify_url", true)?;
    }
    Ok(d)
}

/// The native module `wechatpay_coupons._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    errors::register(m)?;
    m.add_class::<PyClient>()?;
    m.add_function(wrap_pyfunction!(_config_options, m)?)?;
    m.add_class::<Request>()?;
    m.add_class::<Acknowledgement>()?;
    bills::register(m)?;
    plugin::register(m)?;
    m.add("OPERATIONS", to_py_via_json(py, &dynamic::operations(), "operations")?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("PRIMARY_BASE_URL", wechatpay_coupons::PRIMARY_BASE_URL)?;
    m.add("BACKUP_BASE_URL", wechatpay_coupons::BACKUP_BASE_URL)?;
    m.add("CRYPTO_BACKEND", wechatpay_coupons::crypto::BACKEND)?;
    Ok(())
}
