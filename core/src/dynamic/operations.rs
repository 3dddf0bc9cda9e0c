//! Building and parsing an operation chosen by name, with JSON in and out.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::dispatch::{Visit, visit};
use super::params::decode_params;
use crate::client::Client;
use crate::error::{DecodeError, Error, InputError, Result, echo};
use crate::favor::models::ImageUploadRequest;
use crate::favor::ops::{BuiltRequest, Operation};
use crate::favor::validation::ValidationPolicy;
use crate::http::HttpResponse;

fn unknown_operation(name: &str) -> Error {
    InputError::Invalid {
        field: "operation".into(),
        expected: format!(
            "the name of a coupon operation (see dynamic::operations()), got {:?}",
            echo(name)
        ),
    }
    .into()
}

struct Build<'a> {
    client: &'a Client,
    params: Value,
    policy: &'a ValidationPolicy,
}

impl Visit for Build<'_> {
    type Out = Result<BuiltRequest>;
    fn visit<O>(self) -> Result<BuiltRequest>
    where
        O: Operation + DeserializeOwned,
        O::Response: Serialize,
    {
        let op: O = decode_params(self.params)?;
        self.client.favor().favor_request_with(&op, self.policy)
    }
}

/// Validates and signs operation `name` from its JSON params (an object; `null` counts as
/// `{}`), exactly as the typed path does. Unknown fields and wrong types are violations
/// (`unknown_field`, `type`) naming their JSON path; then the operation's own rules run under
/// `policy`. The image upload takes a file: use [`build_image`].
pub fn build(client: &Client, name: &str, params: Value, policy: &ValidationPolicy) -> Result<BuiltRequest> {
    let params = match params {
        Value::Null => Value::Object(serde_json::Map::new()),
        Value::Object(m) => Value::Object(m),
        other => {
            return Err(InputError::Invalid {
                field: "request".into(),
                expected: format!("the request fields as an object, got {}", json_type(&other)),
            }
            .into());
        }
    };
    if name == <ImageUploadRequest as Operation>::SPEC.name {
        return Err(InputError::Invalid {
            field: "operation".into(),
            expected: "upload_image takes a file: build it with dynamic::build_image".into(),
        }
        .into());
    }
    visit(name, Build { client, params, policy }).unwrap_or_else(|| Err(unknown_operation(name)))
}

/// The signed multipart image upload of `bytes` named `filename` (JPG, PNG or BMP, at most
/// 2 MiB), validated under `policy` by the V-IMG rules exactly as the typed
/// [`ImageUploadRequest`] is (warnings included).
pub fn build_image(client: &Client, filename: &str, bytes: &[u8], policy: &ValidationPolicy) -> Result<BuiltRequest> {
    let request = ImageUploadRequest {
        filename: filename.to_owned(),
        bytes: bytes.to_vec(),
    };
    client.favor().favor_request_with(&request, policy)
}

fn parse_typed<O>(client: &Client, response: &HttpResponse) -> Result<Value>
where
    O: Operation,
    O::Response: Serialize,
{
    let decoded = client.favor().favor_response::<O>(response)?;
    serde_json::to_value(&decoded).map_err(|e| {
        DecodeError {
            what: O::SPEC.response_type.to_owned(),
            reason: e.to_string(),
            body: Vec::new(),
        }
        .into()
    })
}

struct Parse<'a> {
    client: &'a Client,
    response: &'a HttpResponse,
}

impl Visit for Parse<'_> {
    type Out = Result<Value>;
    fn visit<O>(self) -> Result<Value>
    where
        O: Operation + DeserializeOwned,
        O::Response: Serialize,
    {
        parse_typed::<O>(self.client, self.response)
    }
}

/// Consumes the response to operation `name`: a non-2xx is [`Error::Api`]; a 2xx is verified
/// over the raw body and decoded into the operation's response model, returned as JSON (so the
/// models' normalisation, e.g. of enum values and times, applies).
pub fn parse(client: &Client, name: &str, response: &HttpResponse) -> Result<Value> {
    if name == <ImageUploadRequest as Operation>::SPEC.name {
        return parse_typed::<ImageUploadRequest>(client, response);
    }
    visit(name, Parse { client, response }).unwrap_or_else(|| Err(unknown_operation(name)))
}

/// The JSON type of a value, for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
