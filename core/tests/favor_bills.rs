//! Bill files: hash check before parsing, the bill-files.md sample, unknown columns, chunking at
//! every byte position, and a memory-bounded run over a large synthetic bill.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use std::borrow::Cow;
use std::sync::Arc;

use wechatpay_coupons::favor::bills::{
    BillDigest, BillDownload, BillError, BillKind, BillParser, BillWarning, MAX_RECORD_LEN, RefundFlow, UseFlow,
    UseFlowRow, VerifiedBill, parse_bill,
};
use wechatpay_coupons::{Client, FixedClock, FixedNonce, Method};

/// bill-files.md §2.1, byte for byte (319 bytes).
const SAMPLE: &str = "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息\r\n`15*****5,`1818****032,`全场代金券,`1.00,`2.00,`支付,`42000************999,`2020-11-27 16:23:05,`1******9,\"1******0\",\"\",\"\"\r\n总条数\r\n`1\r\n";
const SAMPLE_SHA1: &str = "c8a3e7e9b9d50aefb664c4c6ef022d481629f817";
const SAMPLE_BOM_SHA1: &str = "25d4b952a99118dc8b2b0ee954bb94f6e509513f";

fn download(hash: &str) -> BillDownload {
    BillDownload {
        url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc".into(),
        hash_type: "SHA1".into(),
        hash_value: hash.into(),
    }
}

fn verify(bytes: &[u8]) -> VerifiedBill {
    let mut d = BillDigest::new(&download(&hex_sha1(bytes))).unwrap();
    d.update(bytes);
    d.finish().unwrap()
}

fn hex_sha1(bytes: &[u8]) -> String {
    wechatpay_coupons::crypto::hex_lower(&wechatpay_coupons::crypto::sha1(bytes))
}

#[test]
fn sample_hash_matches_spec() {
    assert_eq!(SAMPLE.len(), 319);
    assert_eq!(hex_sha1(SAMPLE.as_bytes()), SAMPLE_SHA1);
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), SAMPLE.as_bytes()].concat();
    assert_eq!(hex_sha1(&with_bom), SAMPLE_BOM_SHA1);
}

#[test]
fn sample_parses() {
    // Upper-case hash_value and a lower-case hash_type are accepted.
    let mut dl = download(&SAMPLE_SHA1.to_ascii_uppercase());
    dl.hash_type = "sha1".into();
    let bill = parse_bill::<UseFlow>(SAMPLE.as_bytes(), &dl).unwrap();
    assert_eq!(bill.rows.len(), 1);
    let r = &bill.rows[0];
    assert_eq!(r.line, 2);
    let c = &r.columns;
    assert_eq!(c.stock_id, "15*****5");
    assert_eq!(c.coupon_id, "1818****032");
    assert_eq!(c.discount_type.as_deref(), Some("全场代金券"));
    assert_eq!(c.discount_amount, Some(100));
    assert_eq!(c.order_amount, Some(200));
    assert_eq!(c.trade_type.as_deref(), Some("支付"));
    assert_eq!(c.transaction_id.as_deref(), Some("42000************999"));
    assert_eq!(c.consume_time.as_deref(), Some("2020-11-27 16:23:05"));
    assert_eq!(c.consume_time_rfc3339().as_deref(), Some("2020-11-27T16:23:05+08:00"));
    assert_eq!(c.consume_mchid.as_deref(), Some("1******9"));
    assert_eq!(c.device_info.as_deref(), Some("1******0"));
    assert_eq!(c.bank_serial_no, None);
    assert_eq!(c.goods_detail, None);
    assert!(r.extra.is_empty());
    let s = &bill.summary;
    assert_eq!(s.kind, BillKind::UseFlow);
    assert_eq!(s.rows, 1);
    assert_eq!(s.declared_count, Some(1));
    assert_eq!(s.header.len(), 12);
    assert_eq!(s.header[3], "优惠金额（元）");
    assert_eq!(s.trailer.get("总条数").map(String::as_str), Some("1"));
    assert_eq!(s.bytes, 319);
}

