//! Conformance: runs every case in `tests/vectors/` (made by `tests/vectors/generate.py` with
//! Python `cryptography`, never by this crate) and the official SDK vectors in
//! `../shared/vectors/official-sdk-vectors.json`. Run it with both crypto backends:
//! `cargo test` and `cargo test --features rustcrypto`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;
use wechatpay_coupons::{
    ApiV3Key, Client, DecryptError, Error, FixedClock, FixedNonce, Headers, HttpResponse, InputError, KeyError,
    MerchantPrivateKey, Method, PlatformCertificate, VerifyError, keys,
};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vectors_dir() -> PathBuf {
    repo_root().join("tests").join("vectors")
}

fn key_file(name: &str) -> Vec<u8> {
    std::fs::read(vectors_dir().join("keys").join(name)).unwrap_or_else(|e| panic!("keys/{name}: {e}"))
}

fn keys_json() -> Value {
    serde_json::from_slice(&key_file("keys.json")).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("field {k} missing"))
}

fn headers_of(v: &Value) -> Headers {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// A client trusting the case's keys, with the clock at `now`.
fn client_for(case: &Value, now: i64) -> Client {
    let k = keys_json();
    let mut b = Client::builder(s(&k, "mchid"), s(&k, "merchant_serial"))
        .private_key_pem(key_file("merchant_key.pem"))
        .unwrap()
        .clock(Arc::new(FixedClock::new(now)));
    if let Some(key) = case.get("apiv3_key").and_then(Value::as_str) {
        b = b.apiv3_key(key).unwrap();
    }
    if let Some(trust) = case.get("trust") {
        for pk in trust["public_keys"].as_array().into_iter().flatten() {
            b = b.wechatpay_public_key(s(pk, "id"), key_file(s(pk, "file"))).unwrap();
        }
        for c in trust["platform_certs"].as_array().into_iter().flatten() {
            b = b.platform_certificate(key_file(c.as_str().unwrap())).unwrap();
        }
    }
    b.build().unwrap()
}

fn outcome_of_verify(e: &Error) -> String {
    match e {
        Error::Verify(VerifyError::BadSignature { .. }) => "bad-signature".into(),
        Error::Verify(VerifyError::Probe) => "probe".into(),
        Error::Verify(VerifyError::TimestampSkew { .. }) => "timestamp-skew".into(),
        Error::Verify(VerifyError::UnknownSerial { serial, .. }) => format!("unknown-serial:{serial}"),
        Error::Verify(VerifyError::MissingHeader { name }) => format!("missing-header:{name}"),
        Error::Verify(VerifyError::MalformedHeader { name, .. }) => format!("malformed-header:{name}"),
        Error::Decrypt(DecryptError::UnsupportedAlgorithm { .. }) => "unknown-algorithm".into(),
        Error::Decrypt(DecryptError::AuthenticationFailed) => "decrypt-failed".into(),
        Error::Input(InputError::UnsupportedImage { .. }) => "unsupported-image".into(),
        Error::Input(InputError::ImageTooLarge { .. }) => "too-large".into(),
        other => format!("other:{other}"),
    }
}

fn expected_outcome(exp: &Value) -> String {
    let o = s(exp, "outcome");
    match o {
        "unknown-serial" => format!("{o}:{}", s(exp, "serial")),
        "missing-header" | "malformed-header" => format!("{o}:{}", s(exp, "header")),
        _ => o.to_owned(),
    }
}

fn run_sign_request(c: &Value) {
    let client = Client::builder(s(c, "mchid"), s(c, "serial"))
        .private_key_pem(key_file(s(c, "private_key")))
        .unwrap()
        .clock(Arc::new(FixedClock::new(c["timestamp"].as_i64().unwrap())))
        .nonce_source(Arc::new(FixedNonce::repeating(s(c, "nonce"))))
        .build()
        .unwrap();
    let method = Method::parse(s(c, "method")).unwrap();
    let body = s(c, "body").as_bytes().to_vec();
    let exp = &c["expected"];
    let signed = client
        .sign_with(
            method,
            s(c, "url"),
            &body,
            c["timestamp"].as_i64().unwrap(),
            s(c, "nonce"),
        )
        .unwrap();
    assert_eq!(String::from_utf8(signed.message).unwrap(), s(exp, "message"));
    assert_eq!(signed.signature, s(exp, "signature"));
    assert_eq!(signed.authorization, s(exp, "authorization"));
    // The full request path (clock + nonce source) gives the same header and sends the same URL.
    let req = client
        .signed_request(method, s(c, "url").to_owned(), body, None, None)
        .unwrap();
    assert_eq!(req.headers.get("authorization"), Some(s(exp, "authorization")));
    assert_eq!(req.url, s(c, "url"));
}

fn run_verify_response(c: &Value) {
    let client = client_for(c, c["now"].as_i64().unwrap());
    let resp = HttpResponse::new(
        c["status"].as_u64().unwrap() as u16,
        headers_of(&c["headers"]),
        s(c, "body").as_bytes().to_vec(),
    );
    let exp = &c["expected"];
    match client.parse_response(&resp) {
        Ok(v) => {
            assert_eq!(s(exp, "outcome"), "ok", "verified, but expected {exp}");
            assert_eq!(v.key_id, s(exp, "key_id"));
        }
        Err(e) => assert_eq!(outcome_of_verify(&e), expected_outcome(exp), "error was: {e}"),
    }
}

fn run_notification(c: &Value) {
    let client = client_for(c, c["now"].as_i64().unwrap());
    let headers = headers_of(&c["headers"]);
    let body = s(c, "body").as_bytes();
    let exp = &c["expected"];
    if let Some(env) = exp.get("envelope") {
        let e = client.notification_envelope(body).unwrap();
        assert_eq!(e.id, s(env, "id"));
        assert_eq!(e.event_type, s(env, "event_type"));
        assert_eq!(e.create_time, s(env, "create_time"));
        assert_eq!(e.resource_type, s(env, "resource_type"));
        assert_eq!(e.summary, s(env, "summary"));
    }
    match client.parse_notification(&headers, body) {
        Ok(n) => {
            assert_eq!(s(exp, "outcome"), "ok");
            assert_eq!(n.plaintext, s(exp, "plaintext"));
        }
        Err(e) => assert_eq!(outcome_of_verify(&e), expected_outcome(exp), "error was: {e}"),
    }
}

fn run_aead(c: &Value) {
    let client = client_for(c, 0);
    let pt = client
        .decrypt_aead(s(c, "nonce"), s(c, "associated_data"), s(c, "ciphertext_base64"))
        .unwrap();
    assert_eq!(String::from_utf8(pt).unwrap(), s(c, "plaintext"));
    let ct = client
        .encrypt_aead(s(c, "nonce"), s(c, "associated_data"), s(c, "plaintext").as_bytes())
        .unwrap();
    assert_eq!(ct, s(c, "ciphertext_base64"));
}

fn run_oaep_decrypt(c: &Value) {
    let key = MerchantPrivateKey::from_pem(key_file(s(c, "private_key"))).unwrap();
    let ct = B64.decode(s(c, "ciphertext_base64")).unwrap();
    assert_eq!(
        String::from_utf8(key.decrypt_oaep(&ct).unwrap()).unwrap(),
        s(c, "plaintext")
    );
}

/// Encrypts with the core, decrypts with the OpenSSL command-line tool.
fn run_oaep_encrypt(c: &Value) {
    let mut case = c.clone();
    case["trust"] = match c.get("key_id") {
        Some(id) => {
            serde_json::json!({"public_keys": [{"id": id, "file": c["public_key_file"]}], "platform_certs": []})
        }
        None => serde_json::json!({"public_keys": [], "platform_certs": [c["certificate_file"]]}),
    };
    let client = client_for(&case, 1_795_744_800);
    let enc = client.encrypt_sensitive(s(c, "plaintext")).unwrap();
    assert_eq!(enc.serial, s(&c["expected"], "serial"));
    let Some(plain) = openssl_oaep_decrypt(&vectors_dir().join("keys").join(s(c, "decrypt_with")), &enc.ciphertext)
    else {
        return;
    };
    assert_eq!(plain, s(c, "plaintext"));
}

fn openssl_oaep_decrypt(key: &Path, ciphertext_b64: &str) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("wpc-oaep-{}-{}", std::process::id(), ciphertext_b64.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let ct_path = dir.join(format!(
        "{:x}.bin",
        wechatpay_coupons::crypto::sha256(ciphertext_b64.as_bytes())[0]
    ));
    std::fs::write(&ct_path, B64.decode(ciphertext_b64).unwrap()).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-inkey"])
        .arg(key)
        .arg("-in")
        .arg(&ct_path)
        .args([
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            "rsa_oaep_md:sha1",
            "-pkeyopt",
            "rsa_mgf1_md:sha1",
        ])
        .output();
    let _ = std::fs::remove_file(&ct_path);
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8(o.stdout).unwrap()),
        Ok(o) => panic!(
            "openssl could not decrypt our OAEP ciphertext: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "openssl is required under CI: {e}"
            );
            eprintln!("SKIP openssl cross-check: openssl not runnable ({e})");
            None
        }
    }
}

