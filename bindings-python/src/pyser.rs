//! A `serde::Serializer` that builds plain Python objects straight from a core model, with the
//! result `serde_json` would give (`serde_json::to_vec` then `json.loads`) but no JSON text in
//! between: structs and maps become dicts (field order kept), sequences and tuples lists, unit
//! variants their name, `None`/unit `None`, non-finite floats `None`, map keys strings.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use serde::ser::{self, Serialize};

/// Why a value could not be converted.
#[derive(Debug)]
pub enum PySerError {
    /// Python raised (e.g. `MemoryError`).
    Py(PyErr),
    /// The value has no JSON form (e.g. a map key that is not a string or number).
    Custom(String),
}

impl fmt::Display for PySerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PySerError::Py(e) => write!(f, "{e}"),
            PySerError::Custom(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for PySerError {}

impl ser::Error for PySerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        PySerError::Custom(msg.to_string())
    }
}

impl From<PyErr> for PySerError {
    fn from(e: PyErr) -> Self {
        PySerError::Py(e)
    }
}

type Result<T> = std::result::Result<T, PySerError>;

/// Converts `value` to Python objects.
pub fn to_py<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> Result<Bound<'py, PyAny>> {
    value.serialize(PySer { py })
}

/// The serializer (one per value).
#[derive(Clone, Copy)]
pub struct PySer<'py> {
    py: Python<'py>,
}

impl<'py> PySer<'py> {
    fn int<T: IntoPyObject<'py>>(self, v: T) -> Result<Bound<'py, PyAny>> {
        v.into_bound_py_any(self.py).map_err(Into::into)
    }

    fn float(self, v: f64) -> Bound<'py, PyAny> {
        if v.is_finite() {
            let Ok(f) = v.into_pyobject(self.py);
            f.into_any()
        } else {
            self.py.None().into_bound(self.py)
        }
    }

    fn str(self, v: &str) -> Bound<'py, PyAny> {
        PyString::new(self.py, v).into_any()
    }

    /// `{variant: value}` (serde_json's externally tagged enums).
    fn tagged(self, variant: &str, value: Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
        let d = PyDict::new(self.py);
        d.set_item(variant, value)?;
        Ok(d.into_any())
    }
}

/// A list being built (sequences, tuples; `variant` set for tuple variants).
pub struct ListBuilder<'py> {
    py: Python<'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> ListBuilder<'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(PySer { py: self.py })?);
        Ok(())
    }

    fn finish(self) -> Result<Bound<'py, PyAny>> {
        let list = PyList::new(self.py, self.items)?.into_any();
        match self.variant {
            Some(v) => PySer { py: self.py }.tagged(v, list),
            None => Ok(list),
        }
    }
}

impl<'py> ser::SerializeSeq for ListBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

impl<'py> ser::SerializeTuple for ListBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for ListBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for ListBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

/// Interned Python strings of struct field names, by the address of their `&'static str` (a
/// bounded set: the field names compiled into the models). Reusing them saves creating and
/// hashing a new key string per field per call.
static FIELD_NAMES: Mutex<BTreeMap<(usize, usize), Py<PyString>>> = Mutex::new(BTreeMap::new());

fn field_name<'py>(py: Python<'py>, key: &'static str) -> Bound<'py, PyString> {
    let id = (key.as_ptr() as usize, key.len());
    let mut names = FIELD_NAMES.lock().unwrap_or_else(|p| p.into_inner());
    names
        .entry(id)
        .or_insert_with(|| PyString::intern(py, key).unbind())
        .bind(py)
        .clone()
}

/// A dict being built (maps, structs; `variant` set for struct variants).
pub struct DictBuilder<'py> {
    py: Python<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> DictBuilder<'py> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let v = value.serialize(PySer { py: self.py })?;
        self.dict.set_item(field_name(self.py, key), v)?;
        Ok(())
    }

    fn finish(self) -> Result<Bound<'py, PyAny>> {
        let dict = self.dict.into_any();
        match self.variant {
            Some(v) => PySer { py: self.py }.tagged(v, dict),
            None => Ok(dict),
        }
    }
}

