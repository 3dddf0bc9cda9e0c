//! The `Client` object: construction from a [`ClientConfig`] or a merchant directory, the
//! foreign [`Signer`] callback, and every call that is not a named coupon operation (those are
//! in [`crate::operations`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use wechatpay_coupons::clock::FixedClock;
use wechatpay_coupons::dynamic::{self, ClientOptions, PemSource, views};
use wechatpay_coupons::error::SignerError as CoreSignerError;
use wechatpay_coupons::favor::ops::PageMode;
use wechatpay_coupons::favor::validation::ValidationPolicy;
use wechatpay_coupons::keys::wechatpay_public_key;
use wechatpay_coupons::{Client as CoreClient, Method, PlatformCertificate};

use crate::error::{Result, WechatPayError, invalid};
use crate::models::FlowFileResponse;
use crate::types::{
    CertificateUpdate, ClientConfig, EncryptedField, KeyMaterial, Notification, NotificationEnvelope, SignedMessage,
    SignedRequest, Verified, VerifiedResponse, response,
};

/// Signs request messages with the merchant key wherever it lives: a JCA `PrivateKey`, the
/// Android Keystore, a KMS, or the merchant's backend. Returns the raw RSA signature
/// (SHA256withRSA, PKCS#1 v1.5) of `message`, not base64. Called from any thread.
#[uniffi::export(with_foreign)]
pub trait Signer: Send + Sync {
    /// The raw signature of `message`.
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>>;
}

/// The core's signer over a foreign one.
struct ForeignSigner(Arc<dyn Signer>);

impl wechatpay_coupons::Signer for ForeignSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CoreSignerError> {
        match self.0.sign(message.to_vec()) {
            Ok(sig) if sig.is_empty() => Err(CoreSignerError("the signer returned no bytes".into())),
            Ok(sig) => Ok(sig),
            Err(WechatPayError::SignerError { text, .. }) => Err(CoreSignerError(text)),
            Err(e) => Err(CoreSignerError(format!("the custom signer failed: {e}"))),
        }
    }
}

/// The signer of a client built with neither a private key nor a `Signer`: such a client
/// verifies, decrypts and decodes (the mobile-safe shape) and refuses to sign.
struct VerifyOnly;

impl wechatpay_coupons::Signer for VerifyOnly {
    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, CoreSignerError> {
        Err(CoreSignerError(
            "this client has no private key and no signer: it verifies and decodes only".into(),
        ))
    }
}

/// A merchant's APIv3 client: builds signed requests and verifies, decrypts and decodes what
/// comes back; no I/O. Thread-safe; build it once and share it.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Client {
    pub(crate) inner: Arc<CoreClient>,
    pub(crate) policy: ValidationPolicy,
    pub(crate) page_mode: Option<PageMode>,
    clock: Option<Arc<FixedClock>>,
    custom_signer: bool,
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Client(mchid={:?}, merchant_serial={:?}, base_url={:?}, trusted_keys={:?}, signer={}, private_key=[redacted], apiv3_key=[redacted])",
            self.inner.mchid(),
            self.inner.merchant_serial(),
            self.inner.base_url(),
            self.inner.key_store().known_ids(),
            if self.custom_signer {
                "custom"
            } else {
                "private key or none"
            },
        )
    }
}

fn pem(k: Arc<KeyMaterial>) -> PemSource {
    PemSource::Bytes(k.to_bytes())
}

fn parse_method(method: &str) -> Result<Method> {
    Method::parse(method).ok_or_else(|| invalid("method", "GET, POST, PUT, PATCH or DELETE"))
}

/// A validation policy from its name (`default`, `strict`) or a JSON object.
pub fn policy_from_text(text: &str) -> Result<ValidationPolicy> {
    Ok(dynamic::policy_from_value(&policy_value(text)?)?)
}

