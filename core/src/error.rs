//! Errors of every layer, one enum each, gathered in [`Error`].
//!
//! Messages name the field or header at fault and what was expected. They never contain key
//! material, the APIv3 key or decrypted plaintext. Raw bodies of failed responses are kept on
//! the error value ([`ApiError::body`], [`DecodeError::body`]) but are not part of the message.

use std::borrow::Cow;
use std::fmt;

/// Most characters of an outside value that an error message repeats.
pub const ECHO_MAX_CHARS: usize = 64;

/// An outside value as error messages repeat it: unchanged up to [`ECHO_MAX_CHARS`] characters,
/// else its first 64 characters, `…` and its full length, e.g. `AAAA…… (10485760 bytes)`.
///
/// Every core error that repeats a value passes it through here, so an attacker's 10 MB header
/// never becomes a 10 MB message. Applying it twice gives the same text.
pub fn echo(value: &str) -> Cow<'_, str> {
    echo_at_most(value, ECHO_MAX_CHARS)
}

/// Most characters of an explanation that embeds outside text (a parser's reason, a signer's
/// own error message) before [`echo_text`] cuts it.
pub const ECHO_TEXT_MAX_CHARS: usize = 512;

/// [`echo`] for explanations that may embed outside text: cut after
/// [`ECHO_TEXT_MAX_CHARS`] characters instead of 64.
pub fn echo_text(value: &str) -> Cow<'_, str> {
    echo_at_most(value, ECHO_TEXT_MAX_CHARS)
}

fn echo_at_most(value: &str, max: usize) -> Cow<'_, str> {
    let Some((cut, _)) = value.char_indices().nth(max) else {
        return Cow::Borrowed(value);
    };
    if is_echoed(&value[cut..]) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!("{}… ({} bytes)", &value[..cut], value.len()))
}

/// Whether `rest` is exactly the note [`echo`] appends: `… (<digits> bytes)`.
fn is_echoed(rest: &str) -> bool {
    rest.strip_prefix("… (")
        .and_then(|r| r.strip_suffix(" bytes)"))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// [`echo`] over a list of values, comma-separated, at most 16 of them.
fn echo_list(values: &[String]) -> String {
    let mut out: Vec<Cow<'_, str>> = values.iter().take(16).map(|v| echo(v)).collect();
    if values.len() > 16 {
        out.push(Cow::Owned(format!("… {} more", values.len() - 16)));
    }
    out.join(", ")
}

/// Failure inside a cryptographic primitive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The crypto library rejected a key (its reason is given).
    #[error("the crypto library rejected the key: {}", echo_text(.0))]
    Key(String),
    /// A primitive failed for a reason it does not disclose.
    #[error("{0}")]
    Operation(&'static str),
    /// RSA-OAEP plaintext longer than the key allows.
    #[error("plaintext too long for RSA-OAEP with this key: at most {max} bytes")]
    PlaintextTooLong {
        /// Largest plaintext the key can encrypt.
        max: usize,
    },
    /// AES-GCM authentication failed.
    #[error("AES-GCM authentication failed")]
    AeadOpen,
}

/// Problems with keys, certificates and other configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not PEM.
    #[error("{what}: not a PEM document ({})", echo_text(reason))]
    NotPem {
        /// What was being loaded.
        what: &'static str,
        /// Why parsing failed.
        reason: String,
    },
    /// A PEM document of another kind was given.
    #[error("{what}: expected {expected}, found a PEM \"{}\" block", echo(found))]
    WrongPemKind {
        /// What was being loaded.
        what: &'static str,
        /// Accepted PEM labels.
        expected: &'static str,
        /// The label found.
        found: String,
    },
    /// The private key is password protected.
    #[error(
        "{what}: the private key is encrypted (\"ENCRYPTED PRIVATE KEY\"); decrypt it first, e.g. `openssl pkcs8 -in key.pem -out plain.pem`"
    )]
    EncryptedPrivateKey {
        /// What was being loaded.
        what: &'static str,
    },
    /// The key is not an RSA key.
    #[error("{what}: not an RSA key (algorithm {})", echo(algorithm))]
    NotRsa {
        /// What was being loaded.
        what: &'static str,
        /// The algorithm OID found.
        algorithm: String,
    },
    /// The RSA key is shorter than 2048 bits.
    #[error("{what}: RSA key of {bits} bits; WeChat Pay requires at least 2048")]
    KeyTooSmall {
        /// What was being loaded.
        what: &'static str,
        /// Modulus size.
        bits: usize,
    },
    /// The DER structure inside the PEM is invalid.
    #[error("{what}: malformed key or certificate ({})", echo_text(reason))]
    Malformed {
        /// What was being loaded.
        what: &'static str,
        /// Why parsing failed.
        reason: String,
    },
    /// The APIv3 key is not 32 bytes long.
    #[error("apiv3_key: must be exactly 32 bytes (AES-256), got {len}")]
    ApiV3KeyLength {
        /// Length given.
        len: usize,
    },
    /// A WeChat Pay public key id without the `PUB_KEY_ID_` prefix and digits.
    #[error(
        "public key id {:?}: expected \"PUB_KEY_ID_\" followed by decimal digits",
        echo(value)
    )]
    InvalidPublicKeyId {
        /// The id given.
        value: String,
    },
    /// A certificate serial that is not hexadecimal.
    #[error("serial {:?}: expected a hexadecimal certificate serial number", echo(value))]
    InvalidSerial {
        /// The serial given.
        value: String,
    },
    /// A required setting was not configured.
    #[error("{what} is not configured: {hint}")]
    Missing {
        /// The missing setting.
        what: &'static str,
        /// How to provide it.
        hint: &'static str,
    },
}

