//! Stable codes of the favor errors: [`BillError`] codes (`bill.<reason>`) and its conversion
//! into the core's [`Error::Bill`], and the snake_case names of [`FavorErrorKind`].

use serde_json::{Map, Value, json};

use super::bills::BillError;
use super::ops::FavorErrorKind;
use crate::error::{BillFileError, Error, echo};

impl BillError {
    /// Stable code, `bill.<reason>`.
    pub fn code(&self) -> &'static str {
        match self {
            BillError::UnsupportedHashType { .. } => "bill.unsupported_hash_type",
            BillError::InvalidHashValue { .. } => "bill.invalid_hash_value",
            BillError::HashMismatch { .. } => "bill.hash_mismatch",
            BillError::NotTheVerifiedBytes { .. } => "bill.not_the_verified_bytes",
            BillError::ChangedSinceVerification => "bill.changed_since_verification",
            BillError::NotUtf8 { .. } => "bill.not_utf8",
            BillError::RecordTooLong { .. } => "bill.record_too_long",
            BillError::UnterminatedQuote { .. } => "bill.unterminated_quote",
            BillError::MissingHeader => "bill.missing_header",
            BillError::BareCarriageReturn { .. } => "bill.bare_carriage_return",
            BillError::MissingColumn { .. } => "bill.missing_column",
            BillError::DuplicateColumn { .. } => "bill.duplicate_column",
            BillError::CellCount { .. } => "bill.cell_count",
            BillError::InvalidCell { .. } => "bill.invalid_cell",
            BillError::CountMismatch { .. } => "bill.count_mismatch",
            BillError::UnexpectedRecord { .. } => "bill.unexpected_record",
            BillError::ParserFailed => "bill.parser_failed",
        }
    }

    /// The fields of the error as data (line numbers, columns, lengths; never cell contents).
    pub fn fields(&self) -> Map<String, Value> {
        let v = match self {
            BillError::UnsupportedHashType { hash_type } => json!({"hash_type": echo(hash_type)}),
            BillError::InvalidHashValue { len } => json!({"len": len}),
            BillError::HashMismatch {
                expected,
                actual,
                len,
                gzip,
            } => json!({"expected": expected, "actual": actual, "len": len, "gzip": gzip}),
            BillError::NotTheVerifiedBytes { verified, parsed } => json!({"verified": verified, "parsed": parsed}),
            BillError::NotUtf8 { line }
            | BillError::UnterminatedQuote { line }
            | BillError::BareCarriageReturn { line }
            | BillError::UnexpectedRecord { line } => json!({"line": line}),
            BillError::RecordTooLong { line, max } => json!({"line": line, "max": max}),
            BillError::MissingColumn { column } => json!({"column": column}),
            BillError::DuplicateColumn { column } => json!({"column": echo(column)}),
            BillError::CellCount { line, expected, found } => {
                json!({"line": line, "expected": expected, "found": found})
            }
            BillError::InvalidCell { line, column, expected } => {
                json!({"line": line, "column": echo(column), "expected": expected})
            }
            BillError::CountMismatch { declared, parsed } => json!({"declared": declared, "parsed": parsed}),
            BillError::ChangedSinceVerification | BillError::MissingHeader | BillError::ParserFailed => json!({}),
        };
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
}

impl From<BillError> for BillFileError {
    fn from(e: BillError) -> Self {
        BillFileError {
            code: e.code(),
            message: e.to_string(),
            fields: e.fields(),
        }
    }
}

impl From<BillError> for Error {
    /// Bill errors surface as [`Error::Bill`] with the same code, message and fields; match on
    /// [`BillError`] directly (before converting) for the typed cause.
    fn from(e: BillError) -> Self {
        BillFileError::from(e).into()
    }
}

impl FavorErrorKind {
    /// The snake_case name (`budget_exhausted`, `not_found`, …), stable across languages.
    pub fn name(self) -> &'static str {
        match self {
            FavorErrorKind::BudgetExhausted => "budget_exhausted",
            FavorErrorKind::UserLimitReached => "user_limit_reached",
            FavorErrorKind::UserAccountAbnormal => "user_account_abnormal",
            FavorErrorKind::StockNotRunning => "stock_not_running",
            FavorErrorKind::NotAuthorized => "not_authorized",
            FavorErrorKind::RuleLimit => "rule_limit",
            FavorErrorKind::NotFound => "not_found",
            FavorErrorKind::AppidMchidMismatch => "appid_mchid_mismatch",
            FavorErrorKind::InvalidRequest => "invalid_request",
            FavorErrorKind::SignatureRejected => "signature_rejected",
            FavorErrorKind::RateLimited => "rate_limited",
            FavorErrorKind::ServerError => "server_error",
            FavorErrorKind::Other => "other",
        }
    }
}
