//! The generator's view of the core: every model read from its JSON Schema (schemars, cargo
//! feature `schema` of the core) and every operation read from `favor::ops::OPERATIONS`.
//!
//! Requests are read under serde's *deserialize* contract (what the core accepts from a
//! caller: path parameters included, every defaulted field optional) and responses and events
//! under the *serialize* contract (what the core hands back). A model reached from both sides
//! (for example `FixedNormalCoupon`) gets the union of the two field sets: a field is required
//! only when both contracts require it, and nullable when either allows `null`.

use std::collections::BTreeMap;

use schemars::generate::{Contract, SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value};
use wechatpay_coupons::favor::events::CouponUseEvent;
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::{BodyKind, OPERATIONS};

/// A field's value type, as the schema names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A JSON string.
    Str,
    /// A JSON integer.
    Int,
    /// A JSON number that may be fractional.
    Float,
    /// `true` / `false`.
    Bool,
    /// Any JSON value (a schema this generator does not map).
    Any,
    /// Another model, by name.
    Ref(String),
    /// A JSON array.
    List(Box<Ty>),
    /// A JSON object with string keys.
    Map(Box<Ty>),
}

/// One field of a struct model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Wire name (serde renames applied).
    pub name: String,
    /// Value type.
    pub ty: Ty,
    /// Whether `null` is an allowed value.
    pub nullable: bool,
    /// Whether the key is always present.
    pub required: bool,
    /// The Rust doc comment.
    pub doc: Option<String>,
}

/// A named model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Model {
    /// A JSON object.
    Struct {
        /// The Rust doc comment.
        doc: Option<String>,
        /// Fields, sorted by wire name.
        fields: Vec<Field>,
    },
    /// An open string enum: the known values, any other string allowed.
    Enum {
        /// The Rust doc comment.
        doc: Option<String>,
        /// Known wire values, in documentation order.
        known: Vec<String>,
    },
}

/// One endpoint of the operation table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// Stable name (`create_stock`).
    pub name: String,
    /// Chinese title.
    pub title: String,
    /// `GET` / `POST`.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Whether the body is multipart (image upload), which has no JSON request model.
    pub multipart: bool,
    /// Request model name.
    pub request_type: String,
    /// Response model name.
    pub response_type: String,
    /// Whether the operation is paged (the core's `dynamic::Pager` walks it).
    pub paged: bool,
}

/// Everything the renderers need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// Every model by name (sorted).
    pub models: BTreeMap<String, Model>,
    /// Operations in table order.
    pub operations: Vec<Op>,
}

/// A model name and how to add its schema to a generator.
pub type Root = (&'static str, fn(&mut SchemaGenerator));

macro_rules! roots {
    ($($t:ident),* $(,)?) => {
        vec![$((stringify!($t), (|g: &mut SchemaGenerator| { g.subschema_for::<$t>(); }) as fn(&mut SchemaGenerator))),*]
    };
}

/// Models read under the deserialize contract: every JSON request of the table.
pub fn request_roots() -> Vec<Root> {
    roots![
        CreateStockRequest,
        StartStockRequest,
        SendCouponRequest,
        PauseStockRequest,
        RestartStockRequest,
        StopStockRequest,
        ListStocksRequest,
        GetStockRequest,
        GetCouponRequest,
        ListStockMerchantsRequest,
        ListStockItemsRequest,
        ListUserCouponsRequest,
        UseFlowRequest,
        RefundFlowRequest,
        SetCallbackRequest,
        GetCallbackRequest,
        ModifyItemCodesRequest,
    ]
}

/// Models read under the serialize contract: every response of the table and the events.
pub fn response_roots() -> Vec<Root> {
    roots![
        CreateStockResponse,
        StartStockResponse,
        SendCouponResponse,
        PauseStockResponse,
        RestartStockResponse,
        StopStockResponse,
        StockCollection,
        Stock,
        Coupon,
        StockStringCollection,
        CouponCollection,
        FlowFileResponse,
        SetCallbackResponse,
        GetCallbackResponse,
        ImageUploadResponse,
        ModifyItemCodesResponse,
        CouponUseEvent,
    ]
}

/// The JSON Schema definitions (`$defs`) of `roots` under `contract`, by model name.
pub fn definitions(contract: Contract, roots: &[Root]) -> Map<String, Value> {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.contract = contract)
        .into_generator();
    for (_, add) in roots {
        add(&mut g);
    }
    g.take_definitions(true)
}

