//! The run-time seams: a custom `Signer` (HSM/KMS or host crypto) and a custom `CryptoProvider`
//! (how the Node binding hands RSA and AES work to `node:crypto`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use wechatpay_coupons::{
    BuiltinCrypto, Client, CryptoError, CryptoProvider, Error, FixedClock, FixedNonce, FnSigner, HttpResponse, Method,
    PublicKey, SignerError,
};

fn keyfile(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/keys")
            .join(name),
    )
    .unwrap()
}

fn case(name: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name)
        .join("case.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Signs by running `openssl dgst -sha256 -sign`: an external signer, as an HSM would be.
fn openssl_sign(message: &[u8]) -> Result<Vec<u8>, SignerError> {
    use std::io::Write;
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys/merchant_key.pem");
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| SignerError(format!("openssl not runnable: {e}")))?;
    child
        .stdin
        .take()
        .ok_or_else(|| SignerError("no stdin".into()))?
        .write_all(message)
        .map_err(|e| SignerError(e.to_string()))?;
    let out = child.wait_with_output().map_err(|e| SignerError(e.to_string()))?;
    Ok(out.stdout)
}

#[test]
fn custom_signer_produces_the_reference_signature() {
    let c = case("sign-post-chinese-body");
    let ts = c["timestamp"].as_i64().unwrap();
    let client = Client::builder(c["mchid"].as_str().unwrap(), c["serial"].as_str().unwrap())
        .signer(Arc::new(FnSigner(openssl_sign)))
        .clock(Arc::new(FixedClock::new(ts)))
        .nonce_source(Arc::new(FixedNonce::new(c["nonce"].as_str().unwrap())))
        .build()
        .unwrap();
    let req = client
        .signed_request(
            Method::Post,
            c["url"].as_str().unwrap().to_owned(),
            c["body"].as_str().unwrap().as_bytes().to_vec(),
            Some("application/json"),
            None,
        )
        .unwrap();
    assert_eq!(
        req.headers.get("Authorization"),
        c["expected"]["authorization"].as_str()
    );
    // Without a private key, decryption is refused with a clear configuration error.
    let err = client.decrypt_sensitive("AAAA").unwrap_err();
    assert!(err.to_string().contains("custom signer"), "{err}");
}

#[test]
fn signer_failure_is_a_typed_error() {
    let client = Client::builder("1900000001", "ABC")
        .signer(Arc::new(FnSigner(|_: &[u8]| {
            Err(SignerError("KMS unavailable".into()))
        })))
        .build()
        .unwrap();
    let err = client.request(Method::Get, "/v3/certificates", Vec::new()).unwrap_err();
    assert!(matches!(err, Error::Signer(_)));
    assert_eq!(err.to_string(), "the request signer failed: KMS unavailable");
}

/// Counts calls and delegates: stands in for a host crypto library.
#[derive(Default)]
struct CountingProvider {
    verifies: AtomicUsize,
    opens: AtomicUsize,
}

impl CryptoProvider for CountingProvider {
    fn name(&self) -> &str {
        "counting"
    }
    fn rsa_verify_sha256(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<bool, CryptoError> {
        self.verifies.fetch_add(1, Ordering::SeqCst);
        BuiltinCrypto.rsa_verify_sha256(key, message, signature)
    }
    fn rsa_oaep_sha1_encrypt(&self, key: &PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        BuiltinCrypto.rsa_oaep_sha1_encrypt(key, plaintext)
    }
    fn aes256gcm_open(&self, k: &[u8; 32], n: &[u8; 12], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.opens.fetch_add(1, Ordering::SeqCst);
        BuiltinCrypto.aes256gcm_open(k, n, aad, ct)
    }
    fn aes256gcm_seal(&self, k: &[u8; 32], n: &[u8; 12], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
        BuiltinCrypto.aes256gcm_seal(k, n, aad, pt)
    }
}

#[test]
fn crypto_provider_is_used_for_verification_and_decryption() {
    let c = case("notify-coupon-use-pubkey");
    let provider = Arc::new(CountingProvider::default());
    let pk = &c["trust"]["public_keys"][0];
    let client = Client::builder("1900000001", "ABC")
        .private_key_pem(keyfile("merchant_key.pem"))
        .unwrap()
        .apiv3_key(c["apiv3_key"].as_str().unwrap())
        .unwrap()
        .wechatpay_public_key(pk["id"].as_str().unwrap(), keyfile(pk["file"].as_str().unwrap()))
        .unwrap()
        .crypto(provider.clone())
        .clock(Arc::new(FixedClock::new(c["now"].as_i64().unwrap())))
        .build()
        .unwrap();
    let headers = c["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let n = client
        .parse_notification(&headers, c["body"].as_str().unwrap().as_bytes())
        .unwrap();
    assert_eq!(n.plaintext, c["expected"]["plaintext"].as_str().unwrap());
    assert_eq!(provider.verifies.load(Ordering::SeqCst), 1);
    assert_eq!(provider.opens.load(Ordering::SeqCst), 1);
    let _ = client.parse_response(&HttpResponse::new(204, headers, Vec::new()));
    assert_eq!(provider.verifies.load(Ordering::SeqCst), 2);
}

/// A signer that also decrypts, both with `openssl` (as a KMS holding the key would).
struct OpensslKey;

impl wechatpay_coupons::Signer for OpensslKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        openssl_sign(message)
    }

