//! Notifications (回调通知): verify the raw body, read the envelope, decrypt the resource.

use serde::{Deserialize, Serialize};

use crate::cipher::{AEAD_ALGORITHM, aead_decrypt};
use crate::crypto::CryptoProvider;
use crate::error::{DecodeError, DecryptError, Error};
use crate::keys::ApiV3Key;

/// The encrypted `resource` of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EncryptedResource {
    /// Original resource type, e.g. `coupon`.
    #[serde(default, deserialize_with = "crate::lenient::or_default")]
    pub original_type: String,
    /// Must be `AEAD_AES_256_GCM`.
    pub algorithm: String,
    /// Associated data (may be absent: then empty).
    #[serde(default)]
    pub associated_data: Option<String>,
    /// 12-character nonce.
    pub nonce: String,
    /// base64(ciphertext ‖ tag).
    pub ciphertext: String,
}

/// The unencrypted part of a notification, readable before (and without) decryption so a
/// handler can dispatch on `event_type`. Read it only from a verified body to trust it.
///
/// Only `id`, `event_type` and `resource` are required; the other fields may be absent or `null`
/// (read as `""`, as Go's decoder does), so a notification is never refused for them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NotificationEnvelope {
    /// Notification id (dedupe key).
    pub id: String,
    /// RFC 3339 creation time.
    #[serde(default, deserialize_with = "crate::lenient::or_default")]
    pub create_time: String,
    /// e.g. `COUPON.USE`.
    pub event_type: String,
    /// e.g. `encrypt-resource`.
    #[serde(default, deserialize_with = "crate::lenient::or_default")]
    pub resource_type: String,
    /// Human text.
    #[serde(default, deserialize_with = "crate::lenient::or_default")]
    pub summary: String,
    /// Encrypted payload.
    pub resource: EncryptedResource,
}

impl NotificationEnvelope {
    /// Parses the envelope JSON (no verification, no decryption).
    pub fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        serde_json::from_slice(body).map_err(|e| DecodeError {
            what: "notification envelope".into(),
            reason: e.to_string(),
            body: body.to_vec(),
        })
    }

    /// Decrypts `resource` with the APIv3 key; returns the plaintext JSON text.
    pub fn decrypt(&self, crypto: &dyn CryptoProvider, key: &ApiV3Key) -> Result<String, Error> {
        let r = &self.resource;
        if r.algorithm != AEAD_ALGORITHM {
            return Err(DecryptError::UnsupportedAlgorithm {
                algorithm: r.algorithm.clone(),
            }
            .into());
        }
        let pt = aead_decrypt(
            crypto,
            key,
            &r.nonce,
            r.associated_data.as_deref().unwrap_or(""),
            &r.ciphertext,
        )?;
        String::from_utf8(pt).map_err(|_| {
            DecryptError::NotUtf8 {
                what: "notification resource",
            }
            .into()
        })
    }
}

/// A verified and decrypted notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The envelope.
    pub envelope: NotificationEnvelope,
    /// Decrypted resource (JSON text).
    pub plaintext: String,
    /// Id of the key that verified the signature.
    pub key_id: String,
    /// `Request-ID` header, if any.
    pub request_id: Option<String>,
}

/// The answer to send back to WeChat Pay for a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// HTTP status: 200 on success; 4xx/5xx asks WeChat Pay to deliver again.
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: &'static str,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Acknowledgement {
    /// Success: HTTP 200 with `{"code":"SUCCESS","message":"成功"}` (WeChat Pay accepts 200 or 204).
    pub fn success() -> Self {
        Self {
            status: 200,
            content_type: "application/json",
            body: br#"{"code":"SUCCESS","message":"\u6210\u529f"}"#.to_vec(),
        }
    }

    /// Failure: `status` (clamped to 400–599, default 500) with `{"code":"FAIL","message":…}`;
    /// WeChat Pay retries (COUPON.USE: once a minute, 9 times in all).
    pub fn failure(status: u16, message: &str) -> Self {
        let status = if (400..=599).contains(&status) { status } else { 500 };
        let body = serde_json::json!({"code": "FAIL", "message": message})
            .to_string()
            .into_bytes();
        Self {
            status,
            content_type: "application/json",
            body,
        }
    }

    /// The answer for a processing result: verification or decryption failures (including
    /// probes) get 401/400 so WeChat Pay delivers again; other errors 500.
    pub fn for_result<T>(result: &Result<T, Error>) -> Self {
        Self::for_error(result.as_ref().err())
    }

    /// The answer for an outcome: no error → success; a verification failure (probe included)
    /// → 401; a decryption or decoding failure → 400; any other error → 500.
    pub fn for_error(error: Option<&Error>) -> Self {
        Self::for_kind(error.map(Error::kind))
    }

    /// [`for_error`](Self::for_error) from an error's [`kind`](Error::kind) alone, for bindings
    /// whose exceptions carry the kind: `None` → success, `verify`/`probe` → 401,
    /// `decrypt`/`decode` → 400, any other kind (or one unknown to this version) → 500.
    pub fn for_kind(kind: Option<&str>) -> Self {
        match kind {
            None => Self::success(),
            Some("verify" | "probe") => Self::failure(401, "signature verification failed"),
            Some("decrypt" | "decode") => Self::failure(400, "could not decrypt or decode the notification"),
            Some(_) => Self::failure(500, "notification not processed"),
        }
    }
}
