//! # wechatpay-sandbox
//!
//! A local WeChat Pay APIv3 cash-coupon (代金券) simulator: an HTTP server on loopback that
//! authenticates requests like the real API, runs the coupon business rules, signs its
//! responses (platform-certificate, public-key or migration mode), delivers encrypted
//! `COUPON.USE` notifications with retries, and serves use-flow / refund-flow bills.
//!
//! ```no_run
//! use wechatpay_sandbox::{Sandbox, SandboxConfig};
//! # fn main() -> Result<(), wechatpay_sandbox::SandboxError> {
//! let sandbox = Sandbox::start(SandboxConfig::default())?;
//! println!("{} — merchant files in {}", sandbox.base_url(), sandbox.merchant_dir().display());
//! sandbox.shutdown();
//! # Ok(()) }
//! ```
//!
//! Two clocks: the *protocol clock* (request timestamps, response signatures; the wall clock
//! unless [`SandboxConfig::clock`] replaces it) and the *business clock* = protocol clock plus an
//! offset that `POST /sandbox/clock/advance` moves forward (stock end, coupon expiry, bill
//! availability). Advancing the business clock never breaks request signing.
//!
//! The business state (stocks, coupons, uses, refunds, the callback, the clock offset, the id
//! sequence) lives in a SQLite database in the merchant directory ([`store`]): nothing is
//! answered before the changes it shows are on disk ([`journal`]), so a restart on the same
//! directory, even after `kill -9`, continues where the last one stopped. One sandbox at a time
//! may run on a directory ([`dir_lock`]).
//!
//! This crate is a library plus a thin `wechatpay-sandbox` binary that only runs the simulator
//! ([`serve`]). The `wechatpay-coupons` command-line tool (sign, verify, decrypt, keygen, and its
//! `sandbox` and `demo` subcommands) lives in its own package, `wechatpay-coupons-cli` (`cli/`).

pub mod bills;
pub mod console;
pub mod delivery;
pub mod demo;
pub mod dir_lock;
pub mod http_client;
pub mod journal;
pub mod listen;
pub mod media;
pub mod merchant;
pub mod notify;
pub mod receiver;
pub mod request_log;
pub mod routes;
pub mod serve;
pub mod server;
pub mod sign_diagnosis;
pub mod state;
pub mod store;
pub mod util;
pub mod validation;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use wechatpay_coupons::{Clock, SystemClock};

pub use listen::{LogSink, ServerLimits};
pub use merchant::{MerchantConfig, MerchantSetup};
pub use server::Shared;

/// Errors of the sandbox itself (not API errors, which are HTTP responses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    /// A file could not be read or written.
    #[error("i/o: {0}")]
    Io(String),
    /// Key or certificate generation failed.
    #[error("key generation: {0}")]
    Keygen(String),
    /// The merchant directory or a setting is invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The server could not start.
    #[error("server: {0}")]
    Server(String),
}

/// Which key signs responses and notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningMode {
    /// Platform certificate (serial in `Wechatpay-Serial`); `/v3/certificates` serves it.
    Certificate,
    /// WeChat Pay public key (`PUB_KEY_ID_…`); `/v3/certificates` answers 404.
    #[default]
    PublicKey,
    /// Both: a response is signed with the key the request's `Wechatpay-Serial` names
    /// (certificate when absent); notifications alternate between the two keys.
    Migration,
}

impl std::str::FromStr for SigningMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "certificate" | "cert" | "platform-certificate" => Ok(Self::Certificate),
            "public-key" | "pubkey" | "public_key" => Ok(Self::PublicKey),
            "migration" => Ok(Self::Migration),
            other => Err(format!(
                "unknown signing mode {other:?} (certificate, public-key or migration)"
            )),
        }
    }
}

