"""Fixtures for the third-party SDK suites: the sandbox CLI on a free port, in one signing mode."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

REPO = Path(__file__).resolve().parents[3]
BIN = Path(os.environ.get("WECHATPAY_SANDBOX_BIN", REPO / "target" / "debug" / "wechatpay-coupons"))


class Sandbox:
    """`wechatpay-coupons sandbox --port 0 --dir D --mode M --bills-anytime`, read from its start-up lines."""

    def __init__(self, mode: str) -> None:
        if not BIN.is_file():
            pytest.fail(f"sandbox binary {BIN} not built (cargo build -p wechatpay-coupons-cli --bin wechatpay-coupons)")
        self.mode = mode
        self.dir = Path(tempfile.mkdtemp(prefix="interop-")) / "merchant"
        self.proc = subprocess.Popen(
            [str(BIN), "sandbox", "--port", "0", "--dir", str(self.dir), "--mode", mode, "--bills-anytime"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.base_url = ""
        config: Optional[Path] = None
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (self.base_url and config):
            line = self.proc.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                self.base_url = line.split("listening on", 1)[1].strip()
            if line.startswith("client config:"):
                config = Path(line.split(":", 1)[1].strip())
        if not (self.base_url and config):
            self.stop()
            pytest.fail("the sandbox did not print its base URL and client config")
        self.config: Dict[str, Any] = json.loads(config.read_text())

    def file(self, key: str) -> str:
        """The text of a file named in merchant.json."""
        return (self.dir / self.config[key]).read_text()

    def call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        """A sandbox control endpoint (`/sandbox/...`, loopback only, unsigned)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module", params=["public-key", "certificate"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    sb = Sandbox(request.param)
    yield sb
    sb.stop()
