//! Pass 1: the streaming SHA-1 that must match before any row is read ([`BillDigest`]).

use super::*;

/// Pass 1: a streaming SHA-1 over the downloaded bytes, in constant memory.
pub struct BillDigest {
    expected: [u8; 20],
    stream: Sha1Stream,
    len: u64,
    head: [u8; 2],
}

impl fmt::Debug for BillDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillDigest")
            .field("expected", &hex_lower(&self.expected))
            .field("len", &self.len)
            .finish()
    }
}

impl BillDigest {
    /// Starts a digest for `download` (checks `hash_type` and `hash_value` first).
    pub fn new(download: &BillDownload) -> Result<Self, BillError> {
        Self::with_hash(download.hash_type.as_str(), &download.hash_value)
    }

    /// Starts a digest from `hash_type` and `hash_value` directly.
    pub fn with_hash(hash_type: &str, hash_value: &str) -> Result<Self, BillError> {
        let ht = hash_type.trim();
        if !(ht.eq_ignore_ascii_case("SHA1") || ht.eq_ignore_ascii_case("SHA-1")) {
            return Err(BillError::UnsupportedHashType {
                hash_type: hash_type.to_owned(),
            });
        }
        let hv = hash_value.trim().as_bytes();
        let invalid = BillError::InvalidHashValue { len: hv.len() };
        if hv.len() != 40 {
            return Err(invalid);
        }
        let mut expected = [0u8; 20];
        for (i, pair) in hv.chunks_exact(2).enumerate() {
            match (hex_val(pair[0]), hex_val(pair[1])) {
                (Some(h), Some(l)) => expected[i] = (h << 4) | l,
                _ => return Err(invalid),
            }
        }
        Ok(Self {
            expected,
            stream: Sha1Stream::new(),
            len: 0,
            head: [0; 2],
        })
    }

    /// Adds the next chunk of the body, exactly as received.
    pub fn update(&mut self, chunk: &[u8]) {
        for (i, b) in chunk.iter().take(2usize.saturating_sub(self.len as usize)).enumerate() {
            self.head[self.len as usize + i] = *b;
        }
        self.stream.update(chunk);
        self.len += chunk.len() as u64;
    }

    /// Bytes digested so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was digested yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Compares the digest with `hash_value` in constant time; the token proves the match.
    pub fn finish(self) -> Result<VerifiedBill, BillError> {
        let actual = self.stream.finish();
        if ct_eq(&actual, &self.expected) {
            Ok(VerifiedBill {
                len: self.len,
                sha1: actual,
            })
        } else {
            Err(BillError::HashMismatch {
                expected: hex_lower(&self.expected),
                actual: hex_lower(&actual),
                len: self.len,
                gzip: self.len >= 2 && self.head == [0x1f, 0x8b],
            })
        }
    }
}

pub(super) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Proof that a bill file of [`len`](VerifiedBill::len) bytes matched its `hash_value`. Only
/// [`BillDigest::finish`] creates it; a [`BillParser`] needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBill {
    pub(super) len: u64,
    pub(super) sha1: [u8; 20],
}

impl VerifiedBill {
    /// Length of the verified bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the verified file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The verified SHA-1, lower-case hex.
    pub fn sha1_hex(&self) -> String {
        hex_lower(&self.sha1)
    }
}
