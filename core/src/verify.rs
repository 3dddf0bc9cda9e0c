//! Verification of signed responses and notifications, with one store that holds platform
//! certificates and WeChat Pay public keys at once (migration mode).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::crypto::CryptoProvider;
use crate::error::{VerifyError, echo};
use crate::http::Headers;
use crate::keys::{PUBLIC_KEY_ID_PREFIX, PlatformCertificate, PublicKey, normalize_serial};

/// Default largest accepted `|now − Wechatpay-Timestamp|` (exclusive), in seconds.
pub const DEFAULT_MAX_SKEW: u64 = 300;
/// Prefix of WeChat Pay's deliberate probe signatures.
pub const PROBE_PREFIX: &str = "WECHATPAY/SIGNTEST/";
/// The only supported `Wechatpay-Signature-Type`.
pub const SIGNATURE_TYPE: &str = "WECHATPAY2-SHA256-RSA2048";

/// Trusted WeChat Pay keys: public keys by `PUB_KEY_ID_…` and platform certificates by serial.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    public_keys: BTreeMap<String, PublicKey>,
    certificates: BTreeMap<String, PlatformCertificate>,
    /// Id of the public key added last.
    newest_public_key: Option<String>,
}

impl KeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts a WeChat Pay public key (its id must start with `PUB_KEY_ID_`); the key added last
    /// is the [newest](Self::newest_public_key).
    pub fn add_public_key(&mut self, key: PublicKey) {
        self.newest_public_key = Some(key.id().to_owned());
        self.public_keys.insert(key.id().to_owned(), key);
    }

    /// The WeChat Pay public key added last: during a rotation, the new key (the one to name in
    /// requests), whatever the ids' sort order.
    pub fn newest_public_key(&self) -> Option<&PublicKey> {
        self.newest_public_key
            .as_ref()
            .and_then(|id| self.public_keys.get(id))
            .or_else(|| self.public_keys.values().next_back())
    }

    /// Trusts a platform certificate (replacing one with the same serial).
    pub fn add_certificate(&mut self, cert: PlatformCertificate) {
        self.certificates.insert(cert.serial.clone(), cert);
    }

    /// Forgets certificates whose validity ended before `now`; returns their serials.
    pub fn remove_expired(&mut self, now: i64) -> Vec<String> {
        let gone: Vec<String> = self
            .certificates
            .values()
            .filter(|c| c.not_after < now)
            .map(|c| c.serial.clone())
            .collect();
        for s in &gone {
            self.certificates.remove(s);
        }
        gone
    }

    /// The trusted public keys.
    pub fn public_keys(&self) -> impl Iterator<Item = &PublicKey> {
        self.public_keys.values()
    }

    /// The trusted certificates.
    pub fn certificates(&self) -> impl Iterator<Item = &PlatformCertificate> {
        self.certificates.values()
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.public_keys.is_empty() && self.certificates.is_empty()
    }

    /// Ids of every trusted key (public-key ids, then certificate serials).
    pub fn known_ids(&self) -> Vec<String> {
        self.public_keys
            .keys()
            .chain(self.certificates.keys())
            .cloned()
            .collect()
    }

    /// The valid certificate that expires last (the one to encrypt with and to name in requests).
    pub fn newest_certificate(&self, now: i64) -> Option<&PlatformCertificate> {
        self.certificates
            .values()
            .filter(|c| c.is_valid_at(now))
            .max_by_key(|c| (c.not_after, c.not_before))
    }

    /// Finds the key that `Wechatpay-Serial` names and checks it is usable at `now`.
    pub fn lookup(&self, serial: &str, now: i64) -> Result<&PublicKey, VerifyError> {
        let unknown = || VerifyError::UnknownSerial {
            serial: echo(serial).into_owned(),
            known: self.known_ids(),
        };
        if serial.starts_with(PUBLIC_KEY_ID_PREFIX) {
            return self.public_keys.get(serial).ok_or_else(unknown);
        }
        let norm = normalize_serial(serial).map_err(|_| unknown())?;
        let cert = self.certificates.get(&norm).ok_or_else(unknown)?;
        if !cert.is_valid_at(now) {
            return Err(VerifyError::CertificateNotValid {
                serial: cert.serial.clone(),
                now,
                not_before: cert.not_before,
                not_after: cert.not_after,
            });
        }
        Ok(&cert.key)
    }
}

/// The outcome of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Id of the key that verified (upper-case hex serial or `PUB_KEY_ID_…`).
    pub key_id: String,
    /// `Wechatpay-Timestamp`.
    pub timestamp: i64,
    /// `Wechatpay-Nonce`.
    pub nonce: String,
}

