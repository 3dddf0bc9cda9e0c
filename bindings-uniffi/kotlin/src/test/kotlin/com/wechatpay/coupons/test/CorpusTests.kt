// The language-neutral corpus (tests/corpus) and the bad-input catalogue (tests/bad-inputs),
// requests through the JSON build, responses through the typed parse methods.
package com.wechatpay.coupons.test

import com.wechatpay.coupons.Client
import com.wechatpay.coupons.ClientConfig
import com.wechatpay.coupons.KeyMaterial
import com.wechatpay.coupons.SignedRequest
import com.wechatpay.coupons.Signer
import com.wechatpay.coupons.Violation
import com.wechatpay.coupons.WechatPayException
import com.wechatpay.coupons.operationsJson
import com.wechatpay.coupons.test.Runner.test
import java.io.File
import java.util.Base64

typealias Parse = (Client, UShort, Map<String, List<String>>, ByteArray) -> String

/** Requests are built through `Client.build(operation, json)` (the corpus holds JSON parameters;
 * the generated records carry every corpus field unchanged, as bindings-uniffi/tests proves in
 * Rust); responses go through each operation's typed parse method and the record's `toJson()`. */
@Suppress("UNCHECKED_CAST")
object CorpusTests {
    /** Every catalogue operation's typed parse method, its record written back as JSON. */
    val OPS: Map<String, Parse> = mapOf(
        "create_stock" to { c, s, h, b -> c.parseCreateStock(s, h, b).toJson() },
        "start_stock" to { c, s, h, b -> c.parseStartStock(s, h, b).toJson() },
        "send_coupon" to { c, s, h, b -> c.parseSendCoupon(s, h, b).toJson() },
        "pause_stock" to { c, s, h, b -> c.parsePauseStock(s, h, b).toJson() },
        "restart_stock" to { c, s, h, b -> c.parseRestartStock(s, h, b).toJson() },
        "stop_stock" to { c, s, h, b -> c.parseStopStock(s, h, b).toJson() },
        "list_stocks" to { c, s, h, b -> c.parseListStocks(s, h, b).toJson() },
        "get_stock" to { c, s, h, b -> c.parseGetStock(s, h, b).toJson() },
        "get_coupon" to { c, s, h, b -> c.parseGetCoupon(s, h, b).toJson() },
        "list_stock_merchants" to { c, s, h, b -> c.parseListStockMerchants(s, h, b).toJson() },
        "list_stock_items" to { c, s, h, b -> c.parseListStockItems(s, h, b).toJson() },
        "list_user_coupons" to { c, s, h, b -> c.parseListUserCoupons(s, h, b).toJson() },
        "use_flow" to { c, s, h, b -> c.parseUseFlow(s, h, b).toJson() },
        "refund_flow" to { c, s, h, b -> c.parseRefundFlow(s, h, b).toJson() },
        "set_callback" to { c, s, h, b -> c.parseSetCallback(s, h, b).toJson() },
        "get_callback" to { c, s, h, b -> c.parseGetCallback(s, h, b).toJson() },
        "modify_item_codes" to { c, s, h, b -> c.parseModifyItemCodes(s, h, b).toJson() },
        "upload_image" to { c, s, h, b -> c.parseUploadImage(s, h, b).toJson() },
    )

    private fun load(name: String) = Json.obj(File(Repo.root, "tests/corpus/$name").readText())

    private fun client(c: Map<String, Any?>) = Client(
        ClientConfig(
            mchid = c["mchid"] as String, merchantSerial = c["serial"] as String, privateKey = Repo.text(c["private_key"] as String),
            now = c["timestamp"] as Long, nonces = (c["nonce"] as String?)?.let { n -> List(8) { n } } ?: emptyList(),
            baseUrl = c["base_url"] as String?, allowHttpNotifyUrl = c["allow_http_notify_url"] == true,
            wechatpayPublicKeyId = c["wechatpay_public_key_id"] as String?,
            wechatpayPublicKey = (c["wechatpay_public_key"] as String?)?.let { Repo.text(it) },
        ),
    )

    private fun build(c: Client, op: String, params: Map<String, Any?>): SignedRequest {
        check(op in OPS) { "no method for $op" }
        return if (op == "upload_image") {
            c.uploadImage(params["filename"] as String, Base64.getDecoder().decode(params["file_base64"] as String))
        } else {
            c.build(op, Json.write(params))
        }
    }

