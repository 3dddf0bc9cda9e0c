//! The notification receiver: an axum route that hands the headers (`Headers::try_from`) and
//! the raw body to the core and answers with its `Acknowledgement` (`http::Response::from`).

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use wechatpay_coupons::favor::events::{CouponEvent, CouponUseEvent};
use wechatpay_coupons::{Acknowledgement, Client, Error, Headers};

struct Handler {
    client: Arc<Client>,
    events: mpsc::Sender<CouponUseEvent>,
}

async fn notify(State(handler): State<Arc<Handler>>, headers: http::HeaderMap, body: Bytes) -> http::Response<Body> {
    let result = Headers::try_from(&headers)
        .map_err(Error::from)
        .and_then(|headers| handler.client.favor().parse_coupon_notification(&headers, &body));
    let ack = Acknowledgement::for_result(&result);
    if let Ok(CouponEvent::CouponUse { event, .. }) = result {
        let _ = handler.events.send(event);
    }
    http::Response::from(ack).map(Body::from)
}

/// A running receiver on `127.0.0.1`; dropping it stops the server.
pub struct Receiver {
    url: String,
    events: mpsc::Receiver<CouponUseEvent>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Serves `POST /wechatpay/notify` on an ephemeral loopback port.
    pub fn start(client: Arc<Client>) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}/wechatpay/notify", listener.local_addr()?);
        let (tx, events) = mpsc::channel();
        let app = axum::Router::new()
            .route("/wechatpay/notify", axum::routing::post(notify))
            .with_state(Arc::new(Handler { client, events: tx }));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(Self {
            url,
            events,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The notify URL to register with `set_callback`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next verified, decrypted `COUPON.USE` event, waiting at most `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Option<CouponUseEvent> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
