//! The accept loop and its limits: a cap on open connections, a header-read timeout, the
//! settings of the body-read limits applied by the dispatcher, and throttled log lines when a
//! limit hits.
//!
//! At the cap, a new connection first makes room by closing the oldest connection that is not
//! inside a request (idle, or still sending its request head: the shape of a slowloris); only
//! when every connection is inside a request is the newcomer answered `503` and closed. So
//! half-sent requests cannot lock real clients out, and a flood never runs the process out of
//! file descriptors.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};

use crate::server::{Shared, lock};

/// Where the sandbox writes its log lines (one line per call, no trailing newline).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The default [`LogSink`]: standard error, prefixed `wechatpay-sandbox: `.
pub fn stderr_log() -> LogSink {
    Arc::new(|line| eprintln!("wechatpay-sandbox: {line}"))
}

/// Limits that keep the sandbox serving under slow or abusive clients.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Most connections open at once (default 512; lowered at start to what the open-file
    /// limit allows). At the cap the oldest connection not inside a request is closed to make
    /// room; when none is, the new one is answered `503`.
    pub max_connections: usize,
    /// Time a client has to send a complete request head, counted from the opening of the
    /// connection or the end of its previous response (default 10 s; so also the longest idle
    /// time between keep-alive requests). Then the connection is closed.
    pub header_read_timeout: Duration,
    /// Time a client has to send the whole body once the head is in (default 30 s). Then it is
    /// answered `408` and the connection is closed.
    pub body_read_timeout: Duration,
    /// Largest request body (default 3 MiB: a 2 MiB image plus multipart framing). Larger is
    /// answered `413` without reading it.
    pub max_body_bytes: usize,
    /// Most uploaded images kept in the merchant directory's `media/` folder (default 1000).
    pub max_media_files: usize,
    /// Most bytes of uploaded images kept (default 256 MiB).
    pub max_media_bytes: u64,
    /// Most notification delivery attempts in flight at once (default 64); others wait.
    pub max_concurrent_deliveries: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_body_bytes: 3 * 1024 * 1024,
            max_media_files: 1000,
            max_media_bytes: 256 * 1024 * 1024,
            max_concurrent_deliveries: 64,
        }
    }
}

/// File descriptors left for everything but client connections (files, callbacks, …).
#[cfg(unix)]
const FD_RESERVE: u64 = 128;

/// One log line per second at most for a kind of event; the others are counted and the count
/// is added to the next line.
#[derive(Debug, Default)]
pub struct Throttle {
    state: Mutex<(Option<Instant>, u64)>,
}

impl Throttle {
    /// Logs `line()` unless a line of this kind went out less than a second ago.
    pub fn log(&self, sink: &LogSink, line: impl FnOnce() -> String) {
        let more = {
            let mut s = lock(&self.state);
            if s.0.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
                s.1 += 1;
                return;
            }
            s.0 = Some(Instant::now());
            std::mem::take(&mut s.1)
        };
        let mut text = line();
        if more > 0 {
            text.push_str(&format!(" (and {more} more since the previous such line)"));
        }
        sink(&text);
    }
}

/// The throttled log lines of the server's limits.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct LimitEvents {
    /// The connection cap made room or refused a connection.
    pub cap: Throttle,
    /// A request head did not arrive in time.
    pub header_timeout: Throttle,
    /// A request body did not arrive in time.
    pub body_timeout: Throttle,
    /// A request body was too large or malformed.
    pub body_refused: Throttle,
    /// `accept` failed.
    pub accept_error: Throttle,
}

/// A connection's entry: whether it is inside a request, and how to close it.
#[derive(Debug, Default)]
struct Slot {
    in_request: AtomicUsize,
    evict: Notify,
}

/// Open connections by age (ids increase).
#[derive(Debug, Default)]
struct Registry {
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Slot>>>,
}

