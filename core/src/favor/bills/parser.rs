//! Pass 2: the push parser ([`BillParser`]) over verified bytes, and [`parse_bill`] for files in memory.

use super::*;

/// Something unusual about a bill file that did not stop the parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BillWarning {
    /// The file ends without the `总条数` trailer, so the row count could not be checked against
    /// the file's own count.
    #[error(
        "the bill file has no 总条数 trailer: its {rows} data row(s) could not be checked against a declared count (the SHA-1 matched)"
    )]
    MissingTrailer {
        /// Data rows parsed.
        rows: u64,
    },
}

/// What a parsed bill file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillSummary {
    /// Which bill.
    pub kind: BillKind,
    /// Header cells as written (backtick and whitespace removed).
    pub header: Vec<String>,
    /// Data rows parsed.
    pub rows: u64,
    /// `总条数` from the trailer; `None` when the file has no trailer.
    pub declared_count: Option<u64>,
    /// Trailer cells: summary header → value (e.g. `总条数` → `1`).
    pub trailer: BTreeMap<String, String>,
    /// Bytes parsed.
    pub bytes: u64,
    /// What was unusual but accepted (e.g. no trailer).
    pub warnings: Vec<BillWarning>,
}

#[derive(Debug)]
pub(super) enum State {
    Header,
    Rows(Box<Layout>),
    TrailerValues { names: Vec<String> },
    Done,
    Failed,
}

/// Pass 2: a push parser over the verified bytes, in constant memory. Feed chunks of any size;
/// rows go to the closure as soon as their record is complete.
pub struct BillParser<F: BillFormat> {
    verified_len: u64,
    recheck: Option<(Sha1Stream, [u8; 20])>,
    bytes: u64,
    line: u64,
    pending: Vec<u8>,
    pending_newlines: u64,
    in_quote: bool,
    state: State,
    rows: u64,
    header: Vec<String>,
    declared: Option<u64>,
    trailer: BTreeMap<String, String>,
    cells: Vec<(usize, usize, bool)>,
    format: std::marker::PhantomData<F>,
}

impl<F: BillFormat> fmt::Debug for BillParser<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillParser")
            .field("kind", &F::KIND)
            .field("verified_len", &self.verified_len)
            .field("recheck", &self.recheck.is_some())
            .field("bytes", &self.bytes)
            .field("line", &self.line)
            .field("rows", &self.rows)
            .field("buffered", &self.pending.len())
            .finish()
    }
}

impl<F: BillFormat> BillParser<F> {
    /// A parser for the file that `verified` vouches for.
    pub fn new(verified: &VerifiedBill) -> Self {
        Self {
            verified_len: verified.len,
            recheck: None,
            bytes: 0,
            line: 1,
            pending: Vec::new(),
            pending_newlines: 0,
            in_quote: false,
            state: State::Header,
            rows: 0,
            header: Vec::new(),
            declared: None,
            trailer: BTreeMap::new(),
            cells: Vec::new(),
            format: std::marker::PhantomData,
        }
    }

    /// Like [`BillParser::new`], and also re-hashes the bytes of pass 2: [`BillParser::finish`]
    /// fails with [`BillError::ChangedSinceVerification`] if they are not the verified bytes.
    pub fn with_recheck(verified: &VerifiedBill) -> Self {
        let mut p = Self::new(verified);
        p.recheck = Some((Sha1Stream::new(), verified.sha1));
        p
    }

    /// Bytes of an incomplete record currently buffered (at most [`MAX_RECORD_LEN`]).
    pub fn buffered(&self) -> usize {
        self.pending.len()
    }

