//! The client over the core: options in, signed requests out, verified and decoded results
//! back, all through the core's binding-facing layer ([`wechatpay_coupons::dynamic`]).
//!
//! Structured values cross as JSON text (the JS layer calls `JSON.stringify`/`JSON.parse`,
//! which V8 does faster than building objects field by field from wasm); bytes cross as
//! `Uint8Array`.

use std::sync::Arc;

use js_sys::Function;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wechatpay_coupons::clock::FixedClock;
use wechatpay_coupons::dynamic::{self, ClientOptions, views};
use wechatpay_coupons::favor::bills::BillDownload;
use wechatpay_coupons::favor::validation::ValidationPolicy;
use wechatpay_coupons::keys::wechatpay_public_key;
use wechatpay_coupons::{CheckedPrivateKey, Client as CoreClient, PlatformCertificate};

use crate::errors::{IntoJs, JsResult, invalid, to_js};
use crate::host::{DateClock, JsClock, JsCrypto, JsSigner};
use crate::request::{NativeRequest, headers_from, method_from, request_from, response_from};

/// JSON text of a serialisable value.
pub fn json<T: Serialize + ?Sized>(value: &T) -> JsResult<String> {
    serde_json::to_string(value).map_err(|e| invalid("result", "type", &format!("not serialisable: {e}")))
}

/// A JSON text argument decoded, naming `field` when it is not JSON.
pub fn parse_json(field: &str, text: &str) -> JsResult<Value> {
    serde_json::from_str(text).map_err(|_| invalid(field, "type", "JSON-serialisable data"))
}

fn violations_json(warnings: &[wechatpay_coupons::favor::validation::Violation]) -> JsResult<String> {
    json(warnings)
}

/// A merchant's APIv3 client; the JS `Client` wraps it.
#[wasm_bindgen]
pub struct NativeClient {
    inner: CoreClient,
    clock: Option<Arc<FixedClock>>,
    policy: ValidationPolicy,
    page_mode: Option<wechatpay_coupons::favor::ops::PageMode>,
    custom_signer: bool,
    crypto: String,
}

