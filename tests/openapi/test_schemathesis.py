"""Schema-driven fuzzing of the sandbox with schemathesis, from the committed OpenAPI document
(openapi/wechatpay-coupons.openapi.json, the bytes the sandbox serves at /openapi.json).

Every generated request is signed through the Python binding (`Client.sign` over the exact
prepared method, path and body; the `meta` part for the image upload), so requests reach the
handlers instead of stopping at 401. Checks per response: no 5xx, status code, content type,
headers and body conform to the document, and every 2xx carries a signature the Python client
verifies. Bounded: MAX_EXAMPLES per operation and mode (positive and negative), a fixed
Hypothesis seed, no example database. A summary (operations, examples, statuses) is written to
$OPENAPI_SUMMARY when set.

The sandbox is the CLI binary (`cargo build -p wechatpay-coupons-cli`); WECHATPAY_SANDBOX_BIN
overrides its path. The sandbox and the client both read the machine's clock (the sandbox CLI
has no clock flag), so signatures are fresh; no outcome depends on what time it is.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Optional

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import wechatpay_coupons as wc

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "openapi" / "wechatpay-coupons.openapi.json"
BIN = Path(os.environ.get("WECHATPAY_SANDBOX_BIN", REPO / "target" / "debug" / "wechatpay-coupons"))
MAX_EXAMPLES = int(os.environ.get("OPENAPI_MAX_EXAMPLES", "50"))
SEED = 20261204
# The sandbox's clock starts ten seconds before midnight in Beijing (an injected time, so the run
# does not depend on the hour); the client signs on the sandbox's clock.
START = "2026-12-31T23:59:50+08:00"

schema = schemathesis.openapi.from_path(str(DOCUMENT))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    database="none",
)

# operation id -> status -> count; filled by the checks below.
STATS: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))


class Sandbox:
    def __init__(self) -> None:
        if not BIN.is_file():
            pytest.fail(f"sandbox binary {BIN} not built (cargo build -p wechatpay-coupons-cli)")
        self.dir = tempfile.mkdtemp(prefix="wcsb-openapi-")
        self.proc = subprocess.Popen(
            [str(BIN), "sandbox", "--port", "0", "--dir", self.dir, "--bills-anytime", "--start-time", START],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.base_url = ""
        self.config = ""
        assert self.proc.stdout is not None
        while not (self.base_url and self.config):
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
        clock = json.loads(requests.get(self.base_url + "/sandbox/clock", timeout=10).content)
        self._protocol_start = int(clock["protocol_now"])
        self._since = time.monotonic()
        self.client = wc.Client.from_config(self.config, now=self.protocol_now())

    def protocol_now(self) -> int:
        """The sandbox's protocol clock, read once and run on with the monotonic clock."""
        return self._protocol_start + int(time.monotonic() - self._since)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


META = re.compile(rb'name="meta"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n(.*?)\r\n--', re.S)


UPLOAD_PATH = "/v3/marketing/favor/media/image-upload"


class SignWithBinding(requests.auth.AuthBase):
    """Signs the prepared request (exact URL and body bytes; for the image upload the `meta`
    part, whatever Content-Type the example declares) with the Python binding."""

    def __init__(self, client: wc.Client, clock: Callable[[], int]) -> None:
        self.client = client
        self.clock = clock

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body: bytes = r.body if isinstance(r.body, bytes) else r.body.encode() if isinstance(r.body, str) else b""
        if (r.path_url or "").endswith(UPLOAD_PATH):
            m = META.search(body)
            body = m.group(1) if m else b""
        self.client.set_now(self.clock())
        try:
            signed = self.client.sign(r.method or "GET", r.url or "", body)
        except wc.ValidationError:
            # A method the protocol has no signature for (schemathesis also sends TRACE, …):
            # sent unsigned, the sandbox must refuse it without a 5xx.
            return r
        r.headers["Authorization"] = signed["authorization"]
        r.headers["Accept"] = "application/json"
        return r


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox()
    yield sb
    sb.stop()
    out = os.environ.get("OPENAPI_SUMMARY")
    if out:
        Path(out).write_text(json.dumps({k: dict(v) for k, v in sorted(STATS.items())}, indent=1) + "\n")


@pytest.fixture(scope="session")
def session(sandbox: Sandbox) -> requests.Session:
    s = requests.Session()
    s.auth = SignWithBinding(sandbox.client, sandbox.protocol_now)
    return s


def signed_2xx(client: wc.Client) -> Any:
    def check(ctx: Any, response: Any, case: Any) -> Optional[bool]:
        op = case.operation.definition.raw.get("operationId", "?")
        STATS[op][str(response.status_code)] += 1
        if response.status_code >= 400 and os.environ.get("OPENAPI_DEBUG"):
            print(op, case.method, response.status_code, response.content[:200], (response.request.body or b"")[:400])
        if 200 <= response.status_code < 300:
            headers = {k: v[0] if isinstance(v, list) else v for k, v in response.headers.items()}
            # Raises (failing the example) when the signature is missing or does not verify.
            client.verify(headers, response.content)
        return None

    check.__name__ = "signed_2xx"
    return check


