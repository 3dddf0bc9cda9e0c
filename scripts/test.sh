#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy (-D warnings) for both crypto
# backends, the Rust test suites (core, sandbox, binding units) with the aws-lc-rs and the
# RustCrypto backend, clippy of the core and the wasm binding on wasm32, the Python package (built with maturin
# into .venv, pytest incl. end-to-end runs against the sandbox, mypy --strict, stub check), the
# sandbox driven by third-party SDKs (tests/interop/: wechatpayv3 from PyPI, wechatpay-axios-plugin
# from npm, both pinned), and a short smoke run of every fuzz target (fuzz/run.sh).
# Installs what it needs when missing. Prints "N passed, N failed" last.
#
# Usage: bash scripts/test.sh [PART...]   (no PART: every part, in this order)
#   rust             rustfmt, clippy (both backends), Rust tests (both backends), the check that
#                    the generated binding files are up to date (cargo xtask check), wasm32 clippy,
#                    the 100 MB bill check in release
#   python           the Python package: build, pytest, mypy --strict, stubtest
#   node             the npm package (bindings-wasm/npm): wasm32 target, wasm-bindgen-cli at the
#                    Cargo.lock version (cargo install, cached in ~/.cargo/bin), npm ci, npm run
#                    build, tsc --strict, node --test (vectors, corpus, bad inputs, node:crypto
#                    cross-checks, the pure-wasm fallback, the sandbox end to end, the README)
#   openapi          the OpenAPI document (openapi/…json): openapi-spec-validator, then schemathesis
#                    against the sandbox with requests signed by the Python package (needs the
#                    package in .venv: runs the python part's build first when it is missing)
#   kotlin           the uniffi library: generated Kotlin/Swift current, kotlinc, Kotlin tests
#                    (vectors, corpus, JCA cross-checks, sandbox end to end), examples/kotlin
#   interop-python   wechatpayv3 against the sandbox (pip into .venv)
#   interop-node     wechatpay-axios-plugin against the sandbox (npm ci into tests/interop/node)
#   interop          both interop parts
#   fuzz             every libFuzzer target for FUZZ_SMOKE_SECONDS (default 5; SKIP_FUZZ=1 skips)
#   console          the sandbox's web console in headless chromium (Debian package, installed when
#                    missing) driven by playwright-core (npm ci into sandbox/console-test)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_TERM_COLOR=never
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

step() { printf '\n== %s\n' "$*"; }

sandbox_bin() { cargo build -p wechatpay-coupons-cli --bin wechatpay-coupons; }

interop_python() {
    step "interop: wechatpayv3 (PyPI, pinned) against the sandbox"
    sandbox_bin
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -c scripts/python-tools.txt pytest -r tests/interop/python/requirements.txt
    (cd tests/interop/python && ../../../.venv/bin/python -m pytest -q -rsx -p no:cacheprovider .) 2>&1 | tee -a "$log"
}

node_ensure() {
    command -v node >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    [ "$major" -ge 20 ] || { echo "the node part needs Node.js 20 or newer, found $(node --version)" >&2; return 1; }
}

# `npm ci` in $1 unless its lockfile is the one installed last time.
npm_ci() {
    if ! cmp -s "$1/package-lock.json" "$1/node_modules/.package-lock.json.installed"; then
        (cd "$1" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.package-lock.json.installed)
    fi
}

interop_node() {
    step "interop: wechatpay-axios-plugin (npm, pinned by package-lock.json) against the sandbox"
    sandbox_bin
    node_ensure
    npm_ci tests/interop/node
    (cd tests/interop/node && node --test --test-reporter=tap test/) 2>&1 | tee -a "$log"
}

