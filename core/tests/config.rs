//! `Client::from_config`: a client from `merchant.json` and the key files it names, and the
//! typed errors for every way the config can be wrong.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use serde_json::{Value, json};
use wechatpay_coupons::config::CONFIG_FILE;
use wechatpay_coupons::verify::verify_message_bytes;
use wechatpay_coupons::{
    Client, ConfigError, ConfigTrust, FixedClock, Headers, KeyError, MerchantConfig, MerchantPrivateKey, Method,
    PRIMARY_BASE_URL,
};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/keys");
const MCHID: &str = "1900000001";
const SERIAL: &str = "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678";
const PUB_ID: &str = "PUB_KEY_ID_0112345678901234567890123456789012";
const PLATFORM_SERIAL: &str = "A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3";
const APIV3: &str = "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya";

/// A merchant directory under the temp dir, removed on drop.
struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Dir {
    /// The test vectors' keys copied in, and `merchant.json` = the full config patched by `patch`
    /// (a `null` in the patch removes the field).
    fn new(name: &str, patch: Value) -> Self {
        let dir = std::env::temp_dir().join(format!("wechatpay-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "merchant_key.pem",
            "merchant_cert.pem",
            "platform_cert.pem",
            "wechatpay_pub_key.pem",
        ] {
            std::fs::copy(Path::new(KEYS).join(f), dir.join(f)).unwrap();
        }
        std::fs::write(dir.join("apiv3_key.txt"), format!("{APIV3}\n")).unwrap();
        let mut config = json!({
            "mchid": MCHID,
            "appid": "wxd0000000000000001",
            "merchant_serial": SERIAL,
            "merchant_key_file": "merchant_key.pem",
            "merchant_cert_file": "merchant_cert.pem",
            "apiv3_key_file": "apiv3_key.txt",
            "platform_serial": PLATFORM_SERIAL,
            "platform_cert_file": "platform_cert.pem",
            "wechatpay_public_key_id": PUB_ID,
            "wechatpay_public_key_file": "wechatpay_pub_key.pem",
            "platform_key_file": "sandbox_platform_key.pem",
            "wechatpay_private_key_file": "sandbox_pub_key_private.pem",
            "base_url": "http://127.0.0.1:8080"
        });
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                config.as_object_mut().unwrap().remove(k);
            } else {
                config[k] = v.clone();
            }
        }
        std::fs::write(dir.join(CONFIG_FILE), serde_json::to_vec_pretty(&config).unwrap()).unwrap();
        Self(dir)
    }

    fn config(&self) -> PathBuf {
        self.0.join(CONFIG_FILE)
    }

    fn err(&self) -> ConfigError {
        Client::from_config(&self.0).expect_err("the config must be refused")
    }
}

/// A response signed with the WeChat Pay public key's private half, at time `ts`.
fn signed_by_wechatpay(ts: i64, body: &[u8]) -> Headers {
    let key = MerchantPrivateKey::from_pem(std::fs::read(Path::new(KEYS).join("wechatpay_pub_private.pem")).unwrap())
        .unwrap();
    let signature = key.sign(&verify_message_bytes(ts, "n0nce", body)).unwrap();
    [
        ("Wechatpay-Timestamp", ts.to_string()),
        ("Wechatpay-Nonce", "n0nce".to_owned()),
        ("Wechatpay-Serial", PUB_ID.to_owned()),
        (
            "Wechatpay-Signature",
            base64::engine::general_purpose::STANDARD.encode(signature),
        ),
    ]
    .into_iter()
    .collect()
}

