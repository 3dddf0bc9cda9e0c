//! `merchant.json`: a merchant's identity and the files that hold its keys, and
//! [`Client::from_config`], which builds a client from it.
//!
//! The sandbox writes this file; a real merchant can write the same shape by hand. File names
//! in it are relative to the directory that holds `merchant.json` (absolute names work too).
//!
//! ```json
//! {
//!   "mchid": "1900000001",
//!   "merchant_serial": "5F1C72E2A8931B72A2E13AF8DEE92471EB397115",
//!   "merchant_key_file": "apiclient_key.pem",
//!   "apiv3_key_file": "apiv3_key.txt",
//!   "wechatpay_public_key_id": "PUB_KEY_ID_0112345678901234567890123456789012",
//!   "wechatpay_public_key_file": "pub_key.pem"
//! }
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::client::{Client, ClientBuilder, check_origin};
use crate::error::{Error, KeyError, echo, echo_text};
use crate::http::{is_loopback_host, url_host};
use crate::keys::{PlatformCertificate, normalize_serial};

/// Name of the config file inside a merchant directory.
pub const CONFIG_FILE: &str = "merchant.json";

/// The content of `merchant.json`. Paths are relative to the directory holding the file.
///
/// Reading is tolerant: absent fields, `null` and `""` all mean "not set", and unknown fields
/// are ignored. [`Client::from_config`] then requires `mchid`, `merchant_serial` and
/// `merchant_key_file`; everything else is optional. Fields marked "sandbox side" hold the
/// simulator's own secrets: a real merchant never has them and the client never reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct MerchantConfig {
    /// Merchant id (商户号), decimal digits.
    pub mchid: String,
    /// The appid bound to the merchant (used to send coupons).
    pub appid: String,
    /// Serial of the merchant API certificate (hex).
    pub merchant_serial: String,
    /// Merchant API private key, PKCS#8 or PKCS#1 PEM (`apiclient_key.pem`).
    pub merchant_key_file: String,
    /// Merchant API certificate, X.509 PEM (`apiclient_cert.pem`); when set, its serial must
    /// equal `merchant_serial`.
    pub merchant_cert_file: String,
    /// File holding the 32-character APIv3 key (surrounding whitespace is ignored).
    pub apiv3_key_file: String,
    /// Serial of the WeChat Pay platform certificate (informational).
    pub platform_serial: String,
    /// WeChat Pay platform certificate PEM.
    pub platform_cert_file: String,
    /// WeChat Pay public key id (`PUB_KEY_ID_…`).
    pub wechatpay_public_key_id: String,
    /// WeChat Pay public key, SPKI PEM (`pub_key.pem`).
    pub wechatpay_public_key_file: String,
    /// Sandbox side: private key behind the platform certificate.
    pub platform_key_file: String,
    /// Sandbox side: private key behind the WeChat Pay public key.
    pub wechatpay_private_key_file: String,
    /// Base URL (an `http(s)://host[:port]` origin); empty means the WeChat Pay primary host.
    pub base_url: String,
}

/// Which WeChat Pay keys named in `merchant.json` the client trusts. A key that the file does
/// not name is skipped either way. Default: both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigTrust {
    /// Trust `wechatpay_public_key_id` + `wechatpay_public_key_file`.
    pub public_key: bool,
    /// Trust `platform_cert_file`.
    pub platform_certificate: bool,
}

impl Default for ConfigTrust {
    fn default() -> Self {
        Self::new(true, true)
    }
}

impl ConfigTrust {
    /// Trust the public key and/or the platform certificate.
    pub fn new(public_key: bool, platform_certificate: bool) -> Self {
        Self {
            public_key,
            platform_certificate,
        }
    }
}