    /// Parses the next chunk; calls `on_row` for every data row completed by it, as the typed
    /// row of `F` (every known column converted; see [`BillParser::feed_rows`] for the faster
    /// borrowed rows).
    pub fn feed(&mut self, chunk: &[u8], mut on_row: impl FnMut(F::Row<'_>)) -> Result<(), BillError> {
        self.feed_rows(chunk, |r| on_row(F::build(r)))
    }

    /// Like [`BillParser::feed`], with [`BillRowRef`] rows: cells borrowed from `chunk` (or from
    /// the record buffered across chunks) and cleaned only when read — the fast path.
    pub fn feed_rows(&mut self, chunk: &[u8], mut on_row: impl FnMut(BillRowRef<'_>)) -> Result<(), BillError> {
        if matches!(self.state, State::Failed) {
            return Err(BillError::ParserFailed);
        }
        let r = self.feed_inner(chunk, &mut on_row);
        if r.is_err() {
            self.state = State::Failed;
        }
        r
    }

    fn feed_inner(&mut self, chunk: &[u8], on_row: &mut impl FnMut(BillRowRef<'_>)) -> Result<(), BillError> {
        self.bytes += chunk.len() as u64;
        if let Some((s, _)) = &mut self.recheck {
            s.update(chunk);
        }
        let mut rest = chunk;
        if !self.pending.is_empty() || self.in_quote || self.pending_newlines > 0 {
            let mut newlines = 0;
            match find_record_end(rest, &mut self.in_quote, &mut newlines) {
                Some(end) => {
                    self.push_pending(&rest[..end], newlines)?;
                    rest = &rest[end + 1..];
                    let buf = std::mem::take(&mut self.pending);
                    let extra = self.pending_newlines;
                    self.pending_newlines = 0;
                    let r = self.record(&buf, extra, on_row);
                    self.pending = buf;
                    self.pending.clear();
                    r?;
                }
                None => return self.push_pending(rest, newlines),
            }
        }
        // The complete records of this chunk end at its last `\n`; validating them as UTF-8 in one
        // call lets the fast path slice cells as `&str` without re-validating each record. If the
        // region is not UTF-8 the general path below reports the line of the offending record.
        let region = memchr::memrchr(b'\n', rest)
            .and_then(|nl| std::str::from_utf8(&rest[..=nl]).ok())
            .unwrap_or("");
        let mut offset = 0;
        loop {
            if matches!(self.state, State::Rows(_)) && offset < region.len() {
                offset += self.fast_rows(&region[offset..], on_row)?;
            }
            let mut newlines = 0;
            match find_record_end(&rest[offset..], &mut self.in_quote, &mut newlines) {
                Some(end) => {
                    self.record(&rest[offset..offset + end], newlines, on_row)?;
                    offset += end + 1;
                }
                None => return self.push_pending(&rest[offset..], newlines),
            }
        }
    }

    /// Fast path for data rows: tokenises whole records of `text` (which starts at a record
    /// boundary outside quotes) in one pass over its structural bytes and hands them to
    /// [`Self::dispatch`], exactly as [`Self::record`] would. Stops at the first record it cannot
    /// finish or whose quoting is unusual (left to the general path), or when the state leaves
    /// `Rows` (trailer); returns the bytes consumed, always whole records.
    fn fast_rows(&mut self, text: &str, on_row: &mut impl FnMut(BillRowRef<'_>)) -> Result<usize, BillError> {
        let State::Rows(layout) = std::mem::replace(&mut self.state, State::Failed) else {
            return Ok(0);
        };
        let mut cells = std::mem::take(&mut self.cells);
        let r = self.fast_rows_with(&layout, &mut cells, text, on_row);
        self.cells = cells;
        self.state = State::Rows(layout);
        r
    }

    fn fast_rows_with(
        &mut self,
        layout: &Layout,
        cells: &mut Vec<(usize, usize, bool)>,
        text: &str,
        on_row: &mut impl FnMut(BillRowRef<'_>),
    ) -> Result<usize, BillError> {
        let bytes = text.as_bytes();
        let mut scan = Structurals::new(bytes, 0);
        let mut pos = 0;
        loop {
            let Some((end, text_end, newlines)) = tokenise_record(bytes, pos, &mut scan, cells) else {
                return Ok(pos);
            };
            let Some(rec) = text.get(pos..text_end) else {
                return Ok(pos);
            };
            let first = cells.first().and_then(|&(s, e, _)| rec.get(s..e)).unwrap_or_default();
            if is_trailer_start(first) {
                // The trailer changes the state: left to the general path.
                return Ok(pos);
            }
            let line = self.line;
            self.line += newlines + 1;
            pos = end + 1;
            // Only a single-cell record can be blank (a comma is not whitespace).
            if cells.len() == 1 && rec.trim().is_empty() {
                continue;
            }
            if cells.len() != layout.names.len() {
                return Err(cell_count_error(rec, line, layout.names.len(), cells.len()));
            }
            on_row(BillRowRef::new(line, F::KIND, rec, cells, layout)?);
            self.rows += 1;
        }
    }

    fn push_pending(&mut self, bytes: &[u8], newlines: u64) -> Result<(), BillError> {
        if self.pending.len() + bytes.len() > MAX_RECORD_LEN {
            return Err(BillError::RecordTooLong {
                line: self.line,
                max: MAX_RECORD_LEN,
            });
        }
        self.pending.extend_from_slice(bytes);
        // Quoted newlines consumed into `pending` belong to the record starting at `self.line`.
        self.pending_newlines += newlines;
        Ok(())
    }

    /// Ends the input: parses a last record without newline, checks the trailer count and that
    /// the bytes were the verified ones.
    pub fn finish(self, mut on_row: impl FnMut(F::Row<'_>)) -> Result<BillSummary, BillError> {
        self.finish_rows(|r| on_row(F::build(r)))
    }

    /// Like [`BillParser::finish`], with [`BillRowRef`] rows.
    pub fn finish_rows(mut self, mut on_row: impl FnMut(BillRowRef<'_>)) -> Result<BillSummary, BillError> {
        if matches!(self.state, State::Failed) {
            return Err(BillError::ParserFailed);
        }
        if self.bytes != self.verified_len {
            return Err(BillError::NotTheVerifiedBytes {
                verified: self.verified_len,
                parsed: self.bytes,
            });
        }
        if self.in_quote {
            return Err(BillError::UnterminatedQuote { line: self.line });
        }
        if !self.pending.is_empty() {
            let buf = std::mem::take(&mut self.pending);
            let extra = self.pending_newlines;
            self.record(&buf, extra, &mut on_row)?;
        }
        if let Some((s, expected)) = self.recheck.take()
            && !ct_eq(&s.finish(), &expected)
        {
            return Err(BillError::ChangedSinceVerification);
        }
        let mut warnings = Vec::new();
        match &self.state {
            State::Header => return Err(BillError::MissingHeader),
            State::Rows(_) => warnings.push(BillWarning::MissingTrailer { rows: self.rows }),
            State::TrailerValues { names } => {
                return Err(BillError::InvalidCell {
                    line: self.line,
                    column: names.first().cloned().unwrap_or_default(),
                    expected: "a line with the number of data rows after the trailer (the file ends before it)",
                });
            }
            State::Done | State::Failed => {}
        }
        if let Some(declared) = self.declared
            && declared != self.rows
        {
            return Err(BillError::CountMismatch {
                declared,
                parsed: self.rows,
            });
        }
        Ok(BillSummary {
            kind: F::KIND,
            header: self.header,
            rows: self.rows,
            declared_count: self.declared,
            trailer: self.trailer,
            bytes: self.bytes,
            warnings,
        })
    }

    /// Handles one record (without its terminating `\n`) that started at `self.line` and spans
    /// `inner_newlines` quoted newlines.
    fn record(
        &mut self,
        rec: &[u8],
        inner_newlines: u64,
        on_row: &mut impl FnMut(BillRowRef<'_>),
    ) -> Result<(), BillError> {
        let line = self.line;
        self.line += inner_newlines + 1;
        let mut rec = rec.strip_suffix(b"\r").unwrap_or(rec);
        if matches!(self.state, State::Header) && line == 1 {
            rec = rec.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(rec);
        }
        let text = std::str::from_utf8(rec).map_err(|_| BillError::NotUtf8 { line })?;
        if text.trim().is_empty() {
            return Ok(());
        }
        split_cells(text, &mut self.cells);
        self.dispatch(text, line, on_row)
    }

    /// Acts on one non-blank record `text` whose cell spans are in `self.cells`.
    fn dispatch(&mut self, text: &str, line: u64, on_row: &mut impl FnMut(BillRowRef<'_>)) -> Result<(), BillError> {
        let state = std::mem::replace(&mut self.state, State::Failed);
        let next = match state {
            State::Header => {
                if has_bare_cr(text) {
                    return Err(BillError::BareCarriageReturn { line });
                }
                let cells = self.cell_views(text);
                let layout = Layout::from_header(&cells, F::KIND)?;
                self.header = layout.names.clone();
                State::Rows(Box::new(layout))
            }
            State::Rows(layout) => {
                let first_is_total = self
                    .cells
                    .first()
                    .is_some_and(|&(s, e, _)| is_trailer_start(&text[s..e]));
                if first_is_total {
                    let names = self.cell_views(text).iter().map(|c| c.text().into_owned()).collect();
                    State::TrailerValues { names }
                } else {
                    if self.cells.len() != layout.names.len() {
                        return Err(cell_count_error(text, line, layout.names.len(), self.cells.len()));
                    }
                    on_row(BillRowRef::new(line, F::KIND, text, &self.cells, &layout)?);
                    self.rows += 1;
                    State::Rows(layout)
                }
            }
            State::TrailerValues { names } => {
                let cells = self.cell_views(text);
                for (i, c) in cells.iter().enumerate() {
                    let name = names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
                    self.trailer.insert(name, c.text().into_owned());
                }
                let count_idx = names.iter().position(|n| normalise_header(n) == "总条数").unwrap_or(0);
                let count_name = names.get(count_idx).cloned().unwrap_or_default();
                let count = cells
                    .get(count_idx)
                    .map(|c| c.text())
                    .and_then(|t| t.parse::<u64>().ok())
                    .ok_or(BillError::InvalidCell {
                        line,
                        column: count_name,
                        expected: "the number of data rows",
                    })?;
                self.declared = Some(count);
                State::Done
            }
            State::Done => return Err(BillError::UnexpectedRecord { line }),
            State::Failed => return Err(BillError::ParserFailed),
        };
        self.state = next;
        Ok(())
    }

    fn cell_views<'t>(&self, text: &'t str) -> Vec<Cell<'t>> {
        self.cells
            .iter()
            .map(|&(s, e, q)| Cell {
                raw: &text[s..e],
                quoted_escapes: q,
            })
            .collect()
    }
}

/// Whether `text` (a record without its line break) holds a `\r` not followed by `\n`.
pub(super) fn has_bare_cr(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The error for a data record of `found` cells under a header of `expected`: a bare carriage
/// return explains it better than the count when there is one.
#[cold]
pub(super) fn cell_count_error(text: &str, line: u64, expected: usize, found: usize) -> BillError {
    if has_bare_cr(text) {
        BillError::BareCarriageReturn { line }
    } else {
        BillError::CellCount { line, expected, found }
    }
}

/// A whole bill parsed from memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBill<R> {
    /// The data rows.
    pub rows: Vec<R>,
    /// Header, counts and trailer.
    pub summary: BillSummary,
}

/// Checks `bytes` against `download`'s hash, then parses them (for files that fit in memory).
pub fn parse_bill<F: BillFormat>(
    bytes: &[u8],
    download: &BillDownload,
) -> Result<ParsedBill<F::Row<'static>>, BillError> {
    let mut digest = BillDigest::new(download)?;
    digest.update(bytes);
    let verified = digest.finish()?;
    let mut parser = BillParser::<F>::new(&verified);
    let mut rows = Vec::new();
    parser.feed(bytes, |r| rows.push(F::into_owned(r)))?;
    let summary = parser.finish(|r| rows.push(F::into_owned(r)))?;
    Ok(ParsedBill { rows, summary })
}
