//! Platform certificates (`GET /v3/certificates`): decrypt, parse, check validity, verify the
//! response and merge into the key store.
//!
//! **Trust on first use.** When the response is signed by a certificate the store does not hold
//! yet (first download, or a rotation), the signature is checked with the certificate of that
//! serial *from the response itself*. That is sound only because every entry is AES-256-GCM
//! encrypted and authenticated with the APIv3 key, which only the merchant and WeChat Pay know:
//! a forged certificate would fail decryption. It also means a leaked APIv3 key lets an attacker
//! who controls the network plant certificates. Merchants who have a WeChat Pay public key never
//! need this step: configure the key and its `PUB_KEY_ID_…` instead.

use serde::Deserialize;

use crate::cipher::{AEAD_ALGORITHM, aead_decrypt};
use crate::crypto::CryptoProvider;
use crate::error::{ApiError, DecodeError, DecryptError, Error, VerifyError};
use crate::http::HttpResponse;
use crate::keys::{ApiV3Key, PlatformCertificate, normalize_serial};
use crate::verify::{KeyStore, verify_message};

/// Path of the certificate download endpoint.
pub const CERTIFICATES_PATH: &str = "/v3/certificates";
/// Default refresh interval: 12 hours (the Go SDK refreshes every 24 h, Java every hour).
pub const REFRESH_INTERVAL: i64 = 12 * 3600;

#[derive(Deserialize)]
struct CertificatesBody {
    data: Vec<CertificateEntry>,
}

#[derive(Deserialize)]
struct CertificateEntry {
    serial_no: String,
    encrypt_certificate: EncryptedCertificate,
}

#[derive(Deserialize)]
struct EncryptedCertificate {
    algorithm: String,
    nonce: String,
    #[serde(default)]
    associated_data: Option<String>,
    ciphertext: String,
}

/// What a certificate download changed.
#[derive(Debug, Clone)]
pub struct CertificateUpdate {
    /// Every certificate in the response, in order.
    pub certificates: Vec<PlatformCertificate>,
    /// Serials that were added to (or refreshed in) the store.
    pub added: Vec<String>,
    /// Serials in the response that are already expired (not added).
    pub expired: Vec<String>,
    /// The key that verified the response.
    pub verified_by: String,
    /// Whether the response was verified with a certificate it contains (see module docs).
    pub trust_on_first_use: bool,
    /// When to download again (Unix seconds): in 12 hours, or sooner if a held certificate
    /// expires within a day.
    pub refresh_at: i64,
}

fn decode_error(reason: String, body: &[u8]) -> Error {
    DecodeError {
        what: "certificates response".into(),
        reason,
        body: body.to_vec(),
    }
    .into()
}

/// Processes a `/v3/certificates` response against `store`, merging the valid certificates.
pub fn apply_certificates_response(
    store: &mut KeyStore,
    crypto: &dyn CryptoProvider,
    apiv3_key: &ApiV3Key,
    response: &HttpResponse,
    now: i64,
    max_skew: u64,
) -> Result<CertificateUpdate, Error> {
    if !(200..300).contains(&response.status) {
        return Err(ApiError::from_response(
            response.status,
            response.request_id().map(str::to_owned),
            &response.body,
        )
        .into());
    }
    let body = &response.body;
    let parsed: CertificatesBody = serde_json::from_slice(body).map_err(|e| decode_error(e.to_string(), body))?;
    let mut certificates = Vec::with_capacity(parsed.data.len());
    for entry in &parsed.data {
        let enc = &entry.encrypt_certificate;
        if enc.algorithm != AEAD_ALGORITHM {
            return Err(DecryptError::UnsupportedAlgorithm {
                algorithm: enc.algorithm.clone(),
            }
            .into());
        }
        let pem = aead_decrypt(
            crypto,
            apiv3_key,
            &enc.nonce,
            enc.associated_data.as_deref().unwrap_or(""),
            &enc.ciphertext,
        )?;
        let cert = PlatformCertificate::from_pem(&pem)?;
        let listed = normalize_serial(&entry.serial_no)?;
        if listed != cert.serial {
            return Err(decode_error(
                format!(
                    "entry serial_no {} does not match its certificate's serial {}",
                    entry.serial_no, cert.serial
                ),
                body,
            ));
        }
        certificates.push(cert);
    }

    // Verify with the trusted store, or else with the certificates just decrypted.
    let serial = response
        .headers
        .get("wechatpay-serial")
        .map(str::trim)
        .ok_or(VerifyError::MissingHeader {
            name: "wechatpay-serial",
        })?;
    let trusted = store.lookup(serial, now).is_ok();
    let verified = if trusted {
        verify_message(store, crypto, &response.headers, body, now, max_skew)?
    } else {
        let mut fresh = KeyStore::new();
        for c in certificates.iter().filter(|c| c.is_valid_at(now)) {
            fresh.add_certificate(c.clone());
        }
        match verify_message(&fresh, crypto, &response.headers, body, now, max_skew) {
            Err(VerifyError::UnknownSerial { serial, mut known }) => {
                let mut all = store.known_ids();
                all.append(&mut known);
                return Err(VerifyError::UnknownSerial { serial, known: all }.into());
            }
            other => other?,
        }
    };

    let mut added = Vec::new();
    let mut expired = Vec::new();
    for c in &certificates {
        if c.not_after < now {
            expired.push(c.serial.clone());
        } else {
            added.push(c.serial.clone());
            store.add_certificate(c.clone());
        }
    }
    store.remove_expired(now);
    let soonest_expiry = store.certificates().map(|c| c.not_after - 24 * 3600).min();
    let refresh_at = soonest_expiry
        .map_or(now + REFRESH_INTERVAL, |t| t.min(now + REFRESH_INTERVAL))
        .max(now + 60);
    Ok(CertificateUpdate {
        certificates,
        added,
        expired,
        verified_by: verified.key_id,
        trust_on_first_use: !trusted,
        refresh_at,
    })
}
