//! The sandbox's diagnosis of a request whose signature does not verify: the canonical message
//! it expected, and — when the signature matches one of the usual mistakes — the message that
//! was signed instead (query decoded or re-encoded, query left out, full URL, body re-serialised
//! or left out).
//!
//! The real WeChat Pay only answers `401 SIGN_ERROR`; the sandbox holds the exact bytes, so it
//! can tell which variant the client signed.

use axum::http::HeaderMap;
use wechatpay_coupons::crypto::{BuiltinCrypto, CryptoProvider};
use wechatpay_coupons::http::Method;
use wechatpay_coupons::keys::PublicKey;
use wechatpay_coupons::sign::{AUTH_SCHEME, encode_query_value, request_message};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Host the official API is served from (a client that signs the full URL signs this too).
const API_HOST: &str = "https://api.mch.weixin.qq.com";

/// What the sandbox can tell about a signature that did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignDiagnosis {
    /// The canonical message the sandbox expected (`METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n`).
    pub expected: String,
    /// Whether the signature verifies over [`SignDiagnosis::expected`] (then the request was
    /// refused for another reason: timestamp, nonce, serial, …).
    pub expected_verifies: bool,
    /// The variant the signature matches, when one does.
    pub matched: Option<SignedVariant>,
}

/// A message the client may have signed instead of the canonical one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedVariant {
    /// Short name (`query-decoded`, `body-compact`, …).
    pub name: &'static str,
    /// What the client did, in one sentence.
    pub explanation: &'static str,
    /// The message the signature verifies over.
    pub message: String,
}

/// The `timestamp`, `nonce_str` and `signature` of an `Authorization` header, when it has the
/// `WECHATPAY2-SHA256-RSA2048` form.
fn auth_fields(headers: &HeaderMap) -> Option<(i64, String, Vec<u8>)> {
    let auth = headers.get("authorization")?.to_str().ok()?.trim();
    let params = auth.strip_prefix(AUTH_SCHEME)?;
    let (mut ts, mut nonce, mut sig) = (None, None, None);
    for part in params.trim().split(',') {
        let (k, v) = part.split_once('=')?;
        let v = v.strip_prefix('"')?.strip_suffix('"')?;
        match k.trim() {
            "timestamp" => ts = v.parse::<i64>().ok(),
            "nonce_str" => nonce = Some(v.to_owned()),
            "signature" => sig = B64.decode(v).ok(),
            _ => {}
        }
    }
    Some((ts?, nonce?, sig?))
}

/// Diagnoses the request `method target` with `headers` and the bytes `signed_body` against the
/// merchant key `key`. `None` when the `Authorization` header cannot be read far enough to tell
/// (missing, wrong scheme, no timestamp/nonce/signature, or an unknown method).
pub fn diagnose(
    key: &PublicKey,
    method: &str,
    target: &str,
    headers: &HeaderMap,
    signed_body: &[u8],
) -> Option<SignDiagnosis> {
    let (ts, nonce, sig) = auth_fields(headers)?;
    let m = Method::parse(method)?;
    let verifies = |msg: &[u8]| BuiltinCrypto.rsa_verify_sha256(key, msg, &sig).unwrap_or(false);
    let expected = request_message(m, target, ts, &nonce, signed_body);
    let expected_verifies = verifies(&expected);
    let matched = if expected_verifies {
        None
    } else {
        variants(target, signed_body)
            .into_iter()
            .find_map(|(name, explanation, t, b)| {
                let msg = request_message(m, &t, ts, &nonce, &b);
                verifies(&msg).then(|| SignedVariant {
                    name,
                    explanation,
                    message: String::from_utf8_lossy(&msg).into_owned(),
                })
            })
    };
    Some(SignDiagnosis {
        expected: String::from_utf8_lossy(&expected).into_owned(),
        expected_verifies,
        matched,
    })
}

type Variant = (&'static str, &'static str, String, Vec<u8>);

