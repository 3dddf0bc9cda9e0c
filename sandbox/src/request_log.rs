//! The log of API requests the console shows: every `/v3/…` request with its verification
//! result, its answer and, for a signature that did not verify, the sandbox's diagnosis.
//!
//! Bounded: the newest [`REQUEST_LOG_CAPACITY`] requests are kept, in memory only. Bodies are
//! kept cut to [`BODY_PREVIEW_CHARS`] characters, diagnosed messages to [`MESSAGE_CHARS`].

use std::collections::VecDeque;

use axum::http::HeaderMap;

use crate::server::{Shared, lock};
use crate::sign_diagnosis::{SignDiagnosis, diagnose};
use crate::util::truncate;

/// How many requests the log keeps.
pub const REQUEST_LOG_CAPACITY: usize = 500;

/// Characters of a request or response body kept in the log.
pub const BODY_PREVIEW_CHARS: usize = 4000;

/// Characters of a diagnosed canonical message kept in the log.
pub const MESSAGE_CHARS: usize = 8000;

/// One API request as the console shows it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RequestRecord {
    /// Sequence number in this run (1 for the first).
    pub seq: u64,
    /// Protocol time it was answered.
    pub at: i64,
    /// HTTP method.
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// Request body (cut; binary bodies described).
    pub request_body: String,
    /// Status answered.
    pub status: u16,
    /// Error code of an error answer (`SIGN_ERROR`, `PARAM_ERROR`, …).
    pub code: Option<String>,
    /// The `Request-ID` answered.
    pub request_id: String,
    /// Response body (cut).
    pub response_body: String,
    /// Diagnosis of a `SIGN_ERROR` whose `Authorization` could be read.
    pub diagnosis: Option<SignDiagnosis>,
}

impl RequestRecord {
    /// The path without its query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(self.target.as_str(), |(p, _)| p)
    }

    /// The verification result in words.
    pub fn verification(&self) -> &'static str {
        match (self.code.as_deref(), &self.diagnosis) {
            (Some("SIGN_ERROR"), Some(d)) if d.expected_verifies => "signature valid, refused for another reason",
            (Some("SIGN_ERROR"), Some(d)) if d.matched.is_some() => "signature over a different message",
            (Some("SIGN_ERROR"), Some(_)) => "signature does not verify",
            (Some("SIGN_ERROR"), None) => "Authorization unreadable",
            (Some("MCH_NOT_EXISTS"), _) => "unknown mchid",
            (Some("INVALID_REQUEST"), _) if self.status == 400 => "refused before or after verification",
            _ if self.status < 300 => "verified",
            _ => "verified, refused by the business rules",
        }
    }
}

/// The bounded log.
#[derive(Debug, Default)]
pub struct RequestLog {
    records: VecDeque<RequestRecord>,
    next_seq: u64,
}

impl RequestLog {
    /// Adds `r` (its `seq` is assigned here), dropping the oldest record when full.
    pub fn push(&mut self, mut r: RequestRecord) {
        self.next_seq += 1;
        r.seq = self.next_seq;
        if self.records.len() >= REQUEST_LOG_CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back(r);
    }

    /// Records, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &RequestRecord> {
        self.records.iter().rev()
    }
}

/// A body as the log keeps it: UTF-8 text cut to [`BODY_PREVIEW_CHARS`], other bytes described.
pub fn preview(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(s) => truncate(s, BODY_PREVIEW_CHARS),
        Err(_) => format!("({} bytes, not UTF-8)", body.len()),
    }
}

/// What the dispatcher knows of an answered API request.
#[derive(Debug)]
pub struct Answered<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path and query as sent.
    pub target: &'a str,
    /// Request headers.
    pub headers: &'a HeaderMap,
    /// Request body.
    pub body: &'a [u8],
    /// The answer (status and `Request-ID` are read from it).
    pub response: &'a axum::response::Response,
    /// Response body.
    pub response_body: &'a [u8],
}

/// Records an answered API request; a `SIGN_ERROR` gets the sandbox's diagnosis (multipart
/// uploads, whose signed body is their `meta` part, are not diagnosed).
pub fn record(shared: &Shared, a: &Answered<'_>) {
    let status = a.response.status().as_u16();
    let request_id = a
        .response
        .headers()
        .get("Request-ID")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let code = serde_json::from_slice::<serde_json::Value>(a.response_body)
        .ok()
        .filter(|_| status >= 400)
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned));
    let is_upload = a
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/"));
    let diagnosis = if code.as_deref() == Some("SIGN_ERROR") && !is_upload {
        diagnose(
            &shared.merchant.merchant_public_key,
            a.method,
            a.target,
            a.headers,
            a.body,
        )
        .map(|mut d| {
            // Kept bounded like the bodies: the messages hold the whole body.
            d.expected = truncate(&d.expected, MESSAGE_CHARS);
            if let Some(m) = d.matched.as_mut() {
                m.message = truncate(&m.message, MESSAGE_CHARS);
            }
            d
        })
    } else {
        None
    };
    let request_body = if is_upload {
        format!("(multipart upload, {} bytes)", a.body.len())
    } else {
        preview(a.body)
    };
    let record = RequestRecord {
        seq: 0,
        at: shared.now(),
        method: a.method.to_owned(),
        target: truncate(a.target, 2048),
        request_body,
        status,
        code,
        request_id: request_id.to_owned(),
        response_body: preview(a.response_body),
        diagnosis,
    };
    lock(&shared.requests).push(record);
}
