//! The thread-safety bound of the injectable seams ([`Signer`](crate::Signer),
//! [`CryptoProvider`](crate::CryptoProvider), [`Clock`](crate::Clock),
//! [`NonceSource`](crate::NonceSource)).
//!
//! On native targets a seam must be `Send + Sync`, so one client serves many threads. On
//! `wasm32` there is one thread, and the host values a binding wraps there (JavaScript functions
//! and objects) are neither `Send` nor `Sync`: the bound is empty, so a wasm binding can hand the
//! core a JavaScript signer or `node:crypto` without any unsafe code.

/// `Send + Sync` on native targets; no bound on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}

/// `Send + Sync` on native targets; no bound on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}
