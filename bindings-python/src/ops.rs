//! The coupon endpoints, bound generically over the core's operation table.
//!
//! Each request type of the core is listed once in [`bound_operations!`]; everything else (the
//! name, method, path, query and body rules, the response type) comes from its
//! [`Operation::SPEC`]. Python generates one `Client` method per entry of `OPERATIONS` and calls
//! [`build`] / [`parse`] with the operation's name. A unit test checks that every row of the
//! core's [`OPERATIONS`] table is bound.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wechatpay_coupons::favor::models::{
    CreateStockRequest, GetCallbackRequest, GetCouponRequest, GetStockRequest, ImageUploadRequest,
    ListStockItemsRequest, ListStockMerchantsRequest, ListStocksRequest, ListUserCouponsRequest,
    ModifyItemCodesRequest, PauseStockRequest, RefundFlowRequest, RestartStockRequest, SendCouponRequest,
    SetCallbackRequest, StartStockRequest, StopStockRequest, UseFlowRequest,
};
use wechatpay_coupons::favor::ops::{BodyKind, OPERATIONS, Operation, OperationSpec, PageMode, Paginated};
use wechatpay_coupons::favor::validation::ValidationPolicy;
use wechatpay_coupons::{Client, HttpResponse};

use crate::convert::{json_to_py, to_py_via_json};
use crate::errors::{IntoPyResult, ValidationError, violation_dict};
use crate::request::Request;

/// Something done with one operation's request type.
pub trait OpVisitor {
    /// The result.
    type Out;
    /// Runs for request type `O`.
    fn visit<O>(self) -> Self::Out
    where
        O: Operation + DeserializeOwned + Send,
        O::Response: Serialize;
}

/// Something done with one paged operation's request type.
pub trait PageVisitor {
    /// The result.
    type Out;
    /// Runs for paged request type `O`.
    fn visit<O>(self) -> Self::Out
    where
        O: Paginated + DeserializeOwned + Serialize,
        O::Response: Serialize;
}

macro_rules! bound_operations {
    (json: [$($t:ty),* $(,)?], paged: [$($p:ty),* $(,)?]) => {
        /// Runs `v` for the operation called `name` (its `OperationSpec::name`).
        pub fn dispatch<V: OpVisitor>(name: &str, v: V) -> Option<V::Out> {
            $(
                if name == <$t as Operation>::SPEC.name {
                    return Some(v.visit::<$t>());
                }
            )*
            None
        }

        /// Runs `v` for the paged operation called `name`.
        pub fn dispatch_paged<V: PageVisitor>(name: &str, v: V) -> Option<V::Out> {
            $(
                if name == <$p as Operation>::SPEC.name {
                    return Some(v.visit::<$p>());
                }
            )*
            None
        }

        /// The specs of the operations built from dicts.
        pub const JSON_OPERATIONS: &[&OperationSpec] = &[$(<$t as Operation>::SPEC),*];
        /// The specs of the paged operations.
        pub const PAGED_OPERATIONS: &[&OperationSpec] = &[$(<$p as Operation>::SPEC),*];
    };
}

bound_operations!(
    json: [
        CreateStockRequest, StartStockRequest, SendCouponRequest, PauseStockRequest, RestartStockRequest,
        StopStockRequest, ListStocksRequest, GetStockRequest, GetCouponRequest, ListStockMerchantsRequest,
        ListStockItemsRequest, ListUserCouponsRequest, UseFlowRequest, RefundFlowRequest, SetCallbackRequest,
        GetCallbackRequest, ModifyItemCodesRequest,
    ],
    paged: [ListStocksRequest, ListStockMerchantsRequest, ListStockItemsRequest, ListUserCouponsRequest]
);

/// The operation table as Python dicts (`name`, `title`, `method`, `path`, `path_params`,
/// `query_params`, `body`, `signed_response`, `request_type`, `response_type`, `paged`).
pub fn operations_table(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for spec in OPERATIONS {
        let d = PyDict::new(py);
        d.set_item("name", spec.name)?;
        d.set_item("title", spec.title)?;
        d.set_item("method", spec.method.as_str())?;
        d.set_item("path", spec.path)?;
        d.set_item("path_params", spec.path_params.to_vec())?;
        d.set_item("query_params", spec.query_params.to_vec())?;
        d.set_item(
            "body",
            match spec.body {
                BodyKind::None => "none",
                BodyKind::Json => "json",
                BodyKind::Multipart => "multipart",
            },
        )?;
        d.set_item("signed_response", spec.signed_response)?;
        d.set_item("request_type", spec.request_type)?;
        d.set_item("response_type", spec.response_type)?;
        d.set_item("paged", PAGED_OPERATIONS.iter().any(|p| p.name == spec.name))?;
        list.append(d)?;
    }
    Ok(list)
}