    private fun mergePatch(target: Any?, patch: Any?): Any? {
        if (patch !is Map<*, *>) return patch
        val out = LinkedHashMap<String, Any?>(if (target is Map<*, *>) target as Map<String, Any?> else emptyMap())
        for ((k, v) in patch as Map<String, Any?>) if (v == null) out.remove(k) else out[k] = mergePatch(out[k], v)
        return out
    }

    private fun triples(vs: List<Violation>) = vs.map { Triple(it.rule, it.field, it.severity) }.toSet()

    fun run() {
        val ops = Json.parse(operationsJson()) as List<Map<String, Any?>>
        val corpusOps = load("operations.json")
        test("corpus: the catalogue has 18 operations, each with a case and a method") {
            eq(ops.size, 18, "operations")
            eq(ops.map { it["name"] }.toSet(), OPS.keys, "methods")
            eq((corpusOps["cases"] as List<Map<String, Any?>>).map { it["operation"] }.toSet(), OPS.keys, "corpus cases")
        }
        for (case in corpusOps["cases"] as List<Map<String, Any?>>) test("corpus operation ${case["name"]}") {
            val c = client(corpusOps["client"] as Map<String, Any?>)
            val e = case["expected"] as Map<String, Any?>
            val r = build(c, case["operation"] as String, case["params"] as Map<String, Any?>)
            eq(r.method, e["method"], "method"); eq(r.url, e["url"], "url")
            val body = (e["body_base64"] as String?)?.let { Base64.getDecoder().decode(it) } ?: (e["body"] as String).toByteArray()
            check(r.body.contentEquals(body)) { "body: ${String(r.body).take(300)}" }
            eq(r.headers["Authorization"], e["authorization"], "authorization")
            (e["content_type"] as String?)?.let { eq(r.headers["Content-Type"], it, "content type") }
            val signedBody = (e["signed_message"] as String).split("\n", limit = 5)[4].dropLast(1)
            val s = c.sign(e["method"] as String, e["url"] as String, signedBody.toByteArray())
            eq(String(s.message), e["signed_message"], "signed message")
        }
        val validation = load("validation.json")
        for (case in validation["cases"] as List<Map<String, Any?>>) {
            val name = "corpus validation ${case["name"]}"
            val op = case["operation"] as String
            val want = (case["expected"] as List<Map<String, Any?>>).map { Triple(it["rule"], it["field"], it["severity"]) }.toSet()
            val got = try {
                triples(build(client(validation["client"] as Map<String, Any?>), op, mergePatch((validation["bases"] as Map<String, Any?>)[op], case["patch"]) as Map<String, Any?>).warnings)
            } catch (e: WechatPayException.ValidationException) {
                triples(e.violations)
            }
            test(name) { eq(got, want as Set<Any?>, "violations") }
        }
        val responses = load("responses.json")
        for (case in responses["cases"] as List<Map<String, Any?>>) test("corpus response ${case["name"]}") {
            val c = client(responses["client"] as Map<String, Any?>)
            val parse = OPS[case["operation"] as String]!!
            val h = (case["headers"] as Map<String, Any?>).mapValues { listOf(it.value as String) }
            val got = try {
                Json.parse(parse(c, (case["status"] as Long).toUShort(), h, (case["body"] as String).toByteArray()))
            } catch (e: WechatPayException.ApiException) {
                mapOf("error" to mapOf("status" to e.status.toLong(), "code" to e.apiCode))
            }
            eq(got, case["expected"], "decoded")
        }
        catalogue()
    }

    /** Catalogue cases this binding cannot run, with the reason (none at present). */

