#!/usr/bin/env bash
# Builds WechatpayCouponsFFI.xcframework (static library + Headers/ with the module map) for
# iOS devices, the iOS simulator and macOS, next to Package.swift. Run on a Mac with Xcode and
# rustup; not run by the project's CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
    cargo build --release -p wechatpay-coupons-uniffi --lib --target "$t"
done
lib=libwechatpay_coupons_uniffi.a
out=target/xcframework
rm -rf "$out" bindings-uniffi/swift/WechatpayCouponsFFI.xcframework
mkdir -p "$out/ios-sim" "$out/macos"
lipo -create target/aarch64-apple-ios-sim/release/$lib target/x86_64-apple-ios/release/$lib -output "$out/ios-sim/$lib"
lipo -create target/aarch64-apple-darwin/release/$lib target/x86_64-apple-darwin/release/$lib -output "$out/macos/$lib"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/$lib -headers bindings-uniffi/swift/Headers \
    -library "$out/ios-sim/$lib" -headers bindings-uniffi/swift/Headers \
    -library "$out/macos/$lib" -headers bindings-uniffi/swift/Headers \
    -output bindings-uniffi/swift/WechatpayCouponsFFI.xcframework
echo "built bindings-uniffi/swift/WechatpayCouponsFFI.xcframework; 'swift build' in bindings-uniffi/swift"
