"""Benchmark: wechatpay_coupons vs PyPI `wechatpayv3` (offline public-key mode) vs raw `cryptography`.

Measures, in one run: client construction, a signed request, verifying a response (signature
only, then signature + the body decoded into a dict), verifying + decrypting a notification, and
RSA signing throughput on 1 vs 2 threads. Prints a table with ratios (peer time / our time: >1
means we are faster) and a summary of the ratios against the goals of the benchmark issue. Each
row does the same work on every side: wechatpayv3's `_verify_signature` and the raw
`cryptography` verify do not decode the body, so they are compared with `Client.verify`; the
decoding row adds `json.loads` to theirs. Build the extension in release mode first
(`maturin develop --release` or `pip install ./bindings-python`).

    python bindings-python/bench/bench.py [--quick]
"""

from __future__ import annotations

import base64
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import wechatpay_coupons as wc

REPO = Path(__file__).resolve().parents[2]
VEC = REPO / "tests" / "vectors"
KEYS = VEC / "keys"
QUICK = "--quick" in sys.argv


def text(name: str) -> str:
    return (KEYS / name).read_text(encoding="utf-8")


def case(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((VEC / name / "case.json").read_text(encoding="utf-8"))
    return data


def bench(fn: Callable[[], Any], min_time: float = 0.4) -> float:
    """Median seconds per call over a few timed batches."""
    if QUICK:
        min_time = 0.1
    fn()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t
        if dt >= min_time / 5:
            break
        n *= 2
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t) / n)
    samples.sort()
    return samples[2]


def throughput(sign: Callable[[], Any], threads: int, total: int) -> float:
    """Signatures per second with `threads` workers sharing one client."""
    per = total // threads
    def work(_: int) -> None:
        for _ in range(per):
            sign()
    t = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    return per * threads / (time.perf_counter() - t)


