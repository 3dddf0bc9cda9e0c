//! Decoded query parameters.

use super::*;

/// Decoded query parameters with typed accessors that fail as `PARAM_ERROR` (location query).
#[derive(Debug, Default, Clone)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// First value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A required string of at most `max` characters.
    pub fn required(&self, name: &str, max: usize) -> Result<&str, ApiErr> {
        match self.get(name) {
            None | Some("") => Err(ApiErr::query(name, Value::Null, "必填参数缺失 (required)")),
            Some(v) if v.chars().count() > max => {
                Err(ApiErr::query(name, json!(v), format!("长度超过 {max} (too long)")))
            }
            Some(v) => Ok(v),
        }
    }

    /// An integer in `min..=max`, with an optional default.
    pub fn int(&self, name: &str, default: Option<i64>, min: i64, max: i64) -> Result<i64, ApiErr> {
        let v = match (self.get(name), default) {
            (Some(s), _) => s
                .parse::<i64>()
                .map_err(|_| ApiErr::query(name, json!(s), "应为整数 (expected an integer)"))?,
            (None, Some(d)) => d,
            (None, None) => return Err(ApiErr::query(name, Value::Null, "必填参数缺失 (required)")),
        };
        if v < min || v > max {
            let issue = if name == "limit" {
                format!("页大小超过阈值，应在 [{min},{max}] (page size out of range)")
            } else {
                format!("应在 [{min},{max}] (out of range)")
            };
            return Err(ApiErr::query(name, json!(v), issue));
        }
        Ok(v)
    }
}
