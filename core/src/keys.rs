//! Keys, secrets and certificates: parsed once, redacted when printed.

use std::fmt;
use std::sync::Arc;

use der::{Decode, Encode};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::{RsaPrivate, RsaPublic};
use crate::error::{DecryptError, KeyError};

/// OID of `rsaEncryption`.
const RSA_OID: &str = "1.2.840.113549.1.1.1";
/// Minimum RSA modulus size accepted.
pub const MIN_RSA_BITS: usize = 2048;

/// Decodes one PEM block, returning its label and (zeroized-on-drop) DER bytes.
fn pem_decode(what: &'static str, pem: &[u8]) -> Result<(String, Zeroizing<Vec<u8>>), KeyError> {
    let text = trim_pem(pem);
    let (label, der) = pem_rfc7468::decode_vec(text).map_err(|e| KeyError::NotPem {
        what,
        reason: e.to_string(),
    })?;
    Ok((label.to_owned(), Zeroizing::new(der)))
}

/// Strips surrounding whitespace and anything before the first `-----BEGIN` (some key files
/// carry "Bag Attributes" text from `openssl pkcs12`).
fn trim_pem(pem: &[u8]) -> &[u8] {
    let start = pem.windows(10).position(|w| w == b"-----BEGIN").unwrap_or(0);
    let s = &pem[start..];
    let end = s.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &s[..end]
}

/// The merchant API private key (`apiclient_key.pem`): RSA ≥ 2048 bits, PKCS#8 or PKCS#1 PEM.
///
/// Parsed once; the DER is zeroized after parsing and the backend's key object clears its own
/// memory on drop. `Debug` prints `[redacted]`.
pub struct MerchantPrivateKey {
    key: RsaPrivate,
    public_spki: Vec<u8>,
}

impl MerchantPrivateKey {
    /// Parses a PEM private key: `BEGIN PRIVATE KEY` (PKCS#8) or `BEGIN RSA PRIVATE KEY` (PKCS#1).
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        const WHAT: &str = "merchant private key";
        let (label, der) = pem_decode(WHAT, pem.as_ref())?;
        let pkcs8: Zeroizing<Vec<u8>> = match label.as_str() {
            "PRIVATE KEY" => der,
            "RSA PRIVATE KEY" => Zeroizing::new(pkcs1_to_pkcs8(WHAT, &der)?),
            "ENCRYPTED PRIVATE KEY" => return Err(KeyError::EncryptedPrivateKey { what: WHAT }),
            other => {
                return Err(KeyError::WrongPemKind {
                    what: WHAT,
                    expected: "\"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\" (PKCS#1)",
                    found: other.to_owned(),
                });
            }
        };
        Self::from_pkcs8_der(&pkcs8)
    }

    /// Parses a DER PKCS#8 `PrivateKeyInfo`.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let checked = CheckedPrivateKey::from_pkcs8_der(der)?;
        let key = RsaPrivate::from_pkcs8_der(der).map_err(|e| KeyError::Malformed {
            what: CheckedPrivateKey::WHAT,
            reason: e.to_string(),
        })?;
        Ok(Self {
            key,
            public_spki: checked.public_spki,
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.bits()
    }

    /// DER `SubjectPublicKeyInfo` of the matching public key.
    pub fn public_key_der(&self) -> &[u8] {
        &self.public_spki
    }

    /// SHA256withRSA (RSASSA-PKCS1-v1_5) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, crate::error::CryptoError> {
        self.key.sign_sha256(message)
    }

    /// RSA-OAEP (SHA-1) decryption of a field encrypted for this merchant.
    pub fn decrypt_oaep(&self, ciphertext: &[u8]) -> Result<Vec<u8>, DecryptError> {
        self.key
            .oaep_sha1_decrypt(ciphertext)
            .map_err(|_| DecryptError::OaepFailed)
    }
}

