//! The sandbox's test merchant: keys, certificates and the `merchant.json` that clients load.
//!
//! Everything is generated locally (RSA-2048 via rcgen on aws-lc-rs) and written as PEM files
//! next to one JSON config. The directory can be reused: [`MerchantSetup::load_or_create`] loads
//! it when `merchant.json` exists.

use std::path::{Path, PathBuf};

use wechatpay_coupons::clock::random_string;
use wechatpay_coupons::keys::{PlatformCertificate, PublicKey, normalize_serial, wechatpay_public_key};
use wechatpay_coupons::{ApiV3Key, MerchantPrivateKey};

use crate::SandboxError;

/// Name of the JSON config written into the merchant directory.
pub const CONFIG_FILE: &str = wechatpay_coupons::config::CONFIG_FILE;

/// The JSON config clients load (`merchant.json`), defined by the core so that every client
/// reads it the same way ([`wechatpay_coupons::Client::from_config`]).
pub use wechatpay_coupons::MerchantConfig;

/// A loaded merchant: the config, its directory and the parsed keys.
pub struct MerchantSetup {
    /// Directory holding the files.
    pub dir: PathBuf,
    /// The config as written.
    pub config: MerchantConfig,
    /// Merchant public key (verifies request signatures).
    pub merchant_public_key: PublicKey,
    /// APIv3 key.
    pub apiv3_key: ApiV3Key,
    /// Platform certificate.
    pub platform_cert: PlatformCertificate,
    /// Platform certificate PEM text.
    pub platform_cert_pem: String,
    /// Platform private key (signs in certificate mode).
    pub platform_key: MerchantPrivateKey,
    /// WeChat Pay public key (the id is `PUB_KEY_ID_…`).
    pub wechatpay_public_key: PublicKey,
    /// Private key behind the WeChat Pay public key (signs in public-key mode).
    pub wechatpay_private_key: MerchantPrivateKey,
}

impl std::fmt::Debug for MerchantSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MerchantSetup")
            .field("dir", &self.dir)
            .field("mchid", &self.config.mchid)
            .field("keys", &"[redacted]")
            .finish()
    }
}

/// A generated RSA key pair and a self-signed certificate for it.
pub struct GeneratedCert {
    /// PKCS#8 PEM private key.
    pub key_pem: String,
    /// X.509 PEM certificate.
    pub cert_pem: String,
    /// SPKI PEM public key.
    pub public_key_pem: String,
    /// Upper-case hex serial of the certificate.
    pub serial: String,
}

fn io_err(path: &Path, e: std::io::Error) -> SandboxError {
    SandboxError::Io(format!("{}: {e}", path.display()))
}

/// Generates an RSA-2048 key and a self-signed certificate with common name `cn`, valid from
/// one day before `now` for `days` days.
pub fn generate_cert(cn: &str, now: i64, days: i64) -> Result<GeneratedCert, SandboxError> {
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .map_err(|e| SandboxError::Keygen(e.to_string()))?;
    let mut params =
        rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| SandboxError::Keygen(e.to_string()))?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(rcgen::DnType::CommonName, cn);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "wechatpay-coupons sandbox");
    let ts = |t: i64| time::OffsetDateTime::from_unix_timestamp(t).map_err(|e| SandboxError::Keygen(e.to_string()));
    params.not_before = ts(now - 86_400)?;
    params.not_after = ts(now + days * 86_400)?;
    // 20 random bytes, first byte in 0x10..=0x7f: positive, no leading zero, 40 hex digits.
    let mut serial = [0u8; 20];
    wechatpay_coupons::crypto::fill_random(&mut serial).map_err(|e| SandboxError::Keygen(e.to_string()))?;
    serial[0] = 0x10 + (serial[0] % 0x70);
    params.serial_number = Some(rcgen::SerialNumber::from(serial.to_vec()));
    let cert = params
        .self_signed(&key)
        .map_err(|e| SandboxError::Keygen(e.to_string()))?;
    let serial = normalize_serial(&wechatpay_coupons::crypto::hex_lower(&serial))
        .map_err(|e| SandboxError::Keygen(e.to_string()))?;
    Ok(GeneratedCert {
        key_pem: key.serialize_pem(),
        cert_pem: cert.pem(),
        public_key_pem: key.public_key_pem(),
        serial,
    })
}

