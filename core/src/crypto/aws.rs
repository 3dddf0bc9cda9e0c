//! Native backend: aws-lc-rs.

use aws_lc_rs::{aead, digest, hmac, rand, rsa, signature};

use crate::error::CryptoError;

pub(crate) const NAME: &str = "aws-lc-rs";

/// A parsed RSA private key.
pub(crate) struct RsaPrivate {
    sign: signature::RsaKeyPair,
    decrypt: rsa::OaepPrivateDecryptingKey,
}

impl RsaPrivate {
    /// Parses a PKCS#8 `PrivateKeyInfo` (RSA).
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, CryptoError> {
        let sign = signature::RsaKeyPair::from_pkcs8(der).map_err(|e| CryptoError::Key(e.to_string()))?;
        let dec = rsa::PrivateDecryptingKey::from_pkcs8(der).map_err(|e| CryptoError::Key(e.to_string()))?;
        let decrypt =
            rsa::OaepPrivateDecryptingKey::new(dec).map_err(|_| CryptoError::Key("unsupported RSA key".into()))?;
        Ok(Self { sign, decrypt })
    }

    pub(crate) fn bits(&self) -> usize {
        self.sign.public_modulus_len() * 8
    }

    pub(crate) fn sign_sha256(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let rng = rand::SystemRandom::new();
        let mut sig = vec![0u8; self.sign.public_modulus_len()];
        self.sign
            .sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig)
            .map_err(|_| CryptoError::Operation("RSA signing failed"))?;
        Ok(sig)
    }

    pub(crate) fn oaep_sha1_decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = vec![0u8; self.decrypt.min_output_size()];
        let n = self
            .decrypt
            .decrypt(&rsa::OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, None)
            .map_err(|_| CryptoError::Operation("RSA-OAEP decryption failed"))?
            .len();
        out.truncate(n);
        Ok(out)
    }
}

/// A parsed RSA public key.
pub(crate) struct RsaPublic {
    verify: signature::ParsedPublicKey,
    encrypt: rsa::OaepPublicEncryptingKey,
}

impl RsaPublic {
    /// Parses a DER `SubjectPublicKeyInfo` (RSA).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        let verify = signature::ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
            .map_err(|e| CryptoError::Key(e.to_string()))?;
        let enc = rsa::PublicEncryptingKey::from_der(der).map_err(|e| CryptoError::Key(e.to_string()))?;
        let encrypt =
            rsa::OaepPublicEncryptingKey::new(enc).map_err(|_| CryptoError::Key("unsupported RSA key".into()))?;
        Ok(Self { verify, encrypt })
    }

    pub(crate) fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify.verify_sig(message, signature).is_ok()
    }

    pub(crate) fn oaep_sha1_encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let max = self.encrypt.max_plaintext_size(&rsa::OAEP_SHA1_MGF1SHA1);
        if plaintext.len() > max {
            return Err(CryptoError::PlaintextTooLong { max });
        }
        let mut out = vec![0u8; self.encrypt.ciphertext_size()];
        let n = self
            .encrypt
            .encrypt(&rsa::OAEP_SHA1_MGF1SHA1, plaintext, &mut out, None)
            .map_err(|_| CryptoError::Operation("RSA-OAEP encryption failed"))?
            .len();
        out.truncate(n);
        Ok(out)
    }
}

/// Incremental SHA-256.
pub(crate) struct Sha256Stream(digest::Context);

impl Sha256Stream {
    pub(crate) fn new() -> Self {
        Self(digest::Context::new(&digest::SHA256))
    }
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub(crate) fn finish(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.0.finish().as_ref());
        out
    }
}

/// Incremental SHA-1.
pub(crate) struct Sha1Stream(digest::Context);

impl Sha1Stream {
    pub(crate) fn new() -> Self {
        Self(digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY))
    }
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub(crate) fn finish(self) -> [u8; 20] {
        let mut out = [0u8; 20];
        out.copy_from_slice(self.0.finish().as_ref());
        out
    }
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut out = [0u8; 32];
    out.copy_from_slice(hmac::sign(&k, data).as_ref());
    out
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    use aws_lc_rs::rand::SecureRandom;
    rand::SystemRandom::new()
        .fill(buf)
        .map_err(|_| CryptoError::Operation("the system random generator failed"))
}

fn gcm_key(key: &[u8; 32]) -> Result<aead::LessSafeKey, CryptoError> {
    let unbound = aead::UnboundKey::new(&aead::AES_256_GCM, key)
        .map_err(|_| CryptoError::Operation("AES-256-GCM key setup failed"))?;
    Ok(aead::LessSafeKey::new(unbound))
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
    let key = gcm_key(key)?;
    let mut buf = ciphertext_and_tag.to_vec();
    let n = key
        .open_in_place(
            aead::Nonce::assume_unique_for_key(*nonce),
            aead::Aad::from(aad),
            &mut buf,
        )
        .map_err(|_| CryptoError::AeadOpen)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

pub(crate) fn aes256gcm_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let key = gcm_key(key)?;
    let mut buf = plaintext.to_vec();
    key.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(*nonce),
        aead::Aad::from(aad),
        &mut buf,
    )
    .map_err(|_| CryptoError::Operation("AES-256-GCM encryption failed"))?;
    Ok(buf)
}
