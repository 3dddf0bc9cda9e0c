//! # wechatpay-coupons
//!
//! A sans-IO core for WeChat Pay APIv3 cash coupons (代金券): typed operations in, signed HTTP
//! request descriptors out; raw HTTP responses and notifications in, verified, decrypted,
//! typed results out. It never opens a socket; time and nonces are injectable.
//!
//! ```no_run
//! use wechatpay_coupons::{Client, HttpResponse, Method};
//! # fn main() -> Result<(), wechatpay_coupons::Error> {
//! let client = Client::builder("1900000001", "5F1C72E2A8931B72A2E13AF8DEE92471EB397115")
//!     .private_key_pem(std::fs::read("apiclient_key.pem").unwrap_or_default())?
//!     .apiv3_key("0123456789abcdef0123456789abcdef")?
//!     .wechatpay_public_key("PUB_KEY_ID_0112345678901234567890123456789012",
//!                           std::fs::read("pub_key.pem").unwrap_or_default())?
//!     .build()?;
//! let req = client.request(Method::Get, "/v3/marketing/favor/stocks/123?stock_creator_mchid=1900000001", vec![])?;
//! // send `req` with any HTTP client, then:
//! # let (status, headers, body) = (200, Default::default(), Vec::new());
//! let verified = client.parse_response(&HttpResponse::new(status, headers, body))?;
//! # let _ = verified; Ok(()) }
//! ```

pub mod beijing;
pub mod certificates;
pub mod cipher;
pub mod client;
pub mod clock;
pub mod codes;
pub mod config;
pub mod crypto;
#[cfg(feature = "dynamic")]
pub mod dynamic;
pub mod error;
pub mod favor;
pub mod host;
pub mod http;
#[cfg(feature = "http")]
mod http_crate;
pub mod keys;
pub mod lenient;
pub mod multipart;
pub mod notify;
pub mod sign;
pub mod validation;
pub mod verify;

pub use client::{BACKUP_BASE_URL, Client, ClientBuilder, PRIMARY_BASE_URL, SerialPolicy, VerifiedResponse};
pub use clock::{Clock, FixedClock, FixedNonce, NonceSource, RandomNonce, SystemClock};
pub use config::{ConfigError, ConfigTrust, MerchantConfig};
pub use crypto::{BuiltinCrypto, CryptoProvider};
pub use error::{
    ApiError, BillFileError, CryptoError, DecodeError, DecryptError, Error, InputError, KeyError, Result, SignerError,
    VerifyError,
};
pub use http::{Headers, HttpRequest, HttpResponse, Method};
pub use keys::{ApiV3Key, CheckedPrivateKey, MerchantPrivateKey, PlatformCertificate, PublicKey};
pub use notify::{Acknowledgement, Notification, NotificationEnvelope};
pub use sign::{FnSigner, SignedMessage, Signer};
pub use verify::{KeyStore, Verified};
