//! The coupon operations of the core's catalogue, each as its own method (`createStock`,
//! `parseCreateStock`, …) over [`dynamic::build`] and [`dynamic::parse`]. Request parameters
//! and decoded responses cross as JSON text shaped exactly like the core's models (the
//! documented APIv3 field names); see `operations()` for each operation's parameters.

use std::collections::HashMap;

use wechatpay_coupons::dynamic;

use crate::client::Client;
use crate::error::{Result, invalid};
use crate::types::{SignedRequest, response};

/// Builds operation `name` from JSON parameters (an object).
pub fn build(client: &Client, name: &str, params_json: &str, validation: Option<String>) -> Result<SignedRequest> {
    let value: serde_json::Value = if params_json.trim().is_empty() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_str(params_json).map_err(|e| invalid("request", format!("a JSON object ({e})")))?
    };
    if !value.is_object() {
        return Err(invalid("request", "a JSON object of the request fields"));
    }
    let policy = client.policy_or(validation)?;
    let built = dynamic::build(&client.inner, name, value, &policy)?;
    Ok(SignedRequest::from_core(built.request, Some(name), &built.warnings))
}

/// Verifies and decodes operation `name`'s response into JSON text.
pub fn parse(
    client: &Client,
    name: &str,
    status: u16,
    headers: HashMap<String, Vec<String>>,
    body: Vec<u8>,
) -> Result<String> {
    let value = dynamic::parse(&client.inner, name, &response(status, headers, body))?;
    Ok(value.to_string())
}

macro_rules! operations {
    ($($(#[doc = $doc:literal])* $name:ident / $parse:ident;)*) => {
        #[uniffi::export]
        impl Client {
            $(
                $(#[doc = $doc])*
                ///
                /// `params_json`: the request fields as a JSON object; `validation` overrides
                /// the client's policy.
                #[uniffi::method(default(params_json = "{}", validation = None))]
                pub fn $name(&self, params_json: String, validation: Option<String>) -> Result<SignedRequest> {
                    build(self, stringify!($name), &params_json, validation)
                }

                /// Verifies and decodes this operation's response into JSON text.
                pub fn $parse(&self, status: u16, headers: HashMap<String, Vec<String>>, body: Vec<u8>) -> Result<String> {
                    parse(self, stringify!($name), status, headers, body)
                }
            )*
        }
    };
}

operations! {
    /// Creates a cash-coupon stock (`POST /v3/marketing/favor/coupon-stocks`).
    create_stock / parse_create_stock;
    /// Activates a stock.
    start_stock / parse_start_stock;
    /// Sends a coupon to a user.
    send_coupon / parse_send_coupon;
    /// Pauses a stock.
    pause_stock / parse_pause_stock;
    /// Restarts a paused stock.
    restart_stock / parse_restart_stock;
    /// Stops a stock.
    stop_stock / parse_stop_stock;
    /// Lists stocks (paged).
    list_stocks / parse_list_stocks;
    /// One stock's details.
    get_stock / parse_get_stock;
    /// One coupon's details.
    get_coupon / parse_get_coupon;
    /// A stock's usable merchants (paged).
    list_stock_merchants / parse_list_stock_merchants;
    /// A stock's usable items (paged).
    list_stock_items / parse_list_stock_items;
    /// A user's coupons (paged).
    list_user_coupons / parse_list_user_coupons;
    /// The use-flow bill download of a stock.
    use_flow / parse_use_flow;
    /// The refund-flow bill download of a stock.
    refund_flow / parse_refund_flow;
    /// Sets the notification URL.
    set_callback / parse_set_callback;
    /// Reads the notification URL.
    get_callback / parse_get_callback;
    /// Changes a stock's item codes.
    modify_item_codes / parse_modify_item_codes;
}

#[uniffi::export]
impl Client {
    /// Verifies and decodes the response of `uploadImage` into JSON text (`media_url`).
    pub fn parse_upload_image(
        &self,
        status: u16,
        headers: HashMap<String, Vec<String>>,
        body: Vec<u8>,
    ) -> Result<String> {
        parse(self, "upload_image", status, headers, body)
    }
}
