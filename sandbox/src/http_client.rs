//! A tiny blocking HTTP transport (ureq) for the core's request descriptors: what the demo,
//! the CLI and the tests use to talk to the sandbox over real HTTP.

use std::time::Duration;

use wechatpay_coupons::{Headers, HttpRequest, HttpResponse, Method};

/// An agent with a global timeout that returns 4xx/5xx as responses, not errors.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends a core [`HttpRequest`] exactly as built and returns the raw [`HttpResponse`].
pub fn send(agent: &ureq::Agent, req: &HttpRequest) -> Result<HttpResponse, String> {
    let result = match req.method {
        Method::Get | Method::Delete => {
            let mut b = if req.method == Method::Get {
                agent.get(&req.url)
            } else {
                agent.delete(&req.url)
            };
            for (n, v) in req.headers.iter() {
                b = b.header(n, v);
            }
            b.call()
        }
        Method::Post | Method::Put | Method::Patch => {
            let mut b = match req.method {
                Method::Post => agent.post(&req.url),
                Method::Put => agent.put(&req.url),
                _ => agent.patch(&req.url),
            };
            for (n, v) in req.headers.iter() {
                b = b.header(n, v);
            }
            b.send(&req.body[..])
        }
    };
    let mut resp = result.map_err(|e| format!("{} {}: {e}", req.method, req.url))?;
    let status = resp.status().as_u16();
    let headers: Headers = resp
        .headers()
        .iter()
        .filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str().to_owned(), v.to_owned())))
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| format!("reading the body of {}: {e}", req.url))?;
    Ok(HttpResponse::new(status, headers, body))
}

/// POSTs JSON to a sandbox-only endpoint (`/sandbox/…`, no signature) and returns status and body.
pub fn sandbox_post(
    agent: &ureq::Agent,
    url: &str,
    body: &serde_json::Value,
) -> Result<(u16, serde_json::Value), String> {
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = resp.status().as_u16();
    let bytes = resp.body_mut().read_to_vec().map_err(|e| e.to_string())?;
    let v = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Ok((status, v))
}

/// GETs a sandbox-only endpoint.
pub fn sandbox_get(agent: &ureq::Agent, url: &str) -> Result<(u16, serde_json::Value), String> {
    let mut resp = agent.get(url).call().map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let bytes = resp.body_mut().read_to_vec().map_err(|e| e.to_string())?;
    let v = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Ok((status, v))
}
