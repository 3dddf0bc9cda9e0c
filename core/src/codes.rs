//! Stable, language-independent error codes and error fields as data.
//!
//! Every error of the core has a [`code`](Error::code) of the form `<kind>.<reason>` (for
//! example `verify.timestamp_skew`, `decrypt.authentication_failed`, `api.not_enough`), a
//! [`kind`](Error::kind) (the part before the dot) and its fields as a JSON object
//! ([`Error::fields`]). Bindings map errors mechanically from these three: the kind picks the
//! exception class, the reason after the dot is the exception's `reason`, the fields become its
//! attributes. Codes never change meaning once published; new variants get new codes.
//!
//! Fields never carry key material, the APIv3 key, decrypted plaintext or raw bodies; outside
//! values in them are the same echoed (truncated) values the messages show.

use serde_json::{Map, Value, json};

use crate::config::ConfigError;
use crate::error::{ApiError, CryptoError, DecryptError, Error, InputError, KeyError, VerifyError, echo, echo_text};

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn echoed(s: &str) -> Value {
    Value::String(echo(s).into_owned())
}

fn echoed_text(s: &str) -> Value {
    Value::String(echo_text(s).into_owned())
}

impl KeyError {
    /// Stable code, `key.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NotPem { .. } => "key.not_pem",
            KeyError::WrongPemKind { .. } => "key.wrong_pem_kind",
            KeyError::EncryptedPrivateKey { .. } => "key.encrypted_private_key",
            KeyError::NotRsa { .. } => "key.not_rsa",
            KeyError::KeyTooSmall { .. } => "key.key_too_small",
            KeyError::Malformed { .. } => "key.malformed",
            KeyError::ApiV3KeyLength { .. } => "key.apiv3_key_length",
            KeyError::InvalidPublicKeyId { .. } => "key.invalid_public_key_id",
            KeyError::InvalidSerial { .. } => "key.invalid_serial",
            KeyError::Missing { .. } => "key.missing",
        }
    }

    /// The fields of the error as data.
    pub fn fields(&self) -> Map<String, Value> {
        object(match self {
            KeyError::NotPem { what, reason } | KeyError::Malformed { what, reason } => {
                json!({"what": what, "reason": echoed_text(reason)})
            }
            KeyError::WrongPemKind { what, expected, found } => {
                json!({"what": what, "expected": expected, "found": echoed(found)})
            }
            KeyError::EncryptedPrivateKey { what } => json!({"what": what}),
            KeyError::NotRsa { what, algorithm } => json!({"what": what, "algorithm": echoed(algorithm)}),
            KeyError::KeyTooSmall { what, bits } => json!({"what": what, "bits": bits}),
            KeyError::ApiV3KeyLength { len } => json!({"len": len}),
            KeyError::InvalidPublicKeyId { value } | KeyError::InvalidSerial { value } => {
                json!({"value": echoed(value)})
            }
            KeyError::Missing { what, hint } => json!({"what": what, "hint": hint}),
        })
    }
}

impl InputError {
    /// Stable code, `input.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Invalid { .. } => "input.invalid_input",
            InputError::UnsupportedImage { .. } => "input.image_type",
            InputError::ImageTooLarge { .. } => "input.image_size",
        }
    }

    /// The argument at fault (`file` for the image errors).
    pub fn field(&self) -> &str {
        match self {
            InputError::Invalid { field, .. } => field,
            InputError::UnsupportedImage { .. } | InputError::ImageTooLarge { .. } => "file",
        }
    }

    /// The fields of the error as data.
    pub fn fields(&self) -> Map<String, Value> {
        object(match self {
            InputError::Invalid { field, expected } => {
                json!({"field": echoed(field), "expected": echoed_text(expected)})
            }
            InputError::UnsupportedImage { filename, reason } => {
                json!({"field": "file", "filename": echoed(filename), "reason": echoed_text(reason)})
            }
            InputError::ImageTooLarge { size, max } => json!({"field": "file", "size": size, "max": max}),
        })
    }
}

