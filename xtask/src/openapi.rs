//! The OpenAPI 3.1 document of the coupon API (`openapi/wechatpay-coupons.openapi.json`), served
//! by the sandbox at `GET /openapi.json`.
//!
//! Built from the same sources as the binding types: the operation table
//! (`favor::ops::OPERATIONS`: method, path, path and query parameters, body kind) and the models'
//! JSON Schemas (schemars, 2020-12, which OpenAPI 3.1 takes as is). Request models are read under
//! serde's deserialize contract and responses, events and the notification envelope under the
//! serialize contract; a model whose two readings differ gets a second component named
//! `{Name}-Output` for the response side. Only the protocol framing is written here: the
//! `Authorization` scheme, the response signature headers, the error body and the multipart
//! parts of the image upload.

use serde_json::{Map, Value, json};
use wechatpay_coupons::favor::ops::{BodyKind, OPERATIONS, OperationSpec};

use crate::model::{Catalogue, Root, definitions, request_roots, response_roots};

/// Path of the document from the workspace root.
pub const PATH: &str = "openapi/wechatpay-coupons.openapi.json";

/// Suffix of a response-side component whose schema differs from the request-side one.
const OUTPUT: &str = "-Output";

/// Response-side roots beyond the operation table: what a notification carries.
fn notification_roots() -> Vec<Root> {
    use wechatpay_coupons::NotificationEnvelope;
    vec![(
        "NotificationEnvelope",
        (|g: &mut schemars::generate::SchemaGenerator| {
            g.subschema_for::<NotificationEnvelope>();
        }) as fn(&mut schemars::generate::SchemaGenerator),
    )]
}

/// Replaces every `#/$defs/{name}` reference with `#/components/schemas/{rename(name)}`.
fn rewrite_refs(v: &mut Value, rename: &dyn Fn(&str) -> String) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/$defs/")
            {
                *r = format!("#/components/schemas/{}", rename(name));
            }
            for child in m.values_mut() {
                rewrite_refs(child, rename);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rewrite_refs(c, rename)),
        _ => {}
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schemas of both contracts merged into `components/schemas`; returns them and the
/// component name of each response-side model.
struct Schemas {
    components: Map<String, Value>,
    requests: Map<String, Value>,
    response_name: Box<dyn Fn(&str) -> String>,
}

fn schemas() -> Schemas {
    let requests = definitions(schemars::generate::Contract::Deserialize, &request_roots());
    let mut roots = response_roots();
    roots.extend(notification_roots());
    let responses = definitions(schemars::generate::Contract::Serialize, &roots);
    let differs: Vec<String> = responses
        .iter()
        .filter(|(n, s)| requests.get(*n).is_some_and(|r| r != *s))
        .map(|(n, _)| n.clone())
        .collect();
    let response_name = move |n: &str| {
        if differs.iter().any(|d| d == n) {
            format!("{n}{OUTPUT}")
        } else {
            n.to_owned()
        }
    };
    let mut components = Map::new();
    for (name, schema) in &requests {
        let mut s = schema.clone();
        rewrite_refs(&mut s, &|n| n.to_owned());
        components.insert(name.clone(), s);
    }
    for (name, schema) in &responses {
        let mut s = schema.clone();
        rewrite_refs(&mut s, &response_name);
        components.insert(response_name(name), s);
    }
    Schemas {
        components,
        requests,
        response_name: Box::new(response_name),
    }
}

/// A parameter schema without `null` (an absent query parameter is how "none" is sent).
fn without_null(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(Value::Array(types)) = s.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        if let (Some(obj), [one]) = (s.as_object_mut(), kept.as_slice()) {
            obj.insert("type".into(), one.clone());
        }
    }
    if let Some(Value::Array(any)) = s.get("anyOf") {
        let kept: Vec<&Value> = any.iter().filter(|t| **t != json!({ "type": "null" })).collect();
        if let [one] = kept.as_slice() {
            let mut one = (*one).clone();
            if let (Some(o), Some(d)) = (one.as_object_mut(), s.get("description")) {
                o.insert("description".into(), d.clone());
            }
            return one;
        }
    }
    s
}

