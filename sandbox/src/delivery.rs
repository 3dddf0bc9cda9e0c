//! Delivery of notifications to the merchant's callback: async HTTP/1.1 on the sandbox's
//! runtime (no blocking thread is held while a callback is slow), a timeout per attempt, a cap
//! on attempts in flight, and the loopback rule for `http://` callbacks.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use hyper_util::rt::TokioIo;
use wechatpay_coupons::verify::SIGNATURE_TYPE;

use crate::SigningMode;
use crate::notify::{Attempt, record};
use crate::server::{KeyChoice, Shared, lock};

/// Whether the authority that starts `rest` (a URL after `http://`) names a loopback host:
/// a literal address in 127.0.0.0/8, `[::1]`, or `localhost` (any case), with an optional
/// numeric port and no user info. `127.example.com` is a name, not a loopback address.
pub fn is_loopback_authority(rest: &str) -> bool {
    loopback_addrs(rest).is_some()
}

/// The authority of `rest` (text before the first `/`, `?` or `#`).
fn authority(rest: &str) -> &str {
    rest.split(['/', '?', '#']).next().unwrap_or_default()
}

/// The addresses a loopback authority stands for (`localhost` → 127.0.0.1 and ::1, never a
/// name lookup); `None` when the authority is not a loopback one.
fn loopback_addrs(rest: &str) -> Option<Vec<SocketAddr>> {
    let auth = authority(rest);
    if auth.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = auth.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after)
    } else {
        match auth.split_once(':') {
            Some((h, _)) => (h, &auth[h.len()..]),
            None => (auth, ""),
        }
    };
    let port = match port {
        "" => 80,
        p => {
            let digits = p.strip_prefix(':')?;
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u16>().ok()?
        }
    };
    if host.eq_ignore_ascii_case("localhost") {
        return Some(vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ]);
    }
    let ip: IpAddr = if auth.starts_with('[') {
        IpAddr::V6(host.parse::<Ipv6Addr>().ok()?)
    } else {
        IpAddr::V4(host.parse::<Ipv4Addr>().ok()?)
    };
    ip.is_loopback().then(|| vec![SocketAddr::new(ip, port)])
}

/// Where an attempt goes.
#[derive(Debug, Clone)]
struct Target {
    /// The `Host` header.
    host: String,
    /// Addresses to try in order.
    addrs: Vec<SocketAddr>,
    /// Request target (path).
    path: String,
}

fn target(url: &str) -> Result<Target, String> {
    if url.starts_with("https://") {
        return Err(
            "https callbacks are not delivered by the sandbox (it has no TLS client): register an http:// URL on 127.0.0.1, [::1] or localhost".into(),
        );
    }
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "the callback URL is not http:// or https://".to_owned())?;
    let addrs = loopback_addrs(rest)
        .ok_or_else(|| "http callbacks are delivered only to 127.0.0.0/8, [::1] or localhost".to_owned())?;
    let host = authority(rest).to_owned();
    let path = match &rest[host.len()..] {
        "" => "/".to_owned(),
        p => p.to_owned(),
    };
    Ok(Target { host, addrs, path })
}

/// Delivers `body` to `url` with the configured retries; records every attempt in the log at
/// `index`.
pub async fn deliver(shared: Arc<Shared>, index: usize, url: String, body: Vec<u8>) {
    let attempts = shared.config.retry_schedule.len() + 1;
    let target = target(&url);
    for attempt in 0..attempts {
        if attempt > 0 {
            let delay = shared.config.retry_schedule[attempt - 1];
            tokio::time::sleep(delay).await;
        }
        let Ok(_slot) = shared.delivery_slots.clone().acquire_owned().await else {
            return;
        };
        let key = match shared.config.mode {
            SigningMode::Certificate => KeyChoice::Certificate,
            SigningMode::PublicKey => KeyChoice::PublicKey,
            SigningMode::Migration if shared.seq().is_multiple_of(2) => KeyChoice::PublicKey,
            SigningMode::Migration => KeyChoice::Certificate,
        };
        // Probes only on first deliveries: the retry carries a real signature, as WeChat Pay does.
        let probe = attempt == 0 && shared.take_probe();
        let at = shared.now();
        let headers = match shared.sign_headers(key, &body, probe) {
            Ok(h) => h,
            Err(e) => {
                let a = Attempt {
                    at,
                    status: None,
                    error: Some(e.message),
                    probe,
                    serial: String::new(),
                    latency_ms: 0,
                };
                record(&shared, index, a, false);
                continue;
            }
        };
        let serial = headers[3].1.clone();
        let request_id = format!("NOTIFY-{:016}", shared.seq());
        let timeout = shared.config.delivery_timeout;
        let sent = std::time::Instant::now();
        let result = match &target {
            Ok(t) => post(t, &headers, &request_id, &body, timeout).await,
            Err(e) => Err(e.clone()),
        };
        let (status, error) = match result {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e)),
        };
        let ok = matches!(status, Some(200 | 204));
        let a = Attempt {
            at,
            status,
            error,
            probe,
            serial,
            latency_ms: u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        record(&shared, index, a, ok);
        if ok {
            return;
        }
    }
    if let Some(d) = lock(&shared.deliveries).get_mut(index) {
        d.gave_up = true;
    }
}