def main() -> None:
    k = json.loads(text("keys.json"))
    key_pem = text("merchant_key.pem")
    pub_pem = text("wechatpay_pub_key.pem")
    resp = case("verify-ok-public-key")
    note = case("notify-coupon-use-pubkey")
    now = resp["now"]
    # wechatpayv3 requires the signature-type header (WeChat Pay sends it).
    resp["headers"]["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048"
    rbody = resp["body"].encode()
    nbody = note["body"].encode()

    def ours_client() -> wc.Client:
        return wc.Client(
            k["mchid"], k["merchant_serial"], key_pem, k["apiv3_key"],
            wechatpay_public_key_id=k["public_key_id"], wechatpay_public_key=pub_pem, now=now,
        )

    client = ours_client()

    from wechatpayv3 import WeChatPay, WeChatPayType
    from wechatpayv3.utils import build_authorization

    def peer_client() -> Any:
        return WeChatPay(
            wechatpay_type=WeChatPayType.MINIPROG, mchid=k["mchid"], private_key=key_pem,
            cert_serial_no=k["merchant_serial"], appid="wx0000000000000000", apiv3_key=k["apiv3_key"],
            public_key=pub_pem, public_key_id=k["public_key_id"],
        )

    peer = peer_client()
    core = peer._core

    raw_priv = serialization.load_pem_private_key(key_pem.encode(), None)
    raw_pub = serialization.load_pem_public_key(pub_pem.encode())
    assert isinstance(raw_priv, rsa.RSAPrivateKey) and isinstance(raw_pub, rsa.RSAPublicKey)
    aes = AESGCM(k["apiv3_key"].encode())

    path = "/v3/marketing/favor/stocks/17512345?stock_creator_mchid=1900000001"
    body_json = {"stock_creator_mchid": "1900000001"}

    def raw_sign_request() -> str:
        msg = f"GET\n{path}\n{now}\nNONCE\n\n".encode()
        return base64.b64encode(raw_priv.sign(msg, padding.PKCS1v15(), hashes.SHA256())).decode()

    def raw_verify(headers: Dict[str, str], body: bytes) -> None:
        msg = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
        raw_pub.verify(base64.b64decode(headers["Wechatpay-Signature"]), msg, padding.PKCS1v15(), hashes.SHA256())

    def raw_notify() -> bytes:
        raw_verify(note["headers"], nbody)
        r = json.loads(nbody)["resource"]
        return aes.decrypt(r["nonce"].encode(), base64.b64decode(r["ciphertext"]), r["associated_data"].encode())

    assert core._verify_signature(resp["headers"], resp["body"])
    assert core.callback(note["headers"], note["body"])["resource"]["coupon_id"]

    rows: List[Tuple[str, Optional[float], Optional[float], Optional[float]]] = []
    rows.append(("client construction", bench(ours_client), bench(peer_client),
                 bench(lambda: serialization.load_pem_private_key(key_pem.encode(), None))))
    rows.append((
        "signed request (ours: whole Request; peer: Authorization header)",
        bench(lambda: client.get_stock(stock_id="17512345", stock_creator_mchid="1900000001")),
        bench(lambda: build_authorization(path, "GET", k["mchid"], k["merchant_serial"], core._private_key)),
        bench(raw_sign_request),
    ))
    rows.append((
        "signed POST with JSON body",
        bench(lambda: client.start_stock(stock_id="17512345", **body_json)),
        bench(lambda: build_authorization("/v3/marketing/favor/stocks/17512345/start", "POST", k["mchid"],
                                          k["merchant_serial"], core._private_key, body_json)),
        None,
    ))
    def peer_verify_decode() -> Any:
        assert core._verify_signature(resp["headers"], resp["body"])
        return json.loads(resp["body"])

    def raw_verify_decode() -> Any:
        raw_verify(resp["headers"], rbody)
        return json.loads(rbody)

    verify_row = (
        "verify a response (signature only; ours: Client.verify)",
        bench(lambda: client.verify(resp["headers"], rbody)),
        bench(lambda: core._verify_signature(resp["headers"], resp["body"])),
        bench(lambda: raw_verify(resp["headers"], rbody)),
    )
    decode_row = (
        "verify + decode a response (ours: parse_response; others: + json.loads)",
        bench(lambda: client.parse_response(200, resp["headers"], rbody)),
        bench(peer_verify_decode),
        bench(raw_verify_decode),
    )
    notify_row = (
        "verify + decrypt a notification",
        bench(lambda: client.parse_notification(note["headers"], nbody)),
        bench(lambda: core.callback(note["headers"], note["body"])),
        bench(raw_notify),
    )
    rows += [verify_row, decode_row, notify_row]

    total = 200 if QUICK else 1000
    ours_sign = lambda: client.sign("GET", "https://api.mch.weixin.qq.com" + path)  # noqa: E731
    peer_sign = lambda: build_authorization(path, "GET", k["mchid"], k["merchant_serial"], core._private_key)  # noqa: E731
    tp = {
        name: (throughput(fn, 1, total), throughput(fn, 2, total))
        for name, fn in (("ours", ours_sign), ("wechatpayv3", peer_sign), ("cryptography", raw_sign_request))
    }

    def us(x: Optional[float]) -> str:
        return "—" if x is None else f"{x * 1e6:,.1f} µs"

    def ratio(peer_t: Optional[float], ours_t: Optional[float]) -> str:
        return "—" if peer_t is None or ours_t is None else f"{peer_t / ours_t:.2f}×"

    print(f"wechatpay_coupons {wc.__version__} ({wc.CRYPTO_BACKEND}) vs wechatpayv3 vs cryptography; "
          f"median per call; ratio = other / ours (>1: ours faster)\n")
    print("| operation | ours | wechatpayv3 | raw cryptography | vs wechatpayv3 | vs cryptography |")
    print("|---|---|---|---|---|---|")
    for name, o, p, r in rows:
        print(f"| {name} | {us(o)} | {us(p)} | {us(r)} | {ratio(p, o)} | {ratio(r, o)} |")
    def goal(label: str, row: Tuple[str, Optional[float], Optional[float], Optional[float]], target: float) -> None:
        _, o, p, r = row
        assert o is not None and p is not None and r is not None
        met = "met" if p / o >= target else "NOT met"
        print(f"- {label}: {p / o:.2f}× wechatpayv3 (goal ≥ {target:g}×: {met}), "
              f"{r / o:.2f}× raw cryptography; ours {us(o)}, wechatpayv3 {us(p)}, cryptography {us(r)}")

    print()
    print("Ratios against the goals (other / ours):")
    goal("verification (signature only)", verify_row, 1.5)
    goal("verification + decoding into a dict", decode_row, 1.5)
    goal("notification (verify + decrypt + decode)", notify_row, 2.0)
    construction = rows[0]
    assert construction[1] is not None and construction[2] is not None
    print(f"- construction: {construction[2] / construction[1]:.1f}× wechatpayv3 (goal ≥ 20×)")
    print("  The floor of a response verification is the RSA-2048 verification itself: raw "
          "`cryptography` (OpenSSL) is the cryptography column above; the core's aws-lc-rs "
          "verification is `cargo bench -p wechatpay-coupons --bench core` (verify_response).")
    print()
    print("| signing throughput (sign/s) | 1 thread | 2 threads | scaling |")
    print("|---|---|---|---|")
    for name, (one, two) in tp.items():
        print(f"| {name} | {one:,.0f} | {two:,.0f} | {two / one:.2f}× |")


if __name__ == "__main__":
    main()
