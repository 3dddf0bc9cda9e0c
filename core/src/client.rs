//! [`Client`]: merchant identity, keys, clock and nonce source in one place; builds signed
//! request descriptors and consumes responses and notifications. No I/O.

use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::certificates::{CERTIFICATES_PATH, CertificateUpdate, apply_certificates_response};
use crate::cipher::{EncryptedField, aead_decrypt, aead_encrypt, oaep_encrypt};
use crate::clock::{Clock, NonceSource, RandomNonce, SystemClock};
use crate::crypto::{BuiltinCrypto, CryptoProvider};
use crate::error::{ApiError, DecodeError, DecryptError, Error, InputError, KeyError, Result};
use crate::http::{Headers, HttpRequest, HttpResponse, Method, split_url};
use crate::keys::{ApiV3Key, MerchantPrivateKey, PlatformCertificate, PublicKey, wechatpay_public_key};
use crate::notify::{Notification, NotificationEnvelope};
use crate::sign::{SignedMessage, Signer, SizedSigner, sign_message};
use crate::validation::{ValidationContext, ValidationPolicy};
use crate::verify::{DEFAULT_MAX_SKEW, KeyStore, Verified, verify_message};

/// Primary API host.
pub const PRIMARY_BASE_URL: &str = "https://api.mch.weixin.qq.com";
/// Backup API host (a different site, same API).
pub const BACKUP_BASE_URL: &str = "https://api2.mch.weixin.qq.com";

/// Which key id the client names in the `Wechatpay-Serial` request header. WeChat Pay signs the
/// response with the key named there (this is how a merchant migrates from platform
/// certificates to a WeChat Pay public key), and requests carrying encrypted fields must name
/// the key they were encrypted with.
///
/// Rotating the WeChat Pay public key: configure the new key *after* the old one (a later
/// [`ClientBuilder::wechatpay_public_key`] call, or [`Client::trust`] at run time). `Auto` then
/// names the new key while messages signed with either key still verify; once WeChat Pay signs
/// with the new key only, drop the old one from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SerialPolicy {
    /// The newest configured WeChat Pay public key (the one added last) if any, else the valid
    /// platform certificate that expires last, named by its serial with leading zeros kept
    /// ([`PlatformCertificate::serial_no`], as the official Go SDK writes it).
    #[default]
    Auto,
    /// Always this value.
    Fixed(String),
    /// Send no `Wechatpay-Serial` header.
    Omit,
}

/// Builder for [`Client`].
pub struct ClientBuilder {
    mchid: String,
    merchant_serial: String,
    signer: Option<Arc<dyn Signer>>,
    merchant_key: Option<Arc<MerchantPrivateKey>>,
    apiv3_key: Option<ApiV3Key>,
    store: KeyStore,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn NonceSource>,
    crypto: Arc<dyn CryptoProvider>,
    base_url: String,
    user_agent: String,
    max_skew: u64,
    serial_policy: SerialPolicy,
    allow_http_notify_url: bool,
}

impl ClientBuilder {
    /// The merchant private key as PEM (PKCS#8 or PKCS#1); also enables OAEP decryption.
    pub fn private_key_pem(mut self, pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        let key = Arc::new(MerchantPrivateKey::from_pem(pem)?);
        self.signer = Some(key.clone());
        self.merchant_key = Some(key);
        Ok(self)
    }

    /// An already parsed merchant private key.
    pub fn private_key(mut self, key: Arc<MerchantPrivateKey>) -> Self {
        self.signer = Some(key.clone());
        self.merchant_key = Some(key);
        self
    }

    /// A custom signer (HSM/KMS, host crypto). Replaces the private key for signing only.
    pub fn signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// The APIv3 key (32 bytes), needed for notifications and certificate download.
    pub fn apiv3_key(mut self, key: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        self.apiv3_key = Some(ApiV3Key::new(key)?);
        Ok(self)
    }

    /// Trusts a WeChat Pay public key (`PUB_KEY_ID_…` + SPKI PEM).
    pub fn wechatpay_public_key(mut self, id: &str, pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        self.store.add_public_key(wechatpay_public_key(id, pem)?);
        Ok(self)
    }

    /// Trusts a platform certificate (X.509 PEM).
    pub fn platform_certificate(mut self, pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        self.store.add_certificate(PlatformCertificate::from_pem(pem)?);
        Ok(self)
    }