fn description_of(schema: &Value) -> Option<Value> {
    schema.get("description").cloned()
}

/// The path and query parameters of `spec`, read from its request model.
fn parameters(spec: &OperationSpec, request: &Value) -> Result<Vec<Value>, String> {
    let props = request.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = request
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    let places = spec
        .path_params
        .iter()
        .map(|p| (*p, "path"))
        .chain(spec.query_params.iter().map(|q| (*q, "query")));
    for (name, place) in places {
        let field = props.and_then(|p| p.get(name)).ok_or_else(|| {
            format!(
                "operation {}: parameter {name} is not a field of {}",
                spec.name, spec.request_type
            )
        })?;
        let mut schema = without_null(field);
        rewrite_refs(&mut schema, &|n| n.to_owned());
        if let Some(o) = schema.as_object_mut() {
            o.remove("description");
            // serde's default is what the core reads for an absent field, not what the server
            // assumes (an absent `limit` is not 0).
            o.remove("default");
        }
        let mut p = json!({
            "name": name,
            "in": place,
            "required": place == "path" || required.contains(&name),
            "schema": schema,
        });
        if let (Some(d), Some(o)) = (description_of(field), p.as_object_mut()) {
            o.insert("description".into(), d);
        }
        out.push(p);
    }
    Ok(out)
}

/// The JSON body of `spec`: its request model without the path parameters.
fn json_body(spec: &OperationSpec, request: &Value) -> Value {
    if spec.path_params.is_empty() {
        return schema_ref(spec.request_type);
    }
    let mut body = request.clone();
    if let Some(o) = body.as_object_mut() {
        if let Some(Value::Object(props)) = o.get_mut("properties") {
            for p in spec.path_params {
                props.remove(*p);
            }
        }
        if let Some(Value::Array(req)) = o.get_mut("required") {
            req.retain(|r| !spec.path_params.iter().any(|p| r.as_str() == Some(p)));
        }
    }
    rewrite_refs(&mut body, &|n| n.to_owned());
    body
}

fn request_body(spec: &OperationSpec, request: Option<&Value>) -> Result<Option<Value>, String> {
    Ok(match spec.body {
        BodyKind::None => None,
        BodyKind::Json => {
            let request = request.ok_or_else(|| format!("operation {}: no request schema", spec.name))?;
            Some(json!({
                "required": true,
                "content": { "application/json": { "schema": json_body(spec, request) } },
            }))
        }
        BodyKind::Multipart => Some(json!({
            "required": true,
            "description": "Two parts: `meta` (JSON, the part the signature covers) then `file`.",
            "content": { "multipart/form-data": {
                "schema": { "$ref": "#/components/schemas/ImageUploadForm" },
                "encoding": {
                    "meta": { "contentType": "application/json" },
                    "file": { "contentType": "image/jpeg, image/png, image/bmp" },
                },
            }},
        })),
    })
}

fn operation(spec: &OperationSpec, s: &Schemas) -> Result<Value, String> {
    let request = s.requests.get(spec.request_type);
    let params = match request {
        Some(r) => parameters(spec, r)?,
        None if spec.path_params.is_empty() && spec.query_params.is_empty() => Vec::new(),
        None => return Err(format!("operation {}: no request schema", spec.name)),
    };
    let mut op = json!({
        "operationId": spec.name,
        "summary": spec.title,
        "parameters": params,
        "responses": {
            "200": {
                "description": "Success; the body is signed (see the response headers).",
                "headers": {
                    "Request-ID": { "$ref": "#/components/headers/Request-ID" },
                    "Wechatpay-Serial": { "$ref": "#/components/headers/Wechatpay-Serial" },
                    "Wechatpay-Signature": { "$ref": "#/components/headers/Wechatpay-Signature" },
                    "Wechatpay-Timestamp": { "$ref": "#/components/headers/Wechatpay-Timestamp" },
                    "Wechatpay-Nonce": { "$ref": "#/components/headers/Wechatpay-Nonce" },
                },
                "content": { "application/json": {
                    "schema": schema_ref(&(s.response_name)(spec.response_type)),
                }},
            },
            "default": { "$ref": "#/components/responses/Error" },
        },
    });
    if let (Some(body), Some(o)) = (request_body(spec, request)?, op.as_object_mut()) {
        o.insert("requestBody".into(), body);
    }
    Ok(op)
}

