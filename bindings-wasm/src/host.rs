//! The core's seams implemented by JavaScript: the merchant [`Signer`], the [`CryptoProvider`]
//! (`node:crypto` on Node, see `npm/src/node-crypto.js`) and a [`Clock`] function.
//!
//! Each call crosses into JS synchronously. A JS exception or a wrong return type becomes the
//! core's error for that seam (never a panic): the signer's as a `SignerError`, the crypto
//! provider's as a `CryptoError`.

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wechatpay_coupons::error::{CryptoError, SignerError};
use wechatpay_coupons::keys::PublicKey;
use wechatpay_coupons::{Clock, CryptoProvider, Signer};

fn bytes(value: &[u8]) -> JsValue {
    Uint8Array::from(value).into()
}

/// The thrown value's `name` (`TypeError`, …) for messages; never its text, which may echo data.
fn thrown_name(e: &JsValue) -> String {
    Reflect::get(e, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_else(|| "a non-Error value".to_owned())
}

/// A JS function `(message: Uint8Array) => Uint8Array` that returns the raw RSA signature.
/// With `decrypt` (`(ciphertext: Uint8Array) => Uint8Array`, RSA-OAEP SHA-1 with the same key) it
/// also serves `decryptSensitive`.
pub struct JsSigner {
    sign: Function,
    decrypt: Option<Function>,
    len: Option<usize>,
}

impl JsSigner {
    /// Wraps `sign` (and `decrypt`); `len` is the signature length in bytes when the key size is known.
    pub fn new(sign: Function, decrypt: Option<Function>, len: Option<usize>) -> Self {
        Self { sign, decrypt, len }
    }
}

impl Signer for JsSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let out = self
            .sign
            .call1(&JsValue::NULL, &bytes(message))
            .map_err(|e| SignerError(format!("the signer threw {}", thrown_name(&e))))?;
        match out.dyn_into::<Uint8Array>() {
            Ok(sig) if sig.length() > 0 => Ok(sig.to_vec()),
            Ok(_) => Err(SignerError("the signer returned empty bytes".into())),
            Err(_) => Err(SignerError(
                "the signer must return the raw signature as a Uint8Array or Buffer (not base64 text)".into(),
            )),
        }
    }

    fn signature_len(&self) -> Option<usize> {
        self.len
    }

    fn decrypt_oaep_sha1(&self, ciphertext: &[u8]) -> Option<Result<Vec<u8>, SignerError>> {
        let f = self.decrypt.as_ref()?;
        Some(match f.call1(&JsValue::NULL, &bytes(ciphertext)) {
            Ok(v) => v
                .dyn_into::<Uint8Array>()
                .map(|b| b.to_vec())
                .map_err(|_| SignerError("the decrypt function did not return bytes".into())),
            Err(e) => Err(SignerError(format!("the decrypt function threw {}", thrown_name(&e)))),
        })
    }
}

/// A JS object with `verify`, `oaepEncrypt`, `gcmOpen` and `gcmSeal` (see `npm/src/node-crypto.js`).
pub struct JsCrypto {
    name: String,
    verify: Function,
    oaep_encrypt: Function,
    gcm_open: Function,
    gcm_seal: Function,
}

fn method(host: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(host, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<Function>()
        .ok()
}

fn returned_bytes(failed: &'static str, v: JsValue) -> Result<Vec<u8>, CryptoError> {
    v.dyn_into::<Uint8Array>()
        .map(|b| b.to_vec())
        .map_err(|_| CryptoError::Operation(failed))
}

impl JsCrypto {
    /// Reads the four methods from `host`; `None` when any is missing.
    pub fn from_host(host: &JsValue) -> Option<Self> {
        let name = Reflect::get(host, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_else(|| "host".to_owned());
        Some(Self {
            name,
            verify: method(host, "verify")?,
            oaep_encrypt: method(host, "oaepEncrypt")?,
            gcm_open: method(host, "gcmOpen")?,
            gcm_seal: method(host, "gcmSeal")?,
        })
    }

    fn call4(f: &Function, a: &JsValue, b: &JsValue, c: &JsValue, d: &JsValue) -> Result<JsValue, JsValue> {
        let args = js_sys::Array::of4(a, b, c, d);
        f.apply(&JsValue::NULL, &args)
    }
}

impl CryptoProvider for JsCrypto {
    fn name(&self) -> &str {
        &self.name
    }

    fn rsa_verify_sha256(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<bool, CryptoError> {
        let out = Self::call4(
            &self.verify,
            &JsValue::from_str(key.id()),
            &bytes(key.spki_der()),
            &bytes(message),
            &bytes(signature),
        )
        .map_err(|_| CryptoError::Operation("RSA verification in the host crypto provider failed"))?;
        Ok(out.as_bool() == Some(true))
    }

    fn rsa_oaep_sha1_encrypt(&self, key: &PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        // The plaintext length is checked by the core before any provider is called.
        const FAILED: &str = "RSA-OAEP encryption in the host crypto provider failed";
        let out = self
            .oaep_encrypt
            .call3(
                &JsValue::NULL,
                &JsValue::from_str(key.id()),
                &bytes(key.spki_der()),
                &bytes(plaintext),
            )
            .map_err(|_| CryptoError::Operation(FAILED))?;
        returned_bytes(FAILED, out)
    }

    fn aes256gcm_open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        // A failed tag check throws in node:crypto; the core reports it as an authentication
        // failure whatever the host says.
        let out = Self::call4(
            &self.gcm_open,
            &bytes(key),
            &bytes(nonce),
            &bytes(aad),
            &bytes(ciphertext_and_tag),
        )
        .map_err(|_| CryptoError::AeadOpen)?;
        returned_bytes("AES-256-GCM decryption in the host crypto provider failed", out)
    }

    fn aes256gcm_seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let out = Self::call4(
            &self.gcm_seal,
            &bytes(key),
            &bytes(nonce),
            &bytes(aad),
            &bytes(plaintext),
        )
        .map_err(|_| CryptoError::Operation("AES-256-GCM encryption in the host crypto provider failed"))?;
        returned_bytes("AES-256-GCM encryption in the host crypto provider failed", out)
    }
}

/// A JS function `() => number` giving Unix seconds.
pub struct JsClock(pub Function);

impl Clock for JsClock {
    fn now(&self) -> i64 {
        // A clock that throws or returns a non-number reads as 0, which every skew check refuses.
        self.0
            .call0(&JsValue::NULL)
            .ok()
            .and_then(|v| v.as_f64())
            .filter(|t| t.is_finite())
            .map_or(0, |t| t as i64)
    }
}

/// The host's wall clock (`Date.now()`): `std::time::SystemTime` is not available on
/// `wasm32-unknown-unknown`, so a client without a given clock uses this one.
pub struct DateClock;

impl Clock for DateClock {
    fn now(&self) -> i64 {
        (js_sys::Date::now() / 1000.0).floor() as i64
    }
}
