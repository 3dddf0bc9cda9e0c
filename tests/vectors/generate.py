#!/usr/bin/env python3
"""Conformance-vector generator for the wechatpay-coupons core.

Run `python3 tests/vectors/generate.py`. It writes:

* tests/vectors/keys/       PEM keys and certificates plus keys.json (ids, serials, APIv3 key).
                            Keys and certificates are created on the first run and reused
                            afterwards, so re-running reproduces byte-identical output.
* tests/corpus/*.json       the language-neutral corpus (operations, validation, responses),
                            written by corpus.py next to this script (see tests/corpus/README.md).
* tests/vectors/<case>/case.json
                            one folder per case: request signing, response and notification
                            verification, AEAD_AES_256_GCM, RSA-OAEP, /v3/certificates
                            bootstrap and marketing image upload (see README.md).

Every expected value is computed here with the `cryptography` package and the standard
library, following /work/shared/spec/apiv3-rules.md (a)-(f). This script is deliberately
independent of the Rust core: it never calls, imports or mirrors the project's code, so the
vectors can catch mistakes in it. Before writing anything the script re-checks every case with
a small reference checker of its own (signatures verified, AEAD re-decrypted, OAEP round-tripped).
"""

import base64
import hashlib
import json
import os
import shutil
import struct
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
KEYS = HERE / "keys"
UTC = timezone.utc
CST = timezone(timedelta(hours=8))

MCHID = "1900000001"
APIV3_KEY = "Xq7Wm2Rt9Kp4Lz8Nv3Bc6Hd1Fs5Gj0Ya"
PUB_KEY_ID = "PUB_KEY_ID_0112345678901234567890123456789012"
assert len(APIV3_KEY) == 32 and APIV3_KEY.isascii()
assert len(PUB_KEY_ID) == len("PUB_KEY_ID_") + 34

# Fixed serial numbers (all < 2**159, i.e. positive 20-byte DER integers).
MERCHANT_SERIAL = 0x3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678
PLATFORM_SERIAL = 0x0A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3  # hex form loses its leading 0
PLATFORM2_SERIAL = 0x5E8F0A9D3C2B1A0F9E8D7C6B5A49382716050403
EXPIRED_SERIAL = 0x2F1E0D3C4B5A69788796A5B4C3D2E1F001122334
UNKNOWN_SERIAL = 0x7B3E9C1D5A2F4E6B8D0C1A3E5F7092B4C6D8E0F1  # signer never trusted

HOST = "https://api.mch.weixin.qq.com"
SCHEME = "WECHATPAY2-SHA256-RSA2048"
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
NOW = int(datetime(2026, 11, 27, 10, 0, 0, tzinfo=CST).timestamp())
MEDIA_LIMIT = 2 * 1024 * 1024


def hexserial(n):
    return format(n, "X")


def wire_serial(n):
    """The serial as requests send it in Wechatpay-Serial: upper-case hex of the number's
    big-endian bytes, two digits a byte (the official Go SDK's "%X" of SerialNumber.Bytes())."""
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big").hex().upper()


def utc(y, m, d):
    return datetime(y, m, d, tzinfo=UTC)


# --------------------------------------------------------------------------- keys

def pem_pkcs8(key, password=None):
    enc = (serialization.BestAvailableEncryption(password) if password
           else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


def write_if_changed(path, data):
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def rsa_key(name, bits=2048):
    """Load keys/<name> or create a fresh RSA key of `bits` bits there."""
    path = KEYS / name
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, rsa.RSAPrivateKey) and key.key_size == bits:
            return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    path.write_bytes(pem_pkcs8(key))
    return key


def same_public(a, b):
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return a.public_bytes(*der) == b.public_bytes(*der)


def certificate(name, key, serial, cn, not_before, not_after):
    """Load keys/<name> if it matches all parameters, else (re)create a self-signed cert."""
    path = KEYS / name
    if path.exists():
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        if (cert.serial_number == serial and same_public(cert.public_key(), key.public_key())
                and cert.not_valid_before_utc == not_before
                and cert.not_valid_after_utc == not_after):
            return cert
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tenpay.com (test vectors)"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(not_before).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert


