"""Shared helpers: the repository's conformance vectors and client factories."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import wechatpay_coupons as wc

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
KEYS = VECTORS / "keys"
OFFICIAL = REPO.parent / "shared" / "vectors" / "official-sdk-vectors.json"


def key_text(name: str) -> str:
    return (KEYS / name).read_text(encoding="utf-8")


def keys_json() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((KEYS / "keys.json").read_text(encoding="utf-8"))
    return data


def cases(kind: Optional[str] = None) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for d in sorted(VECTORS.iterdir()):
        f = d / "case.json"
        if f.is_file():
            c: Dict[str, Any] = json.loads(f.read_text(encoding="utf-8"))
            c["_name"] = d.name
            if kind is None or c["kind"] == kind:
                out.append(c)
    return out


def client_for(case: Dict[str, Any], **extra: Any) -> wc.Client:
    """A client trusting the case's keys, with its clock."""
    k = keys_json()
    trust = case.get("trust", {"public_keys": [], "platform_certs": []})
    kwargs: Dict[str, Any] = {
        "private_key": key_text("merchant_key.pem"),
        "now": case.get("now", case.get("timestamp", 1795744800)),
    }
    if "apiv3_key" in case:
        kwargs["apiv3_key"] = case["apiv3_key"]
    pks = trust.get("public_keys", [])
    if pks:
        kwargs["wechatpay_public_key_id"] = pks[0]["id"]
        kwargs["wechatpay_public_key"] = key_text(pks[0]["file"])
    certs = [key_text(c) for c in trust.get("platform_certs", [])]
    if certs:
        kwargs["platform_certificates"] = certs
    kwargs.update(extra)
    client = wc.Client(k["mchid"], k["merchant_serial"], **kwargs)
    for extra_pk in pks[1:]:
        client.trust_public_key(extra_pk["id"], key_text(extra_pk["file"]))
    return client


@pytest.fixture(scope="session")
def keys() -> Dict[str, Any]:
    return keys_json()


@pytest.fixture()
def pubkey_client(keys: Dict[str, Any]) -> wc.Client:
    return wc.Client(
        keys["mchid"],
        keys["merchant_serial"],
        key_text("merchant_key.pem"),
        keys["apiv3_key"],
        wechatpay_public_key_id=keys["public_key_id"],
        wechatpay_public_key=key_text("wechatpay_pub_key.pem"),
        now=1795744800,
    )


def official_vectors() -> Iterator[Dict[str, Any]]:
    if not OFFICIAL.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"official vectors missing at {OFFICIAL} (required when CI=true)")
        pytest.skip(f"official vectors not found at {OFFICIAL}; skipped outside CI")
    data = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    yield from data["vectors"]
