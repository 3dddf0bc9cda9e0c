//! Rules that must neither refuse what the server accepts nor accept what it refuses (issue 9,
//! items 5–8): the face-value floor, the begin-time grace, the image checks and the documented
//! RFC 3339 form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use wechatpay_coupons::favor::media::check_image;
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::Operation;
use wechatpay_coupons::favor::validation::{DEFAULT_BEGIN_TIME_GRACE_SECS, Severity, ValidationPolicy, Violation};
use wechatpay_coupons::{Client, Error, FixedClock, FixedNonce, InputError};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");
/// 2026-01-01T00:00:00+08:00
const NOW: i64 = 1_767_196_800;
const DAY: i64 = 86_400;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

fn client() -> Client {
    Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
        .private_key_pem(std::fs::read(format!("{KEYS}merchant_key.pem")).unwrap())
        .unwrap()
        .clock(Arc::new(FixedClock::new(NOW)))
        .nonce_source(Arc::new(FixedNonce::repeating("N0NCE")))
        .build()
        .unwrap()
}

fn run_with<O: Operation>(op: &O, policy: &ValidationPolicy) -> Result<Vec<Violation>, Vec<Violation>> {
    match client().favor().favor_request_with(op, policy) {
        Ok(b) => Ok(b.warnings),
        Err(Error::Validation(v)) => Err(v.violations),
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// Every violation, errors and warnings, with the default policy.
fn all<O: Operation>(op: &O) -> Vec<Violation> {
    run_with(op, &ValidationPolicy::default()).unwrap_or_else(|v| v)
}

fn of<'a>(v: &'a [Violation], rule: &str) -> Vec<&'a Violation> {
    v.iter().filter(|x| x.rule == rule).collect()
}