#[test]
fn hash_mismatch_is_detected_and_no_row_is_produced() {
    let mut tampered = SAMPLE.as_bytes().to_vec();
    let pos = SAMPLE.find("1.00").unwrap();
    tampered[pos] = b'9';
    let err = parse_bill::<UseFlow>(&tampered, &download(SAMPLE_SHA1)).unwrap_err();
    match &err {
        BillError::HashMismatch {
            expected, len, gzip, ..
        } => {
            assert_eq!(expected, SAMPLE_SHA1);
            assert_eq!(*len, 319);
            assert!(!gzip);
        }
        other => panic!("expected HashMismatch, got {other:?}"),
    }
    // The streaming path: no token, hence no parser.
    let mut d = BillDigest::new(&download(SAMPLE_SHA1)).unwrap();
    for chunk in tampered.chunks(7) {
        d.update(chunk);
    }
    assert!(matches!(d.finish(), Err(BillError::HashMismatch { .. })));
    // A BOM changes the digest: hashing happens before BOM handling.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), SAMPLE.as_bytes()].concat();
    assert!(matches!(
        parse_bill::<UseFlow>(&with_bom, &download(SAMPLE_SHA1)),
        Err(BillError::HashMismatch { .. })
    ));
    let ok = parse_bill::<UseFlow>(&with_bom, &download(SAMPLE_BOM_SHA1)).unwrap();
    assert_eq!(ok.rows[0].columns.stock_id, "15*****5");
    // gzip bodies get a hint.
    let e = parse_bill::<UseFlow>(b"\x1f\x8b\x08\x00", &download(SAMPLE_SHA1)).unwrap_err();
    assert!(matches!(e, BillError::HashMismatch { gzip: true, .. }));
    assert!(e.to_string().contains("gzip"));
    // The conversion into the crate error is its own kind and keeps the message and the code.
    let message = err.to_string();
    let code = err.code();
    let as_core: wechatpay_coupons::Error = err.into();
    assert_eq!(as_core.kind(), "bill");
    assert_eq!(as_core.code(), code);
    assert_eq!(as_core.code(), "bill.hash_mismatch");
    assert_eq!(as_core.to_string(), message);
}

#[test]
fn hash_type_and_value_are_checked() {
    let mut dl = download(SAMPLE_SHA1);
    dl.hash_type = "SHA256".into();
    assert!(matches!(
        BillDigest::new(&dl),
        Err(BillError::UnsupportedHashType { .. })
    ));
    dl.hash_type = "SHA-1".into();
    assert!(BillDigest::new(&dl).is_ok());
    assert!(matches!(
        BillDigest::new(&download("abc")),
        Err(BillError::InvalidHashValue { len: 3 })
    ));
    assert!(matches!(
        BillDigest::new(&download(&"g".repeat(40))),
        Err(BillError::InvalidHashValue { len: 40 })
    ));
}

fn parse_chunked(bytes: &[u8], cuts: &[usize]) -> Result<(Vec<UseFlowRow<'static>>, u64, Option<u64>), BillError> {
    let verified = verify(bytes);
    let mut p = BillParser::<UseFlow>::new(&verified);
    let mut rows = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        p.feed(&bytes[start..cut], |r| rows.push(r.into_owned()))?;
        start = cut;
    }
    let s = p.finish(|r| rows.push(r.into_owned()))?;
    Ok((rows, s.rows, s.declared_count))
}

/// A small file with everything awkward: BOM, LF and CRLF mixed, an unknown column, quoted
/// commas, an escaped quote, a quoted newline, multi-byte UTF-8, a blank line, no final newline.
fn awkward_file() -> Vec<u8> {
    let mut s = String::from("\u{FEFF}批次ID , 优惠id,新列（备注）,优惠金额(元),单品信息,设备号\n");
    s.push_str("`1001,`2001,`备注，全角,`0.5,\"a,b\",\"dev\"\r\n");
    s.push_str("`1002,`2002,`x,`12,\"say \"\"hi\"\"\nnext line\",\"\"\n");
    s.push('\n');
    s.push_str("`1003,`2003,,`-1.25,\"\",\"d3\"\r\n");
    s.push_str("总条数\r\n`3");
    s.into_bytes()
}

#[test]
fn unknown_columns_and_awkward_cells() {
    let bytes = awkward_file();
    let (rows, n, declared) = parse_chunked(&bytes, &[]).unwrap();
    assert_eq!((n, declared), (3, Some(3)));
    assert_eq!(rows[0].columns.stock_id, "1001");
    assert_eq!(rows[0].columns.discount_amount, Some(50));
    assert_eq!(rows[0].columns.goods_detail.as_deref(), Some("a,b"));
    assert_eq!(rows[0].columns.device_info.as_deref(), Some("dev"));
    assert_eq!(
        rows[0].extra.get("新列（备注）").map(Cow::as_ref),
        Some("备注，全角"),
        "unknown column kept under its header text"
    );
    assert_eq!(rows[1].columns.discount_amount, Some(1200));
    assert_eq!(rows[1].columns.goods_detail.as_deref(), Some("say \"hi\"\nnext line"));
    assert_eq!(rows[1].line, 3);
    assert_eq!(
        rows[2].line, 6,
        "line numbers count the quoted newline and the blank line"
    );
    assert_eq!(rows[2].columns.discount_amount, Some(-125));
    assert_eq!(rows[2].extra.get("新列（备注）").map(Cow::as_ref), Some(""));
}

