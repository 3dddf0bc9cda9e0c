//! The records and enums Kotlin and Swift see (data classes / structs), and their conversions
//! from the core's types, in one place.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use wechatpay_coupons::dynamic::views::{self, NotificationResource};
use wechatpay_coupons::favor::validation::Violation as CoreViolation;
use wechatpay_coupons::{Headers, HttpRequest, HttpResponse};

use crate::error::Violation;

/// A PEM document or key, given as text or as bytes. Opaque: its `toString()` never shows the
/// material (private keys and the APIv3 key are secrets).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct KeyMaterial {
    bytes: Vec<u8>,
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyMaterial([redacted], {} bytes)", self.bytes.len())
    }
}

impl fmt::Display for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl KeyMaterial {
    /// The bytes of the material.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }
}

#[uniffi::export]
impl KeyMaterial {
    /// Material given as text (PEM, or the 32-character APIv3 key).
    #[uniffi::constructor]
    pub fn text(text: String) -> Arc<Self> {
        Arc::new(Self {
            bytes: text.into_bytes(),
        })
    }

    /// Material given as bytes.
    #[uniffi::constructor]
    pub fn bytes(bytes: Vec<u8>) -> Arc<Self> {
        Arc::new(Self { bytes })
    }
}

/// How to build a [`Client`](crate::client::Client). Only `mchid` and `merchant_serial` are
/// required: a client without `private_key` signs with a foreign `Signer` (or does not sign),
/// one without `apiv3_key` does not decrypt.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ClientConfig {
    /// The merchant id.
    pub mchid: String,
    /// The merchant API certificate serial.
    pub merchant_serial: String,
    /// The merchant private key (PKCS#8 or PKCS#1 PEM). Never ship it inside an app.
    #[uniffi(default)]
    pub private_key: Option<Arc<KeyMaterial>>,
    /// The APIv3 key (32 bytes). Never ship it inside an app.
    #[uniffi(default)]
    pub apiv3_key: Option<Arc<KeyMaterial>>,
    /// The WeChat Pay public key id (`PUB_KEY_ID_…`), with `wechatpay_public_key`.
    #[uniffi(default)]
    pub wechatpay_public_key_id: Option<String>,
    /// The WeChat Pay public key PEM.
    #[uniffi(default)]
    pub wechatpay_public_key: Option<Arc<KeyMaterial>>,
    /// Platform certificates (X.509 PEM).
    #[uniffi(default)]
    pub platform_certificates: Vec<Arc<KeyMaterial>>,
    /// The base URL (default `https://api.mch.weixin.qq.com`).
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// The `User-Agent` header.
    #[uniffi(default)]
    pub user_agent: Option<String>,
    /// A fixed clock (Unix seconds), for tests and replays; move it with `setNow`.
    #[uniffi(default)]
    pub now: Option<i64>,
    /// Fixed nonces used in turn, for tests; empty: random nonces.
    #[uniffi(default)]
    pub nonces: Vec<String>,
    /// Largest accepted `|now − Wechatpay-Timestamp|` in seconds.
    #[uniffi(default)]
    pub max_skew: Option<u64>,
    /// Whether `http://` notify URLs on loopback hosts are accepted (sandbox use).
    #[uniffi(default)]
    pub allow_http_notify_url: bool,
    /// `"auto"` (default), `"omit"` or a fixed `Wechatpay-Serial`.
    #[uniffi(default)]
    pub serial_policy: Option<String>,
    /// The validation policy: `"default"`, `"strict"` or a JSON object (see the README).
    #[uniffi(default)]
    pub validation: Option<String>,
    /// The default page mode: `"page_index"` or `"item_offset"`.
    #[uniffi(default)]
    pub page_mode: Option<String>,
}

/// A signed request: send exactly this method, URL, headers and body with any HTTP client.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedRequest {
    /// HTTP method (`GET`, `POST`, …).
    pub method: String,
    /// Absolute URL, already percent-encoded.
    pub url: String,
    /// Headers, `Authorization` included.
    pub headers: HashMap<String, String>,
    /// Body bytes (empty for `GET`).
    pub body: Vec<u8>,
    /// The coupon operation that built it (`None` for generic requests).
    #[uniffi(default)]
    pub operation: Option<String>,
    /// Validation warnings (errors refuse the build instead).
    #[uniffi(default)]
    pub warnings: Vec<Violation>,
}

