//! Portable backend: RustCrypto (`rsa`, `sha2`, `sha1`, `hmac`, `aes-gcm`, `getrandom`).
//!
//! Used on wasm32, and on native targets when the `rustcrypto` feature is enabled. RSA private
//! key operations use blinding (a fresh random value per operation).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use getrandom::SysRng;
use hmac::Mac;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, PrivateKey, PublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::CryptoError;

pub(crate) const NAME: &str = "rustcrypto";

/// A parsed RSA private key.
pub(crate) struct RsaPrivate(PrivateKey);

impl RsaPrivate {
    /// Parses a PKCS#8 `PrivateKeyInfo` (RSA).
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, CryptoError> {
        PrivateKey::from_pkcs8_der(der)
            .map(Self)
            .map_err(|e| CryptoError::Key(e.to_string()))
    }

    pub(crate) fn bits(&self) -> usize {
        self.0.size() * 8
    }

    pub(crate) fn sign_sha256(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let hashed = Sha256::digest(message);
        self.0
            .sign_with_rng(&mut SysRng, Pkcs1v15Sign::new::<Sha256>(), &hashed)
            .map_err(|_| CryptoError::Operation("RSA signing failed"))
    }

    pub(crate) fn oaep_sha1_decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.0
            .decrypt_blinded(&mut SysRng, Oaep::<Sha1>::new(), ciphertext)
            .map_err(|_| CryptoError::Operation("RSA-OAEP decryption failed"))
    }
}

/// A parsed RSA public key.
pub(crate) struct RsaPublic(PublicKey);

impl RsaPublic {
    /// Parses a DER `SubjectPublicKeyInfo` (RSA).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        PublicKey::from_public_key_der(der)
            .map(Self)
            .map_err(|e| CryptoError::Key(e.to_string()))
    }

    pub(crate) fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        let hashed = Sha256::digest(message);
        self.0.verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, signature).is_ok()
    }

    pub(crate) fn oaep_sha1_encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        // OAEP-SHA1 overhead: 2 * 20 + 2 bytes.
        let max = self.0.size().saturating_sub(42);
        if plaintext.len() > max {
            return Err(CryptoError::PlaintextTooLong { max });
        }
        self.0
            .encrypt(&mut SysRng, Oaep::<Sha1>::new(), plaintext)
            .map_err(|_| CryptoError::Operation("RSA-OAEP encryption failed"))
    }
}

/// Incremental SHA-256.
pub(crate) struct Sha256Stream(Sha256);

impl Sha256Stream {
    pub(crate) fn new() -> Self {
        Self(Sha256::new())
    }
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub(crate) fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// Incremental SHA-1.
pub(crate) struct Sha1Stream(Sha1);

impl Sha1Stream {
    pub(crate) fn new() -> Self {
        Self(Sha1::new())
    }
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub(crate) fn finish(self) -> [u8; 20] {
        self.0.finalize().into()
    }
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this never fails; fall back to an empty key defensively.
    let mut mac = match hmac::Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => hmac::Hmac::<Sha256>::new(&Default::default()),
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|_| CryptoError::Operation("the system random generator failed"))
}

fn cipher(key: &[u8; 32]) -> Result<aes_gcm::Aes256Gcm, CryptoError> {
    aes_gcm::Aes256Gcm::new_from_slice(key).map_err(|_| CryptoError::Operation("AES-256-GCM key setup failed"))
}

pub(crate) fn aes256gcm_open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext_and_tag: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    if ciphertext_and_tag.len() < 16 {
        return Err(CryptoError::AeadOpen);
    }
    cipher(key)?
        .decrypt(
            &(*nonce).into(),
            Payload {
                msg: ciphertext_and_tag,
                aad,
            },
        )
        .map_err(|_| CryptoError::AeadOpen)
}

pub(crate) fn aes256gcm_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    cipher(key)?
        .encrypt(&(*nonce).into(), Payload { msg: plaintext, aad })
        .map_err(|_| CryptoError::Operation("AES-256-GCM encryption failed"))
}
