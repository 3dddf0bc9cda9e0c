//! `wechatpay-coupons`: the signing / verification tools used to debug production traffic
//! (sign, verify, decrypt, keygen), plus the local sandbox and the demo campaign, which come
//! from the `wechatpay-sandbox` crate.
//!
//! Exit codes: 0 on success (also when standard output was closed by its reader, e.g. `| head`),
//! 1 when a command fails (the reason on stderr, prefixed `error: `), 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wechatpay_coupons::crypto::BuiltinCrypto;
use wechatpay_coupons::http::split_url;
use wechatpay_coupons::keys::wechatpay_public_key;
use wechatpay_coupons::sign::sign_message;
use wechatpay_coupons::verify::{DEFAULT_MAX_SKEW, KeyStore, verify_message};
use wechatpay_coupons::{
    ApiV3Key, Clock, Headers, MerchantPrivateKey, Method, NotificationEnvelope, PlatformCertificate,
};
use wechatpay_sandbox::SigningMode;
use wechatpay_sandbox::serve::{ServeArgs, serve, shown};

mod output;

use output::{Stop, err_line, print_line};

#[derive(Parser)]
#[command(
    name = "wechatpay-coupons",
    version,
    about = "WeChat Pay APIv3 cash coupons: local sandbox, demo and signing tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the local simulator until interrupted; prints its base URL and merchant files.
    Sandbox(ServeArgs),
    /// Run a full coupon campaign against an in-process sandbox over real HTTP.
    Demo {
        /// Signing mode: public-key, certificate or migration.
        #[arg(long, default_value = "public-key")]
        mode: SigningMode,
        /// Number of users who receive a coupon (1 to the demo stock's daily budget: 50).
        #[arg(long, default_value_t = 3, allow_hyphen_values = true, value_parser = parse_users)]
        users: usize,
        /// Start the sandbox's and the client's clocks at this RFC 3339 time instead of now
        /// (for example `2026-12-05T00:30:00+08:00`); they then run forward in real time.
        #[arg(long, value_name = "RFC3339")]
        start_time: Option<String>,
    },
    /// Print the message to sign and the Authorization header of a request.
    Sign {
        /// Merchant id.
        #[arg(long)]
        mchid: String,
        /// Merchant certificate serial.
        #[arg(long)]
        serial: String,
        /// Merchant private key (PEM).
        #[arg(long)]
        key: PathBuf,
        /// HTTP method.
        #[arg(long, default_value = "GET")]
        method: String,
        /// Absolute URL or path with query, exactly as sent.
        #[arg(long)]
        url: String,
        /// File holding the exact body bytes (image upload: the meta JSON).
        #[arg(long)]
        body: Option<PathBuf>,
        /// Unix timestamp in seconds (default: now).
        #[arg(long, allow_hyphen_values = true, value_parser = parse_unix_seconds)]
        timestamp: Option<i64>,
        /// Nonce (default: 32 random characters).
        #[arg(long)]
        nonce: Option<String>,
        /// Print {"message": …, "authorization": …}.
        #[arg(long)]
        json: bool,
    },
    /// Verify a signed response or notification.
    Verify {
        /// A header line `Name: value` (repeatable).
        #[arg(long = "header", short = 'H')]
        headers: Vec<String>,
        /// File holding the raw body.
        #[arg(long)]
        body: Option<PathBuf>,
        /// Verifier time in Unix seconds (default: now).
        #[arg(long, allow_hyphen_values = true, value_parser = parse_unix_seconds)]
        now: Option<i64>,
        /// WeChat Pay public key (PEM).
        #[arg(long, requires = "public_key_id")]
        public_key: Option<PathBuf>,
        /// Its id, PUB_KEY_ID_….
        #[arg(long)]
        public_key_id: Option<String>,
        /// Platform certificate (PEM), repeatable.
        #[arg(long)]
        platform_cert: Vec<PathBuf>,
    },
    /// Decrypt a notification body or one AEAD_AES_256_GCM triple.
    Decrypt {
        /// File with the APIv3 key (32 characters).
        #[arg(long)]
        apiv3_key_file: PathBuf,
        /// Notification body file.
        #[arg(long, conflicts_with_all = ["nonce", "ciphertext"])]
        body: Option<PathBuf>,
        /// AEAD nonce.
        #[arg(long, requires = "ciphertext")]
        nonce: Option<String>,
        /// Associated data.
        #[arg(long, default_value = "")]
        associated_data: String,
        /// Base64 ciphertext.
        #[arg(long, requires = "nonce")]
        ciphertext: Option<String>,
    },
    /// Make a test merchant key pair and self-signed certificate.
    Keygen {
        /// Output directory (apiclient_key.pem, apiclient_cert.pem).
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Certificate common name.
        #[arg(long, default_value = "wechatpay-coupons test merchant")]
        name: String,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Latest Unix time accepted on the command line: 9999-12-31T23:59:59Z.
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// `--timestamp` / `--now`: Unix seconds, a whole number from 0 (no sign, no fraction).
fn parse_unix_seconds(s: &str) -> Result<i64, String> {
    let expected = format!("expected Unix time in seconds, a whole number from 0 to {MAX_UNIX_SECONDS}");
    match s.parse::<i64>() {
        Ok(n) if (0..=MAX_UNIX_SECONDS).contains(&n) && !s.starts_with('+') => Ok(n),
        _ => Err(format!("{expected}, got {}", shown(s))),
    }
}

/// `demo --users`: 1 up to what the demo stock's rules allow in one day.
fn parse_users(s: &str) -> Result<usize, String> {
    let max = wechatpay_sandbox::demo::max_users();
    let n = s
        .parse::<usize>()
        .map_err(|_| format!("expected a whole number of users from 1 to {max}, got {}", shown(s)))?;
    match wechatpay_sandbox::demo::users_problem(n) {
        Some(problem) => Err(problem),
        None => Ok(n),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help, version or a usage error; printing may fail on a closed stream, quietly.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(()) | Err(Stop::StdoutClosed) => ExitCode::SUCCESS,
        Err(Stop::Failed(e)) => {
            err_line(format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Stop> {
    match cli.command {
        Command::Sandbox(args) => serve(args).map_err(Stop::Failed),
        Command::Demo {
            mode,
            users,
            start_time,
        } => {
            let start_time = match start_time {
                None => None,
                Some(s) => Some(wechatpay_sandbox::util::parse_rfc3339(&s).ok_or_else(|| {
                    format!("--start-time: expected an RFC 3339 time such as 2026-12-05T00:30:00+08:00, got {s:?}")
                })?),
            };
            let opts = wechatpay_sandbox::demo::DemoOptions {
                mode,
                users,
                start_time,
            };
            let mut stdout = std::io::stdout();
            wechatpay_sandbox::demo::run(&opts, &mut stdout)
                .map(|_| ())
                .map_err(|e| Stop::Failed(format!("demo failed: {e}")))
        }
        Command::Sign {
            mchid,
            serial,
            key,
            method,
            url,
            body,
            timestamp,
            nonce,
            json,
        } => {
            let key = MerchantPrivateKey::from_pem(read(&key)?).map_err(|e| e.to_string())?;
            let m = Method::parse(&method).ok_or_else(|| format!("unknown method {method:?}"))?;
            let target = if url.starts_with('/') {
                url.clone()
            } else {
                split_url(&url).map_err(|e| e.to_string())?.1.to_owned()
            };
            let body = match body {
                Some(p) => read(&p)?,
                None => Vec::new(),
            };
            let ts = timestamp.unwrap_or_else(|| wechatpay_coupons::SystemClock.now());
            let nonce = match nonce {
                Some(n) => n,
                None => wechatpay_coupons::clock::random_string(32).map_err(|e| e.to_string())?,
            };
            let signed =
                sign_message(&key, &mchid, &serial, m, &target, ts, &nonce, &body).map_err(|e| e.to_string())?;
            let message = String::from_utf8_lossy(&signed.message).to_string();
            if json {
                print_line(format_args!(
                    "{}",
                    serde_json::json!({"message": message, "authorization": signed.authorization})
                ))?;
            } else {
                print_line(format_args!("message to sign (each line ends with \\n):"))?;
                for line in message.split_inclusive('\n') {
                    print_line(format_args!("  {line:?}"))?;
                }
                print_line(format_args!("Authorization: {}", signed.authorization))?;
            }
            Ok(())
        }
        Command::Verify {
            headers,
            body,
            now,
            public_key,
            public_key_id,
            platform_cert,
        } => {
            let mut store = KeyStore::new();
            if let (Some(p), Some(id)) = (public_key, public_key_id) {
                store.add_public_key(wechatpay_public_key(&id, read(&p)?).map_err(|e| e.to_string())?);
            }
            for p in &platform_cert {
                store.add_certificate(PlatformCertificate::from_pem(read(p)?).map_err(|e| e.to_string())?);
            }
            if store.is_empty() {
                return Err("give --public-key with --public-key-id and/or --platform-cert".into());
            }
            let mut h = Headers::new();
            for line in &headers {
                let (n, v) = line
                    .split_once(':')
                    .ok_or_else(|| format!("--header {line:?}: expected 'Name: value'"))?;
                h.append(n.trim(), v.trim());
            }
            let body = match body {
                Some(p) => read(&p)?,
                None => Vec::new(),
            };
            let now = now.unwrap_or_else(|| wechatpay_coupons::SystemClock.now());
            match verify_message(&store, &BuiltinCrypto, &h, &body, now, DEFAULT_MAX_SKEW) {
                Ok(v) => {
                    let kind = if v.key_id.starts_with("PUB_KEY_ID_") {
                        "WeChat Pay public key"
                    } else {
                        "platform certificate"
                    };
                    print_line(format_args!(
                        "verified by {kind} {} (timestamp {}, nonce {})",
                        v.key_id, v.timestamp, v.nonce
                    ))
                }
                Err(wechatpay_coupons::VerifyError::Probe) => {
                    Err("not verified: probe signature (WECHATPAY/SIGNTEST/) — reject it, as required".into())
                }
                Err(e) => Err(format!("not verified: {e}").into()),
            }
        }
        Command::Decrypt {
            apiv3_key_file,
            body,
            nonce,
            associated_data,
            ciphertext,
        } => {
            let raw = read(&apiv3_key_file)?;
            let key = ApiV3Key::new(wechatpay_sandbox::merchant::trim_ascii(&raw)).map_err(|e| e.to_string())?;
            let plaintext = if let Some(p) = body {
                let env = NotificationEnvelope::parse(&read(&p)?).map_err(|e| e.to_string())?;
                env.decrypt(&BuiltinCrypto, &key).map_err(|e| e.to_string())?
            } else {
                let (Some(n), Some(c)) = (nonce, ciphertext) else {
                    return Err("give --body FILE, or --nonce and --ciphertext".into());
                };
                let pt = wechatpay_coupons::cipher::aead_decrypt(&BuiltinCrypto, &key, &n, &associated_data, &c)
                    .map_err(|e| e.to_string())?;
                String::from_utf8(pt).map_err(|_| "plaintext is not UTF-8".to_string())?
            };
            print_line(format_args!("{plaintext}"))
        }
        Command::Keygen { out, name, force } => {
            let key_path = out.join("apiclient_key.pem");
            let cert_path = out.join("apiclient_cert.pem");
            if !force && (key_path.exists() || cert_path.exists()) {
                return Err(format!("{} or {} exists (use --force)", key_path.display(), cert_path.display()).into());
            }
            std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            let g = wechatpay_sandbox::merchant::generate_cert(&name, wechatpay_coupons::SystemClock.now(), 5 * 365)
                .map_err(|e| e.to_string())?;
            wechatpay_sandbox::merchant::write_file(&key_path, g.key_pem.as_bytes()).map_err(|e| e.to_string())?;
            wechatpay_sandbox::merchant::write_file(&cert_path, g.cert_pem.as_bytes()).map_err(|e| e.to_string())?;
            print_line(format_args!("private key:  {}", key_path.display()))?;
            print_line(format_args!("certificate:  {}", cert_path.display()))?;
            print_line(format_args!("serial:       {}", g.serial))
        }
    }
}