impl SignedRequest {
    /// Wraps a core request.
    pub fn from_core(r: HttpRequest, operation: Option<&str>, warnings: &[CoreViolation]) -> Self {
        Self {
            method: r.method.as_str().to_owned(),
            url: r.url,
            headers: r.headers.into_iter().collect(),
            body: r.body,
            operation: operation.map(str::to_owned),
            warnings: warnings.iter().map(Violation::from).collect(),
        }
    }
}

/// Received headers (any case; every value of a repeated header, as `java.net.http` and
/// `com.sun.net.httpserver` give them) into the core's header list.
pub fn headers(h: HashMap<String, Vec<String>>) -> Headers {
    h.into_iter()
        .flat_map(|(name, values)| values.into_iter().map(move |v| (name.clone(), v)))
        .collect()
}

/// A response into the core's.
pub fn response(status: u16, h: HashMap<String, Vec<String>>, body: Vec<u8>) -> HttpResponse {
    HttpResponse::new(status, headers(h), body)
}

/// What was signed, the signature and the `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedMessage {
    /// `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n`.
    pub message: Vec<u8>,
    /// Base64 signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// The facts of a verified signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verified {
    /// The key that verified it (`PUB_KEY_ID_…` or a certificate serial).
    pub key_id: String,
    /// `Wechatpay-Timestamp`.
    pub timestamp: i64,
    /// `Wechatpay-Nonce`.
    pub nonce: String,
}

/// A verified 2xx response.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedResponse {
    /// HTTP status.
    pub status: u16,
    /// Raw body (empty for 204).
    pub body: Vec<u8>,
    /// The key that verified it.
    pub key_id: String,
    /// `Request-ID`.
    pub request_id: Option<String>,
}

/// The encrypted resource of a notification, as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EncryptedResource {
    /// The resource's original type.
    pub original_type: String,
    /// `AEAD_AES_256_GCM`.
    pub algorithm: String,
    /// Associated data.
    pub associated_data: Option<String>,
    /// Nonce.
    pub nonce: String,
    /// Base64 ciphertext‖tag.
    pub ciphertext: String,
}

/// A notification's envelope, read without verifying or decrypting.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotificationEnvelope {
    /// Notification id (dedupe key).
    pub id: String,
    /// Creation time (RFC 3339).
    pub create_time: String,
    /// Event type, e.g. `COUPON.USE`.
    pub event_type: String,
    /// Resource type, e.g. `encrypt-resource`.
    pub resource_type: String,
    /// Summary.
    pub summary: String,
    /// The encrypted payload.
    pub resource: EncryptedResource,
}

impl From<wechatpay_coupons::notify::NotificationEnvelope> for NotificationEnvelope {
    fn from(e: wechatpay_coupons::notify::NotificationEnvelope) -> Self {
        Self {
            id: e.id,
            create_time: e.create_time,
            event_type: e.event_type,
            resource_type: e.resource_type,
            summary: e.summary,
            resource: EncryptedResource {
                original_type: e.resource.original_type,
                algorithm: e.resource.algorithm,
                associated_data: e.resource.associated_data,
                nonce: e.resource.nonce,
                ciphertext: e.resource.ciphertext,
            },
        }
    }
}

/// A verified, decrypted notification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Notification {
    /// Notification id (dedupe key).
    pub id: String,
    /// Creation time (RFC 3339).
    pub create_time: String,
    /// Event type, e.g. `COUPON.USE`.
    pub event_type: String,
    /// Resource type.
    pub resource_type: String,
    /// Summary.
    pub summary: String,
    /// The resource's original type.
    pub original_type: String,
    /// `COUPON.USE`, typed; `None` for other events (and, should a future resource not fit the
    /// record, for that one too: `resource_json` and `plaintext` always hold the resource).
    pub coupon_use: Option<crate::models::CouponUseEvent>,
    /// The decrypted resource as JSON text (`COUPON.USE` in its normalised shape); `None` when
    /// the plaintext is not JSON.
    pub resource_json: Option<String>,
    /// The decrypted plaintext.
    pub plaintext: String,
    /// The key that verified the notification.
    pub key_id: String,
    /// `Request-ID`, if any.
    pub request_id: Option<String>,
}