fn random_digits(n: usize) -> Result<String, SandboxError> {
    let mut buf = vec![0u8; n];
    wechatpay_coupons::crypto::fill_random(&mut buf).map_err(|e| SandboxError::Keygen(e.to_string()))?;
    Ok(buf.iter().map(|b| char::from(b'0' + b % 10)).collect())
}

impl MerchantSetup {
    /// Loads the merchant from `dir/merchant.json`, or creates a new one there (`mchid` default
    /// `1900000001`) when the file does not exist.
    pub fn load_or_create(dir: &Path, mchid: Option<&str>, now: i64) -> Result<Self, SandboxError> {
        if dir.join(CONFIG_FILE).exists() {
            Self::load(dir)
        } else {
            Self::create(dir, mchid.unwrap_or("1900000001"), now)
        }
    }

    /// Creates a fresh merchant in `dir` (created if needed) and writes its files.
    pub fn create(dir: &Path, mchid: &str, now: i64) -> Result<Self, SandboxError> {
        if mchid.is_empty() || !mchid.bytes().all(|b| b.is_ascii_digit()) || mchid.len() > 20 {
            return Err(SandboxError::Config(format!(
                "mchid {mchid:?}: expected 1 to 20 digits"
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let merchant = generate_cert(&format!("{mchid} merchant API certificate"), now, 5 * 365)?;
        let platform = generate_cert("WeChat Pay sandbox platform certificate", now, 5 * 365)?;
        let pubkey = generate_cert("WeChat Pay sandbox public key", now, 5 * 365)?;
        let apiv3 = random_string(32).map_err(|e| SandboxError::Keygen(e.to_string()))?;
        let mut config = MerchantConfig::default();
        config.mchid = mchid.to_owned();
        config.appid = format!("wxd0{}", &random_digits(14)?);
        config.merchant_serial = merchant.serial.clone();
        config.merchant_key_file = "apiclient_key.pem".into();
        config.merchant_cert_file = "apiclient_cert.pem".into();
        config.apiv3_key_file = "apiv3_key.txt".into();
        config.platform_serial = platform.serial.clone();
        config.platform_cert_file = "platform_cert.pem".into();
        config.wechatpay_public_key_id = format!("PUB_KEY_ID_01{}", random_digits(32)?);
        config.wechatpay_public_key_file = "pub_key.pem".into();
        config.platform_key_file = "sandbox_platform_key.pem".into();
        config.wechatpay_private_key_file = "sandbox_pub_key_private.pem".into();
        let files = [
            (&config.merchant_key_file, merchant.key_pem.as_str()),
            (&config.merchant_cert_file, merchant.cert_pem.as_str()),
            (&config.apiv3_key_file, apiv3.as_str()),
            (&config.platform_cert_file, platform.cert_pem.as_str()),
            (&config.wechatpay_public_key_file, pubkey.public_key_pem.as_str()),
            (&config.platform_key_file, platform.key_pem.as_str()),
            (&config.wechatpay_private_key_file, pubkey.key_pem.as_str()),
        ];
        for (name, content) in files {
            write_file(&dir.join(name), content.as_bytes())?;
        }
        write_config(dir, &config)?;
        Self::load(dir)
    }

    /// Loads and parses the files named by `dir/merchant.json`.
    pub fn load(dir: &Path) -> Result<Self, SandboxError> {
        let cfg_path = dir.join(CONFIG_FILE);
        let text = std::fs::read(&cfg_path).map_err(|e| io_err(&cfg_path, e))?;
        let config: MerchantConfig =
            serde_json::from_slice(&text).map_err(|e| SandboxError::Config(format!("{}: {e}", cfg_path.display())))?;
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read(&p).map_err(|e| io_err(&p, e))
        };
        // The core's error names the input ("merchant certificate: not a PEM document …"); the
        // prefix names the file it came from.
        let key_err = |file: &str, what: &'static str, e: wechatpay_coupons::KeyError| {
            SandboxError::Config(format!("{}: {}", dir.join(file).display(), e.naming(what)))
        };
        let merchant_cert = PlatformCertificate::from_pem(read(&config.merchant_cert_file)?)
            .map_err(|e| key_err(&config.merchant_cert_file, "merchant certificate", e))?;
        if merchant_cert.serial
            != normalize_serial(&config.merchant_serial)
                .map_err(|e| SandboxError::Config(format!("{}: merchant_serial: {e}", cfg_path.display())))?
        {
            return Err(SandboxError::Config(
                "merchant_serial does not match the merchant certificate".into(),
            ));
        }
        let platform_cert_pem_bytes = read(&config.platform_cert_file)?;
        let platform_cert = PlatformCertificate::from_pem(&platform_cert_pem_bytes)
            .map_err(|e| key_err(&config.platform_cert_file, "platform certificate", e))?;
        let apiv3_text = read(&config.apiv3_key_file)?;
        let apiv3_key =
            ApiV3Key::new(trim_ascii(&apiv3_text)).map_err(|e| key_err(&config.apiv3_key_file, "APIv3 key", e))?;
        Ok(Self {
            merchant_public_key: merchant_cert.key.clone(),
            apiv3_key,
            platform_cert_pem: platform_cert.pem.clone(),
            platform_cert,
            platform_key: MerchantPrivateKey::from_pem(read(&config.platform_key_file)?)
                .map_err(|e| key_err(&config.platform_key_file, "platform private key", e))?,
            wechatpay_public_key: wechatpay_public_key(
                &config.wechatpay_public_key_id,
                read(&config.wechatpay_public_key_file)?,
            )
            .map_err(|e| key_err(&config.wechatpay_public_key_file, "WeChat Pay public key", e))?,
            wechatpay_private_key: MerchantPrivateKey::from_pem(read(&config.wechatpay_private_key_file)?)
                .map_err(|e| key_err(&config.wechatpay_private_key_file, "WeChat Pay private key", e))?,
            dir: dir.to_path_buf(),
            config,
        })
    }

    /// Absolute path of a file named in the config.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Records the sandbox's base URL in `merchant.json`.
    pub fn set_base_url(&mut self, base_url: &str) -> Result<(), SandboxError> {
        self.config.base_url = base_url.to_owned();
        write_config(&self.dir, &self.config)
    }
}

/// Removes surrounding ASCII whitespace (a trailing newline in a key file).
pub fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end]
}

