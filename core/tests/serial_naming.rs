//! Which key a request names in `Wechatpay-Serial` (issue 9, items 11–12): a platform
//! certificate by its serial with leading zeros kept, as the official Go SDK writes it, and the
//! newest configured WeChat Pay public key during a rotation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use wechatpay_coupons::keys::{PlatformCertificate, wechatpay_public_key};
use wechatpay_coupons::{Client, ClientBuilder, FixedClock, Method};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");
/// 2026-11-27T10:00:00+08:00, inside the platform certificates' validity.
const NOW: i64 = 1_795_744_800;
/// `platform_cert.pem`'s serial is 0x0A1B…D3: 20 bytes whose first hex digit is 0.
const PLATFORM_SERIAL_NO: &str = "0A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3";
const OLD_KEY: &str = "PUB_KEY_ID_0100000000000000000000000000000001";
const NEW_KEY: &str = "PUB_KEY_ID_0200000000000000000000000000000002";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}{name}")).unwrap()
}

fn builder() -> ClientBuilder {
    Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
        .private_key_pem(read("merchant_key.pem"))
        .unwrap()
        .clock(Arc::new(FixedClock::new(NOW)))
}

fn header_serial(c: &Client) -> Option<String> {
    let req = c
        .request(
            Method::Get,
            "/v3/marketing/favor/stocks/1?stock_creator_mchid=1900000001",
            vec![],
        )
        .unwrap();
    req.headers.get("Wechatpay-Serial").map(str::to_owned)
}

#[test]
fn platform_certificate_serial_keeps_its_leading_zero() {
    let cert = PlatformCertificate::from_pem(read("platform_cert.pem")).unwrap();
    assert_eq!(cert.serial_no, PLATFORM_SERIAL_NO);
    // Lookups still compare serials as numbers.
    assert_eq!(cert.serial, PLATFORM_SERIAL_NO.trim_start_matches('0'));

    let c = builder()
        .platform_certificate(read("platform_cert.pem"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.request_serial().as_deref(), Some(PLATFORM_SERIAL_NO));
    assert_eq!(header_serial(&c).as_deref(), Some(PLATFORM_SERIAL_NO));
    // An encrypted field names the same key, in the same form.
    let enc = c.encrypt_sensitive("13900139000").unwrap();
    assert_eq!(enc.serial, PLATFORM_SERIAL_NO);
    // A serial without a leading zero digit is unchanged.
    let c2 = builder()
        .platform_certificate(read("platform2_cert.pem"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        c2.request_serial().as_deref(),
        Some("5E8F0A9D3C2B1A0F9E8D7C6B5A49382716050403")
    );
}

#[test]
fn auto_names_the_newest_configured_public_key() {
    let pem = read("wechatpay_pub_key.pem");
    // Configured old then new: the new key is named although it sorts last.
    let c = builder()
        .wechatpay_public_key(OLD_KEY, &pem)
        .unwrap()
        .wechatpay_public_key(NEW_KEY, &pem)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.request_serial().as_deref(), Some(NEW_KEY));
    assert_eq!(header_serial(&c).as_deref(), Some(NEW_KEY));
    assert_eq!(c.encrypt_sensitive("张三").unwrap().serial, NEW_KEY);
    // Both keys stay trusted for verification.
    let store = c.key_store();
    assert!(store.lookup(OLD_KEY, NOW).is_ok() && store.lookup(NEW_KEY, NOW).is_ok());

    // Configured the other way round: the key added last wins, whatever its id.
    let c = builder()
        .wechatpay_public_key(NEW_KEY, &pem)
        .unwrap()
        .wechatpay_public_key(OLD_KEY, &pem)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.request_serial().as_deref(), Some(OLD_KEY));

    // A key trusted at run time (rotation without a restart) becomes the one named.
    let c = builder().wechatpay_public_key(NEW_KEY, &pem).unwrap().build().unwrap();
    let rotated = "PUB_KEY_ID_0000000000000000000000000000000003";
    c.trust(|s| s.add_public_key(wechatpay_public_key(rotated, &pem).unwrap()));
    assert_eq!(c.request_serial().as_deref(), Some(rotated));

    // A public key is preferred over a platform certificate (migration), as before.
    let c = builder()
        .wechatpay_public_key(OLD_KEY, &pem)
        .unwrap()
        .platform_certificate(read("platform_cert.pem"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.request_serial().as_deref(), Some(OLD_KEY));
}
