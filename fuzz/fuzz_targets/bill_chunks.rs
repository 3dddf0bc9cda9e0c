//! The bill parser (`favor::bills`), fed in chunks whose boundaries come from the input and
//! compared with a one-shot parse of the same bytes: the rows handed out (typed and borrowed)
//! and the final result, error included, must be identical. Both bill kinds; with and without
//! the re-hash of pass 2.
//!
//! Input: byte `n`, then `n % 16` chunk lengths (one byte each, cycled; 0 = an empty chunk; no
//! non-zero length = one byte per chunk), then the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_coupons::crypto::{hex_lower, sha1};
use wechatpay_coupons::favor::bills::{
    BillDigest, BillDownload, BillError, BillFormat, BillParser, BillSummary, RefundFlow, UseFlow, VerifiedBill,
};

fn verified(file: &[u8]) -> VerifiedBill {
    let download = BillDownload {
        url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=fuzz".into(),
        hash_type: "SHA1".into(),
        hash_value: hex_lower(&sha1(file)),
    };
    let mut digest = BillDigest::new(&download).unwrap_or_else(|e| panic!("{e}"));
    digest.update(file);
    digest.finish().unwrap_or_else(|e| panic!("{e}"))
}

/// Chunks of `file`: lengths cycled from `lengths` (one byte per chunk when there is no
/// non-zero length).
fn chunks<'a>(file: &'a [u8], lengths: &[u8]) -> Vec<&'a [u8]> {
    let lengths = if lengths.iter().all(|&l| l == 0) { &[] } else { lengths };
    let mut out = Vec::new();
    let mut rest = file;
    let mut i = 0;
    while !rest.is_empty() {
        let len = lengths
            .get(i % lengths.len().max(1))
            .map_or(1, |&l| usize::from(l))
            .min(rest.len());
        out.push(&rest[..len]);
        rest = &rest[len..];
        i += 1;
    }
    out
}

type Outcome<R> = (Vec<R>, Result<BillSummary, BillError>);

/// Typed rows and the result of feeding `parts` then finishing.
fn typed<F: BillFormat>(verified: &VerifiedBill, parts: &[&[u8]], recheck: bool) -> Outcome<F::Row<'static>> {
    let mut p = if recheck {
        BillParser::<F>::with_recheck(verified)
    } else {
        BillParser::<F>::new(verified)
    };
    let mut rows = Vec::new();
    for part in parts {
        if let Err(e) = p.feed(part, |r| rows.push(F::into_owned(r))) {
            // A failed parser stays failed.
            assert_eq!(p.feed(b"x", |_| ()), Err(BillError::ParserFailed));
            return (rows, Err(e));
        }
    }
    let result = p.finish(|r| rows.push(F::into_owned(r)));
    (rows, result)
}

/// Borrowed rows (converted to typed use-flow rows) and the result.
fn borrowed(verified: &VerifiedBill, parts: &[&[u8]]) -> Outcome<<UseFlow as BillFormat>::Row<'static>> {
    let mut p = BillParser::<UseFlow>::new(verified);
    let mut rows = Vec::new();
    for part in parts {
        if let Err(e) = p.feed_rows(part, |r| {
            let _ = (r.line(), r.kind(), r.cell_count(), r.stock_id(), r.coupon_id());
            let _ = r.extra().count();
            let _ = r.columns().consume_time_rfc3339();
            rows.push(r.to_use_flow().into_owned());
        }) {
            return (rows, Err(e));
        }
    }
    let result = p.finish_rows(|r| rows.push(r.to_use_flow().into_owned()));
    (rows, result)
}

fn compare<F: BillFormat>(file: &[u8], v: &VerifiedBill, parts: &[&[u8]])
where
    F::Row<'static>: PartialEq + std::fmt::Debug,
{
    let whole = typed::<F>(v, &[file], false);
    let split = typed::<F>(v, parts, false);
    assert_eq!(whole, split, "chunked parse differs from one-shot parse");
    let rechecked = typed::<F>(v, parts, true);
    assert_eq!(whole, rechecked, "with_recheck differs");
    if let Err(e) = &whole.1 {
        assert!(!e.to_string().is_empty());
    }
    if let Ok(s) = &whole.1 {
        assert_eq!(s.rows, whole.0.len() as u64);
        assert_eq!(s.bytes, file.len() as u64);
        if let Some(d) = s.declared_count {
            assert_eq!(d, s.rows);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let k = usize::from(n % 16).min(rest.len());
    let (lengths, file) = rest.split_at(k);
    let v = verified(file);
    let parts = chunks(file, lengths);
    compare::<UseFlow>(file, &v, &parts);
    compare::<RefundFlow>(file, &v, &parts);
    let typed_whole = typed::<UseFlow>(&v, &[file], false);
    assert_eq!(
        borrowed(&v, &parts),
        typed_whole,
        "borrowed rows differ from typed rows"
    );
    assert_eq!(
        borrowed(&v, &[file]),
        typed_whole,
        "borrowed rows differ from typed rows (one-shot)"
    );
});
