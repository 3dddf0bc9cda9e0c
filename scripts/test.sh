#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy (-D warnings) for both crypto
# backends, the Rust test suites (core, sandbox, binding units) with the aws-lc-rs and the
# RustCrypto backend, the wasm32 build of the core, and the Python package (built with maturin
# into .venv, pytest incl. end-to-end runs against the sandbox, mypy --strict, stub check), and a
# 5-second smoke run of every fuzz target (fuzz/run.sh; SKIP_FUZZ=1 skips it).
# Installs what it needs when missing. Prints "N passed, N failed" last.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_TERM_COLOR=never
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "rustfmt"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check

step "clippy (aws-lc-rs backend, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (RustCrypto backend)"
cargo clippy -p wechatpay-coupons --all-targets --features rustcrypto -- -D warnings

step "tests (aws-lc-rs backend)"
cargo test --workspace 2>&1 | tee -a "$log"

step "tests (RustCrypto backend)"
cargo test -p wechatpay-coupons --features rustcrypto 2>&1 | tee -a "$log"

step "wasm32 build of the core"
rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
cargo build -p wechatpay-coupons --target wasm32-unknown-unknown

step "Python: venv, build (maturin), pytest, mypy --strict, stubtest"
cargo build -p wechatpay-sandbox --bin wechatpay-coupons
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check maturin pytest cryptography requests httpx mypy flask
(cd bindings-python && VIRTUAL_ENV="$PWD/../.venv" PATH="$PWD/../.venv/bin:$PATH" maturin develop --release -q)
(cd bindings-python && ../.venv/bin/python -m pytest -q -p no:cacheprovider tests) 2>&1 | tee -a "$log"
.venv/bin/python -m mypy --strict bindings-python/python/wechatpay_coupons bindings-python/tests examples/python
(cd bindings-python && ../.venv/bin/python -m mypy.stubtest wechatpay_coupons --allowlist stubtest-allowlist.txt)

step "100 MB synthetic bill in constant memory (release build)"
cargo test --release -p wechatpay-coupons --test favor_bills large_synthetic_bill_in_constant_memory -- --nocapture 2>&1 | tee -a "$log"

step "fuzz smoke: every libFuzzer target for ${FUZZ_SMOKE_SECONDS:-5} s (fuzz/run.sh, own target dir)"
# Plain cargo build with cargo-fuzz's coverage flags (no cargo-fuzz install, no nightly); needs a C++
# compiler for libFuzzer and a host libFuzzer supports. A harness that does not compile fails here.
if [ "${SKIP_FUZZ:-0}" = 1 ]; then
    echo "skipped: SKIP_FUZZ=1"
elif ! command -v c++ >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: libFuzzer needs a C++ compiler (c++) and the seed script python3"
elif ! rustc -vV | grep -Eq '^host: (x86_64|aarch64)-(unknown-linux-gnu|apple-darwin)$'; then
    echo "skipped: libFuzzer is not supported on $(rustc -vV | sed -n 's/^host: //p')"
else
    cargo fmt --manifest-path fuzz/Cargo.toml -- --check
    fuzz/run.sh smoke "${FUZZ_SMOKE_SECONDS:-5}"
fi

# cargo: "test result: ok. N passed; M failed"; pytest: "N passed, M failed … in 1.2s".
passed=$( { grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed';
            grep -E '^[0-9]+ (passed|failed).* in [0-9.]+s' "$log" | grep -Eo '[0-9]+ passed'; } | awk '{s+=$1} END {print s+0}')
failed=$( { grep -E '^test result:' "$log"; grep -E '^[0-9]+ (passed|failed).* in [0-9.]+s' "$log"; } \
          | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
printf '\n'
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
