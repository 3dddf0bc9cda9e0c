//! The one exception hierarchy (`WechatPayException` in Kotlin, `WechatPayError` in Swift) and
//! the mechanical mapping of every core error onto it, from the core's stable `code()`,
//! `kind()` and `fields()`. Messages come from the core: never key material or plaintext.

use wechatpay_coupons::error::{Error, echo};
use wechatpay_coupons::favor::ops::FavorErrorKind;
use wechatpay_coupons::favor::validation::{Severity, Violation as CoreViolation};

/// One broken rule of a request (or a bad argument, whose rule is the reason).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Violation {
    /// JSON path of the field, e.g. `coupon_use_rule.fixed_normal_coupon.coupon_amount`.
    pub field: String,
    /// Rule id (`V-CS-12`) or, for a bad argument, the reason (`type`, `required`, …).
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    /// English message.
    pub message: String,
    /// Chinese message.
    pub message_zh: String,
}

impl From<&CoreViolation> for Violation {
    fn from(v: &CoreViolation) -> Self {
        Self {
            field: v.field.clone(),
            rule: v.rule.to_owned(),
            severity: match v.severity {
                Severity::Warning => "warning",
                _ => "error",
            }
            .to_owned(),
            message: v.message.clone(),
            message_zh: v.message_zh.clone(),
        }
    }
}

/// Every failure of the library. `code` is the core's stable `<kind>.<reason>` code (for
/// example `verify.timestamp_skew`), `text` the core's message and `fields_json` the error's
/// fields as a JSON object (line numbers, serials, lengths; never secrets).
#[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum WechatPayError {
    /// The request breaks documented rules, or an argument is wrong; `violations` lists each.
    #[error("{code}: {text}")]
    ValidationError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
        /// Every violation.
        violations: Vec<Violation>,
    },
    /// A key, certificate or configuration value is missing or unusable.
    #[error("{code}: {text}")]
    KeyConfigError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
        /// Fields as a JSON object.
        fields_json: String,
    },
    /// A response or notification failed signature verification.
    #[error("{code}: {text}")]
    SignatureError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
        /// Fields as a JSON object.
        fields_json: String,
    },
    /// The signature is a `WECHATPAY/SIGNTEST/` probe: answer it like any failed verification.
    #[error("{code}: {text}")]
    ProbeSignatureError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
    },
    /// An encrypted payload could not be decrypted.
    #[error("{code}: {text}")]
    DecryptError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
        /// Fields as a JSON object.
        fields_json: String,
    },
    /// WeChat Pay answered with a non-2xx status.
    #[error("{code}: {text}")]
    ApiError {
        /// Stable code.
        code: String,
        /// Message (long values cut).
        text: String,
        /// HTTP status.
        status: u16,
        /// WeChat Pay's machine code, e.g. `PARAM_ERROR`.
        api_code: Option<String>,
        /// WeChat Pay's message (cut at 64 characters; the whole answer is in `body`).
        api_message: Option<String>,
        /// The `detail` object as JSON text.
        detail_json: Option<String>,
        /// `Request-ID`, to quote in support tickets.
        request_id: Option<String>,
        /// Whether the same request may succeed when retried.
        retryable: bool,
        /// The favor error class (`not_found`, `rate_limited`, …).
        error_kind: String,
        /// The raw body.
        body: Vec<u8>,
    },
    /// A verified body does not have the expected shape.
    #[error("{code}: {text}")]
    DecodeError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
        /// What was being decoded.
        what: String,
        /// The raw body.
        body: Vec<u8>,
    },
    /// A bill file failed its integrity check or could not be parsed.
    #[error("{code}: {text}")]
    BillError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
        /// Fields as a JSON object.
        fields_json: String,
    },
    /// The foreign `Signer` failed (threw or returned nothing).
    #[error("{code}: {text}")]
    SignerError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
    },
    /// A crypto primitive failed.
    #[error("{code}: {text}")]
    CryptoError {
        /// Stable code.
        code: String,
        /// Message.
        text: String,
    },
}

