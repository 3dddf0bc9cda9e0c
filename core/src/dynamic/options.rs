//! Client configuration as data ([`ClientOptions`]) and policies by name.
//!
//! Bindings decode their constructor arguments into [`ClientOptions`] (or read a merchant
//! directory with [`Client::from_config`](crate::Client::from_config)); every wrong value is an
//! error naming the option. Policies are chosen by name: validation `"default"` / `"strict"` or
//! an object ([`policy_from_value`]), serial `"auto"` / `"omit"` / a serial, page mode
//! `"page_index"` / `"item_offset"` ([`page_mode_by_name`]).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::operations::json_type;
use crate::client::{Client, ClientBuilder, SerialPolicy};
use crate::clock::{FixedClock, FixedNonce};
use crate::error::{Error, InputError, Result, echo};
use crate::favor::ops::PageMode;
use crate::validation::{Severity, ValidationErrors, ValidationPolicy, Violation, is_rule_id};

/// A PEM document (or key) given as text or as bytes (a JSON array of numbers).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum PemSource {
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl AsRef<[u8]> for PemSource {
    fn as_ref(&self) -> &[u8] {
        match self {
            PemSource::Text(s) => s.as_bytes(),
            PemSource::Bytes(b) => b,
        }
    }
}

/// One value or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A client's configuration, decodable from JSON-like data (unknown options are refused).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientOptions {
    /// The merchant id.
    pub mchid: String,
    /// The merchant API certificate serial.
    pub merchant_serial: String,
    /// The merchant private key (PKCS#8 or PKCS#1 PEM); absent when a custom signer signs.
    pub private_key: Option<PemSource>,
    /// The APIv3 key (32 bytes).
    pub apiv3_key: Option<PemSource>,
    /// The WeChat Pay public key id (`PUB_KEY_ID_…`), with [`wechatpay_public_key`](Self::wechatpay_public_key).
    pub wechatpay_public_key_id: Option<String>,
    /// The WeChat Pay public key PEM.
    pub wechatpay_public_key: Option<PemSource>,
    /// Platform certificates (PEM), one or a list.
    #[serde(default)]
    platform_certificates: Option<OneOrMany<PemSource>>,
    /// The base URL (default [`PRIMARY_BASE_URL`](crate::PRIMARY_BASE_URL)).
    pub base_url: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// A fixed clock (Unix seconds), for tests and replays.
    pub now: Option<i64>,
    /// Fixed nonces, one or a sequence, for tests.
    #[serde(default)]
    nonce: Option<OneOrMany<String>>,
    /// Largest accepted `|now − Wechatpay-Timestamp|` in seconds.
    pub max_skew: Option<u64>,
    /// Whether `http://` notify URLs on loopback hosts are accepted (sandbox use).
    #[serde(default)]
    pub allow_http_notify_url: bool,
    /// `"auto"` (default), `"omit"` or a fixed serial.
    pub serial_policy: Option<String>,
    /// The validation policy: `"default"`, `"strict"` or an object (see [`policy_from_value`]).
    pub validation: Option<Value>,
    /// The default page mode: `"page_index"` or `"item_offset"`.
    pub page_mode: Option<String>,
}

fn invalid(field: impl Into<String>, expected: impl Into<String>) -> Error {
    InputError::Invalid {
        field: field.into(),
        expected: expected.into(),
    }
    .into()
}

impl ClientOptions {
    /// Decodes options from JSON; a wrong or unknown option is an [`InputError`] naming it.
    pub fn from_value(value: Value) -> Result<Self> {
        serde_path_to_error::deserialize::<_, Self>(value).map_err(|e| {
            let path = e.path().to_string();
            let mut reason = e.inner().to_string();
            if reason.contains("untagged enum") {
                // serde's words for a value of the wrong shape; say which shapes the option takes.
                reason = match path.as_str() {
                    "nonce" => "a string or a list of strings".to_owned(),
                    "platform_certificates" => "a PEM (text or bytes) or a list of them".to_owned(),
                    _ => "text or bytes".to_owned(),
                };
            }
            let field = if path == "." {
                // A missing or unknown option: the message names it.
                reason
                    .split('`')
                    .nth(1)
                    .map_or_else(|| "options".to_owned(), str::to_owned)
            } else {
                path
            };
            invalid(field, reason)
        })
    }