fn header(description: &str) -> Value {
    json!({ "description": description, "required": true, "schema": { "type": "string" } })
}

fn protocol_components(components: &mut Map<String, Value>) {
    components.insert(
        "ErrorBody".into(),
        json!({
            "description": "The body of every non-2xx answer.",
            "type": "object",
            "properties": {
                "code": { "type": "string", "description": "Error code, e.g. `PARAM_ERROR`, `SIGN_ERROR`." },
                "message": { "type": "string", "description": "Human-readable reason." },
                "detail": { "description": "Optional details, e.g. the offending field." },
            },
            "required": ["code", "message"],
        }),
    );
    components.insert(
        "ImageUploadForm".into(),
        json!({
            "description": "The image upload form (营销专用).",
            "type": "object",
            "properties": {
                "meta": {
                    "type": "object",
                    "properties": {
                        "filename": { "type": "string", "description": "File name with a .jpg, .jpeg, .png or .bmp extension." },
                        "sha256": { "type": "string", "description": "Lowercase hex SHA-256 of the file bytes." },
                    },
                    "required": ["filename", "sha256"],
                },
                "file": { "type": "string", "contentMediaType": "application/octet-stream", "description": "The image bytes (at most 2 MB)." },
            },
            "required": ["meta", "file"],
        }),
    );
}

fn operations_by_path(s: &Schemas) -> Result<Map<String, Value>, String> {
    let mut paths = Map::new();
    for spec in OPERATIONS {
        let method = spec.method.as_str().to_ascii_lowercase();
        let entry = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(o) = entry.as_object_mut() {
            o.insert(method, operation(spec, s)?);
        }
    }
    Ok(paths)
}

/// The whole document as a value.
pub fn document() -> Result<Value, String> {
    let s = schemas();
    let paths = operations_by_path(&s)?;
    let mut components = s.components.clone();
    protocol_components(&mut components);
    let signature_headers = json!({
        "Wechatpay-Serial": { "$ref": "#/components/headers/Wechatpay-Serial" },
        "Wechatpay-Signature": { "$ref": "#/components/headers/Wechatpay-Signature" },
        "Wechatpay-Timestamp": { "$ref": "#/components/headers/Wechatpay-Timestamp" },
        "Wechatpay-Nonce": { "$ref": "#/components/headers/Wechatpay-Nonce" },
    });
    let mut webhook_params = Vec::new();
    if let Some(h) = signature_headers.as_object() {
        for name in h.keys() {
            webhook_params.push(json!({
                "name": name, "in": "header", "required": true, "schema": { "type": "string" },
            }));
        }
    }
    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "WeChat Pay APIv3 cash coupons (代金券)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The `/v3/marketing/favor/…` endpoints as wechatpay-coupons models them. Generated by `cargo xtask gen` from the core's operation table and model schemas; do not edit.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{ "url": "https://api.mch.weixin.qq.com" }],
        "security": [{ "WechatPayAPIv3": [] }],
        "paths": paths,
        "webhooks": {
            "COUPON.USE": { "post": {
                "summary": "核销事件回调通知 (COUPON.USE)",
                "description": "Sent to the URL set with `set_callback` when a coupon is used. `resource.ciphertext` is AEAD_AES_256_GCM under the APIv3 key and decrypts to `CouponUseEvent`.",
                "security": [],
                "parameters": webhook_params,
                "requestBody": {
                    "required": true,
                    "content": { "application/json": {
                        "schema": schema_ref(&(s.response_name)("NotificationEnvelope")),
                    }},
                },
                "responses": {
                    "200": { "description": "Received; no further delivery." },
                    "204": { "description": "Received; no further delivery." },
                    "default": {
                        "description": "Not processed; WeChat Pay delivers again later.",
                        "content": { "application/json": { "schema": schema_ref("ErrorBody") } },
                    },
                },
            }},
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "WechatPayAPIv3": {
                    "type": "http",
                    "scheme": "WECHATPAY2-SHA256-RSA2048",
                    "description": "`Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"…\",nonce_str=\"…\",signature=\"…\",timestamp=\"…\",serial_no=\"…\"`: RSA-SHA256 over `METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n` (for the image upload, the `meta` JSON in place of the body).",
                },
            },
            "headers": {
                "Request-ID": header("Id of the request, for support."),
                "Wechatpay-Serial": header("Id of the platform key or certificate that signed the response (`PUB_KEY_ID_…` or a certificate serial)."),
                "Wechatpay-Signature": header("base64 RSA-SHA256 signature over `TIMESTAMP\\nNONCE\\nBODY\\n`."),
                "Wechatpay-Timestamp": header("Unix seconds of the signature."),
                "Wechatpay-Nonce": header("Random string of the signature."),
            },
            "responses": {
                "Error": {
                    "description": "Refused: the WeChat-style error body. Not signed when the request could not be authenticated.",
                    "headers": { "Request-ID": { "$ref": "#/components/headers/Request-ID" } },
                    "content": { "application/json": { "schema": schema_ref("ErrorBody") } },
                },
            },
        },
    }))
}