/// Invalid arguments given to the core (before anything is signed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A field has an invalid value.
    #[error("{}: {}", echo(field), echo_text(expected))]
    Invalid {
        /// Field or argument name.
        field: String,
        /// What was expected.
        expected: String,
    },
    /// An image of a format WeChat Pay does not accept.
    #[error(
        "image {:?}: {}; accepted formats are JPG, BMP and PNG",
        echo(filename),
        echo_text(reason)
    )]
    UnsupportedImage {
        /// File name given.
        filename: String,
        /// Why it was rejected.
        reason: String,
    },
    /// An image larger than the limit.
    #[error("image is {size} bytes; the limit is {max} bytes (2 MiB)")]
    ImageTooLarge {
        /// Size given.
        size: usize,
        /// The limit.
        max: usize,
    },
}

/// Why a signed response or notification was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent (a 2xx without signature headers counts as forged).
    #[error(
        "header {name} is missing; a signed WeChat Pay message carries Wechatpay-Timestamp, -Nonce, -Signature and -Serial"
    )]
    MissingHeader {
        /// Lower-case header name.
        name: &'static str,
    },
    /// A header has an unusable value.
    #[error("header {name} is malformed: expected {expected}")]
    MalformedHeader {
        /// Lower-case header name.
        name: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// The signature is a WeChat Pay `WECHATPAY/SIGNTEST/` probe; answer it like any failure.
    #[error(
        "signature is a WeChat Pay probe (WECHATPAY/SIGNTEST/): rejected as required; for a notification answer 4xx/5xx and it will be re-sent with a real signature"
    )]
    Probe,
    /// `|now − Wechatpay-Timestamp|` is too large.
    #[error(
        "Wechatpay-Timestamp {timestamp} is {skew} s away from now ({now}); it must be less than {max_skew} s — check the clock or a replay"
    )]
    TimestampSkew {
        /// Timestamp of the message.
        timestamp: i64,
        /// The verifier's clock.
        now: i64,
        /// Absolute difference in seconds.
        skew: u64,
        /// Largest accepted difference (exclusive).
        max_skew: u64,
    },
    /// No trusted key has this serial / id.
    #[error("Wechatpay-Serial {:?} names no trusted key; held: [{}]{hint}", echo(serial), echo_list(known), hint = if serial.starts_with("PUB_KEY_ID_") { "" } else { " — in certificate mode, download /v3/certificates and retry" })]
    UnknownSerial {
        /// The serial or key id in the message.
        serial: String,
        /// Serials and key ids the store holds.
        known: Vec<String>,
    },
    /// The key named by the serial is outside its validity window.
    #[error(
        "platform certificate {} is not valid at {now} (valid {not_before}..{not_after})",
        echo(serial)
    )]
    CertificateNotValid {
        /// Certificate serial.
        serial: String,
        /// The verifier's clock.
        now: i64,
        /// Start of validity (unix seconds).
        not_before: i64,
        /// End of validity (unix seconds).
        not_after: i64,
    },
    /// The signature does not match the message.
    #[error(
        "signature does not verify with key {}: the body or headers were changed (was the raw body re-serialised?)",
        echo(key_id)
    )]
    BadSignature {
        /// The key tried.
        key_id: String,
    },
    /// A `Wechatpay-Signature-Type` other than `WECHATPAY2-SHA256-RSA2048`.
    #[error(
        "Wechatpay-Signature-Type {:?} is not supported (expected WECHATPAY2-SHA256-RSA2048)",
        echo(value)
    )]
    UnsupportedSignatureType {
        /// The value given.
        value: String,
    },
}