fn run_certificates(c: &Value) {
    let client = client_for(c, c["now"].as_i64().unwrap());
    let resp = HttpResponse::new(200, headers_of(&c["headers"]), s(c, "body").as_bytes().to_vec());
    let exp = &c["expected"];
    match client.apply_certificates_response(&resp) {
        Ok(update) => {
            assert_eq!(s(exp, "outcome"), "ok");
            assert_eq!(update.verified_by, s(exp, "verified_by"));
            assert!(update.trust_on_first_use, "trust was empty, so this is a first use");
            let want = exp["certificates"].as_array().unwrap();
            assert_eq!(update.certificates.len(), want.len());
            for (got, w) in update.certificates.iter().zip(want) {
                assert_eq!(got.serial, s(w, "serial_no"));
                assert_eq!(got.not_before, w["not_before_unix"].as_i64().unwrap());
                assert_eq!(got.not_after, w["not_after_unix"].as_i64().unwrap());
                assert_eq!(got.pem.trim(), s(w, "pem").trim());
            }
            let expired: Vec<&str> = exp["expired_serials"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(update.expired, expired);
            // Valid certificates are now trusted; expired ones are not.
            let store = client.key_store();
            for w in want {
                let serial = s(w, "serial_no");
                assert_eq!(
                    store.lookup(serial, client.now()).is_ok(),
                    !expired.contains(&serial),
                    "{serial}"
                );
            }
            assert!(update.refresh_at > client.now());
        }
        Err(e) => assert_eq!(outcome_of_verify(&e), expected_outcome(exp), "error was: {e}"),
    }
}

fn run_media(c: &Value) {
    let ts = c["timestamp"].as_i64().unwrap();
    let client = Client::builder(s(c, "mchid"), s(c, "serial"))
        .private_key_pem(key_file(s(c, "private_key")))
        .unwrap()
        .clock(Arc::new(FixedClock::new(ts)))
        .nonce_source(Arc::new(FixedNonce::repeating(s(c, "nonce"))))
        .build()
        .unwrap();
    let bytes = match c.get("file_base64") {
        Some(b) => B64.decode(b.as_str().unwrap()).unwrap(),
        None => vec![c["file_fill_byte"].as_u64().unwrap() as u8; c["file_size"].as_u64().unwrap() as usize],
    };
    let exp = &c["expected"];
    match client
        .favor()
        .image_upload_request_with_boundary(s(c, "filename"), &bytes, s(c, "boundary"))
    {
        Ok(req) => {
            assert_eq!(s(exp, "outcome"), "ok");
            assert_eq!(req.url, s(c, "url"));
            assert_eq!(req.body, B64.decode(s(exp, "body_base64")).unwrap());
            assert_eq!(req.headers.get("content-type"), Some(s(exp, "content_type_header")));
            assert_eq!(req.headers.get("authorization"), Some(s(exp, "authorization")));
            let signed = client
                .sign_with(Method::Post, &req.url, s(exp, "meta").as_bytes(), ts, s(c, "nonce"))
                .unwrap();
            assert_eq!(String::from_utf8(signed.message).unwrap(), s(exp, "message"));
            // A retry re-signs over the meta part, not the multipart body.
            let again = client.resign(&req, None).unwrap();
            assert_eq!(again.headers.get("authorization"), Some(s(exp, "authorization")));
        }
        Err(e) => assert_eq!(outcome_of_verify(&e), expected_outcome(exp), "error was: {e}"),
    }
}

#[test]
fn every_vector_case_passes() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 40, "expected the full vector set, found {}", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let case: Value = serde_json::from_slice(&std::fs::read(dir.join("case.json")).unwrap()).unwrap();
        let kind = s(&case, "kind").to_owned();
        let result = std::panic::catch_unwind(|| match kind.as_str() {
            "sign-request" => run_sign_request(&case),
            "verify-response" => run_verify_response(&case),
            "notification" => run_notification(&case),
            "aead" => run_aead(&case),
            "oaep-decrypt" => run_oaep_decrypt(&case),
            "oaep-encrypt" => run_oaep_encrypt(&case),
            "certificates" => run_certificates(&case),
            "media-upload" => run_media(&case),
            other => panic!("unknown case kind {other}"),
        });
        if result.is_err() {
            failures.push(name);
        }
    }
    println!(
        "{} vector cases with the {} backend, {} failed",
        dirs.len(),
        wechatpay_coupons::crypto::BACKEND,
        failures.len()
    );
    assert!(failures.is_empty(), "failing cases: {failures:?}");
}

