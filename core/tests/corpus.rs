//! The language-neutral corpus of tests/corpus/ (written by tests/vectors/generate.py, never by
//! the core), run through the Rust API: every operation's exact request, every validation case's
//! violations, and every response's decoded JSON or API error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use std::collections::BTreeSet;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::{BuiltRequest, OPERATIONS, Operation};
use wechatpay_coupons::favor::validation::{ValidationPolicy, Violation};
use wechatpay_coupons::{Client, Error, FixedClock, FixedNonce, Headers, HttpResponse};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/");
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys/");

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{CORPUS}{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

fn key(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}{name}")).unwrap()
}

/// The client a corpus file describes: merchant key, fixed clock and nonce, optional trust.
fn client(c: &Value) -> Client {
    let mut b = Client::builder(s(c, "mchid"), s(c, "serial"))
        .private_key_pem(key(s(c, "private_key")))
        .unwrap()
        .clock(Arc::new(FixedClock::new(c["timestamp"].as_i64().unwrap())))
        .allow_http_notify_url(c["allow_http_notify_url"].as_bool().unwrap_or(false));
    if let Some(nonce) = c["nonce"].as_str() {
        b = b.nonce_source(Arc::new(FixedNonce::repeating(nonce)));
    }
    if let Some(base) = c["base_url"].as_str() {
        b = b.base_url(base);
    }
    if let Some(id) = c["wechatpay_public_key_id"].as_str() {
        b = b.wechatpay_public_key(id, key(s(c, "wechatpay_public_key"))).unwrap();
    }
    b.build().unwrap()
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let t = target.as_object_mut().unwrap();
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

fn typed<O: DeserializeOwned>(params: &Value) -> O {
    serde_json::from_value(params.clone()).unwrap_or_else(|e| panic!("params {params}: {e}"))
}

fn image(params: &Value) -> ImageUploadRequest {
    ImageUploadRequest {
        filename: s(params, "filename").to_owned(),
        bytes: B64.decode(s(params, "file_base64")).unwrap(),
    }
}

fn build_as<O: Operation + DeserializeOwned>(client: &Client, params: &Value) -> Result<BuiltRequest, Error> {
    client
        .favor()
        .favor_request_with(&typed::<O>(params), &ValidationPolicy::default())
}

/// Builds operation `name` from JSON params through the typed API. This list is deliberate: the
/// bindings run the same corpus through `dynamic::build` (by name), so the two paths are each
/// checked against the corpus, and this test runs without the `dynamic` feature too.
fn build(client: &Client, name: &str, params: &Value) -> Result<BuiltRequest, Error> {
    match name {
        "create_stock" => build_as::<CreateStockRequest>(client, params),
        "start_stock" => build_as::<StartStockRequest>(client, params),
        "send_coupon" => build_as::<SendCouponRequest>(client, params),
        "pause_stock" => build_as::<PauseStockRequest>(client, params),
        "restart_stock" => build_as::<RestartStockRequest>(client, params),
        "stop_stock" => build_as::<StopStockRequest>(client, params),
        "list_stocks" => build_as::<ListStocksRequest>(client, params),
        "get_stock" => build_as::<GetStockRequest>(client, params),
        "get_coupon" => build_as::<GetCouponRequest>(client, params),
        "list_stock_merchants" => build_as::<ListStockMerchantsRequest>(client, params),
        "list_stock_items" => build_as::<ListStockItemsRequest>(client, params),
        "list_user_coupons" => build_as::<ListUserCouponsRequest>(client, params),
        "use_flow" => build_as::<UseFlowRequest>(client, params),
        "refund_flow" => build_as::<RefundFlowRequest>(client, params),
        "set_callback" => build_as::<SetCallbackRequest>(client, params),
        "get_callback" => build_as::<GetCallbackRequest>(client, params),
        "upload_image" => client
            .favor()
            .favor_request_with(&image(params), &ValidationPolicy::default()),
        "modify_item_codes" => build_as::<ModifyItemCodesRequest>(client, params),
        other => panic!("unknown operation {other}"),
    }
}

fn parse_as<O: Operation>(client: &Client, resp: &HttpResponse) -> Result<Value, Error>
where
    O::Response: serde::Serialize,
{
    client
        .favor()
        .favor_response::<O>(resp)
        .map(|r| serde_json::to_value(r).unwrap())
}

/// Verifies and decodes a response of operation `name` into JSON.
fn parse(client: &Client, name: &str, resp: &HttpResponse) -> Result<Value, Error> {
    match name {
        "create_stock" => parse_as::<CreateStockRequest>(client, resp),
        "start_stock" => parse_as::<StartStockRequest>(client, resp),
        "send_coupon" => parse_as::<SendCouponRequest>(client, resp),
        "pause_stock" => parse_as::<PauseStockRequest>(client, resp),
        "restart_stock" => parse_as::<RestartStockRequest>(client, resp),
        "stop_stock" => parse_as::<StopStockRequest>(client, resp),
        "list_stocks" => parse_as::<ListStocksRequest>(client, resp),
        "get_stock" => parse_as::<GetStockRequest>(client, resp),
        "get_coupon" => parse_as::<GetCouponRequest>(client, resp),
        "list_stock_merchants" => parse_as::<ListStockMerchantsRequest>(client, resp),
        "list_stock_items" => parse_as::<ListStockItemsRequest>(client, resp),
        "list_user_coupons" => parse_as::<ListUserCouponsRequest>(client, resp),
        "use_flow" => parse_as::<UseFlowRequest>(client, resp),
        "refund_flow" => parse_as::<RefundFlowRequest>(client, resp),
        "set_callback" => parse_as::<SetCallbackRequest>(client, resp),
        "get_callback" => parse_as::<GetCallbackRequest>(client, resp),
        "upload_image" => parse_as::<ImageUploadRequest>(client, resp),
        "modify_item_codes" => parse_as::<ModifyItemCodesRequest>(client, resp),
        other => panic!("unknown operation {other}"),
    }
}

/// Every failure of a file, reported together.
fn report(file: &str, total: usize, failures: Vec<String>) {
    assert!(total > 0, "{file} has no cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases of {file} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn operations_build_the_exact_request() {
    let corpus = load("operations.json");
    let client = client(&corpus["client"]);
    let ts = corpus["client"]["timestamp"].as_i64().unwrap();
    let nonce = s(&corpus["client"], "nonce");
    let cases = corpus["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for c in cases {
        let name = s(c, "name");
        let op = s(c, "operation");
        seen.insert(op.to_owned());
        let e = &c["expected"];
        let built = match build(&client, op, &c["params"]) {
            Ok(b) => b,
            Err(err) => {
                failures.push(format!("{name}: not built: {err}"));
                continue;
            }
        };
        let req = &built.request;
        let body = match e.get("body_base64") {
            Some(b) => B64.decode(b.as_str().unwrap()).unwrap(),
            None => s(e, "body").as_bytes().to_vec(),
        };
        let mut problems = Vec::new();
        if req.method.as_str() != s(e, "method") {
            problems.push(format!("method {} != {}", req.method.as_str(), s(e, "method")));
        }
        if req.url != s(e, "url") {
            problems.push(format!("url {} != {}", req.url, s(e, "url")));
        }
        if req.body != body {
            problems.push(format!(
                "body {:?} != {:?}",
                String::from_utf8_lossy(&req.body),
                String::from_utf8_lossy(&body)
            ));
        }
        if req.headers.get("Authorization") != Some(s(e, "authorization")) {
            problems.push(format!(
                "Authorization {:?} != {}",
                req.headers.get("Authorization"),
                s(e, "authorization")
            ));
        }
        if let Some(ct) = e.get("content_type")
            && req.headers.get("Content-Type") != ct.as_str()
        {
            problems.push(format!("Content-Type {:?} != {ct}", req.headers.get("Content-Type")));
        }
        // The message the client signs for this URL and signed body (the meta part for uploads).
        let message = s(e, "signed_message");
        let signed_body = message
            .splitn(5, '\n')
            .nth(4)
            .and_then(|b| b.strip_suffix('\n'))
            .unwrap_or_default();
        let signed = client
            .sign_with(req.method, &req.url, signed_body.as_bytes(), ts, nonce)
            .unwrap();
        if signed.message != s(e, "signed_message").as_bytes() {
            problems.push(format!(
                "signed message {:?} != {:?}",
                String::from_utf8_lossy(&signed.message),
                s(e, "signed_message")
            ));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    let catalogue: BTreeSet<String> = OPERATIONS.iter().map(|o| o.name.to_owned()).collect();
    assert_eq!(seen, catalogue, "every operation of the catalogue has a case");
    report("operations.json", cases.len(), failures);
}

fn triples(vs: &[Violation]) -> BTreeSet<(String, String, String)> {
    vs.iter()
        .map(|v| {
            let sev = serde_json::to_value(v.severity).unwrap();
            (v.rule.to_owned(), v.field.clone(), sev.as_str().unwrap().to_owned())
        })
        .collect()
}

fn expected_triples(e: &Value) -> BTreeSet<(String, String, String)> {
    e.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                s(v, "rule").to_owned(),
                s(v, "field").to_owned(),
                s(v, "severity").to_owned(),
            )
        })
        .collect()
}

#[test]
fn validation_reports_exactly_the_expected_violations() {
    let corpus = load("validation.json");
    let client = client(&corpus["client"]);
    let cases = corpus["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for c in cases {
        let name = s(c, "name");
        let op = s(c, "operation");
        let mut params = corpus["bases"][op].clone();
        merge_patch(&mut params, &c["patch"]);
        let got = match build(&client, op, &params) {
            Ok(b) => b.warnings,
            Err(Error::Validation(v)) => v.violations,
            Err(other) => {
                failures.push(format!("{name}: not a validation error: {other}"));
                continue;
            }
        };
        let (got, want) = (triples(&got), expected_triples(&c["expected"]));
        if got != want {
            failures.push(format!("{name}: got {got:?}, expected {want:?}"));
        }
    }
    report("validation.json", cases.len(), failures);
}

#[test]
fn validation_cases_cover_every_rule_id_of_the_core() {
    let corpus = load("validation.json");
    let covered: BTreeSet<String> = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["expected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| s(v, "rule").to_owned())
        })
        .collect();
    // Every rule id named in the request validation sources (the plugin's V-FE rules are not
    // request rules and have their own tests).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/favor/validation");
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in text.split('"').skip(1).step_by(2) {
            if part.starts_with("V-") && !part.starts_with("V-FE-") && part.len() <= 9 {
                ids.insert(part.to_owned());
            }
        }
    }
    let missing: Vec<_> = ids.difference(&covered).collect();
    assert!(ids.len() > 50, "rule ids found: {ids:?}");
    assert!(missing.is_empty(), "rules without a corpus case: {missing:?}");
}

#[test]
fn responses_decode_to_the_expected_json() {
    let corpus = load("responses.json");
    let client = client(&corpus["client"]);
    let cases = corpus["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for c in cases {
        let name = s(c, "name");
        let mut headers = Headers::new();
        for (k, v) in c["headers"].as_object().unwrap() {
            headers.append(k.as_str(), v.as_str().unwrap());
        }
        let status = u16::try_from(c["status"].as_u64().unwrap()).unwrap();
        let resp = HttpResponse::new(status, headers, s(c, "body").as_bytes().to_vec());
        let e = &c["expected"];
        let got = match parse(&client, s(c, "operation"), &resp) {
            Ok(v) => v,
            Err(Error::Api(a)) => json!({"error": {"status": a.status, "code": a.code}}),
            Err(other) => {
                failures.push(format!("{name}: {other}"));
                continue;
            }
        };
        if &got != e {
            failures.push(format!("{name}:\n  got      {got}\n  expected {e}"));
        }
    }
    report("responses.json", cases.len(), failures);
}
