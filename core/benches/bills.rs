//! Bill file throughput: digest + parse (the two passes of `favor::bills`) next to a bare SHA-1
//! over the same bytes, on a synthetic ~20 MB use-flow bill fed in 64 KiB chunks. Every function
//! of the group reports `Throughput::Bytes` of the same file:
//!
//! * `sha1_bare`: one-shot SHA-1 of the bytes (the reference speed);
//! * `digest_only`: pass 1, `BillDigest` over 64 KiB chunks;
//! * `parse_only_rows` / `parse_only_typed`: pass 2 with borrowed `BillRowRef` rows (`feed_rows`:
//!   amounts validated, other cells cleaned only when read) / with fully typed `UseFlowRow`s
//!   (`feed`: every known column converted, unknown columns in a map);
//! * `digest_then_parse_rows` / `digest_then_parse_typed`: both passes, one after the other, as a
//!   caller holding the file on disk runs them; `digest_then_parse_rows_recheck` also re-hashes
//!   pass 2 (`BillParser::with_recheck`).
//!
//! Each row's closure sums the discount amount and the coupon id's length, so the rows are used.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark setup; criterion_group! makes an undocumented fn

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wechatpay_coupons::crypto::{hex_lower, sha1};
use wechatpay_coupons::favor::bills::{BillDigest, BillParser, BillRowRef, UseFlow, UseFlowRow, VerifiedBill};

const CHUNK: usize = 64 * 1024;
const SIZE: usize = 20 << 20;

fn synthetic_bill(target: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(target + 1024);
    out.extend_from_slice(
        "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息\r\n"
            .as_bytes(),
    );
    let mut rows = 0u64;
    while out.len() < target {
        let i = rows;
        write!(
            out,
            "`1751{:04},`98{:09},`全场代金券,`{}.{:02},`{}.00,`支付,`42000{:023},`2026-11-27 16:{:02}:{:02},`1900000001,\"dev{}\",\"\",\"\"\r\n",
            i % 7,
            i,
            i % 50,
            i % 100,
            100 + i % 900,
            i,
            (i / 60) % 60,
            i % 60,
            i % 10
        )
        .unwrap();
        rows += 1;
    }
    write!(out, "总条数\r\n`{rows}\r\n").unwrap();
    out
}

fn digest(bytes: &[u8], hash: &str) -> VerifiedBill {
    let mut d = BillDigest::with_hash("SHA1", hash).unwrap();
    for c in bytes.chunks(CHUNK) {
        d.update(c);
    }
    d.finish().unwrap()
}

fn parser(verified: &VerifiedBill, recheck: bool) -> BillParser<UseFlow> {
    if recheck {
        BillParser::with_recheck(verified)
    } else {
        BillParser::new(verified)
    }
}

/// Pass 2 with typed rows (`feed` / `finish`).
fn parse_typed(verified: &VerifiedBill, recheck: bool, bytes: &[u8]) -> i64 {
    let mut p = parser(verified, recheck);
    let mut sum = 0i64;
    let mut on_row =
        |r: UseFlowRow<'_>| sum += r.columns.discount_amount.unwrap_or(0) + r.columns.coupon_id.len() as i64;
    for c in bytes.chunks(CHUNK) {
        p.feed(c, &mut on_row).unwrap();
    }
    let s = p.finish(&mut on_row).unwrap();
    sum + s.rows as i64
}

/// Pass 2 with borrowed rows (`feed_rows` / `finish_rows`).
fn parse_rows(verified: &VerifiedBill, recheck: bool, bytes: &[u8]) -> i64 {
    let mut p = parser(verified, recheck);
    let mut sum = 0i64;
    let mut on_row = |r: BillRowRef<'_>| sum += r.discount_amount().unwrap_or(0) + r.coupon_id().len() as i64;
    for c in bytes.chunks(CHUNK) {
        p.feed_rows(c, &mut on_row).unwrap();
    }
    let s = p.finish_rows(&mut on_row).unwrap();
    sum + s.rows as i64
}

fn bills(c: &mut Criterion) {
    let bytes = synthetic_bill(SIZE);
    let hash = hex_lower(&sha1(&bytes));
    let verified = digest(&bytes, &hash);
    // Both parse variants see the same rows.
    assert_eq!(
        parse_rows(&verified, false, &bytes),
        parse_typed(&verified, false, &bytes)
    );
    let mut g = c.benchmark_group("bill_20MB");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes.len() as u64));

    g.bench_function("sha1_bare", |b| b.iter(|| black_box(sha1(black_box(&bytes)))));
    g.bench_function("digest_only", |b| {
        b.iter(|| black_box(digest(black_box(&bytes), &hash)))
    });
    g.bench_function("parse_only_rows", |b| {
        b.iter(|| black_box(parse_rows(&verified, false, black_box(&bytes))))
    });
    g.bench_function("parse_only_typed", |b| {
        b.iter(|| black_box(parse_typed(&verified, false, black_box(&bytes))))
    });
    g.bench_function("digest_then_parse_rows", |b| {
        b.iter(|| {
            let v = digest(black_box(&bytes), &hash);
            black_box(parse_rows(&v, false, black_box(&bytes)))
        })
    });
    g.bench_function("digest_then_parse_typed", |b| {
        b.iter(|| {
            let v = digest(black_box(&bytes), &hash);
            black_box(parse_typed(&v, false, black_box(&bytes)))
        })
    });
    g.bench_function("digest_then_parse_rows_recheck", |b| {
        b.iter(|| {
            let v = digest(black_box(&bytes), &hash);
            black_box(parse_rows(&v, true, black_box(&bytes)))
        })
    });
    g.finish();
}

criterion_group!(benches, bills);
criterion_main!(benches);
