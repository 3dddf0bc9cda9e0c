//! Checks over every value that will be sent, whatever the endpoint (V-G-02, V-CS-76).

use super::{Report, Violation};

/// Checks over every value that will be sent: V-G-02 (no characters beyond U+FFFF, i.e. of four
/// UTF-8 bytes) on path, query and body strings, and V-CS-76 (optional fields sent as `""`,
/// `null` or `[]`) on the JSON body. Fields already reported in `existing` are not repeated for
/// V-CS-76.
pub fn check_sent_values(
    params: &[(&str, &str)],
    body: Option<&serde_json::Value>,
    existing: &[Violation],
) -> Vec<Violation> {
    let mut r = Report::default();
    for (name, value) in params {
        four_byte(&mut r, name, value);
    }
    if let Some(body) = body {
        walk(&mut r, String::new(), body, existing);
    }
    r.finish()
}

/// V-G-06 for path parameters: a value of `.` or `..` would be a dot-segment, which URL
/// normalisation (clients, proxies, servers) removes, sending the request to another endpoint;
/// percent-encoding does not help (`%2E` is equivalent to `.`). Such values are refused.
pub fn check_path_params(params: &[(&str, &str)]) -> Vec<Violation> {
    let mut r = Report::default();
    for (name, value) in params {
        if matches!(*value, "." | "..") {
            r.err(
                name,
                "V-G-06",
                format!("is a path parameter and must not be {value:?}: a dot-segment would send the request to another path"),
                format!("是路径参数，不能为 {value:?}：点路径段会使请求发往其他地址"),
            );
        }
    }
    r.finish()
}

fn four_byte(r: &mut Report, field: &str, s: &str) {
    if s.chars().any(|c| c as u32 > 0xFFFF) {
        r.err(
            field,
            "V-G-02",
            "contains a character outside the Basic Multilingual Plane (e.g. an emoji), which WeChat Pay does not accept",
            "包含四字节 UTF-8 字符（如表情符号），微信支付不支持",
        );
    }
}

fn walk(r: &mut Report, path: String, v: &serde_json::Value, existing: &[Violation]) {
    use serde_json::Value;
    let placeholder = |r: &mut Report, path: &str, what: &str| {
        if !existing
            .iter()
            .any(|x| x.field == path || x.field.starts_with(&format!("{path}.")))
        {
            r.warn(
                path,
                "V-CS-76",
                format!("is sent as {what}; omit optional fields instead of sending placeholders"),
                format!("以{what}发送；可选字段请不传，不要传占位值"),
            );
        }
    };
    match v {
        Value::String(s) => {
            four_byte(r, &path, s);
            if s.is_empty() && !path.is_empty() {
                placeholder(r, &path, "an empty string");
            }
        }
        Value::Null if !path.is_empty() => placeholder(r, &path, "null"),
        Value::Array(items) => {
            if items.is_empty() && !path.is_empty() {
                placeholder(r, &path, "an empty array");
            }
            for (i, item) in items.iter().enumerate() {
                walk(r, format!("{path}[{i}]"), item, existing);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(r, p, item, existing);
            }
        }
        _ => {}
    }
}
