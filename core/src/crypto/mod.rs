//! The crypto seam: every primitive the protocol needs, behind one small internal interface.
//!
//! Two backends implement it and one is chosen at build time:
//! - `aws-lc-rs` on native targets (constant-time, as fast as OpenSSL);
//! - RustCrypto (`rsa`, `sha2`, `sha1`, `hmac`, `aes-gcm`, `getrandom`) on `wasm32`, or on
//!   native when the `rustcrypto` feature is enabled (so CI runs the vector suite with both).
//!
//! On top of the build-time backend, [`CryptoProvider`] lets a binding supply the public-key
//! and AES work at run time (the Node binding routes it to `node:crypto`), and
//! [`crate::Signer`] lets a key held in an HSM/KMS produce request signatures.

#[cfg(not(any(target_arch = "wasm32", feature = "rustcrypto")))]
mod aws;
#[cfg(not(any(target_arch = "wasm32", feature = "rustcrypto")))]
use aws as backend;

#[cfg(any(target_arch = "wasm32", feature = "rustcrypto"))]
mod rustcrypto;
#[cfg(any(target_arch = "wasm32", feature = "rustcrypto"))]
use rustcrypto as backend;

pub(crate) use backend::{RsaPrivate, RsaPublic, Sha1Stream, Sha256Stream};

use crate::error::CryptoError;

/// Name of the crypto backend compiled into this build: `"aws-lc-rs"` or `"rustcrypto"`.
pub const BACKEND: &str = backend::NAME;

/// SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut s = Sha256Stream::new();
    s.update(data);
    s.finish()
}

/// SHA-1 digest of `data` (bill files are checked with SHA-1).
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut s = Sha1Stream::new();
    s.update(data);
    s.finish()
}

/// HMAC-SHA256 of `data` under `key` (APIv2 signatures of the coupon plugins).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    backend::hmac_sha256(key, data)
}

/// Fills `buf` with bytes from the operating system's CSPRNG.
pub fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    backend::fill_random(buf)
}

/// Constant-time equality of two byte strings (length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Lower-case hex encoding.
pub fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0x0f) as usize] as char);
    }
    out
}

/// Runtime-replaceable public-key and symmetric operations.
///
/// The client calls these for response/notification verification, sensitive-field encryption
/// and AEAD. The default, [`BuiltinCrypto`], uses the backend compiled into this build. A
/// binding may implement it to use its host's crypto library (for example `node:crypto`, which
/// is far faster than RSA compiled to wasm). Keys arrive as [`crate::keys::PublicKey`], whose
/// [`id`](crate::keys::PublicKey::id) is stable, so an implementation can cache its own parsed
/// form of each key.
pub trait CryptoProvider: crate::host::MaybeSendSync {
    /// Short name for diagnostics and benchmarks.
    fn name(&self) -> &str;
    /// RSASSA-PKCS1-v1_5 / SHA-256 verification; `Ok(false)` when the signature does not match.
    fn rsa_verify_sha256(
        &self,
        key: &crate::keys::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError>;
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1, empty label.
    fn rsa_oaep_sha1_encrypt(&self, key: &crate::keys::PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// AES-256-GCM decryption of `ciphertext ‖ 16-byte tag`.
    fn aes256gcm_open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// AES-256-GCM encryption; returns `ciphertext ‖ 16-byte tag`.
    fn aes256gcm_seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
}

/// The [`CryptoProvider`] backed by the crypto library compiled into this build ([`BACKEND`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinCrypto;

impl CryptoProvider for BuiltinCrypto {
    fn name(&self) -> &str {
        BACKEND
    }

    fn rsa_verify_sha256(
        &self,
        key: &crate::keys::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        Ok(key.parsed()?.verify_sha256(message, signature))
    }

    fn rsa_oaep_sha1_encrypt(&self, key: &crate::keys::PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        key.parsed()?.oaep_sha1_encrypt(plaintext)
    }

    fn aes256gcm_open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        backend::aes256gcm_open(key, nonce, aad, ciphertext_and_tag)
    }

    fn aes256gcm_seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        backend::aes256gcm_seal(key, nonce, aad, plaintext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_known_answers() {
        assert_eq!(
            hex_lower(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex_lower(&sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        // RFC 4231 test case 2.
        assert_eq!(
            hex_lower(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn streaming_digest_equals_one_shot() {
        let mut s = Sha1Stream::new();
        s.update(b"a");
        s.update(b"bc");
        assert_eq!(s.finish(), sha1(b"abc"));
    }

    #[test]
    fn aead_round_trip_and_tamper() {
        let key = [7u8; 32];
        let nonce = *b"0123456789ab";
        let sealed = BuiltinCrypto.aes256gcm_seal(&key, &nonce, b"aad", b"hello").unwrap();
        assert_eq!(sealed.len(), 5 + 16);
        let opened = BuiltinCrypto.aes256gcm_open(&key, &nonce, b"aad", &sealed).unwrap();
        assert_eq!(opened, b"hello");
        assert!(BuiltinCrypto.aes256gcm_open(&key, &nonce, b"aae", &sealed).is_err());
        assert!(
            BuiltinCrypto
                .aes256gcm_open(&key, &nonce, b"aad", &sealed[..10])
                .is_err()
        );
    }
}