/// Reads the core: schemas of every root model and the operation table. Fails when an
/// operation names a model that has no schema root here (add it to the lists above).
pub fn catalogue() -> Result<Catalogue, String> {
    let requests = request_roots();
    let responses = response_roots();
    let infos = wechatpay_coupons::dynamic::operations();
    let mut operations = Vec::new();
    for spec in OPERATIONS {
        let multipart = spec.body == BodyKind::Multipart;
        if !multipart && !requests.iter().any(|(n, _)| *n == spec.request_type) {
            return Err(format!(
                "operation {}: request type {} has no schema root in xtask/src/model.rs",
                spec.name, spec.request_type
            ));
        }
        if !responses.iter().any(|(n, _)| *n == spec.response_type) {
            return Err(format!(
                "operation {}: response type {} has no schema root in xtask/src/model.rs",
                spec.name, spec.response_type
            ));
        }
        operations.push(Op {
            name: spec.name.to_owned(),
            title: spec.title.to_owned(),
            method: spec.method.as_str().to_owned(),
            path: spec.path.to_owned(),
            multipart,
            request_type: spec.request_type.to_owned(),
            response_type: spec.response_type.to_owned(),
            paged: infos.iter().any(|i| i.name == spec.name && i.paged),
        });
    }
    let de = models_of(&definitions(Contract::Deserialize, &requests))?;
    let ser = models_of(&definitions(Contract::Serialize, &responses))?;
    Ok(Catalogue {
        models: merge(de, ser)?,
        operations,
    })
}

/// Reads every definition into a [`Model`].
pub fn models_of(defs: &Map<String, Value>) -> Result<BTreeMap<String, Model>, String> {
    defs.iter()
        .map(|(name, schema)| model_of(name, schema).map(|m| (name.clone(), m)))
        .collect()
}

fn doc_of(schema: &Value) -> Option<String> {
    schema.get("description").and_then(Value::as_str).map(str::to_owned)
}

/// Reads one definition: an object schema or an open enum (`anyOf` of a string `enum` and a
/// plain string).
pub fn model_of(name: &str, schema: &Value) -> Result<Model, String> {
    if let Some(known) = open_enum(schema) {
        return Ok(Model::Enum {
            doc: doc_of(schema),
            known,
        });
    }
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(format!("model {name}: expected an object schema or an open enum"));
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (fname, fschema) in props {
            let (ty, nullable) = ty_of(fschema).map_err(|e| format!("model {name}, field {fname}: {e}"))?;
            fields.push(Field {
                name: fname.clone(),
                ty,
                nullable,
                required: required.contains(&fname.as_str()),
                doc: doc_of(fschema),
            });
        }
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Model::Struct {
        doc: doc_of(schema),
        fields,
    })
}

fn open_enum(schema: &Value) -> Option<Vec<String>> {
    let any = schema.get("anyOf")?.as_array()?;
    let [known, other] = any.as_slice() else {
        return None;
    };
    let values = known.get("enum")?.as_array()?;
    if other != &serde_json::json!({ "type": "string" }) {
        return None;
    }
    values.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

fn ref_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .map(str::to_owned)
}

/// A property schema's type and whether it admits `null`.
pub fn ty_of(schema: &Value) -> Result<(Ty, bool), String> {
    if let Some(name) = ref_name(schema) {
        return Ok((Ty::Ref(name), false));
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let null = serde_json::json!({ "type": "null" });
        let rest: Vec<&Value> = any.iter().filter(|s| **s != null).collect();
        if let [one] = rest.as_slice() {
            let (ty, nullable) = ty_of(one)?;
            return Ok((ty, nullable || rest.len() < any.len()));
        }
        return Err("an anyOf this generator does not map".into());
    }
    let (kind, nullable) = match schema.get("type") {
        Some(Value::String(s)) => (s.as_str(), false),
        Some(Value::Array(a)) => {
            let kinds: Vec<&str> = a.iter().filter_map(Value::as_str).filter(|k| *k != "null").collect();
            match kinds.as_slice() {
                [k] => (*k, kinds.len() < a.len()),
                _ => return Err("a union of types this generator does not map".into()),
            }
        }
        None => return Ok((Ty::Any, false)),
        Some(_) => return Err("a `type` that is neither a string nor an array".into()),
    };
    let ty = match kind {
        "string" => Ty::Str,
        "integer" => Ty::Int,
        "number" => Ty::Float,
        "boolean" => Ty::Bool,
        "array" => {
            let items = schema.get("items").map(ty_of).transpose()?;
            Ty::List(Box::new(items.map(|(t, _)| t).unwrap_or(Ty::Any)))
        }
        "object" => {
            let values = schema
                .get("additionalProperties")
                .filter(|v| v.is_object())
                .map(ty_of)
                .transpose()?;
            Ty::Map(Box::new(values.map(|(t, _)| t).unwrap_or(Ty::Any)))
        }
        other => return Err(format!("the type {other:?} this generator does not map")),
    };
    Ok((ty, nullable))
}