node_part() {
    step "Node: wasm32 target, wasm-bindgen-cli, npm ci, build, tsc, node --test"
    node_ensure
    sandbox_bin
    rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
    local want have
    want="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
    if [ "$have" != "$want" ]; then
        echo "installing wasm-bindgen-cli $want (found '${have:-none}'; about 6 minutes, once)"
        cargo install -q wasm-bindgen-cli --version "=$want" --no-default-features
    fi
    npm_ci bindings-wasm/npm
    (cd bindings-wasm/npm && npm run -s build)
    [ ! -f examples/node/package-lock.json ] || npm_ci examples/node
    [ ! -f bindings-wasm/npm/tsconfig.json ] || (cd bindings-wasm/npm && npx tsc -p tsconfig.json)
    (cd bindings-wasm/npm && node --test --test-reporter=tap test/*.test.mjs) 2>&1 | tee -a "$log"
}

summary() {
    # cargo: "test result: ok. N passed; M failed"; pytest: "N passed, M failed … in 1.2s";
    # node --test (TAP): "# pass N" and "# fail N"; the Kotlin runner: "N passed, M failed (kotlin)".
    # (`true`: a run of one part has only some of these formats, and a grep without a match must
    # not end the script under pipefail.)
    passed=$( { grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed';
                grep -E '^[0-9]+ (passed|failed).* in [0-9.]+s' "$log" | grep -Eo '[0-9]+ passed';
                grep -E '^# pass [0-9]+$' "$log" | grep -Eo '[0-9]+';
                grep -E '^[0-9]+ passed, [0-9]+ failed \(kotlin\)' "$log" | grep -Eo '^[0-9]+'; true; } | awk '{s+=$1} END {print s+0}')
    failed=$( { grep -E '^test result:' "$log" | grep -Eo '[0-9]+ failed';
                grep -E '^[0-9]+ (passed|failed).* in [0-9.]+s' "$log" | grep -Eo '[0-9]+ failed';
                grep -E '^# fail [0-9]+$' "$log" | grep -Eo '[0-9]+';
                grep -E '^[0-9]+ passed, [0-9]+ failed \(kotlin\)' "$log" | grep -Eo '[0-9]+ failed'; true; } | awk '{s+=$1} END {print s+0}')
    # A Kotlin run that died before its summary counts as a failure.
    if grep -q '^== Kotlin' "$log" && ! grep -Eq '^[0-9]+ passed, [0-9]+ failed \(kotlin\)' "$log"; then failed=$((failed + 1)); fi
    printf '\n'
    echo "${passed} passed, ${failed} failed"
    [ "$failed" -eq 0 ]
}

rust() {
    step "rustfmt"
    rustup component add rustfmt clippy >/dev/null 2>&1 || true
    cargo fmt --all -- --check

    step "clippy (aws-lc-rs backend, all targets)"
    cargo clippy --workspace --all-targets -- -D warnings

    step "clippy (RustCrypto backend)"
    cargo clippy -p wechatpay-coupons --all-targets --features rustcrypto -- -D warnings

    step "tests (aws-lc-rs backend)"
    cargo test --workspace 2>&1 | tee -a "$log"

    step "generated binding files up to date (cargo xtask check)"
    cargo run -q -p xtask -- check

    step "tests (RustCrypto backend)"
    cargo test -p wechatpay-coupons --features rustcrypto 2>&1 | tee -a "$log"

    step "clippy on wasm32: the core and the wasm binding (bindings-wasm)"
    rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
    cargo clippy -p wechatpay-coupons-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings

    step "100 MB synthetic bill in constant memory (release build)"
    cargo test --release -p wechatpay-coupons --test favor_bills large_synthetic_bill_in_constant_memory -- --nocapture 2>&1 | tee -a "$log"
}

python() {
    step "Python: venv, build (maturin), pytest, mypy --strict, stubtest"
    sandbox_bin
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/python-tools.txt
    (cd bindings-python && VIRTUAL_ENV="$PWD/../.venv" PATH="$PWD/../.venv/bin:$PATH" maturin develop --release -q)
    (cd bindings-python && ../.venv/bin/python -m pytest -q -rsx -p no:cacheprovider tests) 2>&1 | tee -a "$log"
    .venv/bin/python -m mypy --strict bindings-python/python/wechatpay_coupons bindings-python/tests examples/python
    (cd bindings-python && ../.venv/bin/python -m mypy.stubtest wechatpay_coupons --allowlist stubtest-allowlist.txt)
}

KOTLIN_COMPILER_VERSION=2.4.20

kotlin() {
    local target="${CARGO_TARGET_DIR:-target}"
    step "Kotlin: uniffi cdylib + uniffi-bindgen + sandbox (one cargo call); generated Kotlin and Swift current" | tee -a "$log"
    cargo build -p wechatpay-coupons-uniffi --features bindgen --lib --bin uniffi-bindgen -p wechatpay-coupons-cli --bin wechatpay-coupons
    bindings-uniffi/generate.sh --check
    command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq default-jdk-headless; }
    [ -f /usr/share/java/jna.jar ] || { apt-get update -qq && apt-get install -y -qq libjna-java; }
    local kdir="${XDG_CACHE_HOME:-$HOME/.cache}/wechatpay-coupons/kotlin"
    local kc="$kdir/node_modules/kotlin-compiler"
    if ! grep -q "\"version\": \"$KOTLIN_COMPILER_VERSION\"" "$kc/package.json" 2>/dev/null; then
        mkdir -p "$kdir"
        (cd "$kdir" && npm install --no-audit --no-fund --loglevel=error "kotlin-compiler@$KOTLIN_COMPILER_VERSION")
    fi
    local out
    out="$(mktemp -d)"
    # The README's Kotlin quick start, as written, inside a main().
    awk '/<!-- kotlin-quickstart/{f=1; next} f && /^```kotlin/{b=1; next} b && /^```/{exit} b' README.md > "$out/snippet.kt"
    { echo "package com.wechatpay.coupons.readme"; grep '^import ' "$out/snippet.kt"; echo "fun main() {"; grep -v '^import ' "$out/snippet.kt"; echo "}"; } > "$out/ReadmeQuickStart.kt"
    step "Kotlin: kotlinc (generated binding, tests, examples/kotlin, README quick start)"
    JAVA_OPTS="${JAVA_OPTS:--Xss4m}" "$kc/bin/kotlinc" -nowarn -cp /usr/share/java/jna.jar -d "$out/classes" \
        bindings-uniffi/kotlin/src/main/kotlin bindings-uniffi/kotlin/src/test/kotlin examples/kotlin "$out/ReadmeQuickStart.kt"
    step "Kotlin: tests"
    WECHATPAY_SANDBOX_BIN="$target/debug/wechatpay-coupons" java -cp "$out/classes:$kc/lib/kotlin-stdlib.jar:/usr/share/java/jna.jar" \
        -Djna.library.path="$target/debug" -Drepo="$PWD" com.wechatpay.coupons.test.MainKt 2>&1 | tee -a "$log"
    rm -rf "$out"
}

openapi_part() {
    step "OpenAPI: openapi-spec-validator, schemathesis against the sandbox (OPENAPI_MAX_EXAMPLES=${OPENAPI_MAX_EXAMPLES:-50} per operation and mode)"
    sandbox_bin
    if ! .venv/bin/python -c 'import wechatpay_coupons' 2>/dev/null; then
        [ -x .venv/bin/python ] || python3 -m venv .venv
        .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/python-tools.txt
        (cd bindings-python && VIRTUAL_ENV="$PWD/../.venv" PATH="$PWD/../.venv/bin:$PATH" maturin develop --release -q)
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check -c scripts/python-tools.txt -r tests/openapi/requirements.txt
    .venv/bin/openapi-spec-validator openapi/wechatpay-coupons.openapi.json 2>&1 | tee -a "$log"
    .venv/bin/python -m mypy --strict tests/openapi
    local summary
    summary="$(mktemp)"
    (cd tests/openapi && WECHATPAY_SANDBOX_BIN="${CARGO_TARGET_DIR:-$PWD/../../target}/debug/wechatpay-coupons" \
        OPENAPI_SUMMARY="$summary" ../../.venv/bin/python -m pytest -q -rsx -p no:cacheprovider .) 2>&1 | tee -a "$log"
    .venv/bin/python -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(f"schemathesis: {len(d)} operations, {sum(sum(v.values()) for v in d.values())} requests; statuses:",
      {c: sum(v.get(c, 0) for v in d.values()) for c in sorted({c for v in d.values() for c in v})})' "$summary"
    rm -f "$summary"
}

fuzz() {
    step "fuzz smoke: every libFuzzer target for ${FUZZ_SMOKE_SECONDS:-5} s (fuzz/run.sh, own target dir)"
    # Plain cargo build with cargo-fuzz's coverage flags (no cargo-fuzz install, no nightly); needs
    # a C++ compiler for libFuzzer and a host libFuzzer supports. A harness that does not compile
    # fails here.
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
}

console_part() {
    step "console: the sandbox console in headless Debian chromium driven by playwright-core"
    command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
    node_ensure
    sandbox_bin
    npm_ci sandbox/console-test
    (cd sandbox/console-test && CHROMIUM_BIN="$(command -v chromium)" node --test --test-reporter=tap test/) 2>&1 | tee -a "$log"
}

ALL=(rust python openapi node kotlin interop-python interop-node fuzz console)
[ "$#" -gt 0 ] || set -- "${ALL[@]}"
for part in "$@"; do
    case "$part" in
        rust) rust ;;
        python) python ;;
        openapi) openapi_part ;;
        node) node_part ;;
        kotlin) kotlin ;;
        interop-python) interop_python ;;
        interop-node) interop_node ;;
        interop) interop_python; interop_node ;;
        fuzz) fuzz ;;
        console) console_part ;;
        *) echo "unknown part '$part' (expected one of: ${ALL[*]} interop; none = everything)" >&2; exit 2 ;;
    esac
done
summary
