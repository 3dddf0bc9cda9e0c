//! The `validation=` option (of `Client(...)` and of each endpoint method): the Python value is
//! converted to JSON and read by the core's [`dynamic::policy_from_value`], the one reading every
//! binding shares, so its rules and messages are the same in Python, Node and Kotlin. A set or
//! frozenset of rule ids is read as a list.

use pyo3::prelude::*;
use pyo3::types::{PyFrozenSet, PyList, PySet};
use wechatpay_coupons::dynamic;
use wechatpay_coupons::validation::ValidationPolicy;

use crate::convert::py_to_json;
use crate::errors::{invalid, to_py};

/// Reads `validation`: `None`/`"default"`, `"strict"`, or a dict of the policy options.
pub fn policy_from(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<ValidationPolicy> {
    let Some(obj) = obj else {
        return Ok(ValidationPolicy::default());
    };
    let value = py_to_json(&sets_as_lists(obj)?, "validation")?;
    dynamic::policy_from_value(&value).map_err(|e| match &e {
        // A bad option, not a bad request: raised like the binding's other argument errors
        // (`"validation.promote: …"`), with the core's field, rule and message.
        wechatpay_coupons::Error::Validation(v) if v.violations.len() == 1 => {
            let v = &v.violations[0];
            invalid(py, &v.field, v.rule, v.message.clone())
        }
        _ => to_py(py, e),
    })
}

/// `obj` with the values of a dict that are sets turned into lists (rule ids have no order).
fn sets_as_lists<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let Ok(d) = obj.cast::<pyo3::types::PyDict>() else {
        return Ok(obj.clone());
    };
    let out = pyo3::types::PyDict::new(obj.py());
    for (k, v) in d.iter() {
        if v.is_instance_of::<PySet>() || v.is_instance_of::<PyFrozenSet>() {
            let mut items: Vec<Bound<'py, PyAny>> = v.try_iter()?.collect::<PyResult<_>>()?;
            items.sort_by_key(|i| i.str().map(|s| s.to_string()).unwrap_or_default());
            out.set_item(k, PyList::new(obj.py(), items)?)?;
        } else {
            out.set_item(k, v)?;
        }
    }
    Ok(out.into_any())
}

/// The Python type name of `v`, for messages.
pub fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}
