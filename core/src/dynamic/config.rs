//! [`ClientOptions`] from a merchant directory (`merchant.json` and the PEM files it names), so
//! that every binding's `from_config` is this one function.

use std::path::{Path, PathBuf};

use super::options::{ClientOptions, PemSource};
use crate::client::Client;
use crate::config::{CONFIG_FILE, ConfigError, ConfigTrust, MerchantConfig, ReadFile, read_local};
use crate::http::{is_loopback_host, url_host};

fn read_text(
    read_file: ReadFile<'_>,
    dir: &Path,
    field: &'static str,
    name: &str,
) -> Result<Option<String>, ConfigError> {
    if name.is_empty() {
        return Ok(None);
    }
    let path = dir.join(name);
    let read = |reason: String| ConfigError::Read {
        path: path.clone(),
        field: Some(field),
        reason,
    };
    let bytes = read_file(&path).map_err(|e| read(e.to_string()))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| read("not UTF-8 text".into()))
}

/// The client options `merchant.json` at `path` (the file or its directory) describes, after
/// [`Client::builder_from_config`] accepted it (every field, key and certificate checked, errors
/// naming the file and the field). A `base_url` on a loopback host (the sandbox) also allows
/// `http://` loopback notify URLs. Bindings add their own options (clock, signer, …) on top.
pub fn options_from_config(path: impl AsRef<Path>) -> Result<ClientOptions, ConfigError> {
    let path = path.as_ref();
    let file: PathBuf = if path.is_dir() {
        path.join(CONFIG_FILE)
    } else {
        path.to_path_buf()
    };
    options_from_config_with(&file, &read_local)
}

/// [`options_from_config`] for the config file `file` (a file, not a directory), reading it and
/// the files it names through `read_file`: for hosts where the core has no file system (wasm).
pub fn options_from_config_with(file: &Path, read_file: ReadFile<'_>) -> Result<ClientOptions, ConfigError> {
    Client::builder_from_config_with(file, ConfigTrust::default(), read_file)?;
    let c = MerchantConfig::load_with(file, read_file)?;
    let dir = file.parent().unwrap_or(Path::new(""));
    let mut o = ClientOptions::default();
    o.mchid.clone_from(&c.mchid);
    c.merchant_serial.trim().clone_into(&mut o.merchant_serial);
    o.private_key = read_text(read_file, dir, "merchant_key_file", &c.merchant_key_file)?.map(PemSource::Text);
    o.apiv3_key =
        read_text(read_file, dir, "apiv3_key_file", &c.apiv3_key_file)?.map(|k| PemSource::Text(k.trim().to_owned()));
    if !c.wechatpay_public_key_id.is_empty() && !c.wechatpay_public_key_file.is_empty() {
        o.wechatpay_public_key_id = Some(c.wechatpay_public_key_id.clone());
        o.wechatpay_public_key = read_text(
            read_file,
            dir,
            "wechatpay_public_key_file",
            &c.wechatpay_public_key_file,
        )?
        .map(PemSource::Text);
    }
    if let Some(cert) = read_text(read_file, dir, "platform_cert_file", &c.platform_cert_file)? {
        o.set_platform_certificates(vec![PemSource::Text(cert)]);
    }
    if !c.base_url.is_empty() {
        let base = c.base_url.trim_end_matches('/');
        o.allow_http_notify_url = url_host(base).is_some_and(is_loopback_host);
        o.base_url = Some(base.to_owned());
    }
    Ok(o)
}