/// One attempt: connect, send, read the status line, all within `timeout`; the connection is
/// closed afterwards.
async fn post(
    t: &Target,
    headers: &[(String, String); 4],
    request_id: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<u16, String> {
    let mut builder = Request::post(t.path.as_str())
        .header("Host", t.host.as_str())
        .header("Content-Type", "application/json")
        .header("User-Agent", "Mozilla/4.0 (wechatpay-sandbox notifier)")
        .header("Request-ID", request_id)
        .header("Wechatpay-Signature-Type", SIGNATURE_TYPE)
        .header("Connection", "close");
    for (n, v) in headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    let request = builder
        .body(Body::from(body.to_vec()))
        .map_err(|e| format!("building the request: {e}"))?;
    let exchange = async {
        let mut last = String::from("no address");
        let mut stream = None;
        for addr in &t.addrs {
            match tokio::net::TcpStream::connect(addr).await {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = format!("connect {addr}: {e}"),
            }
        }
        let stream = stream.ok_or(last)?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Body>(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::pin!(conn);
        let sent = sender.send_request(request);
        tokio::pin!(sent);
        tokio::select! {
            biased;
            r = &mut sent => r.map(|resp| resp.status().as_u16()).map_err(|e| e.to_string()),
            r = &mut conn => match r {
                Err(e) => Err(e.to_string()),
                // The connection ended first: the answer, if any, is ready.
                Ok(()) => sent.await.map(|resp| resp.status().as_u16()).map_err(|e| e.to_string()),
            },
        }
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {timeout:?} (timeout)")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_literal_loopback_addresses_and_localhost_are_loopback() {
        for yes in [
            "127.0.0.1/n",
            "127.0.0.1:8080/n",
            "127.255.3.4/n",
            "localhost/n",
            "LocalHost:9/n",
            "[::1]/n",
            "[::1]:65535/n",
        ] {
            assert!(is_loopback_authority(yes), "{yes}");
        }
        for no in [
            "127.example.com/n",
            "127.0.0.1.nip.io/n",
            "localhost.example.com/n",
            "127.0.0.1@evil.example/n",
            "evil.example@127.0.0.1/n",
            "127.1/n",
            "0177.0.0.1/n",
            "127.0.0.1:80x/n",
            "127.0.0.1:99999/n",
            "127.0.0.1:/n",
            "[::ffff:8.8.8.8]/n",
            "[::2]/n",
            "10.0.0.1/n",
            "[/n",
            "/n",
        ] {
            assert!(!is_loopback_authority(no), "{no}");
        }
    }

    #[test]
    fn targets() {
        let t = target("http://localhost:8080/cb/x").unwrap();
        assert_eq!(
            (t.host.as_str(), t.path.as_str(), t.addrs.len()),
            ("localhost:8080", "/cb/x", 2)
        );
        let t = target("http://[::1]:9/n").unwrap();
        assert_eq!(t.addrs, vec!["[::1]:9".parse().unwrap()]);
        assert!(target("https://example.com/n").unwrap_err().contains("no TLS"));
        assert!(target("http://127.example.com/n").unwrap_err().contains("127.0.0.0/8"));
    }
}
