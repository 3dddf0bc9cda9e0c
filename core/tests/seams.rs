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
