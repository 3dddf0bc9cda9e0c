//! Bad input: every class gives a typed error that names the problem, never a panic, and never
//! echoes key material or the APIv3 key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wechatpay_coupons::{
    ApiV3Key, Client, DecryptError, Error, FixedClock, Headers, HttpResponse, KeyError, MerchantPrivateKey,
    PlatformCertificate, VerifyError, keys,
};

fn key_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/keys")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(key_path(name)).unwrap()
}

/// Asserts the message does not contain any line of the PEM body (secret material).
fn assert_no_pem_body(msg: &str, pem: &str) {
    for line in pem.lines().filter(|l| !l.starts_with("-----") && l.len() > 16) {
        assert!(!msg.contains(line), "message leaks key material: {msg}");
    }
}

#[test]
fn garbage_pem() {
    let pem = read("garbage.pem");
    let err = MerchantPrivateKey::from_pem(&pem).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { .. } | KeyError::WrongPemKind { .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("merchant private key"), "{err}");
    assert_no_pem_body(&err.to_string(), &pem);
    let err = MerchantPrivateKey::from_pem("not a pem at all").unwrap_err();
    assert!(matches!(err, KeyError::NotPem { .. }), "{err:?}");
}

#[test]
fn certificate_where_a_key_is_expected() {
    let err = MerchantPrivateKey::from_pem(read("merchant_cert.pem")).unwrap_err();
    assert_eq!(
        err,
        KeyError::WrongPemKind {
            what: "merchant private key",
            expected: "\"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\" (PKCS#1)",
            found: "CERTIFICATE".into()
        }
    );
    // And the other way round: a private key given as a public key or certificate.
    let err = keys::wechatpay_public_key("PUB_KEY_ID_1", read("merchant_key.pem")).unwrap_err();
    assert!(
        matches!(err, KeyError::WrongPemKind { ref found, .. } if found == "PRIVATE KEY"),
        "{err:?}"
    );
    assert_no_pem_body(&err.to_string(), &read("merchant_key.pem"));
    let err = PlatformCertificate::from_pem(read("wechatpay_pub_key.pem")).unwrap_err();
    assert!(matches!(err, KeyError::WrongPemKind { .. }), "{err:?}");
}

#[test]
fn encrypted_pkcs8() {
    let err = MerchantPrivateKey::from_pem(read("encrypted_key.pem")).unwrap_err();
    assert_eq!(
        err,
        KeyError::EncryptedPrivateKey {
            what: "merchant private key"
        }
    );
    assert!(err.to_string().contains("encrypted"));
}

#[test]
fn rsa_1024_bits() {
    let err = MerchantPrivateKey::from_pem(read("rsa1024_key.pem")).unwrap_err();
    assert_eq!(
        err,
        KeyError::KeyTooSmall {
            what: "merchant private key",
            bits: 1024
        }
    );
    assert!(err.to_string().contains("at least 2048"));
}

#[test]
fn non_rsa_key() {
    let err = MerchantPrivateKey::from_pem(read("ec_key.pem")).unwrap_err();
    assert!(
        matches!(err, KeyError::NotRsa { ref algorithm, .. } if algorithm == "1.2.840.10045.2.1"),
        "{err:?}"
    );
}

#[test]
fn apiv3_key_lengths() {
    for len in [0usize, 16, 31, 33] {
        let key = "k".repeat(len);
        let err = ApiV3Key::new(&key).unwrap_err();
        assert_eq!(err, KeyError::ApiV3KeyLength { len });
    }
    let secret = "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya";
    let k = ApiV3Key::new(secret).unwrap();
    assert!(!format!("{k:?}").contains(secret));
}

#[test]
fn debug_output_is_redacted() {
    let pem = read("merchant_key.pem");
    let key = MerchantPrivateKey::from_pem(&pem).unwrap();
    let dbg = format!("{key:?}");
    assert!(dbg.contains("redacted"));
    assert_no_pem_body(&dbg, &pem);
    let secret = "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya";
    let client = Client::builder("1900000001", "ABC")
        .private_key_pem(&pem)
        .unwrap()
        .apiv3_key(secret)
        .unwrap()
        .build()
        .unwrap();
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(secret), "{dbg}");
    assert_no_pem_body(&dbg, &pem);
}

#[test]
fn invalid_public_key_id_and_serial() {
    let err = keys::wechatpay_public_key("KEY_1", read("wechatpay_pub_key.pem")).unwrap_err();
    assert!(matches!(err, KeyError::InvalidPublicKeyId { .. }));
    let err = Client::builder("1900000001", "not-hex")
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Key(KeyError::InvalidSerial { .. })), "{err:?}");
    let err = Client::builder("19000x", "ABC")
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .build()
        .unwrap_err();
    assert!(err.to_string().starts_with("mchid:"), "{err}");
}

