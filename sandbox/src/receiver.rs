//! A tiny blocking HTTP endpoint on loopback that receives notifications (demo and tests).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wechatpay_coupons::Headers;

/// What the receiver got: headers, raw body and the status it answered.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request headers.
    pub headers: Headers,
    /// Raw body bytes.
    pub body: Vec<u8>,
    /// Status answered.
    pub status: u16,
}

type Handler = dyn Fn(&Headers, &[u8]) -> u16 + Send + Sync;

/// A running receiver; stops when dropped.
pub struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Listens on 127.0.0.1:0 and answers each POST with the handler's status.
    pub fn start(path: &str, handler: Arc<Handler>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}{path}", listener.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (received.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if let Some(rec) = serve_one(stream, handler.as_ref()) {
                            r.lock().unwrap_or_else(|p| p.into_inner()).push(rec);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(Self {
            url,
            received,
            stop,
            thread: Some(thread),
        })
    }

    /// The URL to register as `notify_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_one(mut stream: TcpStream, handler: &Handler) -> Option<Received> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut headers = Headers::new();
    for line in head.lines().skip(1) {
        if let Some((n, v)) = line.split_once(':') {
            headers.append(n.trim(), v.trim());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    let status = handler(&headers, &body);
    let reason = if status < 300 { "OK" } else { "Error" };
    let answer = if status < 300 {
        r#"{"code":"SUCCESS","message":"OK"}"#
    } else {
        r#"{"code":"FAIL","message":"not accepted"}"#
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    Some(Received { headers, body, status })
}
