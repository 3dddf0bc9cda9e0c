//! The Python exception hierarchy and the mapping of every core error onto it.
//!
//! ```text
//! WechatPayError
//! ├── ValidationError      .violations (field, rule, severity, message, message_zh)
//! ├── KeyConfigError       .reason
//! ├── SignatureError       .reason
//! │   └── ProbeSignatureError
//! ├── DecryptError         .reason
//! ├── ApiError             .status .code .message .detail .request_id .retryable .kind .body
//! ├── DecodeError          .what .body
//! ├── BillError            .reason
//! └── SignerError          (the custom signer failed; the Python exception is the __cause__)
//! ```
//!
//! Every exception also has `.kind`, the core's language-independent error class, and
//! `.error_code`, the core's stable code (`<kind>.<reason>`, e.g. `verify.timestamp_skew`);
//! `.reason` is the part after the dot. Nothing here lists variants: the mapping is mechanical. Messages
//! come from the core and never contain key material or decrypted plaintext.

use std::cell::RefCell;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use pyo3::{PyErr, create_exception};
use wechatpay_coupons::error::Error;
use wechatpay_coupons::favor::bills::BillError as CoreBillError;
use wechatpay_coupons::favor::ops::FavorErrorKind;
use wechatpay_coupons::favor::validation::{Severity, Violation};

use crate::convert::json_to_py;

create_exception!(
    wechatpay_coupons,
    WechatPayError,
    PyException,
    "Base class of every error raised by wechatpay_coupons."
);
create_exception!(
    wechatpay_coupons,
    ValidationError,
    WechatPayError,
    "The request breaks documented rules; `.violations` lists every violation."
);
create_exception!(
    wechatpay_coupons,
    KeyConfigError,
    WechatPayError,
    "A key, certificate or configuration value is missing or unusable."
);
create_exception!(
    wechatpay_coupons,
    SignatureError,
    WechatPayError,
    "A response or notification failed signature verification."
);
create_exception!(
    wechatpay_coupons,
    ProbeSignatureError,
    SignatureError,
    "The signature is a WeChat Pay WECHATPAY/SIGNTEST/ probe: answer it like any failure."
);
create_exception!(
    wechatpay_coupons,
    DecryptError,
    WechatPayError,
    "An encrypted payload could not be decrypted."
);
create_exception!(
    wechatpay_coupons,
    ApiError,
    WechatPayError,
    "WeChat Pay answered with a non-2xx status."
);
create_exception!(
    wechatpay_coupons,
    DecodeError,
    WechatPayError,
    "A verified body does not have the expected shape; `.body` keeps the raw bytes."
);
create_exception!(
    wechatpay_coupons,
    BillError,
    WechatPayError,
    "A bill file failed its integrity check or could not be parsed."
);
create_exception!(
    wechatpay_coupons,
    SignerError,
    WechatPayError,
    "The custom signer failed; the original exception is the __cause__."
);