    fn decrypt_oaep_sha1(&self, ciphertext: &[u8]) -> Option<Result<Vec<u8>, SignerError>> {
        use std::io::Write;
        let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys/merchant_key.pem");
        let mut child = std::process::Command::new("openssl")
            .args(["pkeyutl", "-decrypt", "-pkeyopt", "rsa_padding_mode:oaep", "-inkey"])
            .arg(key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(ciphertext).ok()?;
        let out = child.wait_with_output().ok()?;
        Some(if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(SignerError("openssl refused the ciphertext".into()))
        })
    }
}

#[test]
fn a_signer_that_decrypts_serves_decrypt_sensitive_without_a_private_key() {
    let c = case("oaep-decrypt-name");
    let k: serde_json::Value = serde_json::from_slice(&keyfile("keys.json")).unwrap();
    let client = Client::builder(k["mchid"].as_str().unwrap(), k["merchant_serial"].as_str().unwrap())
        .signer(Arc::new(OpensslKey))
        .build()
        .unwrap();
    let ct = c["ciphertext_base64"].as_str().unwrap();
    assert_eq!(client.decrypt_sensitive(ct).unwrap(), c["plaintext"].as_str().unwrap());
    // A ciphertext the key refuses is the usual decrypt error, not the signer's.
    let err = client.decrypt_sensitive("AAAA").unwrap_err();
    assert_eq!(err.code(), "decrypt.oaep_failed");

    // A signer that cannot decrypt: the missing-key error.
    let plain = Client::builder(k["mchid"].as_str().unwrap(), k["merchant_serial"].as_str().unwrap())
        .signer(Arc::new(FnSigner(openssl_sign)))
        .build()
        .unwrap();
    assert_eq!(plain.decrypt_sensitive(ct).unwrap_err().code(), "key.missing");
}

#[test]
fn checked_private_key_reports_what_the_loader_reports() {
    use wechatpay_coupons::{CheckedPrivateKey, MerchantPrivateKey};
    let pem = keyfile("merchant_key.pem");
    let checked = CheckedPrivateKey::from_pem(&pem).unwrap();
    let loaded = MerchantPrivateKey::from_pem(&pem).unwrap();
    assert_eq!(checked.bits, loaded.bits());
    assert_eq!(checked.public_spki, loaded.public_key_der());
    let pkcs1 = CheckedPrivateKey::from_pem(keyfile("merchant_key_pkcs1.pem")).unwrap();
    assert_eq!(pkcs1.bits, 2048);
    for bad in [
        b"not a pem".to_vec(),
        keyfile("wechatpay_pub_key.pem"),
        keyfile("encrypted_key.pem"),
        keyfile("ec_key.pem"),
        keyfile("garbage.pem"),
        keyfile("rsa1024_key.pem"),
    ] {
        let a = CheckedPrivateKey::from_pem(&bad).unwrap_err();
        let b = MerchantPrivateKey::from_pem(&bad).unwrap_err();
        assert_eq!(a.code(), b.code());
    }
}
