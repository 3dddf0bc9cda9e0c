#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy (-D warnings) for both crypto
# backends, the Rust test suites with the aws-lc-rs and the RustCrypto backend, and the wasm32
# build of the core. Installs what it needs when missing. Prints "N passed, N failed" last.
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

passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
printf '\n'
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