/// Why a client could not be built from `merchant.json`. Messages name the file and the field;
/// they never show key material.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read (missing, unreadable, a directory).
    #[error("cannot read {}{}: {}", shown(path), named_by(*field), echo_text(reason))]
    Read {
        /// The file.
        path: PathBuf,
        /// The `merchant.json` field naming it (`None` for `merchant.json` itself).
        field: Option<&'static str>,
        /// The operating system's reason.
        reason: String,
    },
    /// `merchant.json` is not JSON, or not a JSON object.
    #[error("{}: not a merchant config: {}", shown(path), echo_text(reason))]
    Syntax {
        /// `merchant.json`.
        path: PathBuf,
        /// The parser's reason (with line and column).
        reason: String,
    },
    /// A field has a value of the wrong JSON type.
    #[error("{}: field {field}: expected a string, found {found}", shown(path))]
    WrongType {
        /// `merchant.json`.
        path: PathBuf,
        /// The field.
        field: &'static str,
        /// The JSON type found (`number`, `boolean`, `array`, `object`).
        found: &'static str,
    },
    /// A required field is absent or empty.
    #[error("{}: field {field} is missing or empty: {hint}", shown(path))]
    Missing {
        /// `merchant.json`.
        path: PathBuf,
        /// The field.
        field: &'static str,
        /// What it must hold.
        hint: &'static str,
    },
    /// A field's value is not acceptable.
    #[error("{}: field {field} is {}: expected {expected}", shown(path), quoted(value))]
    Invalid {
        /// `merchant.json`.
        path: PathBuf,
        /// The field.
        field: &'static str,
        /// The value found (not secret: ids, serials, URLs).
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A key or certificate file does not hold a usable key.
    #[error("{} (field {field}): {source}", shown(path))]
    Key {
        /// The key or certificate file.
        path: PathBuf,
        /// The `merchant.json` field naming it.
        field: &'static str,
        /// What is wrong with it.
        source: KeyError,
    },
    /// The settings were read but the client refused them.
    #[error("{}: {source}", shown(path))]
    Client {
        /// `merchant.json`.
        path: PathBuf,
        /// The client's reason.
        source: Error,
    },
}

fn shown(path: &Path) -> String {
    echo_text(&path.display().to_string()).into_owned()
}

fn named_by(field: Option<&'static str>) -> String {
    field.map(|f| format!(" (field {f})")).unwrap_or_default()
}

fn quoted(value: &str) -> String {
    format!("{:?}", echo(value))
}

/// String fields of [`MerchantConfig`], as they appear in the file.
const FIELDS: [&str; 13] = [
    "mchid",
    "appid",
    "merchant_serial",
    "merchant_key_file",
    "merchant_cert_file",
    "apiv3_key_file",
    "platform_serial",
    "platform_cert_file",
    "wechatpay_public_key_id",
    "wechatpay_public_key_file",
    "platform_key_file",
    "wechatpay_private_key_file",
    "base_url",
];

/// `merchant.json` inside `path` when `path` is a directory, else `path` itself.
fn config_path(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(CONFIG_FILE)
    } else {
        path.to_path_buf()
    }
}

impl MerchantConfig {
    /// Reads `merchant.json` from `path`: the file itself or the directory holding it.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        Self::load_with(&config_path(path.as_ref()), &read_local)
    }

    /// Reads the config file `path` (a file, not a directory) through `read_file`.
    pub fn load_with(path: &Path, read_file: ReadFile<'_>) -> Result<Self, ConfigError> {
        let path = path.to_path_buf();
        let bytes = read_file(&path).map_err(|e| ConfigError::Read {
            path: path.clone(),
            field: None,
            reason: e.to_string(),
        })?;
        Self::from_json(&path, &bytes)
    }

    /// Decodes the JSON text of a config; `path` only names the file in errors.
    pub fn from_json(path: &Path, json: &[u8]) -> Result<Self, ConfigError> {
        let syntax = |reason: String| ConfigError::Syntax {
            path: path.to_path_buf(),
            reason,
        };
        let value: serde_json::Value = serde_json::from_slice(json).map_err(|e| syntax(e.to_string()))?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(syntax("expected a JSON object {…}".into()));
        };
        map.retain(|_, v| !v.is_null());
        for field in FIELDS {
            let found = match map.get(field) {
                None | Some(serde_json::Value::String(_)) => continue,
                Some(serde_json::Value::Bool(_)) => "a boolean",
                Some(serde_json::Value::Number(_)) => "a number",
                Some(serde_json::Value::Array(_)) => "an array",
                Some(_) => "an object",
            };
            return Err(ConfigError::WrongType {
                path: path.to_path_buf(),
                field,
                found,
            });
        }
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| syntax(e.to_string()))
    }
}

