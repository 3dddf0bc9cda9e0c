"""The binding's fast paths give the same results as the general ones: header containers (only the
headers the core reads are converted), bodies borrowed from ``bytes``, JSON built straight into
Python objects in document order."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import httpx
import pytest
from requests.structures import CaseInsensitiveDict

import wechatpay_coupons as wc
from conftest import cases, client_for

NOISE = [("Server", "nginx"), ("Date", "Fri, 27 Nov 2026 07:00:00 GMT"), ("Connection", "keep-alive"),
         ("Content-Type", "application/json; charset=utf-8"), ("Keep-Alive", "timeout=5")]


def containers(headers: Dict[str, str]) -> List[Tuple[str, Any]]:
    pairs = list(NOISE) + list(headers.items())
    return [
        ("dict", dict(pairs)),
        ("list", pairs),
        ("tuple", tuple(pairs)),
        ("bytes pairs", [(k.encode(), v.encode()) for k, v in pairs]),
        ("requests", CaseInsensitiveDict(dict(pairs))),
        ("httpx", httpx.Headers(pairs)),
        ("lower-case dict", {k.lower(): v for k, v in pairs}),
    ]


def outcome(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except wc.WechatPayError as e:
        return ("error", type(e).__name__, str(e))


@pytest.mark.parametrize("case", cases("verify-response"), ids=lambda c: str(c["_name"]))
def test_header_containers_agree(case: Dict[str, Any]) -> None:
    client = client_for(case)
    body = case["body"].encode()
    expected = outcome(lambda: client.parse_response(case["status"], dict(case["headers"]), body))
    for name, headers in containers(case["headers"]):
        got = outcome(lambda: client.parse_response(case["status"], headers, body))
        assert got == expected, name
        assert outcome(lambda: client.verify(headers, body)) == outcome(
            lambda: client.verify(dict(case["headers"]), body)
        ), name


def test_body_types_agree_and_json_keeps_document_order() -> None:
    case = next(c for c in cases("verify-response") if c["_name"] == "verify-ok-public-key")
    client = client_for(case)
    raw = case["body"].encode()
    results = [client.parse_response(200, case["headers"], b) for b in (raw, case["body"], bytearray(raw), memoryview(raw))]
    assert all(r == results[0] for r in results)
    data = results[0]["data"]
    assert data == json.loads(raw)
    assert list(data) == list(json.loads(raw))
    assert results[0]["body"] == raw


def test_bad_header_shapes_still_rejected() -> None:
    case = next(c for c in cases("verify-response") if c["_name"] == "verify-ok-public-key")
    client = client_for(case)
    for bad in ([("a",)], [("a", "b", "c")], 5):
        with pytest.raises((wc.ValidationError, TypeError)):
            client.verify(bad, b"{}")


@pytest.mark.parametrize("case", [c for c in cases("notification") if c["expected"]["outcome"] == "ok"],
                         ids=lambda c: str(c["_name"]))
def test_notification_resource_matches_plaintext(case: Dict[str, Any]) -> None:
    client = client_for(case)
    for name, headers in containers(case["headers"]):
        n = client.parse_notification(headers, case["body"].encode())
        assert n["plaintext"] == case["expected"]["plaintext"], name
        # The typed COUPON.USE shape keeps every field of this plaintext (and adds the model's
        # absent optional fields as None).
        assert without_none(n["resource"]) == json.loads(n["plaintext"]), name


def without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value
