// The conformance vectors of tests/vectors and the official SDK vectors (../shared/vectors).
package com.wechatpay.coupons.test

import com.wechatpay.coupons.Client
import com.wechatpay.coupons.ClientConfig
import com.wechatpay.coupons.KeyMaterial
import com.wechatpay.coupons.WechatPayException
import com.wechatpay.coupons.acknowledgement
import com.wechatpay.coupons.test.Runner.test
import java.io.File
import java.util.Base64

@Suppress("UNCHECKED_CAST")
object VectorTests {
    private val REASONS = mapOf(
        "bad-signature" to "verify.bad_signature",
        "timestamp-skew" to "verify.timestamp_skew",
        "unknown-serial" to "verify.unknown_serial",
        "missing-header" to "verify.missing_header",
        "malformed-header" to "verify.malformed_header",
    )

    private fun headers(h: Any?): Map<String, List<String>> = (h as Map<String, Any?>).mapValues { listOf(it.value as String) }

    fun run() {
        for ((name, c) in Repo.cases("sign-request")) test("vector $name") {
            val client = Client(
                ClientConfig(
                    mchid = c["mchid"] as String, merchantSerial = c["serial"] as String,
                    privateKey = Repo.text(c["private_key"] as String), now = c["timestamp"] as Long,
                    nonces = listOf(c["nonce"] as String),
                ),
            )
            val s = client.sign(c["method"] as String, c["url"] as String, (c["body"] as String).toByteArray())
            val e = c["expected"] as Map<String, Any?>
            eq(String(s.message), e["message"], "message")
            eq(s.signature, e["signature"], "signature")
            eq(s.authorization, e["authorization"], "authorization")
        }
        for ((name, c) in Repo.cases("verify-response")) test("vector $name") {
            val client = Client(Repo.configFor(c))
            val e = c["expected"] as Map<String, Any?>
            val body = (c["body"] as String).toByteArray()
            val status = (c["status"] as Long).toUShort()
            when (val outcome = e["outcome"]) {
                "ok" -> {
                    val r = client.parseResponse(status, headers(c["headers"]), body)
                    eq(r.keyId, e["key_id"], "key_id")
                    check(r.body.contentEquals(body)) { "body" }
                    val rid = headers(c["headers"]).entries.firstOrNull { it.key.lowercase() == "request-id" }?.value?.first()
                    eq(r.requestId, rid, "request id")
                }
                "probe" -> throws<WechatPayException.ProbeSignatureException> { client.parseResponse(status, headers(c["headers"]), body) }
                else -> {
                    val err = throws<WechatPayException.SignatureException> { client.parseResponse(status, headers(c["headers"]), body) }
                    eq(err.code, REASONS[outcome], "code")
                    (e["header"] as String?)?.let { h -> check(h in err.text) { "message names $h: ${err.text}" } }
                }
            }
        }
        for ((name, c) in Repo.cases("notification")) test("vector $name") {
            val client = Client(Repo.configFor(c))
            val e = c["expected"] as Map<String, Any?>
            val body = (c["body"] as String).toByteArray()
            val env = e["envelope"] as Map<String, Any?>?
            if (env != null) {
                val got = client.notificationEnvelope(body)
                eq(got.id, env["id"], "id"); eq(got.eventType, env["event_type"], "event_type")
                eq(got.summary, env["summary"], "summary"); eq(got.createTime, env["create_time"], "create_time")
            }
            if (e["outcome"] == "ok") {
                val n = client.parseNotification(headers(c["headers"]), body)
                eq(n.plaintext, e["plaintext"], "plaintext")
                eq(n.eventType, "COUPON.USE", "event type")
                val raw = Json.obj(e["plaintext"] as String)
                val use = n.couponUse ?: throw AssertionError("COUPON.USE not typed")
                eq(use.couponId, raw["coupon_id"], "coupon_id"); eq(use.stockId, raw["stock_id"], "stock_id")
                val ci = raw["consume_information"] as Map<String, Any?>
                eq(use.consumeInformation?.transactionId, ci["transaction_id"], "transaction_id")
                eq(use.consumeInformation?.goodsDetail?.size, (ci["goods_detail"] as List<*>).size, "goods lines")
                eq(use.normalCouponInformation?.couponAmount, (raw["normal_coupon_information"] as Map<String, Any?>)["coupon_amount"], "coupon_amount")
                eq(Json.obj(use.toJson()), Json.obj(n.resourceJson!!), "the record is the normalised resource")
                eq(acknowledgement(null).status, 200.toUShort(), "ack")
            } else {
                val err = try {
                    client.parseNotification(headers(c["headers"]), body); null
                } catch (x: WechatPayException) { x } ?: throw AssertionError("no error")
                val ack = acknowledgement(err.code)
                check(ack.status.toInt() in listOf(400, 401)) { "ack ${ack.status} for ${err.code}" }
            }
        }
        for ((name, c) in Repo.cases("aead")) test("vector $name") {
            val client = Client(Repo.configFor(c))
            val pt = client.decryptAead(c["nonce"] as String, c["associated_data"] as String, c["ciphertext_base64"] as String)
            eq(String(pt), c["plaintext"], "plaintext")
            eq(client.encryptAead(c["nonce"] as String, c["associated_data"] as String, (c["plaintext"] as String).toByteArray()), c["ciphertext_base64"], "ciphertext")
        }
        for ((name, c) in Repo.cases("oaep-decrypt")) test("vector $name") {
            val client = Client(ClientConfig(mchid = Repo.k("mchid"), merchantSerial = Repo.k("merchant_serial"), privateKey = Repo.text(c["private_key"] as String)))
            eq(client.decryptSensitive(c["ciphertext_base64"] as String), c["plaintext"], "plaintext")
        }
        for ((name, c) in Repo.cases("oaep-encrypt")) test("vector $name (JCA decrypts)") {
            val pub = c["public_key_file"] as String?
            val client = Client(
                ClientConfig(
                    mchid = Repo.k("mchid"), merchantSerial = Repo.k("merchant_serial"), privateKey = Repo.text("merchant_key.pem"), now = 1795744800L,
                    wechatpayPublicKeyId = if (pub != null) c["key_id"] as String else null,
                    wechatpayPublicKey = pub?.let { Repo.text(it) },
                    platformCertificates = if (pub == null) listOf(Repo.text(c["certificate_file"] as String)) else emptyList(),
                ),
            )
            val enc = client.encryptSensitive(c["plaintext"] as String)
            eq(enc.serial, (c["expected"] as Map<String, Any?>)["serial"], "serial")
            eq(Jca.oaepDecrypt(Jca.privateKey(Repo.key(c["decrypt_with"] as String)), enc.ciphertext), c["plaintext"], "JCA plaintext")
        }
        for ((name, c) in Repo.cases("certificates")) test("vector $name") {
            val client = Client(Repo.configFor(c))
            val e = c["expected"] as Map<String, Any?>
            val body = (c["body"] as String).toByteArray()
            if (e["outcome"] == "ok") {
                val u = client.applyCertificatesResponse(200u, headers(c["headers"]), body)
                eq(u.verifiedBy, e["verified_by"], "verified_by")
                check(u.trustOnFirstUse) { "trust on first use" }
                val want = (e["certificates"] as List<Map<String, Any?>>).map { listOf(it["serial_no"], it["not_before_unix"], it["not_after_unix"], it["pem"]) }
                eq(u.certificates.map { listOf(it.serial, it.notBefore, it.notAfter, it.pem) }, want, "certificates")
                eq(u.expired.sorted(), (e["expired_serials"] as List<String>).sorted(), "expired")
                for (s in u.added) check(s in client.trustedKeys()) { "$s trusted" }
            } else {
                try {
                    client.applyCertificatesResponse(200u, headers(c["headers"]), body)
                    throw AssertionError("no error")
                } catch (x: WechatPayException) {
                    check(x is WechatPayException.SignatureException || x is WechatPayException.DecryptException) { "${x::class.simpleName}" }
                }
                eq(client.trustedKeys(), emptyList<String>(), "nothing trusted")
            }
        }
        for ((name, c) in Repo.cases("media-upload")) test("vector $name") {
            val url = c["url"] as String
            val client = Client(
                ClientConfig(
                    mchid = c["mchid"] as String, merchantSerial = c["serial"] as String, privateKey = Repo.text(c["private_key"] as String),
                    now = c["timestamp"] as Long, nonces = listOf(c["boundary"] as String, c["nonce"] as String), baseUrl = url.substringBefore("/v3/"),
                ),
            )
            val data = (c["file_base64"] as String?)?.let { Base64.getDecoder().decode(it) }
                ?: ByteArray((c["file_size"] as Long).toInt()) { (c["file_fill_byte"] as Long).toByte() }
            val e = c["expected"] as Map<String, Any?>
            if (e["outcome"] == "ok") {
                val r = client.uploadImage(c["filename"] as String, data)
                eq(r.url, url, "url"); eq(r.method, "POST", "method")
                eq(r.headers["Authorization"], e["authorization"], "authorization")
                eq(r.headers["Content-Type"], e["content_type_header"], "content type")
                check(r.body.contentEquals(Base64.getDecoder().decode(e["body_base64"] as String))) { "body" }
            } else {
                val err = throws<WechatPayException.ValidationException> { client.uploadImage(c["filename"] as String, data) }
                // Refused by the V-IMG rules of validation-rules.md §6 (size, then type).
                eq(err.violations[0].rule, if (e["outcome"] == "too-large") "V-IMG-02" else "V-IMG-01", "rule")
            }
        }
        official()
    }

