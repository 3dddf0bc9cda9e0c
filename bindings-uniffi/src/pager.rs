//! Pagination of the paged operations over the core's [`dynamic::Pager`]: [`PageWalker`]
//! (shared by the typed pagers generated in [`crate::models`]) and the JSON `Pager` object.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use wechatpay_coupons::dynamic;

use crate::client::Client;
use crate::error::{Result, invalid};
use crate::types::SignedRequest;

/// A paged operation's position: the client, and the core's pager behind a lock (a pager
/// object may be shared between threads).
pub struct PageWalker {
    client: Arc<Client>,
    inner: Mutex<dynamic::Pager>,
}

impl PageWalker {
    /// A walker over paged operation `operation` from its first page's parameters; `mode`
    /// (`page_index` / `item_offset`) overrides the client's and the endpoint's.
    pub fn new(client: Arc<Client>, operation: &str, params: serde_json::Value, mode: Option<String>) -> Result<Self> {
        let mode = match mode {
            Some(m) => Some(dynamic::page_mode_by_name(&m)?),
            None => client.page_mode,
        };
        let inner = dynamic::Pager::new(operation, params, mode)?;
        Ok(Self {
            client,
            inner: Mutex::new(inner),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, dynamic::Pager> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The signed request of the next page, or `None` once the last page was accepted.
    pub fn next_request(&self) -> Result<Option<SignedRequest>> {
        let g = self.lock();
        let Some(params) = g.current().cloned() else {
            return Ok(None);
        };
        let name = g.operation().to_owned();
        drop(g);
        crate::operations::build(&self.client, &name, params, None).map(Some)
    }

    /// The parameters of the next page, or `None` after the last page.
    pub fn current(&self) -> Option<serde_json::Value> {
        self.lock().current().cloned()
    }

    /// Moves past the current page, given its decoded value.
    pub fn accept_value(&self, page: serde_json::Value) -> Result<()> {
        Ok(self.lock().advance(page)?)
    }

    /// Verifies and decodes the current page's response, moves past it and returns it.
    pub fn accept_response(
        &self,
        status: u16,
        headers: HashMap<String, Vec<String>>,
        body: Vec<u8>,
    ) -> Result<serde_json::Value> {
        let name = self.lock().operation().to_owned();
        let page = crate::operations::parse(&self.client, &name, status, headers, body)?;
        self.accept_value(page.clone())?;
        Ok(page)
    }
}

fn json(text: &str, field: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| invalid(field, format!("JSON ({e})")))
}

/// Walks the pages of any paged operation by name, with parameters and pages as JSON text
/// (the typed pagers, such as `ListStocksPager`, are the usual way): `nextRequest()` until it
/// returns `null`, sending each request and handing the decoded page to `accept`.
#[derive(uniffi::Object)]
pub struct Pager(PageWalker);

#[uniffi::export]
impl Pager {
    /// A pager over paged operation `operation` from its first page's parameters (JSON);
    /// `mode` (`page_index` / `item_offset`) overrides the client's and the endpoint's.
    #[uniffi::constructor(default(mode = None))]
    pub fn new(client: Arc<Client>, operation: String, params_json: String, mode: Option<String>) -> Result<Arc<Self>> {
        let walker = PageWalker::new(client, &operation, json(&params_json, "request")?, mode)?;
        Ok(Arc::new(Self(walker)))
    }

    /// The signed request of the next page, or `null` once the last page was accepted.
    pub fn next_request(&self) -> Result<Option<SignedRequest>> {
        self.0.next_request()
    }

    /// The parameters of the next page as JSON, or `null` after the last page.
    pub fn current_params(&self) -> Option<String> {
        self.0.current().map(|v| v.to_string())
    }

    /// Moves past the page fetched with `nextRequest()`, given its decoded JSON.
    pub fn accept(&self, page_json: String) -> Result<()> {
        self.0.accept_value(json(&page_json, "page")?)
    }
}
