// Test harness for the Kotlin binding: a minimal runner (prints "N passed, N failed (kotlin)"),
// a small JSON reader/writer for the shared test data, and the repository's keys and vectors.
package com.wechatpay.coupons.test

import com.wechatpay.coupons.ClientConfig
import com.wechatpay.coupons.KeyMaterial
import com.wechatpay.coupons.WechatPayException
import java.io.File
import kotlin.system.exitProcess

object Runner {
    var passed = 0
    var failed = 0
    private var skipped = 0

    fun test(name: String, body: () -> Unit) {
        try {
            body()
            passed++
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: ${e::class.simpleName}: ${e.message?.take(2000)}")
        }
    }

    fun skip(name: String, reason: String) {
        skipped++
        println("SKIP $name: $reason")
    }

    fun finish(): Nothing {
        println("$passed passed, $failed failed (kotlin)" + if (skipped > 0) ", $skipped skipped" else "")
        exitProcess(if (failed == 0) 0 else 1)
    }
}

fun check(cond: Boolean, msg: () -> String = { "check failed" }) {
    if (!cond) throw AssertionError(msg())
}

fun <T> eq(actual: T, expected: T, what: String = "value") {
    if (actual != expected) throw AssertionError("$what: expected <$expected>, got <$actual>")
}

/** Runs [body] and returns the [WechatPayException] it must throw. */
inline fun <reified E : WechatPayException> throws(body: () -> Unit): E {
    try {
        body()
    } catch (e: WechatPayException) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got ${e::class.simpleName}: ${e.message}")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

/** The stable code of any binding error. */
val WechatPayException.code: String
    get() = when (this) {
        is WechatPayException.ValidationException -> code
        is WechatPayException.KeyConfigException -> code
        is WechatPayException.SignatureException -> code
        is WechatPayException.ProbeSignatureException -> code
        is WechatPayException.DecryptException -> code
        is WechatPayException.ApiException -> code
        is WechatPayException.DecodeException -> code
        is WechatPayException.BillException -> code
        is WechatPayException.SignerException -> code
        is WechatPayException.CryptoException -> code
    }

/** The core's error kind (`probe` for a probe signature; otherwise the code's first part). */
val WechatPayException.kind: String
    get() = if (this is WechatPayException.ProbeSignatureException) "probe" else code.substringBefore('.')

object Repo {
    val root: File = File(System.getProperty("repo") ?: error("run with -Drepo=<repository root>"))
    val keysDir = File(root, "tests/vectors/keys")
    val keys: Map<String, Any?> by lazy { Json.obj(File(keysDir, "keys.json").readText()) }

    fun key(name: String): String = File(keysDir, name).readText()

    fun text(name: String): KeyMaterial = KeyMaterial.text(key(name))

    fun k(name: String): String = keys[name] as String

    fun cases(kind: String): List<Pair<String, Map<String, Any?>>> =
        File(root, "tests/vectors").listFiles()!!.filter { File(it, "case.json").isFile }.sortedBy { it.name }
            .map { it.name to Json.obj(File(it, "case.json").readText()) }
            .filter { it.second["kind"] == kind }

    /** A config trusting a vector case's keys, with its clock (like the Python conftest). */
    @Suppress("UNCHECKED_CAST")
    fun configFor(case: Map<String, Any?>): ClientConfig {
        val trust = (case["trust"] as Map<String, Any?>?) ?: emptyMap()
        val pks = (trust["public_keys"] as List<Map<String, Any?>>?) ?: emptyList()
        val certs = (trust["platform_certs"] as List<String>?) ?: emptyList()
        val now = (case["now"] ?: case["timestamp"] ?: 1795744800L) as Long
        return ClientConfig(
            mchid = k("mchid"),
            merchantSerial = k("merchant_serial"),
            privateKey = text("merchant_key.pem"),
            apiv3Key = (case["apiv3_key"] as String?)?.let { KeyMaterial.text(it) },
            wechatpayPublicKeyId = pks.firstOrNull()?.get("id") as String?,
            wechatpayPublicKey = pks.firstOrNull()?.let { text(it["file"] as String) },
            platformCertificates = certs.map { text(it) },
            now = now,
        )
    }
}

/** A small JSON reader and writer: objects keep their order, integers are [Long]. */
object Json {
    @Suppress("UNCHECKED_CAST")
    fun obj(text: String): Map<String, Any?> = parse(text) as Map<String, Any?>

    fun parse(text: String): Any? {
        val p = Parser(text)
        val v = p.value()
        p.ws()
        check(p.i == text.length) { "trailing JSON at ${p.i}" }
        return v
    }

    private class Parser(val s: String) {
        var i = 0

        fun ws() {
            while (i < s.length && s[i].isWhitespace()) i++
        }

        fun value(): Any? {
            ws()
            return when (val c = s[i]) {
                '{' -> {
                    i++
                    val m = LinkedHashMap<String, Any?>()
                    ws()
                    if (s[i] == '}') { i++; return m }
                    while (true) {
                        ws()
                        val k = string()
                        ws(); expect(':')
                        m[k] = value()
                        ws()
                        if (s[i] == ',') { i++; continue }
                        expect('}'); return m
                    }
                    @Suppress("UNREACHABLE_CODE") m
                }
                '[' -> {
                    i++
                    val l = ArrayList<Any?>()
                    ws()
                    if (s[i] == ']') { i++; return l }
                    while (true) {
                        l.add(value())
                        ws()
                        if (s[i] == ',') { i++; continue }
                        expect(']'); return l
                    }
                    @Suppress("UNREACHABLE_CODE") l
                }
                '"' -> string()
                't' -> { i += 4; true }
                'f' -> { i += 5; false }
                'n' -> { i += 4; null }
                else -> {
                    check(c == '-' || c.isDigit()) { "bad JSON at $i" }
                    val start = i
                    while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
                    val t = s.substring(start, i)
                    if (t.any { it in ".eE" }) t.toDouble() else t.toLong()
                }
            }
        }

        fun expect(c: Char) {
            check(s[i] == c) { "expected '$c' at $i" }
            i++
        }

        fun string(): String {
            expect('"')
            val b = StringBuilder()
            while (true) {
                val c = s[i++]
                when (c) {
                    '"' -> return b.toString()
                    '\\' -> {
                        when (val e = s[i++]) {
                            'n' -> b.append('\n'); 't' -> b.append('\t'); 'r' -> b.append('\r')
                            'b' -> b.append('\b'); 'f' -> b.append('\u000c')
                            'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                            else -> b.append(e)
                        }
                    }
                    else -> b.append(c)
                }
            }
        }
    }

    fun write(v: Any?): String = StringBuilder().also { write(v, it) }.toString()

    private fun write(v: Any?, b: StringBuilder) {
        when (v) {
            null -> b.append("null")
            is String -> {
                b.append('"')
                for (c in v) when {
                    c == '"' -> b.append("\\\"")
                    c == '\\' -> b.append("\\\\")
                    c < ' ' -> b.append(String.format("\\u%04x", c.code))
                    else -> b.append(c)
                }
                b.append('"')
            }
            is Map<*, *> -> {
                b.append('{')
                v.entries.forEachIndexed { n, (k, x) -> if (n > 0) b.append(','); write(k as String, b); b.append(':'); write(x, b) }
                b.append('}')
            }
            is List<*> -> {
                b.append('[')
                v.forEachIndexed { n, x -> if (n > 0) b.append(','); write(x, b) }
                b.append(']')
            }
            else -> b.append(v.toString())
        }
    }
}