def test_the_sandbox_serves_the_committed_document(sandbox: Sandbox) -> None:
    with urllib.request.urlopen(sandbox.base_url + "/openapi.json", timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "application/json"
        assert r.read() == DOCUMENT.read_bytes()


@schema.parametrize()
@hypothesis.seed(SEED)
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api(case: Any, sandbox: Sandbox, session: requests.Session) -> None:
    response = case.call(base_url=sandbox.base_url, session=session, timeout=30)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            negative_data_rejection,
            response_headers_conformance,
            response_schema_conformance,
            signed_2xx(sandbox.client),
        ],
    )


LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII="
)


def test_a_well_formed_campaign_gets_2xx_that_conform_and_verify(sandbox: Sandbox) -> None:
    """Every operation once with a request the core builds (the fuzzed examples are mostly
    refused by the business rules, which the schemas do not carry): each answer must be a 2xx
    that passes the same checks."""
    client = sandbox.client
    client.set_now(sandbox.protocol_now())
    mchid = client.mchid
    appid = json.loads(Path(sandbox.config).read_text())["appid"]
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        signed_2xx(client),
    ]

    def call(req: wc.Request, **path: str) -> Any:
        op = schema.find_operation_by_id(req.operation or "")
        response = requests.request(timeout=30, **req.to_requests_kwargs())
        op.Case(path_parameters=path).validate_response(response, checks=checks)
        assert 200 <= response.status_code < 300, (req.operation, response.status_code, response.content[:300])
        return response.json()

    def rfc(t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(t + 8 * 3600))

    logo = call(client.upload_image(LOGO, "logo.png"))["media_url"]
    now = client.now()
    fields: wc.CreateStockRequest = {
        "stock_name": "沙盒满25减1",
        "belong_merchant": mchid,
        "available_begin_time": rfc(now),
        "available_end_time": rfc(now + 7 * 86400),
        "stock_use_rule": {
            "max_coupons": 10,
            "max_amount": 1000,
            "max_coupons_per_user": 2,
            "natural_person_limit": False,
            "prevent_api_abuse": False,
        },
        "pattern_info": {"description": "满 25 元减 1 元", "merchant_logo": logo, "coupon_image": logo},
        "coupon_use_rule": {
            "fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 2500},
            "available_merchants": [mchid],
        },
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": client.out_request_no(),
    }
    stock_id = call(client.create_stock(fields))["stock_id"]
    ids = {"stock_id": stock_id}
    call(client.start_stock(stock_id=stock_id, stock_creator_mchid=mchid), **ids)
    call(client.get_stock(stock_id=stock_id, stock_creator_mchid=mchid), **ids)
    call(client.list_stocks(offset=0, limit=10, stock_creator_mchid=mchid))
    openid = "oSchemathesisUser0001"
    req = client.send_coupon(
        stock_id=stock_id, out_request_no=client.out_request_no(), appid=appid, stock_creator_mchid=mchid, openid=openid
    )
    coupon_id = call(req, openid=openid)["coupon_id"]
    call(client.get_coupon(openid=openid, coupon_id=coupon_id, appid=appid), openid=openid, coupon_id=coupon_id)
    call(client.list_user_coupons(openid=openid, appid=appid, creator_mchid=mchid), openid=openid)
    call(client.list_stock_merchants(stock_id=stock_id, stock_creator_mchid=mchid, offset=0, limit=10), **ids)
    call(client.list_stock_items(stock_id=stock_id, stock_creator_mchid=mchid, offset=0, limit=10), **ids)
    call(client.set_callback(mchid=mchid, notify_url="https://127.0.0.1/wechatpay/notify", switch=False))
    call(client.get_callback(mchid=mchid))
    call(client.pause_stock(stock_id=stock_id, stock_creator_mchid=mchid), **ids)
    call(client.restart_stock(stock_id=stock_id, stock_creator_mchid=mchid), **ids)
    call(client.modify_item_codes(stock_id=stock_id, stock_creator_mchid=mchid, add_goods_id_list=["SKU1"]), **ids)
    for action, body in [
        ("use", {"coupon_id": coupon_id, "openid": openid, "order_amount": 3000}),
        ("refund", {"coupon_id": coupon_id}),
    ]:
        r = requests.post(f"{sandbox.base_url}/sandbox/{action}", json=body, timeout=30)
        assert r.status_code == 200, r.content
    call(client.use_flow(stock_id=stock_id), **ids)
    call(client.refund_flow(stock_id=stock_id), **ids)
    # stop applies to a stock not yet started
    spare_fields = fields.copy()
    spare_fields["out_request_no"] = client.out_request_no()
    spare = call(client.create_stock(spare_fields))["stock_id"]
    call(client.stop_stock(stock_id=spare, stock_creator_mchid=mchid), stock_id=spare)


def test_every_operation_was_exercised() -> None:
    ops = [op for path in json.loads(DOCUMENT.read_text())["paths"].values() for op in path.values()]
    # Runs last (file order): every operation got responses, and a 2xx from the campaign test.
    missing = [op["operationId"] for op in ops if op["operationId"] not in STATS]
    no_2xx = [k for k, v in STATS.items() if not any(c.startswith("2") for c in v)]
    assert len(ops) == 18
    assert not missing, missing
    assert not no_2xx, no_2xx