def build_keys():
    KEYS.mkdir(parents=True, exist_ok=True)
    k = {}
    k["merchant"] = rsa_key("merchant_key.pem")
    write_if_changed(KEYS / "merchant_key_pkcs1.pem", k["merchant"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    certificate("merchant_cert.pem", k["merchant"], MERCHANT_SERIAL, MCHID,
                utc(2024, 1, 1), utc(2029, 1, 1))
    k["platform"] = rsa_key("platform_key.pem")
    k["platform_cert"] = certificate("platform_cert.pem", k["platform"], PLATFORM_SERIAL,
                                     "Tenpay.com platform certificate",
                                     utc(2024, 1, 1), utc(2029, 1, 1))
    k["platform2"] = rsa_key("platform2_key.pem")
    k["platform2_cert"] = certificate("platform2_cert.pem", k["platform2"], PLATFORM2_SERIAL,
                                      "Tenpay.com platform certificate (rotated)",
                                      utc(2025, 6, 1), utc(2030, 6, 1))
    k["expired"] = rsa_key("platform_expired_key.pem")
    k["expired_cert"] = certificate("platform_cert_expired.pem", k["expired"], EXPIRED_SERIAL,
                                    "Tenpay.com platform certificate (expired)",
                                    utc(2019, 1, 1), utc(2021, 1, 1))
    k["unknown"] = rsa_key("unknown_key.pem")
    k["unknown_cert"] = certificate("unknown_cert.pem", k["unknown"], UNKNOWN_SERIAL,
                                    "never trusted signer", utc(2024, 1, 1), utc(2029, 1, 1))
    k["wxpub"] = rsa_key("wechatpay_pub_private.pem")
    write_if_changed(KEYS / "wechatpay_pub_key.pem", k["wxpub"].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))

    # Bad inputs. Random material is written once and then left alone.
    garbage = KEYS / "garbage.pem"
    if not garbage.exists():
        b64 = base64.b64encode(os.urandom(300)).decode()
        lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
        garbage.write_text("-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines)
                           + "\n-----END PRIVATE KEY-----\n")
    rsa_key("rsa1024_key.pem", bits=1024)
    if not (KEYS / "encrypted_key.pem").exists():
        (KEYS / "encrypted_key.pem").write_bytes(pem_pkcs8(
            rsa.generate_private_key(public_exponent=65537, key_size=2048), b"test"))
    if not (KEYS / "ec_key.pem").exists():
        (KEYS / "ec_key.pem").write_bytes(pem_pkcs8(ec.generate_private_key(ec.SECP256R1())))

    info = {
        "merchant_serial": hexserial(MERCHANT_SERIAL),
        "mchid": MCHID,
        "platform_serial": hexserial(PLATFORM_SERIAL),
        "platform2_serial": hexserial(PLATFORM2_SERIAL),
        "platform_expired_serial": hexserial(EXPIRED_SERIAL),
        "unknown_serial": hexserial(UNKNOWN_SERIAL),
        "public_key_id": PUB_KEY_ID,
        "apiv3_key": APIV3_KEY,
    }
    write_json(KEYS / "keys.json", info)
    return k


# --------------------------------------------------------------------------- primitives

def sign(key, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def request_target(url):
    """Path plus '?query' exactly as written in the absolute url (no re-encoding)."""
    scheme_sep = url.index("://") + 3
    slash = url.index("/", scheme_sep)
    return url[slash:].split("#", 1)[0]


def sign_request(key, mchid, serial, method, url, body, ts, nonce):
    message = f"{method}\n{request_target(url)}\n{ts}\n{nonce}\n{body}\n"
    signature = sign(key, message.encode("utf-8"))
    authorization = (f'{SCHEME} mchid="{mchid}",nonce_str="{nonce}",timestamp="{ts}",'
                     f'serial_no="{serial}",signature="{signature}"')
    return {"message": message, "signature": signature, "authorization": authorization}


def response_message(ts, nonce, body: bytes) -> bytes:
    return f"{ts}\n{nonce}\n".encode() + body + b"\n"


def wx_headers(ts, nonce, signature, serial, request_id, names=None, extra=None):
    names = names or ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature",
                      "Wechatpay-Serial", "Request-ID")
    values = (str(ts), nonce, signature, serial, request_id)
    headers = dict(zip(names, values))
    headers.update(extra or {})
    return headers


def aead_encrypt(key: str, nonce: str, aad: str, plaintext: str) -> str:
    ct = AESGCM(key.encode()).encrypt(nonce.encode(), plaintext.encode("utf-8"), aad.encode())
    return base64.b64encode(ct).decode()


def oaep():
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)


def rfc3339_cst(dt):
    return dt.astimezone(CST).isoformat()


