//! Typed request and response models of the 代金券 endpoints (favor-endpoints.md §1, §2, §3).
//!
//! Readers are tolerant: unknown fields are ignored, unknown enum values are kept as
//! `Unknown(raw)`, integers are accepted as JSON numbers or numeric strings, `trade_type` as a
//! string or an array, and `null` in any optional or defaulted field reads exactly like an absent
//! field (Go's decoder reads `null` as the empty value, and the official examples send it). Where
//! two keys name one field (`pause_time` / `start_time`), both are read and the documented one
//! wins, so a body carrying both is not refused as a duplicate. Writers are exact: optional fields are omitted (never `null` or `""`),
//! lists such as `available_merchants` are JSON arrays of strings.
//!
//! Request fields that the server requires but that a caller may forget (numbers and booleans
//! of `stock_use_rule`, `no_cash`, …) are `Option`s: validation reports a missing one with its
//! rule id together with every other violation instead of failing on the first one.
//!
//! # Schemas (cargo feature `schema`)
//!
//! With the `schema` feature every model here and in [`crate::favor::events`] derives
//! `schemars::JsonSchema` (the open enums implement it as "one of the known values or any
//! string"). Those JSON Schemas, together with [`crate::favor::ops::OPERATIONS`], are the one
//! source of truth for the generated binding types: `cargo xtask gen` writes the Python
//! TypedDicts and stub endpoints and the TypeScript declarations from them, and
//! `cargo xtask check` fails when a committed file has drifted.
//!
//! schemars was chosen over per-binding derives (`uniffi::Record`, `tsify::Tsify` behind
//! features, as some SDKs do) because a schema is language-neutral: one derive serves Python,
//! TypeScript and any later binding, it reads the serde attributes the wire format already
//! depends on (renames, defaults, skipped path parameters) instead of repeating them, and it
//! adds no code to the bindings themselves. The feature is off by default, so the core's normal
//! build does not compile schemars.

mod callback;
mod coupon;
mod enums;
pub use crate::lenient;
mod media;
mod rules;
mod stock;
mod times;

pub use callback::*;
pub use coupon::*;
pub use enums::*;
pub use media::*;
pub use rules::*;
pub use stock::*;
pub use times::*;