/// The usual wrong messages for a request to `target` with `body`: (name, explanation, target,
/// body). Variants equal to the canonical message are left out.
pub fn variants(target: &str, body: &[u8]) -> Vec<Variant> {
    let mut out: Vec<Variant> = Vec::new();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let mut push_target = |name, explanation, t: String| {
        if t != target {
            out.push((name, explanation, t, body.to_vec()));
        }
    };
    if let Some(q) = query {
        if let Some(decoded) = map_query(q, crate::util::percent_decode) {
            push_target(
                "query-decoded",
                "the query was signed percent-decoded; sign it exactly as sent on the wire",
                format!("{path}?{decoded}"),
            );
        }
        if let Some(encoded) = map_query(q, |s| crate::util::percent_decode(s).map(|d| encode_query_value(&d))) {
            push_target(
                "query-re-encoded",
                "the query was signed re-encoded (every reserved character escaped); sign it exactly as sent",
                format!("{path}?{encoded}"),
            );
        }
        push_target(
            "query-omitted",
            "the query string was left out of the signed URL; sign the path with its query",
            path.to_owned(),
        );
    }
    push_target(
        "full-url",
        "the full URL with scheme and host was signed; sign only the path and query",
        format!("{API_HOST}{target}"),
    );
    if !body.is_empty() {
        let mut push_body = |name, explanation, b: Vec<u8>| {
            if b != body {
                out.push((name, explanation, target.to_owned(), b));
            }
        };
        if let Ok(text) = std::str::from_utf8(body)
            && serde_json::from_str::<serde_json::Value>(text).is_ok()
        {
            let compact = reformat(text, Style::Compact, false);
            push_body(
                "body-compact",
                "the body was signed compact (no whitespace) but sent with other spacing; sign the bytes sent",
                compact.clone().into_bytes(),
            );
            push_body(
                "body-spaced",
                "the body was signed with \", \" and \": \" separators (Python json.dumps default) but sent otherwise; sign the bytes sent",
                reformat(text, Style::Spaced, false).into_bytes(),
            );
            push_body(
                "body-pretty",
                "the body was signed pretty-printed (2-space indent) but sent otherwise; sign the bytes sent",
                reformat(text, Style::Pretty, false).into_bytes(),
            );
            push_body(
                "body-ascii-escaped",
                "the body was signed with non-ASCII characters as \\u escapes but sent as UTF-8; sign the bytes sent",
                reformat(text, Style::Compact, true).into_bytes(),
            );
            push_body(
                "body-spaced-ascii-escaped",
                "the body was signed as Python json.dumps writes it by default (\", \" separators, \\u escapes) but sent otherwise; sign the bytes sent",
                reformat(text, Style::Spaced, true).into_bytes(),
            );
        }
        push_body(
            "body-omitted",
            "the body was left out of the signed message (an empty line instead); sign the body sent",
            Vec::new(),
        );
    }
    out
}

/// Applies `f` to every key and value of the query `q`; `None` when `f` fails on one.
fn map_query(q: &str, f: impl Fn(&str) -> Option<String>) -> Option<String> {
    let parts: Option<Vec<String>> = q
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) => Some(format!("{}={}", f(k)?, f(v)?)),
            None => f(p),
        })
        .collect();
    parts.map(|p| p.join("&"))
}

/// Spacing of a re-serialised JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// No whitespace.
    Compact,
    /// `", "` and `": "` separators.
    Spaced,
    /// Two-space indentation, `": "` after keys.
    Pretty,
}

