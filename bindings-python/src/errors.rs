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
//! Every exception also has `.kind`, the core's language-independent error class. Messages
//! come from the core and never contain key material or decrypted plaintext.

use std::cell::RefCell;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use pyo3::{PyErr, create_exception};
use wechatpay_coupons::error::{DecryptError as CoreDecrypt, Error, InputError, KeyError, VerifyError};
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
            &[("violations", l.into_any()), ("kind", str_obj(py, "validation"))],
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

fn verify_reason(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::MissingHeader { .. } => "missing_header",
        VerifyError::MalformedHeader { .. } => "malformed_header",
        VerifyError::Probe => "probe",
        VerifyError::TimestampSkew { .. } => "timestamp_skew",
        VerifyError::UnknownSerial { .. } => "unknown_serial",
        VerifyError::CertificateNotValid { .. } => "certificate_not_valid",
        VerifyError::BadSignature { .. } => "bad_signature",
        VerifyError::UnsupportedSignatureType { .. } => "unsupported_signature_type",
    }
}

fn key_reason(e: &KeyError) -> &'static str {
    match e {
        KeyError::NotPem { .. } => "not_pem",
        KeyError::WrongPemKind { .. } => "wrong_pem_kind",
        KeyError::EncryptedPrivateKey { .. } => "encrypted_private_key",
        KeyError::NotRsa { .. } => "not_rsa",
        KeyError::KeyTooSmall { .. } => "key_too_small",
        KeyError::Malformed { .. } => "malformed",
        KeyError::ApiV3KeyLength { .. } => "apiv3_key_length",
        KeyError::InvalidPublicKeyId { .. } => "invalid_public_key_id",
        KeyError::InvalidSerial { .. } => "invalid_serial",
        KeyError::Missing { .. } => "missing",
    }
}

fn decrypt_reason(e: &CoreDecrypt) -> &'static str {
    match e {
        CoreDecrypt::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
        CoreDecrypt::InvalidNonce { .. } => "invalid_nonce",
        CoreDecrypt::InvalidBase64 { .. } => "invalid_base64",
        CoreDecrypt::AuthenticationFailed => "authentication_failed",
        CoreDecrypt::OaepFailed => "oaep_failed",
        CoreDecrypt::NotUtf8 { .. } => "not_utf8",
    }
}

/// The snake_case name of a [`FavorErrorKind`].
pub fn favor_kind_name(k: FavorErrorKind) -> &'static str {
    match k {
        FavorErrorKind::BudgetExhausted => "budget_exhausted",
        FavorErrorKind::UserLimitReached => "user_limit_reached",
        FavorErrorKind::UserAccountAbnormal => "user_account_abnormal",
        FavorErrorKind::StockNotRunning => "stock_not_running",
        FavorErrorKind::NotAuthorized => "not_authorized",
        FavorErrorKind::RuleLimit => "rule_limit",
        FavorErrorKind::NotFound => "not_found",
        FavorErrorKind::AppidMchidMismatch => "appid_mchid_mismatch",
        FavorErrorKind::InvalidRequest => "invalid_request",
        FavorErrorKind::SignatureRejected => "signature_rejected",
        FavorErrorKind::RateLimited => "rate_limited",
        FavorErrorKind::ServerError => "server_error",
        FavorErrorKind::Other => "other",
    }
}

fn input_field(e: &InputError) -> (&str, &'static str) {
    match e {
        InputError::Invalid { field, .. } => (field.as_str(), "invalid_input"),
        InputError::UnsupportedImage { .. } => ("file", "image_type"),
        InputError::ImageTooLarge { .. } => ("file", "image_size"),
    }
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
        Error::Key(k) => {
            let err = KeyConfigError::new_err(msg);
            set_attrs(py, &err, &[("reason", str_obj(py, key_reason(k)))])?;
            err
        }
        Error::Input(i) => {
            let (field, rule) = input_field(i);
            let err = invalid(py, field, rule, i.to_string());
            set_attrs(py, &err, &[("kind", str_obj(py, "input"))])?;
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
        Error::Verify(v) => {
            let err = if matches!(v, VerifyError::Probe) {
                ProbeSignatureError::new_err(msg)
            } else {
                SignatureError::new_err(msg)
            };
            set_attrs(py, &err, &[("reason", str_obj(py, verify_reason(v)))])?;
            err
        }
        Error::Decrypt(d) => {
            let err = DecryptError::new_err(msg);
            set_attrs(py, &err, &[("reason", str_obj(py, decrypt_reason(d)))])?;
            err
        }
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
                    ("error_kind", str_obj(py, favor_kind_name(FavorErrorKind::of(a)))),
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
        Error::Crypto(_) => WechatPayError::new_err(msg),
    };
    set_attrs(py, &err, &[("kind", kind)])?;
    Ok(err)
}

/// Converts a bill error into `BillError` with `.reason`.
pub fn bill_to_py(py: Python<'_>, e: CoreBillError) -> PyErr {
    let reason = match &e {
        CoreBillError::UnsupportedHashType { .. } => "unsupported_hash_type",
        CoreBillError::InvalidHashValue { .. } => "invalid_hash_value",
        CoreBillError::HashMismatch { .. } => "hash_mismatch",
        CoreBillError::NotTheVerifiedBytes { .. } => "not_the_verified_bytes",
        CoreBillError::RecordTooLong { .. } => "record_too_long",
        CoreBillError::UnterminatedQuote { .. } => "unterminated_quote",
        CoreBillError::BareCarriageReturn { .. } => "bare_carriage_return",
        CoreBillError::MissingColumn { .. } => "missing_column",
        CoreBillError::DuplicateColumn { .. } => "duplicate_column",
        CoreBillError::CellCount { .. } => "cell_count",
        CoreBillError::InvalidCell { .. } => "invalid_cell",
        CoreBillError::CountMismatch { .. } => "count_mismatch",
        CoreBillError::UnexpectedRecord { .. } => "unexpected_record",
        _ => "other",
    };
    let err = BillError::new_err(e.to_string());
    match set_attrs(
        py,
        &err,
        &[("reason", str_obj(py, reason)), ("kind", str_obj(py, "bill"))],
    ) {
        Ok(()) => err,
        Err(failed) => failed,
    }
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