#[test]
fn chunk_boundaries_at_every_byte_position_give_the_same_result() {
    for bytes in [SAMPLE.as_bytes().to_vec(), awkward_file()] {
        let whole = parse_chunked(&bytes, &[]).unwrap();
        for cut in 0..=bytes.len() {
            assert_eq!(parse_chunked(&bytes, &[cut]).unwrap(), whole, "split at {cut}");
        }
        for a in (0..bytes.len()).step_by(5) {
            for b in a..=bytes.len() {
                assert_eq!(parse_chunked(&bytes, &[a, b]).unwrap(), whole, "split at {a},{b}");
            }
        }
        // Byte by byte.
        let cuts: Vec<usize> = (1..bytes.len()).collect();
        assert_eq!(parse_chunked(&bytes, &cuts).unwrap(), whole);
    }
}

#[test]
fn malformed_files_are_typed_errors() {
    let bad = |s: &str| parse_chunked(s.as_bytes(), &[]).unwrap_err();
    assert_eq!(bad(""), BillError::MissingHeader);
    assert_eq!(bad("\r\n\r\n"), BillError::MissingHeader);
    assert_eq!(bad("优惠id,x\n"), BillError::MissingColumn { column: "批次id" });
    assert!(matches!(
        bad("批次id,优惠id,批次ID\n"),
        BillError::DuplicateColumn { .. }
    ));
    assert_eq!(
        bad("批次id,优惠id\n`1,`2,`3\n"),
        BillError::CellCount {
            line: 2,
            expected: 2,
            found: 3
        }
    );
    assert_eq!(
        bad("批次id,优惠id,优惠金额（元）\n`1,`2,`1.005\n"),
        BillError::InvalidCell {
            line: 2,
            column: "优惠金额（元）".into(),
            expected: "a yuan amount with at most 2 decimals, e.g. 1.00"
        }
    );
    assert_eq!(
        bad("批次id,优惠id\n`1,`2\n总条数\n`2\n"),
        BillError::CountMismatch { declared: 2, parsed: 1 }
    );
    assert!(matches!(
        bad("批次id,优惠id\n总条数\nx\n"),
        BillError::InvalidCell { line: 3, .. }
    ));
    assert_eq!(
        bad("批次id,优惠id\n总条数\n`0\n`1,`2\n"),
        BillError::UnexpectedRecord { line: 4 }
    );
    assert_eq!(bad("批次id,优惠id\n\"1,`2\n"), BillError::UnterminatedQuote { line: 2 });
    let not_utf8 = [b"\xB2\xE2,x\n".as_slice()].concat();
    assert_eq!(
        parse_chunked(&not_utf8, &[]).unwrap_err(),
        BillError::NotUtf8 { line: 1 }
    );
    // No trailer is accepted.
    let (rows, _, declared) = parse_chunked("批次id,优惠id\n`1,`2\n".as_bytes(), &[]).unwrap();
    assert_eq!((rows.len(), declared), (1, None));
}

#[test]
fn parser_insists_on_the_verified_bytes() {
    let verified = verify(SAMPLE.as_bytes());
    assert_eq!(verified.len(), 319);
    assert_eq!(verified.sha1_hex(), SAMPLE_SHA1);
    // Fewer bytes than verified.
    let mut p = BillParser::<UseFlow>::new(&verified);
    p.feed(&SAMPLE.as_bytes()[..200], |_| {}).unwrap();
    assert!(matches!(
        p.finish(|_| {}),
        Err(BillError::NotTheVerifiedBytes {
            verified: 319,
            parsed: 200
        })
    ));
    // Same length, different content: only the re-check notices.
    let changed = SAMPLE.replace("2.00", "3.00");
    let mut p = BillParser::<UseFlow>::with_recheck(&verified);
    p.feed(changed.as_bytes(), |_| {}).unwrap();
    assert_eq!(p.finish(|_| {}).unwrap_err(), BillError::ChangedSinceVerification);
    let mut p = BillParser::<UseFlow>::with_recheck(&verified);
    p.feed(SAMPLE.as_bytes(), |_| {}).unwrap();
    assert_eq!(p.finish(|_| {}).unwrap().rows, 1);
    // After an error the parser stays failed.
    let v = verify(b"x\n");
    let mut p = BillParser::<UseFlow>::new(&v);
    assert!(p.feed(b"x\n", |_| {}).is_err());
    assert_eq!(p.feed(b"", |_| {}).unwrap_err(), BillError::ParserFailed);
}