impl VerifyError {
    /// Stable code, `verify.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader { .. } => "verify.missing_header",
            VerifyError::MalformedHeader { .. } => "verify.malformed_header",
            VerifyError::Probe => "verify.probe",
            VerifyError::TimestampSkew { .. } => "verify.timestamp_skew",
            VerifyError::UnknownSerial { .. } => "verify.unknown_serial",
            VerifyError::CertificateNotValid { .. } => "verify.certificate_not_valid",
            VerifyError::BadSignature { .. } => "verify.bad_signature",
            VerifyError::UnsupportedSignatureType { .. } => "verify.unsupported_signature_type",
        }
    }

    /// The fields of the error as data.
    pub fn fields(&self) -> Map<String, Value> {
        object(match self {
            VerifyError::MissingHeader { name } => json!({"header": name}),
            VerifyError::MalformedHeader { name, expected } => json!({"header": name, "expected": expected}),
            VerifyError::Probe => json!({}),
            VerifyError::TimestampSkew {
                timestamp,
                now,
                skew,
                max_skew,
            } => json!({"timestamp": timestamp, "now": now, "skew": skew, "max_skew": max_skew}),
            VerifyError::UnknownSerial { serial, known } => json!({
                "serial": echoed(serial),
                "known": known.iter().take(16).map(|k| echoed(k)).collect::<Vec<_>>(),
            }),
            VerifyError::CertificateNotValid {
                serial,
                now,
                not_before,
                not_after,
            } => json!({"serial": echoed(serial), "now": now, "not_before": not_before, "not_after": not_after}),
            VerifyError::BadSignature { key_id } => json!({"key_id": echoed(key_id)}),
            VerifyError::UnsupportedSignatureType { value } => json!({"value": echoed(value)}),
        })
    }
}

impl DecryptError {
    /// Stable code, `decrypt.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            DecryptError::UnsupportedAlgorithm { .. } => "decrypt.unsupported_algorithm",
            DecryptError::InvalidNonce { .. } => "decrypt.invalid_nonce",
            DecryptError::InvalidBase64 { .. } => "decrypt.invalid_base64",
            DecryptError::AuthenticationFailed => "decrypt.authentication_failed",
            DecryptError::OaepFailed => "decrypt.oaep_failed",
            DecryptError::NotUtf8 { .. } => "decrypt.not_utf8",
        }
    }

    /// The fields of the error as data.
    pub fn fields(&self) -> Map<String, Value> {
        object(match self {
            DecryptError::UnsupportedAlgorithm { algorithm } => json!({"algorithm": echoed(algorithm)}),
            DecryptError::InvalidNonce { field, len } => json!({"field": field, "len": len}),
            DecryptError::InvalidBase64 { field } => json!({"field": field}),
            DecryptError::AuthenticationFailed | DecryptError::OaepFailed => json!({}),
            DecryptError::NotUtf8 { what } => json!({"what": what}),
        })
    }
}

impl CryptoError {
    /// Stable code, `crypto.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            CryptoError::Key(_) => "crypto.key",
            CryptoError::Operation(_) => "crypto.operation",
            CryptoError::PlaintextTooLong { .. } => "crypto.plaintext_too_long",
            CryptoError::AeadOpen => "crypto.aead_open",
        }
    }

    /// The fields of the error as data.
    pub fn fields(&self) -> Map<String, Value> {
        object(match self {
            CryptoError::Key(reason) => json!({"reason": echoed_text(reason)}),
            CryptoError::Operation(what) => json!({"reason": what}),
            CryptoError::PlaintextTooLong { max } => json!({"max": max}),
            CryptoError::AeadOpen => json!({}),
        })
    }
}

/// WeChat Pay's documented APIv3 error codes and their stable `api.*` codes.
const API_CODES: &[(&str, &str)] = &[
    ("PARAM_ERROR", "api.param_error"),
    ("INVALID_REQUEST", "api.invalid_request"),
    ("SIGN_ERROR", "api.sign_error"),
    ("SYSTEM_ERROR", "api.system_error"),
    ("SERVICE_UNAVAILABLE", "api.service_unavailable"),
    ("NOT_ENOUGH", "api.not_enough"),
    ("NO_AUTH", "api.no_auth"),
    ("REQUEST_BLOCKED", "api.request_blocked"),
    ("RULE_LIMIT", "api.rule_limit"),
    ("RESOURCE_NOT_EXISTS", "api.resource_not_exists"),
    ("RESOURCE_ALREADY_EXISTS", "api.resource_already_exists"),
    ("USER_ACCOUNT_ABNORMAL", "api.user_account_abnormal"),
    ("APPID_MCHID_NOT_MATCH", "api.appid_mchid_not_match"),
    ("MCH_NOT_EXISTS", "api.mch_not_exists"),
    ("FREQUENCY_LIMITED", "api.frequency_limited"),
    ("FREQUENCY_LIMIT_EXCEED", "api.frequency_limit_exceed"),
    ("RATELIMIT_EXCEEDED", "api.ratelimit_exceeded"),
    ("RATE_LIMITED", "api.rate_limited"),
    ("NOT_FOUND", "api.not_found"),
    ("ACCOUNT_ERROR", "api.account_error"),
];