    private fun official() {
        val f = File(Repo.root, "../shared/vectors/official-sdk-vectors.json")
        if (!f.isFile) {
            if (System.getenv("CI") == "true") test("official vectors") { throw AssertionError("missing $f (required when CI=true)") }
            else Runner.skip("official vectors", "not found at $f")
            return
        }
        val vectors = Json.obj(f.readText())["vectors"] as List<Map<String, Any?>>
        val merchant = { now: Long? -> ClientConfig(mchid = "1900000001", merchantSerial = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115", privateKey = Repo.text("merchant_key.pem"), now = now) }
        for ((i, v) in vectors.withIndex()) test("official vector $i ${v["kind"]}") {
            when (v["kind"]) {
                "rsa-pkcs1v15-sha256-sign" -> {
                    val pub = Jca.publicKey(v["public_key_pem"] as String)
                    check(Jca.verify(pub, (v["message"] as String).toByteArray(), v["signature_base64"] as String)) { "JCA verifies the official signature" }
                    val client = Client(ClientConfig(mchid = "1900000001", merchantSerial = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115", privateKey = KeyMaterial.text(v["private_key_pem"] as String)))
                    val s = client.sign("GET", "https://api.mch.weixin.qq.com/v3/x", ByteArray(0))
                    check(Jca.verify(pub, s.message, s.signature)) { "JCA verifies ours with the official key" }
                    // With the same key, PKCS#1 v1.5 is deterministic: JCA's signature of our message is ours.
                    eq(Jca.sign(Jca.privateKey(v["private_key_pem"] as String), s.message), s.signature, "JCA signature")
                }
                "notification-verify-and-decrypt" -> {
                    val client = Client(merchant(v["now_unix"] as Long).copy(platformCertificates = listOf(KeyMaterial.text(v["platform_certificate_pem"] as String))))
                    val h = v["headers"].let { if (it is String) Json.obj(it) else it as Map<String, Any?> }.mapValues { listOf(it.value.toString()) }
                    eq(client.verify(h, (v["body"] as String).toByteArray()).keyId, v["platform_certificate_serial"], "key id")
                    val tampered = (v["body"] as String).toByteArray().also { it[10] = (it[10].toInt() xor 1).toByte() }
                    throws<WechatPayException.SignatureException> { client.verify(h, tampered) }
                    val err = throws<WechatPayException.KeyConfigException> { Client(merchant(null).copy(apiv3Key = KeyMaterial.text(v["apiv3_key"] as String))) }
                    eq(err.code, "key.apiv3_key_length", "code")
                }
                "aead-aes-256-gcm" -> {
                    val client = Client(merchant(null).copy(apiv3Key = KeyMaterial.text(v["apiv3_key"] as String)))
                    eq(String(client.decryptAead(v["nonce"] as String, v["associated_data"] as String, v["ciphertext_base64"] as String)), v["plaintext"], "plaintext")
                }
                "aead-aes-gcm-16-byte-key" -> {
                    val err = throws<WechatPayException.KeyConfigException> { Client(merchant(null).copy(apiv3Key = KeyMaterial.text(v["apiv3_key"] as String))) }
                    check("32 bytes" in err.text) { err.text }
                }
                "certificates-response-decrypt" -> {
                    val client = Client(merchant(null).copy(apiv3Key = KeyMaterial.text(v["apiv3_key"] as String)))
                    val entry = ((Json.obj(v["response_body"] as String)["data"] as List<Any?>)[0] as Map<String, Any?>)["encrypt_certificate"] as Map<String, Any?>
                    val pem = String(client.decryptAead(entry["nonce"] as String, entry["associated_data"] as String, entry["ciphertext"] as String))
                    eq(pem.trim(), (v["expected_certificate_pem"] as String).trim(), "pem")
                    client.trustCertificate(KeyMaterial.text(pem))
                    check(v["expected_serial"] in client.trustedKeys()) { "trusted" }
                }
                "rsa-oaep-sha1-decrypt" -> {
                    val client = Client(ClientConfig(mchid = "1900000001", merchantSerial = v["merchant_certificate_serial"] as String, privateKey = KeyMaterial.text(v["private_key_pem"] as String)))
                    eq(client.decryptSensitive(v["ciphertext_base64"] as String), v["plaintext"], "plaintext")
                }
                else -> throw AssertionError("unknown official vector kind ${v["kind"]}")
            }
        }
    }
}