/// A merchant private key whose PEM and structure were checked (PKCS#8 or PKCS#1, RSA, at least
/// 2048 bits) without loading it into this build's crypto backend: for a host that signs with
/// its own library (for example `node:crypto` under wasm) and still wants the core's errors at
/// construction. Holds no key material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckedPrivateKey {
    /// Modulus size in bits.
    pub bits: usize,
    /// DER `SubjectPublicKeyInfo` of the matching public key.
    pub public_spki: Vec<u8>,
}

impl CheckedPrivateKey {
    const WHAT: &'static str = "merchant private key";

    /// Checks a PEM private key (the errors of [`MerchantPrivateKey::from_pem`]).
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        let (label, der) = pem_decode(Self::WHAT, pem.as_ref())?;
        match label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "RSA PRIVATE KEY" => Self::from_pkcs8_der(&Zeroizing::new(pkcs1_to_pkcs8(Self::WHAT, &der)?)),
            "ENCRYPTED PRIVATE KEY" => Err(KeyError::EncryptedPrivateKey { what: Self::WHAT }),
            other => Err(KeyError::WrongPemKind {
                what: Self::WHAT,
                expected: "\"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\" (PKCS#1)",
                found: other.to_owned(),
            }),
        }
    }

    /// Checks a DER PKCS#8 `PrivateKeyInfo`.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |reason: String| KeyError::Malformed {
            what: Self::WHAT,
            reason,
        };
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| malformed(e.to_string()))?;
        let oid = info.algorithm.oid.to_string();
        if oid != RSA_OID {
            return Err(KeyError::NotRsa {
                what: Self::WHAT,
                algorithm: oid,
            });
        }
        // The modulus size comes from the structure, so a short key is reported as such even
        // when a backend refuses to load it at all.
        let pkcs1 =
            pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes()).map_err(|e| malformed(e.to_string()))?;
        let bits = uint_bits(pkcs1.modulus.as_bytes());
        if bits < MIN_RSA_BITS {
            return Err(KeyError::KeyTooSmall { what: Self::WHAT, bits });
        }
        let public = pkcs1::RsaPublicKeyRef {
            modulus: pkcs1.modulus,
            public_exponent: pkcs1.public_exponent,
        };
        let public_spki = rsa_spki_der(&public).map_err(malformed)?;
        Ok(Self { bits, public_spki })
    }
}

impl fmt::Debug for MerchantPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MerchantPrivateKey([redacted], {} bits)", self.bits())
    }
}

fn uint_bits(be: &[u8]) -> usize {
    let be = match be.iter().position(|&b| b != 0) {
        Some(i) => &be[i..],
        None => return 0,
    };
    be.len() * 8 - be[0].leading_zeros() as usize
}

fn rsa_algorithm() -> spki::AlgorithmIdentifierOwned {
    spki::AlgorithmIdentifierOwned {
        oid: der::oid::ObjectIdentifier::new_unwrap(RSA_OID),
        parameters: Some(der::asn1::Null.into()),
    }
}

fn rsa_spki_der(public: &pkcs1::RsaPublicKeyRef<'_>) -> Result<Vec<u8>, String> {
    let key_der = public.to_der().map_err(|e| e.to_string())?;
    let spki = spki::SubjectPublicKeyInfoOwned {
        algorithm: rsa_algorithm(),
        subject_public_key: der::asn1::BitString::from_bytes(&key_der).map_err(|e| e.to_string())?,
    };
    spki.to_der().map_err(|e| e.to_string())
}

