"""End to end against the sandbox over real HTTP: every endpoint, with urllib.request, requests
and httpx; the notification receiver, bills, image upload, certificates and errors.

The sandbox is the CLI binary `target/debug/wechatpay-coupons sandbox --port 0` (built by
`cargo build -p wechatpay-coupons-cli`); set WECHATPAY_SANDBOX_BIN to use another path.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import wechatpay_coupons as wc
from conftest import REPO

sys.path.insert(0, str(REPO / "examples" / "python"))
import notify_server  # noqa: E402

BIN = Path(os.environ.get("WECHATPAY_SANDBOX_BIN", REPO / "target" / "debug" / "wechatpay-coupons"))
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII="
)
Sender = Callable[[wc.Request], Tuple[int, Any, bytes]]


# Injected clocks at the edges of the day in Beijing: the campaign starts ten seconds before
# midnight, the certificate run five seconds before 10:00 (the demo once failed from 00:00 to
# 09:59 Beijing time). Clients are pinned to the sandbox's clock, so no test here reads the hour.
MIDNIGHT = "2026-12-31T23:59:50+08:00"
TEN_AM = "2027-01-01T09:59:55+08:00"


class Sandbox:
    def __init__(self, mode: str, start_time: Optional[str] = None) -> None:
        self.start_time = start_time
        if not BIN.is_file():
            msg = f"sandbox binary {BIN} not built (cargo build -p wechatpay-coupons-cli)"
            if os.environ.get("CI") == "true":
                pytest.fail(msg)
            pytest.skip(msg)
        self.dir = tempfile.mkdtemp(prefix="wcsb-")
        self.proc = subprocess.Popen(
            [str(BIN), "sandbox", "--port", "0", "--dir", self.dir, "--mode", mode, "--bills-anytime"]
            + (["--start-time", start_time] if start_time else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.base_url = ""
        self.config = ""
        assert self.proc.stdout is not None
        deadline = time.time() + 60
        while time.time() < deadline and not (self.base_url and self.config):
            line = self.proc.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                self.base_url = line.split("listening on", 1)[1].strip()
            if line.startswith("client config:"):
                self.config = line.split(":", 1)[1].strip()
        if not (self.base_url and self.config):
            self.stop()
            pytest.fail("sandbox did not start")

    def protocol_now(self) -> int:
        """The sandbox's protocol clock (what request timestamps are checked against)."""
        return int(self.get("/sandbox/clock")["protocol_now"])

    def client(self, **kw: Any) -> wc.Client:
        """A client for the sandbox's merchant; on an injected clock, fixed at the sandbox's time."""
        if self.start_time:
            kw.setdefault("now", self.protocol_now())
        return wc.Client.from_config(self.config, **kw)

    def post(self, path: str, body: Dict[str, Any]) -> Tuple[int, Any]:
        req = urllib.request.Request(
            self.base_url + path, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
        )
        status, _, raw = wc.urllib_send(wc.Request("POST", req.full_url, list(req.header_items()), json.dumps(body)))
        return status, json.loads(raw) if raw else None

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base_url + path, timeout=10) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("public-key", start_time=MIDNIGHT)
    yield sb
    sb.stop()


def send_urllib(req: wc.Request) -> Tuple[int, Any, bytes]:
    return wc.urllib_send(req, timeout=10)


def send_requests(req: wc.Request) -> Tuple[int, Any, bytes]:
    import requests

    r = requests.request(**req.to_requests_kwargs(), timeout=10)
    return r.status_code, r.headers, r.content


def send_httpx(req: wc.Request) -> Tuple[int, Any, bytes]:
    import httpx

    r = httpx.request(**req.to_httpx_kwargs(), timeout=10)
    return r.status_code, r.headers, r.content


SENDERS: Dict[str, Sender] = {"urllib": send_urllib, "requests": send_requests, "httpx": send_httpx}


def test_the_sandbox_and_clients_run_on_the_injected_clock(sandbox: Sandbox) -> None:
    start = 1798732790  # MIDNIGHT
    assert start <= sandbox.client().now() <= start + 600
    assert 0 <= sandbox.protocol_now() - start <= 600


