//! The sandbox console: server-rendered HTML pages at `/` and `/console/…` (loopback only, like
//! `/sandbox/…`) showing the requests with their signature diagnosis, the stocks and coupons,
//! the notifications, the bills, the clock and the merchant, with buttons that act as a user.
//!
//! Forms post back to `/console/…` and are answered with a `303` redirect to the page they came
//! from, carrying the outcome as a flash message. A post whose `Origin` is another site is
//! refused, and so is a request whose `Host` is not a loopback name (DNS rebinding).

mod actions;
mod layout;
mod pages;
mod requests;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use wechatpay_coupons::sign::encode_query_value;

pub use requests::RequestFilter;

use crate::server::Shared;
use crate::util::{ApiErr, percent_decode};
use layout::{Flash, page};

/// Whether `path` is served by the console.
pub fn is_console_path(path: &str) -> bool {
    path == "/" || path == "/console" || path.starts_with("/console/")
}

/// Decodes an `application/x-www-form-urlencoded` text (`+` is a space); `None` when an escape
/// is broken.
pub fn parse_form(s: &str) -> Option<Vec<(String, String)>> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |x: &str| percent_decode(&x.replace('+', " "));
            Some((dec(k)?, dec(v)?))
        })
        .collect()
}

/// Whether the `Host` header names a loopback host (`127.0.0.0/8`, `[::1]` or `localhost`).
fn loopback_host(headers: &HeaderMap) -> bool {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .is_some_and(crate::delivery::is_loopback_authority)
}

/// Whether a post comes from the console's own pages: no `Origin`, or the origin of `Host`.
fn same_origin(headers: &HeaderMap) -> bool {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let site_ok = get("sec-fetch-site").is_none_or(|s| s == "same-origin" || s == "none");
    let origin_ok = match (get("origin"), get("host")) {
        (None, _) => true,
        (Some(o), Some(h)) => o == format!("http://{h}"),
        (Some(_), None) => false,
    };
    site_ok && origin_ok
}