/// Settings of a sandbox instance.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1 (0 = ephemeral).
    pub port: u16,
    /// Merchant directory: loaded if it holds `merchant.json`, else created. It also holds the
    /// business state ([`store::DB_FILE`]), so a restart on the same directory keeps every
    /// stock, coupon, callback and the clock offset; one sandbox at a time may run on it
    /// ([`dir_lock::LOCK_FILE`]). `None` = a new directory under the system temp dir, removed
    /// when the [`SandboxHandle`] is dropped.
    pub merchant_dir: Option<PathBuf>,
    /// Merchant id when a merchant is created (default `1900000001`).
    pub mchid: Option<String>,
    /// Response and notification signing mode.
    pub mode: SigningMode,
    /// Share (0.0–1.0) of signed responses and first notification deliveries that carry a
    /// `WECHATPAY/SIGNTEST/` probe signature instead of a real one.
    pub probe_rate: f64,
    /// Requests per second per merchant before `429 FREQUENCY_LIMITED` (None = unlimited).
    pub rate_limit_per_sec: Option<u32>,
    /// Delays before each notification retry; the first delivery is immediate. Default: 9
    /// attempts in all, one minute apart (the documented COUPON.USE schedule).
    pub retry_schedule: Vec<Duration>,
    /// Timeout of one notification delivery attempt (connect, send, response head).
    pub delivery_timeout: Duration,
    /// Connection cap, read timeouts, body and media caps.
    pub limits: ServerLimits,
    /// Where log lines go (default: standard error).
    pub log: LogSink,
    /// Protocol clock (default: the system clock).
    pub clock: Arc<dyn Clock>,
    /// Lifetime of a bill download URL (default 30 s, as documented).
    pub bill_url_ttl: Duration,
    /// Bills only from 10:00 (UTC+8) of the day after the stock ended, as documented (default
    /// true); false serves them at any time.
    pub strict_bill_timing: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            merchant_dir: None,
            mchid: None,
            mode: SigningMode::PublicKey,
            probe_rate: 0.0,
            rate_limit_per_sec: None,
            retry_schedule: vec![Duration::from_secs(60); 8],
            delivery_timeout: Duration::from_secs(5),
            limits: ServerLimits::default(),
            log: listen::stderr_log(),
            clock: Arc::new(SystemClock),
            bill_url_ttl: Duration::from_secs(30),
            strict_bill_timing: true,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("port", &self.port)
            .field("merchant_dir", &self.merchant_dir)
            .field("mode", &self.mode)
            .field("probe_rate", &self.probe_rate)
            .field("rate_limit_per_sec", &self.rate_limit_per_sec)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Sequence numbers (request ids, notification ids) of one run: run `n` starts at
/// `n × SEQUENCE_PER_BOOT`, so ids never repeat across restarts on the same state.
const SEQUENCE_PER_BOOT: u64 = 1_000_000_000_000;

/// Checks that the merchant directory is a directory, creating it when it does not exist.
fn prepare_dir(dir: &Path) -> Result<(), SandboxError> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(SandboxError::Config(format!(
            "merchant directory (--dir) {}: not a directory; expected a directory for the merchant files \
             and the sandbox state, or a path where one can be created",
            dir.display()
        ))),
        Err(_) => std::fs::create_dir_all(dir).map_err(|e| {
            SandboxError::Config(format!(
                "merchant directory (--dir) {}: cannot create it ({e}); expected a directory or a path \
                 where one can be created",
                dir.display()
            ))
        }),
    }
}

/// Entry point: [`Sandbox::start`].
pub struct Sandbox;

impl Sandbox {
    /// Creates or loads the merchant, binds 127.0.0.1:`port` and serves on a background thread
    /// with its own tokio runtime. Returns once the socket is listening.
    ///
    /// When [`SandboxConfig::merchant_dir`] is `None`, the merchant is created in a new
    /// directory under the system temp dir that the handle removes when it is dropped (or shut
    /// down); a directory given in the config is kept.
    pub fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
        let (dir, temporary) = match &config.merchant_dir {
            Some(d) => (d.clone(), false),
            None => {
                let name = format!(
                    "wechatpay-sandbox-{}-{}",
                    std::process::id(),
                    wechatpay_coupons::clock::random_string(8).map_err(|e| SandboxError::Keygen(e.to_string()))?
                );
                (std::env::temp_dir().join(name), true)
            }
        };
        match Self::start_in(config, dir.clone(), temporary) {
            Ok(h) => Ok(h),
            Err(e) => {
                if temporary {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                Err(e)
            }
        }
    }