/// `NOW + offset` written as `…+08:00`.
fn at(offset: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(NOW + offset + 8 * 3600).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A create-stock request that passes every rule, with face value `amount`.
fn create(amount: i64) -> CreateStockRequest {
    CreateStockRequest {
        stock_name: "满100减10".into(),
        belong_merchant: "1900000001".into(),
        available_begin_time: at(DAY),
        available_end_time: at(31 * DAY),
        stock_use_rule: StockRule {
            max_coupons: Some(100),
            max_amount: Some(amount * 100),
            max_coupons_per_user: Some(3),
            natural_person_limit: Some(false),
            prevent_api_abuse: Some(true),
            ..StockRule::default()
        },
        coupon_use_rule: CouponUseRule {
            fixed_normal_coupon: Some(FixedNormalCoupon {
                coupon_amount: amount,
                transaction_minimum: (amount + 1).max(10),
            }),
            available_merchants: Some(vec!["1900000001".into()]),
            ..CouponUseRule::default()
        },
        no_cash: Some(false),
        out_request_no: "1900000001-20260101-1".into(),
        ..CreateStockRequest::default()
    }
}

// --- item 5: V-CS-41 -----------------------------------------------------------------------

#[test]
fn face_value_floor_is_the_official_one_fen_and_the_guide_floor_only_warns() {
    const FIELD: &str = "coupon_use_rule.fixed_normal_coupon.coupon_amount";
    for (amount, expected) in [
        (1, Some(Severity::Error)),
        (2, Some(Severity::Warning)),
        (9, Some(Severity::Warning)),
        (10, None),
        (100_000, None),
        (100_001, Some(Severity::Error)),
    ] {
        let v = all(&create(amount));
        let hits = of(&v, "V-CS-41");
        match expected {
            None => assert!(hits.is_empty(), "{amount}: {hits:?}"),
            Some(sev) => {
                assert_eq!(hits.len(), 1, "{amount}: {v:?}");
                assert_eq!((hits[0].severity, hits[0].field.as_str()), (sev, FIELD), "{amount}");
            }
        }
    }
    // 2–9 fen build (the server accepts them); strict mode refuses them.
    assert!(client().favor().create_stock(&create(2)).is_ok());
    assert!(run_with(&create(2), &ValidationPolicy::strict()).is_err());
    assert!(client().favor().create_stock(&create(1)).is_err());
}

// --- item 6: V-CS-21 -----------------------------------------------------------------------

#[test]
fn begin_time_grace_defaults_to_a_minute_and_is_configurable() {
    const { assert!(DEFAULT_BEGIN_TIME_GRACE_SECS >= 60) };
    assert_eq!(
        ValidationPolicy::default().begin_time_grace_secs,
        DEFAULT_BEGIN_TIME_GRACE_SECS
    );
    assert_eq!(ValidationPolicy::new(), ValidationPolicy::default());
    assert_eq!(
        ValidationPolicy::strict().begin_time_grace_secs,
        DEFAULT_BEGIN_TIME_GRACE_SECS
    );
    let begins = |offset: i64| {
        let mut r = create(100);
        r.available_begin_time = at(offset);
        r
    };
    // A client clock a few seconds (up to a minute) ahead of the server's is not refused.
    for offset in [-1, -30, -DEFAULT_BEGIN_TIME_GRACE_SECS] {
        let v = all(&begins(offset));
        assert!(of(&v, "V-CS-21").is_empty(), "{offset}: {v:?}");
        assert!(client().favor().create_stock(&begins(offset)).is_ok(), "{offset}");
    }
    let v = all(&begins(-DEFAULT_BEGIN_TIME_GRACE_SECS - 1));
    assert_eq!(of(&v, "V-CS-21")[0].severity, Severity::Error);
    // Configurable both ways.
    let none = ValidationPolicy::new().begin_time_grace(0);
    assert_eq!(none.begin_time_grace_secs, 0);
    assert!(run_with(&begins(-1), &none).is_err());
    let hour = ValidationPolicy::new().begin_time_grace(3600);
    assert!(run_with(&begins(-3000), &hour).is_ok());
    assert!(run_with(&begins(-3601), &hour).is_err());
}

// --- item 7: image checks --------------------------------------------------------------------

#[test]
fn image_content_not_matching_its_suffix_is_a_warning() {
    for (filename, bytes) in [
        ("logo.png", JPEG),
        ("logo.jpg", PNG),
        ("logo.png", b"GIF89a....".as_slice()),
    ] {
        let req = ImageUploadRequest {
            filename: filename.into(),
            bytes: bytes.to_vec(),
        };
        let warnings =
            run_with(&req, &ValidationPolicy::default()).unwrap_or_else(|v| panic!("{filename}: refused: {v:?}"));
        let w = of(&warnings, "V-IMG-03");
        assert_eq!(w.len(), 1, "{filename}: {warnings:?}");
        assert_eq!((w[0].severity, w[0].field.as_str()), (Severity::Warning, "bytes"));
        // The request is built, the file part typed by the file name.
        let built = client().favor().upload_image(&req).unwrap();
        let body = String::from_utf8_lossy(&built.request.body);
        let by_name = if filename.ends_with(".png") {
            "image/png"
        } else {
            "image/jpeg"
        };
        assert!(body.contains(&format!("Content-Type: {by_name}")), "{body}");
        assert_eq!(check_image(filename, bytes).unwrap(), by_name);
        // Strict mode refuses it.
        assert!(run_with(&req, &ValidationPolicy::strict()).is_err());
    }
    // A matching file has no V-IMG-03; a wrong suffix stays an error (V-IMG-01).
    let ok = ImageUploadRequest {
        filename: "logo.png".into(),
        bytes: PNG.to_vec(),
    };
    assert!(of(&all(&ok), "V-IMG-03").is_empty());
    let gif = ImageUploadRequest {
        filename: "logo.gif".into(),
        bytes: b"GIF89a....".to_vec(),
    };
    assert!(run_with(&gif, &ValidationPolicy::default()).is_err());
}

#[test]
fn image_file_name_limit_counts_characters() {
    // 100 Chinese characters: 300 bytes of UTF-8, 104 characters with the suffix.
    let long_chinese = format!("{}.png", "券".repeat(100));
    assert!(long_chinese.len() > 128 && long_chinese.chars().count() <= 128);
    assert_eq!(check_image(&long_chinese, PNG).unwrap(), "image/png");
    let req = ImageUploadRequest {
        filename: long_chinese.clone(),
        bytes: PNG.to_vec(),
    };
    let built = client().favor().upload_image(&req).unwrap();
    assert!(String::from_utf8_lossy(&built.request.body).contains(&long_chinese));
    // 129 characters are still too many.
    let too_long = format!("{}.png", "券".repeat(125));
    assert_eq!(too_long.chars().count(), 129);
    assert!(matches!(
        check_image(&too_long, PNG),
        Err(InputError::UnsupportedImage { .. })
    ));
}

// --- item 8: V-CS-20 / V-Q-02 ----------------------------------------------------------------

const REFUSED_TIMES: &[&str] = &[
    "2026-01-02 00:00:00+08:00",
    "2026-01-02t00:00:00+08:00",
    "2026-01-02T00:00:00z",
    "2026-01-02t00:00:00z",
    "2026-01-02T00:00:00",
    "2026-01-02T00:00:00+0800",
    "2026-01-02T00:00:00+08",
    "2026-1-2T00:00:00+08:00",
    "2026-01-02T0:00:00+08:00",
    "2026-01-02T00:00:00.+08:00",
    "2026-01-02T24:00:00+08:00",
    "2026-02-30T00:00:00+08:00",
    " 2026-01-02T00:00:00+08:00",
    "2026-01-02T00:00:00+08:00 ",
];

const ACCEPTED_TIMES: &[&str] = &[
    "2026-01-02T00:00:00+08:00",
    "2026-01-02T00:00:00.120+08:00",
    "2026-01-02T00:00:00.1+08:00",
    "2026-01-01T16:00:00Z",
    "2026-01-01T16:00:00.120Z",
    "2026-01-01T10:00:00-06:00",
];

#[test]
fn create_stock_times_must_have_the_documented_form() {
    for bad in REFUSED_TIMES {
        let mut r = create(100);
        r.available_begin_time = (*bad).into();
        let v = all(&r);
        let hits = of(&v, "V-CS-20");
        assert!(
            hits.iter()
                .any(|x| x.field == "available_begin_time" && x.severity == Severity::Error),
            "{bad:?} should be refused: {v:?}"
        );
        assert!(hits[0].message.contains("YYYY-MM-DDTHH:mm:ss"), "{}", hits[0].message);
        assert!(client().favor().create_stock(&r).is_err(), "{bad:?}");
    }
    for good in ACCEPTED_TIMES {
        let mut r = create(100);
        r.available_begin_time = (*good).into();
        let v = all(&r);
        assert!(of(&v, "V-CS-20").is_empty(), "{good:?}: {v:?}");
        assert!(client().favor().create_stock(&r).is_ok(), "{good:?}: {v:?}");
    }
}

#[test]
fn list_stocks_times_must_have_the_documented_form() {
    let list = |start: &str| ListStocksRequest {
        offset: 0,
        limit: 10,
        stock_creator_mchid: "1900000001".into(),
        create_start_time: Some(start.into()),
        ..ListStocksRequest::default()
    };
    for bad in REFUSED_TIMES {
        let v = all(&list(bad));
        assert!(
            of(&v, "V-Q-02")
                .iter()
                .any(|x| x.field == "create_start_time" && x.severity == Severity::Error),
            "{bad:?}: {v:?}"
        );
    }
    for good in ACCEPTED_TIMES {
        let v = all(&list(good));
        assert!(of(&v, "V-Q-02").is_empty(), "{good:?}: {v:?}");
    }
}

#[test]
fn documented_time_parser() {
    let t = 1_432_099_775; // 2015-05-20T13:29:35+08:00
    assert_eq!(parse_documented_time("2015-05-20T13:29:35+08:00"), Some(t));
    assert_eq!(parse_documented_time("2015-05-20T13:29:35.120+08:00"), Some(t));
    assert_eq!(parse_documented_time("2015-05-20T05:29:35Z"), Some(t));
    for bad in REFUSED_TIMES {
        assert_eq!(parse_documented_time(bad), None, "{bad:?}");
    }
    // The tolerant reader of responses still reads every RFC 3339 shape it did.
    assert_eq!(parse_rfc3339("2015-05-20T13:29:35.120+08:00"), Some(t));
    assert_eq!(parse_rfc3339("2015-05-20T05:29:35Z"), Some(t));
}