impl From<views::NotificationView> for Notification {
    fn from(v: views::NotificationView) -> Self {
        let resource_json = match &v.resource {
            NotificationResource::NotJson => None,
            other => serde_json::to_string(other).ok(),
        };
        let coupon_use = match &v.resource {
            NotificationResource::CouponUse(e) => {
                let value = serde_json::to_value(&**e).unwrap_or(serde_json::Value::Null);
                crate::wire::from_json("COUPON.USE resource", value).ok()
            }
            _ => None,
        };
        Self {
            id: v.id,
            create_time: v.create_time,
            event_type: v.event_type,
            resource_type: v.resource_type,
            summary: v.summary,
            original_type: v.original_type,
            coupon_use,
            resource_json,
            plaintext: v.plaintext,
            key_id: v.key_id,
            request_id: v.request_id,
        }
    }
}

/// The answer to send back for a notification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Acknowledgement {
    /// HTTP status: 200 on success; 4xx/5xx asks WeChat Pay to deliver again.
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: String,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl From<wechatpay_coupons::notify::Acknowledgement> for Acknowledgement {
    fn from(a: wechatpay_coupons::notify::Acknowledgement) -> Self {
        Self {
            status: a.status,
            content_type: a.content_type.to_owned(),
            body: a.body,
        }
    }
}

/// An RSA-OAEP encrypted sensitive field and the key it was encrypted for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EncryptedField {
    /// Base64 ciphertext.
    pub ciphertext: String,
    /// Serial or `PUB_KEY_ID_…`; the request must carry it in `Wechatpay-Serial`.
    pub serial: String,
}

/// A platform certificate from `/v3/certificates`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
    /// Serial (upper-case hex).
    pub serial: String,
    /// Validity start (Unix seconds).
    pub not_before: i64,
    /// Validity end (Unix seconds).
    pub not_after: i64,
    /// The certificate PEM.
    pub pem: String,
}

/// What applying a `/v3/certificates` response changed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateUpdate {
    /// Serials added to (or refreshed in) the store.
    pub added: Vec<String>,
    /// Serials in the response that are already expired (not added).
    pub expired: Vec<String>,
    /// The key that verified the response.
    pub verified_by: String,
    /// Whether the response was verified with a certificate it contains.
    pub trust_on_first_use: bool,
    /// When to download again (Unix seconds).
    pub refresh_at: i64,
    /// Every certificate in the response.
    pub certificates: Vec<CertificateInfo>,
}

impl From<&wechatpay_coupons::certificates::CertificateUpdate> for CertificateUpdate {
    fn from(u: &wechatpay_coupons::certificates::CertificateUpdate) -> Self {
        let v = views::CertificateUpdateView::from(u);
        Self {
            added: v.added.to_vec(),
            expired: v.expired.to_vec(),
            verified_by: v.verified_by.to_owned(),
            trust_on_first_use: v.trust_on_first_use,
            refresh_at: v.refresh_at,
            certificates: v
                .certificates
                .iter()
                .map(|c| CertificateInfo {
                    serial: c.serial.to_owned(),
                    not_before: c.not_before,
                    not_after: c.not_after,
                    pem: c.pem.to_owned(),
                })
                .collect(),
        }
    }
}

/// Whether, when and where to retry a failed call.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RetryAdvice {
    /// Whether to retry.
    pub retry: bool,
    /// How long to wait first (ms).
    pub delay_ms: u64,
    /// Whether to move to the backup host (re-sign with `resign(request, baseUrl)`).
    pub use_backup_host: bool,
    /// The base URL to use when moving.
    pub base_url: Option<String>,
}

impl From<wechatpay_coupons::dynamic::RetryAdvice> for RetryAdvice {
    fn from(a: wechatpay_coupons::dynamic::RetryAdvice) -> Self {
        Self {
            retry: a.retry,
            delay_ms: a.delay_ms,
            use_backup_host: a.use_backup_host,
            base_url: a.base_url.map(str::to_owned),
        }
    }
}
