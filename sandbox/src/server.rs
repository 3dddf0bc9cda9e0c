//! The HTTP front: request authentication like WeChat Pay's, routing, response signing.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use wechatpay_coupons::crypto::{BuiltinCrypto, CryptoProvider};
use wechatpay_coupons::http::Method;
use wechatpay_coupons::keys::{PUBLIC_KEY_ID_PREFIX, normalize_serial};
use wechatpay_coupons::sign::{AUTH_SCHEME, request_message};
use wechatpay_coupons::verify::{PROBE_PREFIX, SIGNATURE_TYPE, verify_message_bytes};

use serde::de::DeserializeOwned;
use wechatpay_coupons::favor::models::{
    CreateStockRequest, GetCallbackRequest, GetCouponRequest, GetStockRequest, ListStockItemsRequest,
    ListStockMerchantsRequest, ListStocksRequest, ListUserCouponsRequest, ModifyItemCodesRequest, PauseStockRequest,
    RefundFlowRequest, RestartStockRequest, SendCouponRequest, SetCallbackRequest, StartStockRequest, StopStockRequest,
    UseFlowRequest,
};
use wechatpay_coupons::favor::ops::Operation;

use crate::listen::{BodyError, LimitEvents, read_body};
use crate::media::MediaStore;
use crate::merchant::MerchantSetup;
use crate::state::{Caller, Query, State};
use crate::util::{ApiErr, parse_query};
use crate::{SandboxConfig, SigningMode, bills, notify, validation};

/// Nonces are remembered this long (seconds) to refuse replays.
const NONCE_WINDOW: i64 = 600;

/// Which WeChat Pay key signs a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChoice {
    /// The platform certificate's key.
    Certificate,
    /// The WeChat Pay public key.
    PublicKey,
}

/// State shared by all connections.
pub struct Shared {
    /// Settings.
    pub config: SandboxConfig,
    /// The merchant.
    pub merchant: MerchantSetup,
    /// `http://127.0.0.1:port`.
    pub base_url: String,
    /// Business state (one lock: no over-issue under concurrency).
    pub state: Mutex<State>,
    /// Seen request nonces → protocol time.
    nonces: Mutex<HashMap<String, i64>>,
    /// Rate-limit window: (second, count).
    rate: Mutex<(i64, u32)>,
    /// Business clock offset (seconds) over the protocol clock.
    pub clock_offset: AtomicI64,
    counter: AtomicU64,
    /// Notification delivery log.
    pub deliveries: Mutex<Vec<notify::Delivery>>,
    /// Bill files by token.
    pub bills: Mutex<HashMap<String, bills::BillFile>>,
    /// Runtime for background deliveries.
    pub runtime: tokio::runtime::Handle,
    /// Uploaded images (files in the merchant directory).
    pub media: MediaStore,
    /// Throttled log lines of the server's limits.
    pub events: LimitEvents,
    /// Notification delivery attempts in flight (at most `limits.max_concurrent_deliveries`).
    pub delivery_slots: Arc<tokio::sync::Semaphore>,
    /// API requests answered, for the console.
    pub requests: Mutex<crate::request_log::RequestLog>,
}