    /// Replaces the platform certificates.
    pub fn set_platform_certificates(&mut self, certificates: Vec<PemSource>) {
        self.platform_certificates = Some(OneOrMany::Many(certificates));
    }

    /// The platform certificates given.
    pub fn platform_certificates(&self) -> &[PemSource] {
        match &self.platform_certificates {
            None => &[],
            Some(OneOrMany::One(c)) => std::slice::from_ref(c),
            Some(OneOrMany::Many(v)) => v,
        }
    }

    /// The serial policy the options name.
    pub fn serial(&self) -> SerialPolicy {
        serial_policy_by_name(self.serial_policy.as_deref())
    }

    /// The validation policy the options name.
    pub fn policy(&self) -> Result<ValidationPolicy> {
        match &self.validation {
            None => Ok(ValidationPolicy::default()),
            Some(v) => policy_from_value(v),
        }
    }

    /// The page mode the options name (`None`: each endpoint's default).
    pub fn page(&self) -> Result<Option<PageMode>> {
        self.page_mode.as_deref().map(page_mode_by_name).transpose()
    }

    /// Replaces the fixed nonces (used in turn, for tests and replays); empty: random nonces.
    pub fn set_nonces(&mut self, nonces: Vec<String>) {
        self.nonce = if nonces.is_empty() {
            None
        } else {
            Some(OneOrMany::Many(nonces))
        };
    }

    /// Builds the client. Key errors name the option ([`KeyError`](crate::KeyError) `what`).
    pub fn build(self) -> Result<Client> {
        self.into_builder()?.build()
    }

    /// The client builder these options describe (keys parsed and checked), for a binding to add
    /// what JSON cannot carry (a host signer, clock or crypto provider) before
    /// [`build`](crate::ClientBuilder::build).
    pub fn into_builder(self) -> Result<ClientBuilder> {
        // Checked first, so a wrong name is reported before any key is parsed.
        self.policy()?;
        self.page()?;
        let serial = self.serial();
        if self.wechatpay_public_key_id.is_some() != self.wechatpay_public_key.is_some() {
            return Err(invalid(
                "wechatpay_public_key",
                "give both wechatpay_public_key_id and wechatpay_public_key",
            ));
        }
        let mut b = Client::builder(self.mchid, self.merchant_serial);
        if let Some(pem) = &self.private_key {
            b = b.private_key_pem(pem)?;
        }
        if let Some(k) = &self.apiv3_key {
            b = b.apiv3_key(k)?;
        }
        if let (Some(id), Some(pem)) = (&self.wechatpay_public_key_id, &self.wechatpay_public_key) {
            b = b.wechatpay_public_key(id, pem)?;
        }
        for c in self.platform_certificates.map(OneOrMany::into_vec).unwrap_or_default() {
            b = b.platform_certificate(c)?;
        }
        if let Some(u) = self.base_url {
            b = b.base_url(u);
        }
        if let Some(u) = self.user_agent {
            b = b.user_agent(u);
        }
        if let Some(t) = self.now {
            b = b.clock(Arc::new(FixedClock::new(t)));
        }
        if let Some(n) = self.nonce {
            b = b.nonce_source(Arc::new(match n {
                OneOrMany::One(s) => FixedNonce::new(s),
                OneOrMany::Many(list) => FixedNonce::sequence(list),
            }));
        }
        if let Some(s) = self.max_skew {
            b = b.max_skew(s);
        }
        Ok(b.serial_policy(serial)
            .allow_http_notify_url(self.allow_http_notify_url))
    }
}

/// The serial policy called `name`: `None` or `"auto"`, `"omit"`, or any other value as the
/// fixed `Wechatpay-Serial`.
pub fn serial_policy_by_name(name: Option<&str>) -> SerialPolicy {
    match name {
        None | Some("auto") => SerialPolicy::Auto,
        Some("omit") => SerialPolicy::Omit,
        Some(s) => SerialPolicy::Fixed(s.to_owned()),
    }
}

/// The page mode called `name`: `"page_index"` or `"item_offset"`.
pub fn page_mode_by_name(name: &str) -> Result<PageMode> {
    match name {
        "page_index" => Ok(PageMode::PageIndex),
        "item_offset" => Ok(PageMode::ItemOffset),
        other => Err(invalid(
            "mode",
            format!("\"page_index\" or \"item_offset\", got {:?}", echo(other)),
        )),
    }
}