    /// Base URL (default [`PRIMARY_BASE_URL`]); the sandbox gives its own.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// `User-Agent` (default `wechatpay-coupons-rust/<version> (<backend>)`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Clock (default: system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Nonce source (default: 32 random `[0-9A-Za-z]`).
    pub fn nonce_source(mut self, nonce: Arc<dyn NonceSource>) -> Self {
        self.nonce = nonce;
        self
    }

    /// Crypto provider for verification, OAEP and AEAD (default: the built-in backend).
    pub fn crypto(mut self, crypto: Arc<dyn CryptoProvider>) -> Self {
        self.crypto = crypto;
        self
    }

    /// Largest accepted clock difference for signed messages (default 300 s, exclusive).
    pub fn max_skew(mut self, seconds: u64) -> Self {
        self.max_skew = seconds;
        self
    }

    /// `Wechatpay-Serial` request header policy.
    pub fn serial_policy(mut self, policy: SerialPolicy) -> Self {
        self.serial_policy = policy;
        self
    }

    /// Allows `http://` notify URLs on loopback hosts (sandbox only; WeChat Pay requires https).
    pub fn allow_http_notify_url(mut self, allow: bool) -> Self {
        self.allow_http_notify_url = allow;
        self
    }

    /// Builds the client.
    // On wasm32 the seams need not be Send + Sync (crate::host), so this Arc is single-threaded there.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn build(self) -> Result<Client, Error> {
        let signer = self.signer.ok_or(KeyError::Missing {
            what: "merchant private key",
            hint: "call private_key_pem() or signer()",
        })?;
        if self.mchid.is_empty() || !self.mchid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InputError::Invalid {
                field: "mchid".into(),
                expected: "the merchant id: decimal digits".into(),
            }
            .into());
        }
        if self.merchant_serial.is_empty() || !self.merchant_serial.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyError::InvalidSerial {
                value: self.merchant_serial,
            }
            .into());
        }
        check_origin("base_url", &self.base_url)?;
        // A custom signer next to the private key must produce signatures of that key's length.
        let signer: Arc<dyn Signer> = match (&self.merchant_key, signer.signature_len()) {
            (Some(key), None) => Arc::new(SizedSigner {
                signer,
                len: key.bits().div_ceil(8),
            }),
            _ => signer,
        };
        Ok(Client {
            mchid: self.mchid,
            merchant_serial: self.merchant_serial,
            signer,
            merchant_key: self.merchant_key,
            apiv3_key: self.apiv3_key,
            store: RwLock::new(self.store),
            clock: self.clock,
            nonce: self.nonce,
            crypto: self.crypto,
            base_url: self.base_url,
            user_agent: self.user_agent,
            max_skew: self.max_skew,
            serial_policy: self.serial_policy,
            allow_http_notify_url: self.allow_http_notify_url,
        })
    }
}

/// A merchant's APIv3 client: builds signed [`HttpRequest`]s and verifies what comes back.
///
/// Keys are parsed once at construction. The client is `Send + Sync`; the key store sits behind
/// a lock so certificate refreshes can run while other threads sign and verify.
pub struct Client {
    mchid: String,
    merchant_serial: String,
    signer: Arc<dyn Signer>,
    merchant_key: Option<Arc<MerchantPrivateKey>>,
    apiv3_key: Option<ApiV3Key>,
    store: RwLock<KeyStore>,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn NonceSource>,
    crypto: Arc<dyn CryptoProvider>,
    base_url: String,
    user_agent: String,
    max_skew: u64,
    serial_policy: SerialPolicy,
    allow_http_notify_url: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("mchid", &self.mchid)
            .field("merchant_serial", &self.merchant_serial)
            .field("base_url", &self.base_url)
            .field("private_key", &"[redacted]")
            .field("apiv3_key", &self.apiv3_key.as_ref().map(|_| "[redacted]"))
            .field("trusted_keys", &self.read_store().known_ids())
            .finish()
    }
}

/// A verified 2xx response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedResponse {
    /// HTTP status.
    pub status: u16,
    /// Raw body bytes (empty for 204).
    pub body: Vec<u8>,
    /// Id of the key that verified the signature.
    pub key_id: String,
    /// `Request-ID`.
    pub request_id: Option<String>,
}

impl VerifiedResponse {
    /// Decodes the body as JSON into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body).map_err(|e| DecodeError {
            what: what.to_owned(),
            reason: e.to_string(),
            body: self.body.clone(),
        })
    }
}