impl Client {
    fn from_options(mut o: ClientOptions, signer: Option<Arc<dyn Signer>>) -> Result<Self> {
        let policy = o.policy()?;
        let page_mode = o.page()?;
        let clock = o.now.take().map(|t| Arc::new(FixedClock::new(t)));
        if o.user_agent.is_none() {
            o.user_agent = Some(format!(
                "wechatpay-coupons-uniffi/{} (uniffi)",
                env!("CARGO_PKG_VERSION")
            ));
        }
        let verify_only = o.private_key.is_none() && signer.is_none();
        let mut b = o.into_builder()?;
        if verify_only {
            b = b.signer(Arc::new(VerifyOnly));
        }
        if let Some(c) = &clock {
            b = b.clock(c.clone());
        }
        let custom_signer = signer.is_some();
        if let Some(s) = signer {
            b = b.signer(Arc::new(ForeignSigner(s)));
        }
        Ok(Self {
            inner: Arc::new(b.build()?),
            policy,
            page_mode,
            clock,
            custom_signer,
        })
    }

    pub(crate) fn policy_or(&self, validation: Option<String>) -> Result<ValidationPolicy> {
        match validation {
            Some(v) => policy_from_text(&v),
            None => Ok(self.policy.clone()),
        }
    }
}

#[uniffi::export]
impl Client {
    /// A client from `config`; `signer` (optional) signs instead of a private key.
    #[uniffi::constructor(default(signer = None))]
    pub fn new(config: ClientConfig, signer: Option<Arc<dyn Signer>>) -> Result<Arc<Self>> {
        let mut o = ClientOptions::default();
        o.mchid = config.mchid;
        o.merchant_serial = config.merchant_serial;
        o.private_key = config.private_key.map(pem);
        o.apiv3_key = config.apiv3_key.map(pem);
        o.wechatpay_public_key_id = config.wechatpay_public_key_id;
        o.wechatpay_public_key = config.wechatpay_public_key.map(pem);
        o.set_platform_certificates(config.platform_certificates.into_iter().map(pem).collect());
        o.base_url = config.base_url;
        o.user_agent = config.user_agent;
        o.now = config.now;
        o.set_nonces(config.nonces);
        o.max_skew = config.max_skew;
        o.allow_http_notify_url = config.allow_http_notify_url;
        o.serial_policy = config.serial_policy;
        o.validation = config.validation.as_deref().map(policy_value).transpose()?;
        o.page_mode = config.page_mode;
        Ok(Arc::new(Self::from_options(o, signer)?))
    }

    /// A client from the `merchant.json` at `path` (the file or its directory), as the sandbox
    /// writes it; `base_url` overrides the file's; `now` fixes the clock (Unix seconds, as
    /// `ClientConfig.now`; move it with `setNow`), for a sandbox started at an injected time.
    #[uniffi::constructor(default(base_url = None, signer = None, now = None))]
    pub fn from_config(
        path: String,
        base_url: Option<String>,
        signer: Option<Arc<dyn Signer>>,
        now: Option<i64>,
    ) -> Result<Arc<Self>> {
        let mut o = dynamic::options_from_config(&path)?;
        if base_url.is_some() {
            o.base_url = base_url;
        }
        if now.is_some() {
            o.now = now;
        }
        Ok(Arc::new(Self::from_options(o, signer)?))
    }

    /// The merchant id.
    pub fn mchid(&self) -> String {
        self.inner.mchid().to_owned()
    }

