//! The sandbox's `multipart/form-data` parser (`wechatpay_sandbox::bills::parse_multipart`) of
//! the image upload. Input: the `Content-Type` value, `\n`, then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (ct, body) = match data.iter().position(|&b| b == b'\n') {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (data, &[][..]),
    };
    let ct = String::from_utf8_lossy(ct);
    match wechatpay_sandbox::bills::parse_multipart(&ct, body) {
        Ok(u) => {
            // Both parts are slices of the body.
            let inside = |part: &[u8]| part.is_empty() || body.windows(part.len()).any(|w| w == part);
            assert!(inside(&u.meta), "meta is not part of the body");
            assert!(inside(&u.file), "file is not part of the body");
            assert!(u.meta.len() + u.file.len() <= body.len());
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
