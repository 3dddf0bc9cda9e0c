"""Unit tests of the Python surface: repr, operations, adapters, signer, threads, acks, pagination, plugin."""

from __future__ import annotations

import base64
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import wechatpay_coupons as wc
from conftest import key_text, keys_json


def test_repr_hides_secrets(pubkey_client: wc.Client, keys: Dict[str, Any]) -> None:
    r = repr(pubkey_client)
    assert keys["apiv3_key"] not in r and "PRIVATE" not in r and "[redacted]" in r
    assert keys["mchid"] in r


def test_every_operation_is_a_method() -> None:
    names = [o["name"] for o in wc.OPERATIONS]
    assert len(names) == 18
    for n in names:
        assert callable(getattr(wc.Client, n))
        if n != "upload_image":
            assert callable(getattr(wc.Client, "parse_" + n))


def test_request_adapters(pubkey_client: wc.Client) -> None:
    req = pubkey_client.get_stock(stock_id="123", stock_creator_mchid="1900000001")
    assert req.method == "GET" and req.body == b"" and req.operation == "get_stock"
    assert req.url.endswith("/v3/marketing/favor/stocks/123?stock_creator_mchid=1900000001")
    assert (req.header("authorization") or "").startswith("WECHATPAY2-SHA256-RSA2048 ")
    kw = req.to_requests_kwargs()
    assert kw["method"] == "GET" and kw["headers"]["Authorization"]
    u = req.to_urllib()
    assert isinstance(u, urllib.request.Request) and u.get_method() == "GET"
    hx = req.to_httpx_kwargs()
    assert hx["content"] == b""
    post = pubkey_client.start_stock({"stock_id": "123"}, stock_creator_mchid="1900000001")
    assert post.method == "POST" and b"stock_creator_mchid" in post.body and b"stock_id" not in post.body
    assert "signature=" not in repr(post)


def test_query_encoding_of_rfc3339(pubkey_client: wc.Client) -> None:
    req = pubkey_client.list_stocks(
        offset=0, limit=10, stock_creator_mchid="1900000001", create_start_time="2026-11-01T00:00:00+08:00"
    )
    assert "create_start_time=2026-11-01T00%3A00%3A00%2B08%3A00" in req.url


def test_custom_signer_called_with_gil_and_errors_mapped(keys: Dict[str, Any]) -> None:
    priv = serialization.load_pem_private_key(key_text("merchant_key.pem").encode(), None)
    assert isinstance(priv, rsa.RSAPrivateKey)
    seen: List[bytes] = []

    def sign(message: bytes) -> bytes:
        seen.append(message)
        return priv.sign(message, padding.PKCS1v15(), hashes.SHA256())

    c = wc.Client(keys["mchid"], keys["merchant_serial"], signer=sign, now=1795744800, nonce="N")
    s = c.sign("GET", "https://api.mch.weixin.qq.com/v3/certificates")
    assert seen == [s["message"]]
    ref = wc.Client(keys["mchid"], keys["merchant_serial"], key_text("merchant_key.pem"), now=1795744800, nonce="N")
    assert ref.sign("GET", "https://api.mch.weixin.qq.com/v3/certificates") == s
    assert "custom" in repr(c)

    def broken(message: bytes) -> bytes:
        raise RuntimeError("HSM offline")

    bad = wc.Client(keys["mchid"], keys["merchant_serial"], signer=broken)
    with pytest.raises(wc.SignerError) as info:
        bad.get_stock(stock_id="1", stock_creator_mchid=keys["mchid"])
    assert isinstance(info.value, wc.WechatPayError)
    assert isinstance(info.value.__cause__, RuntimeError)

    wrong = wc.Client(keys["mchid"], keys["merchant_serial"], signer=lambda m: "text")
    with pytest.raises(wc.SignerError):
        wrong.sign("GET", "https://x.example/v3/a")


def test_shared_across_threads(pubkey_client: wc.Client) -> None:
    def work(i: int) -> str:
        return pubkey_client.get_stock(stock_id=str(i), stock_creator_mchid="1900000001").url

    with ThreadPoolExecutor(4) as pool:
        urls = list(pool.map(work, range(64)))
    assert len(set(urls)) == 64


def test_acknowledgements() -> None:
    ok = wc.Acknowledgement.success()
    assert ok.status == 200 and b"SUCCESS" in ok.body and ok.headers == [("Content-Type", "application/json")]
    assert wc.Acknowledgement.failure(503, "busy").status == 503
    assert wc.Acknowledgement.for_error(wc.DecryptError("x")).status == 400
    assert wc.Acknowledgement.for_error(ValueError("x")).status == 500
    assert wc.Acknowledgement.for_error(None).status == 200