fn write_config(dir: &Path, config: &MerchantConfig) -> Result<(), SandboxError> {
    let json = serde_json::to_vec_pretty(config).map_err(|e| SandboxError::Config(e.to_string()))?;
    write_file(&dir.join(CONFIG_FILE), &json)
}

/// Writes a file, readable by the owner only on Unix (it may hold a key), so that a reader
/// sees either the old content or the new one, never a partial file: the bytes go to a
/// temporary file in the same directory, which is synced and then renamed over `path` (the
/// directory is synced too, so the rename survives a crash).
pub fn write_file(path: &Path, content: &[u8]) -> Result<(), SandboxError> {
    use std::io::Write as _;
    let name = path
        .file_name()
        .ok_or_else(|| SandboxError::Io(format!("{}: not a file path", path.display())))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        #[cfg(unix)]
        {
            // A leftover temporary file keeps its old mode: make it owner-only again.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(content)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(path, e));
    }
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        // Best effort: not every file system can sync a directory.
        let _ = d.sync_all();
    }
    Ok(())
}

/// A core [`wechatpay_coupons::ClientBuilder`] for the merchant in `dir`, against the base URL
/// recorded in its `merchant.json`, trusting the WeChat Pay public key and/or the platform
/// certificate; `http://` loopback notify URLs are allowed. The files are read by the core's
/// [`wechatpay_coupons::Client::builder_from_config`], as every binding reads them.
pub fn client_builder(
    dir: &Path,
    trust_public_key: bool,
    trust_platform_cert: bool,
) -> Result<wechatpay_coupons::ClientBuilder, SandboxError> {
    let trust = wechatpay_coupons::ConfigTrust::new(trust_public_key, trust_platform_cert);
    let builder =
        wechatpay_coupons::Client::builder_from_config(dir, trust).map_err(|e| SandboxError::Config(e.to_string()))?;
    Ok(builder.allow_http_notify_url(true))
}
