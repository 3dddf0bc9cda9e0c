"""Hostile input from Python: signed bodies the JSON parser refuses, interrupts inside a custom
signer, and wrongly typed options. Every error is a ``WechatPayError``, except the
``BaseException``s that are not ``Exception``s (Ctrl-C, ``sys.exit``), which pass through."""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any, Callable, Dict, List, Tuple

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import wechatpay_coupons as wc
from conftest import key_text, keys_json

NOW = 1795744800

# Bodies that pass signature verification but that no JSON reader should turn into values.
HOSTILE: Dict[str, bytes] = {
    "not_utf8": b'{"stock_id":"\xff\xfe","data":[]}',
    "nested_200_arrays": b"[" * 200 + b"]" * 200,
    "nested_200_objects": b'{"a":' * 200 + b"1" + b"}" * 200,
    "float_out_of_range": b'{"stock_id":"1","n":1e400}',
    "integer_out_of_range": b'{"stock_id":"1","n":' + b"9" * 400 + b"}",
}


def _client() -> wc.Client:
    k = keys_json()
    return wc.Client(
        k["mchid"],
        k["merchant_serial"],
        key_text("merchant_key.pem"),
        k["apiv3_key"],
        wechatpay_public_key_id=k["public_key_id"],
        wechatpay_public_key=key_text("wechatpay_pub_key.pem"),
        now=NOW,
    )


def _wechatpay_key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(key_text("wechatpay_pub_private.pem").encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _signed_headers(body: bytes) -> Dict[str, str]:
    """The headers WeChat Pay would send with ``body`` (a valid signature over it)."""
    message = f"{NOW}\nHOSTILE\n".encode() + body + b"\n"
    signature = _wechatpay_key().sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Wechatpay-Timestamp": str(NOW),
        "Wechatpay-Nonce": "HOSTILE",
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Serial": keys_json()["public_key_id"],
    }


def _notification(plaintext: bytes, event_type: str) -> bytes:
    """A notification envelope whose resource decrypts to ``plaintext``."""
    nonce = b"abcdefghijkl"
    ct = AESGCM(keys_json()["apiv3_key"].encode()).encrypt(nonce, plaintext, b"coupon")
    return json.dumps({
        "id": "EV-HOSTILE", "create_time": "2026-11-27T10:00:00+08:00", "event_type": event_type,
        "resource_type": "encrypt-resource", "summary": "s",
        "resource": {"original_type": "coupon", "algorithm": "AEAD_AES_256_GCM", "associated_data": "coupon",
                     "nonce": nonce.decode(), "ciphertext": base64.b64encode(ct).decode()},
    }).encode()


def _entry_points(client: wc.Client, body: bytes) -> List[Tuple[str, Callable[[], Any]]]:
    """Every parse entry point of the package, each fed ``body`` with a valid signature."""
    h = _signed_headers(body)
    calls: List[Tuple[str, Callable[[], Any]]] = [
        ("parse_response", lambda: client.parse_response(200, h, body)),
        ("parse_response(bytearray)", lambda: client.parse_response(200, h, bytearray(body))),
        ("verify", lambda: client.verify(h, body)),
        ("apply_certificates_response", lambda: client.apply_certificates_response(200, h, body)),
        ("notification_envelope", lambda: client.notification_envelope(body)),
        ("parse_notification(envelope)", lambda: client.parse_notification(h, body)),
        ("parse_image_upload_response", lambda: client.parse_image_upload_response(200, h, body)),
        ("parse(untyped request)", lambda: client.parse(client.request("GET", "/v3/x"), 200, h, body)),
    ]
    for op in wc.OPERATIONS:
        name = op["name"]
        calls.append((f"_parse({name})", partial(client._parse, name, 200, h, body)))
        if name != "upload_image":
            calls.append((f"parse_{name}", partial(getattr(client, "parse_" + name), 200, h, body)))
    for event_type in ("COUPON.USE", "COUPON.SEND", "MARKETING.OTHER"):
        envelope = _notification(body, event_type)
        eh = _signed_headers(envelope)
        calls.append((f"parse_notification(resource of {event_type})", partial(client.parse_notification, eh, envelope)))
    return calls


@pytest.mark.parametrize("body_name", sorted(HOSTILE))
def test_every_parse_entry_point_raises_only_wechatpay_errors(body_name: str) -> None:
    client = _client()
    body = HOSTILE[body_name]
    escaped: List[str] = []
    for name, call in _entry_points(client, body):
        try:
            call()
        except wc.WechatPayError:
            pass
        except Exception as e:  # noqa: BLE001 (the point of the test)
            escaped.append(f"{name}: {type(e).__module__}.{type(e).__qualname__}: {str(e)[:80]}")
    assert escaped == []


