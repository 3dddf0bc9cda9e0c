//! Sending the core's signed requests with ureq 3: `http::Request::try_from(request)` out,
//! `HttpResponse::try_from(response)` back.

use std::time::Duration;

use wechatpay_coupons::{HttpRequest, HttpResponse};

use crate::BoxError;

/// Largest response body read (bills included).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// A ureq agent that returns 4xx/5xx as responses (the core decodes them into `ApiError`).
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends `request` exactly as signed and returns the response with its raw body.
pub fn send(agent: &ureq::Agent, request: &HttpRequest) -> Result<HttpResponse, BoxError> {
    let mut response = agent.run(http::Request::try_from(request)?)?;
    let body = response.body_mut().with_config().limit(MAX_BODY).read_to_vec()?;
    Ok(HttpResponse::try_from(response.map(|_| body))?)
}

/// POSTs JSON to an unsigned sandbox-only endpoint (`/sandbox/…`); returns status and body.
pub fn sandbox_post(agent: &ureq::Agent, url: &str, json: &str) -> Result<(u16, Vec<u8>), BoxError> {
    let request = http::Request::post(url)
        .header("Content-Type", "application/json")
        .body(json.as_bytes().to_vec())?;
    let mut response = agent.run(request)?;
    let body = response.body_mut().read_to_vec()?;
    Ok((response.status().as_u16(), body))
}