#[test]
fn client_from_config_dir_or_file_signs_verifies_and_decrypts() {
    let d = Dir::new("ok", json!({}));
    for path in [d.0.clone(), d.config()] {
        let client = Client::from_config(&path).unwrap();
        assert_eq!(client.mchid(), MCHID);
        assert_eq!(client.merchant_serial(), SERIAL);
        assert_eq!(client.base_url(), "http://127.0.0.1:8080");
        let mut ids = client.key_store().known_ids();
        ids.sort();
        assert_eq!(ids, [PLATFORM_SERIAL.to_owned(), PUB_ID.to_owned()]);
    }
    let ts = 1_700_000_000;
    let client = Client::builder_from_config(&d.0, ConfigTrust::default())
        .unwrap()
        .clock(Arc::new(FixedClock::new(ts)))
        .build()
        .unwrap();
    // The private key signs.
    let req = client.request(Method::Get, "/v3/certificates", Vec::new()).unwrap();
    assert!(
        req.headers
            .get("authorization")
            .unwrap()
            .contains(&format!("serial_no=\"{SERIAL}\""))
    );
    // The public key verifies.
    let body = br#"{"ok":true}"#;
    let verified = client.verify(&signed_by_wechatpay(ts, body), body).unwrap();
    assert_eq!(verified.key_id, PUB_ID);
    // The APIv3 key (its trailing newline dropped) decrypts what the same key encrypted.
    let other = Client::builder(MCHID, SERIAL)
        .private_key_pem(std::fs::read(Path::new(KEYS).join("merchant_key.pem")).unwrap())
        .unwrap()
        .apiv3_key(APIV3)
        .unwrap()
        .build()
        .unwrap();
    let sealed = other.encrypt_aead("0123456789ab", "coupon", b"plain").unwrap();
    assert_eq!(
        client.decrypt_aead("0123456789ab", "coupon", &sealed).unwrap(),
        b"plain"
    );
}

#[test]
fn trust_picks_which_keys_are_loaded() {
    let d = Dir::new("trust", json!({}));
    let ids = |t: ConfigTrust| {
        Client::builder_from_config(&d.0, t)
            .unwrap()
            .build()
            .unwrap()
            .key_store()
            .known_ids()
    };
    assert_eq!(ids(ConfigTrust::new(true, false)), [PUB_ID]);
    assert_eq!(ids(ConfigTrust::new(false, true)), [PLATFORM_SERIAL]);
    assert!(ids(ConfigTrust::new(false, false)).is_empty());
}

#[test]
fn loopback_base_url_allows_http_notify_urls_and_nothing_else_does() {
    for (base, shown, allowed) in [
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080", true),
        ("http://localhost:9", "http://localhost:9", true),
        ("http://[::1]:9", "http://[::1]:9", true),
        ("http://127.example.com", "http://127.example.com", false),
        (
            "https://api2.mch.weixin.qq.com",
            "https://api2.mch.weixin.qq.com",
            false,
        ),
    ] {
        let d = Dir::new("loopback", json!({ "base_url": base }));
        let c = Client::from_config(&d.0).unwrap();
        assert_eq!((c.base_url(), c.allows_http_notify_url()), (shown, allowed), "{base}");
    }
    // Absent, null or empty: the WeChat Pay primary host.
    let absent = Dir::new("base-absent", json!({"base_url": null}));
    let empty = Dir::new("base-empty", json!({"base_url": ""}));
    let null = Dir::new("base-null", json!({"base_url": null}));
    let text = std::fs::read_to_string(null.config()).unwrap();
    std::fs::write(null.config(), text.replacen('{', "{\"base_url\": null,", 1)).unwrap();
    for d in [absent, empty, null] {
        let c = Client::from_config(&d.0).unwrap();
        assert_eq!((c.base_url(), c.allows_http_notify_url()), (PRIMARY_BASE_URL, false));
    }
}

#[test]
fn only_identity_and_private_key_are_required_and_unknown_fields_are_ignored() {
    let d = Dir::new(
        "minimal",
        json!({
            "appid": null, "merchant_cert_file": "", "apiv3_key_file": null, "platform_serial": null,
            "platform_cert_file": null, "wechatpay_public_key_id": null, "wechatpay_public_key_file": null,
            "platform_key_file": null, "wechatpay_private_key_file": null, "base_url": null,
            "comment": "added by hand", "future_field": {"nested": [1, 2]}
        }),
    );
    let c = Client::from_config(&d.0).unwrap();
    assert!(c.key_store().is_empty());
    assert_eq!(c.base_url(), PRIMARY_BASE_URL);
    let cfg = MerchantConfig::load(&d.0).unwrap();
    assert_eq!((cfg.mchid.as_str(), cfg.appid.as_str()), (MCHID, ""));
}

