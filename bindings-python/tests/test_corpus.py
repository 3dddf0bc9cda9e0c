"""The language-neutral corpus of tests/corpus/ (written by tests/vectors/generate.py, never by
the core), run through the Python package's public API."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any, Dict, List, Set, Tuple

import pytest

import wechatpay_coupons as wc
from conftest import REPO, key_text

CORPUS = REPO / "tests" / "corpus"


def load(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    return data


OPERATIONS = load("operations.json")
VALIDATION = load("validation.json")
RESPONSES = load("responses.json")


def client(c: Dict[str, Any]) -> wc.Client:
    """The client a corpus file describes: merchant key, fixed clock and nonce, optional trust."""
    kwargs: Dict[str, Any] = {
        "now": c["timestamp"],
        "allow_http_notify_url": c.get("allow_http_notify_url", False),
    }
    if "nonce" in c:
        # Every nonce the client asks for is this one (a string alone would serve only once).
        kwargs["nonce"] = [c["nonce"]] * 8
    if "base_url" in c:
        kwargs["base_url"] = c["base_url"]
    if "wechatpay_public_key_id" in c:
        kwargs["wechatpay_public_key_id"] = c["wechatpay_public_key_id"]
        kwargs["wechatpay_public_key"] = key_text(c["wechatpay_public_key"])
    return wc.Client(c["mchid"], c["serial"], key_text(c["private_key"]), **kwargs)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out: Dict[str, Any] = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def build(c: wc.Client, operation: str, params: Dict[str, Any]) -> wc.Request:
    if operation == "upload_image":
        return c.upload_image(base64.b64decode(params["file_base64"]), params["filename"])
    method = getattr(c, operation)
    request: wc.Request = method(params)
    return request


def parse(c: wc.Client, operation: str, status: int, headers: Dict[str, str], body: str) -> Any:
    if operation == "upload_image":
        return c.parse_image_upload_response(status, headers, body.encode())
    return getattr(c, f"parse_{operation}")(status, headers, body.encode())


def names(cases: List[Dict[str, Any]]) -> List[str]:
    return [c["name"] for c in cases]


def test_every_operation_has_a_case() -> None:
    assert {c["operation"] for c in OPERATIONS["cases"]} == {o["name"] for o in wc.OPERATIONS}
    assert len(wc.OPERATIONS) == 18


@pytest.mark.parametrize("case", OPERATIONS["cases"], ids=names(OPERATIONS["cases"]))
def test_operation_builds_the_exact_request(case: Dict[str, Any]) -> None:
    c = client(OPERATIONS["client"])
    e = case["expected"]
    request = build(c, case["operation"], case["params"])
    assert request.method == e["method"]
    assert request.url == e["url"]
    body = base64.b64decode(e["body_base64"]) if "body_base64" in e else e["body"].encode()
    assert request.body == body
    assert request.header("Authorization") == e["authorization"]
    if "content_type" in e:
        assert request.header("Content-Type") == e["content_type"]
    # The message the client signs for this URL and signed body (the meta part for uploads).
    signed_body = e["signed_message"].split("\n", 4)[4][:-1]
    signed = c.sign(e["method"], e["url"], signed_body.encode())
    assert signed["message"] == e["signed_message"].encode()
    assert signed["authorization"] == e["authorization"]


def triples(violations: Any) -> Set[Tuple[str, str, str]]:
    return {(v["rule"], v["field"], v["severity"]) for v in violations}


def validation_params() -> List[Any]:
    return [pytest.param(c, id=c["name"]) for c in VALIDATION["cases"]]


@pytest.mark.parametrize("case", validation_params())
def test_validation_reports_exactly_the_expected_violations(case: Dict[str, Any]) -> None:
    c = client(VALIDATION["client"])
    params = merge_patch(VALIDATION["bases"][case["operation"]], case["patch"])
    try:
        got = triples(build(c, case["operation"], params).warnings)
    except wc.ValidationError as err:
        got = triples(err.violations)
    assert got == {(v["rule"], v["field"], v["severity"]) for v in case["expected"]}


@pytest.mark.parametrize("case", RESPONSES["cases"], ids=names(RESPONSES["cases"]))
def test_response_decodes_to_the_expected_json(case: Dict[str, Any]) -> None:
    c = client(RESPONSES["client"])
    try:
        got = parse(c, case["operation"], case["status"], case["headers"], case["body"])
    except wc.ApiError as err:
        got = {"error": {"status": err.status, "code": err.code}}
    assert got == case["expected"]