/// Locks a mutex, recovering from poisoning (state stays consistent: every transition is
/// validated before it is applied).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Builds the shared state.
    pub fn new(
        config: SandboxConfig,
        merchant: MerchantSetup,
        base_url: String,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        let limits = &config.limits;
        let media = MediaStore::open(&merchant.dir, limits.max_media_files, limits.max_media_bytes);
        let delivery_slots = Arc::new(tokio::sync::Semaphore::new(limits.max_concurrent_deliveries.max(1)));
        Self {
            media,
            events: LimitEvents::default(),
            delivery_slots,
            config,
            merchant,
            base_url,
            state: Mutex::new(State::default()),
            nonces: Mutex::new(HashMap::new()),
            rate: Mutex::new((0, 0)),
            clock_offset: AtomicI64::new(0),
            counter: AtomicU64::new(0),
            deliveries: Mutex::new(Vec::new()),
            bills: Mutex::new(HashMap::new()),
            runtime,
            requests: Mutex::new(crate::request_log::RequestLog::default()),
        }
    }

    /// Protocol time (request timestamps, signatures).
    pub fn now(&self) -> i64 {
        self.config.clock.now()
    }

    /// Business time (stock end, expiry, bills).
    pub fn business_now(&self) -> i64 {
        self.now().saturating_add(self.clock_offset.load(Ordering::SeqCst))
    }

    /// Makes the next sequence numbers follow `start` (used to continue after earlier runs).
    pub fn continue_sequence(&self, start: u64) {
        self.counter.fetch_max(start, Ordering::SeqCst);
    }

    /// A fresh sequence number.
    pub fn seq(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Whether this signature should be a probe (deterministic spread over `probe_rate`).
    pub fn take_probe(&self) -> bool {
        let rate = self.config.probe_rate;
        if rate <= 0.0 {
            return false;
        }
        if rate >= 1.0 {
            return true;
        }
        let mut b = [0u8; 4];
        if wechatpay_coupons::crypto::fill_random(&mut b).is_err() {
            return false;
        }
        (f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX)) < rate
    }

    /// Key to sign with, given the request's `Wechatpay-Serial` (validated before).
    pub fn choose_key(&self, requested: Option<&str>) -> KeyChoice {
        match self.config.mode {
            SigningMode::Certificate => KeyChoice::Certificate,
            SigningMode::PublicKey => KeyChoice::PublicKey,
            SigningMode::Migration => match requested {
                Some(s) if s.starts_with(PUBLIC_KEY_ID_PREFIX) => KeyChoice::PublicKey,
                _ => KeyChoice::Certificate,
            },
        }
    }

    /// Signature headers for `body`: `(timestamp, nonce, signature, serial)`.
    pub fn sign_headers(&self, key: KeyChoice, body: &[u8], probe: bool) -> Result<[(String, String); 4], ApiErr> {
        let ts = self.now();
        let nonce = wechatpay_coupons::clock::random_string(32)
            .map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "随机数生成失败"))?;
        let (signer, serial) = match key {
            KeyChoice::Certificate => (&self.merchant.platform_key, self.merchant.platform_cert.serial.clone()),
            KeyChoice::PublicKey => (
                &self.merchant.wechatpay_private_key,
                self.merchant.config.wechatpay_public_key_id.clone(),
            ),
        };
        let signature = if probe {
            let mut junk = [0u8; 48];
            let _ = wechatpay_coupons::crypto::fill_random(&mut junk);
            format!("{PROBE_PREFIX}{}", B64.encode(junk))
        } else {
            let sig = signer
                .sign(&verify_message_bytes(ts, &nonce, body))
                .map_err(|_| ApiErr::new(500, "SYSTEM_ERROR", "签名失败"))?;
            B64.encode(sig)
        };
        Ok([
            ("Wechatpay-Timestamp".into(), ts.to_string()),
            ("Wechatpay-Nonce".into(), nonce),
            ("Wechatpay-Signature".into(), signature),
            ("Wechatpay-Serial".into(), serial),
        ])
    }

    fn request_id(&self) -> String {
        format!("08{:010X}{:016X}", self.now(), self.seq())
    }

    /// Checks the `Authorization` of a request (all rules of apiv3-rules.md (a)): parses the
    /// header, checks mchid, serial, timestamp and the signature over `method`, `target` and
    /// `signed_body`, and remembers the nonce to refuse a replay.
    pub fn authenticate(
        &self,
        method: &str,
        target: &str,
        headers: &HeaderMap,
        signed_body: &[u8],
    ) -> Result<(), ApiErr> {
        let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
        if header("user-agent").is_none_or(str::is_empty) || header("accept").is_none_or(str::is_empty) {
            return Err(ApiErr::invalid(
                "Http头缺少Accept或User-Agent (Accept and User-Agent are required)",
            ));
        }
        let auth = header("authorization").filter(|a| !a.is_empty()).ok_or_else(|| {
            ApiErr::sign(
                "Http头Authorization值格式错误，请参考《微信支付API v3签名规则》 (Authorization header missing)",
            )
        })?;
        let params = auth
            .strip_prefix(AUTH_SCHEME)
            .filter(|r| r.starts_with(' '))
            .ok_or_else(|| ApiErr::sign(format!("Authorization 认证类型应为 {AUTH_SCHEME} (wrong scheme)")))?;
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for part in params.trim().split(',') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| ApiErr::sign(format!("Authorization 参数格式错误: {part:?}")))?;
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(|| {
                ApiErr::sign(format!(
                    "Authorization 参数 {k} 的值必须用双引号括起 (quote every value)"
                ))
            })?;
            if fields.insert(k.trim(), v).is_some() {
                return Err(ApiErr::sign(format!("Authorization 参数 {k} 重复 (duplicate)")));
            }
        }
        let get = |k: &str| {
            fields
                .get(k)
                .copied()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ApiErr::sign(format!("Authorization 缺少参数 {k} (missing {k})")))
        };
        let (mchid, nonce, ts, serial, signature) = (
            get("mchid")?,
            get("nonce_str")?,
            get("timestamp")?,
            get("serial_no")?,
            get("signature")?,
        );
        if mchid != self.merchant.config.mchid {
            return Err(ApiErr::new(
                400,
                "MCH_NOT_EXISTS",
                format!("商户号不存在 (unknown mchid {mchid})"),
            ));
        }
        let registered = &self.merchant.registered_merchant_serial();
        if normalize_serial(serial).ok().as_deref() != Some(registered.as_str()) {
            return Err(ApiErr::sign(format!(
                "商户证书序列号有误 (serial_no {serial} is not the registered merchant certificate serial)"
            )));
        }
        let ts_num: i64 = ts
            .parse()
            .ok()
            .filter(|_| ts.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiErr::sign("Authorization 中的 timestamp 应为秒级 Unix 时间 (seconds)"))?;
        let now = self.now();
        if now.abs_diff(ts_num) >= 300 {
            return Err(ApiErr::sign(format!(
                "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟 (timestamp {ts_num} is {} s from server time {now})",
                now.abs_diff(ts_num)
            )));
        }
        let Some(m) = Method::parse(method) else {
            return Err(ApiErr::new(405, "METHOD_NOT_ALLOWED", "不支持的方法"));
        };
        let message = request_message(m, target, ts_num, nonce, signed_body);
        let sig = B64
            .decode(signature)
            .map_err(|_| ApiErr::sign("签名不是有效的 base64 (signature is not base64)"))?;
        let ok = BuiltinCrypto
            .rsa_verify_sha256(&self.merchant.merchant_public_key, &message, &sig)
            .unwrap_or(false);
        if !ok {
            return Err(ApiErr::sign(
                "错误的签名，验签失败 (signature does not verify: sign METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n exactly as sent)",
            ));
        }
        {
            let mut seen = lock(&self.nonces);
            seen.retain(|_, t| now - *t < NONCE_WINDOW);
            if seen.insert(format!("{mchid}:{nonce}"), now).is_some() {
                return Err(ApiErr::sign("nonce_str 重复使用 (nonce reused: replayed request)"));
            }
        }
        if let Some(limit) = self.config.rate_limit_per_sec {
            let mut r = lock(&self.rate);
            if r.0 != now {
                *r = (now, 0);
            }
            r.1 += 1;
            if r.1 > limit {
                return Err(ApiErr::new(
                    429,
                    "FREQUENCY_LIMITED",
                    "接口限频，请稍后重试 (rate limited)",
                ));
            }
        }
        Ok(())
    }

    /// The caller of business operations: this merchant at business time.
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller {
            mchid: &self.merchant.config.mchid,
            appid: &self.merchant.config.appid,
            now: self.business_now(),
            base_url: &self.base_url,
            media: &self.media,
        }
    }
}

