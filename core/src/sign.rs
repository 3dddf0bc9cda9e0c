//! Request signing: the five-line message, SHA256withRSA, the `Authorization` header, and the
//! percent-encoding helpers that make the signed URL equal the sent URL.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::{Error, InputError, SignerError, echo};
use crate::http::Method;
use crate::keys::MerchantPrivateKey;

/// The `Authorization` scheme of merchant APIv3 requests.
pub const AUTH_SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// Produces SHA256withRSA (RSASSA-PKCS1-v1_5) signatures with the merchant API key.
///
/// Implement it to keep the key in an HSM/KMS or to use a host crypto library; the core hands
/// over the exact message bytes and expects the raw signature (not base64).
pub trait Signer: crate::host::MaybeSendSync {
    /// Signs `message`, returning the raw signature bytes.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError>;

    /// Length in bytes of this signer's signatures (its RSA modulus length), when it knows it.
    ///
    /// [`sign_message`] refuses a signature of any other length. With `None` (the default) it
    /// accepts only the lengths of RSA-2048, -3072 and -4096 signatures ([`RSA_SIGNATURE_LENS`]).
    fn signature_len(&self) -> Option<usize> {
        None
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1) decryption with the same private key, for
    /// [`Client::decrypt_sensitive`](crate::Client::decrypt_sensitive) when the client holds no
    /// [`MerchantPrivateKey`]. `None` (the default): this signer cannot decrypt.
    fn decrypt_oaep_sha1(&self, ciphertext: &[u8]) -> Option<Result<Vec<u8>, SignerError>> {
        let _ = ciphertext;
        None
    }
}

/// Signature lengths accepted from a [`Signer`] that does not state its own: 256, 384 and 512
/// bytes (RSA-2048, RSA-3072, RSA-4096).
pub const RSA_SIGNATURE_LENS: [usize; 3] = [256, 384, 512];

impl Signer for MerchantPrivateKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        MerchantPrivateKey::sign(self, message).map_err(|e| SignerError(e.to_string()))
    }

    fn signature_len(&self) -> Option<usize> {
        Some(self.bits().div_ceil(8))
    }
}

/// A [`Signer`] from a closure.
pub struct FnSigner<F>(pub F);

impl<F> Signer for FnSigner<F>
where
    F: Fn(&[u8]) -> Result<Vec<u8>, SignerError> + crate::host::MaybeSendSync,
{
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        (self.0)(message)
    }
}

/// A [`Signer`] whose signatures must be `len` bytes long: states the RSA modulus length for a
/// signer that cannot state it itself (e.g. an HSM whose key size is configured elsewhere).
pub struct SizedSigner {
    /// The signer.
    pub signer: std::sync::Arc<dyn Signer>,
    /// Expected signature length in bytes (256 for RSA-2048).
    pub len: usize,
}

impl Signer for SizedSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        self.signer.sign(message)
    }

    fn signature_len(&self) -> Option<usize> {
        Some(self.len)
    }

    fn decrypt_oaep_sha1(&self, ciphertext: &[u8]) -> Option<Result<Vec<u8>, SignerError>> {
        self.signer.decrypt_oaep_sha1(ciphertext)
    }
}

/// The message to sign: `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n`.
///
/// `target` is the path plus `?` and the raw query exactly as sent; `body` the exact bytes sent
/// (for an image upload, the `meta` JSON).
pub fn request_message(method: Method, target: &str, timestamp: i64, nonce: &str, body: &[u8]) -> Vec<u8> {
    lines(&[
        method.as_str().as_bytes(),
        target.as_bytes(),
        timestamp.to_string().as_bytes(),
        nonce.as_bytes(),
        body,
    ])
}

/// Joins `parts`, ending each one with `\n` (the shape of every signed message in APIv3).
pub(crate) fn lines(parts: &[&[u8]]) -> Vec<u8> {
    let mut m = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        m.extend_from_slice(p);
        m.push(b'\n');
    }
    m
}

/// The `Authorization` header value, fields in the order of the official Go/Java SDKs.
///
/// Writes the values as given: check them with [`check_authorization_values`] first, as
/// [`sign_message`] does.
pub fn authorization_header(mchid: &str, nonce: &str, timestamp: i64, serial: &str, signature_b64: &str) -> String {
    format!(
        "{AUTH_SCHEME} mchid=\"{mchid}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{serial}\",signature=\"{signature_b64}\""
    )
}

/// Everything signing produced, for sending and for debugging `SIGN_ERROR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedMessage {
    /// The exact bytes that were signed.
    pub message: Vec<u8>,
    /// Base64 signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Signs a request's message and builds its `Authorization` header.
///
/// Every value that goes into the header or the message is checked first
/// ([`check_authorization_values`]), so no caller (client, CLI, bindings) can inject header
/// parameters or lines; the signer's output must have an RSA signature's length
/// ([`Signer::signature_len`]).
#[allow(clippy::too_many_arguments)]
pub fn sign_message(
    signer: &dyn Signer,
    mchid: &str,
    serial: &str,
    method: Method,
    target: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
) -> Result<SignedMessage, Error> {
    check_authorization_values(mchid, serial, target, timestamp, nonce)?;
    let message = request_message(method, target, timestamp, nonce, body);
    let raw = signer.sign(&message)?;
    check_signature_len(signer, raw.len())?;
    let signature = B64.encode(raw);
    let authorization = authorization_header(mchid, nonce, timestamp, serial, &signature);
    Ok(SignedMessage {
        message,
        signature,
        authorization,
    })
}

