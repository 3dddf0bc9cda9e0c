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
