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

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import wechatpay_coupons as wc

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "openapi" / "wechatpay-coupons.openapi.json"
BIN = Path(os.environ.get("WECHATPAY_SANDBOX_BIN", REPO / "target" / "debug" / "wechatpay-coupons"))
MAX_EXAMPLES = int(os.environ.get("OPENAPI_MAX_EXAMPLES", "25"))
SEED = 20261204

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
            [str(BIN), "sandbox", "--port", "0", "--dir", self.dir, "--bills-anytime"],
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
        self.client = wc.Client.from_config(self.config)

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

    def __init__(self, client: wc.Client) -> None:
        self.client = client

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body: bytes = r.body if isinstance(r.body, bytes) else (r.body or "").encode()
        if (r.path_url or "").endswith(UPLOAD_PATH):
            m = META.search(body)
            body = m.group(1) if m else b""
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
    s.auth = SignWithBinding(sandbox.client)
    return s


def signed_2xx(client: wc.Client) -> Any:
    def check(ctx: Any, response: Any, case: Any) -> Optional[bool]:
        op = case.operation.definition.raw.get("operationId", "?")
        STATS[op][str(response.status_code)] += 1
        if response.status_code >= 400 and os.environ.get("OPENAPI_DEBUG"):
            print(op, case.method, response.status_code, response.content[:200])
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
            response_headers_conformance,
            response_schema_conformance,
            signed_2xx(sandbox.client),
        ],
    )


def test_every_operation_was_exercised() -> None:
    ops = [op for path in json.loads(DOCUMENT.read_text())["paths"].values() for op in path.values()]
    # Runs after test_api (file order): every operation produced responses.
    missing = [op["operationId"] for op in ops if op["operationId"] not in STATS]
    assert len(ops) == 18
    assert not missing, missing