/// What [`Client::builder_from_config`] reads, resolved against the config's directory.
struct Loader<'a> {
    config_path: &'a Path,
    dir: &'a Path,
    config: &'a MerchantConfig,
    read_file: ReadFile<'a>,
}

/// How the configuration loader reads a file: `std::fs::read` natively, a host callback where
/// the core has no file system (wasm).
pub type ReadFile<'a> = &'a dyn Fn(&Path) -> std::io::Result<Vec<u8>>;

/// [`ReadFile`] over the local file system.
pub fn read_local(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

impl Loader<'_> {
    fn missing(&self, field: &'static str, hint: &'static str) -> ConfigError {
        ConfigError::Missing {
            path: self.config_path.to_path_buf(),
            field,
            hint,
        }
    }

    fn invalid(&self, field: &'static str, value: &str, expected: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.config_path.to_path_buf(),
            field,
            value: value.to_owned(),
            expected: expected.into(),
        }
    }

    /// Reads the file that `field` (whose value is `name`) names.
    fn read(&self, field: &'static str, name: &str) -> Result<(PathBuf, Vec<u8>), ConfigError> {
        let path = self.dir.join(name);
        match (self.read_file)(&path) {
            Ok(bytes) => Ok((path, bytes)),
            Err(e) => Err(ConfigError::Read {
                path,
                field: Some(field),
                reason: e.to_string(),
            }),
        }
    }

    fn builder(&self, trust: ConfigTrust) -> Result<ClientBuilder, ConfigError> {
        let c = self.config;
        let key_err =
            |path: PathBuf, field: &'static str| move |source: KeyError| ConfigError::Key { path, field, source };
        if c.mchid.is_empty() {
            return Err(self.missing("mchid", "the merchant id (商户号), decimal digits"));
        }
        if !c.mchid.bytes().all(|b| b.is_ascii_digit()) || c.mchid.len() > 32 {
            return Err(self.invalid("mchid", &c.mchid, "the merchant id: 1 to 32 decimal digits"));
        }
        let serial = c.merchant_serial.trim();
        if serial.is_empty() {
            return Err(self.missing("merchant_serial", "the serial of the merchant API certificate (hex)"));
        }
        if !serial.bytes().all(|b| b.is_ascii_hexdigit()) || serial.len() > 64 {
            return Err(self.invalid(
                "merchant_serial",
                serial,
                "the serial of the merchant API certificate: 1 to 64 hex digits",
            ));
        }
        if c.merchant_key_file.is_empty() {
            return Err(self.missing(
                "merchant_key_file",
                "the file holding the merchant API private key (apiclient_key.pem)",
            ));
        }
        if !c.merchant_cert_file.is_empty() {
            let (path, pem) = self.read("merchant_cert_file", &c.merchant_cert_file)?;
            let cert = PlatformCertificate::from_pem(pem).map_err(key_err(path, "merchant_cert_file"))?;
            if normalize_serial(serial).ok().as_deref() != Some(cert.serial.as_str()) {
                return Err(self.invalid(
                    "merchant_serial",
                    serial,
                    format!("the serial of merchant_cert_file ({})", cert.serial_no),
                ));
            }
        }
        let (path, pem) = self.read("merchant_key_file", &c.merchant_key_file)?;
        let mut b = Client::builder(&c.mchid, serial)
            .private_key_pem(pem)
            .map_err(key_err(path, "merchant_key_file"))?;
        if !c.apiv3_key_file.is_empty() {
            let (path, key) = self.read("apiv3_key_file", &c.apiv3_key_file)?;
            b = b.apiv3_key(key.trim_ascii()).map_err(key_err(path, "apiv3_key_file"))?;
        }
        if !c.base_url.is_empty() {
            let base = c.base_url.trim_end_matches('/');
            if check_origin("base_url", base).is_err() {
                return Err(self.invalid(
                    "base_url",
                    &c.base_url,
                    "an http(s):// origin such as https://api.mch.weixin.qq.com, without path, query or fragment",
                ));
            }
            // The sandbox relaxation: http:// notify URLs on loopback hosts, only when the API
            // itself is on a loopback host (WeChat Pay never is).
            b = b
                .base_url(base)
                .allow_http_notify_url(url_host(base).is_some_and(is_loopback_host));
        }
        let (id, file) = (&c.wechatpay_public_key_id, &c.wechatpay_public_key_file);
        if trust.public_key {
            match (id.is_empty(), file.is_empty()) {
                (true, true) => {}
                (false, true) => {
                    return Err(self.missing(
                        "wechatpay_public_key_file",
                        "the WeChat Pay public key PEM (pub_key.pem) that goes with wechatpay_public_key_id",
                    ));
                }
                (true, false) => {
                    return Err(self.missing(
                        "wechatpay_public_key_id",
                        "the id (PUB_KEY_ID_…) of the key in wechatpay_public_key_file",
                    ));
                }
                (false, false) => {
                    let (path, pem) = self.read("wechatpay_public_key_file", file)?;
                    b = b.wechatpay_public_key(id, pem).map_err(|e| match e {
                        KeyError::InvalidPublicKeyId { .. } => self.invalid(
                            "wechatpay_public_key_id",
                            id,
                            "\"PUB_KEY_ID_\" followed by decimal digits",
                        ),
                        other => ConfigError::Key {
                            path,
                            field: "wechatpay_public_key_file",
                            source: other,
                        },
                    })?;
                }
            }
        }
        if trust.platform_certificate && !c.platform_cert_file.is_empty() {
            let (path, pem) = self.read("platform_cert_file", &c.platform_cert_file)?;
            b = b
                .platform_certificate(pem)
                .map_err(key_err(path, "platform_cert_file"))?;
        }
        Ok(b)
    }
}