    /// The merchant API certificate serial.
    pub fn merchant_serial(&self) -> String {
        self.inner.merchant_serial().to_owned()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// The client's current time (Unix seconds).
    pub fn now(&self) -> i64 {
        self.inner.now()
    }

    /// Moves the fixed clock (clients built with `now`) to `now`.
    pub fn set_now(&self, now: i64) -> Result<()> {
        match &self.clock {
            Some(c) => {
                c.set(now);
                Ok(())
            }
            None => Err(invalid("now", "a client built with a fixed clock (now)")),
        }
    }

    /// Ids of the trusted WeChat Pay public keys and platform certificate serials.
    pub fn trusted_keys(&self) -> Vec<String> {
        self.inner.key_store().known_ids()
    }

    /// Trusts another WeChat Pay public key (after a rotation).
    pub fn trust_public_key(&self, key_id: String, pem: Arc<KeyMaterial>) -> Result<()> {
        let key = wechatpay_public_key(&key_id, pem.to_bytes())?;
        self.inner.trust(|s| s.add_public_key(key));
        Ok(())
    }

    /// Trusts a platform certificate (X.509 PEM).
    pub fn trust_certificate(&self, pem: Arc<KeyMaterial>) -> Result<()> {
        let cert = PlatformCertificate::from_pem(pem.to_bytes())?;
        self.inner.trust(|s| s.add_certificate(cert));
        Ok(())
    }

    /// The `Wechatpay-Serial` requests carry (and sensitive fields are encrypted for).
    pub fn request_serial(&self) -> Option<String> {
        self.inner.request_serial()
    }

    /// A fresh `out_request_no`; keep it for retries.
    pub fn out_request_no(&self) -> Result<String> {
        Ok(self.inner.favor().out_request_no()?)
    }

    /// Signs `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n` for `url`.
    pub fn sign(&self, method: String, url: String, body: Vec<u8>) -> Result<SignedMessage> {
        let s = self.inner.sign(parse_method(&method)?, &url, &body)?;
        Ok(SignedMessage {
            message: s.message,
            signature: s.signature,
            authorization: s.authorization,
        })
    }

    /// A signed request to `path_and_query` (already percent-encoded) under the base URL.
    pub fn request(&self, method: String, path_and_query: String, body: Vec<u8>) -> Result<SignedRequest> {
        let r = self.inner.request(parse_method(&method)?, &path_and_query, body)?;
        Ok(SignedRequest::from_core(r, None, &[]))
    }

    /// Re-signs a request with a fresh timestamp and nonce (a retry with the same body),
    /// optionally moved to another base URL.
    #[uniffi::method(default(base_url = None))]
    pub fn resign(&self, request: SignedRequest, base_url: Option<String>) -> Result<SignedRequest> {
        let core = wechatpay_coupons::HttpRequest {
            method: parse_method(&request.method)?,
            url: request.url,
            headers: request.headers.into_iter().collect(),
            body: request.body,
        };
        let r = self.inner.resign(&core, base_url.as_deref())?;
        Ok(SignedRequest::from_core(r, request.operation.as_deref(), &[]))
    }

    /// Verifies the signature headers over a raw body.
    pub fn verify(&self, headers: HashMap<String, Vec<String>>, body: Vec<u8>) -> Result<Verified> {
        let v = self.inner.verify(&crate::types::headers(headers), &body)?;
        Ok(Verified {
            key_id: v.key_id,
            timestamp: v.timestamp,
            nonce: v.nonce,
        })
    }

    /// Any response: a 2xx must verify over the raw body; another status is an `ApiError`.
    pub fn parse_response(
        &self,
        status: u16,
        headers: HashMap<String, Vec<String>>,
        body: Vec<u8>,
    ) -> Result<VerifiedResponse> {
        let v = self.inner.parse_response(&response(status, headers, body))?;
        Ok(VerifiedResponse {
            status: v.status,
            body: v.body,
            key_id: v.key_id,
            request_id: v.request_id,
        })
    }

    /// The signed request of coupon operation `operation` (see `operations()`) from its
    /// parameters as a JSON object; `validation` overrides the client's policy.
    #[uniffi::method(default(validation = None))]
    pub fn build(&self, operation: String, params_json: String, validation: Option<String>) -> Result<SignedRequest> {
        crate::operations::build_text(self, &operation, &params_json, validation)
    }

    /// Verifies and decodes the response of coupon operation `operation`; the decoded response
    /// as JSON text (`null` for an empty 204).
    pub fn parse(
        &self,
        operation: String,
        status: u16,
        headers: HashMap<String, Vec<String>>,
        body: Vec<u8>,
    ) -> Result<String> {
        Ok(crate::operations::parse(self, &operation, status, headers, body)?.to_string())
    }

    /// The signed multipart image upload (JPG, PNG or BMP, at most 2 MiB), checked by the V-IMG
    /// rules under the client's validation policy or `validation`.
    #[uniffi::method(default(validation = None))]
    pub fn upload_image(&self, filename: String, data: Vec<u8>, validation: Option<String>) -> Result<SignedRequest> {
        let policy = self.policy_or(validation)?;
        let built = dynamic::build_image(&self.inner, &filename, &data, &policy)?;
        Ok(SignedRequest::from_core(
            built.request,
            Some("upload_image"),
            &built.warnings,
        ))
    }

    /// A notification's envelope, without verifying or decrypting it.
    pub fn notification_envelope(&self, body: Vec<u8>) -> Result<NotificationEnvelope> {
        Ok(self.inner.notification_envelope(&body)?.into())
    }

    /// Verifies a notification over its raw body, decrypts and types it.
    pub fn parse_notification(&self, headers: HashMap<String, Vec<String>>, body: Vec<u8>) -> Result<Notification> {
        let n = self.inner.parse_notification(&crate::types::headers(headers), &body)?;
        Ok(views::NotificationView::new(n)?.into())
    }

    /// AEAD_AES_256_GCM decryption with the APIv3 key (`ciphertext` is base64 of data‖tag).
    pub fn decrypt_aead(&self, nonce: String, associated_data: String, ciphertext: String) -> Result<Vec<u8>> {
        Ok(self.inner.decrypt_aead(&nonce, &associated_data, &ciphertext)?)
    }

    /// AEAD_AES_256_GCM encryption with the APIv3 key; base64 of ciphertext‖tag.
    pub fn encrypt_aead(&self, nonce: String, associated_data: String, plaintext: Vec<u8>) -> Result<String> {
        Ok(self.inner.encrypt_aead(&nonce, &associated_data, &plaintext)?)
    }

    /// RSA-OAEP (SHA-1) encryption of a sensitive field for the key in `Wechatpay-Serial`.
    pub fn encrypt_sensitive(&self, plaintext: String) -> Result<EncryptedField> {
        let f = self.inner.encrypt_sensitive(&plaintext)?;
        Ok(EncryptedField {
            ciphertext: f.ciphertext,
            serial: f.serial,
        })
    }

    /// Decrypts a field WeChat Pay encrypted for the merchant (RSA-OAEP, the private key).
    pub fn decrypt_sensitive(&self, ciphertext: String) -> Result<String> {
        Ok(self.inner.decrypt_sensitive(&ciphertext)?)
    }

    /// `GET /v3/certificates` (optionally `?algorithm_type=RSA|SM2|ALL`).
    #[uniffi::method(default(algorithm_type = None))]
    pub fn certificates_request(&self, algorithm_type: Option<String>) -> Result<SignedRequest> {
        let r = self.inner.certificates_request(algorithm_type.as_deref())?;
        Ok(SignedRequest::from_core(r, Some("certificates"), &[]))
    }

    /// Verifies a `/v3/certificates` response and trusts its valid certificates.
    pub fn apply_certificates_response(
        &self,
        status: u16,
        headers: HashMap<String, Vec<String>>,
        body: Vec<u8>,
    ) -> Result<CertificateUpdate> {
        let u = self
            .inner
            .apply_certificates_response(&response(status, headers, body))?;
        Ok(CertificateUpdate::from(&u))
    }

    /// The signed `GET` of a bill file. Do not verify its response: digest it with `BillDigest`.
    pub fn bill_file_request(&self, download: FlowFileResponse) -> Result<SignedRequest> {
        let r = self
            .inner
            .favor()
            .bill_file_request(&crate::bills::bill_download(&download)?)?;
        Ok(SignedRequest::from_core(r, Some("bill_file"), &[]))
    }
}

fn policy_value(text: &str) -> Result<serde_json::Value> {
    match text.trim() {
        t if t.starts_with('{') => {
            serde_json::from_str(t).map_err(|e| invalid("validation", format!("a JSON object ({e})")))
        }
        t => Ok(serde_json::Value::String(t.to_owned())),
    }
}
