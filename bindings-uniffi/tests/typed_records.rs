//! The generated records against the language-neutral corpus: every decoded response and every
//! request of the corpus survives its record unchanged, the typed methods agree with the JSON
//! ones, and new enum values stay readable.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use wechatpay_coupons_uniffi::client::Client;
use wechatpay_coupons_uniffi::error::WechatPayError;
use wechatpay_coupons_uniffi::models::{
    self, BackgroundColor, GetStockRequest, Stock, StockStatus, StopStockRequest, request_round_trip,
    response_round_trip,
};
use wechatpay_coupons_uniffi::types::{ClientConfig, KeyMaterial};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(name: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(root().join("tests/corpus").join(name))?;
    Ok(serde_json::from_str(&text)?)
}

fn key(name: &str) -> Result<Arc<KeyMaterial>, Box<dyn std::error::Error>> {
    Ok(KeyMaterial::text(std::fs::read_to_string(
        root().join("tests/vectors/keys").join(name),
    )?))
}

fn client(c: &Value) -> Result<Arc<Client>, Box<dyn std::error::Error>> {
    let s = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_owned);
    let config = ClientConfig {
        mchid: s("mchid").unwrap_or_default(),
        merchant_serial: s("serial").unwrap_or_default(),
        private_key: s("private_key").map(|k| key(&k)).transpose()?,
        wechatpay_public_key_id: s("wechatpay_public_key_id"),
        wechatpay_public_key: s("wechatpay_public_key").map(|k| key(&k)).transpose()?,
        base_url: s("base_url"),
        now: c.get("timestamp").and_then(Value::as_i64),
        nonces: s("nonce").map(|n| vec![n; 4]).unwrap_or_default(),
        allow_http_notify_url: c.get("allow_http_notify_url").and_then(Value::as_bool).unwrap_or(false),
        ..ClientConfig::default()
    };
    Ok(Client::new(config, None)?)
}

fn cases(doc: &Value) -> Vec<Value> {
    doc.get("cases").and_then(Value::as_array).cloned().unwrap_or_default()
}

fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn headers(case: &Value) -> HashMap<String, Vec<String>> {
    case.get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.clone(), vec![v.as_str().unwrap_or_default().to_owned()]))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_decoded_corpus_response_survives_its_record() -> TestResult {
    let doc = load("responses.json")?;
    let c = client(&doc["client"])?;
    let mut checked = 0;
    for case in cases(&doc) {
        let op = text(&case, "operation");
        let status = case["status"].as_u64().unwrap_or_default() as u16;
        let Ok(json) = c.parse(op.clone(), status, headers(&case), text(&case, "body").into_bytes()) else {
            continue; // the API-error cases: no record involved
        };
        let decoded: Value = serde_json::from_str(&json)?;
        let back = response_round_trip(&op, decoded.clone()).ok_or(format!("{op}: no response record"))??;
        assert_eq!(back, decoded, "{}", text(&case, "name"));
        checked += 1;
    }
    assert_eq!(checked, 22);
    Ok(())
}

#[test]
fn every_corpus_request_survives_its_record() -> TestResult {
    let ops = load("operations.json")?;
    let validation = load("validation.json")?;
    let mut params: Vec<(String, Value)> = cases(&ops)
        .iter()
        .map(|c| (text(c, "operation"), c["params"].clone()))
        .collect();
    if let Some(bases) = validation.get("bases").and_then(Value::as_object) {
        params.extend(bases.iter().map(|(op, v)| (op.clone(), v.clone())));
    }
    let mut checked = 0;
    for (op, p) in params {
        let Some(back) = request_round_trip(&op, p.clone()) else {
            assert_eq!(op, "upload_image", "only the multipart upload has no request record");
            continue;
        };
        assert_eq!(back?, p, "{op}");
        checked += 1;
    }
    assert!(checked >= 34, "{checked}");
    Ok(())
}

#[test]
fn typed_methods_sign_the_same_request_and_decode_the_same_value_as_the_json_ones() -> TestResult {
    let ops = load("operations.json")?;
    let c = client(&ops["client"])?;
    let typed = c.stop_stock(
        StopStockRequest {
            stock_id: Some("9856000".into()),
            stock_creator_mchid: Some("1900000001".into()),
        },
        None,
    )?;
    let json = c.build(
        "stop_stock".into(),
        r#"{"stock_id":"9856000","stock_creator_mchid":"1900000001"}"#.into(),
        None,
    )?;
    assert_eq!(typed.url, json.url);
    assert_eq!(typed.body, json.body);
    assert_eq!(typed.method, json.method);

    let responses = load("responses.json")?;
    let c = client(&responses["client"])?;
    let case = cases(&responses)
        .into_iter()
        .find(|k| text(k, "name") == "get_stock-new-enum-values-and-unknown-fields")
        .ok_or("case missing")?;
    let stock: Stock = c.parse_get_stock(200, headers(&case), text(&case, "body").into_bytes())?;
    assert!(
        matches!(stock.status, StockStatus::Unknown { .. }),
        "{:?}",
        stock.status
    );
    let want: Value = serde_json::from_str(&c.parse(
        "get_stock".into(),
        200,
        headers(&case),
        text(&case, "body").into_bytes(),
    )?)?;
    assert_eq!(serde_json::from_str::<Value>(&stock.to_json())?, want);
    Ok(())
}

#[test]
fn open_enums_keep_known_and_new_values() -> TestResult {
    assert_eq!(StockStatus::from_wire("running"), StockStatus::Running);
    let new = StockStatus::from_wire("FROZEN_BY_RISK");
    assert_eq!(new.wire_value(), "FROZEN_BY_RISK");
    assert_eq!(serde_json::to_value(&new)?, Value::String("FROZEN_BY_RISK".into()));
    let mixed: BackgroundColor = serde_json::from_value(Value::String("Color010".into()))?;
    assert_eq!(
        mixed,
        BackgroundColor::Unknown {
            value: "Color010".into()
        }
    );
    Ok(())
}

#[test]
fn a_request_record_sends_only_the_fields_it_was_given() -> TestResult {
    let r = GetStockRequest {
        stock_id: Some("9856000".into()),
        stock_creator_mchid: None,
    };
    assert_eq!(serde_json::to_value(&r)?, serde_json::json!({ "stock_id": "9856000" }));
    Ok(())
}

#[test]
fn a_record_missing_a_path_parameter_is_refused_naming_it() -> TestResult {
    let ops = load("operations.json")?;
    let c = client(&ops["client"])?;
    let got = c.get_stock(
        GetStockRequest {
            stock_id: None,
            stock_creator_mchid: Some("1900000001".into()),
        },
        None,
    );
    let Err(WechatPayError::ValidationError { violations, .. }) = got else {
        return Err(format!("expected a validation error, got {got:?}").into());
    };
    assert!(violations.iter().any(|v| v.field == "stock_id"), "{violations:?}");
    Ok(())
}

#[test]
fn a_value_that_does_not_fit_its_record_is_a_decode_error_naming_the_operation() -> TestResult {
    let got = models::response_round_trip("get_stock", serde_json::json!({ "stock_id": 7 }));
    let Some(Err(WechatPayError::DecodeError { code, text, .. })) = got else {
        return Err(format!("expected a decode error, got {got:?}").into());
    };
    assert_eq!(code, "decode.body");
    assert!(text.contains("get_stock"), "{text}");
    Ok(())
}
