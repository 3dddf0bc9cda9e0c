//! The sandbox's request authentication (`Shared::authenticate`): the `Authorization` header
//! parser, the mchid / serial / timestamp checks and the signature over the request, for a
//! merchant made of the `tests/vectors` keys on a fixed clock, so the signed seeds verify.
//!
//! Input: `METHOD TARGET`, header lines `Name: value`, an empty line, the body (raw bytes).
#![no_main]

use std::sync::{Arc, LazyLock};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use fuzz_support::{APIV3_KEY, MCHID, MERCHANT_SERIAL, NOW, PUBLIC_KEY_ID, split_head};
use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::FixedClock;
use wechatpay_sandbox::merchant::MerchantSetup;
use wechatpay_sandbox::{SandboxConfig, Shared};

struct Fixture {
    shared: Shared,
    _runtime: tokio::runtime::Runtime,
}

fn fixture() -> Fixture {
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");
    let dir = std::env::temp_dir().join(format!("wechatpay-fuzz-auth-{}", std::process::id()));
    let config = serde_json::json!({
        "mchid": MCHID,
        "appid": "wxd0000000000000000",
        "merchant_serial": MERCHANT_SERIAL,
        "merchant_key_file": format!("{keys}merchant_key.pem"),
        "merchant_cert_file": format!("{keys}merchant_cert.pem"),
        "apiv3_key_file": "apiv3_key.txt",
        "platform_serial": "A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3",
        "platform_cert_file": format!("{keys}platform_cert.pem"),
        "wechatpay_public_key_id": PUBLIC_KEY_ID,
        "wechatpay_public_key_file": format!("{keys}wechatpay_pub_key.pem"),
        "platform_key_file": format!("{keys}platform_key.pem"),
        "wechatpay_private_key_file": format!("{keys}wechatpay_pub_private.pem"),
    });
    let setup = (|| {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("merchant.json"), config.to_string())?;
        std::fs::write(dir.join("apiv3_key.txt"), APIV3_KEY)?;
        MerchantSetup::load(&dir).map_err(std::io::Error::other)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let merchant = setup.unwrap_or_else(|e| panic!("fuzz fixture: merchant from tests/vectors: {e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("fuzz fixture: runtime: {e}"));
    let sandbox_config = SandboxConfig {
        clock: Arc::new(FixedClock::new(NOW)),
        ..SandboxConfig::default()
    };
    let shared = Shared::new(
        sandbox_config,
        merchant,
        "http://127.0.0.1:1".into(),
        runtime.handle().clone(),
    );
    Fixture {
        shared,
        _runtime: runtime,
    }
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(fixture);

fuzz_target!(|data: &[u8]| {
    let (head, body) = split_head(data);
    let mut lines = head.split(|&b| b == b'\n');
    let request_line = String::from_utf8_lossy(lines.next().unwrap_or_default());
    let (method, target) = request_line.split_once(' ').unwrap_or((&request_line, "/"));
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(p) => (&line[..p], &line[p + 1..]),
            None => (line, &[][..]),
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        // What hyper would hand over: valid names and values only.
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            headers.append(n, v);
        }
    }
    let shared = &FIXTURE.shared;
    match shared.authenticate(method, target, &headers, body) {
        Ok(()) => {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                auth.trim().starts_with("WECHATPAY2-SHA256-RSA2048 "),
                "accepted {auth:?}"
            );
            // The same request again is a replay.
            let again = shared.authenticate(method, target, &headers, body);
            assert!(again.is_err(), "a replayed request was accepted");
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