impl<'py> ser::SerializeMap for DictBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySer { py: self.py })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| PySerError::Custom("serialize_value called before serialize_key".into()))?;
        let v = value.serialize(PySer { py: self.py })?;
        self.dict.set_item(key, v)?;
        Ok(())
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

impl<'py> ser::SerializeStruct for DictBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

impl<'py> ser::SerializeStructVariant for DictBuilder<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.finish()
    }
}

impl<'py> ser::Serializer for PySer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    type SerializeSeq = ListBuilder<'py>;
    type SerializeTuple = ListBuilder<'py>;
    type SerializeTupleStruct = ListBuilder<'py>;
    type SerializeTupleVariant = ListBuilder<'py>;
    type SerializeMap = DictBuilder<'py>;
    type SerializeStruct = DictBuilder<'py>;
    type SerializeStructVariant = DictBuilder<'py>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Self::Ok> {
        // serde_json writes the digits; reading them back gives an int in the 64-bit range.
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => self.int(i),
            (_, Ok(u)) => self.int(u),
            _ => Ok(self.float(v as f64)),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok> {
        self.int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Self::Ok> {
        match u64::try_from(v) {
            Ok(u) => self.int(u),
            Err(_) => Ok(self.float(v as f64)),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok> {
        // serde_json prints the shortest f32 text; reading it back as f64 keeps e.g. 0.1 as 0.1.
        if !v.is_finite() {
            return Ok(self.float(f64::NAN));
        }
        Ok(self.float(v.to_string().parse::<f64>().unwrap_or(f64::from(v))))
    }
    fn serialize_f64(self, v: f64) -> Result<Self::Ok> {
        Ok(self.float(v))
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok> {
        Ok(self.str(v.encode_utf8(&mut [0u8; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Self::Ok> {
        Ok(self.str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok> {
        Ok(PyList::new(self.py, v)?.into_any())
    }
    fn serialize_none(self) -> Result<Self::Ok> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<Self::Ok> {
        Ok(self.str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        let v = value.serialize(self)?;
        self.tagged(variant, v)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        Ok(ListBuilder {
            py: self.py,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Ok(ListBuilder {
            py: self.py,
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Ok(DictBuilder {
            py: self.py,
            dict: PyDict::new(self.py),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Ok(DictBuilder {
            py: self.py,
            dict: PyDict::new(self.py),
            key: None,
            variant: Some(variant),
        })
    }
}

/// Map keys: strings as they are, numbers and booleans as their text (like serde_json).
#[derive(Clone, Copy)]
struct KeySer<'py> {
    py: Python<'py>,
}

impl<'py> KeySer<'py> {
    fn text(self, v: impl fmt::Display) -> Result<Bound<'py, PyAny>> {
        Ok(PyString::new(self.py, &v.to_string()).into_any())
    }

    fn invalid() -> PySerError {
        PySerError::Custom("key must be a string".into())
    }
}

impl<'py> ser::Serializer for KeySer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = PySerError;
    type SerializeSeq = ser::Impossible<Self::Ok, PySerError>;
    type SerializeTuple = ser::Impossible<Self::Ok, PySerError>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, PySerError>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, PySerError>;
    type SerializeMap = ser::Impossible<Self::Ok, PySerError>;
    type SerializeStruct = ser::Impossible<Self::Ok, PySerError>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, PySerError>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_f32(self, _v: f32) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_f64(self, _v: f64) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_str(self, v: &str) -> Result<Self::Ok> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_none(self) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_unit(self) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<Self::Ok> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Self::Ok> {
        Err(Self::invalid())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Self::invalid())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(Self::invalid())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct> {
        Err(Self::invalid())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Self::invalid())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Self::invalid())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(Self::invalid())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Self::invalid())
    }
}
