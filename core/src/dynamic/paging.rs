//! Pagination by name: the next page's params from the current params and the previous page.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::dispatch::{VisitPaged, visit_paged};
use super::params::decode_params;
use crate::error::{DecodeError, Error, InputError, Result, echo};
use crate::favor::ops::{PageMode, Paginated};

struct NextPage {
    params: Value,
    previous: Value,
    mode: Option<PageMode>,
}

impl VisitPaged for NextPage {
    type Out = Result<Option<Value>>;
    fn visit<O>(self) -> Self::Out
    where
        O: Paginated + DeserializeOwned + Serialize,
        O::Response: DeserializeOwned,
    {
        let current: O = decode_params(self.params)?;
        let previous: O::Response = serde_json::from_value(self.previous).map_err(|e| DecodeError {
            what: format!("previous page (a {})", O::SPEC.response_type),
            reason: e.to_string(),
            body: Vec::new(),
        })?;
        let next = match self.mode {
            Some(m) => current.next_page_with(&previous, m),
            None => current.next_page(&previous),
        };
        let Some(next) = next else { return Ok(None) };
        let mut v = serde_json::to_value(&next).map_err(|e| DecodeError {
            what: "next page".into(),
            reason: e.to_string(),
            body: Vec::new(),
        })?;
        // The models do not serialise path parameters (they are not body fields): put them back.
        if let Value::Object(map) = &mut v {
            for (name, value) in next.path_params() {
                map.insert(name.to_owned(), Value::String(value));
            }
        }
        Ok(Some(v))
    }
}

fn not_paged(name: &str) -> Error {
    InputError::Invalid {
        field: "operation".into(),
        expected: format!(
            "the name of a paged operation (list_stocks, list_stock_merchants, list_stock_items, list_user_coupons), got {:?}",
            echo(name)
        ),
    }
    .into()
}

/// The params of the page after `previous` (the decoded JSON of the page that `params`
/// fetched), or `None` after the last page. `mode` overrides the endpoint's reading of
/// `offset` ([`PageMode`]); path parameters are carried over.
pub fn next_page(name: &str, params: Value, previous: Value, mode: Option<PageMode>) -> Result<Option<Value>> {
    visit_paged(name, NextPage { params, previous, mode }).unwrap_or_else(|| Err(not_paged(name)))
}

/// Drives the pages of one paged operation: take [`current`](Pager::current) params, build,
/// send and [`parse`](super::parse) them, then [`advance`](Pager::advance) with the decoded
/// page, until [`current`](Pager::current) is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pager {
    name: String,
    mode: Option<PageMode>,
    current: Option<Value>,
}

impl Pager {
    /// A pager over paged operation `name` from its first page's params.
    pub fn new(name: &str, params: Value, mode: Option<PageMode>) -> Result<Self> {
        if !super::dispatch::is_paged(name) {
            return Err(not_paged(name));
        }
        Ok(Self {
            name: name.to_owned(),
            mode,
            current: Some(params),
        })
    }

    /// The operation's name.
    pub fn operation(&self) -> &str {
        &self.name
    }

    /// The params of the page to fetch next; `None` once the last page was seen.
    pub fn current(&self) -> Option<&Value> {
        self.current.as_ref()
    }

    /// Moves past the page fetched with [`current`](Pager::current) params, given its decoded
    /// JSON. On an error the pager stays on the same page.
    pub fn advance(&mut self, page: Value) -> Result<()> {
        let Some(params) = self.current.clone() else {
            return Ok(());
        };
        self.current = next_page(&self.name, params, page, self.mode)?;
        Ok(())
    }
}
