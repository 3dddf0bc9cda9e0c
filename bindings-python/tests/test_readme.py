"""Runs the README's Python quick start exactly as written against a fresh sandbox."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / "target" / "debug" / "wechatpay-coupons"


def quickstart() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- python-quickstart[^>]*-->\s*```python\n(.*?)```", readme, re.S)
    assert m, "README has no python-quickstart block"
    return m.group(1)


def test_readme_quickstart_runs() -> None:
    if not BIN.is_file():
        msg = f"sandbox binary {BIN} not built (cargo build -p wechatpay-coupons-cli)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    work = Path(tempfile.mkdtemp(prefix="wc-readme-"))
    proc = subprocess.Popen(
        [str(BIN), "sandbox", "--port", "0", "--dir", str(work / "sandbox-merchant")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.time() + 60
        ready = False
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("client config:"):
                ready = True
                break
        assert ready, "sandbox did not start"
        out = subprocess.run(
            [sys.executable, "-c", quickstart()], cwd=work, capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip().endswith("stocks"), out.stdout
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
