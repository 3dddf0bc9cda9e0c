//! Conversions between Python objects and the core's types: JSON values (dicts in, dicts out),
//! header mappings, and body bytes. All of them return errors, never panic.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMemoryView, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use wechatpay_coupons::Headers;

use crate::errors::invalid;

/// Deepest nesting accepted from Python (guards against self-referencing containers).
const MAX_DEPTH: usize = 64;

/// Converts a Python value (dict, list, tuple, str, int, float, bool, None) to JSON.
pub fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    to_json(obj, path, 0)
}

fn to_json(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    if depth > MAX_DEPTH {
        return Err(invalid(
            py,
            path,
            "type",
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        return Err(invalid(py, path, "type", "integer out of the 64-bit range".into()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(py, path, "type", "a finite number".into()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| invalid(py, path, "type", "dict keys must be str".into()))?
                .to_cow()?
                .into_owned();
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            map.insert(key, to_json(&v, &child, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_json(&item?, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    // Other mappings (e.g. MappingProxyType, TypedDict subclasses are plain dicts already).
    if obj.hasattr("items")? && obj.hasattr("keys")? {
        let d = PyDict::new(py);
        for item in obj.call_method0("items")?.try_iter()? {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
            d.set_item(k, v)?;
        }
        return to_json(d.as_any(), path, depth);
    }
    let type_name = obj.get_type().name()?.to_string();
    Err(invalid(
        py,
        if path.is_empty() { "request" } else { path },
        "type",
        format!("a JSON-compatible value (dict, list, str, int, float, bool or None), got {type_name}"),
    ))
}

/// Converts JSON to plain Python objects (dict, list, str, int, float, bool, None).
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, item) in map {
                d.set_item(k, json_to_py(py, item)?)?;
            }
            d.into_any()
        }
    })
}

/// Serialises a core model to JSON and then to Python.
pub fn to_py_via_json<'py, T: serde::Serialize>(py: Python<'py>, value: &T, what: &str) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value)
        .map_err(|e| crate::errors::DecodeError::new_err(format!("could not convert {what}: {e}")))?;
    json_to_py(py, &v)
}

fn header_part(item: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = item.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(b) = item.cast::<PyBytes>() {
        // HTTP header bytes are Latin-1.
        return Ok(b.as_bytes().iter().map(|&c| char::from(c)).collect());
    }
    Ok(item.str()?.to_cow()?.into_owned())
}

/// Reads headers from a mapping (dict, `requests`' CaseInsensitiveDict, `httpx.Headers`,
/// `http.client.HTTPMessage`, a WSGI/Werkzeug `Headers`) or an iterable of `(name, value)` pairs.
/// Names keep their case; lookups in the core are case-insensitive.
pub fn extract_headers(obj: &Bound<'_, PyAny>) -> PyResult<Headers> {
    let py = obj.py();
    let mut headers = Headers::new();
    if obj.is_none() {
        return Ok(headers);
    }
    let items = if obj.hasattr("multi_items")? {
        obj.call_method0("multi_items")?
    } else if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    for item in items.try_iter()? {
        let item = item?;
        let pair: (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
            .extract()
            .map_err(|_| invalid(py, "headers", "type", "a mapping or (name, value) pairs".into()))?;
        headers.append(header_part(&pair.0)?, header_part(&pair.1)?);
    }
    Ok(headers)
}

/// Reads a body: `bytes`, `bytearray`, `memoryview` or `str` (encoded as UTF-8). Pass the raw
/// body exactly as received: verification covers these bytes.
pub fn extract_body(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let b = obj.call_method0("tobytes")?;
        return extract_body(&b);
    }
    let type_name = obj.get_type().name()?.to_string();
    Err(invalid(
        py,
        "body",
        "type",
        format!(
            "the raw body as bytes or str, got {type_name} (do not pass a parsed dict: the signature covers the raw bytes)"
        ),
    ))
}