impl ApiError {
    /// Stable code: `api.<code in lower case>` for WeChat Pay's documented codes
    /// (`api.not_enough`, `api.param_error`, …), `api.other` for any other code and
    /// `api.http_error` when the body carries none. The raw code stays in [`ApiError::code`].
    pub fn stable_code(&self) -> &'static str {
        match self.code.as_deref() {
            None => "api.http_error",
            Some(c) => API_CODES
                .iter()
                .find(|(wire, _)| *wire == c)
                .map_or("api.other", |(_, stable)| stable),
        }
    }

    /// The fields of the error as data (the raw body is left out; it stays on the value).
    pub fn fields(&self) -> Map<String, Value> {
        object(json!({
            "status": self.status,
            "code": self.code.as_deref().map(echoed),
            "message": self.message.as_deref().map(echoed_text),
            "detail": self.detail,
            "request_id": self.request_id.as_deref().map(echoed),
            "retryable": self.retryable(),
        }))
    }
}

impl ConfigError {
    /// Stable code, `config.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config.read",
            ConfigError::Syntax { .. } => "config.syntax",
            ConfigError::WrongType { .. } => "config.wrong_type",
            ConfigError::Missing { .. } => "config.missing",
            ConfigError::Invalid { .. } => "config.invalid",
            ConfigError::Key { .. } => "config.key",
            ConfigError::Client { .. } => "config.client",
        }
    }
}

impl Error {
    /// The stable code of the error, `<kind>.<reason>` (see the [module docs](crate::codes)).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Key(e) => e.code(),
            Error::Input(e) => e.code(),
            Error::Validation(_) => "validation.violations",
            Error::Signer(_) => "signer.failed",
            Error::Verify(e) => e.code(),
            Error::Decrypt(e) => e.code(),
            Error::Api(e) => e.stable_code(),
            Error::Decode(_) => "decode.body",
            Error::Crypto(e) => e.code(),
            Error::Bill(e) => e.code,
        }
    }

    /// The reason part of [`code`](Self::code), after the dot (`timestamp_skew`, …).
    pub fn reason(&self) -> &'static str {
        let code = self.code();
        code.split_once('.').map_or(code, |(_, r)| r)
    }

    /// The error's fields as data: what the message says, in named, typed values.
    pub fn fields(&self) -> Map<String, Value> {
        match self {
            Error::Key(e) => e.fields(),
            Error::Input(e) => e.fields(),
            Error::Validation(v) => object(json!({"violations": v.violations})),
            Error::Signer(e) => object(json!({"reason": echoed_text(&e.0)})),
            Error::Verify(e) => e.fields(),
            Error::Decrypt(e) => e.fields(),
            Error::Api(e) => e.fields(),
            Error::Decode(e) => object(json!({"what": echoed(&e.what), "reason": echoed_text(&e.reason)})),
            Error::Crypto(e) => e.fields(),
            Error::Bill(e) => e.fields.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_start_with_the_kind() {
        let errors: Vec<Error> = vec![
            KeyError::ApiV3KeyLength { len: 3 }.into(),
            VerifyError::Probe.into(),
            VerifyError::MissingHeader {
                name: "wechatpay-nonce",
            }
            .into(),
            DecryptError::AuthenticationFailed.into(),
            ApiError::from_response(403, None, br#"{"code":"NOT_ENOUGH","message":"no"}"#).into(),
            ApiError::from_response(418, None, br#"{"code":"TEAPOT"}"#).into(),
            ApiError::from_response(404, None, b"").into(),
            CryptoError::AeadOpen.into(),
        ];
        let codes: Vec<&str> = errors.iter().map(Error::code).collect();
        assert_eq!(
            codes,
            [
                "key.apiv3_key_length",
                "verify.probe",
                "verify.missing_header",
                "decrypt.authentication_failed",
                "api.not_enough",
                "api.other",
                "api.http_error",
                "crypto.aead_open"
            ]
        );
        for e in &errors {
            let kind = e.kind();
            let prefix = e.code().split('.').next().unwrap_or_default();
            // A probe is a verify error whose kind says so.
            assert!(
                prefix == kind || (kind == "probe" && prefix == "verify"),
                "{}",
                e.code()
            );
        }
    }

    #[test]
    fn fields_are_data_and_echoed() {
        let e: Error = VerifyError::TimestampSkew {
            timestamp: 1,
            now: 400,
            skew: 399,
            max_skew: 300,
        }
        .into();
        assert_eq!(e.fields().get("skew"), Some(&json!(399)));
        let long = "S".repeat(5000);
        let e: Error = VerifyError::BadSignature { key_id: long }.into();
        let shown = e.fields().get("key_id").and_then(Value::as_str).map(str::len);
        assert!(shown.is_some_and(|n| n < 200));
        let api: Error = ApiError::from_response(400, Some("r1".into()), br#"{"code":"PARAM_ERROR"}"#).into();
        assert_eq!(api.fields().get("request_id"), Some(&json!("r1")));
        assert!(api.fields().get("body").is_none());
    }
}
