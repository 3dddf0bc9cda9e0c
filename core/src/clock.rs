//! Injectable time and randomness: the core never reads the wall clock or the RNG behind the
//! caller's back. Tests fix both, so signed requests are byte-for-byte reproducible.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::error::CryptoError;

/// Source of the current time in Unix seconds.
pub trait Clock: crate::host::MaybeSendSync {
    /// Now, in seconds since the Unix epoch.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        }
    }
}

/// A clock that returns a settable time (tests, the sandbox's simulated clock).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `now`.
    pub fn new(now: i64) -> Self {
        Self(AtomicI64::new(now))
    }
    /// Moves the clock to `now`.
    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }
    /// Moves the clock forward by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Source of request nonces.
pub trait NonceSource: crate::host::MaybeSendSync {
    /// A fresh nonce (WeChat Pay accepts any non-empty string; we make 32 chars of `[0-9A-Za-z]`).
    fn nonce(&self) -> Result<String, CryptoError>;
}

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of generated nonces.
pub const NONCE_LEN: usize = 32;

/// 32 characters of `[0-9A-Za-z]` from the OS CSPRNG, uniform (rejection sampling, no modulo bias).
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomNonce;

impl NonceSource for RandomNonce {
    fn nonce(&self) -> Result<String, CryptoError> {
        random_string(NONCE_LEN)
    }
}

/// A uniformly random string of `len` characters from `[0-9A-Za-z]`.
pub fn random_string(len: usize) -> Result<String, CryptoError> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        crate::crypto::fill_random(&mut buf)?;
        for &b in &buf {
            // 248 = 4 * 62: bytes >= 248 would bias the first 8 symbols, so drop them.
            if b < 248 {
                out.push(ALPHABET[(b % 62) as usize] as char);
                if out.len() == len {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// Returns the given nonces in turn, each once (tests, reproducible signatures).
///
/// When the list is used up, [`NonceSource::nonce`] fails with
/// [`CryptoError::Operation`] instead of repeating a value: a repeated nonce is a replay.
/// [`FixedNonce::repeating`] is the one exception, for tests that compare many requests with
/// one expected `Authorization` header.
#[derive(Debug)]
pub struct FixedNonce {
    values: Vec<String>,
    repeat: bool,
    next: Mutex<usize>,
}

impl FixedNonce {
    /// This nonce for one request; the next request fails.
    pub fn new(nonce: impl Into<String>) -> Self {
        Self::sequence(vec![nonce.into()])
    }

    /// These nonces in order, each once; after the last one, requests fail.
    pub fn sequence(values: Vec<String>) -> Self {
        Self {
            values,
            repeat: false,
            next: Mutex::new(0),
        }
    }

    /// The same nonce for every request. **Tests only**: reusing a nonce in production makes
    /// requests replayable; WeChat Pay may refuse them.
    pub fn repeating(nonce: impl Into<String>) -> Self {
        Self {
            values: vec![nonce.into()],
            repeat: true,
            next: Mutex::new(0),
        }
    }
}

impl NonceSource for FixedNonce {
    fn nonce(&self) -> Result<String, CryptoError> {
        let mut i = match self.next.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let v = if self.repeat {
            self.values.first()
        } else {
            self.values.get(*i)
        };
        let v = v.cloned().ok_or(CryptoError::Operation(
            "the fixed nonces are used up: each is used once, a repeated nonce being a replay (give one nonce per request)",
        ))?;
        *i = i.saturating_add(1);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_nonce_shape_and_uniqueness() {
        let a = RandomNonce.nonce().unwrap();
        let b = RandomNonce.nonce().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn random_nonce_uses_whole_alphabet_roughly_uniformly() {
        let s = random_string(62 * 400).unwrap();
        let mut counts = [0usize; 128];
        for b in s.bytes() {
            counts[b as usize] += 1;
        }
        for &c in ALPHABET.iter() {
            let n = counts[c as usize];
            // Expected 400 each; a biased mapping would push some symbols far off.
            assert!((250..=550).contains(&n), "symbol {} seen {n} times", c as char);
        }
    }

    #[test]
    fn fixed_sources() {
        let c = FixedClock::new(10);
        c.advance(5);
        assert_eq!(c.now(), 15);
        let n = FixedNonce::sequence(vec!["a".into(), "b".into()]);
        assert_eq!(n.nonce().unwrap(), "a");
        assert_eq!(n.nonce().unwrap(), "b");
    }

    #[test]
    fn fixed_nonce_list_does_not_repeat_its_last_value() {
        let n = FixedNonce::sequence(vec!["a".into(), "b".into()]);
        assert_eq!(n.nonce().unwrap(), "a");
        assert_eq!(n.nonce().unwrap(), "b");
        let err = n.nonce().unwrap_err();
        assert!(err.to_string().contains("used up"), "{err}");
        let one = FixedNonce::new("x");
        assert_eq!(one.nonce().unwrap(), "x");
        assert!(one.nonce().is_err(), "a single fixed nonce is used once");
        let r = FixedNonce::repeating("r");
        assert_eq!(
            (r.nonce().unwrap(), r.nonce().unwrap()),
            ("r".to_owned(), "r".to_owned())
        );
    }
}
