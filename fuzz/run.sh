#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of fuzz/ without needing cargo-fuzz: a plain
# `cargo build` with the flags `cargo fuzz build -s none` uses, then
# the target binaries directly. See README "Fuzzing".
#
#   fuzz/run.sh list                      the targets
#   fuzz/run.sh seeds                     (re)build fuzz/corpus/<target>/seed-* from tests/vectors
#   fuzz/run.sh build                     build every target
#   fuzz/run.sh smoke [SECONDS]           seeds + build + every target for SECONDS (default 5)
#   fuzz/run.sh run TARGET [ARGS...]      one target on fuzz/corpus/TARGET, libFuzzer ARGS
#                                         (e.g. -max_total_time=600); crashes go to
#                                         fuzz/artifacts/TARGET/
#   fuzz/run.sh repro TARGET FILE...      run the target once on each FILE
#
# No sanitizer: the code under test is safe Rust (unsafe_code is denied); debug assertions and
# overflow checks are on. The stable toolchain is enough (RUSTC_BOOTSTRAP=1 is set for parity with
# `cargo fuzz`, which needs it on stable).
set -euo pipefail
cd "$(dirname "$0")"

TARGETS=(response_verify notification certificates keys bill_chunks sandbox_authorization sandbox_multipart plugin_sign)
HOST="$(rustc -vV | sed -n 's/^host: //p')"
BIN_DIR="target/$HOST/release"
export RUSTC_BOOTSTRAP=1
export CARGO_INCREMENTAL=0
# The exact flags of `cargo fuzz build -s none` (cargo-fuzz 0.13), in its order.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 -Cllvm-args=-sanitizer-coverage-stack-depth \
-Cdebug-assertions -Ccodegen-units=1"

known() {
    local t
    for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done
    echo "unknown fuzz target '$1' (expected one of: ${TARGETS[*]})" >&2
    return 1
}

seeds() { python3 seeds.py >/dev/null; }

# Not --locked: a dependency added to core/ or sandbox/ gets its entry in fuzz/Cargo.lock here.
build() { cargo build --release --target "$HOST" --bins; }

run() {
    local t="$1"
    shift
    known "$t"
    mkdir -p "corpus/$t" "artifacts/$t"
    "$BIN_DIR/$t" -artifact_prefix="artifacts/$t/" -timeout=10 -print_final_stats=1 "$@" "corpus/$t"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
    list) printf '%s\n' "${TARGETS[@]}" ;;
    seeds) seeds ;;
    build) build ;;
    smoke)
        secs="${1:-5}"
        seeds
        build
        for t in "${TARGETS[@]}"; do
            echo "-- fuzz smoke: $t (${secs} s)"
            log="target/smoke-$t.log"
            if run "$t" -max_total_time="$secs" >"$log" 2>&1; then
                grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units)' "$log" || true
            else
                tail -n 40 "$log" >&2
                echo "fuzz target $t failed (input saved in fuzz/artifacts/$t/)" >&2
                exit 1
            fi
        done
        ;;
    run)
        [ $# -ge 1 ] || { echo "usage: fuzz/run.sh run TARGET [libFuzzer args...]" >&2; exit 2; }
        run "$@"
        ;;
    repro)
        [ $# -ge 2 ] || { echo "usage: fuzz/run.sh repro TARGET FILE..." >&2; exit 2; }
        t="$1"
        shift
        known "$t"
        "$BIN_DIR/$t" "$@"
        ;;
    *)
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
        [ -z "$cmd" ] || exit 2
        ;;
esac
