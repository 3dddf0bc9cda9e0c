//! Request signing: the five-line message, SHA256withRSA, the `Authorization` header, and the
//! percent-encoding helpers that make the signed URL equal the sent URL.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::SignerError;
use crate::http::Method;
use crate::keys::MerchantPrivateKey;

/// The `Authorization` scheme of merchant APIv3 requests.
pub const AUTH_SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// Produces SHA256withRSA (RSASSA-PKCS1-v1_5) signatures with the merchant API key.
///
/// Implement it to keep the key in an HSM/KMS or to use a host crypto library; the core hands
/// over the exact message bytes and expects the raw signature (not base64).
pub trait Signer: Send + Sync {
    /// Signs `message`, returning the raw signature bytes.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError>;
}

impl Signer for MerchantPrivateKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        MerchantPrivateKey::sign(self, message).map_err(|e| SignerError(e.to_string()))
    }
}

/// A [`Signer`] from a closure.
pub struct FnSigner<F>(pub F);

impl<F> Signer for FnSigner<F>
where
    F: Fn(&[u8]) -> Result<Vec<u8>, SignerError> + Send + Sync,
{
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        (self.0)(message)
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
) -> Result<SignedMessage, SignerError> {
    let message = request_message(method, target, timestamp, nonce, body);
    let signature = B64.encode(signer.sign(&message)?);
    let authorization = authorization_header(mchid, nonce, timestamp, serial, &signature);
    Ok(SignedMessage {
        message,
        signature,
        authorization,
    })
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