@pytest.mark.parametrize("transport", list(SENDERS))
def test_campaign_every_endpoint(sandbox: Sandbox, transport: str) -> None:
    send = SENDERS[transport]
    events: List[wc.NotificationEvent] = []
    client = sandbox.client()
    mchid = client.mchid
    appid = json.loads(Path(sandbox.config).read_text())["appid"]

    def call(req: wc.Request) -> Any:
        status, headers, body = send(req)
        return client.parse(req, status, headers, body)

    # image upload (bytes and path)
    logo = call(client.upload_image(LOGO, "logo.png"))["media_url"]
    with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as f:
        f.write(LOGO)
    assert call(client.upload_image(f.name))["media_url"]

    now = client.now()

    def rfc(t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(t + 8 * 3600))

    def stock_fields() -> wc.CreateStockRequest:
        now = client.now()
        return {
            "stock_name": "沙盒满25减1",
            "belong_merchant": mchid,
            "available_begin_time": rfc(now),
            "available_end_time": rfc(now + 7 * 86400),
            "stock_use_rule": {
                "max_coupons": 100,
                "max_amount": 10000,
                "max_amount_by_day": 5000,
                "max_coupons_per_user": 2,
                "natural_person_limit": False,
                "prevent_api_abuse": False,
            },
            "pattern_info": {"description": "满 25 元减 1 元", "merchant_logo": logo, "background_color": "COLOR020"},
            "coupon_use_rule": {
                "fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 2500},
                "available_merchants": [mchid],
            },
            "no_cash": False,
            "stock_type": "NORMAL",
            "out_request_no": client.out_request_no(),
        }

    stock = call(client.create_stock(stock_fields()))
    stock_id = stock["stock_id"]
    assert call(client.start_stock(stock_id=stock_id, stock_creator_mchid=mchid))["stock_id"] == stock_id

    receiver = notify_server.serve(client, events.append)
    notify_url = f"http://127.0.0.1:{receiver.server_address[1]}/wechatpay/notify"
    try:
        cb = call(client.set_callback(mchid=mchid, notify_url=notify_url, switch=True))
        assert cb["notify_url"] == notify_url
        assert call(client.get_callback(mchid=mchid))["notify_url"] == notify_url

        coupons = []
        for i in range(3):
            openid = f"oPy{transport}User{i:04d}"
            req = client.send_coupon(
                stock_id=stock_id, out_request_no=client.out_request_no(), appid=appid, stock_creator_mchid=mchid, openid=openid
            )
            coupons.append((openid, call(req)["coupon_id"]))
        # a retry re-signs the same request: same out_request_no, same coupon
        assert call(client.resign(req))["coupon_id"] == coupons[-1][1]

        got = call(client.get_stock(stock_id=stock_id, stock_creator_mchid=mchid))
        assert got["stock_id"] == stock_id and got["distributed_coupons"] == 3
        openid0, coupon0 = coupons[0]
        c = call(client.get_coupon(openid=openid0, coupon_id=coupon0, appid=appid))
        assert c["status"] == "SENDED"
        page = call(client.list_user_coupons(openid=openid0, appid=appid, creator_mchid=mchid, offset=0, limit=10))
        assert page["total_count"] >= 1
        stocks = call(client.list_stocks(offset=0, limit=10, stock_creator_mchid=mchid))
        assert any(s["stock_id"] == stock_id for s in stocks["data"])
        all_pages = list(client.pages("list_stocks", {"offset": 0, "limit": 1, "stock_creator_mchid": mchid}, send))
        assert len(all_pages) >= 1
        merchants = call(client.list_stock_merchants(stock_id=stock_id, stock_creator_mchid=mchid, offset=0, limit=10))
        assert "data" in merchants
        items = call(client.list_stock_items(stock_id=stock_id, stock_creator_mchid=mchid, offset=0, limit=10))
        assert "data" in items
        try:
            mod = call(client.modify_item_codes(stock_id=stock_id, stock_creator_mchid=mchid, add_goods_id_list=["sku-1"]))
            assert isinstance(mod, dict)
        except wc.ApiError as e:  # a stock without single items may be refused by the simulator
            assert e.status in (400, 403) and e.code

        call(client.pause_stock(stock_id=stock_id, stock_creator_mchid=mchid))
        with pytest.raises(wc.ApiError) as info:
            call(client.send_coupon(stock_id=stock_id, out_request_no=client.out_request_no(), appid=appid, stock_creator_mchid=mchid, openid="oLate"))
        assert info.value.status >= 400 and info.value.code and info.value.retryable is False
        call(client.restart_stock(stock_id=stock_id, stock_creator_mchid=mchid))

        status, used = sandbox.post("/sandbox/use", {"coupon_id": coupon0, "openid": openid0, "order_amount": 3000})
        assert status == 200, used
        deadline = time.time() + 15
        while not events and time.time() < deadline:
            time.sleep(0.05)
        assert events, "no verified COUPON.USE notification"
        ev = events[0]
        assert ev["event_type"] == "COUPON.USE"
        assert ev["resource"]["coupon_id"] == coupon0 and ev["resource"]["status"] == "USED"
        # The receiver records the event before its 200 reaches the sandbox: wait for the ack.
        acknowledged = False
        while not acknowledged and time.time() < deadline:
            acknowledged = any(d["acknowledged"] for d in sandbox.get("/sandbox/notifications")["data"])
            if not acknowledged:
                time.sleep(0.05)
        assert acknowledged
    finally:
        receiver.shutdown()

    # bills: use-flow download, digest, streaming parse
    flow = call(client.use_flow(stock_id=stock_id))
    breq = client.bill_file_request(flow)
    status, _, data = send(breq)
    assert status == 200
    verified = wc.verify_bill(flow, iter([data[:7], data[7:]]))
    rows = list(wc.parse_bill(verified, __import__("io").BytesIO(data), "use_flow"))
    assert any(r["coupon_id"] == coupon0 for r in rows)
    with pytest.raises(wc.BillError) as binfo:
        wc.verify_bill(flow, data + b" ")
    assert binfo.value.reason == "hash_mismatch"
    # No refunds happened: the refund-flow endpoint answers 404 RESOURCE_NOT_EXISTS (verified
    # request, typed error).
    try:
        assert "url" in call(client.refund_flow(stock_id=stock_id))
    except wc.ApiError as e:
        assert e.status == 404 and e.error_kind == "not_found" and e.request_id

    # stop applies to a stock that was never started
    spare = call(client.create_stock(stock_fields()))["stock_id"]
    assert call(client.stop_stock(stock_id=spare, stock_creator_mchid=mchid))["stock_id"] == spare