/// Re-serialises the valid JSON `text` keeping its key order and number spelling: only the
/// whitespace between tokens changes (and, with `ascii`, non-ASCII characters in strings become
/// `\u` escapes).
fn reformat(text: &str, style: Style, ascii: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            out.push('\\');
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        '"' => {
                            out.push('"');
                            break;
                        }
                        s if ascii && !s.is_ascii() => {
                            let mut units = [0u16; 2];
                            for u in s.encode_utf16(&mut units) {
                                out.push_str(&format!("\\u{u:04x}"));
                            }
                        }
                        s => out.push(s),
                    }
                }
            }
            c if c.is_whitespace() => {}
            '{' | '[' => {
                out.push(c);
                depth += 1;
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                let empty = matches!(chars.peek(), Some('}' | ']'));
                if style == Style::Pretty && !empty {
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                let opened = out.ends_with(['{', '[']);
                if style == Style::Pretty && !opened {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(',');
                match style {
                    Style::Compact => {}
                    Style::Spaced => out.push(' '),
                    Style::Pretty => newline(&mut out, depth),
                }
            }
            ':' => {
                out.push(':');
                if style != Style::Compact {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A run of characters of one side of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The text.
    pub text: &'a str,
    /// Whether it is absent from the other side.
    pub differs: bool,
}

/// Largest LCS table (cells) [`diff`] builds; beyond it the whole middle is marked.
const MAX_DIFF_CELLS: usize = 1 << 20;

/// The character diff of `a` and `b`: each side as runs, the runs absent from the other side
/// marked. The common prefix and suffix are cut first; the middle is compared by longest
/// common subsequence when small enough, else marked as a whole.
pub fn diff<'a>(a: &'a str, b: &'a str) -> (Vec<Segment<'a>>, Vec<Segment<'a>>) {
    let (prefix, mid_a, mid_b, suffix) = split_diff(a, b);
    type Chars = Vec<(usize, char)>;
    let (ca, cb): (Chars, Chars) = (mid_a.char_indices().collect(), mid_b.char_indices().collect());
    let (n, m) = (ca.len(), cb.len());
    let (mut keep_a, mut keep_b) = (vec![false; n], vec![false; m]);
    if n.saturating_mul(m) <= MAX_DIFF_CELLS && n > 0 && m > 0 {
        // lcs[i][j]: LCS length of ca[i..] and cb[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if ca[i].1 == cb[j].1 {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if ca[i].1 == cb[j].1 {
                keep_a[i] = true;
                keep_b[j] = true;
                i += 1;
                j += 1;
            } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    let side = |text: &'a str, chars: &[(usize, char)], keep: &[bool]| {
        // Byte ranges of `text` with their flag, adjacent equal flags merged.
        let base = prefix.len();
        let mut runs: Vec<(usize, usize, bool)> = vec![(0, base, false)];
        for (k, (at, c)) in chars.iter().enumerate() {
            runs.push((base + at, base + at + c.len_utf8(), !keep[k]));
        }
        runs.push((text.len() - suffix.len(), text.len(), false));
        let mut merged: Vec<(usize, usize, bool)> = Vec::new();
        for r in runs.into_iter().filter(|r| r.0 < r.1) {
            match merged.last_mut() {
                Some(last) if last.2 == r.2 && last.1 == r.0 => last.1 = r.1,
                _ => merged.push(r),
            }
        }
        merged
            .into_iter()
            .map(|(from, to, differs)| Segment {
                text: &text[from..to],
                differs,
            })
            .collect::<Vec<_>>()
    };
    (side(a, &ca, &keep_a), side(b, &cb, &keep_b))
}

/// Splits `a` and `b` into (common prefix, differing middle of `a`, differing middle of `b`,
/// common suffix), on character boundaries.
fn split_diff<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str, &'a str, &'a str) {
    let prefix = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let prefix = floor_boundary(b, floor_boundary(a, prefix));
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra
        .chars()
        .rev()
        .zip(rb.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum::<usize>();
    (
        &a[..prefix],
        &ra[..ra.len() - suffix],
        &rb[..rb.len() - suffix],
        &ra[ra.len() - suffix..],
    )
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use axum::http::HeaderValue;
    use wechatpay_coupons::MerchantPrivateKey;

    fn keys() -> (MerchantPrivateKey, PublicKey) {
        let g = crate::merchant::generate_cert("diagnosis test", 1_700_000_000, 30).unwrap();
        (
            MerchantPrivateKey::from_pem(&g.key_pem).unwrap(),
            wechatpay_coupons::keys::wechatpay_public_key(
                "PUB_KEY_ID_0000000000000000000000000000001",
                &g.public_key_pem,
            )
            .unwrap(),
        )
    }

    fn headers(key: &MerchantPrivateKey, message: &[u8]) -> HeaderMap {
        let sig = B64.encode(key.sign(message).unwrap());
        let mut h = HeaderMap::new();
        let auth = format!(
            "{AUTH_SCHEME} mchid=\"1900000001\",nonce_str=\"N0NCE\",timestamp=\"1700000000\",serial_no=\"AB\",signature=\"{sig}\""
        );
        h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        h
    }

    fn msg(method: Method, target: &str, body: &[u8]) -> Vec<u8> {
        request_message(method, target, 1_700_000_000, "N0NCE", body)
    }

    #[test]
    fn names_the_variant_the_client_signed() {
        let (private, public) = keys();
        let sent_target = "/v3/marketing/favor/users/o%3Ax%20y/coupons?stock_id=9&creator=a%2Bb";
        let body = "{\"stock_name\": \"满减券\", \"n\": [1, 2.50]}";
        let cases: [(&str, String, &[u8]); 6] = [
            (
                "query-decoded",
                "/v3/marketing/favor/users/o%3Ax%20y/coupons?stock_id=9&creator=a+b".into(),
                body.as_bytes(),
            ),
            (
                "query-omitted",
                "/v3/marketing/favor/users/o%3Ax%20y/coupons".into(),
                body.as_bytes(),
            ),
            ("full-url", format!("{API_HOST}{sent_target}"), body.as_bytes()),
            (
                "body-compact",
                sent_target.into(),
                "{\"stock_name\":\"满减券\",\"n\":[1,2.50]}".as_bytes(),
            ),
            (
                "body-ascii-escaped",
                sent_target.into(),
                "{\"stock_name\":\"\\u6ee1\\u51cf\\u5238\",\"n\":[1,2.50]}".as_bytes(),
            ),
            ("body-omitted", sent_target.into(), b""),
        ];
        for (name, signed_target, signed_body) in cases {
            let h = headers(&private, &msg(Method::Post, &signed_target, signed_body));
            let d = diagnose(&public, "POST", sent_target, &h, body.as_bytes()).unwrap();
            assert!(!d.expected_verifies, "{name}");
            assert_eq!(
                d.expected,
                String::from_utf8(msg(Method::Post, sent_target, body.as_bytes())).unwrap()
            );
            let m = d.matched.unwrap_or_else(|| panic!("{name}: no variant matched"));
            assert_eq!(m.name, name);
            assert_eq!(m.message.as_bytes(), msg(Method::Post, &signed_target, signed_body));
        }
    }

    #[test]
    fn re_encoded_query_and_pretty_body_are_recognised() {
        let (private, public) = keys();
        let sent = "/v3/x?a=b:c";
        let h = headers(&private, &msg(Method::Get, "/v3/x?a=b%3Ac", b""));
        let d = diagnose(&public, "GET", sent, &h, b"").unwrap();
        assert_eq!(d.matched.unwrap().name, "query-re-encoded");

        let body = br#"{"a":{"b":[1,{}],"c":[]},"d":"x"}"#;
        let pretty = "{\n  \"a\": {\n    \"b\": [\n      1,\n      {}\n    ],\n    \"c\": []\n  },\n  \"d\": \"x\"\n}";
        let h = headers(&private, &msg(Method::Post, "/v3/y", pretty.as_bytes()));
        let d = diagnose(&public, "POST", "/v3/y", &h, body).unwrap();
        assert_eq!(d.matched.unwrap().name, "body-pretty");
    }

    #[test]
    fn a_valid_signature_and_an_unknown_one_are_told_apart() {
        let (private, public) = keys();
        let h = headers(&private, &msg(Method::Get, "/v3/z?a=1", b""));
        let d = diagnose(&public, "GET", "/v3/z?a=1", &h, b"").unwrap();
        assert!(d.expected_verifies);
        assert_eq!(d.matched, None);
        let h = headers(&private, b"something else entirely\n");
        let d = diagnose(&public, "GET", "/v3/z?a=1", &h, b"").unwrap();
        assert!(!d.expected_verifies);
        assert_eq!(d.matched, None);
        assert!(diagnose(&public, "GET", "/v3/z", &HeaderMap::new(), b"").is_none());
    }

    #[test]
    fn diff_splits_on_character_boundaries() {
        assert_eq!(split_diff("abXYcd", "abZcd"), ("ab", "XY", "Z", "cd"));
        assert_eq!(split_diff("same", "same"), ("same", "", "", ""));
        assert_eq!(split_diff("满减", "满额"), ("满", "减", "额", ""));
        assert_eq!(split_diff("a%2Bb", "a+b"), ("a", "%2B", "+", "b"));
        assert_eq!(split_diff("", "x"), ("", "", "x", ""));
    }

    fn marked<'a>(segs: &[Segment<'a>]) -> Vec<(&'a str, bool)> {
        segs.iter().map(|s| (s.text, s.differs)).collect()
    }

    #[test]
    fn diff_marks_each_differing_run() {
        let (a, b) = diff("{\"a\": 1, \"b\": 2}", "{\"a\":1,\"b\":2}");
        assert_eq!(
            marked(&a),
            [
                ("{\"a\":", false),
                (" ", true),
                ("1,", false),
                (" ", true),
                ("\"b\":", false),
                (" ", true),
                ("2}", false)
            ]
        );
        assert_eq!(marked(&b), [("{\"a\":1,\"b\":2}", false)]);
        let (a, b) = diff("x=%3A&y=%2B", "x=:&y=+");
        assert_eq!(
            a.iter().filter(|s| s.differs).map(|s| s.text).collect::<Vec<_>>(),
            ["%3A", "%2B"]
        );
        assert_eq!(
            b.iter().filter(|s| s.differs).map(|s| s.text).collect::<Vec<_>>(),
            [":", "+"]
        );
        let (a, b) = diff("same", "same");
        assert_eq!((marked(&a), marked(&b)), (vec![("same", false)], vec![("same", false)]));
        // Too large for the table: the whole middle is marked.
        let (x, y) = ("a".repeat(1100) + &"b".repeat(1100), "c".repeat(1100));
        let (a, b) = diff(&x, &y);
        assert_eq!((a.len(), b.len()), (1, 1));
        assert!(a[0].differs && b[0].differs);
    }
}
