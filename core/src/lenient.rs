//! Serde helpers for tolerant decoding, used by every model and event reader: integers as JSON
//! numbers or numeric strings, booleans as `true`/`"true"`, one value where a list is expected,
//! and `null` (or, for optional numbers and booleans, a blank string) read like an absent field.
//! Writers never use these: output stays exact.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// An `i64` that also accepts a numeric string (`"200"`) or an integral float (`200.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientI64(pub i64);

impl<'de> Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientI64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string holding an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientI64, E> {
                Ok(LenientI64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientI64, E> {
                i64::try_from(v)
                    .map(LenientI64)
                    .map_err(|_| E::custom("integer out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientI64, E> {
                if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(LenientI64(v as i64))
                } else {
                    Err(E::custom("expected an integer, found a fraction"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientI64, E> {
                v.trim()
                    .parse::<i64>()
                    .map(LenientI64)
                    .map_err(|_| E::custom(format!("expected an integer, found the string {v:?}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads an `i64` from a number or a numeric string.
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    LenientI64::deserialize(d).map(|v| v.0)
}

/// A number, or a string that is blank (read as absent) or holds an integer.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(LenientI64),
    Text(String),
}

/// Reads an optional `i64`: absent, `null` and a blank string are `None`; a number or numeric
/// string is the value.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<NumberOrText>::deserialize(d)? {
        None => Ok(None),
        Some(NumberOrText::Number(v)) => Ok(Some(v.0)),
        Some(NumberOrText::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(NumberOrText::Text(_)) => Err(de::Error::custom("expected an integer or a numeric string")),
    }
}

/// Reads an optional boolean: `true`/`false`, or the strings `"true"`/`"false"` (any of the
/// three usual casings); absent, `null` and a blank string are `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolOrText {
        Bool(bool),
        Text(String),
    }
    match Option::<BoolOrText>::deserialize(d)? {
        None => Ok(None),
        Some(BoolOrText::Bool(b)) => Ok(Some(b)),
        Some(BoolOrText::Text(s)) => match s.trim() {
            "true" | "TRUE" | "True" => Ok(Some(true)),
            "false" | "FALSE" | "False" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(de::Error::custom("expected a boolean (true/false)")),
        },
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

/// Reads an optional list that may also arrive as a single value (`"MICROAPP"` or `3`).
pub fn opt_one_or_many<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<OneOrMany<T>>::deserialize(d)?.map(|v| match v {
        OneOrMany::Many(v) => v,
        OneOrMany::One(x) => vec![x],
    }))
}

/// Reads an optional list of integers, each a number or numeric string; a single value is
/// read as a one-item list.
pub fn opt_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    Ok(opt_one_or_many::<D, LenientI64>(d)?.map(|v| v.into_iter().map(|x| x.0).collect()))
}

/// Reads a list that may be absent or `null` (then empty).
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Reads a value that may also be `null`, which gives the type's default (`""`, `0`, empty list,
/// …) exactly as an absent field does: Go's decoder reads `null` as the empty value, and the
/// official examples send it (`"no_cash": null`).
pub fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads an `i64` from a number or a numeric string; `null` and a blank string read as 0, like
/// an absent field.
pub fn i64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(opt_i64(d)?.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "i64_or_zero")]
        z: i64,
        #[serde(default, deserialize_with = "opt_vec_i64")]
        v: Option<Vec<i64>>,
    }

    fn read(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn numbers_booleans_and_lists_are_read_tolerantly() {
        let t = read(r#"{"n":"42","b":"TRUE","z":null,"v":"7"}"#).unwrap();
        assert_eq!(
            t,
            T {
                n: Some(42),
                b: Some(true),
                z: 0,
                v: Some(vec![7])
            }
        );
        let t = read(r#"{"n":"  ","b":"","z":" ","v":[1,"2",3.0]}"#).unwrap();
        assert_eq!(
            t,
            T {
                n: None,
                b: None,
                z: 0,
                v: Some(vec![1, 2, 3])
            }
        );
        let t = read("{}").unwrap();
        assert_eq!(
            t,
            T {
                n: None,
                b: None,
                z: 0,
                v: None
            }
        );
    }

    #[test]
    fn wrong_values_are_refused() {
        assert!(read(r#"{"n":"4x"}"#).is_err());
        assert!(read(r#"{"n":1.5}"#).is_err());
        assert!(read(r#"{"b":"yes"}"#).is_err());
        assert!(read(r#"{"n":true}"#).is_err());
        assert!(serde_json::from_str::<LenientI64>(r#""""#).is_err());
    }
}