impl Client {
    /// Starts a builder for merchant `mchid` whose API certificate has serial `merchant_serial`.
    pub fn builder(mchid: impl Into<String>, merchant_serial: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            mchid: mchid.into(),
            merchant_serial: merchant_serial.into().trim().to_ascii_uppercase(),
            signer: None,
            merchant_key: None,
            apiv3_key: None,
            store: KeyStore::new(),
            clock: Arc::new(SystemClock),
            nonce: Arc::new(RandomNonce),
            crypto: Arc::new(BuiltinCrypto),
            base_url: PRIMARY_BASE_URL.to_owned(),
            user_agent: format!(
                "wechatpay-coupons-rust/{} ({})",
                env!("CARGO_PKG_VERSION"),
                crate::crypto::BACKEND
            ),
            max_skew: DEFAULT_MAX_SKEW,
            serial_policy: SerialPolicy::Auto,
            allow_http_notify_url: false,
        }
    }

    /// The merchant id.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// The merchant certificate serial.
    pub fn merchant_serial(&self) -> &str {
        &self.merchant_serial
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The client's current time (from its clock).
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Whether http notify URLs on loopback are allowed (sandbox).
    pub fn allows_http_notify_url(&self) -> bool {
        self.allow_http_notify_url
    }

    /// The crypto provider in use.
    pub fn crypto(&self) -> &dyn CryptoProvider {
        self.crypto.as_ref()
    }

    fn read_store(&self) -> std::sync::RwLockReadGuard<'_, KeyStore> {
        self.store.read().unwrap_or_else(|p| p.into_inner())
    }

    /// A snapshot of the trusted WeChat Pay keys.
    pub fn key_store(&self) -> KeyStore {
        self.read_store().clone()
    }

    /// Adds trusted keys (e.g. a rotated WeChat Pay public key).
    pub fn trust(&self, f: impl FnOnce(&mut KeyStore)) {
        let mut s = self.store.write().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
    }

    /// The `Wechatpay-Serial` value the client sends, per its [`SerialPolicy`].
    pub fn request_serial(&self) -> Option<String> {
        match &self.serial_policy {
            SerialPolicy::Fixed(s) => Some(s.clone()),
            SerialPolicy::Omit => None,
            SerialPolicy::Auto => {
                let store = self.read_store();
                store
                    .newest_public_key()
                    .map(|k| k.id().to_owned())
                    .or_else(|| store.newest_certificate(self.now()).map(|c| c.serial_no.clone()))
            }
        }
    }

    /// A fresh nonce from the client's nonce source (also usable as a multipart boundary).
    pub fn nonce(&self) -> Result<String> {
        Ok(self.nonce.nonce()?)
    }

    /// The validation context of this client: its mchid, its clock's now and its sandbox
    /// setting, with the clock grace of `policy`.
    pub fn validation_context(&self, policy: &ValidationPolicy) -> ValidationContext<'_> {
        ValidationContext {
            mchid: self.mchid(),
            now: self.now(),
            allow_http_notify_url: self.allows_http_notify_url(),
            begin_time_grace_secs: policy.begin_time_grace_secs,
        }
    }

    /// Signs `body` for `method` + `url` with the client's clock and a fresh nonce; returns the
    /// exact signed message and header (what the CLI's `sign` prints on `SIGN_ERROR`).
    pub fn sign(&self, method: Method, url: &str, signed_body: &[u8]) -> Result<SignedMessage> {
        let nonce = self.nonce.nonce()?;
        self.sign_with(method, url, signed_body, self.now(), &nonce)
    }

    /// Like [`Client::sign`] with an explicit timestamp and nonce.
    pub fn sign_with(
        &self,
        method: Method,
        url: &str,
        signed_body: &[u8],
        timestamp: i64,
        nonce: &str,
    ) -> Result<SignedMessage> {
        let (_, target) = split_url(url)?;
        sign_message(
            self.signer.as_ref(),
            &self.mchid,
            &self.merchant_serial,
            method,
            target,
            timestamp,
            nonce,
            signed_body,
        )
    }

    /// Builds a signed request to `path_and_query` (already percent-encoded) under the base URL.
    /// A non-empty body is sent as `application/json`.
    pub fn request(&self, method: Method, path_and_query: &str, body: Vec<u8>) -> Result<HttpRequest> {
        if !path_and_query.starts_with('/') {
            return Err(InputError::Invalid {
                field: "path".into(),
                expected: "an absolute path starting with / (e.g. /v3/marketing/favor/stocks)".into(),
            }
            .into());
        }
        let url = format!("{}{}", self.base_url, path_and_query);
        let content_type = (!body.is_empty()).then_some("application/json");
        self.signed_request(method, url, body, content_type, None)
    }

    /// Builds a signed request; `signed_body` overrides what is signed (image upload signs `meta`).
    pub fn signed_request(
        &self,
        method: Method,
        url: String,
        body: Vec<u8>,
        content_type: Option<&str>,
        signed_body: Option<&[u8]>,
    ) -> Result<HttpRequest> {
        let signed = self.sign(method, &url, signed_body.unwrap_or(&body))?;
        let mut headers = Headers::new();
        headers.append("Authorization", signed.authorization);
        headers.append("Accept", "application/json");
        headers.append("User-Agent", self.user_agent.clone());
        if let Some(ct) = content_type {
            headers.append("Content-Type", ct);
        }
        if let Some(serial) = self.request_serial() {
            headers.append("Wechatpay-Serial", serial);
        }
        Ok(HttpRequest {
            method,
            url,
            headers,
            body,
        })
    }

    /// Re-signs a request with a fresh timestamp and nonce (for a retry: same body, same
    /// `out_request_no`), optionally moving it to another base URL such as [`BACKUP_BASE_URL`].
    /// Uploads (`multipart/form-data`) are re-signed over their `meta` part.
    pub fn resign(&self, request: &HttpRequest, new_base_url: Option<&str>) -> Result<HttpRequest> {
        let (origin, target) = split_url(&request.url)?;
        let url = match new_base_url {
            Some(b) => {
                let b = b.trim_end_matches('/');
                check_origin("new_base_url", b)?;
                format!("{b}{target}")
            }
            None => format!("{origin}{target}"),
        };
        let meta = if crate::multipart::is_multipart(&request.headers) {
            crate::multipart::meta_part(&request.body)
        } else {
            None
        };
        let signed = self.sign(request.method, &url, meta.unwrap_or(&request.body))?;
        let mut headers = request.headers.clone();
        headers.set("Authorization", signed.authorization);
        Ok(HttpRequest {
            method: request.method,
            url,
            headers,
            body: request.body.clone(),
        })
    }

    /// Verifies a signed message's headers and raw body with the trusted keys.
    pub fn verify(&self, headers: &Headers, body: &[u8]) -> Result<Verified> {
        Ok(verify_message(
            &self.read_store(),
            self.crypto.as_ref(),
            headers,
            body,
            self.now(),
            self.max_skew,
        )?)
    }

    /// Consumes a response: a 2xx must carry a valid signature; anything else becomes
    /// [`Error::Api`] (error bodies are not signed and are not verified).
    pub fn parse_response(&self, response: &HttpResponse) -> Result<VerifiedResponse> {
        let request_id = response.request_id().map(str::to_owned);
        if !(200..300).contains(&response.status) {
            return Err(ApiError::from_response(response.status, request_id, &response.body).into());
        }
        let v = self.verify(&response.headers, &response.body)?;
        Ok(VerifiedResponse {
            status: response.status,
            body: response.body.clone(),
            key_id: v.key_id,
            request_id,
        })
    }

    fn apiv3_key(&self) -> Result<&ApiV3Key> {
        self.apiv3_key.as_ref().ok_or_else(|| {
            KeyError::Missing {
                what: "APIv3 key",
                hint: "call apiv3_key() on the builder; notifications and certificates need it",
            }
            .into()
        })
    }

    /// Reads a notification's envelope without verifying or decrypting (to dispatch early).
    pub fn notification_envelope(&self, body: &[u8]) -> Result<NotificationEnvelope> {
        Ok(NotificationEnvelope::parse(body)?)
    }

    /// Verifies a notification over its raw body, then decrypts its resource.
    pub fn parse_notification(&self, headers: &Headers, body: &[u8]) -> Result<Notification> {
        let key = self.apiv3_key()?;
        let v = self.verify(headers, body)?;
        let envelope = NotificationEnvelope::parse(body)?;
        let plaintext = envelope.decrypt(self.crypto.as_ref(), key)?;
        Ok(Notification {
            envelope,
            plaintext,
            key_id: v.key_id,
            request_id: headers.get("request-id").map(str::to_owned),
        })
    }

    /// AEAD_AES_256_GCM decryption with the APIv3 key.
    pub fn decrypt_aead(&self, nonce: &str, associated_data: &str, ciphertext_b64: &str) -> Result<Vec<u8>> {
        Ok(aead_decrypt(
            self.crypto.as_ref(),
            self.apiv3_key()?,
            nonce,
            associated_data,
            ciphertext_b64,
        )?)
    }

    /// AEAD_AES_256_GCM encryption with the APIv3 key (base64 output).
    pub fn encrypt_aead(&self, nonce: &str, associated_data: &str, plaintext: &[u8]) -> Result<String> {
        aead_encrypt(
            self.crypto.as_ref(),
            self.apiv3_key()?,
            nonce,
            associated_data,
            plaintext,
        )
    }

    /// RSA-OAEP (SHA-1) encryption of a sensitive field with the key the request will name in
    /// `Wechatpay-Serial` (see [`Client::request_serial`]); the result says which serial that is.
    pub fn encrypt_sensitive(&self, plaintext: &str) -> Result<EncryptedField> {
        let serial = self.request_serial().ok_or(KeyError::Missing {
            what: "WeChat Pay public key or platform certificate",
            hint: "configure one to encrypt sensitive fields",
        })?;
        let store = self.read_store();
        let key = store.lookup(&serial, self.now())?;
        let mut field = oaep_encrypt(self.crypto.as_ref(), key, plaintext.as_bytes())?;
        // Name the key exactly as the request header does (a certificate serial keeps its
        // leading zeros there).
        field.serial = serial;
        Ok(field)
    }

    /// RSA-OAEP (SHA-1) encryption with a specific trusted key.
    pub fn encrypt_sensitive_with(&self, key: &PublicKey, plaintext: &str) -> Result<EncryptedField> {
        Ok(oaep_encrypt(self.crypto.as_ref(), key, plaintext.as_bytes())?)
    }

    /// Decrypts a field that WeChat Pay encrypted for this merchant (needs the private key).
    pub fn decrypt_sensitive(&self, ciphertext_b64: &str) -> Result<String> {
        let ct = || {
            B64.decode(ciphertext_b64.trim())
                .map_err(|_| DecryptError::InvalidBase64 { field: "ciphertext" })
        };
        let pt = match &self.merchant_key {
            Some(key) => key.decrypt_oaep(&ct()?)?,
            None => match self.signer.decrypt_oaep_sha1(&ct()?) {
                Some(Ok(pt)) => pt,
                Some(Err(_)) => return Err(DecryptError::OaepFailed.into()),
                None => {
                    return Err(KeyError::Missing {
                        what: "merchant private key",
                        hint: "this custom signer cannot decrypt; configure the private key",
                    }
                    .into());
                }
            },
        };
        Ok(String::from_utf8(pt).map_err(|_| DecryptError::NotUtf8 {
            what: "sensitive field",
        })?)
    }

    /// `GET /v3/certificates` (optionally `?algorithm_type=RSA|SM2|ALL`).
    pub fn certificates_request(&self, algorithm_type: Option<&str>) -> Result<HttpRequest> {
        let path = match algorithm_type {
            Some(a) => format!(
                "{CERTIFICATES_PATH}?algorithm_type={}",
                crate::sign::encode_query_value(a)
            ),
            None => CERTIFICATES_PATH.to_owned(),
        };
        self.request(Method::Get, &path, Vec::new())
    }

    /// Consumes the `/v3/certificates` response and merges valid certificates into the store.
    /// See [`crate::certificates`] for the trust-on-first-use rule.
    pub fn apply_certificates_response(&self, response: &HttpResponse) -> Result<CertificateUpdate> {
        let key = self.apiv3_key()?;
        let mut store = self.store.write().unwrap_or_else(|p| p.into_inner());
        apply_certificates_response(
            &mut store,
            self.crypto.as_ref(),
            key,
            response,
            self.now(),
            self.max_skew,
        )
    }
}

/// Refuses a base URL that is not a bare `http(s)://host[:port]` origin (a trailing `/` was
/// already removed): a path or query would silently change every request target.
pub(crate) fn check_origin(field: &str, base: &str) -> Result<(), InputError> {
    let invalid = || InputError::Invalid {
        field: field.to_owned(),
        expected: format!(
            "an http(s):// origin such as https://api.mch.weixin.qq.com, without path, query or fragment; got {:?}",
            crate::error::echo(base)
        ),
    };
    match split_url(&format!("{base}/")) {
        Ok((_, "/")) if !base.contains('@') => Ok(()),
        _ => Err(invalid()),
    }
}
