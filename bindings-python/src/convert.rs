//! Conversions between Python objects and the core's types: JSON values (dicts in, dicts out),
//! header mappings, and body bytes. All of them return errors, never panic.
//!
//! serde → Python goes through `pythonize` (core models and `serde_json::Value`) and
//! `serde_transcode` (JSON bytes streamed into `pythonize`). Replacing the hand-written
//! serializer and visitor cost nothing measurable: `bench/bench.py`, median of 3
//! runs each, release build, load < 1.3: "verify + decode a response" 16.7 → 16.5 µs, "verify +
//! decrypt a notification" 20.5 → 21.0 µs (+2.4%, field-name strings no longer interned).

use pyo3::intern;
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
    pythonize::pythonize(py, v).map_err(PyErr::from)
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

/// The headers the core reads from responses and notifications (compared case-insensitively):
/// the signature headers, `Wechatpay-Signature-Type` and `Request-ID`. Every core path that takes
/// a [`Headers`] from Python reads only these, so [`extract_headers`] skips the others without
/// converting them (a response typically carries a dozen more).
pub const READ_HEADERS: [&str; 6] = [
    "wechatpay-signature",
    "wechatpay-timestamp",
    "wechatpay-nonce",
    "wechatpay-serial",
    "wechatpay-signature-type",
    "request-id",
];

/// Whether a name of `len` characters can be one of [`READ_HEADERS`] (checked before converting).
fn may_be_read(len: usize) -> bool {
    READ_HEADERS.iter().any(|h| h.len() == len)
}

/// Appends `(name, value)` when `name` is one of [`READ_HEADERS`]. A `str` name is first screened
/// by its length (no conversion); other names (`bytes`, …) are converted and compared.
fn push_header(headers: &mut Headers, name: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if let Ok(s) = name.cast::<PyString>()
        && !may_be_read(s.len()?)
    {
        return Ok(());
    }
    let name = header_part(name)?;
    if READ_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(&name)) {
        headers.append(name, header_part(value)?);
    }
    Ok(())
}

/// Reads headers from a mapping (dict, `requests`' CaseInsensitiveDict, `httpx.Headers`,
/// `http.client.HTTPMessage`, a WSGI/Werkzeug `Headers`) or an iterable of `(name, value)` pairs.
/// Names keep their case and order; lookups in the core are case-insensitive. Only the headers
/// the core reads ([`READ_HEADERS`]) are kept: a `dict`, `list` or `tuple` is walked directly,
/// other mappings through `multi_items()` / `items()`.
pub fn extract_headers(obj: &Bound<'_, PyAny>) -> PyResult<Headers> {
    let py = obj.py();
    let mut headers = Headers::new();
    if obj.is_none() {
        return Ok(headers);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            push_header(&mut headers, &k, &v)?;
        }
        return Ok(headers);
    }
    let bad_pair = || invalid(py, "headers", "type", "a mapping or (name, value) pairs".into());
    let pair = |item: &Bound<'_, PyAny>, headers: &mut Headers| -> PyResult<()> {
        if let Ok(t) = item.cast::<PyTuple>() {
            if t.len() != 2 {
                return Err(bad_pair());
            }
            return push_header(headers, &t.get_item(0)?, &t.get_item(1)?);
        }
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| bad_pair())?;
        push_header(headers, &k, &v)
    };
    if let Ok(list) = obj.cast::<PyList>() {
        for item in list.iter() {
            pair(&item, &mut headers)?;
        }
        return Ok(headers);
    }
    let items = if obj.is_instance_of::<PyTuple>() {
        obj.clone()
    } else if obj.hasattr(intern!(py, "multi_items"))? {
        obj.call_method0(intern!(py, "multi_items"))?
    } else if obj.hasattr(intern!(py, "items"))? {
        obj.call_method0(intern!(py, "items"))?
    } else {
        obj.clone()
    };
    for item in items.try_iter()? {
        pair(&item?, &mut headers)?;
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

/// Why [`json_bytes_to_py`] failed: the bytes are not JSON, or Python raised while building.
#[derive(Debug)]
pub enum JsonToPyError {
    /// Not JSON (the same error `serde_json::from_slice` gives).
    Json(serde_json::Error),
    /// Python raised (e.g. `MemoryError`).
    Py(PyErr),
}

/// Parses JSON bytes straight into plain Python objects (dict, list, str, int, float, bool,
/// None), with no intermediate `serde_json::Value`: `serde_transcode` streams the parser into
/// `pythonize`. Objects keep the document's key order (like `json.loads`); numbers follow
/// `serde_json` (integers in the 64-bit range, otherwise float).
pub fn json_bytes_to_py<'py>(py: Python<'py>, bytes: &[u8]) -> Result<Bound<'py, PyAny>, JsonToPyError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_transcode::transcode(&mut de, pythonize::Pythonizer::new(py)) {
        Ok(v) => de.end().map(|()| v).map_err(JsonToPyError::Json),
        // `serde_transcode` carries errors as text: parse again for the parser's own error (the
        // same one, at the same position); valid JSON means the failure was Python's.
        Err(e) => match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Err(json) => Err(JsonToPyError::Json(json)),
            Ok(_) => Err(JsonToPyError::Py(e.into())),
        },
    }
}

/// Converts a core model to plain Python objects, as `json.loads(serde_json::to_vec(value))`
/// would, with no JSON text in between (`pythonize`: structs become dicts in field order,
/// unit variants their name, `None` stays `None`).
pub fn to_py_via_json<'py, T: serde::Serialize>(py: Python<'py>, value: &T, what: &str) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value)
        .map_err(|e| crate::errors::DecodeError::new_err(format!("could not convert {what}: {e}")))
}

/// A body borrowed from Python `bytes` (no copy) or converted like [`extract_body`].
pub enum BodyRef {
    /// Shares the `bytes` object's buffer.
    Shared(pyo3::pybacked::PyBackedBytes),
    /// Copied (`str`, `bytearray`, `memoryview`, `None`).
    Owned(Vec<u8>),
}

impl std::ops::Deref for BodyRef {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            BodyRef::Shared(b) => b,
            BodyRef::Owned(v) => v,
        }
    }
}

/// Reads a body like [`extract_body`], borrowing `bytes` instead of copying them.
pub fn body_ref(obj: &Bound<'_, PyAny>) -> PyResult<BodyRef> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(BodyRef::Shared(b.to_owned().into()));
    }
    extract_body(obj).map(BodyRef::Owned)
}
