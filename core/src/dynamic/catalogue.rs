//! The operation catalogue as data, derived from the core's operation table.

use serde::Serialize;

use super::dispatch::is_paged;
use crate::favor::ops::{BodyKind, OPERATIONS, OperationSpec};

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ParamLocation {
    /// A placeholder of the path template (`{stock_id}`), percent-encoded.
    Path,
    /// A query parameter.
    Query,
    /// The JSON body (every field of the request model that is not a path parameter).
    Body,
    /// A part of a `multipart/form-data` body.
    Multipart,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ParamInfo {
    /// Field name in the JSON params (`*` for "the body's fields").
    pub name: &'static str,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its kind: `string` (path values), `scalar` (query values: strings or integers, sent as
    /// text), `object` (the JSON body) or `bytes`/`string` for the multipart file and its name.
    pub kind: &'static str,
}

/// One operation as bindings and generators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OperationInfo {
    /// Stable name (`create_stock`, …), used by [`build`](super::build) and [`parse`](super::parse).
    pub name: &'static str,
    /// The official Chinese title.
    pub title: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template with `{placeholders}`.
    pub path: &'static str,
    /// Names of the path placeholders, in order.
    pub path_params: &'static [&'static str],
    /// Names of the query parameters, in order.
    pub query_params: &'static [&'static str],
    /// Body kind: `none`, `json` or `multipart`.
    pub body: &'static str,
    /// Every parameter with its location and kind.
    pub parameters: Vec<ParamInfo>,
    /// Whether the 2xx response is signed (and verified).
    pub signed_response: bool,
    /// Whether the operation is paged ([`next_page`](super::next_page) applies).
    pub paged: bool,
    /// Name of the core's request type.
    pub request_type: &'static str,
    /// Name of the core's response type.
    pub response_type: &'static str,
}

impl OperationInfo {
    fn of(spec: &OperationSpec) -> Self {
        let mut parameters: Vec<ParamInfo> = spec
            .path_params
            .iter()
            .map(|name| ParamInfo {
                name,
                location: ParamLocation::Path,
                kind: "string",
            })
            .chain(spec.query_params.iter().map(|name| ParamInfo {
                name,
                location: ParamLocation::Query,
                kind: "scalar",
            }))
            .collect();
        let body = match spec.body {
            BodyKind::None => "none",
            BodyKind::Json => {
                parameters.push(ParamInfo {
                    name: "*",
                    location: ParamLocation::Body,
                    kind: "object",
                });
                "json"
            }
            BodyKind::Multipart => {
                parameters.push(ParamInfo {
                    name: "filename",
                    location: ParamLocation::Multipart,
                    kind: "string",
                });
                parameters.push(ParamInfo {
                    name: "file",
                    location: ParamLocation::Multipart,
                    kind: "bytes",
                });
                "multipart"
            }
        };
        Self {
            name: spec.name,
            title: spec.title,
            method: spec.method.as_str(),
            path: spec.path,
            path_params: spec.path_params,
            query_params: spec.query_params,
            body,
            parameters,
            signed_response: spec.signed_response,
            paged: is_paged(spec.name),
            request_type: spec.request_type,
            response_type: spec.response_type,
        }
    }
}

/// Every operation, in the order of the core's table.
pub fn operations() -> Vec<OperationInfo> {
    OPERATIONS.iter().map(|s| OperationInfo::of(s)).collect()
}

/// The operation called `name`, if any.
pub fn operation(name: &str) -> Option<OperationInfo> {
    OPERATIONS.iter().find(|s| s.name == name).map(|s| OperationInfo::of(s))
}