#[test]
fn config_shape_round_trips_as_the_sandbox_writes_it() {
    let d = Dir::new("shape", json!({}));
    let cfg = MerchantConfig::load(d.config()).unwrap();
    let written = serde_json::to_value(&cfg).unwrap();
    let original: Value = serde_json::from_slice(&std::fs::read(d.config()).unwrap()).unwrap();
    assert_eq!(written, original);
    assert_eq!(cfg.wechatpay_private_key_file, "sandbox_pub_key_private.pem");
}

#[test]
fn unreadable_or_malformed_merchant_json_names_the_file() {
    let d = Dir::new("syntax", json!({}));
    std::fs::remove_file(d.config()).unwrap();
    let ConfigError::Read { path, field, .. } = d.err() else {
        panic!("expected Read")
    };
    assert_eq!((path, field), (d.config(), None));

    std::fs::write(d.config(), b"{\"mchid\": \"1900000001\",").unwrap();
    let e = d.err();
    assert!(
        matches!(&e, ConfigError::Syntax { path, .. } if *path == d.config()),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with(&format!("{}: not a merchant config: ", d.config().display())),
        "{e}"
    );

    std::fs::write(d.config(), b"[1, 2]").unwrap();
    assert!(
        d.err().to_string().ends_with("expected a JSON object {…}"),
        "{}",
        d.err()
    );
}

#[test]
fn wrong_types_missing_and_invalid_fields_are_named() {
    let cases: &[(&str, Value, &str)] = &[
        (
            "type",
            json!({"mchid": 1900000001}),
            "field mchid: expected a string, found a number",
        ),
        (
            "type2",
            json!({"base_url": ["x"]}),
            "field base_url: expected a string, found an array",
        ),
        (
            "nomchid",
            json!({"mchid": null}),
            "field mchid is missing or empty: the merchant id",
        ),
        ("emptymchid", json!({"mchid": ""}), "field mchid is missing or empty"),
        (
            "badmchid",
            json!({"mchid": "19000-01"}),
            "field mchid is \"19000-01\": expected the merchant id: 1 to 32 decimal digits",
        ),
        (
            "noserial",
            json!({"merchant_serial": " "}),
            "field merchant_serial is missing or empty",
        ),
        (
            "badserial",
            json!({"merchant_serial": "XYZ"}),
            "field merchant_serial is \"XYZ\": expected",
        ),
        (
            "otherserial",
            json!({"merchant_serial": PLATFORM_SERIAL}),
            "field merchant_serial is \"A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3\": expected the serial of merchant_cert_file (3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678)",
        ),
        (
            "nokey",
            json!({"merchant_key_file": null}),
            "field merchant_key_file is missing or empty",
        ),
        (
            "base",
            json!({"base_url": "https://api.mch.weixin.qq.com/v3"}),
            "field base_url is \"https://api.mch.weixin.qq.com/v3\": expected an http(s):// origin",
        ),
        (
            "pubnofile",
            json!({"wechatpay_public_key_file": ""}),
            "field wechatpay_public_key_file is missing or empty",
        ),
        (
            "pubnoid",
            json!({"wechatpay_public_key_id": null}),
            "field wechatpay_public_key_id is missing or empty",
        ),
        (
            "pubbadid",
            json!({"wechatpay_public_key_id": "PUB_KEY_12"}),
            "field wechatpay_public_key_id is \"PUB_KEY_12\": expected \"PUB_KEY_ID_\" followed by decimal digits",
        ),
    ];
    for (name, patch, expected) in cases {
        let d = Dir::new(name, patch.clone());
        let text = d.err().to_string();
        let prefix = format!("{}: ", d.config().display());
        assert!(text.starts_with(&prefix), "{name}: {text}");
        assert!(
            text.contains(expected),
            "{name}: {text}\nexpected to contain: {expected}"
        );
    }
}

