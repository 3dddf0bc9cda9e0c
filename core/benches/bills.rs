//! Bill file throughput: digest + parse (the two passes of `favor::bills`) next to a bare SHA-1
//! over the same bytes, on a synthetic ~20 MB use-flow bill fed in 64 KiB chunks.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark setup; criterion_group! makes an undocumented fn

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wechatpay_coupons::crypto::{hex_lower, sha1};
use wechatpay_coupons::favor::bills::{BillDigest, BillParser, UseFlow, VerifiedBill};

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

fn parse(parser: &mut BillParser<UseFlow>, bytes: &[u8]) -> i64 {
    let mut sum = 0i64;
    for c in bytes.chunks(CHUNK) {
        parser
            .feed(c, |r| sum += r.columns.discount_amount.unwrap_or(0))
            .unwrap();
    }
    sum
}

fn bills(c: &mut Criterion) {
    let bytes = synthetic_bill(SIZE);
    let hash = hex_lower(&sha1(&bytes));
    let mut g = c.benchmark_group("bill_20MB");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));

    g.bench_function("sha1_bare", |b| b.iter(|| black_box(sha1(black_box(&bytes)))));
    g.bench_function("digest_only", |b| b.iter(|| black_box(digest(&bytes, &hash))));
    let verified = digest(&bytes, &hash);
    g.bench_function("parse_only", |b| {
        b.iter(|| {
            let mut p = BillParser::<UseFlow>::new(&verified);
            let s = parse(&mut p, &bytes);
            black_box((s, p.finish(|_| {}).unwrap()))
        })
    });
    g.bench_function("digest_then_parse", |b| {
        b.iter(|| {
            let v = digest(&bytes, &hash);
            let mut p = BillParser::<UseFlow>::new(&v);
            let s = parse(&mut p, &bytes);
            black_box((s, p.finish(|_| {}).unwrap()))
        })
    });
    g.bench_function("digest_then_parse_recheck", |b| {
        b.iter(|| {
            let v = digest(&bytes, &hash);
            let mut p = BillParser::<UseFlow>::with_recheck(&v);
            let s = parse(&mut p, &bytes);
            black_box((s, p.finish(|_| {}).unwrap()))
        })
    });
    g.finish();
}

criterion_group!(benches, bills);
criterion_main!(benches);