fn platform_client(now: i64) -> Client {
    Client::builder("1900000001", "ABC")
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .platform_certificate(read("platform_cert_expired.pem"))
        .unwrap()
        .clock(Arc::new(FixedClock::new(now)))
        .build()
        .unwrap()
}

#[test]
fn expired_platform_certificate_is_not_used() {
    let cert = PlatformCertificate::from_pem(read("platform_cert_expired.pem")).unwrap();
    let now = 1_795_744_800;
    assert!(!cert.is_valid_at(now));
    let client = platform_client(now);
    let headers: Headers = [
        ("Wechatpay-Timestamp", now.to_string()),
        ("Wechatpay-Nonce", "n".to_owned()),
        ("Wechatpay-Signature", "AAAA".to_owned()),
        ("Wechatpay-Serial", cert.serial.clone()),
    ]
    .into_iter()
    .collect();
    let err = client.verify(&headers, b"{}").unwrap_err();
    assert!(
        matches!(err, Error::Verify(VerifyError::CertificateNotValid { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains(&cert.serial));
    // Nor is it offered as the request serial.
    assert_eq!(client.request_serial(), None);
}

#[test]
fn unsigned_2xx_is_forged() {
    let client = platform_client(0);
    let err = client
        .parse_response(&HttpResponse::new(200, Headers::new(), b"{}".to_vec()))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Verify(VerifyError::MissingHeader {
                name: "wechatpay-signature"
            })
        ),
        "{err:?}"
    );
}

#[test]
fn error_responses_decode_without_verification() {
    let client = platform_client(0);
    let headers: Headers = [("Request-ID", "RID-1")].into_iter().collect();
    let body = br#"{"code":"PARAM_ERROR","message":"bad","detail":{"field":"/stock_name","location":"body","issue":"too long"}}"#;
    let Err(Error::Api(e)) = client.parse_response(&HttpResponse::new(400, headers.clone(), body.to_vec())) else {
        panic!("expected an API error")
    };
    assert_eq!(
        (e.status, e.code.as_deref(), e.request_id.as_deref()),
        (400, Some("PARAM_ERROR"), Some("RID-1"))
    );
    assert!(!e.retryable());
    let text = e.to_string();
    assert!(
        text.contains("/stock_name") && text.contains("too long") && text.contains("RID-1"),
        "{text}"
    );
    // Empty and non-JSON bodies.
    let Err(Error::Api(e)) = client.parse_response(&HttpResponse::new(405, Headers::new(), Vec::new())) else {
        panic!("expected an API error")
    };
    assert_eq!((e.status, e.code.clone()), (405, None));
    let Err(Error::Api(e)) =
        client.parse_response(&HttpResponse::new(502, headers, b"<html>bad gateway</html>".to_vec()))
    else {
        panic!("expected an API error")
    };
    assert!(e.retryable());
    assert!(e.to_string().contains("non-JSON"), "{e}");
    let e =
        wechatpay_coupons::ApiError::from_response(429, None, br#"{"code":"FREQUENCY_LIMITED","message":"slow down"}"#);
    assert!(e.retryable());
}

#[test]
fn notification_needs_apiv3_key_and_valid_nonce() {
    let client = platform_client(0);
    let err = client.decrypt_aead("short", "", "AAAA").unwrap_err();
    assert!(matches!(err, Error::Key(KeyError::Missing { .. })), "{err:?}");
    let client = Client::builder("1900000001", "ABC")
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .apiv3_key("Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya")
        .unwrap()
        .build()
        .unwrap();
    let err = client.decrypt_aead("short", "", "AAAA").unwrap_err();
    assert!(
        matches!(err, Error::Decrypt(DecryptError::InvalidNonce { len: 5, .. })),
        "{err:?}"
    );
    let err = client.decrypt_aead("123456789012", "", "***").unwrap_err();
    assert!(
        matches!(err, Error::Decrypt(DecryptError::InvalidBase64 { .. })),
        "{err:?}"
    );
    let err = client.notification_envelope(b"not json").unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(
        !err.to_string().contains("not json"),
        "decode errors keep the body out of the message"
    );
    let err = client.decrypt_sensitive("AAAA").unwrap_err();
    assert!(matches!(err, Error::Decrypt(DecryptError::OaepFailed)), "{err:?}");
}

#[test]
fn bad_urls_are_refused_before_signing() {
    let client = platform_client(0);
    for url in [
        "/v3/relative",
        "https://api.mch.weixin.qq.com/v3/stocks/{stock_id}",
        "https://h/v3/a b",
    ] {
        let err = client.sign(wechatpay_coupons::Method::Get, url, b"").unwrap_err();
        assert!(err.to_string().starts_with("url:"), "{url}: {err}");
    }
}

#[test]
fn relative_path_is_refused() {
    let client = platform_client(0);
    let err = client
        .request(wechatpay_coupons::Method::Get, "v3/certificates", Vec::new())
        .unwrap_err();
    assert!(err.to_string().starts_with("path:"), "{err}");
}