    private fun catalogue() {
        val cat = Json.obj(File(Repo.root, "tests/bad-inputs/catalogue.json").readText())
        val defaults = cat["client"] as Map<String, Any?>
        fun expand(v: Any?): Any? = when (v) {
            is String -> Regex("""\{repeat:(.):(\d+)\}""").replace(
                v.replace("{now}", defaults["now"].toString()).replace("{public_key_id}", defaults["wechatpay_public_key_id"] as String),
            ) { it.groupValues[1].repeat(it.groupValues[2].toInt()) }
            is List<*> -> v.map { expand(it) }
            is Map<*, *> -> v.mapValues { expand(it.value) }
            else -> v
        }
        val sec = cat["secrets"] as Map<String, Any?>
        val secrets = (sec["strings"] as List<String>) +
            (sec["pem_files"] as List<String>).flatMap { f -> Repo.key(f).lines().filter { !it.startsWith("-----") && it.length >= 16 } }
        val signingKey by lazy { Jca.privateKey(Repo.key(defaults["response_signing_key"] as String)) }
        val cases = cat["cases"] as List<Map<String, Any?>>
        test("bad inputs: the catalogue is not empty") { check(cases.size >= 25) { "${cases.size} cases" } }
        for (raw in cases) test("bad input ${raw["id"]}") {
            val case = expand(raw) as Map<String, Any?>
            val c = defaults + ((case["client"] as Map<String, Any?>?) ?: emptyMap())
            val exp = case["expect"] as Map<String, Any?>
            val err = try {
                val n = (c["signer_returns_bytes"] as Long?)?.toInt()
                val client = Client(
                    ClientConfig(
                        mchid = c["mchid"] as String, merchantSerial = c["merchant_serial"] as String,
                        privateKey = (c["private_key"] as String?)?.let { Repo.text(it) },
                        apiv3Key = (c["apiv3_key"] as String?)?.let { KeyMaterial.text(it) },
                        wechatpayPublicKeyId = c["wechatpay_public_key_id"] as String,
                        wechatpayPublicKey = Repo.text(c["wechatpay_public_key"] as String),
                        now = c["now"] as Long, baseUrl = c["base_url"] as String?, allowHttpNotifyUrl = c["allow_http_notify_url"] == true,
                        nonces = when (val n0 = c["nonce"]) { null -> emptyList(); is String -> listOf(n0); else -> n0 as List<String> },
                    ),
                    n?.let { size -> object : Signer { override fun sign(message: ByteArray) = ByteArray(size) { 7 } } },
                )
                fun pairs(sig: String) = (case["headers"] as List<List<String>>).groupBy({ it[0] }, { it[1].replace("{signature}", sig) })
                when (case["action"]) {
                    "client" -> {}
                    "sign" -> client.sign(case["method"] as String, case["url"] as String, (case["body"] as String).toByteArray())
                    "sign_repeatedly" -> repeat((case["times"] as Long).toInt()) { client.sign(case["method"] as String, case["url"] as String, ByteArray(0)) }
                    "build" -> client.build(case["operation"] as String, Json.write(case["params"]))
                    "request" -> client.request(case["method"] as String, case["path"] as String, ByteArray(0))
                    "verify" -> client.verify(pairs(Jca.sign(signingKey, (case["signed_message"] as String).toByteArray())), (case["body"] as String).toByteArray())
                    "parse_response" -> client.parseResponse((case["status"] as Long).toUShort(), pairs(""), (case["body"] as String).toByteArray())
                    "decrypt_aead" -> client.decryptAead(case["nonce"] as String, case["associated_data"] as String, case["ciphertext"] as String)
                    "notification_envelope" -> client.notificationEnvelope((case["body"] as String).toByteArray())
                    else -> throw AssertionError("unknown action ${case["action"]}")
                }
                null
            } catch (e: WechatPayException) {
                e
            } ?: throw AssertionError("no error")
            val msg = err.text
            eq(err.kind, exp["kind"], "kind ($msg)")
            eq(err.code, exp["code"], "code ($msg)")
            for (w in exp["contains"] as List<String>) check(w in msg) { "message lacks '$w': ${msg.take(300)}" }
            for (w in (exp["excludes"] as List<String>?) ?: emptyList()) check(w !in msg) { "message contains '$w'" }
            (exp["max_len"] as Long?)?.let { check(msg.toByteArray().size <= it) { "message is ${msg.toByteArray().size} bytes" } }
            if ("rule" in exp) {
                val vs = (err as WechatPayException.ValidationException).violations
                check(vs.any { it.rule == exp["rule"] && it.field == exp["field"] }) { "violations $vs" }
            }
            for (s in secrets) check(s !in err.toString() && s !in (err.message ?: "")) { "a secret in the message" }
        }
    }
}

/** The core's message of any binding error (for `ApiException`, its generated message). */
val WechatPayException.text: String
    get() = when (this) {
        is WechatPayException.ValidationException -> text
        is WechatPayException.KeyConfigException -> text
        is WechatPayException.SignatureException -> text
        is WechatPayException.ProbeSignatureException -> text
        is WechatPayException.DecryptException -> text
        is WechatPayException.DecodeException -> text
        is WechatPayException.BillException -> text
        is WechatPayException.SignerException -> text
        is WechatPayException.CryptoException -> text
        is WechatPayException.ApiException -> message
    }