@pytest.mark.parametrize("body_name", sorted(HOSTILE))
def test_hostile_body_is_a_decode_error(body_name: str) -> None:
    client = _client()
    body = HOSTILE[body_name]
    with pytest.raises(wc.DecodeError) as info:
        client.parse_response(200, _signed_headers(body), body)
    assert info.value.kind == "decode"
    assert info.value.body == body
    assert "response body" in str(info.value)
    # Another event type keeps the decrypted text; the hostile resource is not turned into values.
    envelope = _notification(body, "COUPON.SEND") if body_name != "not_utf8" else None
    if envelope is not None:
        event = client.parse_notification(_signed_headers(envelope), envelope)
        assert event["resource"] is None and event["plaintext"].encode() == body


@pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit, GeneratorExit])
def test_interrupt_in_custom_signer_propagates(exc_type: type) -> None:
    k = keys_json()

    def signer(message: bytes) -> bytes:
        raise exc_type("from the signer")

    client = wc.Client(k["mchid"], k["merchant_serial"], signer=signer, now=NOW)
    calls: List[Callable[[], Any]] = [
        lambda: client.sign("GET", "https://api.mch.weixin.qq.com/v3/certificates"),
        lambda: client.get_stock(stock_id="1", stock_creator_mchid=k["mchid"]),
        lambda: client.request("GET", "/v3/certificates"),
        lambda: client.certificates_request(),
    ]
    for call in calls:
        with pytest.raises(exc_type) as info:
            call()
        assert type(info.value) is exc_type and str(info.value) == "from the signer"
        assert not isinstance(info.value, wc.WechatPayError)


def test_base_exception_subclass_in_signer_propagates_and_exceptions_still_wrap() -> None:
    k = keys_json()

    class Cancelled(BaseException):
        pass

    def cancelled(message: bytes) -> bytes:
        raise Cancelled()

    with pytest.raises(Cancelled):
        wc.Client(k["mchid"], k["merchant_serial"], signer=cancelled).sign("GET", "https://x.example/v3/a")

    def broken(message: bytes) -> bytes:
        raise ValueError("HSM offline")

    with pytest.raises(wc.SignerError) as info:
        wc.Client(k["mchid"], k["merchant_serial"], signer=broken).sign("GET", "https://x.example/v3/a")
    assert isinstance(info.value.__cause__, ValueError)

    # A later signer failure that raised nothing carries no stale cause.
    with pytest.raises(wc.SignerError) as info:
        wc.Client(k["mchid"], k["merchant_serial"], signer=lambda m: "text").sign("GET", "https://x.example/v3/a")
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("validation", "field", "expected"),
    [
        ({"promote": "V-G-05"}, "validation.promote", 'a list of rule ids such as ["V-G-05"], got the string "V-G-05"'),
        ({"silence": "V-CS-21"}, "validation.silence", 'a list of rule ids such as ["V-G-05"], got the string "V-CS-21"'),
        ({"promote": 5}, "validation.promote", "a list of rule ids such as [\"V-G-05\"], got a number"),
        ({"promote": ["V-G-05", 7]}, "validation.promote[1]", "a rule id (a string)"),
        ({"silence": ["G-05"]}, "validation.silence[0]", 'a rule id such as "V-G-05"'),
        ({"promote_warnings": "yes"}, "validation.promote_warnings", "true or false, got a string"),
        ({"promote_warnings": 1}, "validation.promote_warnings", "true or false, got a number"),
        ({"begin_time_grace_secs": "60"}, "validation.begin_time_grace_secs", "a whole number of seconds"),
        ({"begin_time_grace_secs": 1.5}, "validation.begin_time_grace_secs", "got a number"),
        ({"begin_time_grace_secs": True}, "validation.begin_time_grace_secs", "got a boolean"),
        ({"begin_time_grace_secs": -1}, "validation.begin_time_grace_secs", "from 0 to"),
        ({"begin_time_grace_secs": 1 << 70}, "validation.begin_time_grace_secs", "64-bit range"),
        ({1: True}, "validation", "dict keys must be str"),
        ({"promte": []}, "validation.promte", "one of promote_warnings, promote, silence"),
        ("lenient", "validation", '"default", "strict" or an object of policy options, got "lenient"'),
        (["V-G-05"], "validation", '"default", "strict" or an object of policy options, got an array'),
    ],
)
def test_validation_option_messages(validation: Any, field: str, expected: str) -> None:
    k = keys_json()
    for make in (
        lambda: wc.Client(k["mchid"], k["merchant_serial"], key_text("merchant_key.pem"), validation=validation),
        lambda: wc.Client(k["mchid"], k["merchant_serial"], key_text("merchant_key.pem")).get_stock(
            stock_id="1", stock_creator_mchid=k["mchid"], validation=validation
        ),
    ):
        with pytest.raises(wc.ValidationError) as info:
            make()
        v = info.value.violations[0]
        assert v["field"] == field, v
        assert expected in v["message"], v
        assert str(info.value).startswith(field + ": ")


