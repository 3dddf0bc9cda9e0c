//! Request parameters from JSON: decoding into the typed request models with every unknown
//! field and the first wrong type reported, and reading a value at a field path.
//!
//! The sandbox decodes received bodies and queries with [`decode_tolerant`] (the real server
//! ignores unknown fields); [`decode_params`] is the strict form used before signing, where an
//! unknown field is most likely a typo.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, echo};
use crate::favor::validation::{Severity, ValidationErrors, Violation};

/// Rule id of a parameter that no field of the request model has.
pub const RULE_UNKNOWN_FIELD: &str = "unknown_field";
/// Rule id of a parameter whose value has the wrong type.
pub const RULE_TYPE: &str = "type";

/// A value of the wrong type at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeMismatch {
    /// The JSON path, e.g. `coupon_use_rule.fixed_normal_coupon.coupon_amount` (`.` for the
    /// root, e.g. a missing required field).
    pub path: String,
    /// What was wrong, as the decoder says it (without a line/column suffix).
    pub reason: String,
}

/// Decodes `value` into `T` as tolerantly as the models are (numeric strings for integers,
/// single values for lists, nulls for absent values); unknown fields are collected, not refused.
/// The unknown fields are returned in both cases.
pub fn decode_tolerant<T: DeserializeOwned>(value: Value) -> (Result<T, TypeMismatch>, Vec<String>) {
    let mut unknown: Vec<String> = Vec::new();
    let result = {
        // Wrappers the models decode through (lenient or flattened fields) show as `?`
        // segments: they are not part of the field's JSON path.
        let mut on_ignored = |path: serde_ignored::Path<'_>| {
            let path = path.to_string();
            let segments: Vec<&str> = path.split('.').filter(|s| *s != "?").collect();
            unknown.push(segments.join("."));
        };
        let ignored = serde_ignored::Deserializer::new(value, &mut on_ignored);
        serde_path_to_error::deserialize::<_, T>(ignored)
    };
    let result = result.map_err(|e| {
        let reason = e.inner().to_string();
        let reason = reason.split(" at line ").next().unwrap_or_default().to_owned();
        TypeMismatch {
            path: e.path().to_string(),
            reason,
        }
    });
    (result, unknown)
}

/// Decodes request params strictly: every unknown field (rule [`RULE_UNKNOWN_FIELD`]) and a wrong
/// type (rule [`RULE_TYPE`]) become violations of an [`Error::Validation`], naming the JSON path.
pub fn decode_params<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    let (result, unknown) = decode_tolerant::<T>(value);
    let mut violations: Vec<Violation> = unknown
        .into_iter()
        .map(|path| {
            let message = format!(
                "unknown field {:?} (check the spelling; WeChat Pay names are snake_case)",
                echo(&path)
            );
            violation(path, RULE_UNKNOWN_FIELD, message, "未知字段".into())
        })
        .collect();
    match result {
        Ok(v) if violations.is_empty() => return Ok(v),
        Ok(_) => {}
        Err(e) => violations.push(violation(e.path, RULE_TYPE, e.reason, "类型错误".into())),
    }
    Err(ValidationErrors { violations }.into())
}

fn violation(field: String, rule: &'static str, message: String, message_zh: String) -> Violation {
    Violation {
        field,
        rule,
        severity: Severity::Error,
        message,
        message_zh,
    }
}

/// The value at a field path such as `coupon_use_rule.available_merchants[0]` (`null` when
/// absent), the form violations and [`TypeMismatch::path`] use.
pub fn value_at(root: &Value, path: &str) -> Value {
    let mut cur = root;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            match cur.get(name) {
                Some(v) => cur = v,
                None => return Value::Null,
            }
        }
        for idx in indices.split('[').filter_map(|s| s.strip_suffix(']')) {
            match idx.parse::<usize>().ok().and_then(|i| cur.get(i)) {
                Some(v) => cur = v,
                None => return Value::Null,
            }
        }
    }
    cur.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn value_at_paths() {
        let v = json!({"a": {"b": [1, {"c": "x"}]}, "n": 5});
        assert_eq!(value_at(&v, "n"), json!(5));
        assert_eq!(value_at(&v, "a.b[0]"), json!(1));
        assert_eq!(value_at(&v, "a.b[1].c"), json!("x"));
        assert_eq!(value_at(&v, "a.z"), Value::Null);
        assert_eq!(value_at(&v, "a.b[7]"), Value::Null);
    }
}