/// The signature headers of a message, checked for presence and shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeaders<'a> {
    /// `Wechatpay-Timestamp`, parsed (for the clock-skew check).
    pub timestamp: i64,
    /// `Wechatpay-Timestamp` as received (trimmed): the text the signature covers.
    pub timestamp_text: &'a str,
    /// `Wechatpay-Nonce`.
    pub nonce: &'a str,
    /// `Wechatpay-Signature` (base64 text).
    pub signature: &'a str,
    /// `Wechatpay-Serial`.
    pub serial: &'a str,
}

/// The headers [`SignatureHeaders::parse`] reads; each may appear more than once only with the
/// same value.
const SIGNATURE_HEADER_NAMES: [&str; 5] = [
    "wechatpay-signature",
    "wechatpay-timestamp",
    "wechatpay-nonce",
    "wechatpay-serial",
    "wechatpay-signature-type",
];

impl<'a> SignatureHeaders<'a> {
    /// Reads the four headers (names case-insensitive). A probe signature is reported as
    /// [`VerifyError::Probe`] before anything else is judged.
    ///
    /// A header that appears more than once with different values (after trimming) is
    /// [`VerifyError::MalformedHeader`]: which copy was signed cannot be known. Identical copies
    /// (a proxy that repeats a header) are accepted.
    pub fn parse(headers: &'a Headers) -> Result<Self, VerifyError> {
        for name in SIGNATURE_HEADER_NAMES {
            let mut values = headers.get_all(name).map(str::trim);
            if let Some(first) = values.next()
                && values.any(|v| v != first)
            {
                return Err(VerifyError::MalformedHeader {
                    name,
                    expected: "a single value (the header appears more than once with different values)",
                });
            }
        }
        let get = |name: &'static str| {
            headers
                .get(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or(VerifyError::MissingHeader { name })
        };
        let signature = get("wechatpay-signature")?;
        if signature.starts_with(PROBE_PREFIX) {
            return Err(VerifyError::Probe);
        }
        let ts_text = get("wechatpay-timestamp")?;
        let nonce = get("wechatpay-nonce")?;
        let serial = get("wechatpay-serial")?;
        if let Some(t) = headers.get("wechatpay-signature-type")
            && !t.trim().is_empty()
            && t.trim() != SIGNATURE_TYPE
        {
            return Err(VerifyError::UnsupportedSignatureType {
                value: echo(t).into_owned(),
            });
        }
        let timestamp = if ts_text.bytes().all(|b| b.is_ascii_digit()) {
            ts_text.parse::<i64>().ok()
        } else {
            None
        }
        .ok_or(VerifyError::MalformedHeader {
            name: "wechatpay-timestamp",
            expected: "Unix time in seconds (decimal digits)",
        })?;
        // A line break in the nonce would move bytes between the nonce and body lines of the
        // signed message; no legitimate nonce has a control character.
        if nonce.chars().any(char::is_control) {
            return Err(VerifyError::MalformedHeader {
                name: "wechatpay-nonce",
                expected: "a random string without control characters (no CR, LF or other C0/C1 character)",
            });
        }
        Ok(Self {
            timestamp,
            timestamp_text: ts_text,
            nonce,
            signature,
            serial,
        })
    }
}

/// Verifies a signed message (response or notification) over its raw body.
///
/// Order of checks: headers present → probe → timestamp shape → clock skew → key lookup →
/// base64 → RSA verification of `timestamp\nnonce\nbody\n`.
pub fn verify_message(
    store: &KeyStore,
    crypto: &dyn CryptoProvider,
    headers: &Headers,
    body: &[u8],
    now: i64,
    max_skew: u64,
) -> Result<Verified, VerifyError> {
    let h = SignatureHeaders::parse(headers)?;
    let skew = now.abs_diff(h.timestamp);
    if skew >= max_skew {
        return Err(VerifyError::TimestampSkew {
            timestamp: h.timestamp,
            now,
            skew,
            max_skew,
        });
    }
    let key = store.lookup(h.serial, now)?;
    let signature = B64.decode(h.signature).map_err(|_| VerifyError::MalformedHeader {
        name: "wechatpay-signature",
        expected: "standard base64",
    })?;
    // Over the timestamp text as received: `000<ts>` is not the message that was signed.
    let message = crate::sign::lines(&[h.timestamp_text.as_bytes(), h.nonce.as_bytes(), body]);
    let bad = || VerifyError::BadSignature {
        key_id: key.id().to_owned(),
    };
    match crypto.rsa_verify_sha256(key, &message, &signature) {
        Ok(true) => Ok(Verified {
            key_id: key.id().to_owned(),
            timestamp: h.timestamp,
            nonce: h.nonce.to_owned(),
        }),
        Ok(false) | Err(_) => Err(bad()),
    }
}

/// The message WeChat Pay signs: `timestamp\nnonce\nbody\n`.
pub fn verify_message_bytes(timestamp: i64, nonce: &str, body: &[u8]) -> Vec<u8> {
    crate::sign::lines(&[timestamp.to_string().as_bytes(), nonce.as_bytes(), body])
}