/// Decodes a request dict into `O`, reporting every unknown field and the first type error
/// (with its path) as a `ValidationError`.
pub fn decode_request<O: DeserializeOwned>(py: Python<'_>, value: Value) -> PyResult<O> {
    let mut unknown: Vec<String> = Vec::new();
    let result: Result<O, serde_path_to_error::Error<serde_json::Error>> = {
        let mut on_ignored = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
        let ignored = serde_ignored::Deserializer::new(value, &mut on_ignored);
        serde_path_to_error::deserialize(ignored)
    };
    let mut violations: Vec<(String, &str, String)> = unknown
        .into_iter()
        .map(|p| {
            let msg = format!("unknown field {p:?} (check the spelling; WeChat Pay names are snake_case)");
            (p, "unknown_field", msg)
        })
        .collect();
    let decoded = match result {
        Ok(v) => Some(v),
        Err(e) => {
            let path = e.path().to_string();
            let reason = e.inner().to_string();
            let reason = reason.split(" at line ").next().unwrap_or("").to_owned();
            violations.push((path, "type", reason));
            None
        }
    };
    match decoded {
        Some(v) if violations.is_empty() => Ok(v),
        _ => {
            let list = PyList::empty(py);
            let mut text = Vec::new();
            for (field, rule, message) in &violations {
                let d = PyDict::new(py);
                d.set_item("field", field)?;
                d.set_item("rule", *rule)?;
                d.set_item("severity", "error")?;
                d.set_item("message", message)?;
                d.set_item("message_zh", "")?;
                list.append(d)?;
                text.push(format!("{field}: {message}"));
            }
            let err = ValidationError::new_err(format!(
                "request has {} violation(s): {}",
                violations.len(),
                text.join("; ")
            ));
            err.value(py).setattr("violations", list)?;
            err.value(py).setattr("kind", "validation")?;
            Err(err)
        }
    }
}

/// Builds the signed request of operation `name` from its JSON params (GIL released while signing).
pub struct Build<'a, 'py> {
    /// The Python token.
    pub py: Python<'py>,
    /// The client.
    pub client: &'a std::sync::Arc<Client>,
    /// The request fields.
    pub params: Value,
    /// The validation policy.
    pub policy: &'a ValidationPolicy,
}

impl OpVisitor for Build<'_, '_> {
    type Out = PyResult<Request>;
    fn visit<O>(self) -> PyResult<Request>
    where
        O: Operation + DeserializeOwned + Send,
        O::Response: Serialize,
    {
        let py = self.py;
        let op: O = decode_request(py, self.params)?;
        let client = self.client.clone();
        let policy = self.policy.clone();
        let built = py
            .detach(move || client.favor().favor_request_with(&op, &policy))
            .py_err(py)?;
        let warnings = PyList::empty(py);
        for w in &built.warnings {
            warnings.append(violation_dict(py, w)?)?;
        }
        Request::from_core(py, built.request, Some(O::SPEC.name), warnings.unbind())
    }
}

/// Verifies and decodes the response of operation `name` into a plain dict.
pub struct Parse<'a, 'py> {
    /// The Python token.
    pub py: Python<'py>,
    /// The client.
    pub client: &'a Client,
    /// The response.
    pub response: HttpResponse,
}

impl<'py> OpVisitor for Parse<'_, 'py> {
    type Out = PyResult<Bound<'py, PyAny>>;
    fn visit<O>(self) -> PyResult<Bound<'py, PyAny>>
    where
        O: Operation + DeserializeOwned + Send,
        O::Response: Serialize,
    {
        parse_op::<O>(self.py, self.client, &self.response)
    }
}

/// Verifies and decodes a response of `O` (shared by the table and the image upload).
pub fn parse_op<'py, O>(py: Python<'py>, client: &Client, response: &HttpResponse) -> PyResult<Bound<'py, PyAny>>
where
    O: Operation,
    O::Response: Serialize,
{
    let decoded = client.favor().favor_response::<O>(response).py_err(py)?;
    to_py_via_json(py, &decoded, O::SPEC.response_type)
}

/// Parses the response of the image upload (not built from a dict: it carries a file).
pub fn parse_image_upload<'py>(
    py: Python<'py>,
    client: &Client,
    response: &HttpResponse,
) -> PyResult<Bound<'py, PyAny>> {
    parse_op::<ImageUploadRequest>(py, client, response)
}

/// The next page's request params, or `None` after the last page.
pub struct NextPage<'py> {
    /// The Python token.
    pub py: Python<'py>,
    /// The current request's fields.
    pub params: Value,
    /// The decoded previous page.
    pub previous: Value,
    /// Override of the endpoint's `offset` reading.
    pub mode: Option<PageMode>,
}

impl<'py> PageVisitor for NextPage<'py> {
    type Out = PyResult<Option<Bound<'py, PyAny>>>;
    fn visit<O>(self) -> Self::Out
    where
        O: Paginated + DeserializeOwned + Serialize,
        O::Response: Serialize,
    {
        let py = self.py;
        let current: O = decode_request(py, self.params)?;
        let previous: O::Response = serde_json::from_value(self.previous).map_err(|e| {
            crate::errors::DecodeError::new_err(format!("previous page is not a {}: {e}", O::SPEC.response_type))
        })?;
        let next = match self.mode {
            Some(m) => current.next_page_with(&previous, m),
            None => current.next_page(&previous),
        };
        match next {
            None => Ok(None),
            Some(n) => {
                // Path parameters are not serialised by the models: keep them from the request.
                let mut v = serde_json::to_value(&n)
                    .map_err(|e| crate::errors::DecodeError::new_err(format!("next page: {e}")))?;
                for (name, value) in n.path_params() {
                    if let Value::Object(map) = &mut v {
                        map.insert(name.to_owned(), Value::String(value));
                    }
                }
                Ok(Some(json_to_py(py, &v)?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_core_table_is_bound() {
        for spec in OPERATIONS {
            let bound = JSON_OPERATIONS.iter().any(|s| s.name == spec.name)
                || spec.name == <ImageUploadRequest as Operation>::SPEC.name;
            assert!(bound, "operation {} of the core's table has no binding", spec.name);
        }
        assert_eq!(JSON_OPERATIONS.len() + 1, OPERATIONS.len());
    }
}
