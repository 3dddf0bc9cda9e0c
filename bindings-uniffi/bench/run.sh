#!/usr/bin/env bash
# JVM benchmark of the uniffi binding (release cdylib through JNA) against raw JCA in the same
# JVM: signed request, response verification, notification, construction. One run, medians.
# Needs what scripts/test.sh kotlin installs (a JDK, libjna-java, the npm kotlin-compiler).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release -q -p wechatpay-coupons-uniffi --lib
kc="${XDG_CACHE_HOME:-$HOME/.cache}/wechatpay-coupons/kotlin/node_modules/kotlin-compiler"
[ -x "$kc/bin/kotlinc" ] || { echo "kotlinc missing: run 'bash scripts/test.sh kotlin' once" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$kc/bin/kotlinc" -nowarn -cp /usr/share/java/jna.jar -d "$out/classes" \
    bindings-uniffi/kotlin/src/main/kotlin bindings-uniffi/kotlin/src/test/kotlin examples/kotlin bindings-uniffi/bench/Bench.kt
java -cp "$out/classes:$kc/lib/kotlin-stdlib.jar:/usr/share/java/jna.jar" -Djna.library.path="$target/release" -Drepo="$PWD" \
    com.wechatpay.coupons.bench.BenchKt