#[test]
fn refund_flow_rows() {
    let text =
        "批次id,优惠id,退款单号,退款时间,退款金额（元）,未知\n`1,`2,`50300,`2026-01-02 03:04:05,`0.99,`z\n总条数\n`1\n";
    let bill = parse_bill::<RefundFlow>(text.as_bytes(), &download(&hex_sha1(text.as_bytes()))).unwrap();
    let r = &bill.rows[0];
    assert_eq!(r.refund_id.as_deref(), Some("50300"));
    assert_eq!(r.refund_time.as_deref(), Some("2026-01-02 03:04:05"));
    assert_eq!(r.refund_amount, Some(99));
    assert_eq!(r.extra.get("未知").map(Cow::as_ref), Some("z"));
    assert_eq!(bill.summary.kind, BillKind::RefundFlow);
}

#[test]
fn record_length_is_bounded() {
    let mut text = String::from("批次id,优惠id\n\"");
    text.push_str(&"x".repeat(MAX_RECORD_LEN + 10));
    let verified = verify(text.as_bytes());
    let mut p = BillParser::<UseFlow>::new(&verified);
    let mut err = None;
    for c in text.as_bytes().chunks(4096) {
        if let Err(e) = p.feed(c, |_| {}) {
            err = Some(e);
            break;
        }
        assert!(p.buffered() <= MAX_RECORD_LEN);
    }
    assert!(matches!(err, Some(BillError::RecordTooLong { line: 2, .. })));
}

#[test]
fn download_request_is_signed_and_not_re_encoded() {
    let key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/keys/merchant_key.pem"
    ))
    .unwrap();
    let client = Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
        .private_key_pem(key)
        .unwrap()
        .clock(Arc::new(FixedClock::new(1_700_000_000)))
        .nonce_source(Arc::new(FixedNonce::repeating("NONCE")))
        .build()
        .unwrap();
    let dl = BillDownload {
        url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO".into(),
        hash_type: "SHA1".into(),
        hash_value: "8ae0eb442c408d2e90d669d6f4ad6b7e6e049d6f".into(),
    };
    let req = client.favor().bill_file_request(&dl).unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url, dl.url);
    assert!(req.body.is_empty());
    assert_eq!(req.headers.get("accept"), Some("*/*"));
    let expected = client
        .sign_with(Method::Get, &dl.url, b"", 1_700_000_000, "NONCE")
        .unwrap();
    assert_eq!(req.headers.get("authorization"), Some(expected.authorization.as_str()));
    assert!(expected.message.starts_with(
        b"GET\n/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO\n"
    ));
    // The backup host is fine; a foreign host is not.
    let backup = BillDownload {
        url: dl.url.replace("api.mch", "api2.mch"),
        ..dl.clone()
    };
    assert!(client.favor().bill_file_request(&backup).is_ok());
    let foreign = BillDownload {
        url: "https://evil.example/v3/billdownload/file?token=x".into(),
        ..dl
    };
    let e = client.favor().bill_file_request(&foreign).unwrap_err();
    assert!(e.to_string().contains("url"), "{e}");
}

#[test]
fn download_hosts_the_official_sdks_know_are_allowed_and_others_refused() {
    let key = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/keys/merchant_key.pem"
    ))
    .unwrap();
    let client = |base: Option<&str>| {
        let mut b = Client::builder("1900000001", "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678")
            .private_key_pem(key.clone())
            .unwrap()
            .clock(Arc::new(FixedClock::new(1_700_000_000)));
        if let Some(u) = base {
            b = b.base_url(u);
        }
        b.build().unwrap()
    };
    let at = |origin: &str| BillDownload {
        url: format!("{origin}/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd"),
        hash_type: "SHA1".into(),
        hash_value: "8ae0eb442c408d2e90d669d6f4ad6b7e6e049d6f".into(),
    };
    let c = client(None);
    for origin in [
        "https://api.mch.weixin.qq.com",
        "https://api2.mch.weixin.qq.com",
        "https://api.wechatpay.cn",
        "https://api2.wechatpay.cn",
        "https://download-service.wechatpay.cn",
        "https://API.WECHATPAY.CN",
        "https://download-service.wechatpay.cn:443",
    ] {
        let dl = at(origin);
        let req = c
            .favor()
            .bill_file_request(&dl)
            .unwrap_or_else(|e| panic!("{origin} refused: {e}"));
        assert_eq!(req.url, dl.url);
    }
    for origin in [
        "http://api.wechatpay.cn",
        "http://download-service.wechatpay.cn",
        "https://evil.example",
        "https://api.wechatpay.cn.evil.example",
        "https://api.wechatpay.cn@evil.example",
        "https://download-service.wechatpay.cn:8443",
        "https://wechatpay.cn",
        "https://x.download-service.wechatpay.cn.evil.example",
    ] {
        let e = c.favor().bill_file_request(&at(origin)).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("url") && msg.contains("https"), "{origin}: {msg}");
    }
    // The configured base URL (the sandbox's, plain http on loopback) stays allowed.
    let sandbox = client(Some("http://127.0.0.1:18080"));
    assert!(sandbox.favor().bill_file_request(&at("http://127.0.0.1:18080")).is_ok());
    assert!(
        sandbox
            .favor()
            .bill_file_request(&at("http://127.0.0.1:18081"))
            .is_err()
    );
}

