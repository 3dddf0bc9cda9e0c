//! Typed reads of fields in the JSON bodies of the sandbox-only endpoints, failing as
//! `PARAM_ERROR` with the field's dotted name.

use serde_json::{Value, json};

use crate::util::ApiErr;

fn at<'v>(v: &'v Value, ptr: &str) -> Option<&'v Value> {
    v.pointer(ptr).filter(|x| !x.is_null())
}

fn field_name(ptr: &str) -> String {
    ptr.trim_start_matches('/').replace('/', ".")
}

pub(super) fn req_str<'v>(v: &'v Value, ptr: &str, max: usize) -> Result<&'v str, ApiErr> {
    match at(v, ptr) {
        None => Err(ApiErr::body(&field_name(ptr), Value::Null, "必填参数缺失 (required)")),
        Some(Value::String(s)) if s.is_empty() => Err(ApiErr::body(&field_name(ptr), json!(s), "不能为空 (empty)")),
        Some(Value::String(s)) if s.chars().count() > max => Err(ApiErr::body(
            &field_name(ptr),
            json!(s),
            format!("长度超过 {max} (longer than {max} characters)"),
        )),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(ApiErr::body(
            &field_name(ptr),
            other.clone(),
            "应为字符串 (expected a string)",
        )),
    }
}

pub(super) fn opt_str<'v>(v: &'v Value, ptr: &str, max: usize) -> Result<Option<&'v str>, ApiErr> {
    match at(v, ptr) {
        None => Ok(None),
        Some(_) => req_str(v, ptr, max).map(Some),
    }
}

fn req_int(v: &Value, ptr: &str) -> Result<i64, ApiErr> {
    match at(v, ptr) {
        None => Err(ApiErr::body(&field_name(ptr), Value::Null, "必填参数缺失 (required)")),
        Some(x) => x
            .as_i64()
            .ok_or_else(|| ApiErr::body(&field_name(ptr), x.clone(), "应为整数 (expected an integer)")),
    }
}

pub(super) fn opt_int(v: &Value, ptr: &str) -> Result<Option<i64>, ApiErr> {
    match at(v, ptr) {
        None => Ok(None),
        Some(_) => req_int(v, ptr).map(Some),
    }
}