/// Longest nonce accepted for signing, in characters.
pub const MAX_NONCE_LEN: usize = 128;

/// Checks the values [`sign_message`] writes into the `Authorization` header and the signed
/// message; the error names the value's role (`mchid`, `serial_no`, `nonce`, `timestamp`, `url`):
///
/// - `mchid`: 1–32 decimal digits;
/// - `serial_no`: 1–64 hexadecimal digits (the merchant API certificate serial);
/// - `nonce`: 1–128 printable ASCII characters other than space, `"`, `\` and `,`;
/// - `timestamp`: not negative;
/// - `url` (the request target): starts with `/`; printable ASCII only (no space, CR, LF or other
///   control character, nothing non-ASCII: percent-encode it); no `#`; no `.` or `..` path
///   segment (also as `%2E`).
pub fn check_authorization_values(
    mchid: &str,
    serial: &str,
    target: &str,
    timestamp: i64,
    nonce: &str,
) -> Result<(), InputError> {
    let invalid = |field: &str, expected: &str, value: &str| InputError::Invalid {
        field: field.to_owned(),
        expected: format!("{expected}; got {:?}", echo(value)),
    };
    if mchid.is_empty() || mchid.len() > 32 || !mchid.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("mchid", "the merchant id: 1 to 32 decimal digits", mchid));
    }
    if serial.is_empty() || serial.len() > 64 || !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(
            "serial_no",
            "the merchant API certificate serial: 1 to 64 hexadecimal digits",
            serial,
        ));
    }
    let nonce_ok = |b: u8| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b',');
    if nonce.is_empty() || nonce.len() > MAX_NONCE_LEN || !nonce.bytes().all(nonce_ok) {
        return Err(invalid(
            "nonce",
            "1 to 128 printable ASCII characters without space, '\"', '\\' or ','",
            nonce,
        ));
    }
    if timestamp < 0 {
        return Err(InputError::Invalid {
            field: "timestamp".into(),
            expected: format!("Unix time in seconds, not negative; got {timestamp}"),
        });
    }
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) || target.contains('#') {
        return Err(invalid(
            "url",
            "a request target starting with / in printable ASCII: no space, CR, LF or other control character, \
             no #fragment; percent-encode anything else",
            target,
        ));
    }
    let path = target.split('?').next().unwrap_or(target);
    let is_dot = |seg: &str| matches!(seg.to_ascii_lowercase().replace("%2e", ".").as_str(), "." | "..");
    if path.split('/').any(is_dot) {
        return Err(invalid(
            "url",
            "a path without . or .. segments: clients and servers remove them, so the path sent would not be the path signed",
            target,
        ));
    }
    Ok(())
}

fn check_signature_len(signer: &dyn Signer, len: usize) -> Result<(), SignerError> {
    match signer.signature_len() {
        Some(expected) if len != expected => Err(SignerError(format!(
            "it returned {len} bytes; an RSA signature with this key is {expected} bytes"
        ))),
        None if !RSA_SIGNATURE_LENS.contains(&len) => Err(SignerError(format!(
            "it returned {len} bytes; an RSA signature is 256, 384 or 512 bytes (RSA-2048, -3072, -4096)"
        ))),
        _ => Ok(()),
    }
}

/// Characters kept as-is: RFC 3986 unreserved (`A-Z a-z 0-9 - . _ ~`). Everything else,
/// including `+`, `:`, `/`, `%`, space and non-ASCII, is percent-encoded with upper-case hex.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path segment (case is preserved: openids are case-sensitive).
pub fn encode_path_segment(segment: &str) -> String {
    utf8_percent_encode(segment, ENCODE).to_string()
}

/// Percent-encodes a query value. RFC 3339 times come out as `2026-01-01T00%3A00%3A00%2B08%3A00`,
/// so the server does not read `+` as a space.
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, ENCODE).to_string()
}

/// Builds `k1=v1&k2=v2` in the given order, encoding keys and values once.
pub fn build_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut q = String::new();
    for (k, v) in pairs {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(&encode_query_value(k));
        q.push('=');
        q.push_str(&encode_query_value(v));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_example_message() {
        let m = request_message(
            Method::Get,
            "/v3/certificates",
            1554208460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
            b"",
        );
        assert_eq!(
            m,
            b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
        );
    }

    #[test]
    fn encoding_rules() {
        assert_eq!(
            encode_query_value("2026-01-01T00:00:00+08:00"),
            "2026-01-01T00%3A00%3A00%2B08%3A00"
        );
        assert_eq!(
            encode_path_segment("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
        );
        assert_eq!(encode_path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_query_value("微"), "%E5%BE%AE");
        assert_eq!(build_query([("a", "1"), ("t", "x+y")]), "a=1&t=x%2By");
    }

    #[test]
    fn header_shape() {
        assert_eq!(
            authorization_header("1900000001", "N", 1, "S", "SIG"),
            "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"N\",timestamp=\"1\",serial_no=\"S\",signature=\"SIG\""
        );
    }
}