fn pkcs1_to_pkcs8(what: &'static str, pkcs1_der: &[u8]) -> Result<Vec<u8>, KeyError> {
    let malformed = |e: der::Error| KeyError::Malformed {
        what,
        reason: e.to_string(),
    };
    // Validate the structure first for a precise error.
    pkcs1::RsaPrivateKeyRef::from_der(pkcs1_der).map_err(malformed)?;
    let info = pkcs8::PrivateKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: der::oid::ObjectIdentifier::new_unwrap(RSA_OID),
            parameters: Some(der::asn1::AnyRef::NULL),
        },
        private_key: der::asn1::OctetStringRef::new(pkcs1_der).map_err(malformed)?,
        public_key: None,
    };
    let mut out = info.to_der().map_err(malformed)?;
    let copy = out.clone();
    out.zeroize();
    Ok(copy)
}

/// The APIv3 key (APIv3密钥): exactly 32 bytes, used as the AES-256-GCM key.
///
/// Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, zeroize::ZeroizeOnDrop)]
pub struct ApiV3Key([u8; 32]);

impl ApiV3Key {
    /// From the key text as shown on the merchant platform (32 ASCII characters).
    pub fn new(key: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        let bytes = key.as_ref();
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyError::ApiV3KeyLength { len: bytes.len() })?;
        Ok(Self(arr))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key([redacted])")
    }
}

/// An RSA public key of WeChat Pay, parsed once, with the id messages name it by.
///
/// `id` is a `PUB_KEY_ID_…` for WeChat Pay public keys and the normalised upper-case hex serial
/// for platform certificates.
#[derive(Clone)]
pub struct PublicKey {
    id: String,
    spki_der: Arc<[u8]>,
    bits: usize,
    /// The backend's form of the key: parsed at construction on native targets; on wasm32 at
    /// first use, since a host crypto provider (`node:crypto`) usually does the RSA work there
    /// and RSA key parsing in wasm is slow. The structure is checked at construction either way.
    parsed: Arc<std::sync::OnceLock<Result<RsaPublic, String>>>,
}

impl PublicKey {
    /// Parses a DER `SubjectPublicKeyInfo` under the given id.
    pub fn from_spki_der(id: impl Into<String>, der: &[u8]) -> Result<Self, KeyError> {
        const WHAT: &str = "WeChat Pay public key";
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Malformed {
            what: WHAT,
            reason: e.to_string(),
        })?;
        let oid = spki.algorithm.oid.to_string();
        if oid != RSA_OID {
            return Err(KeyError::NotRsa {
                what: WHAT,
                algorithm: oid,
            });
        }
        let rsa =
            pkcs1::RsaPublicKeyRef::from_der(spki.subject_public_key.raw_bytes()).map_err(|e| KeyError::Malformed {
                what: WHAT,
                reason: e.to_string(),
            })?;
        let bits = uint_bits(rsa.modulus.as_bytes());
        if bits < MIN_RSA_BITS {
            return Err(KeyError::KeyTooSmall { what: WHAT, bits });
        }
        let parsed = std::sync::OnceLock::new();
        #[cfg(not(target_arch = "wasm32"))]
        {
            let key = RsaPublic::from_spki_der(der).map_err(|e| KeyError::Malformed {
                what: WHAT,
                reason: e.to_string(),
            })?;
            let _ = parsed.set(Ok(key));
        }
        Ok(Self {
            id: id.into(),
            spki_der: der.into(),
            bits,
            parsed: Arc::new(parsed),
        })
    }

    /// The serial or key id that names this key in `Wechatpay-Serial`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// DER `SubjectPublicKeyInfo`.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    pub(crate) fn parsed(&self) -> Result<&RsaPublic, crate::error::CryptoError> {
        self.parsed
            .get_or_init(|| RsaPublic::from_spki_der(&self.spki_der).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| crate::error::CryptoError::Key(e.clone()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("id", &self.id)
            .field("bits", &self.bits())
            .finish()
    }
}

/// Prefix of WeChat Pay public key ids.
pub const PUBLIC_KEY_ID_PREFIX: &str = "PUB_KEY_ID_";

/// Checks a `PUB_KEY_ID_` + digits id. The digit count is not checked: sources disagree (32 vs 34).
pub fn check_public_key_id(id: &str) -> Result<(), KeyError> {
    match id.strip_prefix(PUBLIC_KEY_ID_PREFIX) {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(KeyError::InvalidPublicKeyId { value: id.to_owned() }),
    }
}

