//! The coupon operations of the core's catalogue over [`dynamic::build`] and
//! [`dynamic::parse`]: the JSON forms behind `Client.build(operation, paramsJson)` and
//! `Client.parse(operation, …)`, and the value-level calls the typed methods generated in
//! [`crate::models`] go through.

use std::collections::HashMap;

use wechatpay_coupons::dynamic;

use crate::client::Client;
use crate::error::{Result, invalid};
use crate::types::{SignedRequest, response};

/// Builds operation `name` from its parameters (a JSON object).
pub fn build(
    client: &Client,
    name: &str,
    params: serde_json::Value,
    validation: Option<String>,
) -> Result<SignedRequest> {
    if !params.is_object() {
        return Err(invalid("request", "a JSON object of the request fields"));
    }
    let policy = client.policy_or(validation)?;
    let built = dynamic::build(&client.inner, name, params, &policy)?;
    Ok(SignedRequest::from_core(built.request, Some(name), &built.warnings))
}

/// Builds operation `name` from JSON text (empty text = no parameters).
pub fn build_text(client: &Client, name: &str, params_json: &str, validation: Option<String>) -> Result<SignedRequest> {
    let value: serde_json::Value = if params_json.trim().is_empty() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_str(params_json).map_err(|e| invalid("request", format!("a JSON object ({e})")))?
    };
    build(client, name, value, validation)
}

/// Verifies and decodes operation `name`'s response into the core's JSON value.
pub fn parse(
    client: &Client,
    name: &str,
    status: u16,
    headers: HashMap<String, Vec<String>>,
    body: Vec<u8>,
) -> Result<serde_json::Value> {
    Ok(dynamic::parse(&client.inner, name, &response(status, headers, body))?)
}
