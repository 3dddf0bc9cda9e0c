"""The sandbox driven by `wechatpayv3` (PyPI, pinned in requirements.txt), a client no one here
wrote: its own `marketing_favor_*` calls, its own response-signature check, its own
`decrypt_callback`, in public-key and in certificate mode.

The SDK has no gateway parameter: its `Core._gate_way` attribute holds the base URL, so the
tests set it to the sandbox's. Every 2xx response goes through the SDK's `_verify_signature`
(it raises on a bad signature); the tests also record each result to prove the check ran.
"""

from __future__ import annotations

import base64
import json
import tempfile
import threading
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from conftest import Sandbox
from requests.structures import CaseInsensitiveDict
from wechatpayv3 import WeChatPay, WeChatPayType

BEIJING = timezone(timedelta(hours=8))
OPENID = "oInteropPython0000000000001"
# A 2x2 PNG.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII="
)


class Sdk:
    """A `wechatpayv3.WeChatPay` for the sandbox's merchant, its gateway pointed at the sandbox."""

    def __init__(self, sb: Sandbox, public_key: Optional[str] = None) -> None:
        cfg = sb.config
        kw: Dict[str, Any] = {}
        if sb.mode == "public-key":
            kw["public_key"] = public_key or sb.file("wechatpay_public_key_file")
            kw["public_key_id"] = cfg["wechatpay_public_key_id"]
        else:
            # The SDK would download the platform certificate from the real host while it is
            # constructed; give it the certificate file instead (it reads every *.pem there).
            cert_dir = Path(tempfile.mkdtemp(prefix="wpv3-certs-"))
            (cert_dir / f"{cfg['platform_serial']}.pem").write_text(sb.file("platform_cert_file"))
            kw["cert_dir"] = str(cert_dir)
        self.pay = WeChatPay(
            wechatpay_type=WeChatPayType.MINIPROG,
            mchid=cfg["mchid"],
            private_key=sb.file("merchant_key_file"),
            cert_serial_no=cfg["merchant_serial"],
            appid=cfg["appid"],
            apiv3_key=sb.file("apiv3_key_file").strip(),
            timeout=(10, 30),
            **kw,
        )
        core = self.pay._core
        core._gate_way = sb.base_url
        self.checks: List[bool] = []
        self.seen: List[Tuple[Any, Any]] = []
        self.verify = core._verify_signature

        def recording(headers: Any, body: Any) -> bool:
            ok = bool(self.verify(headers, body))
            self.checks.append(ok)
            self.seen.append((headers, body))
            return ok

        core._verify_signature = recording


def ok(result: Tuple[int, Any]) -> Dict[str, Any]:
    code, text = result
    assert 200 <= code < 300, f"{code}: {text!r}"
    return json.loads(text) if text else {}


def beijing(t: int) -> str:
    return datetime.fromtimestamp(t, BEIJING).isoformat(timespec="seconds")


