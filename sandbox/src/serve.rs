//! Running the simulator as a command: the `sandbox` options shared by the `wechatpay-coupons`
//! CLI (`wechatpay-coupons sandbox …`, package `wechatpay-coupons-cli`) and this crate's own
//! `wechatpay-sandbox` binary, and the loop that serves until Ctrl-C or SIGTERM.
//!
//! The `wechatpay-sandbox` binary exists so that the sandbox can be run (and killed) as a
//! separate process without the signing tools: the durability tests of this crate `kill -9` it.

use std::path::PathBuf;

use crate::{Sandbox, SandboxConfig, SigningMode};

/// Options of `wechatpay-coupons sandbox` and of `wechatpay-sandbox`.
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Merchant directory (loaded if it has merchant.json, else created).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Merchant id for a new merchant.
    #[arg(long)]
    pub mchid: Option<String>,
    /// Signing mode: public-key, certificate or migration.
    #[arg(long, default_value = "public-key")]
    pub mode: SigningMode,
    /// Share of signed messages sent as WECHATPAY/SIGNTEST/ probes (0.0–1.0).
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true, value_parser = parse_probe_rate)]
    pub probe_rate: f64,
    /// Requests per second before 429 FREQUENCY_LIMITED (1 or more; omit for no limit).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_rate_limit)]
    pub rate_limit: Option<u32>,
    /// Serve bills at any time (default: from 10:00 the day after the stock ended).
    #[arg(long)]
    pub bills_anytime: bool,
    /// Start the sandbox's clock at this RFC 3339 time instead of now (for example
    /// `2026-12-05T23:59:30+08:00`); it then runs forward in real time. Clients must take their
    /// time from the sandbox (`GET /sandbox/clock`).
    #[arg(long, value_name = "RFC3339", value_parser = parse_start_time)]
    pub start_time: Option<i64>,
}

/// Starts the sandbox, prints its base URL, mode and merchant files on stdout, and serves until
/// Ctrl-C (or SIGTERM on Unix); then stops it and removes a merchant directory it created
/// itself. The error is the message to show the user.
pub fn serve(args: ServeArgs) -> Result<(), String> {
    let ServeArgs {
        port,
        dir,
        mchid,
        mode,
        probe_rate,
        rate_limit,
        bills_anytime,
        start_time,
    } = args;
    let signals = StopSignals::install()?;
    let sb = Sandbox::start(SandboxConfig {
        port,
        merchant_dir: dir,
        mchid,
        mode,
        probe_rate,
        rate_limit_per_sec: rate_limit,
        strict_bill_timing: !bills_anytime,
        clock: match start_time {
            Some(t) => std::sync::Arc::new(crate::util::RunningClock::starting_at(t)),
            None => SandboxConfig::default().clock,
        },
        ..SandboxConfig::default()
    })
    .map_err(|e| e.to_string())?;
    say(format_args!("wechatpay sandbox listening on {}", sb.base_url()));
    say(format_args!(
        "mode: {mode:?}; merchant {} (appid {})",
        sb.merchant().mchid,
        sb.merchant().appid
    ));
    if let Some(t) = start_time {
        say(format_args!("clock: started at {}", crate::util::rfc3339(t)));
    }
    say(format_args!("merchant files: {}", sb.merchant_dir().display()));
    say(format_args!("client config:  {}", sb.merchant_config_path().display()));
    say(format_args!("press Ctrl-C to stop"));
    signals.wait()?;
    sb.shutdown();
    Ok(())
}

/// `--probe-rate`: a finite share from 0.0 to 1.0.
fn parse_probe_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "expected a share of signed messages from 0.0 to 1.0 (e.g. 0.05), got {}",
            shown(s)
        )),
    }
}

/// `--start-time`: an RFC 3339 time.
fn parse_start_time(s: &str) -> Result<i64, String> {
    crate::util::parse_rfc3339(s).ok_or_else(|| {
        format!(
            "expected an RFC 3339 time such as 2026-12-05T23:59:30+08:00, got {}",
            shown(s)
        )
    })
}

/// `--rate-limit`: requests per second, 1 or more.
fn parse_rate_limit(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "expected requests per second, a whole number from 1 to {} (omit --rate-limit for no limit), got {}",
            u32::MAX,
            shown(s)
        )),
    }
}

/// A command-line value as echoed in an error message: quoted, at most 64 characters (longer
/// values are cut and their length in characters given).
pub fn shown(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((end, _)) => format!("{:?}… ({} characters)", &s[..end], s.chars().count()),
        None => format!("{s:?}"),
    }
}

/// Ctrl-C / SIGTERM handlers, installed before the sandbox starts so an early signal is not lost.
struct StopSignals {
    rt: tokio::runtime::Runtime,
    #[cfg(unix)]
    streams: (tokio::signal::unix::Signal, tokio::signal::unix::Signal),
}

impl StopSignals {
    /// Registers the handlers.
    fn install() -> Result<Self, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot wait for signals: {e}"))?;
        #[cfg(unix)]
        let streams = {
            use tokio::signal::unix::{SignalKind, signal};
            let _guard = rt.enter();
            let int = signal(SignalKind::interrupt()).map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
            let term = signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
            (int, term)
        };
        Ok(Self {
            rt,
            #[cfg(unix)]
            streams,
        })
    }

    /// Blocks until Ctrl-C (SIGINT) or, on Unix, SIGTERM arrives.
    fn wait(self) -> Result<(), String> {
        #[cfg(unix)]
        {
            let (mut int, mut term) = self.streams;
            self.rt.block_on(async {
                tokio::select! {
                    _ = int.recv() => {},
                    _ = term.recv() => {},
                }
            });
            Ok(())
        }
        #[cfg(not(unix))]
        {
            self.rt
                .block_on(tokio::signal::ctrl_c())
                .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))
        }
    }
}

/// Prints a line; a closed stdout (e.g. a reader that went away) is not an error worth dying for.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