impl Client {
    /// A client for the merchant described by `merchant.json` at `path` (the file or the
    /// directory holding it), trusting every WeChat Pay key the file names. See
    /// [`Client::builder_from_config`] to change the clock or other settings first.
    pub fn from_config(path: impl AsRef<Path>) -> Result<Client, ConfigError> {
        let path = config_path(path.as_ref());
        let builder = Self::builder_from_config(&path, ConfigTrust::default())?;
        builder.build().map_err(|source| ConfigError::Client { path, source })
    }

    /// A [`ClientBuilder`] loaded from `merchant.json` at `path` (the file or its directory):
    /// identity, private key, APIv3 key, base URL and the WeChat Pay keys chosen by `trust`.
    /// A base URL on a loopback host (the sandbox) also allows `http://` loopback notify URLs
    /// ([`ClientBuilder::allow_http_notify_url`]).
    pub fn builder_from_config(path: impl AsRef<Path>, trust: ConfigTrust) -> Result<ClientBuilder, ConfigError> {
        Self::builder_from_config_with(&config_path(path.as_ref()), trust, &read_local)
    }

    /// [`Client::builder_from_config`] for the config file `config_path` (a file, not a
    /// directory), reading it and the files it names through `read_file`.
    pub fn builder_from_config_with(
        config_path: &Path,
        trust: ConfigTrust,
        read_file: ReadFile<'_>,
    ) -> Result<ClientBuilder, ConfigError> {
        let config = MerchantConfig::load_with(config_path, read_file)?;
        let dir = config_path.parent().unwrap_or(Path::new(""));
        Loader {
            config_path,
            dir,
            config: &config,
            read_file,
        }
        .builder(trust)
    }
}
