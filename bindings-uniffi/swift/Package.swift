// swift-tools-version:5.7
// The Swift package of the wechatpay-coupons uniffi binding. The generated Swift sources are
// committed; the native library comes as an XCFramework that build-xcframework.sh makes (it is
// not committed and not built by the project's CI: there is no Swift toolchain there).
import PackageDescription

let package = Package(
    name: "WechatpayCoupons",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "WechatpayCoupons", targets: ["WechatpayCoupons"]),
    ],
    targets: [
        .binaryTarget(name: "WechatpayCouponsFFI", path: "WechatpayCouponsFFI.xcframework"),
        .target(
            name: "WechatpayCoupons",
            dependencies: ["WechatpayCouponsFFI"],
            path: "Sources/WechatpayCoupons"
        ),
    ]
)