/// The keys of a validation policy object.
const POLICY_OPTIONS: &str = "promote_warnings, promote, silence, begin_time_grace_secs";

fn violation(field: String, rule: &'static str, message: String) -> Error {
    ValidationErrors {
        violations: vec![Violation {
            field,
            rule,
            severity: Severity::Error,
            message,
            message_zh: String::new(),
        }],
    }
    .into()
}

fn rule_ids(v: &Value, field: &str) -> Result<Vec<String>> {
    let expected = "a list of rule ids such as [\"V-G-05\"]";
    let items = match v {
        Value::Array(items) => items,
        Value::String(s) => {
            return Err(violation(
                field.to_owned(),
                "type",
                format!("{expected}, got the string {:?} (write [{:?}])", echo(s), echo(s)),
            ));
        }
        other => {
            return Err(violation(
                field.to_owned(),
                "type",
                format!("{expected}, got {}", json_type(other)),
            ));
        }
    };
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::String(id) = item else {
            return Err(violation(
                format!("{field}[{i}]"),
                "type",
                format!("a rule id (a string) such as \"V-G-05\", got {}", json_type(item)),
            ));
        };
        if !is_rule_id(id) {
            return Err(violation(
                format!("{field}[{i}]"),
                "invalid_input",
                format!(
                    "a rule id such as \"V-G-05\" (V-, group letters, -, digits), got {:?}",
                    echo(id)
                ),
            ));
        }
        ids.push(id.clone());
    }
    Ok(ids)
}

/// A validation policy from data: `null` or `"default"`, `"strict"`, or an object with
/// `promote_warnings` (bool), `promote` and `silence` (lists of rule ids) and
/// `begin_time_grace_secs` (whole seconds ≥ 0). A wrong value is a one-violation
/// [`Error::Validation`] naming `validation` or `validation.<key>` (rules `type`,
/// `invalid_input`, `unknown_field`).
pub fn policy_from_value(value: &Value) -> Result<ValidationPolicy> {
    let mut policy = ValidationPolicy::default();
    let map = match value {
        Value::Null => return Ok(policy),
        Value::String(s) => {
            return match s.as_str() {
                "default" => Ok(policy),
                "strict" => Ok(ValidationPolicy::strict()),
                other => Err(violation(
                    "validation".into(),
                    "invalid_input",
                    format!(
                        "\"default\", \"strict\" or an object of policy options, got {:?}",
                        echo(other)
                    ),
                )),
            };
        }
        Value::Object(map) => map,
        other => {
            return Err(violation(
                "validation".into(),
                "type",
                format!(
                    "\"default\", \"strict\" or an object of policy options, got {}",
                    json_type(other)
                ),
            ));
        }
    };
    for (key, v) in map {
        match key.as_str() {
            "promote_warnings" => {
                policy.promote_warnings = v.as_bool().ok_or_else(|| {
                    violation(
                        "validation.promote_warnings".into(),
                        "type",
                        format!("true or false, got {}", json_type(v)),
                    )
                })?;
            }
            "promote" => policy.promote = rule_ids(v, "validation.promote")?,
            "silence" => policy.silence = rule_ids(v, "validation.silence")?,
            "begin_time_grace_secs" => {
                let field = "validation.begin_time_grace_secs".to_owned();
                policy.begin_time_grace_secs = match v {
                    Value::Number(n) if n.is_i64() || n.is_u64() => match n.as_i64() {
                        Some(s) if s >= 0 => s,
                        _ => {
                            return Err(violation(
                                field,
                                "invalid_input",
                                format!("a whole number of seconds from 0 to {}, got {n}", i64::MAX),
                            ));
                        }
                    },
                    other => {
                        return Err(violation(
                            field,
                            "type",
                            format!("a whole number of seconds (0 or more), got {}", json_type(other)),
                        ));
                    }
                };
            }
            other => {
                return Err(violation(
                    format!("validation.{}", echo(other)),
                    "unknown_field",
                    format!("one of {POLICY_OPTIONS}"),
                ));
            }
        }
    }
    Ok(policy)
}