fn respond(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert("Content-Type", HeaderValue::from_static(content_type));
    h.insert("Cache-Control", HeaderValue::from_static("no-store"));
    h.insert("X-Frame-Options", HeaderValue::from_static("DENY"));
    h.insert("X-Content-Type-Options", HeaderValue::from_static("nosniff"));
    h.insert(
        "Content-Security-Policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

fn html_response(status: StatusCode, m: Markup) -> Response {
    respond(status, "text/html; charset=utf-8", m.into_string().into_bytes())
}

fn text(status: StatusCode, msg: &str) -> Response {
    respond(status, "text/plain; charset=utf-8", msg.as_bytes().to_vec())
}

/// `303 See Other` to `back` (a console path) with the outcome as a flash message.
fn redirect(back: &str, outcome: &Result<String, ApiErr>) -> Response {
    let back = if back.starts_with("/console/") && !back.contains("//") && !back.contains('\\') {
        back
    } else {
        "/console/requests"
    };
    let (msg, error) = match outcome {
        Ok(m) => (m.clone(), false),
        Err(e) => (format!("{}: {}", e.code, e.message), true),
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    let location = format!(
        "{back}{sep}msg={}{}",
        encode_query_value(&msg),
        if error { "&error=1" } else { "" }
    );
    let mut r = text(StatusCode::SEE_OTHER, "see other");
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert("Location", v);
    }
    r
}

/// Serves a console request (see [`is_console_path`]).
pub async fn serve(
    shared: Arc<Shared>,
    peer: SocketAddr,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Vec<u8>,
) -> Response {
    if !peer.ip().is_loopback() || !loopback_host(headers) {
        return text(StatusCode::FORBIDDEN, "the console is served to loopback clients only");
    }
    if method == "POST" && !same_origin(headers) {
        return text(StatusCode::FORBIDDEN, "cross-site form posts are refused");
    }
    let (method, path, query) = (method.to_owned(), path.to_owned(), query.to_owned());
    // Actions wait for the state to be durable, and pages take the state lock: both block.
    let result = tokio::task::spawn_blocking(move || route(&shared, &method, &path, &query, &body)).await;
    result.unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
}

fn route(shared: &Arc<Shared>, method: &str, path: &str, query: &str, body: &[u8]) -> Response {
    let Some(q) = parse_form(query) else {
        return text(StatusCode::BAD_REQUEST, "bad percent-encoding in the query");
    };
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let flash = get("msg").map(|text| Flash {
        text: crate::util::truncate(&text, 400),
        error: get("error").is_some(),
    });
    let flash = flash.as_ref();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segs.as_slice()) {
        ("GET", [""] | ["console"] | ["console", "requests"]) => {
            let filter = RequestFilter {
                endpoint: get("endpoint").unwrap_or_default(),
                status: get("status").unwrap_or_default(),
            };
            let content = requests::page(shared, &filter);
            html_response(StatusCode::OK, page("Requests", "/console/requests", flash, content))
        }
        ("GET", ["console", "stocks"]) => html_response(
            StatusCode::OK,
            page("Stocks", "/console/stocks", flash, pages::stocks(shared)),
        ),
        ("GET", ["console", "stocks", id]) => match pages::coupons(shared, id) {
            Some(content) => html_response(
                StatusCode::OK,
                page(&format!("Stock {id}"), "/console/stocks", flash, content),
            ),
            None => not_found(&format!("No stock {}.", crate::util::truncate(id, 64))),
        },
        ("GET", ["console", "notifications"]) => html_response(
            StatusCode::OK,
            page(
                "Notifications",
                "/console/notifications",
                flash,
                pages::notifications(shared),
            ),
        ),
        ("GET", ["console", "bills"]) => html_response(
            StatusCode::OK,
            page("Bills", "/console/bills", flash, pages::bills(shared)),
        ),
        ("GET", ["console", "bills", stock, kind]) => match actions::bill(shared, stock, kind) {
            Ok(bytes) => {
                let mut r = respond(StatusCode::OK, "text/csv; charset=utf-8", bytes);
                let name = format!("attachment; filename=\"{stock}-{kind}.csv\"");
                if let Ok(v) = HeaderValue::from_str(&name) {
                    r.headers_mut().insert("Content-Disposition", v);
                }
                r
            }
            Err(e) => redirect("/console/bills", &Err(e)),
        },
        ("GET", ["console", "clock"]) => html_response(
            StatusCode::OK,
            page("Clock", "/console/clock", flash, pages::clock(shared)),
        ),
        ("GET", ["console", "merchant"]) => html_response(
            StatusCode::OK,
            page("Merchant", "/console/merchant", flash, pages::merchant(shared)),
        ),
        ("POST", ["console", action @ ..]) => {
            let Some(form) = std::str::from_utf8(body).ok().and_then(parse_form) else {
                return text(
                    StatusCode::BAD_REQUEST,
                    "the form is not application/x-www-form-urlencoded",
                );
            };
            let outcome = match action {
                ["pay"] => actions::pay(shared, &form),
                ["refund"] => actions::refund(shared, &form),
                ["send"] => actions::send(shared, &form),
                ["redeliver"] => actions::redeliver(shared, &form),
                ["clock", "advance"] => actions::advance(shared, &form),
                _ => return not_found("No such console action."),
            };
            let default_back = match action {
                ["redeliver"] => "/console/notifications",
                ["clock", "advance"] => "/console/clock",
                _ => "/console/stocks",
            };
            let back = form
                .iter()
                .find(|(k, _)| k == "back")
                .map_or(default_back, |(_, v)| v.as_str());
            redirect(back, &outcome)
        }
        _ => not_found("No such console page."),
    }
}

fn not_found(what: &str) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        page(
            "Not found",
            "",
            None,
            html! { p { (what) " " a href="/console/requests" { "Back to the requests" } } },
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn forms_decode_plus_as_space_and_refuse_broken_escapes() {
        let f = parse_form("endpoint=POST+%2Fv3%2Fx&status=4xx&msg=a%2Bb").unwrap();
        assert_eq!(f[0], ("endpoint".into(), "POST /v3/x".into()));
        assert_eq!(f[2].1, "a+b");
        assert!(parse_form("a=%zz").is_none());
    }

    #[test]
    fn posts_from_another_origin_and_non_loopback_hosts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        assert!(loopback_host(&h) && same_origin(&h));
        h.insert("origin", HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(same_origin(&h));
        h.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h));
        h.remove("origin");
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("host", HeaderValue::from_static("rebound.example:8080"));
        assert!(!loopback_host(&h));
    }

    #[test]
    fn redirects_stay_in_the_console_and_carry_the_outcome() {
        let r = redirect("//evil.example/x", &Ok("done".into()));
        assert_eq!(r.headers()["location"], "/console/requests?msg=done");
        let r = redirect("/console/stocks/9", &Err(ApiErr::invalid("券 used")));
        let loc = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            loc.starts_with("/console/stocks/9?msg=INVALID_REQUEST%3A%20%E5%88%B8"),
            "{loc}"
        );
        assert!(loc.ends_with("&error=1"));
    }
}
