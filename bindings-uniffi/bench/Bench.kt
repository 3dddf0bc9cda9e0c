// JVM benchmark: the uniffi binding (through JNA) against the JDK's own crypto (JCA) doing the
// same work in the same JVM. One run; medians of per-operation times over rounds, the two sides
// timed in turns.
package com.wechatpay.coupons.bench

import com.wechatpay.coupons.Client
import com.wechatpay.coupons.test.CrossCheckTests
import com.wechatpay.coupons.test.Jca
import com.wechatpay.coupons.test.Json
import com.wechatpay.coupons.test.Repo
import java.util.Base64
import javax.crypto.Cipher

private var sink = 0

/** Per-operation time in microseconds of one round of [n] operations. */
private fun round(n: Int, op: () -> Int): Double {
    val t = System.nanoTime()
    repeat(n) { sink += op() }
    return (System.nanoTime() - t) / 1000.0 / n
}

/**
 * Median per-operation times (µs) of [ours] and [jca] over [rounds] rounds of [n] operations each,
 * the two timed in turns (ours, JCA, ours, …) so that both see the same machine state, after a
 * warm-up of both past the JIT's tiers.
 */
private fun medians(rounds: Int, n: Int, ours: () -> Int, jca: () -> Int): Pair<Double, Double> {
    System.gc() // start each row without the previous row's garbage
    repeat(n * 20) { sink += ours(); sink += jca() }
    val a = ArrayList<Double>()
    val b = ArrayList<Double>()
    repeat(rounds) {
        a += round(n, ours)
        b += round(n, jca)
    }
    return a.sorted()[rounds / 2] to b.sorted()[rounds / 2]
}

fun main() {
    val now = 1795744800L
    val client = Client(CrossCheckTests.config(now))
    val mchKey = Jca.privateKey(Repo.key("merchant_key.pem"))
    val wxKey = Jca.privateKey(Repo.key("wechatpay_pub_private.pem"))
    val wxPub = Jca.publicKey(Repo.key("wechatpay_pub_key.pem"))
    val url = "https://api.mch.weixin.qq.com/v3/marketing/favor/users/oUser/coupons"
    val body = """{"stock_id":"9856000","out_request_no":"1900000001202611281234","appid":"wx1234567890abcdef","stock_creator_mchid":"1900000001"}""".toByteArray()
    val message = client.sign("POST", url, body).message

    val respBody = Json.write(mapOf("stock_id" to "9856000", "create_time" to "2026-11-27T10:00:00+08:00")).toByteArray()
    val respHeaders = Jca.responseHeaders(wxKey, Repo.k("public_key_id"), now, "benchNonce", respBody)
    val respMessage = "$now\nbenchNonce\n".toByteArray() + respBody + "\n".toByteArray()
    val respSig = respHeaders["Wechatpay-Signature"]!![0]

    val plain = """{"stock_creator_mchid":"1900000001","stock_id":"9856000","coupon_id":"c-1","coupon_name":"n","status":"USED","description":"d","create_time":"2026-11-20T09:15:32+08:00","coupon_type":"NORMAL","no_cash":false,"available_begin_time":"2026-11-01T00:00:00+08:00","available_end_time":"2026-12-31T23:59:59+08:00","singleitem":false,"normal_coupon_information":{"coupon_amount":100,"transaction_minimum":2500},"consume_information":{"consume_time":"2026-11-27T09:59:48+08:00","consume_mchid":"1900000001","transaction_id":"42000","goods_detail":[]}}"""
    val note = CrossCheckTests.notification(plain).toByteArray()
    val noteHeaders = Jca.responseHeaders(wxKey, Repo.k("public_key_id"), now, "noteNonce", note)
    val noteMessage = "$now\nnoteNonce\n".toByteArray() + note + "\n".toByteArray()
    val noteSig = noteHeaders["Wechatpay-Signature"]!![0]
    val apiv3 = Repo.k("apiv3_key")

    val rounds = 15
    fun row(name: String, n: Int, ours: () -> Int, jca: () -> Int): Triple<String, Double, Double> {
        val (a, b) = medians(rounds, n, ours, jca)
        return Triple(name, a, b)
    }
    val rows = listOf(
        row(
            "signed request (SHA256withRSA, 2048)", 100,
            { client.sign("POST", url, body).signature.length },
            { Jca.sign(mchKey, message).length },
        ),
        row(
            "response verification", 300,
            { client.verify(respHeaders, respBody).keyId.length },
            { if (Jca.verify(wxPub, respMessage, respSig)) 1 else 0 },
        ),
        row(
            "verified, typed response (parseCreateStock → record)", 300,
            { client.parseCreateStock(200u, respHeaders, respBody).stockId.length },
            { if (Jca.verify(wxPub, respMessage, respSig)) Json.obj(String(respBody)).size else 0 },
        ),
        row(
            "notification (verify + AES-256-GCM + JSON)", 300,
            { client.parseNotification(noteHeaders, note).couponUse!!.couponId.length },
            {
                check(Jca.verify(wxPub, noteMessage, noteSig))
                val env = Json.obj(String(note))
                @Suppress("UNCHECKED_CAST")
                val r = env["resource"] as Map<String, Any?>
                val pt = Jca.gcm(Cipher.DECRYPT_MODE, apiv3, r["nonce"] as String, r["associated_data"] as String, Base64.getDecoder().decode(r["ciphertext"] as String))
                Json.obj(String(pt)).size
            },
        ),
        row(
            "construction (private key + public key)", 50,
            { Client(CrossCheckTests.config(now)).use { it.mchid().length } },
            { Jca.privateKey(Repo.key("merchant_key.pem")).hashCode() xor Jca.publicKey(Repo.key("wechatpay_pub_key.pem")).hashCode() },
        ),
    )
    println("| measure | uniffi via JNA (µs, median) | raw JCA (µs, median) | ratio |")
    println("|---|---:|---:|---:|")
    for ((name, ours, jca) in rows) println("| $name | %.1f | %.1f | %.2f× |".format(ours, jca, ours / jca))
    println("(${System.getProperty("java.vm.name")} ${System.getProperty("java.version")}, $rounds rounds; sink $sink)")
}