fn fields_json(e: &Error) -> String {
    serde_json::Value::Object(e.fields()).to_string()
}

impl From<Error> for WechatPayError {
    fn from(e: Error) -> Self {
        let code = e.code().to_owned();
        let text = e.to_string();
        match &e {
            Error::Input(i) => WechatPayError::ValidationError {
                violations: vec![Violation {
                    field: i.field().to_owned(),
                    rule: e.reason().to_owned(),
                    severity: "error".to_owned(),
                    message: text.clone(),
                    message_zh: text.clone(),
                }],
                code,
                text,
            },
            Error::Validation(v) => WechatPayError::ValidationError {
                violations: v.violations.iter().map(Violation::from).collect(),
                code,
                text,
            },
            Error::Key(_) => WechatPayError::KeyConfigError {
                fields_json: fields_json(&e),
                code,
                text,
            },
            Error::Verify(_) if e.kind() == "probe" => WechatPayError::ProbeSignatureError { code, text },
            Error::Verify(_) => WechatPayError::SignatureError {
                fields_json: fields_json(&e),
                code,
                text,
            },
            Error::Decrypt(_) => WechatPayError::DecryptError {
                fields_json: fields_json(&e),
                code,
                text,
            },
            Error::Api(a) => WechatPayError::ApiError {
                code,
                status: a.status,
                api_code: a.code.clone(),
                api_message: a.message.as_deref().map(|m| echo(m).into_owned()),
                detail_json: a.detail.as_ref().map(ToString::to_string),
                request_id: a.request_id.clone(),
                retryable: a.retryable(),
                error_kind: FavorErrorKind::of(a).name().to_owned(),
                body: a.body.clone(),
                text,
            },
            Error::Decode(d) => WechatPayError::DecodeError {
                what: d.what.clone(),
                body: d.body.clone(),
                code,
                text,
            },
            Error::Bill(_) => WechatPayError::BillError {
                fields_json: fields_json(&e),
                code,
                text,
            },
            Error::Signer(_) => WechatPayError::SignerError { code, text },
            _ => WechatPayError::CryptoError { code, text },
        }
    }
}

impl From<wechatpay_coupons::favor::bills::BillError> for WechatPayError {
    fn from(e: wechatpay_coupons::favor::bills::BillError) -> Self {
        Error::from(e).into()
    }
}

impl From<wechatpay_coupons::KeyError> for WechatPayError {
    fn from(e: wechatpay_coupons::KeyError) -> Self {
        Error::from(e).into()
    }
}

impl From<wechatpay_coupons::error::InputError> for WechatPayError {
    fn from(e: wechatpay_coupons::error::InputError) -> Self {
        Error::from(e).into()
    }
}

impl From<wechatpay_coupons::ConfigError> for WechatPayError {
    fn from(e: wechatpay_coupons::ConfigError) -> Self {
        WechatPayError::KeyConfigError {
            code: e.code().to_owned(),
            text: e.to_string(),
            fields_json: "{}".to_owned(),
        }
    }
}

/// A foreign callback failed in a way its declared errors do not cover (Kotlin threw an
/// unchecked exception): it becomes a `SignerError` naming nothing but that fact.
impl From<uniffi::UnexpectedUniFFICallbackError> for WechatPayError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        let _ = e;
        WechatPayError::SignerError {
            code: "signer.failed".to_owned(),
            text: "the custom signer threw an exception".to_owned(),
        }
    }
}

/// A bad argument of a binding call, as the core reports one (one violation naming `field`).
pub fn invalid(field: &str, expected: impl Into<String>) -> WechatPayError {
    Error::from(wechatpay_coupons::error::InputError::Invalid {
        field: field.to_owned(),
        expected: expected.into(),
    })
    .into()
}

/// The core's result with this binding's error.
pub type Result<T, E = WechatPayError> = std::result::Result<T, E>;
