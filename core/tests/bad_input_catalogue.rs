//! Runs the shared bad-input catalogue (`tests/bad-inputs/catalogue.json`) through the Rust API:
//! every case must fail with its error kind and stable code, name what its message must name, and leak no secret.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Map, Value};
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::Operation;
use wechatpay_coupons::{
    Client, Error, FixedClock, FixedNonce, FnSigner, Headers, HttpResponse, MerchantPrivateKey, Method, SignerError,
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key_file(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/vectors/keys").join(name)).unwrap()
}

fn catalogue() -> Value {
    let text = std::fs::read_to_string(repo().join("tests/bad-inputs/catalogue.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Expands `{now}`, `{public_key_id}` and `{repeat:C:N}` in every string of `v`.
fn expand(v: &Value, defaults: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(expand_str(s, defaults)),
        Value::Array(a) => Value::Array(a.iter().map(|x| expand(x, defaults)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), expand(x, defaults))).collect()),
        other => other.clone(),
    }
}

fn expand_str(s: &str, defaults: &Value) -> String {
    let mut out = s
        .replace("{now}", &defaults["now"].as_i64().unwrap().to_string())
        .replace("{public_key_id}", defaults["wechatpay_public_key_id"].as_str().unwrap());
    while let Some(start) = out.find("{repeat:") {
        let end = start + out[start..].find('}').unwrap();
        let spec = &out[start + "{repeat:".len()..end];
        let (c, n) = spec.split_once(':').unwrap();
        let filled = c.repeat(n.parse().unwrap());
        out.replace_range(start..=end, &filled);
    }
    out
}

fn config(defaults: &Value, case: &Value) -> Map<String, Value> {
    let mut c = defaults.as_object().unwrap().clone();
    if let Some(o) = case.get("client").and_then(Value::as_object) {
        for (k, v) in o {
            c.insert(k.clone(), v.clone());
        }
    }
    c
}

fn build_client(c: &Map<String, Value>) -> Result<Client, Error> {
    let s = |k: &str| c.get(k).and_then(Value::as_str);
    let mut b = Client::builder(s("mchid").unwrap(), s("merchant_serial").unwrap());
    if let Some(f) = s("private_key") {
        b = b.private_key_pem(key_file(f))?;
    }
    if let Some(n) = c.get("signer_returns_bytes").and_then(Value::as_u64) {
        let n = n as usize;
        b = b.signer(Arc::new(FnSigner(move |_: &[u8]| Ok::<_, SignerError>(vec![7u8; n]))));
    }
    if let Some(k) = s("apiv3_key") {
        b = b.apiv3_key(k)?;
    }
    b = b.wechatpay_public_key(
        s("wechatpay_public_key_id").unwrap(),
        key_file(s("wechatpay_public_key").unwrap()),
    )?;
    if let Some(u) = s("base_url") {
        b = b.base_url(u);
    }
    match c.get("nonce") {
        Some(Value::String(n)) => b = b.nonce_source(Arc::new(FixedNonce::new(n.clone()))),
        Some(Value::Array(list)) => {
            let list = list.iter().map(|v| v.as_str().unwrap().to_owned()).collect();
            b = b.nonce_source(Arc::new(FixedNonce::sequence(list)));
        }
        _ => {}
    }
    let allow = c.get("allow_http_notify_url").and_then(Value::as_bool).unwrap_or(false);
    b.clock(Arc::new(FixedClock::new(c["now"].as_i64().unwrap())))
        .allow_http_notify_url(allow)
        .build()
}

fn build_op<O: Operation + serde::de::DeserializeOwned>(client: &Client, params: &Value) -> Result<(), Error> {
    let op: O = serde_json::from_value(params.clone()).unwrap();
    client.favor().favor_request(&op).map(|_| ())
}

fn headers(v: &Value, signature: &str) -> Headers {
    v.as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let value = pair[1].as_str().unwrap().replace("{signature}", signature);
            (pair[0].as_str().unwrap().to_owned(), value)
        })
        .collect()
}

