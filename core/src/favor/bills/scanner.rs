//! Record and cell scanning: where a CSV record ends (quotes may span lines) and its cell spans.

/// Finds the `\n` that ends the current record in `hay`, tracking quotes across calls.
pub(super) fn find_record_end(hay: &[u8], in_quote: &mut bool, newlines: &mut u64) -> Option<usize> {
    let mut from = 0;
    loop {
        let Some(rel) = find_byte(&hay[from..], b'\n') else {
            if count_quotes(&hay[from..]) % 2 == 1 {
                *in_quote = !*in_quote;
            }
            return None;
        };
        let nl = from + rel;
        if count_quotes(&hay[from..nl]) % 2 == 1 {
            *in_quote = !*in_quote;
        }
        if !*in_quote {
            return Some(nl);
        }
        *newlines += 1;
        from = nl + 1;
    }
}

pub(super) fn count_quotes(s: &[u8]) -> usize {
    s.iter().filter(|&&b| b == b'"').count()
}

pub(super) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Iterates the positions of the structural bytes `,` `"` `\n` of a slice. Bit masks are
/// computed a window of [`WINDOW`] 64-byte blocks at a time (SWAR: eight 8-byte words per block
/// folded into one mask; independent blocks keep the CPU busy), then walked bit by bit. Rows have
/// a structural byte every ~8 bytes, where a per-hit `memchr3` call costs more than this.
pub(super) struct Structurals<'a> {
    hay: &'a [u8],
    /// Offset of `masks[0]`'s first byte.
    window: usize,
    masks: [u64; WINDOW],
    /// Index of the block `mask` comes from.
    block: usize,
    mask: u64,
}

/// Blocks per window of [`Structurals`] (1 KiB).
pub(super) const WINDOW: usize = 16;

impl<'a> Structurals<'a> {
    pub(super) fn new(hay: &'a [u8], from: usize) -> Self {
        let mut s = Self {
            hay,
            window: from,
            masks: [0; WINDOW],
            block: 0,
            mask: 0,
        };
        s.fill();
        s.mask = s.masks[0];
        s
    }

    #[inline(never)]
    fn fill(&mut self) {
        let rest = self.hay.get(self.window..).unwrap_or_default();
        let (blocks, tail) = rest.as_chunks::<64>();
        for (m, block) in self.masks.iter_mut().zip(blocks) {
            *m = mask64(block);
        }
        if blocks.len() < WINDOW {
            let mut last = [0u8; 64];
            last[..tail.len()].copy_from_slice(tail);
            self.masks[blocks.len()] = mask64(&last);
            self.masks[blocks.len() + 1..].fill(0);
        }
    }

    /// The next structural position, in increasing order.
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.block += 1;
            if self.block == WINDOW {
                self.window += WINDOW * 64;
                if self.window >= self.hay.len() {
                    return None;
                }
                self.block = 0;
                self.fill();
            } else if self.window + self.block * 64 >= self.hay.len() {
                return None;
            }
            self.mask = self.masks[self.block];
        }
        let p = self.window + self.block * 64 + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(p)
    }
}

/// Bit `i` set ⇔ `block[i]` is `,`, `"` or `\n`.
#[inline]
pub(super) fn mask64(block: &[u8; 64]) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // Per byte of `x`: high bit clear ⇔ the byte is zero (exact, no carry between bytes).
    let nonzero = |x: u64| ((x & HIGH7) + HIGH7) | x;
    let (words, _) = block.as_chunks::<8>();
    let mut mask = 0u64;
    for (k, w) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*w);
        let all = nonzero(w ^ (LOW * u64::from(b',')))
            & nonzero(w ^ (LOW * u64::from(b'"')))
            & nonzero(w ^ (LOW * u64::from(b'\n')));
        // 0x80 in each byte equal to one of the three.
        let hits = !(all | HIGH7);
        // Gather the eight 0x80 flags into the top byte, bit j = byte j.
        let packed = ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        mask |= packed << (k * 8);
    }
    mask
}

/// Tokenises the record of `hay` starting at `start` (outside quotes) into cell spans relative to
/// `start`, as [`split_cells`] would after [`find_record_end`], for the usual shapes only: plain
/// cells without `"`, and cells quoted from their first byte whose closing quote is followed by
/// `,`, `\n` or `\r\n`. Returns `(position of the ending \n, end of the record text without its
/// \r, quoted newlines)`, or `None` if the record is incomplete or unusual (the general path then
/// handles it). `scan` must be positioned at `start`; on success it is left after the record.
pub(super) fn tokenise_record(
    hay: &[u8],
    start: usize,
    scan: &mut Structurals<'_>,
    cells: &mut Vec<(usize, usize, bool)>,
) -> Option<(usize, usize, u64)> {
    cells.clear();
    let mut cell = start;
    let mut newlines = 0;
    loop {
        let p = scan.next()?;
        match hay[p] {
            b',' => {
                cells.push((cell - start, p - start, false));
                cell = p + 1;
            }
            b'\n' => {
                let end = if p > cell && hay[p - 1] == b'\r' { p - 1 } else { p };
                cells.push((cell - start, end - start, false));
                return Some((p, end, newlines));
            }
            _ if p != cell => return None, // a quote inside a plain cell
            _ => {
                let mut escapes = false;
                loop {
                    let q = scan.next()?;
                    match hay[q] {
                        b'\n' => newlines += 1,
                        b',' => {}
                        _ => match hay.get(q + 1)? {
                            b'"' => {
                                escapes = true;
                                scan.next()?;
                            }
                            b',' => {
                                cells.push((p + 1 - start, q - start, escapes));
                                scan.next()?;
                                cell = q + 2;
                                break;
                            }
                            b'\n' => {
                                cells.push((p + 1 - start, q - start, escapes));
                                scan.next()?;
                                return Some((q + 1, q + 1, newlines));
                            }
                            b'\r' if hay.get(q + 2) == Some(&b'\n') => {
                                cells.push((p + 1 - start, q - start, escapes));
                                scan.next()?;
                                return Some((q + 2, q + 1, newlines));
                            }
                            _ => return None,
                        },
                    }
                }
            }
        }
    }
}

/// Splits a record into cell spans `(start, end, has_escaped_quotes)` (quotes excluded).
pub(super) fn split_cells(text: &str, out: &mut Vec<(usize, usize, bool)>) {
    out.clear();
    let b = text.as_bytes();
    if !b.contains(&b'"') {
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            if c == b',' {
                out.push((start, i, false));
                start = i + 1;
            }
        }
        out.push((start, b.len(), false));
        return;
    }
    let mut i = 0;
    loop {
        // Skip leading spaces before an opening quote.
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < b.len() && b[j] == b'"' {
            let start = j + 1;
            let mut k = start;
            let mut escapes = false;
            let end;
            loop {
                if k >= b.len() {
                    end = b.len();
                    break;
                }
                if b[k] == b'"' {
                    if k + 1 < b.len() && b[k + 1] == b'"' {
                        escapes = true;
                        k += 2;
                        continue;
                    }
                    end = k;
                    k += 1;
                    break;
                }
                k += 1;
            }
            out.push((start, end, escapes));
            // Skip to the next separator (anything after the closing quote is ignored).
            while k < b.len() && b[k] != b',' {
                k += 1;
            }
            if k >= b.len() {
                return;
            }
            i = k + 1;
        } else {
            let mut k = i;
            while k < b.len() && b[k] != b',' {
                k += 1;
            }
            out.push((i, k, false));
            if k >= b.len() {
                return;
            }
            i = k + 1;
        }
    }
}