// ---- Large synthetic bill, generated lazily, never held in memory ----

const CHUNK: usize = 64 * 1024;

/// Yields a use-flow bill of about `target` bytes in `CHUNK`-sized pieces, deterministically.
struct SyntheticBill {
    target: usize,
    produced: usize,
    rows: u64,
    buf: Vec<u8>,
    trailer_done: bool,
}

impl SyntheticBill {
    fn new(target: usize) -> Self {
        let mut buf = Vec::with_capacity(CHUNK + 512);
        buf.extend_from_slice(
            "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息,批次名称\r\n"
                .as_bytes(),
        );
        Self {
            target,
            produced: 0,
            rows: 0,
            buf,
            trailer_done: false,
        }
    }
}

impl Iterator for SyntheticBill {
    type Item = Vec<u8>;
    fn next(&mut self) -> Option<Vec<u8>> {
        use std::io::Write;
        if self.trailer_done && self.buf.is_empty() {
            return None;
        }
        while self.buf.len() < CHUNK && !self.trailer_done {
            if self.produced + self.buf.len() >= self.target {
                write!(self.buf, "总条数\r\n`{}\r\n", self.rows).unwrap();
                self.trailer_done = true;
                break;
            }
            let i = self.rows;
            write!(
                self.buf,
                "`1751{:04},`98{:09},`全场代金券,`{}.{:02},`{}.00,`支付,`42000{:023},`2026-11-27 16:{:02}:{:02},`1900000001,\"dev{}\",\"\",\"\",`N\r\n",
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
            self.rows += 1;
        }
        let out = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 512));
        self.produced += out.len();
        if out.is_empty() { None } else { Some(out) }
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn large_synthetic_bill_in_constant_memory() {
    let size = if cfg!(debug_assertions) {
        println!("note: debug build parses a 10 MB synthetic bill; run with --release for the 100 MB check");
        10 << 20
    } else {
        100 << 20
    };
    let rss_before = peak_rss_kib();
    // Pass 1: digest while "downloading" (the hash_value comes from a first generation run,
    // standing in for the server's value).
    let mut plain = BillDigest::with_hash("SHA1", &"0".repeat(40)).unwrap();
    for chunk in SyntheticBill::new(size) {
        plain.update(&chunk);
    }
    let total = plain.len();
    let actual = match plain.finish() {
        Err(BillError::HashMismatch { actual, .. }) => actual,
        other => panic!("unexpected {other:?}"),
    };
    let mut digest = BillDigest::with_hash("sha1", &actual).unwrap();
    for chunk in SyntheticBill::new(size) {
        digest.update(&chunk);
    }
    let verified = digest.finish().unwrap();
    assert_eq!(verified.len(), total);
    // Pass 2: parse the regenerated bytes.
    let mut parser = BillParser::<UseFlow>::new(&verified);
    let mut rows = 0u64;
    let mut amount = 0i64;
    let mut max_buffered = 0;
    for chunk in SyntheticBill::new(size) {
        parser
            .feed(&chunk, |r| {
                rows += 1;
                amount += r.columns.discount_amount.unwrap_or(0);
                assert_eq!(r.extra.len(), 1);
            })
            .unwrap();
        max_buffered = max_buffered.max(parser.buffered());
    }
    let summary = parser.finish(|_| rows += 1).unwrap();
    assert_eq!(summary.rows, rows);
    assert_eq!(summary.declared_count, Some(rows));
    assert_eq!(summary.bytes, total);
    assert!(total >= size as u64);
    assert!(amount > 0);
    assert!(
        max_buffered < 1024,
        "the parser buffers at most one record, saw {max_buffered}"
    );
    if let (Some(before), Some(after)) = (rss_before, peak_rss_kib()) {
        let grown_mib = after.saturating_sub(before) / 1024;
        println!("{} MB bill, {rows} rows; peak RSS grew by {grown_mib} MiB", total >> 20);
        assert!(
            grown_mib < 48,
            "peak RSS grew by {grown_mib} MiB for a {} MB file",
            total >> 20
        );
    }
}

// ---- Borrowed rows (`feed_rows`) and the fast path ----

/// Parses with `feed_rows`, converting each borrowed row to the typed row.
fn parse_rows_chunked(bytes: &[u8], cuts: &[usize]) -> Result<(Vec<UseFlowRow<'static>>, u64, Option<u64>), BillError> {
    let verified = verify(bytes);
    let mut p = BillParser::<UseFlow>::new(&verified);
    let mut rows = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        p.feed_rows(&bytes[start..cut], |r| rows.push(r.to_use_flow().into_owned()))?;
        start = cut;
    }
    let s = p.finish_rows(|r| rows.push(r.to_use_flow().into_owned()))?;
    Ok((rows, s.rows, s.declared_count))
}

