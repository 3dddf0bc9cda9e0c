//! 代金券 bill files: use-flow (核销明细) and refund-flow (退款明细) download, integrity check and
//! streaming parse (favor-endpoints.md §3.13–3.15, bill-files.md).
//!
//! # Flow
//!
//! 1. Decode the verified use-flow / refund-flow response into a [`BillDownload`]
//!    (`{url, hash_type, hash_value}`).
//! 2. [`Favor::bill_file_request`](crate::favor::Favor::bill_file_request) builds the signed `GET` for `url` (valid 30 s). The file
//!    response carries **no** WeChat Pay signature: do not pass it to `parse_response`; its
//!    integrity is the SHA-1 `hash_value`.
//! 3. **Pass 1** — feed the body, chunk by chunk as it arrives, to a [`BillDigest`] (constant
//!    memory) while storing it (e.g. to a temp file the caller owns). [`BillDigest::finish`]
//!    compares the SHA-1 with `hash_value` in constant time and returns a [`VerifiedBill`]
//!    token only on a match, [`BillError::HashMismatch`] otherwise.
//! 4. **Pass 2** — re-read the stored bytes into a [`BillParser`], which can only be created
//!    from a [`VerifiedBill`]. It hands out typed rows ([`UseFlowRow`], [`RefundFlowRow`]) to a
//!    closure ([`BillParser::feed`]), or borrowed [`BillRowRef`] rows whose cells are cleaned
//!    only when read ([`BillParser::feed_rows`], the faster one), and returns the [`BillSummary`]
//!    at the end. For small files, [`parse_bill`] does both passes over an in-memory slice.
//!
//! # Performance
//!
//! Pass 2 checks each chunk's complete records for UTF-8 in one call, then tokenises data rows in
//! one sweep over their structural bytes (`,` `"` `\n`, found 64 bytes at a time with word-wide
//! bit tricks). Records it does not handle in that sweep — split across chunks, unusual quoting
//! (a quote inside a plain cell, a space before an opening quote, text after a closing quote),
//! the header and the trailer — go through the general record-by-record path, with identical
//! results (tested at every chunk boundary). Amount columns are checked as each row is
//! tokenised, for both row kinds, so both report the same errors at the same row.
//!
//! # How the API guarantees that no row is trusted before the hash is checked
//!
//! Rows (typed or [`BillRowRef`]) only come out of a [`BillParser`], and a parser can only be
//! built from a [`VerifiedBill`], whose fields are private and which only [`BillDigest::finish`] creates after
//! the digest matched. So no row exists before the whole file was hashed and compared. Both passes
//! use constant memory (a 100 MB file is never held; the parser buffers at most one record, capped
//! at [`MAX_RECORD_LEN`]). The token remembers the length and digest of the verified bytes; the
//! parser checks at [`BillParser::finish`] that it saw exactly as many bytes
//! ([`BillError::NotTheVerifiedBytes`]), and [`BillParser::with_recheck`] also re-hashes pass 2
//! and fails at `finish` if the bytes differ. Re-read storage that only you can write (your own
//! temp file); if it could change between the passes, use `with_recheck` and commit the rows
//! only after `finish` returned `Ok`. (A single pass that parses while hashing would have to hold
//! every row until the end — not constant memory — or hand rows out before the check.)
//!
//! # File format (bill-files.md §2, §5) and the tolerant choices made
//!
//! * Hashing covers the raw body; a BOM or line-ending change alters the digest. The parser then
//!   strips one UTF-8 BOM, accepts `\r\n` and `\n`, tokenises CSV with `"` quoting (`""` escape,
//!   commas and newlines inside quotes), removes one leading backtick and surrounding whitespace
//!   from every cell.
//! * Columns are found by header name, not position: names are normalised (trim, backtick,
//!   full-width `（）` → `()`, whitespace removed, ASCII case folded, a `(元)` suffix ignored).
//!   Unknown columns go to each row's `extra` map under their header text; never an error.
//!   `批次id` and `优惠id` are required.
//! * Line breaks: real files use `\r\n` (one observed sample), `\n` alone is read the same. A
//!   carriage return that ends no line (old Mac `\r` line breaks, a mangled conversion) is an
//!   error saying so ([`BillError::BareCarriageReturn`]), not a confusing header or cell-count
//!   error.
//! * The trailer is a record whose first cell starts with `总` (`总条数`); the next record holds
//!   the count(s). The number of data rows must equal `总条数` ([`BillError::CountMismatch`]); a
//!   trailer without its count line is an error. A file without trailer is accepted with a
//!   warning ([`BillWarning::MissingTrailer`] in [`BillSummary::warnings`], `declared_count =
//!   None`): the SHA-1 already matched, so the bytes are what WeChat Pay served, and the
//!   refund-flow trailer is unverified; failing would leave a caller no way to read such a file.
//! * Yuan amounts become integer fen by decimal parsing (no floats); times stay as the raw
//!   `yyyy-MM-dd HH:mm:ss` Beijing-time text ([`FlowColumns::consume_time_rfc3339`] converts).
//! * UNVERIFIED points, resolved tolerantly: refund-flow columns are unknown (this module maps
//!   the use-flow columns plus `退款单号`/`微信退款单号`, `退款时间`, `退款金额(元)` and keeps the
//!   rest in `extra`); a file that is not UTF-8 is an error naming the line (no GBK fallback);
//!   a gzip body (magic `1F 8B`) is not decompressed here — on a hash mismatch the error says the
//!   body was gzip so the caller can decompress and digest again; 设备号 is kept as sent (by-day
//!   files base64-encode it).

// One concern per file; the files share this module's imports and each other's items through
// `use super::*`, and the public items are re-exported here, so every `favor::bills::…` path is
// the one it was before the split.
mod digest;
mod download;
mod error;
mod parser;
mod rows;
mod scanner;
mod schema;

pub use digest::*;
pub use download::*;
pub use error::*;
pub use parser::*;
pub use rows::*;
use scanner::*;
pub use schema::*;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::client::{Client, VerifiedResponse};
use crate::crypto::{Sha1Stream, ct_eq, hex_lower};
use crate::error::{DecodeError, InputError, Result};
use crate::http::{HttpRequest, Method, split_url};

/// Largest record (one CSV row, including quoted newlines) the parser buffers: 1 MiB.
pub const MAX_RECORD_LEN: usize = 1 << 20;

/// The decoded use-flow / refund-flow response (`{url, hash_type, hash_value}`): the same type
/// the `use_flow` / `refund_flow` operations decode into.
pub use crate::favor::models::FlowFileResponse as BillDownload;

impl BillDownload {
    /// Decodes a verified use-flow / refund-flow response body.
    pub fn from_response(response: &VerifiedResponse) -> Result<Self, DecodeError> {
        response.json("bill download response")
    }
}
