//! Clients over the known keys of `tests/vectors/keys` for the integration tests that share them.
//! (Each test crate uses part of it.)

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use wechatpay_coupons::{Client, ClientBuilder, FixedClock, FixedNonce};

/// 2026-01-01T00:00:00+08:00, the instant the vectors were signed for.
pub const NOW: i64 = 1_767_196_800;
/// The nonce the operation vectors were signed with.
pub const NONCE: &str = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";

/// `tests/vectors`.
pub fn vectors() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors"))
}

/// A file of `tests/vectors/keys`.
pub fn read_key(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("keys").join(name)).unwrap()
}

/// `tests/vectors/keys/keys.json`.
pub fn keys() -> Value {
    serde_json::from_slice(&read_key("keys.json")).unwrap()
}

/// The merchant of the vectors with its APIv3 key, trusting the WeChat Pay public key, on a clock
/// fixed at `now`; add a nonce source or more keys before `build()`.
pub fn merchant_builder(now: i64) -> ClientBuilder {
    let k = keys();
    Client::builder(k["mchid"].as_str().unwrap(), k["merchant_serial"].as_str().unwrap())
        .private_key_pem(read_key("merchant_key.pem"))
        .unwrap()
        .apiv3_key(k["apiv3_key"].as_str().unwrap())
        .unwrap()
        .wechatpay_public_key(k["public_key_id"].as_str().unwrap(), read_key("wechatpay_pub_key.pem"))
        .unwrap()
        .clock(Arc::new(FixedClock::new(now)))
}

/// [`merchant_builder`] at `now` that signs every request with [`NONCE`].
pub fn signing_client(now: i64) -> Client {
    merchant_builder(now)
        .nonce_source(Arc::new(FixedNonce::repeating(NONCE)))
        .build()
        .unwrap()
}

/// A vector case's `case.json`.
pub fn load_case(name: &str) -> Value {
    let text = std::fs::read_to_string(vectors().join(name).join("case.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The client a notification or verification case describes: the vectors' merchant, the case's
/// APIv3 key and clock, and the public keys and platform certificates it trusts.
pub fn case_client(case: &Value) -> Client {
    let k = keys();
    let mut b = Client::builder(k["mchid"].as_str().unwrap(), k["merchant_serial"].as_str().unwrap())
        .private_key_pem(read_key("merchant_key.pem"))
        .unwrap()
        .apiv3_key(case["apiv3_key"].as_str().unwrap())
        .unwrap()
        .clock(Arc::new(FixedClock::new(case["now"].as_i64().unwrap())));
    for pk in case["trust"]["public_keys"].as_array().into_iter().flatten() {
        b = b
            .wechatpay_public_key(pk["id"].as_str().unwrap(), read_key(pk["file"].as_str().unwrap()))
            .unwrap();
    }
    for cert in case["trust"]["platform_certs"].as_array().into_iter().flatten() {
        b = b.platform_certificate(read_key(cert.as_str().unwrap())).unwrap();
    }
    b.build().unwrap()
}
