//! [`BillError`]: why a bill file was rejected.

/// Why a bill file was rejected. Messages name the line, column or field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BillError {
    /// `hash_type` other than SHA1.
    #[error("hash_type {:?} is not supported: expected SHA1", crate::error::echo(hash_type))]
    UnsupportedHashType {
        /// The value given.
        hash_type: String,
    },
    /// `hash_value` is not 40 hex digits.
    #[error("hash_value: expected 40 hexadecimal digits (SHA-1), got {len} characters")]
    InvalidHashValue {
        /// Length of the value given.
        len: usize,
    },
    /// The SHA-1 of the downloaded bytes differs from `hash_value`.
    #[error("bill file hash mismatch: hash_value is {expected}, the {len} downloaded bytes hash to {actual}{}", if *gzip { " (the body is gzip-compressed: decompress it and digest the decompressed bytes)" } else { " (download again within 30 s of requesting the URL; do not alter the body)" })]
    HashMismatch {
        /// `hash_value`, lower-case.
        expected: String,
        /// SHA-1 of the bytes, lower-case hex.
        actual: String,
        /// Bytes digested.
        len: u64,
        /// Whether the body starts with the gzip magic `1F 8B`.
        gzip: bool,
    },
    /// Pass 2 saw a different number of bytes than pass 1 verified.
    #[error("the parsed bytes are not the verified file: {verified} bytes were verified, {parsed} parsed")]
    NotTheVerifiedBytes {
        /// Length verified by the digest.
        verified: u64,
        /// Length fed to the parser.
        parsed: u64,
    },
    /// With [`BillParser::with_recheck`]: pass 2's bytes hash differently from pass 1's.
    #[error("the parsed bytes are not the verified file: their SHA-1 differs (the stored copy changed)")]
    ChangedSinceVerification,
    /// A record is not valid UTF-8.
    #[error("line {line}: not valid UTF-8 (bill files are UTF-8)")]
    NotUtf8 {
        /// 1-based line of the record.
        line: u64,
    },
    /// A record is longer than [`MAX_RECORD_LEN`].
    #[error("line {line}: record longer than {max} bytes (unterminated quote or not a bill file)")]
    RecordTooLong {
        /// 1-based line where the record starts.
        line: u64,
        /// The limit.
        max: usize,
    },
    /// The file ends inside a quoted cell.
    #[error("line {line}: quoted cell not closed before the end of the file")]
    UnterminatedQuote {
        /// 1-based line where the record starts.
        line: u64,
    },
    /// The file has no header row.
    #[error("the bill file is empty: expected a header row")]
    MissingHeader,
    /// A record holds a carriage return that ends no line (`\r` not followed by `\n`).
    #[error(
        "line {line}: carriage return (\\r) without a line feed; bill lines end with \\r\\n or \\n (is the file using old Mac line endings?)"
    )]
    BareCarriageReturn {
        /// 1-based line of the record.
        line: u64,
    },
    /// A required column is missing from the header.
    #[error("header: required column {column} is missing")]
    MissingColumn {
        /// The Chinese column name.
        column: &'static str,
    },
    /// A column name appears twice in the header.
    #[error("header: column {column:?} appears twice")]
    DuplicateColumn {
        /// The column name.
        column: String,
    },
    /// A data row has a different number of cells than the header.
    #[error("line {line}: expected {expected} cells as in the header, found {found}")]
    CellCount {
        /// 1-based line.
        line: u64,
        /// Header cell count.
        expected: usize,
        /// Cells found.
        found: usize,
    },
    /// A cell does not have the expected shape.
    #[error("line {line}, column {column}: expected {expected}")]
    InvalidCell {
        /// 1-based line.
        line: u64,
        /// Column header.
        column: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The trailer's count differs from the number of data rows.
    #[error("the trailer declares {declared} rows but the file has {parsed}")]
    CountMismatch {
        /// Count in the trailer (`总条数`).
        declared: u64,
        /// Data rows parsed.
        parsed: u64,
    },
    /// A non-empty record after the trailer's count.
    #[error("line {line}: unexpected record after the trailer")]
    UnexpectedRecord {
        /// 1-based line.
        line: u64,
    },
    /// The parser was used again after it reported an error.
    #[error("the bill parser already failed; start again from the beginning of the file")]
    ParserFailed,
}