impl Registry {
    fn insert(&self) -> (u64, Arc<Slot>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot::default());
        lock(&self.open).insert(id, slot.clone());
        (id, slot)
    }

    fn remove(&self, id: u64) {
        lock(&self.open).remove(&id);
    }

    /// Asks the oldest connection that is not inside a request to close; false when every
    /// connection is inside one.
    fn evict_oldest_idle(&self) -> bool {
        let mut open = lock(&self.open);
        let victim = open
            .iter()
            .find(|(_, s)| s.in_request.load(Ordering::SeqCst) == 0)
            .map(|(id, _)| *id);
        match victim.and_then(|id| open.remove(&id)) {
            Some(slot) => {
                slot.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Marks a connection as inside a request while alive.
struct InRequest(Arc<Slot>);

impl InRequest {
    fn new(slot: Arc<Slot>) -> Self {
        slot.in_request.fetch_add(1, Ordering::SeqCst);
        Self(slot)
    }
}

impl Drop for InRequest {
    fn drop(&mut self) {
        self.0.in_request.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The configured cap, lowered so that connections cannot use up the open-file limit.
fn effective_cap(configured: usize, log: &LogSink) -> usize {
    let configured = configured.max(1);
    #[cfg(unix)]
    if let Ok((soft, _)) = rlimit::getrlimit(rlimit::Resource::NOFILE) {
        let room = usize::try_from(soft.saturating_sub(FD_RESERVE))
            .unwrap_or(usize::MAX)
            .max(16);
        if room < configured {
            log(&format!(
                "connection cap lowered from {configured} to {room}: the open-file limit (ulimit -n) is {soft}"
            ));
            return room;
        }
    }
    configured
}

/// Answers `503` without waiting and closes (what the client already sent is discarded first,
/// so that the close does not reset the connection before the answer is read).
fn refuse(stream: TcpStream) {
    let body = r#"{"code":"SERVICE_UNAVAILABLE","message":"系统繁忙 (every connection slot is inside a request: retry later)"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.try_write(answer.as_bytes());
    let mut sink = [0u8; 4096];
    for _ in 0..16 {
        match stream.try_read(&mut sink) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
}

/// Serves HTTP/1.1 on `listener` until `stop` turns true, then lets open connections finish
/// for up to 2 s.
pub async fn serve(listener: TcpListener, app: Router, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let limits = shared.config.limits.clone();
    let log = shared.config.log.clone();
    let cap = effective_cap(limits.max_connections, &log);
    let permits = Arc::new(Semaphore::new(cap));
    let registry = Arc::new(Registry::default());
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            a = listener.accept() => a,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                shared
                    .events
                    .accept_error
                    .log(&log, || format!("accepting a connection failed: {e}"));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) if registry.evict_oldest_idle() => {
                shared.events.cap.log(&log, || {
                    format!(
                        "connection cap ({cap}) reached: closed the oldest connection not inside a request to admit {peer}"
                    )
                });
                match tokio::time::timeout(Duration::from_secs(1), permits.clone().acquire_owned()).await {
                    Ok(Ok(p)) => p,
                    _ => {
                        refuse(stream);
                        continue;
                    }
                }
            }
            Err(_) => {
                shared.events.cap.log(&log, || {
                    format!(
                        "connection cap ({cap}) reached with every connection inside a request: refused {peer} with 503"
                    )
                });
                refuse(stream);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (id, slot) = registry.insert();
        let service = {
            let (app, slot) = (app.clone(), slot.clone());
            hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let busy = InRequest::new(slot.clone());
                let mut app = app.clone();
                async move {
                    let r = tower_service::Service::call(&mut app, req).await;
                    drop(busy);
                    r
                }
            })
        };
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let (shared, registry, log, mut stop) = (shared.clone(), registry.clone(), log.clone(), stop.clone());
        let timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            tokio::pin!(conn);
            let result: Result<(), hyper::Error> = tokio::select! {
                r = conn.as_mut() => r,
                () = slot.evict.notified() => Ok(()),
                () = async { let _ = stop.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            registry.remove(id);
            if let Err(e) = result
                && e.is_timeout()
            {
                shared.events.header_timeout.log(&log, || {
                    format!("no complete request head from {peer} within {timeout:?}: connection closed")
                });
            }
            Ok::<(), Infallible>(())
        });
    }
    // Stopped: no new connections; give the open ones up to 2 s to finish their requests.
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(2), permits.acquire_many(all)).await;
}

/// Why a request body was not read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// Longer than the cap (declared or sent).
    TooLarge,
    /// Not complete within the body-read timeout.
    TimedOut,
    /// The framing is broken (e.g. a bad chunk size); the text says how.
    Malformed(String),
}

/// Reads a request body within `limits`: refuses a declared length over the cap before reading
/// anything, stops as soon as the data sent passes it, and gives up after the body timeout.
pub async fn read_body(body: axum::body::Body, limits: &ServerLimits) -> Result<Vec<u8>, BodyError> {
    use axum::body::HttpBody as _;
    use http_body_util::BodyExt as _;
    let max = limits.max_body_bytes;
    if body.size_hint().lower() > max as u64 {
        return Err(BodyError::TooLarge);
    }
    let collect = async move {
        let mut body = body;
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| BodyError::Malformed(crate::util::truncate(&error_chain(&e), 200)))?;
            if let Ok(data) = frame.into_data() {
                if out.len().saturating_add(data.len()) > max {
                    return Err(BodyError::TooLarge);
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(out)
    };
    tokio::time::timeout(limits.body_read_timeout, collect)
        .await
        .unwrap_or(Err(BodyError::TimedOut))
}

/// An error and its sources, `: `-separated, without repeats.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