/// Many rows in the shapes the fast path takes and in the ones it leaves to the general path:
/// space before an opening quote, a quote inside a plain cell, text after a closing quote, `""`
/// escapes, quoted newlines and `\r`, blank and whitespace-only lines, LF and CRLF, multi-byte
/// UTF-8 next to separators, an unknown column.
fn mixed_file() -> Vec<u8> {
    let mut s = String::from("批次id,优惠id,优惠金额（元）,单品信息,设备号,备注\r\n");
    let shapes = [
        "`{i},`9{i},`1.{d}0,\"\",\"dev{i}\",`x\r\n",
        "`{i},`9{i},`{d},\"a,b\",\"\",全角，逗号\n",
        "`{i},`9{i},, \"sp\",\"d\",y\r\n",
        "`{i},`9{i},`0.0{d},ab\"c\"d,\"d\",z\n",
        "`{i},`9{i},`2,\"q\"tail,\"d\",z\r\n",
        "`{i},`9{i},`3,\"say \"\"hi\"\"\",\"\",\"多\r\n行\"\r\n",
        "\r\n",
        "  \n",
        "`{i},`9{i},`-{d}.5,\"\",\"\",\"\"\n",
        "\u{3000}`{i}\u{3000},`9{i},`4,\"x\",\"y\",\"\"\n",
    ];
    let mut rows = 0;
    for i in 0..40 {
        let shape = shapes[i % shapes.len()];
        let line = shape
            .replace("{i}", &i.to_string())
            .replace("{d}", &(i % 10).to_string());
        if line.trim().is_empty() {
            s.push_str(&line);
        } else {
            s.push_str(&line);
            rows += 1;
        }
    }
    s.push_str(&format!("总条数\r\n`{rows}\r\n"));
    s.into_bytes()
}

#[test]
fn borrowed_rows_match_typed_rows_at_every_chunk_boundary() {
    for bytes in [SAMPLE.as_bytes().to_vec(), awkward_file(), mixed_file()] {
        let typed = parse_chunked(&bytes, &[]).unwrap();
        // Byte by byte every record is buffered: the general path only, the reference.
        let cuts: Vec<usize> = (1..bytes.len()).collect();
        let reference = parse_chunked(&bytes, &cuts).unwrap();
        assert_eq!(
            typed, reference,
            "fast path (whole file) vs general path (byte by byte)"
        );
        assert_eq!(parse_rows_chunked(&bytes, &[]).unwrap(), typed);
        assert_eq!(parse_rows_chunked(&bytes, &cuts).unwrap(), typed);
        for cut in 0..=bytes.len() {
            assert_eq!(parse_rows_chunked(&bytes, &[cut]).unwrap(), typed, "split at {cut}");
            assert_eq!(parse_chunked(&bytes, &[cut]).unwrap(), typed, "split at {cut}");
        }
        for a in (0..bytes.len()).step_by(37) {
            for b in a..=bytes.len() {
                assert_eq!(parse_rows_chunked(&bytes, &[a, b]).unwrap(), typed, "split at {a},{b}");
            }
        }
    }
}

