//! Shared pieces of the fuzz targets: the known keys of `tests/vectors`, the fixed clock, and
//! the plain-text input formats that `fuzz/seeds.py` writes the seed corpora in.
//!
//! Input formats (all lossy UTF-8 where text is needed; bodies stay raw bytes):
//!
//! * **message** (`response_verify`, `notification`, `certificates`): a status line, header
//!   lines `Name: value`, an empty line, then the raw body. See [`parse_message`].
//! * **request** (`sandbox_authorization`): `METHOD TARGET`, header lines, an empty line, body.
//! * **multipart** (`sandbox_multipart`): the `Content-Type` value, `\n`, then the body.
//! * **bill** (`bill_chunks`): one byte `n`, `n % 16` chunk lengths (one byte each), the file.
//! * **plugin** (`plugin_sign`): `\n`-separated records whose fields are separated by `\x1f`.

use std::sync::Arc;

use wechatpay_coupons::keys::wechatpay_public_key;
use wechatpay_coupons::{ApiV3Key, Client, FixedClock, Headers, PlatformCertificate, PublicKey};

/// `now` of the `tests/vectors` cases: every signed seed is within the skew window of it.
pub const NOW: i64 = 1_795_744_800;
/// `keys.json`: `mchid`.
pub const MCHID: &str = "1900000001";
/// `keys.json`: `merchant_serial`.
pub const MERCHANT_SERIAL: &str = "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678";
/// `keys.json`: `public_key_id`.
pub const PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0112345678901234567890123456789012";
/// `keys.json`: `apiv3_key`.
pub const APIV3_KEY: &str = "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya";

/// The merchant private key (PKCS#8).
pub const MERCHANT_KEY_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/merchant_key.pem");
/// The merchant certificate.
pub const MERCHANT_CERT_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/merchant_cert.pem");
/// The WeChat Pay public key.
pub const WECHATPAY_PUB_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/wechatpay_pub_key.pem");
/// The platform certificate (valid 2024–2029).
pub const PLATFORM_CERT_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/platform_cert.pem");
/// Its private key (the sandbox signs with it).
pub const PLATFORM_KEY_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/platform_key.pem");
/// The private half of the WeChat Pay public key.
pub const WECHATPAY_PRIVATE_PEM: &[u8] = include_bytes!("../../tests/vectors/keys/wechatpay_pub_private.pem");

/// A client on the fixed clock [`NOW`] that trusts the WeChat Pay public key and the platform
/// certificate of `tests/vectors` (migration mode) and holds the APIv3 key.
pub fn client() -> Client {
    let build = || {
        Client::builder(MCHID, MERCHANT_SERIAL)
            .private_key_pem(MERCHANT_KEY_PEM)?
            .apiv3_key(APIV3_KEY)?
            .wechatpay_public_key(PUBLIC_KEY_ID, WECHATPAY_PUB_PEM)?
            .platform_certificate(PLATFORM_CERT_PEM)?
            .clock(Arc::new(FixedClock::new(NOW)))
            .build()
    };
    match build() {
        Ok(c) => c,
        Err(e) => panic!("fuzz fixture: the tests/vectors keys do not load: {e}"),
    }
}

/// The APIv3 key of `tests/vectors`.
pub fn apiv3_key() -> ApiV3Key {
    ApiV3Key::new(APIV3_KEY).unwrap_or_else(|e| panic!("fuzz fixture: APIv3 key: {e}"))
}

/// The platform certificate of `tests/vectors`.
pub fn platform_certificate() -> PlatformCertificate {
    PlatformCertificate::from_pem(PLATFORM_CERT_PEM).unwrap_or_else(|e| panic!("fuzz fixture: platform cert: {e}"))
}

/// The WeChat Pay public key of `tests/vectors`.
pub fn wechatpay_key() -> PublicKey {
    wechatpay_public_key(PUBLIC_KEY_ID, WECHATPAY_PUB_PEM).unwrap_or_else(|e| panic!("fuzz fixture: public key: {e}"))
}

/// Splits `data` at the first empty line (`\n\n`): the head before, the raw body after (no
/// empty line: all head, empty body).
pub fn split_head(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(2).position(|w| w == b"\n\n") {
        Some(p) => (&data[..p], &data[p + 2..]),
        None => (data, &[]),
    }
}

/// Header lines `Name: value` (split at the first `:`; one space after it is dropped, the rest
/// of the value is kept as is). A line without `:` is a header with an empty value.
pub fn parse_headers<'a>(lines: impl Iterator<Item = &'a str>) -> Headers {
    let mut headers = Headers::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        headers.append(name, value.strip_prefix(' ').unwrap_or(value));
    }
    headers
}

/// A message: status line (decimal; anything else is 200), headers, empty line, body.
pub fn parse_message(data: &[u8]) -> (u16, Headers, &[u8]) {
    let (head, body) = split_head(data);
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let status = lines.next().and_then(|s| s.trim().parse().ok()).unwrap_or(200);
    (status, parse_headers(lines), body)
}

/// Checks what every error must satisfy: it formats, and its message is not empty.
pub fn check_error(e: &dyn std::error::Error) {
    let text = e.to_string();
    assert!(!text.is_empty(), "an error with an empty message: {e:?}");
}