thread_local! {
    /// The exception a Python signer raised on this thread, picked up when the core's
    /// `SignerError` comes back, so it can become the `__cause__`.
    static SIGNER_CAUSE: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// Remembers the exception of a failed Python signer call (see [`SIGNER_CAUSE`]).
pub fn stash_signer_cause(err: PyErr) {
    SIGNER_CAUSE.with(|c| *c.borrow_mut() = Some(err));
}

/// Forgets a remembered signer exception (called before each signer call, so a cause is never
/// attached to a later, unrelated failure).
pub fn clear_signer_cause() {
    SIGNER_CAUSE.with(|c| *c.borrow_mut() = None);
}

fn take_signer_cause() -> Option<PyErr> {
    SIGNER_CAUSE.with(|c| c.borrow_mut().take())
}

/// Registers the exception classes on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("WechatPayError", py.get_type::<WechatPayError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("KeyConfigError", py.get_type::<KeyConfigError>())?;
    m.add("SignatureError", py.get_type::<SignatureError>())?;
    m.add("ProbeSignatureError", py.get_type::<ProbeSignatureError>())?;
    m.add("DecryptError", py.get_type::<DecryptError>())?;
    m.add("ApiError", py.get_type::<ApiError>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("BillError", py.get_type::<BillError>())?;
    m.add("SignerError", py.get_type::<SignerError>())?;
    // Each class's default `.kind` (the core's error kind), so that an exception raised by
    // hand (`DecryptError("x")`) still maps, e.g. in `Acknowledgement.for_error`.
    for (class, kind) in [
        (py.get_type::<WechatPayError>(), "error"),
        (py.get_type::<ValidationError>(), "validation"),
        (py.get_type::<KeyConfigError>(), "key"),
        (py.get_type::<SignatureError>(), "verify"),
        (py.get_type::<ProbeSignatureError>(), "probe"),
        (py.get_type::<DecryptError>(), "decrypt"),
        (py.get_type::<ApiError>(), "api"),
        (py.get_type::<DecodeError>(), "decode"),
        (py.get_type::<BillError>(), "bill"),
        (py.get_type::<SignerError>(), "signer"),
    ] {
        class.setattr("kind", kind)?;
    }
    Ok(())
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A violation as a plain dict (`field`, `rule`, `severity`, `message`, `message_zh`).
pub fn violation_dict<'py>(py: Python<'py>, v: &Violation) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("field", &v.field)?;
    d.set_item("rule", v.rule)?;
    d.set_item("severity", severity(v.severity))?;
    d.set_item("message", &v.message)?;
    d.set_item("message_zh", &v.message_zh)?;
    Ok(d)
}

/// A one-violation `ValidationError` for an argument the binding itself rejected.
pub fn invalid(py: Python<'_>, field: &str, rule: &str, message: String) -> PyErr {
    let v = PyDict::new(py);
    let filled = (|| -> PyResult<()> {
        v.set_item("field", field)?;
        v.set_item("rule", rule)?;
        v.set_item("severity", "error")?;
        v.set_item("message", &message)?;
        v.set_item("message_zh", "")?;
        Ok(())
    })();
    if let Err(e) = filled {
        return e;
    }
    let err = ValidationError::new_err(format!("{field}: {message}"));
    let list = PyList::new(py, [v]);
    if let Err(e) = list.and_then(|l| {
        set_attrs(
            py,
            &err,
            &[
                ("violations", l.into_any()),
                ("kind", str_obj(py, "validation")),
                ("error_code", str_obj(py, "validation.violations")),
            ],
        )
    }) {
        return e;
    }
    err
}

fn str_obj<'py>(py: Python<'py>, s: &str) -> Bound<'py, PyAny> {
    pyo3::types::PyString::new(py, s).into_any()
}

fn opt_str<'py>(py: Python<'py>, s: Option<&str>) -> Bound<'py, PyAny> {
    match s {
        Some(s) => str_obj(py, s),
        None => py.None().into_bound(py),
    }
}

fn set_attrs(py: Python<'_>, err: &PyErr, attrs: &[(&str, Bound<'_, PyAny>)]) -> PyResult<()> {
    let value = err.value(py);
    for (name, v) in attrs {
        value.setattr(*name, v)?;
    }
    Ok(())
}

