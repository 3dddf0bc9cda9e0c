//! The `validation=` option (of `Client(...)` and of each endpoint method) read into the core's
//! [`ValidationPolicy`]; every wrong value is a `ValidationError` naming the option and what was
//! expected.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple};
use wechatpay_coupons::error::echo;
use wechatpay_coupons::validation::{ValidationPolicy, is_rule_id};

use crate::errors::invalid;

/// Reads `validation`: `None`/`"default"`, `"strict"`, or a dict of [`POLICY_OPTIONS`].
pub fn policy_from(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<ValidationPolicy> {
    let mut policy = ValidationPolicy::default();
    let Some(obj) = obj else { return Ok(policy) };
    if obj.is_none() {
        return Ok(policy);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_cow()?.as_ref() {
            "default" => Ok(policy),
            "strict" => Ok(ValidationPolicy::strict()),
            other => Err(invalid(
                py,
                "validation",
                "invalid_input",
                format!("\"default\", \"strict\" or a dict, got {:?}", echo(other)),
            )),
        };
    }
    let d = obj
        .cast::<PyDict>()
        .map_err(|_| invalid(py, "validation", "type", "\"default\", \"strict\" or a dict".into()))?;
    for (k, v) in d.iter() {
        let Ok(key) = k.cast::<PyString>() else {
            return Err(invalid(
                py,
                "validation",
                "type",
                format!("dict keys must be str (one of {POLICY_OPTIONS}), got {}", type_name(&k)),
            ));
        };
        match key.to_cow()?.as_ref() {
            "promote_warnings" => {
                policy.promote_warnings = v.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| {
                    invalid(
                        py,
                        "validation.promote_warnings",
                        "type",
                        format!("True or False, got {}", type_name(&v)),
                    )
                })?;
            }
            "promote" => policy.promote = rule_ids(&v, "validation.promote")?,
            "silence" => policy.silence = rule_ids(&v, "validation.silence")?,
            "begin_time_grace_secs" => policy.begin_time_grace_secs = grace_secs(&v)?,
            other => {
                return Err(invalid(
                    py,
                    &format!("validation.{}", echo(other)),
                    "unknown_field",
                    format!("one of {POLICY_OPTIONS}"),
                ));
            }
        }
    }
    Ok(policy)
}

/// The keys of a `validation` dict.
const POLICY_OPTIONS: &str = "promote_warnings, promote, silence, begin_time_grace_secs";

/// The Python type name of `v`, for messages.
pub fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A list (or tuple or set) of rule ids for `promote` / `silence`.
fn rule_ids(v: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<String>> {
    let py = v.py();
    let expected = "a list of rule ids such as [\"V-G-05\"]";
    if let Ok(s) = v.cast::<PyString>() {
        return Err(invalid(
            py,
            field,
            "type",
            format!(
                "{expected}, got the str {:?} (write [{:?}])",
                echo(&s.to_cow()?),
                echo(&s.to_cow()?)
            ),
        ));
    }
    let listlike = v.is_instance_of::<PyList>()
        || v.is_instance_of::<PyTuple>()
        || v.is_instance_of::<PySet>()
        || v.is_instance_of::<PyFrozenSet>();
    if !listlike {
        return Err(invalid(py, field, "type", format!("{expected}, got {}", type_name(v))));
    }
    let mut ids = Vec::new();
    for (i, item) in v.try_iter()?.enumerate() {
        let item = item?;
        let Ok(s) = item.cast::<PyString>() else {
            return Err(invalid(
                py,
                &format!("{field}[{i}]"),
                "type",
                format!("a rule id (str) such as \"V-G-05\", got {}", type_name(&item)),
            ));
        };
        let id = s.to_cow()?.into_owned();
        if !is_rule_id(&id) {
            return Err(invalid(
                py,
                &format!("{field}[{i}]"),
                "invalid_input",
                format!(
                    "a rule id such as \"V-G-05\" (V-, group letters, -, digits), got {:?}",
                    echo(&id)
                ),
            ));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// `begin_time_grace_secs`: a whole number of seconds, 0 or more.
fn grace_secs(v: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = v.py();
    let field = "validation.begin_time_grace_secs";
    if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() {
        return Err(invalid(
            py,
            field,
            "type",
            format!("a whole number of seconds (int, 0 or more), got {}", type_name(v)),
        ));
    }
    match v.extract::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(invalid(
            py,
            field,
            "invalid_input",
            format!(
                "a whole number of seconds from 0 to {}, got {}",
                i64::MAX,
                echo(&v.str()?.to_cow()?)
            ),
        )),
    }
}