/// Why an encrypted payload could not be decrypted. Never says more than needed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// `algorithm` other than `AEAD_AES_256_GCM`.
    #[error(
        "resource.algorithm {:?} is not supported (expected AEAD_AES_256_GCM)",
        echo(algorithm)
    )]
    UnsupportedAlgorithm {
        /// The algorithm given.
        algorithm: String,
    },
    /// The nonce is not 12 bytes.
    #[error("{field}: AEAD nonce must be 12 bytes, got {len}")]
    InvalidNonce {
        /// Field name.
        field: &'static str,
        /// Length given.
        len: usize,
    },
    /// A field is not valid base64.
    #[error("{field}: not valid base64")]
    InvalidBase64 {
        /// Field name.
        field: &'static str,
    },
    /// Authentication failed: wrong APIv3 key, nonce, associated data, or a damaged ciphertext.
    #[error(
        "decryption failed: the APIv3 key, nonce, associated_data or ciphertext do not match (or the ciphertext was truncated or altered)"
    )]
    AuthenticationFailed,
    /// RSA-OAEP decryption failed.
    #[error("RSA-OAEP decryption failed: the ciphertext was not made for this merchant key")]
    OaepFailed,
    /// The plaintext is not UTF-8.
    #[error("decrypted {what} is not valid UTF-8")]
    NotUtf8 {
        /// What was decrypted.
        what: &'static str,
    },
}

/// A non-2xx answer from WeChat Pay (or the sandbox), decoded from its body.
///
/// Bodies of error responses are not signed: treat `code`/`message`/`detail` as diagnostics.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Machine code such as `PARAM_ERROR`; `None` when the body has none (e.g. empty 404/405).
    pub code: Option<String>,
    /// Human-readable message.
    pub message: Option<String>,
    /// The `detail` object of parameter errors (`field`, `value`, `issue`, `location`).
    pub detail: Option<serde_json::Value>,
    /// `Request-ID` header, to quote in support tickets.
    pub request_id: Option<String>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl ApiError {
    /// Builds an error from a non-2xx status, the `Request-ID` header and the raw body.
    pub fn from_response(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            parsed
                .as_ref()
                .and_then(|v| v.get(name))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let detail = parsed
            .as_ref()
            .and_then(|v| v.get("detail"))
            .filter(|d| !d.is_null())
            .cloned();
        Self {
            status,
            code: field("code"),
            message: field("message"),
            detail,
            request_id,
            body: body.to_vec(),
        }
    }

    /// Whether repeating the same request (same body and `out_request_no`, re-signed) may succeed:
    /// 429 (after backing off), 500, 502, 503, 504, and codes `SYSTEM_ERROR`,
    /// `SERVICE_UNAVAILABLE`, `FREQUENCY_LIMITED` and other rate-limit spellings. 202 is not an
    /// error. Everything else needs a change before retrying.
    pub fn retryable(&self) -> bool {
        matches!(self.status, 429 | 500 | 502 | 503 | 504)
            || matches!(
                self.code.as_deref(),
                Some(
                    "SYSTEM_ERROR"
                        | "SERVICE_UNAVAILABLE"
                        | "FREQUENCY_LIMITED"
                        | "FREQUENCY_LIMIT_EXCEED"
                        | "RATELIMIT_EXCEEDED"
                        | "RATE_LIMITED"
                )
            )
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("detail", &self.detail)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WeChat Pay answered HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {}", echo(code))?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {}", echo_text(message))?;
        }
        if let Some(detail) = &self.detail {
            let s = |k: &str| detail.get(k).map(|v| v.to_string());
            if let Some(field) = s("field") {
                write!(f, " (field {}", echo(&field))?;
                if let Some(loc) = s("location") {
                    write!(f, " in {}", echo(&loc))?;
                }
                if let Some(issue) = s("issue") {
                    write!(f, ": {}", echo_text(&issue))?;
                }
                write!(f, ")")?;
            }
        }
        if self.code.is_none() && self.message.is_none() && !self.body.is_empty() {
            write!(f, " with a non-JSON body of {} bytes", self.body.len())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [Request-ID {}]", echo(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A verified body that does not have the expected shape.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode {}: {}", echo(what), echo_text(reason))]