#[test]
fn key_file_errors_name_the_file_and_field_and_never_show_the_key() {
    // A missing file.
    let d = Dir::new("missingfile", json!({"platform_cert_file": "nope.pem"}));
    let e = d.err();
    let ConfigError::Read { path, field, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((path, *field), (&d.0.join("nope.pem"), Some("platform_cert_file")));
    assert!(
        e.to_string().starts_with(&format!(
            "cannot read {} (field platform_cert_file): ",
            d.0.join("nope.pem").display()
        )),
        "{e}"
    );

    // A certificate where the private key belongs: typed KeyError, the key file named.
    let d = Dir::new("wrongkind", json!({"merchant_key_file": "merchant_cert.pem"}));
    let e = d.err();
    assert!(
        matches!(&e, ConfigError::Key { field: "merchant_key_file", source: KeyError::WrongPemKind { .. }, path } if *path == d.0.join("merchant_cert.pem")),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("(field merchant_key_file): merchant private key"),
        "{e}"
    );

    // An APIv3 key of the wrong length: its length is told, never its text.
    let d = Dir::new("apiv3", json!({}));
    std::fs::write(d.0.join("apiv3_key.txt"), "SECRETSECRETSECRET-not-32-bytes-long\n").unwrap();
    let e = d.err();
    assert!(
        matches!(
            &e,
            ConfigError::Key {
                field: "apiv3_key_file",
                source: KeyError::ApiV3KeyLength { len: 36 },
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains("SECRET"), "{e}");

    // A PEM private key that is damaged: the message names the file, not its bytes.
    let d = Dir::new("garbage", json!({}));
    let pem = std::fs::read_to_string(d.0.join("merchant_key.pem")).unwrap();
    let body: String = pem.lines().nth(3).unwrap().to_owned();
    std::fs::write(d.0.join("merchant_key.pem"), pem.replace(&body, &body.to_lowercase())).unwrap();
    let e = d.err();
    assert!(
        matches!(
            &e,
            ConfigError::Key {
                field: "merchant_key_file",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains(&body[..20]), "{e}");
}

/// The binding layer's `from_config`: the options the file describes, checked by the same
/// loader, with the loopback rule; a bad file is the same `ConfigError`, with a stable code.
#[cfg(feature = "dynamic")]
#[test]
fn binding_options_from_config() {
    use wechatpay_coupons::dynamic::options_from_config;
    let d = Dir::new("options", json!({}));
    let o = options_from_config(&d.0).unwrap();
    assert_eq!((o.mchid.as_str(), o.merchant_serial.as_str()), (MCHID, SERIAL));
    assert_eq!(o.wechatpay_public_key_id.as_deref(), Some(PUB_ID));
    assert_eq!(o.platform_certificates().len(), 1);
    assert_eq!(o.base_url.as_deref(), Some("http://127.0.0.1:8080"));
    assert!(o.allow_http_notify_url);
    let apiv3 = o.apiv3_key.clone().unwrap();
    assert_eq!(AsRef::<[u8]>::as_ref(&apiv3), APIV3.as_bytes());
    let c = o.build().unwrap();
    assert_eq!(c.mchid(), MCHID);

    let remote = Dir::new("options-remote", json!({"base_url": "https://api.mch.weixin.qq.com/"}));
    let o = options_from_config(remote.config()).unwrap();
    assert!(!o.allow_http_notify_url);
    assert_eq!(o.base_url.as_deref(), Some("https://api.mch.weixin.qq.com"));

    let bad = Dir::new("options-bad", json!({"merchant_key_file": null}));
    let e = options_from_config(&bad.0).unwrap_err();
    assert_eq!(e.code(), "config.missing");
    assert!(e.to_string().contains("merchant_key_file"), "{e}");
}