    fn start_in(config: SandboxConfig, dir: PathBuf, temporary: bool) -> Result<SandboxHandle, SandboxError> {
        prepare_dir(&dir)?;
        // Before anything in the directory is read or written: one sandbox per directory.
        let dir_lock = dir_lock::DirLock::acquire(&dir)?;
        let mut merchant = MerchantSetup::load_or_create(&dir, config.mchid.as_deref(), config.clock.now())?;
        let (store, snapshot) = store::Store::open(&dir)?;
        let (clock_offset, boot) = (snapshot.clock_offset, snapshot.boot);
        let state = state::State::restore(Arc::new(journal::Journal::new(store)), snapshot);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("wechatpay-sandbox")
            .build()
            .map_err(|e| SandboxError::Server(e.to_string()))?;
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| SandboxError::Server(format!("bind 127.0.0.1:{}: {e}", config.port)))?;
        std_listener
            .set_nonblocking(true)
            .map_err(|e| SandboxError::Server(e.to_string()))?;
        let addr = std_listener
            .local_addr()
            .map_err(|e| SandboxError::Server(e.to_string()))?;
        let base_url = format!("http://{addr}");
        merchant.set_base_url(&base_url)?;
        let shared = Arc::new(Shared::new(
            config,
            merchant,
            base_url.clone(),
            runtime.handle().clone(),
        ));
        *server::lock(&shared.state) = state;
        shared
            .clock_offset
            .store(clock_offset, std::sync::atomic::Ordering::SeqCst);
        // Request and notification ids of this run continue past those of every earlier run.
        shared.continue_sequence(boot.saturating_mul(SEQUENCE_PER_BOOT));
        let (tx, rx) = tokio::sync::watch::channel(false);
        let app = server::router(shared.clone());
        let serving = shared.clone();
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener).map_err(|e| SandboxError::Server(e.to_string()))?
        };
        let thread = std::thread::Builder::new()
            .name("wechatpay-sandbox-main".into())
            .spawn(move || {
                runtime.block_on(listen::serve(listener, app, serving, rx));
                runtime.shutdown_timeout(Duration::from_secs(2));
            })
            .map_err(|e| SandboxError::Server(e.to_string()))?;
        Ok(SandboxHandle {
            base_url,
            merchant_dir: dir,
            temporary,
            dir_lock: Some(dir_lock),
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

/// A running sandbox. Dropping it shuts the server down.
pub struct SandboxHandle {
    base_url: String,
    merchant_dir: PathBuf,
    /// Remove `merchant_dir` when stopped (it was created under the temp dir).
    temporary: bool,
    /// Held until the server has stopped.
    dir_lock: Option<dir_lock::DirLock>,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Directory holding `merchant.json` and the key files (removed on drop when it was created
    /// under the temp dir, see [`SandboxConfig::merchant_dir`]).
    pub fn merchant_dir(&self) -> &Path {
        &self.merchant_dir
    }

    /// Path of `merchant.json`.
    pub fn merchant_config_path(&self) -> PathBuf {
        self.merchant_dir.join(merchant::CONFIG_FILE)
    }

    /// The merchant config as written.
    pub fn merchant(&self) -> &MerchantConfig {
        &self.shared.merchant.config
    }

    /// The shared state (for in-process inspection in tests).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Blocks until the server stops (for the `sandbox` command; stop with Ctrl-C).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops the server and waits for it.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        drop(self.dir_lock.take());
        if std::mem::take(&mut self.temporary) {
            let _ = std::fs::remove_dir_all(&self.merchant_dir);
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