/// The official Go/Java SDK vectors; fails under CI when the file is missing, skips otherwise.
fn official_vectors() -> Option<Vec<Value>> {
    let path = repo_root()
        .join("..")
        .join("shared")
        .join("vectors")
        .join("official-sdk-vectors.json");
    match std::fs::read(&path) {
        Ok(b) => Some(
            serde_json::from_slice::<Value>(&b).unwrap()["vectors"]
                .as_array()
                .unwrap()
                .clone(),
        ),
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is required under CI: {e}",
                path.display()
            );
            eprintln!("SKIP official vectors: {} not readable ({e})", path.display());
            None
        }
    }
}

#[test]
fn official_sdk_vectors() {
    let Some(vectors) = official_vectors() else { return };
    let mut ran = 0;
    for v in &vectors {
        let name = s(v, "name");
        match s(v, "kind") {
            "rsa-pkcs1v15-sha256-sign" => {
                let key = MerchantPrivateKey::from_pem(s(v, "private_key_pem")).unwrap();
                assert_eq!(
                    B64.encode(key.sign(s(v, "message").as_bytes()).unwrap()),
                    s(v, "signature_base64"),
                    "{name}"
                );
                let public = keys::wechatpay_public_key("PUB_KEY_ID_1", s(v, "public_key_pem")).unwrap();
                assert_eq!(public.spki_der(), key.public_key_der(), "{name}: public half");
            }
            "notification-verify-and-decrypt" => {
                let client = Client::builder("1900000001", "5F1C72E2A8931B72A2E13AF8DEE92471EB397115")
                    .private_key_pem(key_file("merchant_key.pem"))
                    .unwrap()
                    .platform_certificate(s(v, "platform_certificate_pem"))
                    .unwrap()
                    .clock(Arc::new(FixedClock::new(v["now_unix"].as_i64().unwrap())))
                    .build()
                    .unwrap();
                let headers = headers_of(&v["headers"]);
                let verified = client.verify(&headers, s(v, "body").as_bytes()).unwrap();
                assert_eq!(verified.key_id, s(v, "platform_certificate_serial"), "{name}");
                // Its resource key is 16 bytes: not an APIv3 key.
                assert_eq!(
                    ApiV3Key::new(s(v, "apiv3_key")).unwrap_err(),
                    KeyError::ApiV3KeyLength { len: 16 },
                    "{name}"
                );
                let mut tampered = s(v, "body").as_bytes().to_vec();
                tampered[10] ^= 1;
                assert!(matches!(
                    client.verify(&headers, &tampered),
                    Err(Error::Verify(VerifyError::BadSignature { .. }))
                ));
            }
            "aead-aes-256-gcm" => {
                let client = client_for(&serde_json::json!({"apiv3_key": v["apiv3_key"]}), 0);
                let pt = client
                    .decrypt_aead(s(v, "nonce"), s(v, "associated_data"), s(v, "ciphertext_base64"))
                    .unwrap();
                assert_eq!(String::from_utf8(pt).unwrap(), s(v, "plaintext"), "{name}");
            }
            "aead-aes-gcm-16-byte-key" => {
                let err = ApiV3Key::new(s(v, "apiv3_key")).unwrap_err();
                assert_eq!(err, KeyError::ApiV3KeyLength { len: 16 }, "{name}");
                assert!(err.to_string().contains("32 bytes"), "{name}: {err}");
            }
            "certificates-response-decrypt" => {
                let client = client_for(&serde_json::json!({"apiv3_key": v["apiv3_key"]}), 0);
                let body: Value = serde_json::from_str(s(v, "response_body")).unwrap();
                let entry = &body["data"][0];
                let enc = &entry["encrypt_certificate"];
                let pem = client
                    .decrypt_aead(s(enc, "nonce"), s(enc, "associated_data"), s(enc, "ciphertext"))
                    .unwrap();
                let cert = PlatformCertificate::from_pem(&pem).unwrap();
                assert_eq!(cert.pem.trim(), s(v, "expected_certificate_pem").trim(), "{name}");
                assert_eq!(cert.serial, s(v, "expected_serial"), "{name}");
                assert_eq!(
                    cert.serial,
                    wechatpay_coupons::keys::normalize_serial(s(entry, "serial_no")).unwrap()
                );
                let rfc = |t: &str| {
                    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                        .unwrap()
                        .unix_timestamp()
                };
                assert_eq!(cert.not_before, rfc(s(v, "expected_not_before")), "{name}");
                assert_eq!(cert.not_after, rfc(s(v, "expected_not_after")), "{name}");
            }
            "rsa-oaep-sha1-decrypt" => {
                let key = MerchantPrivateKey::from_pem(s(v, "private_key_pem")).unwrap();
                let ct = B64.decode(s(v, "ciphertext_base64")).unwrap();
                assert_eq!(
                    String::from_utf8(key.decrypt_oaep(&ct).unwrap()).unwrap(),
                    s(v, "plaintext"),
                    "{name}"
                );
            }
            other => panic!("official vector {name}: unknown kind {other}"),
        }
        ran += 1;
    }
    println!(
        "{ran} official SDK vectors passed with the {} backend",
        wechatpay_coupons::crypto::BACKEND
    );
    assert_eq!(ran, vectors.len());
}
