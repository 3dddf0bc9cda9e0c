//! The `/v3/certificates` response (`certificates::apply_certificates_response`): JSON, AEAD
//! decryption, PEM/X.509 of each entry, serial matching, verification with trust on first use,
//! and the store update. Run against an empty store (bootstrap) and a store that already trusts
//! the platform certificate of `tests/vectors`.
//! Input: the message format of `fuzz_support::parse_message`.
#![no_main]

use std::sync::LazyLock;

use fuzz_support::{NOW, apiv3_key, check_error, parse_message, platform_certificate};
use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::certificates::apply_certificates_response;
use wechatpay_coupons::{ApiV3Key, BuiltinCrypto, HttpResponse, KeyStore, PlatformCertificate};

static KEY: LazyLock<ApiV3Key> = LazyLock::new(apiv3_key);
static PLATFORM: LazyLock<PlatformCertificate> = LazyLock::new(platform_certificate);

fuzz_target!(|data: &[u8]| {
    let (status, headers, body) = parse_message(data);
    let response = HttpResponse::new(status, headers, body);
    for trusted in [false, true] {
        let mut store = KeyStore::new();
        if trusted {
            store.add_certificate(PLATFORM.clone());
        }
        match apply_certificates_response(&mut store, &BuiltinCrypto, &KEY, &response, NOW, 300) {
            Ok(update) => {
                assert!((200..300).contains(&status));
                assert_eq!(update.added.len() + update.expired.len(), update.certificates.len());
                for serial in &update.added {
                    assert!(
                        store.certificates().any(|c| &c.serial == serial),
                        "added {serial} is not in the store"
                    );
                }
                for c in &update.certificates {
                    // What the store keeps re-parses to the same certificate.
                    let again = PlatformCertificate::from_pem(&c.pem).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(
                        (&again.serial, again.not_before, again.not_after),
                        (&c.serial, c.not_before, c.not_after)
                    );
                }
                assert!(update.refresh_at >= NOW + 60);
                assert_eq!(
                    update.trust_on_first_use,
                    !trusted || update.verified_by != PLATFORM.serial
                );
            }
            Err(e) => check_error(&e),
        }
    }
});
