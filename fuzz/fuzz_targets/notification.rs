//! Notifications: the envelope (`Client::notification_envelope`), verification plus decryption
//! (`Client::parse_notification`, `Favor::parse_coupon_notification`) with the APIv3 key of
//! `tests/vectors`, decryption of an unverified envelope, and the COUPON.USE resource decoder.
//! Input: the message format of `fuzz_support::parse_message` (the status line is ignored).
#![no_main]

use std::sync::LazyLock;

use fuzz_support::{apiv3_key, check_error, client, parse_message};
use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::favor::events::{CouponEvent, CouponUseEvent};
use wechatpay_coupons::{ApiV3Key, BuiltinCrypto, Client};

static CLIENT: LazyLock<Client> = LazyLock::new(client);
static KEY: LazyLock<ApiV3Key> = LazyLock::new(apiv3_key);

fuzz_target!(|data: &[u8]| {
    let (_, headers, body) = parse_message(data);
    let envelope = CLIENT.notification_envelope(body);
    if let Ok(env) = &envelope {
        match env.decrypt(&BuiltinCrypto, &KEY) {
            Ok(plaintext) => {
                if let Err(e) = CouponUseEvent::from_json(&plaintext) {
                    check_error(&e);
                }
            }
            Err(e) => check_error(&e),
        }
    }
    match CLIENT.parse_notification(&headers, body) {
        Ok(n) => {
            let Ok(env) = &envelope else {
                panic!("a verified notification whose envelope does not parse alone");
            };
            assert_eq!(&n.envelope, env);
            assert_eq!(Ok(&n.plaintext), env.decrypt(&BuiltinCrypto, &KEY).as_ref());
            match CouponEvent::from_notification(n) {
                Ok(ev) => assert_eq!(ev.envelope(), env),
                Err(e) => check_error(&e),
            }
        }
        Err(e) => check_error(&e),
    }
    match CLIENT.favor().parse_coupon_notification(&headers, body) {
        Ok(ev) => assert_eq!(Some(ev.envelope()), envelope.as_ref().ok()),
        Err(e) => check_error(&e),
    }
    if let Ok(text) = std::str::from_utf8(body)
        && let Err(e) = CouponUseEvent::from_json(text)
    {
        check_error(&e);
    }
});
