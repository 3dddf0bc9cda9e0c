//! AEAD_AES_256_GCM (notifications, certificate download) and the base64 framing around it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::crypto::CryptoProvider;
use crate::error::{CryptoError, DecryptError};
use crate::keys::ApiV3Key;

/// The only AEAD algorithm WeChat Pay uses.
pub const AEAD_ALGORITHM: &str = "AEAD_AES_256_GCM";

fn nonce_bytes(field: &'static str, nonce: &str) -> Result<[u8; 12], DecryptError> {
    nonce.as_bytes().try_into().map_err(|_| DecryptError::InvalidNonce {
        field,
        len: nonce.len(),
    })
}

/// Decrypts `base64(ciphertext ‖ tag)` with the APIv3 key, the nonce text and associated data.
pub fn aead_decrypt(
    crypto: &dyn CryptoProvider,
    key: &ApiV3Key,
    nonce: &str,
    associated_data: &str,
    ciphertext_b64: &str,
) -> Result<Vec<u8>, DecryptError> {
    let nonce = nonce_bytes("nonce", nonce)?;
    let ct = B64
        .decode(ciphertext_b64.trim())
        .map_err(|_| DecryptError::InvalidBase64 { field: "ciphertext" })?;
    crypto
        .aes256gcm_open(key.as_bytes(), &nonce, associated_data.as_bytes(), &ct)
        .map_err(|_| DecryptError::AuthenticationFailed)
}

/// Encrypts `plaintext`, returning `base64(ciphertext ‖ tag)` (the sandbox and tests use this).
pub fn aead_encrypt(
    crypto: &dyn CryptoProvider,
    key: &ApiV3Key,
    nonce: &str,
    associated_data: &str,
    plaintext: &[u8],
) -> Result<String, crate::Error> {
    let n = nonce_bytes("nonce", nonce)?;
    let sealed = crypto
        .aes256gcm_seal(key.as_bytes(), &n, associated_data.as_bytes(), plaintext)
        .map_err(crate::Error::from)?;
    Ok(B64.encode(sealed))
}

/// An encrypted sensitive field and the key id to send in `Wechatpay-Serial` with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedField {
    /// Base64 RSA-OAEP ciphertext.
    pub ciphertext: String,
    /// Serial or `PUB_KEY_ID_…` of the key used; the request must carry it in `Wechatpay-Serial`.
    pub serial: String,
}

/// RSA-OAEP (SHA-1) encryption of a sensitive field with a WeChat Pay key.
pub fn oaep_encrypt(
    crypto: &dyn CryptoProvider,
    key: &crate::keys::PublicKey,
    plaintext: &[u8],
) -> Result<EncryptedField, CryptoError> {
    // Checked here, once, for every provider: OAEP with SHA-1 carries at most k − 2·20 − 2 bytes.
    let max = (key.bits() / 8).saturating_sub(42);
    if plaintext.len() > max {
        return Err(CryptoError::PlaintextTooLong { max });
    }
    let ct = crypto.rsa_oaep_sha1_encrypt(key, plaintext)?;
    Ok(EncryptedField {
        ciphertext: B64.encode(ct),
        serial: key.id().to_owned(),
    })
}