/// A WeChat Pay public key (微信支付公钥) from SPKI PEM (`BEGIN PUBLIC KEY`) and its id.
pub fn wechatpay_public_key(id: &str, pem: impl AsRef<[u8]>) -> Result<PublicKey, KeyError> {
    check_public_key_id(id)?;
    let (label, der) = pem_decode("WeChat Pay public key", pem.as_ref())?;
    match label.as_str() {
        "PUBLIC KEY" => PublicKey::from_spki_der(id, &der),
        other => Err(KeyError::WrongPemKind {
            what: "WeChat Pay public key",
            expected: "\"PUBLIC KEY\" (SubjectPublicKeyInfo)",
            found: other.to_owned(),
        }),
    }
}

/// Normalises a certificate serial: hex digits, upper case, without leading zeros, so that
/// serials compare as hex numbers (`0a1B` == `A1B`).
pub fn normalize_serial(serial: &str) -> Result<String, KeyError> {
    let s = serial.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(KeyError::InvalidSerial {
            value: serial.to_owned(),
        });
    }
    let t = s.trim_start_matches('0');
    Ok(if t.is_empty() {
        "0".to_owned()
    } else {
        t.to_ascii_uppercase()
    })
}

/// A certificate serial as WeChat Pay writes it (`serial_no`, `Wechatpay-Serial`) from the DER
/// INTEGER content bytes: upper-case hex of the number's big-endian bytes, two digits per byte,
/// so a leading zero digit is kept (`0A1B…`) and only a DER sign byte `00` is dropped — the form
/// of the official Go SDK (`fmt.Sprintf("%X", serial.Bytes())`).
pub fn serial_hex(der_integer: &[u8]) -> String {
    let start = der_integer
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(der_integer.len().saturating_sub(1));
    der_integer
        .get(start..)
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// A WeChat Pay platform certificate (平台证书): serial, validity window and public key.
#[derive(Clone)]
pub struct PlatformCertificate {
    /// Normalised upper-case hex serial (no leading zeros): the id serials are compared by.
    pub serial: String,
    /// The serial as WeChat Pay writes it and as requests name it in `Wechatpay-Serial`:
    /// upper-case hex of the serial's bytes, leading zeros kept (see [`serial_hex`]).
    pub serial_no: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// The certificate's public key (its id is `serial`).
    pub key: PublicKey,
    /// The certificate as PEM text.
    pub pem: String,
}

impl PlatformCertificate {
    /// Parses an X.509 certificate from PEM (`BEGIN CERTIFICATE`).
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        const WHAT: &str = "platform certificate";
        let (label, der) = pem_decode(WHAT, pem.as_ref())?;
        if label != "CERTIFICATE" {
            return Err(KeyError::WrongPemKind {
                what: WHAT,
                expected: "\"CERTIFICATE\" (X.509)",
                found: label,
            });
        }
        Self::from_der(&der)
    }

    /// Parses a DER X.509 certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        const WHAT: &str = "platform certificate";
        let malformed = |e: der::Error| KeyError::Malformed {
            what: WHAT,
            reason: e.to_string(),
        };
        let cert = x509_cert::Certificate::from_der(der).map_err(malformed)?;
        let tbs = cert.tbs_certificate();
        let serial_no = serial_hex(tbs.serial_number().as_bytes());
        let serial = normalize_serial(&serial_no)?;
        let validity = tbs.validity();
        let not_before = validity.not_before.to_unix_duration().as_secs() as i64;
        let not_after = validity.not_after.to_unix_duration().as_secs() as i64;
        let spki = tbs.subject_public_key_info().to_der().map_err(malformed)?;
        let key = PublicKey::from_spki_der(serial.clone(), &spki).map_err(|e| e.naming(WHAT))?;
        let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).map_err(|e| {
            KeyError::Malformed {
                what: WHAT,
                reason: e.to_string(),
            }
        })?;
        Ok(Self {
            serial,
            serial_no,
            not_before,
            not_after,
            key,
            pem,
        })
    }

    /// Whether `now` lies inside the validity window.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

