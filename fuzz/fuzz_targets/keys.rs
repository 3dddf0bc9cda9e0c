//! PEM and DER keys and certificates: `MerchantPrivateKey::from_pem` / `from_pkcs8_der`,
//! `PublicKey::from_spki_der`, `keys::wechatpay_public_key`, `PlatformCertificate::from_pem` /
//! `from_der`, and `keys::normalize_serial`. Every parser gets the whole input.
#![no_main]

use fuzz_support::{PUBLIC_KEY_ID, check_error};
use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::keys::{MIN_RSA_BITS, normalize_serial, wechatpay_public_key};
use wechatpay_coupons::{MerchantPrivateKey, PlatformCertificate, PublicKey};

fn check_private(key: &MerchantPrivateKey) {
    assert!(key.bits() >= MIN_RSA_BITS, "accepted a {}-bit key", key.bits());
    let public = PublicKey::from_spki_der("derived", key.public_key_der())
        .unwrap_or_else(|e| panic!("the public half of an accepted private key does not parse: {e}"));
    assert_eq!(public.bits(), key.bits());
}

fn check_cert(cert: &PlatformCertificate) {
    assert!(cert.key.bits() >= MIN_RSA_BITS);
    assert_eq!(cert.key.id(), cert.serial);
    assert_eq!(normalize_serial(&cert.serial).as_ref(), Ok(&cert.serial));
    let again = PlatformCertificate::from_pem(&cert.pem)
        .unwrap_or_else(|e| panic!("the PEM of an accepted certificate does not parse: {e}"));
    assert_eq!(
        (&again.serial, again.not_before, again.not_after),
        (&cert.serial, cert.not_before, cert.not_after)
    );
}

fuzz_target!(|data: &[u8]| {
    match MerchantPrivateKey::from_pem(data) {
        Ok(k) => check_private(&k),
        Err(e) => check_error(&e),
    }
    match MerchantPrivateKey::from_pkcs8_der(data) {
        Ok(k) => check_private(&k),
        Err(e) => check_error(&e),
    }
    match PublicKey::from_spki_der("fuzz", data) {
        Ok(k) => {
            assert!(k.bits() >= MIN_RSA_BITS);
            assert_eq!(k.spki_der(), data);
        }
        Err(e) => check_error(&e),
    }
    match wechatpay_public_key(PUBLIC_KEY_ID, data) {
        Ok(k) => assert!(k.bits() >= MIN_RSA_BITS),
        Err(e) => check_error(&e),
    }
    match PlatformCertificate::from_pem(data) {
        Ok(c) => check_cert(&c),
        Err(e) => check_error(&e),
    }
    match PlatformCertificate::from_der(data) {
        Ok(c) => check_cert(&c),
        Err(e) => check_error(&e),
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match normalize_serial(text) {
            Ok(s) => {
                assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
                assert_eq!(normalize_serial(&s).as_ref(), Ok(&s));
            }
            Err(e) => check_error(&e),
        }
    }
});