#[wasm_bindgen]
impl NativeClient {
    /// Builds a client from `options` (JSON of the core's `ClientOptions`, snake_case), an
    /// optional signer function (with its `decrypt` twin), an optional crypto host object and an
    /// optional clock function. `host_key` is the merchant private key PEM when the host signs
    /// with it (node:crypto): the core checks it here, reporting what a bad key would, and never
    /// loads it, so the key is parsed once, by the host.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: &str,
        signer: Option<Function>,
        decrypt: Option<Function>,
        host_key: Option<Vec<u8>>,
        crypto: JsValue,
        clock: Option<Function>,
    ) -> JsResult<NativeClient> {
        let mut options = ClientOptions::from_value(parse_json("options", options)?).js()?;
        let policy = options.policy().js()?;
        let page_mode = options.page().js()?;
        let fixed = options.now.take().map(|t| Arc::new(FixedClock::new(t)));
        let custom_signer = signer.is_some();
        if options.user_agent.is_none() {
            options.user_agent = Some(format!("wechatpay-coupons-node/{} (wasm)", env!("CARGO_PKG_VERSION")));
        }
        let mut b = options.into_builder().js()?;
        let len = match &host_key {
            Some(pem) => Some(CheckedPrivateKey::from_pem(pem).js()?.bits.div_ceil(8)),
            None => None,
        };
        if let Some(f) = signer {
            b = b.signer(Arc::new(JsSigner::new(f, decrypt, len)));
        }
        let mut crypto_name = wechatpay_coupons::crypto::BACKEND.to_owned();
        if !crypto.is_undefined() && !crypto.is_null() {
            let host = JsCrypto::from_host(&crypto).ok_or_else(|| {
                invalid(
                    "crypto",
                    "type",
                    "an object with verify, oaepEncrypt, gcmOpen and gcmSeal functions",
                )
            })?;
            crypto_name = wechatpay_coupons::CryptoProvider::name(&host).to_owned();
            b = b.crypto(Arc::new(host));
        }
        if let Some(c) = &fixed {
            b = b.clock(c.clone());
        } else if let Some(f) = clock {
            b = b.clock(Arc::new(JsClock(f)));
        } else {
            b = b.clock(Arc::new(DateClock));
        }
        let inner = b.build().js()?;
        Ok(Self {
            inner,
            clock: fixed,
            policy,
            page_mode,
            custom_signer,
            crypto: crypto_name,
        })
    }

    /// `{mchid, merchant_serial, base_url, trusted_keys, signer, crypto}` as JSON: what
    /// `util.inspect` shows. No key material.
    pub fn describe(&self) -> JsResult<String> {
        json(&serde_json::json!({
            "mchid": self.inner.mchid(),
            "merchant_serial": self.inner.merchant_serial(),
            "base_url": self.inner.base_url(),
            "trusted_keys": self.inner.key_store().known_ids(),
            "signer": if self.custom_signer { "custom" } else { "private key" },
            "crypto": self.crypto,
        }))
    }

    /// The client's current time (Unix seconds).
    pub fn now(&self) -> f64 {
        self.inner.now() as f64
    }

    /// Moves a fixed clock (clients built with a numeric `now`).
    #[wasm_bindgen(js_name = setNow)]
    pub fn set_now(&self, now: f64) -> JsResult<()> {
        if !now.is_finite() || now.fract() != 0.0 {
            return Err(invalid("now", "type", "Unix seconds as an integer"));
        }
        match &self.clock {
            Some(c) => {
                c.set(now as i64);
                Ok(())
            }
            None => Err(invalid(
                "now",
                "invalid_input",
                "the client was built without a fixed clock (a numeric now)",
            )),
        }
    }

    /// Ids of the trusted WeChat Pay public keys and platform certificate serials (JSON array).
    #[wasm_bindgen(js_name = trustedKeys)]
    pub fn trusted_keys(&self) -> JsResult<String> {
        json(&self.inner.key_store().known_ids())
    }

    /// Trusts another WeChat Pay public key.
    #[wasm_bindgen(js_name = trustPublicKey)]
    pub fn trust_public_key(&self, key_id: &str, pem: &[u8]) -> JsResult<()> {
        let key = wechatpay_public_key(key_id, pem).js()?;
        self.inner.trust(|s| s.add_public_key(key));
        Ok(())
    }

    /// Trusts a platform certificate (PEM).
    #[wasm_bindgen(js_name = trustCertificate)]
    pub fn trust_certificate(&self, pem: &[u8]) -> JsResult<()> {
        let cert = PlatformCertificate::from_pem(pem).js()?;
        self.inner.trust(|s| s.add_certificate(cert));
        Ok(())
    }

    /// The `Wechatpay-Serial` requests carry, if any.
    #[wasm_bindgen(js_name = requestSerial)]
    pub fn request_serial(&self) -> Option<String> {
        self.inner.request_serial()
    }

    /// A fresh `out_request_no`.
    #[wasm_bindgen(js_name = outRequestNo)]
    pub fn out_request_no(&self) -> JsResult<String> {
        self.inner.favor().out_request_no().js()
    }

    /// Signs `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n` for `url` (JSON of the signed-message view).
    pub fn sign(&self, method: &str, url: &str, body: &[u8]) -> JsResult<String> {
        let m = method_from(method)?;
        let signed = self.inner.sign(m, url, body).js()?;
        json(&views::SignedMessageView::from(&signed))
    }

    /// A signed request to `path` (path and query, percent-encoded) under the base URL.
    pub fn request(&self, method: &str, path: &str, body: Vec<u8>) -> JsResult<NativeRequest> {
        let m = method_from(method)?;
        let r = self.inner.request(m, path, body).js()?;
        Ok(NativeRequest::new(r, "[]".into()))
    }

    /// Re-signs a request (fresh timestamp and nonce), optionally for another base URL.
    pub fn resign(
        &self,
        method: &str,
        url: String,
        headers: &str,
        body: Vec<u8>,
        base_url: Option<String>,
    ) -> JsResult<NativeRequest> {
        let r = request_from(method, url, headers, body)?;
        let out = self.inner.resign(&r, base_url.as_deref()).js()?;
        Ok(NativeRequest::new(out, "[]".into()))
    }

    /// Verifies signature headers over a raw body (JSON `{key_id, timestamp, nonce}`).
    pub fn verify(&self, headers: &str, body: &[u8]) -> JsResult<String> {
        let h = headers_from(headers)?;
        let v = self.inner.verify(&h, body).js()?;
        json(&views::VerifiedView::from(&v))
    }

    /// Consumes any response: JSON `{status, key_id, request_id}` after verification and after
    /// checking that a non-empty body is JSON (the JS layer parses the body bytes it holds, so
    /// the body is not decoded and re-encoded here).
    #[wasm_bindgen(js_name = parseResponse)]
    pub fn parse_response(&self, status: u16, headers: &str, body: Vec<u8>) -> JsResult<String> {
        let resp = response_from(status, headers, body)?;
        let v = self.inner.parse_response(&resp).js()?;
        if !v.body.is_empty()
            && let Err(e) = serde_json::from_slice::<Value>(&v.body)
        {
            return Err(to_js(&wechatpay_coupons::Error::from(
                wechatpay_coupons::error::DecodeError {
                    what: "response body".to_owned(),
                    reason: e.to_string(),
                    body: v.body,
                },
            )));
        }
        json(&serde_json::json!({"status": v.status, "key_id": v.key_id, "request_id": v.request_id}))
    }

    /// Validates and signs coupon operation `name` from its params (JSON object); `validation`
    /// (JSON) overrides the client's policy for this call.
    pub fn build(&self, name: &str, params: &str, validation: Option<String>) -> JsResult<NativeRequest> {
        let value = parse_json("request", params)?;
        let policy = match validation {
            Some(v) => dynamic::policy_from_value(&parse_json("validation", &v)?).js()?,
            None => self.policy.clone(),
        };
        match dynamic::build(&self.inner, name, value.clone(), &policy) {
            Ok(built) => Ok(NativeRequest::new(built.request, violations_json(&built.warnings)?)),
            Err(e) => Err(crate::errors::with_values(&e, &value)),
        }
    }

    /// The signed multipart image upload.
    #[wasm_bindgen(js_name = buildImage)]
    pub fn build_image(&self, filename: &str, bytes: &[u8], validation: Option<String>) -> JsResult<NativeRequest> {
        let policy = match validation {
            Some(v) => dynamic::policy_from_value(&parse_json("validation", &v)?).js()?,
            None => self.policy.clone(),
        };
        let built = dynamic::build_image(&self.inner, filename, bytes, &policy).js()?;
        Ok(NativeRequest::new(built.request, violations_json(&built.warnings)?))
    }

    /// Verifies and decodes the response of operation `name` (JSON).
    pub fn parse(&self, name: &str, status: u16, headers: &str, body: Vec<u8>) -> JsResult<String> {
        let resp = response_from(status, headers, body)?;
        let value = dynamic::parse(&self.inner, name, &resp).js()?;
        json(&value)
    }

    /// The next page's params (JSON) of paged operation `name`, or `undefined` after the last.
    #[wasm_bindgen(js_name = nextPage)]
    pub fn next_page(
        &self,
        name: &str,
        params: &str,
        previous: &str,
        mode: Option<String>,
    ) -> JsResult<Option<String>> {
        let mode = match mode {
            Some(m) => Some(dynamic::page_mode_by_name(&m).js()?),
            None => self.page_mode,
        };
        let next = dynamic::next_page(
            name,
            parse_json("params", params)?,
            parse_json("previous", previous)?,
            mode,
        )
        .js()?;
        next.map(|v| json(&v)).transpose()
    }

    /// A notification's envelope (JSON), before any verification.
    #[wasm_bindgen(js_name = notificationEnvelope)]
    pub fn notification_envelope(&self, body: &[u8]) -> JsResult<String> {
        let env = self.inner.notification_envelope(body).js()?;
        json(&env)
    }

    /// Verifies, decrypts and types a notification (JSON of the notification view).
    #[wasm_bindgen(js_name = parseNotification)]
    pub fn parse_notification(&self, headers: &str, body: &[u8]) -> JsResult<String> {
        let h = headers_from(headers)?;
        let view = self
            .inner
            .parse_notification(&h, body)
            .and_then(views::NotificationView::new)
            .js()?;
        json(&view)
    }

    /// AEAD_AES_256_GCM decryption with the APIv3 key.
    #[wasm_bindgen(js_name = decryptAead)]
    pub fn decrypt_aead(&self, nonce: &str, associated_data: &str, ciphertext: &str) -> JsResult<Vec<u8>> {
        self.inner.decrypt_aead(nonce, associated_data, ciphertext).js()
    }

    /// AEAD_AES_256_GCM encryption with the APIv3 key; base64(ciphertext‖tag).
    #[wasm_bindgen(js_name = encryptAead)]
    pub fn encrypt_aead(&self, nonce: &str, associated_data: &str, plaintext: &[u8]) -> JsResult<String> {
        self.inner.encrypt_aead(nonce, associated_data, plaintext).js()
    }

    /// RSA-OAEP encryption of a sensitive field: JSON `{ciphertext, serial}`.
    #[wasm_bindgen(js_name = encryptSensitive)]
    pub fn encrypt_sensitive(&self, plaintext: &str) -> JsResult<String> {
        let f = self.inner.encrypt_sensitive(plaintext).js()?;
        json(&serde_json::json!({"ciphertext": f.ciphertext, "serial": f.serial}))
    }

    /// Decrypts a field WeChat Pay encrypted for this merchant.
    #[wasm_bindgen(js_name = decryptSensitive)]
    pub fn decrypt_sensitive(&self, ciphertext: &str) -> JsResult<String> {
        self.inner.decrypt_sensitive(ciphertext).js()
    }

    /// `GET /v3/certificates`.
    #[wasm_bindgen(js_name = certificatesRequest)]
    pub fn certificates_request(&self, algorithm_type: Option<String>) -> JsResult<NativeRequest> {
        let r = self.inner.certificates_request(algorithm_type.as_deref()).js()?;
        Ok(NativeRequest::new(r, "[]".into()))
    }

    /// Verifies the `/v3/certificates` response and trusts its valid certificates (JSON view).
    #[wasm_bindgen(js_name = applyCertificatesResponse)]
    pub fn apply_certificates_response(&self, status: u16, headers: &str, body: Vec<u8>) -> JsResult<String> {
        let resp = response_from(status, headers, body)?;
        let u = self.inner.apply_certificates_response(&resp).js()?;
        json(&views::CertificateUpdateView::from(&u))
    }

    /// The signed `GET` of a bill download (`{url, hash_type, hash_value}` JSON).
    #[wasm_bindgen(js_name = billFileRequest)]
    pub fn bill_file_request(&self, download: &str) -> JsResult<NativeRequest> {
        let d = download_from(download)?;
        let r = self.inner.favor().bill_file_request(&d).js()?;
        Ok(NativeRequest::new(r, "[]".into()))
    }
}

/// A `{url, hash_type, hash_value}` JSON text (the decoded use_flow / refund_flow response).
pub fn download_from(text: &str) -> JsResult<BillDownload> {
    serde_json::from_str(text).map_err(|_| {
        invalid(
            "download",
            "type",
            "an object with url, hash_type and hash_value (the use_flow or refund_flow response)",
        )
    })
}
