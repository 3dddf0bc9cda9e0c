#!/usr/bin/env bash
# Generates the Kotlin and Swift sources of the uniffi binding from the built library (the one
# source of truth: the Rust crate). Builds the cdylib and uniffi-bindgen in one cargo call.
#
# Usage: bindings-uniffi/generate.sh           regenerate the committed files
#        bindings-uniffi/generate.sh --check   regenerate into a temp dir and diff (drift check)
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd .. && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build -q -p wechatpay-coupons-uniffi --features bindgen --lib --bin uniffi-bindgen
case "$(uname -s)" in Darwin) lib="$target/debug/libwechatpay_coupons_uniffi.dylib" ;; *) lib="$target/debug/libwechatpay_coupons_uniffi.so" ;; esac
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$target/debug/uniffi-bindgen" generate --no-format --library "$lib" --language kotlin --out-dir "$out/kotlin" >/dev/null
"$target/debug/uniffi-bindgen" generate --no-format --library "$lib" --language swift --out-dir "$out/swift" >/dev/null
# The committed layout: a Gradle-style Kotlin source set, and a Swift package whose C module
# (header + module map) goes into the XCFramework (see swift/build-xcframework.sh).
mkdir -p "$out/tree/kotlin/src/main/kotlin/com/wechatpay/coupons" "$out/tree/swift/Sources/WechatpayCoupons" "$out/tree/swift/Headers"
cp "$out/kotlin/com/wechatpay/coupons/wechatpay_coupons_uniffi.kt" "$out/tree/kotlin/src/main/kotlin/com/wechatpay/coupons/"
cp "$out/swift/WechatpayCoupons.swift" "$out/tree/swift/Sources/WechatpayCoupons/"
cp "$out/swift/WechatpayCouponsFFI.h" "$out/tree/swift/Headers/"
cp "$out/swift/WechatpayCouponsFFI.modulemap" "$out/tree/swift/Headers/module.modulemap"
files=(kotlin/src/main/kotlin/com/wechatpay/coupons/wechatpay_coupons_uniffi.kt
       swift/Sources/WechatpayCoupons/WechatpayCoupons.swift
       swift/Headers/WechatpayCouponsFFI.h
       swift/Headers/module.modulemap)
if [ "${1:-}" = "--check" ]; then
    status=0
    for f in "${files[@]}"; do
        if ! diff -u "$f" "$out/tree/$f" >/dev/null 2>&1; then
            echo "out of date: bindings-uniffi/$f (run bindings-uniffi/generate.sh)" >&2
            status=1
        fi
    done
    [ "$status" -eq 0 ] && echo "generated Kotlin and Swift sources are current"
    exit "$status"
fi
for f in "${files[@]}"; do
    mkdir -p "$(dirname "$f")"
    cp "$out/tree/$f" "$f"
done
echo "generated: ${files[*]}"
