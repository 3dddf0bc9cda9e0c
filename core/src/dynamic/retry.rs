//! Retry advice: whether to repeat a failed request, after how long, and on which host.
//!
//! Only what [`Error::retryable`] (that is [`ApiError::retryable`](crate::ApiError::retryable))
//! accepts is retried, always as the same request re-signed (same body and `out_request_no`),
//! at most [`MAX_ATTEMPTS`] times in all. Delays grow 1 s, 2 s, 4 s (rate limits start at 2 s)
//! and are capped at 8 s; they carry no jitter, so advice is reproducible (add jitter when
//! many workers retry at once). Server errors and transport failures move to
//! [`BACKUP_BASE_URL`] from the second retry on, as WeChat Pay advises for an unreachable or
//! failing primary; rate limits stay on the same host (the limit is per merchant).

use serde::Serialize;

use crate::client::BACKUP_BASE_URL;
use crate::error::Error;

/// Most attempts of one request, the first included.
pub const MAX_ATTEMPTS: u32 = 3;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RetryAdvice {
    /// Whether to send the request again (re-signed).
    pub retry: bool,
    /// How long to wait first, in milliseconds (0 when not retrying).
    pub delay_ms: u64,
    /// Whether to send it to the backup host.
    pub use_backup_host: bool,
    /// The base URL to re-sign for when `use_backup_host`.
    pub base_url: Option<&'static str>,
}

impl RetryAdvice {
    const STOP: RetryAdvice = RetryAdvice {
        retry: false,
        delay_ms: 0,
        use_backup_host: false,
        base_url: None,
    };

    fn after(attempt: u32, first_delay_ms: u64, backup: bool) -> Self {
        if attempt == 0 || attempt >= MAX_ATTEMPTS {
            return Self::STOP;
        }
        let delay_ms = first_delay_ms.saturating_mul(1 << (attempt - 1).min(8)).min(8_000);
        let use_backup_host = backup && attempt >= 2;
        Self {
            retry: true,
            delay_ms,
            use_backup_host,
            base_url: use_backup_host.then_some(BACKUP_BASE_URL),
        }
    }

    /// Advice after a transport failure (no HTTP answer: connection refused, timeout) of
    /// attempt number `attempt` (1 for the first).
    pub fn for_transport_failure(attempt: u32) -> Self {
        Self::after(attempt, 1_000, true)
    }
}

/// Advice after an API error that a binding holds as a host value: its HTTP `status` and
/// WeChat Pay `code` (`None` when the body had none), ending attempt number `attempt`. Equals
/// [`retry_advice`] of the same error.
pub fn retry_advice_for_api(status: u16, code: Option<&str>, attempt: u32) -> RetryAdvice {
    let error = crate::error::ApiError::from_response(status, None, b"");
    let error = crate::error::ApiError {
        code: code.map(str::to_owned),
        ..error
    };
    retry_advice(&Error::Api(Box::new(error)), attempt)
}

/// Advice after `error` ended attempt number `attempt` (1 for the first attempt).
pub fn retry_advice(error: &Error, attempt: u32) -> RetryAdvice {
    match error {
        Error::Api(e) if e.retryable() => {
            let rate_limited = e.status == 429 || e.stable_code().contains("limit");
            if rate_limited {
                RetryAdvice::after(attempt, 2_000, false)
            } else {
                RetryAdvice::after(attempt, 1_000, true)
            }
        }
        _ => RetryAdvice::STOP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_by_status_and_code_equals_advice_for_the_error() {
        for (status, code) in [
            (500, Some("SYSTEM_ERROR")),
            (429, Some("FREQUENCY_LIMITED")),
            (400, Some("PARAM_ERROR")),
            (503, None),
            (404, None),
        ] {
            let body = code.map_or(String::new(), |c| format!(r#"{{"code":"{c}","message":"m"}}"#));
            let error = Error::Api(Box::new(crate::error::ApiError::from_response(
                status,
                None,
                body.as_bytes(),
            )));
            for attempt in 0..4 {
                assert_eq!(
                    retry_advice_for_api(status, code, attempt),
                    retry_advice(&error, attempt),
                    "{status} {code:?} attempt {attempt}"
                );
            }
        }
        assert!(retry_advice_for_api(500, Some("SYSTEM_ERROR"), 1).retry);
        assert!(!retry_advice_for_api(400, Some("PARAM_ERROR"), 1).retry);
        assert!(retry_advice_for_api(429, None, 2).delay_ms >= 2_000);
    }
}