impl fmt::Debug for PlatformCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformCertificate")
            .field("serial", &self.serial)
            .field("serial_no", &self.serial_no)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish()
    }
}

impl KeyError {
    /// The same error naming the input `what` (e.g. "merchant certificate" for a certificate
    /// read with [`PlatformCertificate::from_pem`], which names it "platform certificate").
    /// Errors that name no input are returned unchanged.
    #[must_use]
    pub fn naming(self, what: &'static str) -> Self {
        match self {
            KeyError::NotPem { reason, .. } => KeyError::NotPem { what, reason },
            KeyError::WrongPemKind { expected, found, .. } => KeyError::WrongPemKind { what, expected, found },
            KeyError::EncryptedPrivateKey { .. } => KeyError::EncryptedPrivateKey { what },
            KeyError::NotRsa { algorithm, .. } => KeyError::NotRsa { what, algorithm },
            KeyError::KeyTooSmall { bits, .. } => KeyError::KeyTooSmall { what, bits },
            KeyError::Malformed { reason, .. } => KeyError::Malformed { what, reason },
            e @ (KeyError::ApiV3KeyLength { .. }
            | KeyError::InvalidPublicKeyId { .. }
            | KeyError::InvalidSerial { .. }
            | KeyError::Missing { .. }) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_input_once() {
        let e = PlatformCertificate::from_pem("garbage")
            .unwrap_err()
            .naming("merchant certificate");
        let text = e.to_string();
        assert!(text.starts_with("merchant certificate: not a PEM document"), "{text}");
        assert!(!text.contains("platform certificate"), "{text}");
        let e = KeyError::ApiV3KeyLength { len: 3 };
        assert_eq!(e.clone().naming("x"), e);
    }

    #[test]
    fn serials_compare_as_hex_numbers() {
        assert_eq!(normalize_serial("0a1b").unwrap(), "A1B");
        assert_eq!(normalize_serial("A1B").unwrap(), "A1B");
        assert!(normalize_serial("xyz").is_err());
        assert!(normalize_serial("").is_err());
    }

    #[test]
    fn serial_hex_keeps_leading_zero_digits_like_go() {
        assert_eq!(serial_hex(&[0x0A, 0x1B, 0x2C]), "0A1B2C");
        // A DER sign byte is not part of the number.
        assert_eq!(serial_hex(&[0x00, 0x8A, 0x01]), "8A01");
        assert_eq!(serial_hex(&[0x00, 0x00, 0x05]), "05");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(normalize_serial(&serial_hex(&[0x0A, 0x1B])).unwrap(), "A1B");
    }

    #[test]
    fn public_key_ids() {
        assert!(check_public_key_id("PUB_KEY_ID_0000000000000024101100397200000006").is_ok());
        assert!(check_public_key_id("PUB_KEY_ID_1234").is_ok());
        assert!(check_public_key_id("PUB_KEY_ID_").is_err());
        assert!(check_public_key_id("KEY_1234").is_err());
    }

    #[test]
    fn apiv3_key_length_and_redaction() {
        assert_eq!(
            ApiV3Key::new("a".repeat(16)).unwrap_err(),
            KeyError::ApiV3KeyLength { len: 16 }
        );
        assert_eq!(
            ApiV3Key::new("a".repeat(33)).unwrap_err(),
            KeyError::ApiV3KeyLength { len: 33 }
        );
        let k = ApiV3Key::new("S3cretS3cretS3cretS3cretS3cret12").unwrap();
        assert!(!format!("{k:?}").contains("S3cret"));
    }
}