/// The committed text: the document pretty-printed, with a final newline. (`Catalogue` is
/// unused: the document reads the raw schemas, not the generator's simplified models.)
pub fn render(_: &Catalogue) -> Result<String, String> {
    let d = document()?;
    serde_json::to_string_pretty(&d)
        .map(|text| text + "\n")
        .map_err(|e| format!("{PATH}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_in_the_document_with_its_parameters() -> Result<(), String> {
        let d = document()?;
        let mut count = 0;
        for spec in OPERATIONS {
            let method = spec.method.as_str().to_ascii_lowercase();
            let op = &d["paths"][spec.path][method.as_str()];
            assert_eq!(op["operationId"], spec.name);
            let names: Vec<&str> = op["parameters"]
                .as_array()
                .ok_or("parameters")?
                .iter()
                .filter_map(|p| p["name"].as_str())
                .collect();
            let want: Vec<&str> = spec.path_params.iter().chain(spec.query_params).copied().collect();
            assert_eq!(names, want, "{}", spec.name);
            assert_eq!(
                op.get("requestBody").is_some(),
                spec.body != BodyKind::None,
                "{}",
                spec.name
            );
            count += 1;
        }
        assert_eq!(count, 18);
        Ok(())
    }

    #[test]
    fn refs_all_resolve_and_path_parameters_are_not_in_bodies() -> Result<(), String> {
        let d = document()?;
        let text = d.to_string();
        assert!(!text.contains("#/$defs/"));
        let schemas = d["components"]["schemas"].as_object().ok_or("schemas")?;
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap_or_default();
            assert!(schemas.contains_key(name), "unresolved {name}");
        }
        let body = &d["paths"]["/v3/marketing/favor/users/{openid}/coupons"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert!(body["properties"].get("stock_id").is_some());
        assert!(body["properties"].get("openid").is_none());
        Ok(())
    }

    #[test]
    fn parameters_carry_no_serde_default() -> Result<(), String> {
        let d = document()?;
        let params = d["paths"]["/v3/marketing/favor/stocks"]["get"]["parameters"]
            .as_array()
            .ok_or("parameters")?;
        let limit = params.iter().find(|p| p["name"] == "limit").ok_or("limit")?;
        assert_eq!(limit["schema"]["type"], "integer");
        assert!(limit["schema"].get("default").is_none(), "{limit}");
        Ok(())
    }

    #[test]
    fn query_parameters_never_admit_null() {
        assert_eq!(
            without_null(&json!({ "type": ["integer", "null"], "format": "int64" })),
            json!({ "type": "integer", "format": "int64" })
        );
        assert_eq!(
            without_null(&json!({ "anyOf": [{ "$ref": "#/$defs/X" }, { "type": "null" }], "description": "d" })),
            json!({ "$ref": "#/$defs/X", "description": "d" })
        );
    }
}