def test_validation_options_accepted() -> None:
    k = keys_json()
    for ok in (
        {"promote": ["V-G-05"], "silence": ("V-CS-21",), "promote_warnings": False, "begin_time_grace_secs": 60},
        {"promote": {"V-G-05"}, "silence": frozenset()},
        "strict",
        "default",
        None,
    ):
        client = wc.Client(k["mchid"], k["merchant_serial"], key_text("merchant_key.pem"), validation=ok)
        assert client.get_stock(stock_id="1", stock_creator_mchid=k["mchid"], validation=ok).method == "GET"


def test_nonce_option_message() -> None:
    k = keys_json()
    with pytest.raises(wc.ValidationError) as info:
        wc.Client(k["mchid"], k["merchant_serial"], key_text("merchant_key.pem"), nonce=[1, 2])  # type: ignore[list-item]
    assert info.value.violations[0]["field"] == "nonce"
    assert "a str or a list of str, got list" in str(info.value)


def _bill(eol: str, trailer: bool = True) -> Tuple[Dict[str, str], bytes]:
    import hashlib

    lines = [
        "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）",
        "`123,`C1,`全场代金券,`1.00,`30.00",
        "`123,`C2,`全场代金券,`1.00,`40.00",
    ] + (["总条数", "`2"] if trailer else [])
    body = "".join(line + eol for line in lines).encode()
    download = {"url": "https://api.mch.weixin.qq.com/x", "hash_type": "SHA1", "hash_value": hashlib.sha1(body).hexdigest()}
    return download, body


def test_bill_line_endings() -> None:
    for eol in ("\r\n", "\n"):
        download, body = _bill(eol)
        rows = list(wc.parse_bill(wc.verify_bill(download, body), body))
        assert [r["coupon_id"] for r in rows] == ["C1", "C2"]
    download, body = _bill("\r")
    with pytest.raises(wc.BillError) as info:
        list(wc.parse_bill(wc.verify_bill(download, body), body))
    assert info.value.reason == "bare_carriage_return"
    assert "carriage return" in str(info.value) and "appears twice" not in str(info.value)


def test_bill_without_trailer_warns() -> None:
    download, body = _bill("\r\n", trailer=False)
    with pytest.warns(wc.BillWarning, match="no 总条数 trailer"):
        rows = list(wc.parse_bill(wc.verify_bill(download, body), body))
    assert len(rows) == 2
    parser = wc.BillParser(wc.verify_bill(download, body))
    parser.feed(body)
    _, summary = parser.finish()
    assert summary["declared_count"] is None and len(summary["warnings"]) == 1
    download, body = _bill("\r\n")
    parser = wc.BillParser(wc.verify_bill(download, body))
    parser.feed(body)
    assert parser.finish()[1]["warnings"] == []


@pytest.mark.parametrize("apiv2_key", ["short", "", "k" * 31, "k" * 33, "0123456789abcdef0123456789abcdef\n"])
def test_apiv2_key_is_32_characters(apiv2_key: str) -> None:
    calls: List[Callable[[], Any]] = [
        lambda: wc.v2_hmac_sign({"a": "1"}, apiv2_key),
        lambda: wc.verify_v2_hmac({"a": "1"}, apiv2_key, "0" * 64),
        lambda: wc.plugin_sign("1900000001", [{"stock_id": "1", "out_request_no": "a", "create_coupon_merchant": "1900000001"}], apiv2_key),
        lambda: wc.h5_coupon_url(apiv2_key, stock_id="1", out_request_no="a", send_coupon_merchant="1900000001", open_id="o"),
    ]
    for call in calls:
        with pytest.raises(wc.ValidationError) as info:
            call()
        assert info.value.violations[0]["field"] == "apiv2_key"
        assert "32 visible ASCII characters" in str(info.value)
        if apiv2_key.strip():
            assert apiv2_key.strip() not in str(info.value)