#[test]
fn mixed_file_cells() {
    let (rows, n, declared) = parse_rows_chunked(&mixed_file(), &[]).unwrap();
    assert_eq!((n, declared), (32, Some(32)));
    let by_id = |id: &str| rows.iter().find(|r| r.columns.stock_id == id).unwrap();
    assert_eq!(by_id("1").columns.goods_detail.as_deref(), Some("a,b"));
    assert_eq!(by_id("1").extra.get("备注").map(Cow::as_ref), Some("全角，逗号"));
    // A space before the quote still opens a quoted cell.
    assert_eq!(by_id("2").columns.goods_detail.as_deref(), Some("sp"));
    assert_eq!(by_id("2").columns.discount_amount, None);
    // Quotes inside a plain cell are kept (an odd count would join the next line); text after a closing quote is dropped.
    assert_eq!(by_id("3").columns.goods_detail.as_deref(), Some("ab\"c\"d"));
    assert_eq!(by_id("4").columns.goods_detail.as_deref(), Some("q"));
    assert_eq!(by_id("5").columns.goods_detail.as_deref(), Some("say \"hi\""));
    assert_eq!(by_id("5").extra.get("备注").map(Cow::as_ref), Some("多\r\n行"));
    assert_eq!(by_id("8").columns.discount_amount, Some(-850));
    // Unicode whitespace around a cell is trimmed.
    assert_eq!(by_id("9").columns.stock_id, "9");
    assert_eq!(by_id("19").columns.coupon_id, "919");
}

#[test]
fn borrowed_row_accessors() {
    let bytes = awkward_file();
    let verified = verify(&bytes);
    let mut p = BillParser::<UseFlow>::new(&verified);
    let mut seen = Vec::new();
    p.feed_rows(&bytes, |r| {
        seen.push((
            r.line(),
            r.kind(),
            r.stock_id().into_owned(),
            r.coupon_id().into_owned(),
            r.discount_amount(),
            r.goods_detail().map(Cow::into_owned),
            r.cell_count(),
            (0..r.cell_count())
                .map(|i| r.cell(i).unwrap().into_owned())
                .collect::<Vec<_>>(),
            r.header(2).map(str::to_owned),
            r.extra()
                .map(|(k, v)| (k.to_owned(), v.into_owned()))
                .collect::<Vec<_>>(),
        ));
        assert!(r.cell(r.cell_count()).is_none());
        assert_eq!(r.order_amount(), None, "column absent");
        assert_eq!(r.refund_amount(), None);
        assert_eq!(r.columns(), r.to_use_flow().columns);
        assert!(format!("{r:?}").contains("BillRowRef"));
    })
    .unwrap();
    p.finish_rows(|_| panic!("no row left")).unwrap();
    assert_eq!(seen.len(), 3);
    let (line, kind, stock, coupon, amount, goods, count, cells, header, extra) = &seen[1];
    assert_eq!((*line, *kind), (3, BillKind::UseFlow));
    assert_eq!((stock.as_str(), coupon.as_str(), *amount), ("1002", "2002", Some(1200)));
    assert_eq!(goods.as_deref(), Some("say \"hi\"\nnext line"));
    assert_eq!(*count, 6);
    assert_eq!(cells[0], "1002");
    assert_eq!(cells[4], "say \"hi\"\nnext line");
    assert_eq!(header.as_deref(), Some("新列（备注）"));
    assert_eq!(extra, &[("新列（备注）".to_owned(), "x".to_owned())]);

    // Refund-flow getters.
    let text = "批次id,优惠id,退款单号,退款时间,退款金额（元）\n`1,`2,`50300,`2026-01-02 03:04:05,`0.99\n";
    let verified = verify(text.as_bytes());
    let mut p = BillParser::<RefundFlow>::new(&verified);
    let mut n = 0;
    p.feed_rows(text.as_bytes(), |r| {
        n += 1;
        assert_eq!(r.kind(), BillKind::RefundFlow);
        assert_eq!(r.refund_id().as_deref(), Some("50300"));
        assert_eq!(r.refund_time().as_deref(), Some("2026-01-02 03:04:05"));
        assert_eq!(r.refund_amount(), Some(99));
        assert_eq!(r.to_refund_flow().refund_amount, Some(99));
    })
    .unwrap();
    assert_eq!(p.finish_rows(|_| {}).unwrap().rows, 1);
    assert_eq!(n, 1);
}

#[test]
fn fast_path_errors_name_the_line() {
    // Many good rows in one chunk, then a bad one: the rows before it come out, then the error.
    let mut text = String::from("批次id,优惠id,优惠金额（元）\n");
    for i in 0..100 {
        text.push_str(&format!("`{i},`{i},`1.00\n"));
    }
    let good = text.clone();
    text.push_str("`x,`y,`1.005\n");
    let verified = verify(text.as_bytes());
    let mut p = BillParser::<UseFlow>::new(&verified);
    let mut n = 0;
    let e = p.feed_rows(text.as_bytes(), |_| n += 1).unwrap_err();
    assert_eq!(n, 100);
    assert_eq!(
        e,
        BillError::InvalidCell {
            line: 102,
            column: "优惠金额（元）".into(),
            expected: "a yuan amount with at most 2 decimals, e.g. 1.00"
        }
    );
    // Not UTF-8 in the middle of a chunk: the chunk falls back to per-record checks.
    let mut bad = good.into_bytes();
    bad.extend_from_slice(b"`1,`\xff,`1\n`2,`2,`2\n");
    let verified = verify(&bad);
    let mut p = BillParser::<UseFlow>::new(&verified);
    let mut n = 0;
    assert_eq!(
        p.feed_rows(&bad, |_| n += 1).unwrap_err(),
        BillError::NotUtf8 { line: 102 }
    );
    assert_eq!(n, 100);
    // Wrong cell count in the fast path.
    let text = "批次id,优惠id\n`1,`2\n`1,`2,`3\n";
    assert_eq!(
        parse_rows_chunked(text.as_bytes(), &[]).unwrap_err(),
        BillError::CellCount {
            line: 3,
            expected: 2,
            found: 3
        }
    );
}

