//! The Requests page: every API request, newest first, with its verification result, its
//! answer and — for a `SIGN_ERROR` — the expected canonical message beside the signed one.

use maud::{Markup, html};

use crate::request_log::RequestRecord;
use crate::server::{Shared, lock};
use crate::sign_diagnosis::{Segment, SignDiagnosis, diff};
use crate::util::rfc3339;

use super::layout::message;

/// The filters of the page (`?endpoint=…&status=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// Substring of `METHOD /path` (empty: all).
    pub endpoint: String,
    /// `2xx`, `4xx`, `5xx`, an exact status (`401`) or an error code (`SIGN_ERROR`); empty: all.
    pub status: String,
}

impl RequestFilter {
    /// Whether `r` passes the filter.
    pub fn accepts(&self, r: &RequestRecord) -> bool {
        let endpoint = format!("{} {}", r.method, r.path());
        let endpoint_ok = self.endpoint.is_empty() || endpoint.contains(self.endpoint.trim());
        let s = self.status.trim();
        let status_ok = match s.as_bytes() {
            [] => true,
            [d, b'x', b'x'] => r.status / 100 == u16::from(d.wrapping_sub(b'0')),
            _ if s.bytes().all(|b| b.is_ascii_digit()) => r.status.to_string() == s,
            _ => r.code.as_deref() == Some(s),
        };
        endpoint_ok && status_ok
    }
}

/// The status choices offered in the filter.
const STATUS_CHOICES: [(&str, &str); 6] = [
    ("", "any status"),
    ("2xx", "2xx success"),
    ("4xx", "4xx client error"),
    ("5xx", "5xx server error"),
    ("401", "401"),
    ("SIGN_ERROR", "SIGN_ERROR"),
];

/// The page content.
pub fn page(shared: &Shared, filter: &RequestFilter) -> Markup {
    let log = lock(&shared.requests);
    let mut endpoints: Vec<String> = log
        .newest_first()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    endpoints.sort();
    endpoints.dedup();
    let shown: Vec<&RequestRecord> = log.newest_first().filter(|r| filter.accepts(r)).collect();
    html! {
        form.filters method="get" action="/console/requests" {
            label {
                "Endpoint"
                input name="endpoint" list="endpoints" value=(filter.endpoint) placeholder="e.g. POST /v3/marketing/favor";
                datalist #endpoints { @for e in &endpoints { option value=(e) {} } }
            }
            label {
                "Status"
                select name="status" {
                    @for (value, label) in STATUS_CHOICES {
                        option value=(value) selected[filter.status == value] { (label) }
                    }
                }
            }
            button type="submit" { "Filter" }
            a href="/console/requests" { "Clear" }
        }
        p.muted { (shown.len()) " request(s) shown, newest first (the last " (crate::request_log::REQUEST_LOG_CAPACITY) " are kept)." }
        table {
            thead { tr { th { "#" } th { "Time" } th { "Request" } th { "Status" } th { "Verification" } th { "Request-ID" } } }
            tbody {
                @for r in &shown { (row(r)) }
            }
        }
    }
}

fn row(r: &RequestRecord) -> Markup {
    let class = if r.status < 300 { "ok" } else { "bad" };
    html! {
        tr.request id=(format!("req-{}", r.seq)) {
            td { (r.seq) }
            td.mono { (rfc3339(r.at)) }
            td {
                details {
                    summary { code { (r.method) " " (r.target) } }
                    h3 { "Request body" }
                    pre { (if r.request_body.is_empty() { "(empty)" } else { &r.request_body }) }
                    h3 { "Response" }
                    pre { (r.response_body) }
                }
            }
            td class=(class) { (r.status) @if let Some(c) = &r.code { " " code { (c) } } }
            td { span class=(class) { (r.verification()) } }
            td.mono { (r.request_id) }
        }
        @if let Some(d) = &r.diagnosis {
            tr.diag aria-label=(format!("Signature diagnosis of request {}", r.seq)) {
                td {}
                td colspan="5" { (diagnosis(d)) }
            }
        }
    }
}

/// The expected message beside the signed one, their differing bytes marked.
pub fn diagnosis(d: &SignDiagnosis) -> Markup {
    html! {
        div.diagnosis {
            @match &d.matched {
                Some(m) => {
                    p { "The signature matches " strong.variant { (m.name) } ": " (m.explanation) "." }
                    @let (expected, signed) = diff(&d.expected, &m.message);
                    div.diff {
                        div {
                            h3 { "Expected by the sandbox (bytes sent)" }
                            (message(&expected, "expected"))
                        }
                        div {
                            h3 { "Signed by the client" }
                            (message(&signed, "signed"))
                        }
                    }
                }
                None => {
                    @if d.expected_verifies {
                        p { "The signature is valid over the expected message; see the response for why the request was refused." }
                    } @else {
                        p { "The signature matches neither the expected message nor a usual variant (wrong key, timestamp or nonce?)." }
                    }
                    h3 { "Expected by the sandbox" }
                    (message(&[Segment { text: &d.expected, differs: false }], "expected"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn record(method: &str, target: &str, status: u16, code: Option<&str>) -> RequestRecord {
        RequestRecord {
            seq: 1,
            at: 0,
            method: method.into(),
            target: target.into(),
            request_body: String::new(),
            status,
            code: code.map(str::to_owned),
            request_id: "08X".into(),
            response_body: String::new(),
            diagnosis: None,
        }
    }

    #[test]
    fn filters_by_endpoint_class_status_and_code() {
        let ok = record("GET", "/v3/marketing/favor/stocks?offset=0", 200, None);
        let bad = record("POST", "/v3/marketing/favor/coupon-stocks", 401, Some("SIGN_ERROR"));
        let f = |endpoint: &str, status: &str| RequestFilter {
            endpoint: endpoint.into(),
            status: status.into(),
        };
        assert!(f("", "").accepts(&ok) && f("", "").accepts(&bad));
        assert!(f("GET /v3/marketing/favor/stocks", "").accepts(&ok));
        assert!(!f("GET /v3/marketing/favor/stocks", "").accepts(&bad));
        assert!(!f("offset", "").accepts(&ok), "the query is not part of the endpoint");
        assert!(f("", "2xx").accepts(&ok) && !f("", "2xx").accepts(&bad));
        assert!(f("", "4xx").accepts(&bad) && f("", "401").accepts(&bad) && !f("", "400").accepts(&bad));
        assert!(f("", "SIGN_ERROR").accepts(&bad) && !f("", "SIGN_ERROR").accepts(&ok));
    }

    #[test]
    fn the_diff_marks_only_the_differing_bytes() {
        let d = SignDiagnosis {
            expected: "GET\n/v3/x?a=b%3Ac\n1\nN\n\n".into(),
            expected_verifies: false,
            matched: Some(crate::sign_diagnosis::SignedVariant {
                name: "query-decoded",
                explanation: "decoded",
                message: "GET\n/v3/x?a=b:c\n1\nN\n\n".into(),
            }),
        };
        let html = diagnosis(&d).into_string();
        assert!(html.contains("<mark class=\"expected\">%3A</mark>"), "{html}");
        assert!(html.contains("<mark class=\"signed\">:</mark>"), "{html}");
        assert!(html.contains("query-decoded"));
    }
}