def test_pagination(pubkey_client: wc.Client) -> None:
    params = {"stock_id": "S1", "offset": 0, "limit": 2, "stock_creator_mchid": "1900000001"}
    page = {"total_count": 5, "data": ["a", "b"], "limit": 2, "offset": 0, "stock_id": "S1"}
    nxt = pubkey_client.next_page("list_stock_items", params, page, mode="page_index")
    assert nxt is not None and nxt["offset"] == 1
    last = {"total_count": 2, "data": ["a", "b"], "limit": 2, "offset": 0, "stock_id": "S1"}
    assert pubkey_client.next_page("list_stock_items", params, last) is None
    empty = {"total_count": 0, "data": [], "limit": 2, "offset": 0}
    assert pubkey_client.next_page("list_stocks", {"offset": 0, "limit": 2, "stock_creator_mchid": "1"}, empty) is None
    mparams = {"stock_id": "S1", "offset": 0, "limit": 2, "stock_creator_mchid": "1900000001"}
    mpage = {"total_count": 9, "data": ["1", "2"], "offset": 0, "limit": 2, "stock_id": "S1"}
    m = pubkey_client.next_page("list_stock_merchants", mparams, mpage)
    assert m is not None and m["stock_id"] == "S1" and m["offset"] == 1  # page index by default
    r = pubkey_client.next_page("list_stock_merchants", mparams, mpage, mode="item_offset")
    assert r is not None and r["offset"] == 2  # row offset on request


def test_retry_classification() -> None:
    e = wc.ApiError("x")
    e.retryable = True
    assert wc.is_retryable(e)
    assert not wc.is_retryable(wc.SignatureError("x"))


def test_out_request_no(pubkey_client: wc.Client) -> None:
    a, b = pubkey_client.out_request_no(), pubkey_client.out_request_no()
    assert a != b and a.startswith("1900000001") and a.isalnum()


def test_plugin_signatures() -> None:
    key = "a" * 32
    s = wc.v2_hmac_sign({"b": "2", "a": "1", "empty": ""}, key)
    assert len(s["sign"]) == 64 and key not in s["string_to_sign_redacted"]
    assert wc.verify_v2_hmac([("a", "1"), ("b", "2")], key, s["sign"])
    p = wc.plugin_sign("1900000001", [{"stock_id": "123", "out_request_no": "abc123", "create_coupon_merchant": "1900000001"}], key)
    assert p["payload"]["sign"] == p["sign"]
    with pytest.raises(wc.ValidationError):
        wc.plugin_sign("1900000001", [], key)
    u = wc.h5_coupon_url(key, stock_id="123", out_request_no="abc123", send_coupon_merchant="1900000001", open_id="o1")
    assert u["url"].endswith("#wechat_pay&wechat_redirect")


def test_bill_streaming() -> None:
    import hashlib

    body = "批次id,优惠id,优惠类型,优惠金额(元),订单总金额(元)\r\n`123,`C1,全场代金券,1.00,30.00\r\n总条数\r\n`1\r\n".encode()
    download = {"url": "https://api.mch.weixin.qq.com/x", "hash_type": "SHA1", "hash_value": hashlib.sha1(body).hexdigest()}
    v = wc.verify_bill(download, iter([body[:5], body[5:]]))
    assert v.length == len(body)
    rows = list(wc.parse_bill(v, body, "use_flow"))
    assert rows[0]["coupon_id"] == "C1" and rows[0]["discount_amount"] == 100
    with pytest.raises(wc.BillError):
        wc.verify_bill(dict(download, hash_value="0" * 40), body)
    with pytest.raises(wc.BillError):
        list(wc.parse_bill(v, body + b"x"))


def test_from_keys_bytes(keys: Dict[str, Any]) -> None:
    c = wc.Client(keys["mchid"], keys["merchant_serial"], key_text("merchant_key_pkcs1.pem").encode(), keys["apiv3_key"].encode())
    assert c.mchid == keys["mchid"]
    _ = base64, threading, keys_json


def test_from_config_errors_come_from_the_core(tmp_path: Any) -> None:
    with pytest.raises(wc.KeyConfigError) as info:
        wc.Client.from_config(tmp_path)
    assert info.value.kind == "config"
    assert info.value.error_code == "config.read" and info.value.reason == "read"
    (tmp_path / "merchant.json").write_text('{"mchid": "1900000001"}', encoding="utf-8")
    with pytest.raises(wc.KeyConfigError) as info:
        wc.Client.from_config(tmp_path / "merchant.json")
    assert info.value.error_code == "config.missing"
    assert "merchant_serial" in str(info.value)