/// The §2.1 sample with two data rows (both `全场代金券`), lines ended by `eol`.
fn two_row_sample(eol: &str) -> Vec<u8> {
    let lines = [
        "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息",
        "`15*****5,`1818****032,`全场代金券,`1.00,`2.00,`支付,`42000************999,`2020-11-27 16:23:05,`1******9,\"1******0\",\"\",\"\"",
        "`15*****5,`1818****033,`全场代金券,`1.00,`3.00,`支付,`42000************998,`2020-11-27 16:23:06,`1******9,\"\",\"\",\"a\r\nb\"",
        "总条数",
        "`2",
    ];
    lines
        .iter()
        .map(|l| format!("{l}{eol}"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn lf_only_reads_like_crlf_and_bare_cr_is_named() {
    let crlf = parse_chunked(&two_row_sample("\r\n"), &[]).unwrap();
    assert_eq!((crlf.1, crlf.2), (2, Some(2)));
    // LF-only (bill-files.md §5: accept \r\n or \n): the same rows, at every chunk boundary.
    let lf = two_row_sample("\n");
    for cut in 0..=lf.len() {
        assert_eq!(parse_chunked(&lf, &[cut]).unwrap(), crlf, "LF-only split at {cut}");
    }
    // Bare CR line breaks: said so, wherever the chunks fall, instead of "column 全场代金券
    // appears twice".
    let cr = two_row_sample("\r");
    for cut in 0..=cr.len() {
        let e = parse_chunked(&cr, &[cut]).unwrap_err();
        assert_eq!(e, BillError::BareCarriageReturn { line: 1 }, "CR-only split at {cut}");
        let text = e.to_string();
        assert!(
            text.contains("carriage return") && text.contains("\\r\\n or \\n"),
            "{text}"
        );
    }
    // A CRLF header with CR-only data lines: the data record names the carriage return.
    let mut mixed = two_row_sample("\r");
    let header_end = mixed.iter().position(|&b| b == b'\r').unwrap();
    mixed.insert(header_end + 1, b'\n');
    for cut in 0..=mixed.len() {
        assert_eq!(
            parse_chunked(&mixed, &[cut]).unwrap_err(),
            BillError::BareCarriageReturn { line: 2 },
            "split at {cut}"
        );
    }
}

#[test]
fn missing_trailer_is_a_warning_and_a_cut_trailer_an_error() {
    let dl = |b: &[u8]| download(&hex_sha1(b));
    let full = two_row_sample("\r\n");
    let bill = parse_bill::<UseFlow>(&full, &dl(&full)).unwrap();
    assert_eq!(bill.summary.warnings, vec![]);
    // Without the trailer: accepted (the SHA-1 matched), with a warning saying what is missing.
    let text = String::from_utf8(full.clone()).unwrap();
    let no_trailer = text.split("总条数").next().unwrap().as_bytes().to_vec();
    let bill = parse_bill::<UseFlow>(&no_trailer, &dl(&no_trailer)).unwrap();
    assert_eq!(bill.rows.len(), 2);
    assert_eq!(bill.summary.declared_count, None);
    assert_eq!(bill.summary.warnings, vec![BillWarning::MissingTrailer { rows: 2 }]);
    assert!(bill.summary.warnings[0].to_string().contains("no 总条数 trailer"));
    // `总条数` with no count after it: the file was cut inside its trailer (line 6: row 2 spans
    // two lines).
    let cut = text.rsplit_once("`2").unwrap().0.as_bytes().to_vec();
    let e = parse_bill::<UseFlow>(&cut, &dl(&cut)).unwrap_err();
    assert!(
        matches!(&e, BillError::InvalidCell { line: 6, column, .. } if column == "总条数"),
        "{e:?}"
    );
    assert!(e.to_string().contains("the number of data rows"), "{e}");
}
