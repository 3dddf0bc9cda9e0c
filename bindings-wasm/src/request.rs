//! Requests and responses across the boundary. The JS layer flattens any header shape (fetch
//! `Headers`, a plain object, Node's `IncomingHttpHeaders`) into the JSON text `[name, value, …]`
//! and any body into a `Uint8Array` before calling in (`npm/src/convert.js`).

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wechatpay_coupons::{Headers, HttpRequest, HttpResponse, Method};

use crate::errors::{JsResult, invalid};

/// Headers from the JSON text `["name", "value", …]` the JS layer builds (one string crosses the
/// boundary instead of one per name and value; JSON keeps any character of a value, so a header
/// holding a line break reaches the core as it was sent and is refused there by name).
pub fn headers_from(flat: &str) -> JsResult<Headers> {
    let list: Vec<String> =
        serde_json::from_str(flat).map_err(|_| invalid("headers", "type", "header names and values as strings"))?;
    if !list.len().is_multiple_of(2) {
        return Err(invalid("headers", "type", "name/value pairs"));
    }
    let mut headers = Headers::new();
    let mut it = list.into_iter();
    while let (Some(name), Some(value)) = (it.next(), it.next()) {
        headers.append(name, value);
    }
    Ok(headers)
}

/// A response from its status, flat headers and raw body.
pub fn response_from(status: u16, flat: &str, body: Vec<u8>) -> JsResult<HttpResponse> {
    Ok(HttpResponse::new(status, headers_from(flat)?, body))
}

/// The HTTP method called `name`.
pub fn method_from(name: &str) -> JsResult<Method> {
    Method::parse(name).ok_or_else(|| {
        invalid(
            "method",
            "invalid_input",
            &format!(
                "GET, POST, PUT, PATCH or DELETE, got {:?}",
                wechatpay_coupons::error::echo(name)
            ),
        )
    })
}

/// A signed request as the core made it; the JS layer turns it into a fetch-ready object.
#[wasm_bindgen]
pub struct NativeRequest {
    pub(crate) inner: HttpRequest,
    pub(crate) warnings: String,
}

impl NativeRequest {
    /// Wraps a core request with its warnings (JSON array).
    pub fn new(inner: HttpRequest, warnings: String) -> Self {
        Self { inner, warnings }
    }
}

#[wasm_bindgen]
impl NativeRequest {
    /// The HTTP method.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.inner.method.as_str().to_owned()
    }

    /// The absolute URL (its path and query are what was signed).
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The headers as a flat `[name, value, …]` array, in order.
    #[wasm_bindgen(getter)]
    pub fn headers(&self) -> Array {
        let out = Array::new();
        for (name, value) in self.inner.headers.iter() {
            out.push(&JsValue::from_str(name));
            out.push(&JsValue::from_str(value));
        }
        out
    }

    /// The body bytes (empty for GET).
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> Vec<u8> {
        self.inner.body.clone()
    }

    /// Validation warnings of the build, as JSON.
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> String {
        self.warnings.clone()
    }
}

/// A request the JS layer hands back (for `resign`): method, URL, flat headers and body.
pub fn request_from(method: &str, url: String, flat: &str, body: Vec<u8>) -> JsResult<HttpRequest> {
    Ok(HttpRequest {
        method: method_from(method)?,
        url,
        headers: headers_from(flat)?,
        body,
    })
}
