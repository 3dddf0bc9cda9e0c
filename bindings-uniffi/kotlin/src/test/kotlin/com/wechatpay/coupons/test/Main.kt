// Runs every Kotlin test and prints "N passed, N failed (kotlin)".
package com.wechatpay.coupons.test

import com.wechatpay.coupons.test.Runner.test
import java.io.File

fun main() {
    VectorTests.run()
    CrossCheckTests.run()
    UnitTests.run()
    CorpusTests.run()
    SandboxTests.run()
    readme()
    Runner.finish()
}

/** The README's Kotlin quick start, compiled as written (scripts/test.sh extracts it into
 * `ReadmeQuickStart.kt`), run in its own JVM against a fresh sandbox. */
private fun readme() = test("README Kotlin quick start runs as written") {
    Sandbox("public-key").use { sb ->
        val java = File(System.getProperty("java.home"), "bin/java").path
        val pb = ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), "-Djna.library.path=" + System.getProperty("jna.library.path"),
            "com.wechatpay.coupons.readme.ReadmeQuickStartKt",
        ).redirectErrorStream(true)
        pb.environment()["WECHATPAY_CONFIG"] = sb.config
        val p = pb.start()
        val out = p.inputStream.bufferedReader().readText()
        eq(p.waitFor(), 0, "exit status ($out)")
        check("\"data\"" in out) { "the quick start printed: ${out.take(500)}" }
    }
}
