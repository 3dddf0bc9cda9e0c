"""The core's bad-input list, each raising the right exception from Python."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

import wechatpay_coupons as wc
from conftest import cases, client_for, key_text

MCHID = "1900000001"
SERIAL = "3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678"


@pytest.mark.parametrize(
    ("key_file", "reason"),
    [
        ("garbage.pem", "malformed"),
        ("platform_cert.pem", "wrong_pem_kind"),
        ("encrypted_key.pem", "encrypted_private_key"),
        ("rsa1024_key.pem", "key_too_small"),
        ("ec_key.pem", "not_rsa"),
    ],
)
def test_bad_private_keys(key_file: str, reason: str) -> None:
    with pytest.raises(wc.KeyConfigError) as info:
        wc.Client(MCHID, SERIAL, key_text(key_file))
    assert info.value.reason == reason
    assert "PRIVATE" not in str(info.value) or reason != "malformed"


def test_not_pem_at_all() -> None:
    with pytest.raises(wc.KeyConfigError) as info:
        wc.Client(MCHID, SERIAL, "not a pem")
    assert info.value.reason == "not_pem"


@pytest.mark.parametrize("length", [16, 33])
def test_apiv3_key_length(length: int) -> None:
    with pytest.raises(wc.KeyConfigError) as info:
        wc.Client(MCHID, SERIAL, key_text("merchant_key.pem"), "k" * length)
    assert info.value.reason == "apiv3_key_length"
    assert "k" * 16 not in str(info.value)


def _case(name: str) -> Dict[str, Any]:
    return next(c for c in cases() if c["_name"] == name)


def _verify(case: Dict[str, Any], **override: Any) -> None:
    client = client_for(case)
    headers = dict(case["headers"])
    headers.update(override.get("headers", {}))
    client.parse_response(case.get("status", 200), headers, override.get("body", case["body"].encode()))


def test_non_base64_signature() -> None:
    with pytest.raises(wc.SignatureError):
        _verify(_case("verify-signature-not-base64"))


def test_probe_signature() -> None:
    with pytest.raises(wc.ProbeSignatureError) as info:
        _verify(_case("verify-probe"))
    assert isinstance(info.value, wc.SignatureError) and info.value.reason == "probe"
    assert wc.Acknowledgement.for_error(info.value).status == 401


def test_timestamp_missing_nonnumeric_old_future() -> None:
    ok = _case("verify-ok-public-key")
    headers = {k: v for k, v in ok["headers"].items() if k != "Wechatpay-Timestamp"}
    with pytest.raises(wc.SignatureError) as info:
        client_for(ok).parse_response(200, headers, ok["body"])
    assert info.value.reason == "missing_header"
    with pytest.raises(wc.SignatureError) as info:
        _verify(ok, headers={"Wechatpay-Timestamp": "17957x4797"})
    assert info.value.reason == "malformed_header"
    for name in ("verify-skew-past", "verify-skew-future"):
        with pytest.raises(wc.SignatureError) as info:
            _verify(_case(name))
        assert info.value.reason == "timestamp_skew"


def test_unknown_serial() -> None:
    with pytest.raises(wc.SignatureError) as info:
        _verify(_case("verify-unknown-serial"))
    assert info.value.reason == "unknown_serial"


def test_one_byte_body_change() -> None:
    ok = _case("verify-ok-public-key")
    body = bytearray(ok["body"].encode())
    body[5] ^= 0x01
    with pytest.raises(wc.SignatureError) as info:
        _verify(ok, body=bytes(body))
    assert info.value.reason == "bad_signature"


def test_empty_body_204_and_mixed_case_headers() -> None:
    c = _case("verify-empty-body-204")
    out = client_for(c).parse_response(204, c["headers"], b"")
    assert out["data"] is None and out["status"] == 204
    m = _case("verify-mixed-case-headers")
    assert client_for(m).parse_response(200, m["headers"], m["body"])["key_id"]
    # and as (name, value) pairs
    assert client_for(m).parse_response(200, list(m["headers"].items()), m["body"])["key_id"]


@pytest.mark.parametrize(
    ("name", "exc"),
    [
        ("notify-unknown-algorithm", wc.DecryptError),
        ("notify-wrong-aad", wc.DecryptError),
        ("notify-truncated-ciphertext", wc.DecryptError),
        ("notify-corrupted-tag", wc.DecryptError),
        ("notify-body-reserialised", wc.SignatureError),
        ("notify-probe", wc.ProbeSignatureError),
    ],
)
def test_bad_notifications(name: str, exc: type) -> None:
    c = _case(name)
    with pytest.raises(exc) as info:
        client_for(c).parse_notification(c["headers"], c["body"].encode())
    # no plaintext in the message
    assert "coupon_id" not in str(info.value)


def test_expired_platform_certificate() -> None:
    k = json.loads(key_text("keys.json"))
    client = wc.Client(
        k["mchid"], k["merchant_serial"], key_text("merchant_key.pem"),
        platform_certificates=[key_text("platform_cert.pem")], now=1795744800,
    )
    ok = _case("verify-ok-certificate")
    client.parse_response(200, ok["headers"], ok["body"])
    client.set_now(1795744800 + 10 * 365 * 86400)  # years after the certificate expired
    with pytest.raises(wc.SignatureError) as info:
        client.verify(ok["headers"], ok["body"])
    assert info.value.reason in ("certificate_not_valid", "timestamp_skew")
    # an expired certificate given at construction is not trusted for a current message either
    with pytest.raises(wc.SignatureError):
        wc.Client(
            k["mchid"], k["merchant_serial"], key_text("merchant_key.pem"),
            platform_certificates=[key_text("platform_cert_expired.pem")], now=1795744800,
        ).verify(dict(ok["headers"], **{"Wechatpay-Serial": k["platform_expired_serial"]}), ok["body"])


def test_bad_certificates_response_signature() -> None:
    c = _case("certs-bad-signature")
    client = client_for(c)
    with pytest.raises(wc.SignatureError):
        client.apply_certificates_response(200, c["headers"], c["body"])
    assert client.trusted_keys() == []


@pytest.mark.parametrize(
    ("filename", "data", "rule"),
    [
        ("a.gif", b"GIF89a....", "V-IMG-01"),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), "V-IMG-02"),
        ("a.png", b"", "V-IMG-02"),
    ],
)
def test_bad_images(filename: str, data: bytes, rule: str) -> None:
    client = wc.Client(MCHID, SERIAL, key_text("merchant_key.pem"))
    with pytest.raises(wc.ValidationError) as info:
        client.upload_image(data, filename)
    assert info.value.violations[0]["rule"] == rule


def test_bad_request_values() -> None:
    client = wc.Client(MCHID, SERIAL, key_text("merchant_key.pem"))
    with pytest.raises(wc.ValidationError) as info:
        client.list_stocks(offset="zero", limit=10, stock_creator_mchid=MCHID)
    assert info.value.violations[0]["field"] == "offset"
    with pytest.raises(wc.ValidationError):
        client.get_stock({"stock_id": object()})  # type: ignore[arg-type]
    with pytest.raises(wc.ValidationError):
        client.parse_response(200, {}, {"parsed": "dict"})  # type: ignore[arg-type]
    with pytest.raises(wc.KeyConfigError):
        wc.Client("19000x", SERIAL, key_text("merchant_key.pem")) if False else wc.Client(MCHID, "not-hex!", key_text("merchant_key.pem"))
    with pytest.raises(wc.ValidationError):
        wc.Client("19000x", SERIAL, key_text("merchant_key.pem"))
