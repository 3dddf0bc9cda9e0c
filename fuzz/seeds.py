#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from tests/vectors (plus a few hand-written
seeds where the vectors hold no such input: bill files and plugin parameters, taken from the
examples of the spec). Writes fuzz/corpus/<target>/seed-*; nothing generated is committed.

Usage: python3 fuzz/seeds.py [--out DIR]     (standard library only)
"""

import argparse
import base64
import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parent / "tests" / "vectors"


def cases():
    for case_file in sorted(VECTORS.glob("*/case.json")):
        yield case_file.parent.name, json.loads(case_file.read_text(encoding="utf-8"))


def message(status, headers, body):
    """The message format of fuzz_support::parse_message."""
    head = f"{status}\n" + "".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n"
    return head.encode() + body


def multipart(boundary, meta, filename, content_type, file_bytes):
    crlf = b"\r\n"
    return (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"meta\";\r\n"
        f"Content-Type: application/json\r\n\r\n".encode()
        + meta.encode()
        + crlf
        + f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\";\r\n"
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + file_bytes
        + crlf
        + f"--{boundary}--\r\n".encode()
    )


def target_of(url):
    return re.sub(r"^https?://[^/?]+", "", url)


# bill-files.md §2.1, byte for byte; then the sandbox's rendering, an awkward file and a
# refund-flow file (the same inputs core/tests/favor_bills.rs uses).
BILLS = [
    "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息\r\n"
    "`15*****5,`1818****032,`全场代金券,`1.00,`2.00,`支付,`42000************999,`2020-11-27 16:23:05,`1******9,\"1******0\",\"\",\"\"\r\n"
    "总条数\r\n`1\r\n",
    "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息\r\n"
    "`17000001,`17000002,`全场代金券,`0.10,`1.00,`支付,`4200000001,`2026-11-27 16:23:05,`1900000001,\"013467007045764\",\"\",\"\"\r\n"
    "`17000001,`17000003,`全场代金券,`100.00,`1000.00,`支付,`4200000002,`2026-11-27 16:24:05,`1900000001,\"013467007045764\",\"\",\"\"\r\n"
    "总条数\r\n`2\r\n",
    "\ufeff批次ID , 优惠id,新列（备注）,优惠金额(元),单品信息,设备号\n"
    "`1001,`2001,`备注，全角,`0.5,\"a,b\",\"dev\"\r\n"
    "`1002,`2002,`x,`12,\"say \"\"hi\"\"\nnext line\",\"\"\n"
    "\n"
    "`1003,`2003,,`-1.25,\"\",\"d3\"\r\n"
    "总条数\r\n`3",
    "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,退款单号,退款时间,退款金额（元）,消耗商户号\r\n"
    "`17000001,`17000002,`全场代金券,`0.10,`1.00,`退款,`4200000001,`5000000001,`2026-11-28 10:00:00,`0.10,`1900000001\r\n"
    "总条数,总金额\r\n`1,`0.10\r\n",
]

# coupon-plugin-sign.md §1.1 and §2.4 B/D/F, §3.2 C, in the plugin_sign input format.
US = "\x1f"
PLUGIN = [
    "192006250b4c09247ec02edce69f6a2d\n10000100\n" + US.join(["appid", "wxd930ea5d5a258f4f"]) + "\n" + US.join(["body", "test"]),
    "exposed_your_key_here_have_risks\n10016226\n"
    + US.join(["B", "abc123", "1234567"]) + "\n" + US.join(["B", "321cba", "7654321"]),
    "0123456789abcdef0123456789abcdef\n1900000109\n"
    + US.join(["F", "9865000", "89560002019101000121", "1900000109"]),
    "0123456789abcdef0123456789abcdef\n10016226\n" + US.join(["B", "1234567", "abc123"]),
    "exposed_your_key_here_have_risks\n10016226\n"
    + US.join(["B", "12111100000001", "20191204550002", "oVvBvwEurkeUJpBzX90-6MfCHbec", "75345199", "2026-01-01T00:00:00+08:00"]),
]


def build(out: Path):
    corpora = {name: [] for name in [
        "response_verify", "notification", "certificates", "keys", "bill_chunks",
        "sandbox_authorization", "sandbox_multipart", "plugin_sign"]}
    for name, c in cases():
        kind = c["kind"]
        if kind in ("verify-response", "notification", "certificates"):
            msg = message(c.get("status", 200), c["headers"], c["body"].encode())
            corpora["response_verify"].append(msg)
            corpora["notification"].append(msg)
            corpora["certificates"].append(msg)
            if kind == "certificates":
                # The same response with a non-2xx status: the error-body path.
                corpora["certificates"].append(message(500, {}, b'{"code":"SYSTEM_ERROR","message":"x"}'))
        elif kind == "sign-request":
            req = (f"{c['method']} {target_of(c['url'])}\nAuthorization: {c['expected']['authorization']}\n"
                   "User-Agent: fuzz\nAccept: application/json\n\n").encode() + c["body"].encode()
            corpora["sandbox_authorization"].append(req)
        elif kind == "media-upload" and "file_base64" in c:
            file_bytes = base64.b64decode(c["file_base64"])
            meta = json.dumps({"filename": c["filename"], "sha256": hashlib.sha256(file_bytes).hexdigest()},
                              separators=(",", ":"))
            exp = c["expected"]
            body = base64.b64decode(exp["body_base64"]) if "body_base64" in exp else multipart(
                c["boundary"], meta, c["filename"], c["content_type"], file_bytes)
            ct = exp.get("content_type_header", f"multipart/form-data; boundary={c['boundary']}")
            corpora["sandbox_multipart"].append(ct.encode() + b"\n" + body)
            if "authorization" in exp:
                req = (f"POST {target_of(c['url'])}\nAuthorization: {exp['authorization']}\n"
                       f"User-Agent: fuzz\nAccept: application/json\nContent-Type: {ct}\n\n").encode()
                corpora["sandbox_authorization"].append(req + exp["meta"].encode())
    for pem in sorted((VECTORS / "keys").glob("*.pem")):
        text = pem.read_bytes()
        corpora["keys"].append(text)
        for block in re.findall(rb"-----BEGIN [^-]+-----(.*?)-----END", text, re.S):
            try:
                corpora["keys"].append(base64.b64decode(b"".join(block.split())))
            except ValueError:
                pass
    for bill in BILLS:
        data = bill.encode()
        # No lengths (one byte per chunk), one 7-byte length, and three mixed lengths.
        corpora["bill_chunks"] += [b"\x00" + data, b"\x01\x07" + data, b"\x03\x00\x05\x40" + data]
    corpora["plugin_sign"] += [p.encode() for p in PLUGIN]

    for name, seeds in corpora.items():
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("seed-*"):
            old.unlink()
        for data in seeds:
            (d / f"seed-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
        print(f"{name}: {len(seeds)} seeds")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "corpus")
    build(ap.parse_args().out)


if __name__ == "__main__":
    main()