/// Joins the request-side and response-side readings of the models (see the module doc).
pub fn merge(de: BTreeMap<String, Model>, ser: BTreeMap<String, Model>) -> Result<BTreeMap<String, Model>, String> {
    let mut out = de;
    for (name, model) in ser {
        let joined = match out.remove(&name) {
            None => model,
            Some(first) => merge_one(&name, first, model)?,
        };
        out.insert(name, joined);
    }
    Ok(out)
}

fn merge_one(name: &str, a: Model, b: Model) -> Result<Model, String> {
    match (a, b) {
        (Model::Enum { doc, known }, Model::Enum { known: other, .. }) => {
            if known == other {
                Ok(Model::Enum { doc, known })
            } else {
                Err(format!("model {name}: the two contracts list different enum values"))
            }
        }
        (Model::Struct { doc, fields: fa }, Model::Struct { fields: fb, .. }) => {
            let mut fields: Vec<Field> = Vec::new();
            for f in &fa {
                let joined = match fb.iter().find(|g| g.name == f.name) {
                    Some(g) if g.ty != f.ty => {
                        return Err(format!("model {name}, field {}: the two contracts disagree", f.name));
                    }
                    Some(g) => Field {
                        nullable: f.nullable || g.nullable,
                        required: f.required && g.required,
                        ..f.clone()
                    },
                    None => Field {
                        required: false,
                        ..f.clone()
                    },
                };
                fields.push(joined);
            }
            for g in fb.iter().filter(|g| !fa.iter().any(|f| f.name == g.name)) {
                fields.push(Field {
                    required: false,
                    ..g.clone()
                });
            }
            fields.sort_by(|x, y| x.name.cmp(&y.name));
            Ok(Model::Struct { doc, fields })
        }
        _ => Err(format!(
            "model {name}: read as an enum in one contract and a struct in the other"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_model_is_read_and_requests_keep_path_parameters() -> Result<(), String> {
        let c = catalogue()?;
        assert_eq!(c.operations.len(), OPERATIONS.len());
        for op in c.operations.iter().filter(|o| !o.multipart) {
            assert!(c.models.contains_key(&op.request_type), "{}", op.request_type);
            assert!(c.models.contains_key(&op.response_type), "{}", op.response_type);
        }
        // `openid` is skipped when serialising (it goes to the path) but a caller sends it.
        let Some(Model::Struct { fields, .. }) = c.models.get("SendCouponRequest") else {
            return Err("SendCouponRequest missing".into());
        };
        assert!(fields.iter().any(|f| f.name == "openid" && !f.required));
        Ok(())
    }

    #[test]
    fn renames_and_open_enums_follow_serde() -> Result<(), String> {
        let c = catalogue()?;
        let Some(Model::Struct { fields, .. }) = c.models.get("AvailableRegion") else {
            return Err("AvailableRegion missing".into());
        };
        assert!(fields.iter().any(|f| f.name == "type"));
        assert!(!fields.iter().any(|f| f.name == "kind"));
        let Some(Model::Enum { known, .. }) = c.models.get("StockStatus") else {
            return Err("StockStatus missing".into());
        };
        assert_eq!(known.first().map(String::as_str), Some("unactivated"));
        Ok(())
    }

    #[test]
    fn schemas_the_generator_cannot_map_are_refused_not_guessed() {
        use serde_json::json;
        assert_eq!(ty_of(&json!({ "type": ["string", "null"] })), Ok((Ty::Str, true)));
        assert_eq!(
            ty_of(&json!({ "type": "array", "items": { "$ref": "#/$defs/X" } })),
            Ok((Ty::List(Box::new(Ty::Ref("X".into()))), false))
        );
        assert!(ty_of(&json!({ "type": ["string", "integer"] })).is_err());
        assert!(ty_of(&json!({ "anyOf": [{ "type": "string" }, { "type": "integer" }] })).is_err());
        assert!(model_of("X", &json!({ "type": "string" })).is_err());
    }

    #[test]
    fn a_model_on_both_sides_is_required_only_where_both_require() -> Result<(), String> {
        let field = |name: &str, required: bool, nullable: bool| Field {
            name: name.into(),
            ty: Ty::Int,
            nullable,
            required,
            doc: None,
        };
        let de = Model::Struct {
            doc: None,
            fields: vec![field("a", true, false), field("b", false, true)],
        };
        let ser = Model::Struct {
            doc: None,
            fields: vec![
                field("a", true, false),
                field("b", true, false),
                field("c", true, false),
            ],
        };
        let Model::Struct { fields, .. } = merge_one("X", de, ser)? else {
            return Err("not a struct".into());
        };
        assert_eq!(
            fields,
            vec![
                field("a", true, false),
                field("b", false, true),
                field("c", false, false)
            ]
        );
        Ok(())
    }
}