/// Runs one case; `Ok(())` means the action unexpectedly succeeded.
fn run(case: &Value, defaults: &Value) -> Result<(), Error> {
    let cfg = config(defaults, case);
    let client = build_client(&cfg)?;
    let s = |k: &str| case[k].as_str().unwrap();
    match s("action") {
        "client" => Ok(()),
        "sign" => client
            .sign(Method::parse(s("method")).unwrap(), s("url"), s("body").as_bytes())
            .map(|_| ()),
        "sign_repeatedly" => {
            let times = case["times"].as_u64().unwrap();
            for i in 1..times {
                client
                    .sign(Method::parse(s("method")).unwrap(), s("url"), b"")
                    .unwrap_or_else(|e| panic!("signature {i} of {times} failed: {e}"));
            }
            client
                .sign(Method::parse(s("method")).unwrap(), s("url"), b"")
                .map(|_| ())
        }
        "build" => {
            let p = &case["params"];
            match s("operation") {
                "start_stock" => build_op::<StartStockRequest>(&client, p),
                "send_coupon" => build_op::<SendCouponRequest>(&client, p),
                "get_coupon" => build_op::<GetCouponRequest>(&client, p),
                "get_stock" => build_op::<GetStockRequest>(&client, p),
                "set_callback" => build_op::<SetCallbackRequest>(&client, p),
                "list_user_coupons" => build_op::<ListUserCouponsRequest>(&client, p),
                other => panic!("the Rust runner does not know operation {other}"),
            }
        }
        "request" => client
            .request(Method::parse(s("method")).unwrap(), s("path"), Vec::new())
            .map(|_| ()),
        "verify" => {
            let key = MerchantPrivateKey::from_pem(key_file(cfg["response_signing_key"].as_str().unwrap())).unwrap();
            let sig = B64.encode(key.sign(s("signed_message").as_bytes()).unwrap());
            client
                .verify(&headers(&case["headers"], &sig), s("body").as_bytes())
                .map(|_| ())
        }
        "parse_response" => {
            let status = case["status"].as_u64().unwrap() as u16;
            let r = HttpResponse::new(status, headers(&case["headers"], ""), s("body").as_bytes().to_vec());
            client.parse_response(&r).map(|_| ())
        }
        "decrypt_aead" => client
            .decrypt_aead(s("nonce"), s("associated_data"), s("ciphertext"))
            .map(|_| ()),
        "notification_envelope" => client.notification_envelope(s("body").as_bytes()).map(|_| ()),
        other => panic!("unknown action {other}"),
    }
}

fn secrets(cat: &Value) -> Vec<String> {
    let mut out: Vec<String> = cat["secrets"]["strings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    for f in cat["secrets"]["pem_files"].as_array().unwrap() {
        let pem = key_file(f.as_str().unwrap());
        out.extend(
            pem.lines()
                .filter(|l| !l.starts_with("-----") && l.len() >= 16)
                .map(str::to_owned),
        );
    }
    out
}

#[test]
fn every_catalogue_case_fails_as_described() {
    let cat = catalogue();
    let defaults = &cat["client"];
    let secrets = secrets(&cat);
    let cases = cat["cases"].as_array().unwrap();
    assert!(cases.len() >= 25, "the catalogue lost cases");
    let mut failures = Vec::new();
    for raw in cases {
        let case = expand(raw, defaults);
        let id = case["id"].as_str().unwrap().to_owned();
        let exp = &case["expect"];
        let err = match run(&case, defaults) {
            Ok(()) => {
                failures.push(format!("{id}: accepted"));
                continue;
            }
            Err(e) => e,
        };
        let msg = err.to_string();
        let mut problems = Vec::new();
        if err.kind() != exp["kind"].as_str().unwrap() {
            problems.push(format!("kind {} (expected {})", err.kind(), exp["kind"]));
        }
        // The stable code, and the error's fields carry no secret either.
        if err.code() != exp["code"].as_str().unwrap_or("<no code in the catalogue>") {
            problems.push(format!("code {} (expected {})", err.code(), exp["code"]));
        }
        let fields = serde_json::to_string(&err.fields()).unwrap();
        if secrets.iter().any(|s| fields.contains(s.as_str())) {
            problems.push("fields contain a secret".into());
        }
        for want in exp["contains"].as_array().unwrap() {
            if !msg.contains(want.as_str().unwrap()) {
                problems.push(format!("message lacks {want}"));
            }
        }
        for bad in exp.get("excludes").and_then(Value::as_array).into_iter().flatten() {
            if msg.contains(bad.as_str().unwrap()) {
                problems.push(format!("message contains {bad}"));
            }
        }
        if let Some(max) = exp.get("max_len").and_then(Value::as_u64)
            && msg.len() as u64 > max
        {
            problems.push(format!("message is {} bytes (at most {max})", msg.len()));
        }
        if let Some(rule) = exp.get("rule").and_then(Value::as_str) {
            let field = exp["field"].as_str().unwrap();
            let found = matches!(&err, Error::Validation(v)
                if v.violations.iter().any(|v| v.rule == rule && v.field == field));
            if !found {
                problems.push(format!("no violation {rule} on {field}"));
            }
        }
        if secrets.iter().any(|s| msg.contains(s.as_str())) {
            problems.push("message contains a secret".into());
        }
        if !problems.is_empty() {
            let shown: String = msg.chars().take(300).collect();
            failures.push(format!("{id}: {} — message: {shown}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
