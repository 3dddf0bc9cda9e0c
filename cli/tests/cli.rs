//! CLI tests: the `wechatpay-coupons` binary run as a user would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wechatpay-coupons"))
}

/// Removes its directory when dropped (also when the test panics).
struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh directory under the temp dir and the guard that removes it.
fn tmp(name: &str) -> (std::path::PathBuf, Cleanup) {
    let d = std::env::temp_dir().join(format!("wcp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    (d.clone(), Cleanup(d))
}

#[test]
fn demo_runs_and_exits_zero() {
    for mode in ["public-key", "certificate", "migration"] {
        let out = bin().args(["demo", "--users", "2", "--mode", mode]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{mode}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("receive COUPON.USE (verified, decrypted)"));
        assert!(stdout.contains("download use-flow bill, check SHA-1, parse"));
        assert!(stdout.contains("summary:"));
        assert!(stdout.contains("0 validation warning(s)"), "{stdout}");
        // The demo's merchant directory under the temp dir is gone once it exits.
        let files = stdout
            .lines()
            .find_map(|l| l.split_once("files in ").map(|(_, d)| d.trim().to_owned()))
            .unwrap();
        assert!(!std::path::Path::new(&files).exists(), "{files} left behind");
    }
}

#[test]
fn keygen_sign_verify_decrypt() {
    let (dir, _cleanup) = tmp("tools");
    let out = bin().args(["keygen", "--out"]).arg(&dir).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let serial = stdout
        .lines()
        .find_map(|l| l.strip_prefix("serial:"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(!stdout.contains("PRIVATE KEY"), "keygen must not print the key");
    // keygen refuses to overwrite.
    assert!(
        !bin()
            .args(["keygen", "--out"])
            .arg(&dir)
            .output()
            .unwrap()
            .status
            .success()
    );

    let body = dir.join("body.json");
    std::fs::write(&body, br#"{"a":1}"#).unwrap();
    let out = bin()
        .args(["sign", "--mchid", "1900000001", "--serial", &serial, "--key"])
        .arg(dir.join("apiclient_key.pem"))
        .args([
            "--method",
            "POST",
            "--url",
            "https://api.mch.weixin.qq.com/v3/x?y=%2B1",
            "--timestamp",
            "1554208460",
            "--nonce",
            "N1",
            "--json",
            "--body",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["message"], "POST\n/v3/x?y=%2B1\n1554208460\nN1\n{\"a\":1}\n");
    assert!(
        v["authorization"]
            .as_str()
            .unwrap()
            .starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"N1\"")
    );

    // A bad key path: error on stderr, non-zero exit.
    let out = bin()
        .args([
            "sign",
            "--mchid",
            "1",
            "--serial",
            "A",
            "--key",
            "/nonexistent",
            "--url",
            "/v3/x",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error:"));
}

#[test]
fn verify_and_decrypt_a_real_notification() {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    use wechatpay_sandbox::{Sandbox, SandboxConfig, http_client, merchant, receiver::Receiver};

    let (dir, _cleanup) = tmp("verify");
    let sb = Sandbox::start(SandboxConfig {
        merchant_dir: Some(dir.join("m")),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .build()
        .unwrap();
    let got = Arc::new(Mutex::new(None));
    let g2 = got.clone();
    let rx = Receiver::start(
        "/n",
        Arc::new(move |h, b| {
            *g2.lock().unwrap() = Some((h.clone(), b.to_vec()));
            200
        }),
    )
    .unwrap();
    let a = http_client::agent(Duration::from_secs(5));
    let m = sb.merchant().clone();
    let call = |method, path: &str, body: serde_json::Value| {
        let req = client.request(method, path, body.to_string().into_bytes()).unwrap();
        let r = http_client::send(&a, &req).unwrap();
        serde_json::from_slice::<Value>(&client.parse_response(&r).unwrap().body).unwrap()
    };
    use wechatpay_coupons::Method::Post;
    call(
        Post,
        "/v3/marketing/favor/callbacks",
        serde_json::json!({"mchid": m.mchid, "notify_url": rx.url()}),
    );
    let now = client.now();
    let st = call(
        Post,
        "/v3/marketing/favor/coupon-stocks",
        serde_json::json!({
        "stock_name": "CLI", "belong_merchant": m.mchid,
        "available_begin_time": wechatpay_sandbox::util::rfc3339(now), "available_end_time": wechatpay_sandbox::util::rfc3339(now + 3600),
        "stock_use_rule": {"max_coupons": 5, "max_amount": 500, "max_coupons_per_user": 1, "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 200}},
        "no_cash": false, "stock_type": "NORMAL", "out_request_no": "cli1"}),
    );
    let id = st["stock_id"].as_str().unwrap();
    call(
        Post,
        &format!("/v3/marketing/favor/stocks/{id}/start"),
        serde_json::json!({"stock_creator_mchid": m.mchid}),
    );
    let c = call(
        Post,
        "/v3/marketing/favor/users/oCli/coupons",
        serde_json::json!({"stock_id": id, "out_request_no": "c1", "appid": m.appid, "stock_creator_mchid": m.mchid}),
    );
    http_client::sandbox_post(
        &a,
        &format!("{}/sandbox/use", sb.base_url()),
        &serde_json::json!({"coupon_id": c["coupon_id"]}),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let (headers, body) = loop {
        if let Some(x) = got.lock().unwrap().clone() {
            break x;
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    };
    let body_file = dir.join("notification.json");
    std::fs::write(&body_file, &body).unwrap();
    let mut cmd = bin();
    cmd.arg("verify").arg("--body").arg(&body_file);
    for name in [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Wechatpay-Serial",
    ] {
        cmd.args(["--header", &format!("{name}: {}", headers.get(name).unwrap())]);
    }
    cmd.arg("--public-key")
        .arg(sb.merchant_dir().join(&m.wechatpay_public_key_file));
    cmd.args(["--public-key-id", &m.wechatpay_public_key_id]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!(
        "verified by WeChat Pay public key {}",
        m.wechatpay_public_key_id
    )));
    // Tampered body: the exact reason on stderr.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, [&body[..], b" "].concat()).unwrap();
    let mut cmd2 = bin();
    cmd2.arg("verify").arg("--body").arg(&bad);
    for name in [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Wechatpay-Serial",
    ] {
        cmd2.args(["--header", &format!("{name}: {}", headers.get(name).unwrap())]);
    }
    cmd2.arg("--public-key")
        .arg(sb.merchant_dir().join(&m.wechatpay_public_key_file));
    cmd2.args(["--public-key-id", &m.wechatpay_public_key_id]);
    let out = cmd2.output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not verify"));
    // Decrypt.
    let out = bin()
        .args(["decrypt", "--body"])
        .arg(&body_file)
        .arg("--apiv3-key-file")
        .arg(sb.merchant_dir().join(&m.apiv3_key_file))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plain: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plain["status"], "USED");
    assert_eq!(plain["coupon_id"], c["coupon_id"]);
    let key = std::fs::read_to_string(sb.merchant_dir().join(&m.apiv3_key_file)).unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(key.trim()));
}

/// `sandbox` stops cleanly on SIGTERM and removes the merchant directory it created itself.
#[cfg(unix)]
#[test]
fn sandbox_command_stops_on_sigterm_and_cleans_up() {
    use std::io::{BufRead, BufReader};
    let mut child = bin()
        .args(["sandbox", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut dir = None;
    for line in lines.by_ref().take(20) {
        let line = line.unwrap();
        if let Some(d) = line.strip_prefix("merchant files: ") {
            dir = Some(std::path::PathBuf::from(d.trim()));
        }
        if line.starts_with("press Ctrl-C") {
            break;
        }
    }
    let dir = dir.expect("the sandbox prints where its merchant files are");
    assert!(dir.join("merchant.json").is_file());
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert!(!dir.exists(), "{} was left behind", dir.display());
}

/// `sandbox --start-time` runs the sandbox's clock from the given time: `/sandbox/clock` says so.
#[cfg(unix)]
#[test]
fn sandbox_command_takes_an_injected_start_time() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = bin()
        .args(["sandbox", "--port", "0", "--start-time", "2026-12-05T23:59:30+08:00"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut base, mut clock_line) = (None, None);
    for line in lines.by_ref().take(20) {
        let line = line.unwrap();
        if let Some(b) = line.strip_prefix("wechatpay sandbox listening on ") {
            base = Some(b.trim().to_owned());
        }
        if line.starts_with("clock: ") {
            clock_line = Some(line.clone());
        }
        if line.starts_with("press Ctrl-C") {
            break;
        }
    }
    let base = base.expect("the sandbox prints its base URL");
    assert_eq!(
        clock_line.as_deref(),
        Some("clock: started at 2026-12-05T23:59:30+08:00")
    );
    let host = base.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(host).unwrap();
    write!(
        conn,
        "GET /sandbox/clock HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let now = serde_json::from_str::<serde_json::Value>(body.trim()).unwrap()["now"]
        .as_i64()
        .unwrap_or_else(|| panic!("no time in {answer}"));
    let start = wechatpay_sandbox::util::parse_rfc3339("2026-12-05T23:59:30+08:00").unwrap();
    assert!((start..start + 60).contains(&now), "{now} is not just after {start}");
    // SIGTERM: the sandbox stops and removes the merchant directory it created.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
}

#[test]
fn demo_takes_an_injected_start_time() {
    let out = bin()
        .args(["demo", "--users", "1", "--start-time", "2026-12-05T00:30:00+08:00"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("now 2026-12-13T10:01"), "{stdout}");
    let bad = bin().args(["demo", "--start-time", "yesterday"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--start-time: expected an RFC 3339 time"));
}

/// Runs `args` with stdout a pipe whose reader is already closed (as in `… | head -c0`);
/// returns the exit status and stderr.
fn with_closed_stdout(args: &[&std::ffi::OsStr]) -> (std::process::ExitStatus, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = bin()
        .args(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Every command that prints exits quietly (status 0, nothing on stderr) when its reader has
/// gone away, instead of panicking with status 101.
#[test]
fn closed_stdout_exits_quietly() {
    use std::ffi::OsStr;
    let (dir, _cleanup) = tmp("closed-stdout");
    let d = dir.as_os_str();
    let key = dir.join("apiclient_key.pem");
    let apiv3 = dir.join("apiv3.txt");
    std::fs::write(&apiv3, "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya").unwrap();
    let keygen = [OsStr::new("keygen"), OsStr::new("--out"), d];
    let (status, stderr) = with_closed_stdout(&keygen);
    assert_eq!(status.code(), Some(0), "keygen: {stderr}");
    assert_eq!(stderr, "", "keygen");
    assert!(key.is_file());
    let sign: Vec<&OsStr> = [
        "sign",
        "--mchid",
        "1900000001",
        "--serial",
        "AB12",
        "--url",
        "/v3/x",
        "--key",
    ]
    .iter()
    .map(OsStr::new)
    .chain([key.as_os_str()])
    .collect();
    let sign_json: Vec<&OsStr> = sign.iter().copied().chain([OsStr::new("--json")]).collect();
    let decrypt: Vec<&OsStr> = [
        "decrypt",
        "--nonce",
        "abcdefghijkl",
        "--ciphertext",
        // AES-256-GCM of "{}" under the key above, associated data "", nonce "abcdefghijkl".
        "6Y07kACi6XutCRlIEE8tgUZu",
        "--apiv3-key-file",
    ]
    .iter()
    .map(OsStr::new)
    .chain([apiv3.as_os_str()])
    .collect();
    let runs: Vec<(&str, Vec<&OsStr>)> = vec![
        ("sign", sign),
        ("sign --json", sign_json),
        ("decrypt", decrypt),
        ("--help", vec![OsStr::new("--help")]),
        ("--version", vec![OsStr::new("--version")]),
        ("demo", vec![OsStr::new("demo"), OsStr::new("--users"), OsStr::new("1")]),
    ];
    for (name, args) in runs {
        let (status, stderr) = with_closed_stdout(&args);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(status.code(), Some(0), "{name}: {stderr}");
    }
}

/// Flags with a value out of range name the flag and what was expected (no "unexpected
/// argument" for a negative number, no NaN probe rate, no zero rate limit, no 0 or too many
/// demo users), before anything runs.
#[test]
fn out_of_range_flags_are_named() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &[
                "sign",
                "--mchid",
                "1",
                "--serial",
                "AB",
                "--key",
                "k.pem",
                "--url",
                "/v3/x",
                "--timestamp",
                "-5",
            ],
            "'--timestamp <TIMESTAMP>'",
            "expected Unix time in seconds, a whole number from 0",
        ),
        (
            &[
                "sign",
                "--mchid",
                "1",
                "--serial",
                "AB",
                "--key",
                "k.pem",
                "--url",
                "/v3/x",
                "--timestamp",
                "1.5",
            ],
            "'--timestamp <TIMESTAMP>'",
            "got \"1.5\"",
        ),
        (
            &["verify", "--now", "-1"],
            "'--now <NOW>'",
            "expected Unix time in seconds",
        ),
        (
            &["sandbox", "--probe-rate", "NaN"],
            "'--probe-rate <PROBE_RATE>'",
            "from 0.0 to 1.0",
        ),
        (
            &["sandbox", "--probe-rate", "inf"],
            "'--probe-rate <PROBE_RATE>'",
            "from 0.0 to 1.0",
        ),
        (
            &["sandbox", "--probe-rate", "-0.5"],
            "'--probe-rate <PROBE_RATE>'",
            "from 0.0 to 1.0",
        ),
        (
            &["sandbox", "--start-time", "yesterday"],
            "'--start-time <RFC3339>'",
            "expected an RFC 3339 time",
        ),
        (
            &["sandbox", "--rate-limit", "0"],
            "'--rate-limit <RATE_LIMIT>'",
            "a whole number from 1",
        ),
        (
            &["sandbox", "--rate-limit", "-3"],
            "'--rate-limit <RATE_LIMIT>'",
            "a whole number from 1",
        ),
        (&["demo", "--users", "0"], "'--users <USERS>'", "expected 1 to 50 users"),
        (
            &["demo", "--users", "51"],
            "'--users <USERS>'",
            "daily budget is 50.00 CNY",
        ),
        (&["demo", "--users", "200"], "'--users <USERS>'", "got 200"),
        (
            &["demo", "--users", "-1"],
            "'--users <USERS>'",
            "from 1 to 50, got \"-1\"",
        ),
    ];
    for (args, flag, expected) in cases {
        let out = bin().args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("unexpected argument"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} ran");
    }
}

/// The demo's limit is the demo stock's daily budget: the largest accepted run completes.
#[test]
fn demo_runs_with_the_most_users_it_accepts() {
    let max = wechatpay_sandbox::demo::max_users();
    assert_eq!(max, 50);
    let opts = wechatpay_sandbox::demo::DemoOptions {
        users: max,
        // 2026-12-05 23:59:30 Beijing: the sends may cross midnight, which only adds budget.
        start_time: Some(1_796_486_370),
        ..Default::default()
    };
    let mut out = Vec::new();
    let summary = wechatpay_sandbox::demo::run(&opts, &mut out)
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&out)));
    assert_eq!(summary.coupons_sent, max);
    for users in [0, max + 1] {
        let opts = wechatpay_sandbox::demo::DemoOptions {
            users,
            ..Default::default()
        };
        let e = wechatpay_sandbox::demo::run(&opts, &mut Vec::new()).unwrap_err();
        assert!(e.starts_with("users: expected 1 to 50 users"), "{e}");
    }
}

/// A broken key file in a merchant directory is named once, by its role and its file.
#[test]
fn broken_merchant_certificate_is_named_once() {
    let (dir, _cleanup) = tmp("broken-cert");
    let m = dir.join("m");
    wechatpay_sandbox::MerchantSetup::create(&m, "1900000001", 1_796_486_370).unwrap();
    let cfg: Value = serde_json::from_slice(&std::fs::read(m.join("merchant.json")).unwrap()).unwrap();
    let cert = cfg["merchant_cert_file"].as_str().unwrap();
    std::fs::write(m.join(cert), "not a certificate").unwrap();
    let out = bin().args(["sandbox", "--dir"]).arg(&m).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: merchant certificate: not a PEM document",
            m.join(cert).display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("platform certificate"), "{stderr}");
}
