//! Pagination of the paged operations: a `Pager` object over the core's [`dynamic::Pager`].

use std::sync::{Arc, Mutex};

use wechatpay_coupons::dynamic;

use crate::client::Client;
use crate::error::{Result, invalid};
use crate::types::SignedRequest;

fn json(text: &str, field: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| invalid(field, format!("JSON ({e})")))
}

/// Walks the pages of a paged operation: `nextRequest()` until it returns `null`, sending each
/// request and handing the decoded page (from `parse…`) to `accept`.
#[derive(uniffi::Object)]
pub struct Pager {
    client: Arc<Client>,
    inner: Mutex<dynamic::Pager>,
}

#[uniffi::export]
impl Pager {
    /// A pager over paged operation `operation` from its first page's parameters (JSON);
    /// `mode` (`page_index` / `item_offset`) overrides the client's and the endpoint's.
    #[uniffi::constructor(default(mode = None))]
    pub fn new(client: Arc<Client>, operation: String, params_json: String, mode: Option<String>) -> Result<Arc<Self>> {
        let mode = match mode {
            Some(m) => Some(dynamic::page_mode_by_name(&m)?),
            None => client.page_mode,
        };
        let inner = dynamic::Pager::new(&operation, json(&params_json, "request")?, mode)?;
        Ok(Arc::new(Self {
            client,
            inner: Mutex::new(inner),
        }))
    }

    /// The signed request of the next page, or `null` once the last page was accepted.
    pub fn next_request(&self) -> Result<Option<SignedRequest>> {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some(params) = g.current().cloned() else {
            return Ok(None);
        };
        let name = g.operation().to_owned();
        drop(g);
        let policy = self.client.policy_or(None)?;
        let built = dynamic::build(&self.client.inner, &name, params, &policy)?;
        Ok(Some(SignedRequest::from_core(
            built.request,
            Some(&name),
            &built.warnings,
        )))
    }

    /// The parameters of the next page as JSON, or `null` after the last page.
    pub fn current_params(&self) -> Option<String> {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.current().map(ToString::to_string)
    }

    /// Moves past the page fetched with `nextRequest()`, given its decoded JSON.
    pub fn accept(&self, page_json: String) -> Result<()> {
        let page = json(&page_json, "page")?;
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        Ok(g.advance(page)?)
    }
}