pub struct DecodeError {
    /// What was being decoded.
    pub what: String,
    /// Why it failed.
    pub reason: String,
    /// The raw body, for the caller's logs.
    pub body: Vec<u8>,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("what", &self.what)
            .field("reason", &self.reason)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A custom [`crate::Signer`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request signer failed: {}", echo_text(.0))]
pub struct SignerError(pub String);

/// A downloaded bill file failed its integrity check or could not be parsed.
///
/// The typed cause lives with the bill parser of each API; this is its language-independent
/// form: a stable [`code`](Self::code), the message and the cause's fields as data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct BillFileError {
    /// Stable code such as `bill.hash_mismatch`.
    pub code: &'static str,
    /// The cause's message (names the line, column or header at fault).
    pub message: String,
    /// The cause's fields (line numbers, column names, lengths); never file contents.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Every error the core returns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Keys, certificates or configuration.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Invalid arguments.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Request validation found violations of MUST rules.
    #[error(transparent)]
    Validation(Box<crate::validation::ValidationErrors>),
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// A response or notification failed verification.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// A payload could not be decrypted.
    #[error(transparent)]
    Decrypt(#[from] DecryptError),
    /// WeChat Pay answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A verified body could not be decoded.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A crypto primitive failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A bill file failed its integrity check or could not be parsed.
    #[error(transparent)]
    Bill(Box<BillFileError>),
}

impl From<BillFileError> for Error {
    fn from(e: BillFileError) -> Self {
        Error::Bill(Box::new(e))
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

impl From<crate::validation::ValidationErrors> for Error {
    fn from(e: crate::validation::ValidationErrors) -> Self {
        Error::Validation(Box::new(e))
    }
}

impl Error {
    /// A stable, language-independent name for the error class, used by the bindings.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Key(_) => "key",
            Error::Input(_) => "input",
            Error::Validation(_) => "validation",
            Error::Signer(_) => "signer",
            Error::Verify(VerifyError::Probe) => "probe",
            Error::Verify(_) => "verify",
            Error::Decrypt(_) => "decrypt",
            Error::Api(_) => "api",
            Error::Decode(_) => "decode",
            Error::Crypto(_) => "crypto",
            Error::Bill(_) => "bill",
        }
    }

    /// Whether the same request may succeed when retried (see [`ApiError::retryable`]).
    pub fn retryable(&self) -> bool {
        matches!(self, Error::Api(e) if e.retryable())
    }
}

/// Result with the core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_keeps_short_values_and_cuts_long_ones_once() {
        assert_eq!(echo("ABC"), "ABC");
        let exact = "x".repeat(ECHO_MAX_CHARS);
        assert_eq!(echo(&exact), exact.as_str());
        let long = "微".repeat(100);
        let cut = echo(&long);
        assert_eq!(cut, format!("{}… (300 bytes)", "微".repeat(64)));
        assert_eq!(echo(&cut), cut, "idempotent");
        assert!(echo_text(&"y".repeat(10_000)).ends_with("… (10000 bytes)"));
        let many: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        assert!(echo_list(&many).ends_with("… 4 more"));
    }
}
