//! The README's "Rust: from_config and the http crate" example, compiled here; a test checks
//! that the README shows exactly these lines.

use wechatpay_coupons::{Client, HttpResponse, Method, VerifiedResponse};

use crate::BoxError;

/// Queries a stock with ureq 3 (not run by the tests: it reads `./merchant.json`).
pub fn query_stock() -> Result<VerifiedResponse, BoxError> {
    // README-BEGIN
    let client = Client::from_config("merchant.json")?; // or the directory that holds it
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let path = "/v3/marketing/favor/stocks/9856000?stock_creator_mchid=1900000001";
    let req = client.request(Method::Get, path, vec![])?; // signed: method, URL, headers, body
    let mut resp = agent.run(http::Request::try_from(req)?)?; // http::Request<Vec<u8>>
    let body = resp.body_mut().read_to_vec()?;
    let verified = client.parse_response(&HttpResponse::try_from(resp.map(|_| body))?)?;
    // README-END
    Ok(verified)
}