def png_bytes():
    """A 2x2 RGBA PNG assembled by hand (signature, IHDR, IDAT, IEND)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes([7, 193, 96, 255, 255, 255, 255, 255]) for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# 1x1 GIF89a, global colour table of two entries, one image block.
GIF_BYTES = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x07\xc1\x60\xff\xff\xff"
             b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


# --------------------------------------------------------------------------- case data

CASES = {}


def case(name, kind, description, **fields):
    assert name not in CASES, name
    CASES[name] = {"kind": kind, "description": description, **fields}


def trust(pub=False, certs=()):
    return {"public_keys": [{"id": PUB_KEY_ID, "file": "wechatpay_pub_key.pem"}] if pub else [],
            "platform_certs": list(certs)}


STOCK_BODY = json.dumps({
    "stock_id": "17512345", "stock_creator_mchid": MCHID, "stock_name": "微信支付代金券",
    "status": "running", "create_time": "2026-11-01T10:12:45+08:00",
    "description": "满100元减10元，全场通用", "stock_use_rule": {
        "max_coupons": 100, "max_amount": 1000, "max_amount_by_day": 500,
        "fixed_normal_coupon": {"coupon_amount": 10, "transaction_minimum": 100},
        "max_coupons_per_user": 3, "coupon_type": "NORMAL", "combine_use": False},
    "available_begin_time": "2026-11-01T00:00:00+08:00",
    "available_end_time": "2026-12-31T23:59:59+08:00", "distributed_coupons": 7,
    "no_cash": False, "singleitem": False, "stock_type": "NORMAL"},
    ensure_ascii=False, separators=(",", ":"))

COUPON_USE = json.dumps({
    "stock_creator_mchid": MCHID, "stock_id": "17512345", "coupon_id": "98765432101",
    "singleitem_discount_off": {"single_price_max": 1000},
    "discount_to": {"cut_to_price": 100, "max_price": 2000},
    "coupon_name": "微信支付代金券", "status": "USED",
    "description": "满100元减10元，全场通用；不与其他优惠同享",
    "create_time": "2026-11-20T09:15:32+08:00", "coupon_type": "NORMAL", "no_cash": False,
    "available_begin_time": "2026-11-01T00:00:00+08:00",
    "available_end_time": "2026-12-31T23:59:59+08:00", "singleitem": False,
    "normal_coupon_information": {"coupon_amount": 1000, "transaction_minimum": 10000},
    "consume_information": {
        "consume_time": "2026-11-27T09:59:48+08:00", "consume_mchid": MCHID,
        "transaction_id": "4200002345202611271234567890",
        "goods_detail": [
            {"goods_id": "SKU10086", "quantity": 2, "price": 6500, "discount_amount": 1000},
            {"goods_id": "SKU20017", "quantity": 1, "price": 1200, "discount_amount": 0}]}},
    ensure_ascii=False, separators=(",", ":"))


def gen_sign_request(k):
    merchant = k["merchant"]
    serial = hexserial(MERCHANT_SERIAL)
    list_url = (HOST + "/v3/marketing/favor/stocks?offset=0&limit=10&stock_creator_mchid="
                + MCHID + "&create_start_time=2026-01-01T00%3A00%3A00%2B08%3A00")
    create_body = json.dumps({
        "stock_name": "微信支付代金券", "comment": "双十一零售批次", "belong_merchant": MCHID,
        "available_begin_time": "2026-12-01T00:00:00+08:00",
        "available_end_time": "2026-12-31T23:59:59+08:00",
        "stock_use_rule": {"max_coupons": 100, "max_amount": 1000, "max_coupons_per_user": 1,
                           "natural_person_limit": False, "prevent_api_abuse": False},
        "pattern_info": {"description": "满100元减10元，限本店使用"},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 10,
                                                     "transaction_minimum": 100},
                            "available_merchants": [MCHID]},
        "no_cash": False, "stock_type": "NORMAL", "out_request_no": "1900000001202611270001"},
        ensure_ascii=False, separators=(",", ":"))
    specs = [
        ("sign-get-query", "GET with an already percent-encoded RFC 3339 query; the query is "
         "signed byte-for-byte, empty body line.", "merchant_key.pem", "GET", list_url, "",
         NOW, "3pQ8xT2mVbK9wZr5YhN7cL4dF1gJ6sA0"),
        ("sign-post-chinese-body", "POST create-stock with compact JSON containing Chinese; "
         "the body line is the exact UTF-8 body.", "merchant_key.pem", "POST",
         HOST + "/v3/marketing/favor/coupon-stocks", create_body, NOW + 17,
         "Zk4mN8qR2tV6xB0cD5fH9jL3pS7wY1aE"),
        ("sign-empty-body-post", "POST with an empty body: the fifth line is empty (message "
         "ends with '\\n\\n').", "merchant_key.pem", "POST",
         HOST + "/v3/marketing/favor/stocks/1234567/pause", "", NOW + 42,
         "u7Hn2Kq9Wm4Rt6Yp1Zx3Cv8Bn5Mj0Lg2"),
        ("sign-pkcs1-key", "Same as sign-get-query but the key is loaded from a PKCS#1 "
         "('BEGIN RSA PRIVATE KEY') file; identical signature expected.",
         "merchant_key_pkcs1.pem", "GET", list_url, "", NOW,
         "3pQ8xT2mVbK9wZr5YhN7cL4dF1gJ6sA0"),
        ("sign-certificates-doc", "The documentation example: GET /v3/certificates, "
         "timestamp 1554208460, nonce 593BEC0C930BF1AFEB40B4A08C8FB242.",
         "merchant_key.pem", "GET", HOST + "/v3/certificates", "", 1554208460,
         "593BEC0C930BF1AFEB40B4A08C8FB242"),
    ]
    for name, desc, keyfile, method, url, body, ts, nonce in specs:
        case(name, "sign-request", desc, mchid=MCHID, serial=serial, private_key=keyfile,
             method=method, url=url, body=body, timestamp=ts, nonce=nonce,
             expected=sign_request(merchant, MCHID, serial, method, url, body, ts, nonce))
    assert (CASES["sign-pkcs1-key"]["expected"] == CASES["sign-get-query"]["expected"])
    assert CASES["sign-certificates-doc"]["expected"]["message"] == \
        "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"


def gen_verify_response(k):
    pserial, pkid = hexserial(PLATFORM_SERIAL), PUB_KEY_ID
    body = STOCK_BODY
    ts = NOW - 3

    def signed(key, serial, nonce, rid, ts=ts, body=body, names=None):
        sig = sign(key, response_message(ts, nonce, body.encode()))
        return wx_headers(ts, nonce, sig, serial, rid, names)

    def add(name, desc, tr, headers, expected, now=NOW, status=200, body=body):
        case(name, "verify-response", desc, trust=tr, now=now, status=status,
             headers=headers, body=body, expected=expected)

    ok_pub = {"outcome": "ok", "key_id": pkid}
    ok_cert = {"outcome": "ok", "key_id": pserial}
    n = "Vf3Kx8Qm1Rz6Tn9Wb2Yc5Hd7Jg0Lp4Ns"
    add("verify-ok-public-key", "Signed with the WeChat Pay public key; Wechatpay-Serial is "
        "the PUB_KEY_ID; only that public key is trusted.", trust(pub=True),
        signed(k["wxpub"], pkid, n, "08A1B2C3D4E5F60718293A4B5C6D7E8F"), ok_pub)
    add("verify-ok-certificate", "Signed with the platform certificate key; Wechatpay-Serial "
        "is its serial; only that certificate is trusted.", trust(certs=["platform_cert.pem"]),
        signed(k["platform"], pserial, n, "08A1B2C3D4E5F60718293A4B5C6D7E90"), ok_cert)
    add("verify-ok-migration-pubkey", "Migration: both the public key and the platform cert "
        "are trusted; this response is signed with the public key.",
        trust(pub=True, certs=["platform_cert.pem"]),
        signed(k["wxpub"], pkid, "Mg1Pk2Ab3Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr", "0B00000000000000000001"),
        ok_pub)
    add("verify-ok-migration-cert", "Migration: both trusted; this response is signed with "
        "the platform certificate key.", trust(pub=True, certs=["platform_cert.pem"]),
        signed(k["platform"], pserial, "Mg1Ct2Ab3Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr",
               "0B00000000000000000002"), ok_cert)
    h = signed(k["platform"], pserial, n, "0C00000000000000000001")
    h["Wechatpay-Serial"] = "0" + format(PLATFORM_SERIAL, "x")
    add("verify-serial-lowercase", "Wechatpay-Serial in lower-case hex with a leading 0; "
        "serials compare as hex numbers, key_id is reported as canonical upper-case hex.",
        trust(certs=["platform_cert.pem"]), h, ok_cert)
    changed = body.replace('"max_coupons":100', '"max_coupons":900', 1)
    assert changed != body and len(changed) == len(body)
    add("verify-body-byte-changed", "Valid signature for the original body, then one byte of "
        "the body changed (max_coupons 100 -> 900).", trust(pub=True),
        signed(k["wxpub"], pkid, n, "0D00000000000000000001"), {"outcome": "bad-signature"},
        body=changed)
    h = signed(k["wxpub"], pkid, n, "0E00000000000000000001")
    add("verify-skew-past", "now = timestamp + 300: skew reaches 5 minutes -> rejected "
        "(reject when |now - ts| >= 300).", trust(pub=True), h,
        {"outcome": "timestamp-skew"}, now=ts + 300)
    add("verify-skew-future", "now = timestamp - 300 (timestamp 5 minutes in the future).",
        trust(pub=True), h, {"outcome": "timestamp-skew"}, now=ts - 300)
    add("verify-skew-edge-ok", "now = timestamp + 299: still accepted.", trust(pub=True), h,
        ok_pub, now=ts + 299)
    probe = PROBE_PREFIX + sign(k["unknown"], b"probe")[:88]
    add("verify-probe", "Wechatpay-Signature starts with WECHATPAY/SIGNTEST/ (deliberately "
        "invalid signature sent by WeChat Pay to check verification).", trust(pub=True),
        wx_headers(ts, n, probe, pkid, "0F00000000000000000001"), {"outcome": "probe"})
    useral = hexserial(UNKNOWN_SERIAL)
    add("verify-unknown-serial", "Signed by a key whose serial is not trusted (certificate "
        "mode, a refresh would be needed).", trust(certs=["platform_cert.pem"]),
        signed(k["unknown"], useral, n, "1000000000000000000001"),
        {"outcome": "unknown-serial", "serial": useral})
    h = signed(k["wxpub"], pkid, n, "1100000000000000000001")
    del h["Wechatpay-Timestamp"]
    add("verify-missing-timestamp", "No Wechatpay-Timestamp header (signature otherwise "
        "valid for the timestamp used).", trust(pub=True), h,
        {"outcome": "missing-header", "header": "wechatpay-timestamp"})
    add("verify-nonnumeric-timestamp", "Wechatpay-Timestamp is 'abc' (signed over 'abc' so "
        "only the header format is wrong).", trust(pub=True),
        signed(k["wxpub"], pkid, n, "1200000000000000000001", ts="abc"),
        {"outcome": "malformed-header", "header": "wechatpay-timestamp"})
    h = signed(k["wxpub"], pkid, n, "1300000000000000000001")
    h["Wechatpay-Signature"] = "!!!notbase64"
    add("verify-signature-not-base64", "Wechatpay-Signature is not base64.", trust(pub=True),
        h, {"outcome": "malformed-header", "header": "wechatpay-signature"})
    add("verify-mixed-case-headers", "Header names in odd case; lookup is case-insensitive.",
        trust(pub=True), signed(k["wxpub"], pkid, n, "1400000000000000000001", names=(
            "wechatpay-TIMESTAMP", "WECHATPAY-NONCE", "WeChatPay-Signature",
            "wechatpay-serial", "request-id")), ok_pub)
    add("verify-empty-body-204", "204 No Content: body is empty, message is 'ts\\nnonce\\n\\n'.",
        trust(pub=True), signed(k["wxpub"], pkid, n, "1500000000000000000001", body=""),
        ok_pub, status=204, body="")


def envelope_body(nonce, aad, ciphertext, algorithm="AEAD_AES_256_GCM"):
    """Raw notification envelope: non-sorted keys and ': ' / ', ' spacing in places."""
    return ('{"id":"EV-2026112710000012345678","create_time":"2026-11-27T09:59:50+08:00",'
            ' "resource_type":"encrypt-resource","event_type":"COUPON.USE",'
            '"summary":"代金券核销通知","resource": {"original_type":"coupon",'
            f'"algorithm":"{algorithm}","ciphertext":"{ciphertext}",'
            f'"associated_data":"{aad}","nonce":"{nonce}"}}}}')


ENVELOPE = {"id": "EV-2026112710000012345678", "create_time": "2026-11-27T09:59:50+08:00",
            "event_type": "COUPON.USE", "resource_type": "encrypt-resource",
            "summary": "代金券核销通知"}


def gen_notification(k):
    pkid, pserial = PUB_KEY_ID, hexserial(PLATFORM_SERIAL)
    nonce, aad = "fdasflkja484", "coupon"
    ct = aead_encrypt(APIV3_KEY, nonce, aad, COUPON_USE)
    raw = base64.b64decode(ct)
    ts = NOW - 8
    extra = {"Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}

    def add(name, desc, tr, key, serial, body, expected, sent_body=None, sig=None, rid="1"):
        hn = "Nt" + name.replace("-", "")[:30].ljust(30, "x")
        sig = sig or sign(key, response_message(ts, hn, body.encode()))
        headers = wx_headers(ts, hn, sig, serial, "2" + rid.rjust(21, "0"), extra=extra)
        case(name, "notification", desc, trust=tr, now=NOW, apiv3_key=APIV3_KEY,
             headers=headers, body=sent_body if sent_body is not None else body,
             expected=expected)

    good = envelope_body(nonce, aad, ct)
    ok = {"outcome": "ok", "envelope": ENVELOPE, "plaintext": COUPON_USE}
    add("notify-coupon-use-pubkey", "COUPON.USE signed with the WeChat Pay public key.",
        trust(pub=True), k["wxpub"], pkid, good, ok, rid="1")
    add("notify-coupon-use-cert", "COUPON.USE signed with the platform certificate key.",
        trust(certs=["platform_cert.pem"]), k["platform"], pserial, good, ok, rid="2")
    failed = {"outcome": "decrypt-failed", "envelope": ENVELOPE}
    add("notify-wrong-aad", "Envelope says associated_data 'certificate' but 'coupon' was "
        "used to encrypt; signature valid.", trust(pub=True), k["wxpub"], pkid,
        envelope_body(nonce, "certificate", ct), failed, rid="3")
    add("notify-truncated-ciphertext", "Ciphertext cut to its first 10 bytes (shorter than "
        "the 16-byte tag); signature valid.", trust(pub=True), k["wxpub"], pkid,
        envelope_body(nonce, aad, base64.b64encode(raw[:10]).decode()), failed, rid="4")
    flipped = raw[:-1] + bytes([raw[-1] ^ 0x01])
    add("notify-corrupted-tag", "Last byte of the GCM tag flipped; signature valid.",
        trust(pub=True), k["wxpub"], pkid,
        envelope_body(nonce, aad, base64.b64encode(flipped).decode()), failed, rid="5")
    add("notify-unknown-algorithm", "resource.algorithm is AEAD_SM4_GCM; signature valid.",
        trust(pub=True), k["wxpub"], pkid, envelope_body(nonce, aad, ct, "AEAD_SM4_GCM"),
        {"outcome": "unknown-algorithm", "envelope": ENVELOPE}, rid="6")
    compact = json.dumps(json.loads(good), ensure_ascii=False, separators=(",", ":"))
    assert compact != good
    add("notify-body-reserialised", "Signed over the raw envelope, delivered re-serialised "
        "(whitespace removed): verification must use raw bytes -> bad-signature.",
        trust(pub=True), k["wxpub"], pkid, good, {"outcome": "bad-signature"},
        sent_body=compact, rid="7")
    add("notify-probe", "Signature probe (WECHATPAY/SIGNTEST/...) on a notification.",
        trust(pub=True), None, pkid, good, {"outcome": "probe"},
        sig=PROBE_PREFIX + "rjoUXZ4Lq9Hc2f0bD1mN8pR3sT6vW7xY5zA0bC9dE2fG", rid="8")


def gen_aead():
    specs = [("aead-basic", "Plain ASCII JSON, associated_data 'certificate'.",
              "Ab3Cd5Ef7Gh9", "certificate", '{"hello":"world","n":1}'),
             ("aead-empty-aad", "Empty associated_data (absent/null AAD means empty).",
              "0123456789ab", "", '{"stock_id":"17512345"}'),
             ("aead-chinese", "UTF-8 plaintext with Chinese text, associated_data 'coupon'.",
              "Zq8Wx6Vu4Ts2", "coupon", COUPON_USE)]
    for name, desc, nonce, aad, pt in specs:
        case(name, "aead", desc, apiv3_key=APIV3_KEY, nonce=nonce, associated_data=aad,
             plaintext=pt, ciphertext_base64=aead_encrypt(APIV3_KEY, nonce, aad, pt))


def previous_field(name, field):
    path = HERE / name / "case.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8")).get(field)
    return None


def gen_oaep(k):
    for name, desc, pt in [("oaep-decrypt-name", "A name encrypted for the merchant key.",
                            "王小明"),
                           ("oaep-decrypt-phone", "A phone number encrypted for the merchant "
                            "key.", "13800138000")]:
        # OAEP is randomised: keep the previous ciphertext when it still decrypts correctly.
        ct = previous_field(name, "ciphertext_base64")
        try:
            assert ct and k["merchant"].decrypt(base64.b64decode(ct), oaep()).decode() == pt
        except (AssertionError, ValueError):
            ct = base64.b64encode(k["merchant"].public_key().encrypt(
                pt.encode("utf-8"), oaep())).decode()
        case(name, "oaep-decrypt", desc + " RSA-OAEP, SHA-1, MGF1-SHA-1, no label.",
             private_key="merchant_key.pem", ciphertext_base64=ct, plaintext=pt)
    case("oaep-encrypt-pubkey", "oaep-encrypt", "Encrypt with the WeChat Pay public key "
         "(OAEP SHA-1); send its key id in Wechatpay-Serial.",
         public_key_file="wechatpay_pub_key.pem", key_id=PUB_KEY_ID, plaintext="张三丰",
         decrypt_with="wechatpay_pub_private.pem", expected={"serial": PUB_KEY_ID})
    case("oaep-encrypt-cert", "oaep-encrypt", "Encrypt with the platform certificate's key "
         "(OAEP SHA-1); send the certificate serial in Wechatpay-Serial, written as the official "
         "Go SDK writes it (upper-case hex of the serial's bytes, leading zero kept).",
         certificate_file="platform_cert.pem", plaintext="13900139000",
         decrypt_with="platform_key.pem", expected={"serial": wire_serial(PLATFORM_SERIAL)})


def cert_entry(cert, nonce):
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    entry = {"serial_no": hexserial(cert.serial_number),
             "effective_time": rfc3339_cst(cert.not_valid_before_utc),
             "expire_time": rfc3339_cst(cert.not_valid_after_utc),
             "encrypt_certificate": {"algorithm": "AEAD_AES_256_GCM", "nonce": nonce,
                                     "associated_data": "certificate",
                                     "ciphertext": aead_encrypt(APIV3_KEY, nonce,
                                                                "certificate", pem)}}
    expected = {"serial_no": entry["serial_no"],
                "not_before_unix": int(cert.not_valid_before_utc.timestamp()),
                "not_after_unix": int(cert.not_valid_after_utc.timestamp()), "pem": pem}
    return entry, expected


def gen_certificates(k):
    ts = NOW - 2
    p1, e1 = cert_entry(k["platform_cert"], "Kc7Rt2Ym9Qa4")
    p2, e2 = cert_entry(k["platform2_cert"], "Lb3Wn8Xs1Pe6")
    px, ex = cert_entry(k["expired_cert"], "Mh5Jd0Vg7Uk2")
    pserial = hexserial(PLATFORM_SERIAL)

    def add(name, desc, entries, key, serial, expected, alter=None, rid="1"):
        body = json.dumps({"data": entries}, ensure_ascii=False, separators=(",", ":"))
        nonce = "Ce" + name.replace("-", "")[:30].ljust(30, "z")
        sig = sign(key, response_message(ts, nonce, body.encode()))
        if alter:
            body = alter(body)
        case(name, "certificates", desc, apiv3_key=APIV3_KEY, now=NOW,
             headers=wx_headers(ts, nonce, sig, serial, "3" + rid.rjust(21, "0")),
             body=body, trust=trust(), expected=expected)

    add("certs-bootstrap", "Trust is empty: the response is verified with the contained "
        "certificate whose serial equals Wechatpay-Serial.", [p1, p2], k["platform"], pserial,
        {"outcome": "ok", "certificates": [e1, e2], "verified_by": pserial,
         "expired_serials": []}, rid="1")

    def bump(body):
        out = body.replace('"expire_time":"2030-06-01', '"expire_time":"2035-06-01', 1)
        assert out != body
        return out
    add("certs-bad-signature", "Body altered after signing (second entry's expire_time "
        "2030 -> 2035).", [p1, p2], k["platform"], pserial, {"outcome": "bad-signature"},
        alter=bump, rid="2")
    add("certs-with-expired", "Entries: an expired certificate and a valid one, signed by the "
        "valid one; ok, every entry listed, the expired one also in expired_serials.",
        [px, p1], k["platform"], pserial,
        {"outcome": "ok", "certificates": [ex, e1], "verified_by": pserial,
         "expired_serials": [hexserial(EXPIRED_SERIAL)]}, rid="3")
    add("certs-signed-by-unknown", "Signed by a key whose certificate is neither in the "
        "response nor trusted.", [p1, p2], k["unknown"], hexserial(UNKNOWN_SERIAL),
        {"outcome": "unknown-serial", "serial": hexserial(UNKNOWN_SERIAL)}, rid="4")


def multipart(boundary, meta, filename, content_type, data):
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\n"
            f"Content-Type: application/json\r\n\r\n{meta}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode() \
        + data + f"\r\n--{boundary}--\r\n".encode()


def gen_media(k):
    serial = hexserial(MERCHANT_SERIAL)
    url = HOST + "/v3/marketing/favor/media/image-upload"
    common = dict(mchid=MCHID, serial=serial, private_key="merchant_key.pem", url=url,
                  timestamp=NOW + 5, nonce="Im4Ge8Up2Lo6Ad0Xy3Zw7Vu1Ts5Rq9Po",
                  boundary="WechatPayBoundary7MA4YWxkTrZu0gW")
    png = png_bytes()
    assert len(png) < 1024
    meta = f'{{"filename":"logo.png","sha256":"{hashlib.sha256(png).hexdigest()}"}}'
    signed = sign_request(k["merchant"], MCHID, serial, "POST", url, meta,
                          common["timestamp"], common["nonce"])
    case("media-png", "media-upload", "2x2 PNG upload: meta JSON is the signed body; "
         "multipart body with CRLF line breaks.", **common, filename="logo.png",
         content_type="image/png", file_base64=base64.b64encode(png).decode(),
         expected={"outcome": "ok", "meta": meta, **signed,
                   "body_base64": base64.b64encode(multipart(
                       common["boundary"], meta, "logo.png", "image/png", png)).decode(),
                   "content_type_header": f"multipart/form-data; boundary={common['boundary']}"})
    case("media-wrong-type", "media-upload", "GIF is not accepted (JPG/BMP/PNG only).",
         **common, filename="doc.gif", content_type="image/gif",
         file_base64=base64.b64encode(GIF_BYTES).decode(),
         expected={"outcome": "unsupported-image"})
    case("media-too-large", "media-upload", "2 MiB + 1 byte (limit is 2097152 bytes); build "
         "the file as file_size copies of file_fill_byte.", **common, filename="big.png",
         content_type="image/png", file_size=MEDIA_LIMIT + 1, file_fill_byte=0,
         expected={"outcome": "too-large"})


# --------------------------------------------------------------------------- self-check

def load_private(name):
    return serialization.load_pem_private_key((KEYS / name).read_bytes(), password=None)


def load_cert(name):
    return x509.load_pem_x509_certificate((KEYS / name).read_bytes())


def rsa_ok(pub, sig_b64, message):
    try:
        pub.verify(base64.b64decode(sig_b64, validate=True), message, padding.PKCS1v15(),
                   hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def reference_verify(c, extra_certs=()):
    """Classify a signed response the way apiv3-rules.md (b) describes. Returns a dict."""
    h = {name.lower(): v for name, v in c["headers"].items()}
    for name in ("wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature",
                 "wechatpay-serial"):
        if name not in h:
            return {"outcome": "missing-header", "header": name}
    if not h["wechatpay-timestamp"].isdigit():
        return {"outcome": "malformed-header", "header": "wechatpay-timestamp"}
    if h["wechatpay-signature"].startswith(PROBE_PREFIX):
        return {"outcome": "probe"}
    try:
        base64.b64decode(h["wechatpay-signature"], validate=True)
    except ValueError:
        return {"outcome": "malformed-header", "header": "wechatpay-signature"}
    ts = int(h["wechatpay-timestamp"])
    if abs(c["now"] - ts) >= 300:
        return {"outcome": "timestamp-skew"}
    keys = {pk["id"]: serialization.load_pem_public_key((KEYS / pk["file"]).read_bytes())
            for pk in c["trust"]["public_keys"]}
    certs = [load_cert(f) for f in c["trust"]["platform_certs"]] + list(extra_certs)
    serial = h["wechatpay-serial"]
    if serial in keys:
        key_id, pub = serial, keys[serial]
    else:
        is_hex = all(ch in "0123456789abcdefABCDEF" for ch in serial) and serial != ""
        match = [x for x in certs if is_hex and x.serial_number == int(serial, 16)]
        if not match:
            return {"outcome": "unknown-serial", "serial": serial}
        key_id, pub = hexserial(match[0].serial_number), match[0].public_key()
    msg = response_message(ts, h["wechatpay-nonce"], c["body"].encode("utf-8"))
    if not rsa_ok(pub, h["wechatpay-signature"], msg):
        return {"outcome": "bad-signature"}
    return {"outcome": "ok", "key_id": key_id}


def aead_decrypt(key, nonce, aad, ct_b64):
    return AESGCM(key.encode()).decrypt(nonce.encode(), base64.b64decode(ct_b64),
                                        aad.encode()).decode("utf-8")


def check(name, c):
    kind, exp = c["kind"], c.get("expected")
    if kind == "sign-request":
        key = load_private(c["private_key"])
        assert exp["message"].count("\n") == 5 and exp["message"].endswith("\n")
        assert rsa_ok(key.public_key(), exp["signature"], exp["message"].encode("utf-8"))
        assert exp["authorization"].startswith(SCHEME + ' mchid="')
        assert f'signature="{exp["signature"]}"' in exp["authorization"]
    elif kind == "verify-response":
        assert reference_verify(c) == exp, (name, reference_verify(c))
    elif kind == "notification":
        got = reference_verify(c)
        if got["outcome"] == "ok":
            env = json.loads(c["body"])
            got = {"outcome": "ok", "envelope": {f: env[f] for f in ENVELOPE}}
            res = env["resource"]
            if res["algorithm"] != "AEAD_AES_256_GCM":
                got["outcome"] = "unknown-algorithm"
            else:
                try:
                    got["plaintext"] = aead_decrypt(c["apiv3_key"], res["nonce"],
                                                    res.get("associated_data") or "",
                                                    res["ciphertext"])
                except (InvalidTag, ValueError):
                    got["outcome"] = "decrypt-failed"
        assert got == exp, (name, got)
    elif kind == "aead":
        assert aead_decrypt(c["apiv3_key"], c["nonce"], c["associated_data"],
                            c["ciphertext_base64"]) == c["plaintext"]
    elif kind == "oaep-decrypt":
        pt = load_private(c["private_key"]).decrypt(base64.b64decode(c["ciphertext_base64"]),
                                                    oaep())
        assert pt.decode("utf-8") == c["plaintext"]
    elif kind == "oaep-encrypt":
        if "certificate_file" in c:
            cert = load_cert(c["certificate_file"])
            pub, serial = cert.public_key(), wire_serial(cert.serial_number)
        else:
            pub = serialization.load_pem_public_key((KEYS / c["public_key_file"]).read_bytes())
            serial = c["key_id"]
        assert serial == exp["serial"]
        ct = pub.encrypt(c["plaintext"].encode(), oaep())
        assert load_private(c["decrypt_with"]).decrypt(ct, oaep()).decode() == c["plaintext"]
    elif kind == "certificates":
        got_certs, expired, certs = [], [], []
        for e in json.loads(c["body"])["data"]:
            enc = e["encrypt_certificate"]
            pem = aead_decrypt(c["apiv3_key"], enc["nonce"], enc["associated_data"],
                               enc["ciphertext"])
            cert = x509.load_pem_x509_certificate(pem.encode())
            assert hexserial(cert.serial_number) == e["serial_no"]
            certs.append(cert)
            nb, na = (int(cert.not_valid_before_utc.timestamp()),
                      int(cert.not_valid_after_utc.timestamp()))
            got_certs.append({"serial_no": e["serial_no"], "not_before_unix": nb,
                              "not_after_unix": na, "pem": pem})
            if not nb <= c["now"] < na:
                expired.append(e["serial_no"])
        got = reference_verify(c, extra_certs=certs)
        if got["outcome"] == "ok":
            got = {"outcome": "ok", "certificates": got_certs, "verified_by": got["key_id"],
                   "expired_serials": expired}
        assert got == exp, (name, got)
    elif kind == "media-upload":
        data = (bytes([c["file_fill_byte"]]) * c["file_size"] if "file_size" in c
                else base64.b64decode(c["file_base64"]))
        ext = c["filename"].rsplit(".", 1)[-1].lower()
        outcome = ("too-large" if len(data) > MEDIA_LIMIT else
                   "unsupported-image" if ext not in ("png", "jpg", "jpeg", "bmp") else "ok")
        assert outcome == exp["outcome"], name
        if outcome == "ok":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            meta = json.loads(exp["meta"])
            assert meta == {"filename": c["filename"],
                            "sha256": hashlib.sha256(data).hexdigest()}
            assert exp["message"] == (f"POST\n/v3/marketing/favor/media/image-upload\n"
                                      f"{c['timestamp']}\n{c['nonce']}\n{exp['meta']}\n")
            key = load_private(c["private_key"])
            assert rsa_ok(key.public_key(), exp["signature"], exp["message"].encode())
            body = base64.b64decode(exp["body_base64"])
            b = c["boundary"].encode()
            assert body.startswith(b"--" + b + b"\r\n") and body.endswith(
                b"\r\n--" + b + b"--\r\n")
            assert (b"\r\n\r\n" + exp["meta"].encode() + b"\r\n") in body
            assert (b"\r\n\r\n" + data + b"\r\n--" + b + b"--\r\n") in body
    else:
        raise AssertionError(f"unknown kind {kind}")


# --------------------------------------------------------------------------- output

def write_json(path, obj):
    text = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    write_if_changed(path, text.encode("utf-8"))


def main():
    k = build_keys()
    gen_sign_request(k)
    gen_verify_response(k)
    gen_notification(k)
    gen_aead()
    gen_oaep(k)
    gen_certificates(k)
    gen_media(k)
    for name, c in CASES.items():
        check(name, c)
    for stale in HERE.iterdir():
        if (stale / "case.json").is_file() and stale.name not in CASES:
            shutil.rmtree(stale)
    for name, c in CASES.items():
        (HERE / name).mkdir(exist_ok=True)
        write_json(HERE / name / "case.json", c)
    print(f"wrote {len(CASES)} cases and keys/ under {HERE}")
    import corpus  # tests/corpus/: the language-neutral corpus (tests/vectors/corpus.py)
    corpus.main(k)


if __name__ == "__main__":
    main()