def test_validation_before_signing(sandbox: Sandbox) -> None:
    client = sandbox.client()
    with pytest.raises(wc.ValidationError) as info:
        client.create_stock({"stock_name": "", "out_request_no": "bad no!"})
    assert len(info.value.violations) > 1
    assert all({"field", "rule", "message"} <= set(v) for v in info.value.violations)
    with pytest.raises(wc.ValidationError) as info:
        client.get_stock(stock_id="1", stock_creator_mchid=client.mchid, stok_typo="x")
    assert info.value.violations[0]["rule"] == "unknown_field"


def test_api_error_fields(sandbox: Sandbox) -> None:
    client = sandbox.client()
    req = client.get_stock(stock_id="999999999", stock_creator_mchid=client.mchid)
    status, headers, body = send_httpx(req)
    with pytest.raises(wc.ApiError) as info:
        client.parse(req, status, headers, body)
    e = info.value
    assert e.status == status and e.status >= 400
    assert isinstance(e.code, str) and isinstance(e.message, str)
    assert e.retryable is False and not wc.is_retryable(e)
    assert e.body == body


def test_tampered_response_is_rejected(sandbox: Sandbox) -> None:
    client = sandbox.client()
    req = client.list_stocks(offset=0, limit=10, stock_creator_mchid=client.mchid)
    status, headers, body = send_urllib(req)
    with pytest.raises(wc.SignatureError):
        client.parse(req, status, headers, body.replace(b"total_count", b"total_coun "))
    # a parsed-then-reserialised body breaks the signature too
    with pytest.raises(wc.SignatureError):
        client.parse(req, status, headers, json.dumps(json.loads(body), indent=1))


def test_certificate_mode_refresh() -> None:
    sb = Sandbox("certificate", start_time=TEN_AM)
    try:
        cfg = json.loads(Path(sb.config).read_text())
        base = Path(sb.config).parent
        # Bootstrap: no platform certificate configured; download and trust on first use.
        client = wc.Client(
            cfg["mchid"],
            cfg["merchant_serial"],
            (base / cfg["merchant_key_file"]).read_text(),
            (base / cfg["apiv3_key_file"]).read_text().strip(),
            base_url=sb.base_url,
            now=sb.protocol_now(),
        )
        assert client.trusted_keys() == []
        req = client.certificates_request()
        status, headers, body = send_requests(req)
        update = client.apply_certificates_response(status, headers, body)
        assert update["trust_on_first_use"] and update["added"]
        assert update["refresh_at"] > client.now()
        stocks_req = client.list_stocks(offset=0, limit=10, stock_creator_mchid=cfg["mchid"])
        assert "data" in client.parse(stocks_req, *send_httpx(stocks_req))
        enc = client.encrypt_sensitive("13800138000")
        assert enc["serial"] in client.trusted_keys()
    finally:
        sb.stop()
