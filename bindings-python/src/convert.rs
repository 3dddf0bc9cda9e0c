//! Conversions between Python objects and the core's types: JSON values (dicts in, dicts out),
//! header mappings, and body bytes. All of them return errors, never panic.
//!
//! serde ↔ Python goes through `pythonize` (core models and `serde_json::Value` out,
//! `Depythonizer` in) and `serde_transcode` (JSON bytes streamed into `pythonize`). Replacing the
//! hand-written serializer and visitor cost nothing measurable: `bench/bench.py`, median of 3
//! runs each, release build, load < 1.3: "verify + decode a response" 16.7 → 16.5 µs, "verify +
//! decrypt a notification" 20.5 → 21.0 µs (+2.4%, field-name strings no longer interned).

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use wechatpay_coupons::Headers;

use crate::errors::invalid;

/// Deepest nesting accepted from Python (guards against self-referencing containers, which
/// `pythonize` would follow until the stack overflows).
const MAX_DEPTH: usize = 64;

/// Converts a Python value to JSON with [`pythonize::depythonize`]'s type mapping (dict and other
/// mappings, list, tuple, str, int, float, bool, None). A wrong-typed value raises
/// `ValidationError` naming it by its path under `what` (e.g. `stock_id`, `items[2].name`);
/// `what` names the whole value (`""`: the request).
pub fn py_to_json(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let mut track = serde_path_to_error::Track::new();
    let mut de = pythonize::Depythonizer::from_object(obj);
    let de = serde_path_to_error::Deserializer::new(&mut de, &mut track);
    serde::de::DeserializeSeed::deserialize(Bounded(0), de).map_err(|e| {
        let path = track.path().to_string();
        // An unknown last segment is a dict key that is not a `str`: name the dict.
        let (path, message) = match path.strip_suffix('?') {
            Some(dict) => (dict.trim_end_matches('.'), format!("dict keys must be str ({e})")),
            None => match e.to_string().strip_prefix("unsupported type ") {
                Some(t) => (path.as_str(), format!("{JSON_TYPES}, got {t}")),
                None => (path.as_str(), e.to_string()),
            },
        };
        let field = match (what, path) {
            ("", "." | "") => "request".to_owned(),
            (w, "." | "") => w.to_owned(),
            ("", p) => p.to_owned(),
            (w, p) if p.starts_with('[') => format!("{w}{p}"),
            (w, p) => format!("{w}.{p}"),
        };
        invalid(obj.py(), &field, "type", message)
    })
}

/// What [`py_to_json`] accepts.
const JSON_TYPES: &str = "a JSON-compatible value (dict, list, str, int, float, bool or None)";

/// `serde_json::Value`'s own deserialisation, bounded to [`MAX_DEPTH`] levels and with the
/// messages of the JSON-compatible value checks (finite floats, 64-bit integers).
#[derive(Clone, Copy)]
struct Bounded(usize);

impl<'de> serde::de::DeserializeSeed<'de> for Bounded {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.0 > MAX_DEPTH {
            return Err(serde::de::Error::custom(format!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Bounded {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(JSON_TYPES)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_i128<E: serde::de::Error>(self, _v: i128) -> Result<Value, E> {
        Err(E::custom("integer out of the 64-bit range"))
    }
    fn visit_u128<E: serde::de::Error>(self, _v: u128) -> Result<Value, E> {
        Err(E::custom("integer out of the 64-bit range"))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a finite number"))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = Bounded(self.0 + 1);
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(inner)? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = Bounded(self.0 + 1);
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            out.insert(key, map.next_value_seed(inner)?);
        }
        Ok(Value::Object(out))
    }
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
        // same one, at the same position). The re-parse makes the checks the transcoding made
        // (UTF-8, nesting, number range: `serde::de::IgnoredAny` would skip them); if it passes,
        // the failure was Python's.
        Err(e) => {
            let mut check = serde_json::Deserializer::from_slice(bytes);
            match serde::de::Deserialize::deserialize(&mut check).and_then(|Checked| check.end()) {
                Err(json) => Err(JsonToPyError::Json(json)),
                Ok(()) => Err(JsonToPyError::Py(python_failure(py, e))),
            }
        }
    }
}

/// A Python exception from building objects; a message `pythonize` raised as a bare
/// `Exception` becomes a `DecodeError` (every error of the package is a `WechatPayError`).
fn python_failure(py: Python<'_>, e: pythonize::PythonizeError) -> PyErr {
    let err = PyErr::from(e);
    if err.get_type(py).is(py.get_type::<pyo3::exceptions::PyException>()) {
        let wrapped = crate::errors::DecodeError::new_err(format!("could not convert the JSON body: {err}"));
        wrapped.set_cause(py, Some(err));
        return wrapped;
    }
    err
}

/// Any JSON value, read with every check `serde_json` makes when it builds values (strings are
/// UTF-8, nesting within its recursion limit, numbers in range), then discarded.
struct Checked;

impl<'de> serde::de::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> serde::de::Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
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