/// Converts a core error into the matching Python exception (with its attributes).
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match build(py, &e) {
        Ok(err) => err,
        Err(failed) => failed,
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let msg = e.to_string();
    let kind = str_obj(py, e.kind());
    let err = match e {
        Error::Key(_) => with_reason(py, KeyConfigError::new_err(msg), e)?,
        Error::Input(i) => {
            // Bad arguments surface as a one-violation ValidationError whose rule is the reason.
            let err = invalid(py, i.field(), e.reason(), i.to_string());
            set_attrs(
                py,
                &err,
                &[("kind", str_obj(py, "input")), ("error_code", str_obj(py, e.code()))],
            )?;
            return Ok(err);
        }
        Error::Validation(v) => {
            let err = ValidationError::new_err(msg);
            let list = PyList::empty(py);
            for violation in &v.violations {
                list.append(violation_dict(py, violation)?)?;
            }
            set_attrs(py, &err, &[("violations", list.into_any())])?;
            err
        }
        Error::Signer(_) => {
            let err = SignerError::new_err(msg);
            match take_signer_cause() {
                // KeyboardInterrupt, SystemExit, GeneratorExit and other `BaseException`s that
                // are not `Exception`s are not failures of the signer: they propagate unchanged.
                Some(cause) if !cause.is_instance_of::<PyException>(py) => return Ok(cause),
                Some(cause) => err.set_cause(py, Some(cause)),
                None => {}
            }
            err
        }
        Error::Verify(_) if e.kind() == "probe" => with_reason(py, ProbeSignatureError::new_err(msg), e)?,
        Error::Verify(_) => with_reason(py, SignatureError::new_err(msg), e)?,
        Error::Decrypt(_) => with_reason(py, DecryptError::new_err(msg), e)?,
        Error::Bill(_) => with_reason(py, BillError::new_err(msg), e)?,
        Error::Api(a) => {
            let err = ApiError::new_err(msg);
            let detail = match &a.detail {
                Some(d) => json_to_py(py, d)?,
                None => py.None().into_bound(py),
            };
            set_attrs(
                py,
                &err,
                &[
                    ("status", a.status.into_pyobject(py)?.into_any()),
                    ("code", opt_str(py, a.code.as_deref())),
                    ("message", opt_str(py, a.message.as_deref())),
                    ("detail", detail),
                    ("request_id", opt_str(py, a.request_id.as_deref())),
                    (
                        "retryable",
                        pyo3::types::PyBool::new(py, a.retryable()).to_owned().into_any(),
                    ),
                    ("error_kind", str_obj(py, FavorErrorKind::of(a).name())),
                    ("body", PyBytes::new(py, &a.body).into_any()),
                ],
            )?;
            err
        }
        Error::Decode(d) => {
            let err = DecodeError::new_err(msg);
            set_attrs(
                py,
                &err,
                &[
                    ("what", str_obj(py, &d.what)),
                    ("body", PyBytes::new(py, &d.body).into_any()),
                ],
            )?;
            err
        }
        _ => WechatPayError::new_err(msg),
    };
    set_attrs(py, &err, &[("kind", kind), ("error_code", str_obj(py, e.code()))])?;
    Ok(err)
}

/// Converts a bill error into `BillError` with `.reason` (through the core's [`Error::Bill`]).
pub fn bill_to_py(py: Python<'_>, e: CoreBillError) -> PyErr {
    to_py(py, e.into())
}

/// Converts a `merchant.json` error into `KeyConfigError` (`.kind` `config`, `.reason` the
/// part of its code after the dot).
pub fn config_to_py(py: Python<'_>, e: &wechatpay_coupons::ConfigError) -> PyErr {
    let err = KeyConfigError::new_err(e.to_string());
    let code = e.code();
    let reason = code.split_once('.').map_or(code, |(_, r)| r);
    match set_attrs(
        py,
        &err,
        &[
            ("kind", str_obj(py, "config")),
            ("error_code", str_obj(py, code)),
            ("reason", str_obj(py, reason)),
        ],
    ) {
        Ok(()) => err,
        Err(failed) => failed,
    }
}

/// Sets `.reason`: the part of the core's stable code after the dot.
fn with_reason(py: Python<'_>, err: PyErr, e: &Error) -> PyResult<PyErr> {
    set_attrs(py, &err, &[("reason", str_obj(py, e.reason()))])?;
    Ok(err)
}

/// Extension: `core_result.py_err(py)?`.
pub trait IntoPyResult<T> {
    /// Maps the core error to its Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Into<Error>> IntoPyResult<T> for Result<T, E> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e.into()))
    }
}
