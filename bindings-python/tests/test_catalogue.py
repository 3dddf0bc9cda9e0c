"""Runs the shared bad-input catalogue (tests/bad-inputs/catalogue.json) through the Python API.

Every case must raise a ``WechatPayError`` of the listed ``kind`` whose message names what the
case lists, stays within ``max_len`` and contains no secret. The Rust runner is
core/tests/bad_input_catalogue.rs.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import wechatpay_coupons as wc

REPO = Path(__file__).resolve().parents[2]
KEYS = REPO / "tests" / "vectors" / "keys"
CATALOGUE: Dict[str, Any] = json.loads((REPO / "tests" / "bad-inputs" / "catalogue.json").read_text(encoding="utf-8"))
DEFAULTS: Dict[str, Any] = CATALOGUE["client"]

# Cases the Python binding cannot run yet, with the reason (none at present).
SKIPS: Dict[str, str] = {}


def key_text(name: str) -> str:
    return (KEYS / name).read_text(encoding="utf-8")


def expand(v: Any) -> Any:
    """Expands {now}, {public_key_id} and {repeat:C:N} in every string."""
    if isinstance(v, str):
        s = v.replace("{now}", str(DEFAULTS["now"])).replace("{public_key_id}", DEFAULTS["wechatpay_public_key_id"])
        return re.sub(r"\{repeat:(.):(\d+)\}", lambda m: m.group(1) * int(m.group(2)), s)
    if isinstance(v, list):
        return [expand(x) for x in v]
    if isinstance(v, dict):
        return {k: expand(x) for k, x in v.items()}
    return v


def secrets() -> List[str]:
    out: List[str] = list(CATALOGUE["secrets"]["strings"])
    for f in CATALOGUE["secrets"]["pem_files"]:
        out += [line for line in key_text(f).splitlines() if not line.startswith("-----") and len(line) >= 16]
    return out


def make_client(case: Dict[str, Any]) -> wc.Client:
    c = dict(DEFAULTS)
    c.update(case.get("client", {}))
    kwargs: Dict[str, Any] = {
        "wechatpay_public_key_id": c["wechatpay_public_key_id"],
        "wechatpay_public_key": key_text(c["wechatpay_public_key"]),
        "now": c["now"],
        "allow_http_notify_url": bool(c.get("allow_http_notify_url", False)),
    }
    if c.get("private_key") is not None:
        kwargs["private_key"] = key_text(c["private_key"])
    if c.get("apiv3_key") is not None:
        kwargs["apiv3_key"] = c["apiv3_key"]
    if c.get("base_url") is not None:
        kwargs["base_url"] = c["base_url"]
    if "nonce" in c:
        kwargs["nonce"] = c["nonce"]
    if c.get("signer_returns_bytes") is not None:
        n = int(c["signer_returns_bytes"])
        kwargs["signer"] = lambda message: b"\x07" * n
    return wc.Client(c["mchid"], c["merchant_serial"], **kwargs)


def signature(message: str) -> str:
    key = serialization.load_pem_private_key(key_text(DEFAULTS["response_signing_key"]).encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def headers(pairs: List[List[str]], sig: str = "") -> List[Tuple[str, str]]:
    return [(n, v.replace("{signature}", sig)) for n, v in pairs]


def run(case: Dict[str, Any]) -> None:
    client = make_client(case)
    action = case["action"]
    if action == "client":
        return
    if action == "sign":
        client.sign(case["method"], case["url"], case["body"].encode())
    elif action == "sign_repeatedly":
        for _ in range(case["times"] - 1):
            client.sign(case["method"], case["url"])
        client.sign(case["method"], case["url"])
    elif action == "build":
        getattr(client, case["operation"])(case["params"])
    elif action == "request":
        client.request(case["method"], case["path"])
    elif action == "verify":
        client.verify(headers(case["headers"], signature(case["signed_message"])), case["body"].encode())
    elif action == "parse_response":
        client.parse_response(case["status"], headers(case["headers"]), case["body"].encode())
    elif action == "decrypt_aead":
        client.decrypt_aead(case["nonce"], case["associated_data"], case["ciphertext"])
    elif action == "notification_envelope":
        client.notification_envelope(case["body"].encode())
    else:
        raise AssertionError(f"unknown action {action}")


CASES: List[Dict[str, Any]] = CATALOGUE["cases"]


def test_catalogue_is_not_empty() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("raw", CASES, ids=[c["id"] for c in CASES])
def test_catalogue_case(raw: Dict[str, Any]) -> None:
    if raw["id"] in SKIPS:
        pytest.skip(SKIPS[raw["id"]])
    case = expand(raw)
    exp = case["expect"]
    with pytest.raises(wc.WechatPayError) as info:
        run(case)
    err = info.value
    msg = str(err)
    shown = msg[:300]
    assert getattr(err, "kind", None) == exp["kind"], f"kind {getattr(err, 'kind', None)!r}: {shown}"
    assert getattr(err, "error_code", None) == exp["code"], f"code {getattr(err, 'error_code', None)!r}: {shown}"
    for want in exp["contains"]:
        assert want in msg, f"message lacks {want!r}: {shown}"
    for bad in exp.get("excludes", []):
        assert bad not in msg, f"message contains {bad!r}"
    max_len: Optional[int] = exp.get("max_len")
    if max_len is not None:
        assert len(msg.encode()) <= max_len, f"message is {len(msg.encode())} bytes"
    if "rule" in exp:
        violations = getattr(err, "violations", [])
        assert any(v["rule"] == exp["rule"] and v["field"] == exp["field"] for v in violations), violations
    for s in secrets():
        assert s not in msg, "message contains a secret"