class Receiver:
    """A local notify_url whose handler runs the SDK's `decrypt_callback` and acknowledges."""

    def __init__(self, sdk: Sdk) -> None:
        self.results: List[Optional[str]] = []
        self.got = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                result = sdk.pay.decrypt_callback(self.headers, body)
                outer.results.append(result)
                reply = b'{"code":"SUCCESS","message":"OK"}' if result else b'{"code":"FAIL","message":"bad"}'
                self.send_response(200 if result else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                outer.got.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/wechatpay/notify"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sdk(sandbox: Sandbox) -> Sdk:
    return Sdk(sandbox)


@pytest.fixture
def receiver(sdk: Sdk) -> Iterator[Receiver]:
    r = Receiver(sdk)
    yield r
    r.close()


def create_stock(sdk: Sdk, sb: Sandbox, no_cash: bool, out_request_no: str) -> Tuple[int, Any]:
    now = int(sb.call("GET", "/sandbox/clock")["now"])
    mchid = sb.config["mchid"]
    return sdk.pay.marketing_favor_stock_create(
        stock_name="互通测试批次",
        belong_merchant=mchid,
        available_begin_time=beijing(now + 60),
        available_end_time=beijing(now + 7 * 86_400),
        stock_use_rule={
            "max_coupons": 10,
            "max_amount": 1000,
            "max_coupons_per_user": 2,
            "natural_person_limit": False,
            "prevent_api_abuse": False,
        },
        coupon_use_rule={
            "fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000},
            "available_merchants": [mchid, "1900000109"],
            "available_items": ["goods-1", "goods-2"],
        },
        out_request_no=out_request_no,
        no_cash=no_cash,
    )


def test_full_flow_with_the_sdks_own_checks(sandbox: Sandbox, sdk: Sdk, receiver: Receiver) -> None:
    sb = sandbox
    mchid = sb.config["mchid"]
    pay = sdk.pay
    calls = 0

    def step(result: Tuple[int, Any]) -> Dict[str, Any]:
        nonlocal calls
        calls += 1
        return ok(result)

    stock_id = step(create_stock(sdk, sb, True, f"interop{sb.mode[:3]}0001"))["stock_id"]
    step(pay.marketing_favor_stock_start(stock_creator_mchid=mchid, stock_id=stock_id))
    sb.call("POST", "/sandbox/clock/advance", {"seconds": 120})
    sent = step(
        pay.marketing_favor_stock_send(
            stock_id=stock_id, openid=OPENID, out_request_no=f"send{sb.mode[:3]}0001", stock_creator_mchid=mchid
        )
    )
    coupon_id = sent["coupon_id"]

    detail = step(pay.marketing_favor_stock_detail(stock_creator_mchid=mchid, stock_id=stock_id))
    assert detail["stock_id"] == stock_id and detail["status"] == "running"
    listed = step(pay.marketing_favor_stock_list(stock_creator_mchid=mchid, offset=0, limit=10))
    assert stock_id in [s["stock_id"] for s in listed["data"]]
    coupon = step(pay.marketing_favor_coupon_detail(coupon_id=coupon_id, openid=OPENID))
    assert coupon["coupon_id"] == coupon_id and coupon["status"] == "SENDED"
    mine = step(pay.marketing_favor_user_coupon(openid=OPENID, creator_mchid=mchid))
    assert [c["coupon_id"] for c in mine["data"]] == [coupon_id]
    # These two send a trailing "&" after the query.
    merchants = step(pay.marketing_favor_stock_merchant(stock_creator_mchid=mchid, stock_id=stock_id, limit=50))
    assert sorted(merchants["data"]) == sorted([mchid, "1900000109"])
    items = step(pay.marketing_favor_stock_item(stock_creator_mchid=mchid, stock_id=stock_id, limit=50))
    assert sorted(items["data"]) == ["goods-1", "goods-2"]

    step(pay.marketing_favor_stock_pause(stock_creator_mchid=mchid, stock_id=stock_id))
    assert step(pay.marketing_favor_stock_detail(stock_creator_mchid=mchid, stock_id=stock_id))["status"] == "paused"
    step(pay.marketing_favor_stock_restart(stock_creator_mchid=mchid, stock_id=stock_id))

    cb = step(pay.marketing_favor_callback_update(notify_url=receiver.url, switch=True))
    assert cb["notify_url"] == receiver.url

    # Image upload: the SDK sends "Content-Type: multipart/form-data" with no boundary.
    with tempfile.TemporaryDirectory() as d:
        logo = Path(d) / "logo.png"
        logo.write_bytes(LOGO)
        media_url = step(pay.marketing_image_upload(str(logo)))["media_url"]
    with urllib.request.urlopen(media_url, timeout=10) as r:
        assert r.read() == LOGO

    used = sb.call("POST", "/sandbox/use", {"coupon_id": coupon_id, "openid": OPENID, "order_amount": 3000})
    assert used["notification_id"], used
    assert receiver.got.wait(30), "no COUPON.USE notification arrived"
    assert receiver.results[0], "the SDK's decrypt_callback refused the notification"
    plain = json.loads(receiver.results[0])
    assert plain["coupon_id"] == coupon_id and plain["status"] == "USED"
    assert plain["consume_information"]["transaction_id"] == used["transaction_id"]

    flow = step(pay.marketing_favor_use_flow(stock_id=stock_id))
    assert flow["url"].startswith(sb.base_url) and flow["hash_type"] == "SHA1"

    # Every 2xx went through the SDK's own signature check, and every check passed (the
    # notification's check is counted too).
    assert len(sdk.checks) >= calls and all(sdk.checks), sdk.checks


def test_the_sdks_check_is_live(sandbox: Sandbox) -> None:
    """The check that passes above can fail: a changed body or a key that did not sign is refused."""
    sdk = Sdk(sandbox)
    ok(sdk.pay.marketing_favor_stock_list(stock_creator_mchid=sandbox.config["mchid"]))
    headers, body = sdk.seen[-1]
    assert sdk.verify(headers, body) is True
    assert sdk.verify(headers, body.replace('"total_count"', '"total_Count"')) is False
    if sandbox.mode == "public-key":
        # Any other RSA key will do: take the merchant certificate's.
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        pem = (
            x509.load_pem_x509_certificate(sandbox.file("merchant_cert_file").encode())
            .public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
        wrong = Sdk(sandbox, public_key=pem)
        with pytest.raises(Exception, match="failed to verify the signature"):
            wrong.pay.marketing_favor_stock_list(stock_creator_mchid=sandbox.config["mchid"])
        assert wrong.checks == [False]
    else:
        # A serial the sandbox does not sign with: the SDK refreshes from the sandbox, finds no
        # such certificate and refuses.
        forged = CaseInsensitiveDict(headers)
        forged["Wechatpay-Serial"] = "7A" * 20
        assert sdk.verify(forged, body) is False


def test_certificate_download_by_the_sdk(sandbox: Sandbox) -> None:
    """The SDK's own `/v3/certificates` refresh: in certificate mode it downloads and decrypts the
    sandbox's platform certificate; in public-key mode the sandbox has none to give."""
    sdk = Sdk(sandbox)
    core = sdk.pay._core
    core._certificates.clear()
    core._update_certificates()
    serials = [format(c.serial_number, "X") for c in core._certificates]
    if sandbox.mode == "certificate":
        assert serials == [sandbox.config["platform_serial"].lstrip("0")]
        ok(sdk.pay.marketing_favor_stock_list(stock_creator_mchid=sandbox.config["mchid"]))
        assert sdk.checks and all(sdk.checks)
    else:
        assert serials == []


def test_no_cash_left_out_is_refused_with_a_plain_message(sandbox: Sandbox, sdk: Sdk) -> None:
    """The SDK omits `no_cash` when it is false; the sandbox refuses that, as the official Go
    model requires the field, and says why and what to send."""
    code, text = create_stock(sdk, sandbox, False, f"interop{sandbox.mode[:3]}nc01")
    assert code == 400, text
    err = json.loads(text)
    assert err["code"] == "PARAM_ERROR"
    assert "no_cash is required" in err["message"], err
    assert "send false explicitly" in err["message"], err
