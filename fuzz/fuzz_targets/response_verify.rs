//! Signed responses: header set parsing and signature verification (`Client::verify`,
//! `Client::parse_response`) on a fixed clock with the known keys of `tests/vectors`.
//! Input: the message format of `fuzz_support::parse_message`.
#![no_main]

use std::sync::LazyLock;

use fuzz_support::{NOW, PUBLIC_KEY_ID, check_error, client, parse_message, platform_certificate};
use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::{Client, HttpResponse};

static CLIENT: LazyLock<Client> = LazyLock::new(client);
static PLATFORM_SERIAL: LazyLock<String> = LazyLock::new(|| platform_certificate().serial);

fuzz_target!(|data: &[u8]| {
    let (status, headers, body) = parse_message(data);
    let verified = CLIENT.verify(&headers, body);
    if let Err(e) = &verified {
        check_error(e);
    }
    let response = HttpResponse::new(status, headers, body);
    match CLIENT.parse_response(&response) {
        Ok(v) => {
            assert!((200..300).contains(&status), "status {status} accepted as success");
            let Ok(direct) = &verified else {
                panic!("parse_response accepted what verify refused: {verified:?}");
            };
            assert_eq!(v.key_id, direct.key_id);
            assert!(
                v.key_id == PUBLIC_KEY_ID || v.key_id == *PLATFORM_SERIAL,
                "verified by an unknown key {}",
                v.key_id
            );
            assert!(
                NOW.abs_diff(direct.timestamp) < 300,
                "timestamp outside the skew window"
            );
            assert_eq!(v.body, body);
            if let Err(e) = v.json::<serde_json::Value>("fuzzed response") {
                check_error(&e);
            }
        }
        Err(e) => {
            check_error(&e);
            let _ = e.kind();
            let _ = e.retryable();
            if (200..300).contains(&status) {
                assert!(verified.is_err(), "verify accepted what parse_response refused: {e}");
            }
        }
    }
});