impl MerchantSetup {
    /// The registered merchant certificate serial, normalised.
    pub fn registered_merchant_serial(&self) -> String {
        normalize_serial(&self.config.merchant_serial).unwrap_or_default()
    }
}

/// The axum router: one dispatcher for everything.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

fn error_response(shared: &Shared, e: &ApiErr) -> Response {
    let mut r = Response::new(Body::from(e.body_json()));
    *r.status_mut() = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    set(&mut r, "Content-Type", "application/json");
    set(&mut r, "Request-ID", &shared.request_id());
    r
}

fn set(r: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

fn plain(shared: &Shared, status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    set(&mut r, "Content-Type", content_type);
    set(&mut r, "Request-ID", &shared.request_id());
    r
}

fn signed(shared: &Shared, key: KeyChoice, status: u16, value: &Value) -> Response {
    let body = if status == 204 {
        Vec::new()
    } else {
        value.to_string().into_bytes()
    };
    let headers = match shared.sign_headers(key, &body, shared.take_probe()) {
        Ok(h) => h,
        Err(e) => return error_response(shared, &e),
    };
    let mut r = plain(shared, status, "application/json", body);
    for (n, v) in headers {
        if let (Ok(n), Ok(v)) = (
            axum::http::HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            r.headers_mut().insert(n, v);
        }
    }
    set(&mut r, "Wechatpay-Signature-Type", SIGNATURE_TYPE);
    r
}

/// The answer to a body that was not read in full (the connection is closed after it: its
/// framing can no longer be trusted), with a throttled log line.
fn body_refused(shared: &Shared, e: &BodyError, method: &str, target: &str, peer: SocketAddr) -> Response {
    let limits = &shared.config.limits;
    let log = &shared.config.log;
    let target = crate::util::truncate(target, 64);
    let err = match e {
        BodyError::TooLarge => {
            shared.events.body_refused.log(log, || {
                format!(
                    "body of {method} {target} from {peer} is over {} bytes: answered 413",
                    limits.max_body_bytes
                )
            });
            ApiErr::new(
                413,
                "INVALID_REQUEST",
                format!("请求体过大 (body too large: at most {} bytes)", limits.max_body_bytes),
            )
        }
        BodyError::TimedOut => {
            shared.events.body_timeout.log(log, || {
                format!(
                    "body of {method} {target} from {peer} not received within {:?}: answered 408, connection closed",
                    limits.body_read_timeout
                )
            });
            ApiErr::new(
                408,
                "INVALID_REQUEST",
                format!(
                    "请求体接收超时 (body not received within {:?})",
                    limits.body_read_timeout
                ),
            )
        }
        BodyError::Malformed(why) => {
            shared.events.body_refused.log(log, || {
                format!("malformed body of {method} {target} from {peer}: {why}")
            });
            ApiErr::invalid(format!("请求体格式错误 (malformed body: {why})"))
        }
    };
    let mut r = error_response(shared, &err);
    set(&mut r, "Connection", "close");
    r
}

async fn dispatch(
    AxState(shared): AxState<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let body = match read_body(body, &shared.config.limits).await {
        Ok(b) => b,
        Err(e) => return body_refused(&shared, &e, &method, &target, peer),
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let path = path.to_owned();
    let query = query.to_owned();
    if path == "/openapi.json" {
        return openapi_document(&shared, &method, peer);
    }
    if let Some(rest) = path.strip_prefix("/sandbox/") {
        if !peer.ip().is_loopback() {
            return error_response(
                &shared,
                &ApiErr::new(403, "NO_AUTH", "sandbox endpoints are loopback only"),
            );
        }
        let rest = rest.to_owned();
        let s = shared.clone();
        return match tokio::task::spawn_blocking(move || {
            let r = crate::notify::sandbox_route(&s, &method, &rest, &body);
            s.sync_state().and(r)
        })
        .await
        {
            Ok(Ok(v)) => plain(&shared, 200, "application/json", v.to_string().into_bytes()),
            Ok(Err(e)) => error_response(&shared, &e),
            Err(_) => error_response(&shared, &ApiErr::new(500, "SYSTEM_ERROR", "internal error")),
        };
    }
    if let Some(id) = path.strip_prefix("/media/") {
        let found = if method == "GET" { shared.media.get(id) } else { None };
        return match found {
            Some((mime, bytes)) => plain(&shared, 200, mime, bytes),
            None => plain(&shared, 404, "application/json", Vec::new()),
        };
    }
    if crate::console::is_console_path(&path) {
        return crate::console::serve(shared, peer, &method, &path, &query, &parts.headers, body).await;
    }
    if !path.starts_with("/v3/") {
        return plain(&shared, 404, "application/json", Vec::new());
    }
    let headers = parts.headers;
    let (logged_headers, logged_body, logged_target) = (headers.clone(), body.clone(), target.clone());
    let allowed = crate::routes::allowed_methods(&path);
    let (response, response_body) = if !allowed.is_empty() && !allowed.contains(&method.as_str()) {
        // A known path with another method: 405 with an empty body, as WeChat Pay answers.
        let mut r = plain(&shared, 405, "application/json", Vec::new());
        set(&mut r, "Allow", &allowed.join(", "));
        (r, Vec::new())
    } else {
        let s = shared.clone();
        // RSA work and the state lock are blocking: keep them off the async workers.
        let result = tokio::task::spawn_blocking(move || {
            let r = api(&s, &method, &target, &path, &query, &headers, &body);
            // Nothing is answered before the state changes it shows are durable.
            s.sync_state().and(r)
        })
        .await;
        match result {
            Ok(Ok(Reply::Signed(key, status, v))) => (signed(&shared, key, status, &v), v.to_string().into_bytes()),
            Ok(Ok(Reply::File(bytes))) => {
                let summary = format!("(file, {} bytes)", bytes.len()).into_bytes();
                (plain(&shared, 200, "text/plain; charset=utf-8", bytes), summary)
            }
            Ok(Err(e)) => (error_response(&shared, &e), e.body_json()),
            Err(_) => {
                let e = ApiErr::new(500, "SYSTEM_ERROR", "internal error");
                (error_response(&shared, &e), e.body_json())
            }
        }
    };
    let answered = crate::request_log::Answered {
        method: parts.method.as_str(),
        target: &logged_target,
        headers: &logged_headers,
        body: &logged_body,
        response: &response,
        response_body: &response_body,
    };
    crate::request_log::record(&shared, &answered);
    response
}

/// The OpenAPI 3.1 document of the coupon API, as committed (generated by `cargo xtask gen`).
pub const OPENAPI_DOCUMENT: &str = include_str!("../../openapi/wechatpay-coupons.openapi.json");

/// `GET /openapi.json`: the committed document, loopback only like `/sandbox/*`.
fn openapi_document(shared: &Shared, method: &str, peer: SocketAddr) -> Response {
    if !peer.ip().is_loopback() {
        return error_response(
            shared,
            &ApiErr::new(403, "NO_AUTH", "the OpenAPI document is served to loopback only"),
        );
    }
    if method != "GET" {
        return error_response(shared, &ApiErr::new(405, "INVALID_REQUEST", "GET only"));
    }
    plain(shared, 200, "application/json", OPENAPI_DOCUMENT.as_bytes().to_vec())
}

enum Reply {
    Signed(KeyChoice, u16, Value),
    File(Vec<u8>),
}

/// The stock actions (`POST …/stocks/{stock_id}/<action>`).
const STOCK_ACTIONS: [&str; 4] = ["start", "pause", "restart", "stop"];

/// Decodes a JSON body into the typed request of operation `O` (path parameters filled in from
/// the URL) and applies the core's rules with the business clock; runs outside the state lock.
fn typed_body<O: Operation + DeserializeOwned>(
    shared: &Shared,
    body: &[u8],
    path: &[(&str, &str)],
) -> Result<O, ApiErr> {
    let received = validation::parse_object(body)?;
    let mut with_path = received.clone();
    if let Some(obj) = with_path.as_object_mut() {
        for (k, v) in path {
            obj.insert((*k).to_owned(), Value::String((*v).to_owned()));
        }
    }
    let op: O = validation::decode(&with_path, "body")?;
    let ctx = validation::context(&shared.merchant.config.mchid, shared.business_now());
    validation::check(&op, Some(&received), &ctx)?;
    Ok(op)
}

/// Builds the typed request of a GET operation `O` from the path and query and applies the
/// core's rules.
fn typed_query<O: Operation + DeserializeOwned>(
    shared: &Shared,
    path: &[(&str, &str)],
    q: &Query,
) -> Result<O, ApiErr> {
    let op: O = validation::decode_query(path, &q.0)?;
    let ctx = validation::context(&shared.merchant.config.mchid, shared.business_now());
    validation::check(&op, None, &ctx)?;
    Ok(op)
}

fn seg_ok(s: &str) -> Result<String, ApiErr> {
    crate::util::percent_decode(s).ok_or_else(|| ApiErr::invalid("路径参数编码错误 (bad percent-encoding in the path)"))
}

fn api(
    shared: &Shared,
    method: &str,
    target: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, ApiErr> {
    let is_upload = path == wechatpay_coupons::favor::media::IMAGE_UPLOAD_PATH && method == "POST";
    let upload = if is_upload {
        let ct = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Some(bills::parse_multipart(ct, body)?)
    } else {
        None
    };
    let signed_body: &[u8] = upload.as_ref().map_or(body, |u| u.meta.as_slice());
    shared.authenticate(method, target, headers, signed_body)?;

    let requested = headers
        .get("wechatpay-serial")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(r) = requested {
        let known_pub = r == shared.merchant.config.wechatpay_public_key_id;
        let known_cert = normalize_serial(r).ok().as_deref() == Some(shared.merchant.platform_cert.serial.as_str());
        let allowed = match shared.config.mode {
            SigningMode::Certificate => known_cert,
            SigningMode::PublicKey => known_pub,
            SigningMode::Migration => known_cert || known_pub,
        };
        if !allowed {
            return Err(ApiErr::invalid(format!(
                "Wechatpay-Serial {r} 不是可用的微信支付公钥ID或平台证书序列号 (names no key of this merchant)"
            )));
        }
    }
    let key = shared.choose_key(requested);
    let q = Query(parse_query(query).ok_or_else(|| ApiErr::invalid("查询参数编码错误 (bad percent-encoding)"))?);
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let c = shared.caller();
    let ok = |v: Value| Ok(Reply::Signed(key, 200, v));
    match (method, segs.as_slice()) {
        ("GET", ["v3", "certificates"]) => {
            if shared.config.mode == SigningMode::PublicKey {
                return Err(ApiErr::not_found(
                    "无可用的平台证书，请使用微信支付公钥 (no platform certificate: use the WeChat Pay public key)",
                ));
            }
            ok(bills::certificates_body(shared)?)
        }
        ("GET", ["v3", "billdownload", "file"]) => {
            let token = q.required("token", 256)?;
            bills::download(shared, token).map(Reply::File)
        }
        ("POST", ["v3", "marketing", "favor", "media", "image-upload"]) => match upload {
            Some(u) => ok(bills::store_image(shared, u)?),
            None => Err(ApiErr::invalid("multipart 请求体缺失")),
        },
        ("POST", ["v3", "marketing", "favor", "coupon-stocks"]) => {
            let req: CreateStockRequest = typed_body(shared, body, &[])?;
            ok(lock(&shared.state).create_stock(c, &req)?)
        }
        ("POST", ["v3", "marketing", "favor", "stocks", id, action]) if STOCK_ACTIONS.contains(action) => {
            let id = seg_ok(id)?;
            let path = [("stock_id", id.as_str())];
            let creator = match *action {
                "start" => typed_body::<StartStockRequest>(shared, body, &path)?.stock_creator_mchid,
                "pause" => typed_body::<PauseStockRequest>(shared, body, &path)?.stock_creator_mchid,
                "restart" => typed_body::<RestartStockRequest>(shared, body, &path)?.stock_creator_mchid,
                _ => typed_body::<StopStockRequest>(shared, body, &path)?.stock_creator_mchid,
            };
            ok(lock(&shared.state).transition(c, &id, action, &creator)?)
        }
        ("POST", ["v3", "marketing", "favor", "stocks", id, "modify-goods-id"]) => {
            let id = seg_ok(id)?;
            let req: ModifyItemCodesRequest = typed_body(shared, body, &[("stock_id", &id)])?;
            ok(lock(&shared.state).modify_items(c, &req)?)
        }
        ("POST", ["v3", "marketing", "favor", "users", openid, "coupons"]) => {
            let openid = seg_ok(openid)?;
            let req: SendCouponRequest = typed_body(shared, body, &[("openid", &openid)])?;
            ok(lock(&shared.state).send_coupon(c, &req)?)
        }
        ("GET", ["v3", "marketing", "favor", "stocks"]) => {
            let req: ListStocksRequest = typed_query(shared, &[], &q)?;
            ok(lock(&shared.state).list_stocks(c, &req)?)
        }
        ("GET", ["v3", "marketing", "favor", "stocks", id]) => {
            let id = seg_ok(id)?;
            let req: GetStockRequest = typed_query(shared, &[("stock_id", &id)], &q)?;
            ok(lock(&shared.state).get_stock(c, &req)?)
        }
        ("GET", ["v3", "marketing", "favor", "stocks", id, "merchants"]) => {
            let id = seg_ok(id)?;
            let r: ListStockMerchantsRequest = typed_query(shared, &[("stock_id", &id)], &q)?;
            ok(lock(&shared.state).stock_list_field(&id, &r.stock_creator_mchid, r.offset, r.limit, false)?)
        }
        ("GET", ["v3", "marketing", "favor", "stocks", id, "items"]) => {
            let id = seg_ok(id)?;
            let r: ListStockItemsRequest = typed_query(shared, &[("stock_id", &id)], &q)?;
            ok(lock(&shared.state).stock_list_field(&id, &r.stock_creator_mchid, r.offset, r.limit, true)?)
        }
        ("GET", ["v3", "marketing", "favor", "stocks", id, "use-flow"]) => {
            let id = seg_ok(id)?;
            let req: UseFlowRequest = typed_query(shared, &[("stock_id", &id)], &q)?;
            ok(bills::flow_url(shared, &req.stock_id, true)?)
        }
        ("GET", ["v3", "marketing", "favor", "stocks", id, "refund-flow"]) => {
            let id = seg_ok(id)?;
            let req: RefundFlowRequest = typed_query(shared, &[("stock_id", &id)], &q)?;
            ok(bills::flow_url(shared, &req.stock_id, false)?)
        }
        ("GET", ["v3", "marketing", "favor", "users", openid, "coupons"]) => {
            let openid = seg_ok(openid)?;
            let req: ListUserCouponsRequest = typed_query(shared, &[("openid", &openid)], &q)?;
            ok(lock(&shared.state).user_coupons(c, &req)?)
        }
        ("GET", ["v3", "marketing", "favor", "users", openid, "coupons", coupon_id]) => {
            let (openid, coupon_id) = (seg_ok(openid)?, seg_ok(coupon_id)?);
            let req: GetCouponRequest = typed_query(shared, &[("openid", &openid), ("coupon_id", &coupon_id)], &q)?;
            ok(lock(&shared.state).get_coupon(c, &req)?)
        }
        ("POST", ["v3", "marketing", "favor", "callbacks"]) => {
            let req: SetCallbackRequest = typed_body(shared, body, &[])?;
            ok(lock(&shared.state).set_callback(c, &req)?)
        }
        ("GET", ["v3", "marketing", "favor", "callbacks"]) => {
            let req: GetCallbackRequest = typed_query(shared, &[], &q)?;
            ok(lock(&shared.state).get_callback(c, &req)?)
        }
        _ => Err(ApiErr::new(
            404,
            "NOT_FOUND",
            format!("no such endpoint: {method} {path}"),
        )),
    }
}

/// Answers used by tests: the JSON of an error as the sandbox sends it.
pub fn error_json(e: &ApiErr) -> Value {
    serde_json::from_slice(&e.body_json()).unwrap_or(json!({}))
}
