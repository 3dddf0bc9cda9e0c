"""Independent checks with `cryptography`: our signatures verify there, its ciphertexts decrypt here."""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any, Dict

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import wechatpay_coupons as wc
from conftest import key_text, keys_json


def _priv(name: str) -> rsa.RSAPrivateKey:
    k = serialization.load_pem_private_key(key_text(name).encode(), None)
    assert isinstance(k, rsa.RSAPrivateKey)
    return k


def test_request_signatures_verify_with_cryptography(pubkey_client: wc.Client) -> None:
    pub = _priv("merchant_key.pem").public_key()
    req = pubkey_client.create_stock  # noqa: F841 (bound method exists)
    for body in (b"", '{"中文":"值"}'.encode(), os.urandom(64)):
        signed = pubkey_client.sign("POST", "https://api.mch.weixin.qq.com/v3/a?b=%2B1", body)
        pub.verify(base64.b64decode(signed["signature"]), signed["message"], padding.PKCS1v15(), hashes.SHA256())
        assert signed["message"].endswith(body + b"\n")


def test_responses_signed_by_cryptography_verify_here(pubkey_client: wc.Client, keys: Dict[str, Any]) -> None:
    signer = _priv("wechatpay_pub_private.pem")
    now = pubkey_client.now()
    body = json.dumps({"stock_id": "1", "中文": True}, ensure_ascii=False).encode()
    msg = f"{now}\nNONCE123\n".encode() + body + b"\n"
    sig = base64.b64encode(signer.sign(msg, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {
        "Wechatpay-Timestamp": str(now),
        "Wechatpay-Nonce": "NONCE123",
        "Wechatpay-Signature": sig,
        "Wechatpay-Serial": keys["public_key_id"],
    }
    assert pubkey_client.parse_response(200, headers, body)["data"]["中文"] is True


def test_aead_from_cryptography_decrypts_here(pubkey_client: wc.Client, keys: Dict[str, Any]) -> None:
    key = keys["apiv3_key"].encode()
    for pt in (b"", b"x", "代金券".encode() * 100):
        nonce = base64.b32encode(os.urandom(10))[:12]
        ct = AESGCM(key).encrypt(nonce, pt, b"coupon")
        assert pubkey_client.decrypt_aead(nonce.decode(), "coupon", base64.b64encode(ct).decode()) == pt
        ours = pubkey_client.encrypt_aead(nonce.decode(), "coupon", pt)
        assert AESGCM(key).decrypt(nonce, base64.b64decode(ours), b"coupon") == pt


def test_oaep_both_directions(pubkey_client: wc.Client) -> None:
    pad = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    ct = _priv("merchant_key.pem").public_key().encrypt("王小明".encode(), pad)
    assert pubkey_client.decrypt_sensitive(base64.b64encode(ct).decode()) == "王小明"
    enc = pubkey_client.encrypt_sensitive("13800138000")
    assert _priv("wechatpay_pub_private.pem").decrypt(base64.b64decode(enc["ciphertext"]), pad) == b"13800138000"


def test_notification_built_with_cryptography(pubkey_client: wc.Client, keys: Dict[str, Any]) -> None:
    key = keys["apiv3_key"].encode()
    resource = {"stock_creator_mchid": "1900000001", "stock_id": "9", "coupon_id": "C1", "status": "USED"}
    ct = AESGCM(key).encrypt(b"abcdefghijkl", json.dumps(resource).encode(), b"coupon")
    body = json.dumps({
        "id": "EV-1", "create_time": "2026-11-27T10:00:00+08:00", "event_type": "COUPON.USE",
        "resource_type": "encrypt-resource", "summary": "s",
        "resource": {"original_type": "coupon", "algorithm": "AEAD_AES_256_GCM", "associated_data": "coupon",
                     "nonce": "abcdefghijkl", "ciphertext": base64.b64encode(ct).decode()},
    }).encode()
    now = pubkey_client.now()
    msg = f"{now}\nN\n".encode() + body + b"\n"
    sig = base64.b64encode(_priv("wechatpay_pub_private.pem").sign(msg, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = [("wechatpay-timestamp", str(now)), ("wechatpay-nonce", "N"), ("wechatpay-signature", sig),
               ("wechatpay-serial", keys["public_key_id"])]
    ev = pubkey_client.parse_notification(headers, body)
    assert ev["resource"]["coupon_id"] == "C1" and ev["event_type"] == "COUPON.USE"
    _ = time
