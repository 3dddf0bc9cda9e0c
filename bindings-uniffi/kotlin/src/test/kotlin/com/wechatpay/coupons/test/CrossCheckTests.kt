// Cross-checks with the JDK's own crypto (JCA) in both directions, a Kotlin Signer over a JCA
// key, signing from several threads, and what toString() must never show.
package com.wechatpay.coupons.test

import com.wechatpay.coupons.Client
import com.wechatpay.coupons.ClientConfig
import com.wechatpay.coupons.CouponUseRule
import com.wechatpay.coupons.CreateStockRequest
import com.wechatpay.coupons.FixedNormalCoupon
import com.wechatpay.coupons.KeyMaterial
import com.wechatpay.coupons.PatternInfo
import com.wechatpay.coupons.Signer
import com.wechatpay.coupons.StockRule
import com.wechatpay.coupons.StockTypeReq
import com.wechatpay.coupons.WechatPayException
import com.wechatpay.coupons.test.Runner.test
import java.io.ByteArrayInputStream
import java.security.KeyFactory
import java.security.PrivateKey
import java.security.PublicKey
import java.security.Signature
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import java.security.spec.MGF1ParameterSpec
import java.security.spec.PKCS8EncodedKeySpec
import java.security.spec.X509EncodedKeySpec
import java.util.Base64
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.OAEPParameterSpec
import javax.crypto.spec.PSource
import javax.crypto.spec.SecretKeySpec

/** The JDK's implementations of the primitives, for cross-checks and the benchmark. */
object Jca {
    private fun der(pem: String): ByteArray =
        Base64.getMimeDecoder().decode(pem.lines().filter { it.isNotBlank() && !it.startsWith("-----") }.joinToString(""))

    fun privateKey(pem: String): PrivateKey = KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(der(pem)))

    fun publicKey(pem: String): PublicKey =
        if ("CERTIFICATE" in pem) {
            (CertificateFactory.getInstance("X.509").generateCertificate(ByteArrayInputStream(pem.toByteArray())) as X509Certificate).publicKey
        } else {
            KeyFactory.getInstance("RSA").generatePublic(X509EncodedKeySpec(der(pem)))
        }

    fun signRaw(key: PrivateKey, message: ByteArray): ByteArray =
        Signature.getInstance("SHA256withRSA").run { initSign(key); update(message); sign() }

    fun sign(key: PrivateKey, message: ByteArray): String = Base64.getEncoder().encodeToString(signRaw(key, message))

    fun verify(key: PublicKey, message: ByteArray, signatureB64: String): Boolean =
        Signature.getInstance("SHA256withRSA").run { initVerify(key); update(message); verify(Base64.getDecoder().decode(signatureB64)) }

    private val OAEP = OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT)

    fun oaepDecrypt(key: PrivateKey, b64: String): String =
        String(Cipher.getInstance("RSA/ECB/OAEPPadding").run { init(Cipher.DECRYPT_MODE, key, OAEP); doFinal(Base64.getDecoder().decode(b64)) })

    fun oaepEncrypt(key: PublicKey, text: String): String =
        Base64.getEncoder().encodeToString(Cipher.getInstance("RSA/ECB/OAEPPadding").run { init(Cipher.ENCRYPT_MODE, key, OAEP); doFinal(text.toByteArray()) })

    fun gcm(mode: Int, key: String, nonce: String, aad: String, data: ByteArray): ByteArray =
        Cipher.getInstance("AES/GCM/NoPadding").run {
            init(mode, SecretKeySpec(key.toByteArray(), "AES"), GCMParameterSpec(128, nonce.toByteArray()))
            updateAAD(aad.toByteArray())
            doFinal(data)
        }

    /** Headers of a response body signed by JCA the way WeChat Pay signs. */
    fun responseHeaders(key: PrivateKey, serial: String, timestamp: Long, nonce: String, body: ByteArray): Map<String, List<String>> {
        val message = "$timestamp\n$nonce\n".toByteArray() + body + "\n".toByteArray()
        return mapOf(
            "Wechatpay-Timestamp" to timestamp.toString(), "Wechatpay-Nonce" to nonce,
            "Wechatpay-Signature" to sign(key, message), "Wechatpay-Serial" to serial, "Request-ID" to "jca-1",
        ).mapValues { listOf(it.value) }
    }
}

/** A Kotlin signer over a JCA private key (as an app would over the Android Keystore or a KMS). */
class JcaSigner(private val key: PrivateKey) : Signer {
    override fun sign(message: ByteArray): ByteArray = Jca.signRaw(key, message)
}

object CrossCheckTests {
    private const val NOW = 1795744800L
    private val mchKey by lazy { Jca.privateKey(Repo.key("merchant_key.pem")) }
    private val mchPub by lazy { Jca.publicKey(Repo.key("merchant_cert.pem")) }
    private val wxKey by lazy { Jca.privateKey(Repo.key("wechatpay_pub_private.pem")) }

    fun config(now: Long? = NOW) = ClientConfig(
        mchid = Repo.k("mchid"), merchantSerial = Repo.k("merchant_serial"), privateKey = Repo.text("merchant_key.pem"),
        apiv3Key = KeyMaterial.text(Repo.k("apiv3_key")), wechatpayPublicKeyId = Repo.k("public_key_id"),
        wechatpayPublicKey = Repo.text("wechatpay_pub_key.pem"), now = now,
    )

    fun run() {
        val client = Client(config())
        test("JCA SHA256withRSA verifies our request signature") {
            val r = client.request("POST", "/v3/marketing/favor/users/o1/coupons", """{"a":"微信"}""".toByteArray())
            val auth = r.headers["Authorization"]!!
            val sig = Regex("signature=\"([^\"]+)\"").find(auth)!!.groupValues[1]
            val ts = Regex("timestamp=\"(\\d+)\"").find(auth)!!.groupValues[1]
            val nonce = Regex("nonce_str=\"([^\"]+)\"").find(auth)!!.groupValues[1]
            val msg = "POST\n/v3/marketing/favor/users/o1/coupons\n$ts\n$nonce\n{\"a\":\"微信\"}\n".toByteArray()
            check(Jca.verify(mchPub, msg, sig)) { "JCA rejects our signature" }
            eq(Jca.sign(mchKey, msg), sig, "JCA's deterministic signature")
        }
        test("we verify a response JCA signed, and reject it altered") {
            val body = """{"stock_id":"9856000"}""".toByteArray()
            val h = Jca.responseHeaders(wxKey, Repo.k("public_key_id"), NOW - 5, "jcaNonce1", body)
            eq(client.parseResponse(200u, h, body).keyId, Repo.k("public_key_id"), "key id")
            throws<WechatPayException.SignatureException> { client.parseResponse(200u, h, body + " ".toByteArray()) }
        }
        test("OAEP: JCA encrypts (SHA-1/MGF1-SHA-1), we decrypt; we encrypt, JCA decrypts") {
            eq(client.decryptSensitive(Jca.oaepEncrypt(mchPub, "13800138000")), "13800138000", "ours")
            val enc = client.encryptSensitive("张三")
            eq(enc.serial, Repo.k("public_key_id"), "serial")
            eq(Jca.oaepDecrypt(wxKey, enc.ciphertext), "张三", "JCA")
        }
        test("AES/GCM/NoPadding: both directions") {
            val k = Repo.k("apiv3_key")
            val ours = client.encryptAead("0123456789ab", "coupon", "代金券".toByteArray())
            eq(String(Jca.gcm(Cipher.DECRYPT_MODE, k, "0123456789ab", "coupon", Base64.getDecoder().decode(ours))), "代金券", "JCA decrypts")
            val theirs = Base64.getEncoder().encodeToString(Jca.gcm(Cipher.ENCRYPT_MODE, k, "ba9876543210", "", "x".repeat(100).toByteArray()))
            eq(String(client.decryptAead("ba9876543210", "", theirs)), "x".repeat(100), "we decrypt")
        }
        test("a COUPON.USE notification made with JCA (SHA256withRSA + AES-GCM) parses, typed") {
            val plain = """{"stock_creator_mchid":"1900000001","stock_id":"9856000","coupon_id":"c-1","coupon_name":"n","status":"USED","description":"d","create_time":"2026-11-20T09:15:32+08:00","coupon_type":"NORMAL","no_cash":false,"available_begin_time":"2026-11-01T00:00:00+08:00","available_end_time":"2026-12-31T23:59:59+08:00","singleitem":false,"normal_coupon_information":{"coupon_amount":100,"transaction_minimum":2500},"consume_information":{"consume_time":"2026-11-27T09:59:48+08:00","consume_mchid":"1900000001","transaction_id":"42000","goods_detail":[]}}"""
            val body = notification(plain).toByteArray()
            val n = client.parseNotification(Jca.responseHeaders(wxKey, Repo.k("public_key_id"), NOW, "nNonce", body), body)
            eq(n.couponUse?.couponId, "c-1", "coupon id"); eq(n.couponUse?.normalCouponInformation?.transactionMinimum, 2500L, "minimum")
            eq(n.couponUse?.consumeInformation?.transactionId, "42000", "transaction")
            eq(n.keyId, Repo.k("public_key_id"), "key id")
        }
        test("a Kotlin Signer over a JCA key signs like the built-in key; a client without a private key") {
            val custom = Client(config().copy(privateKey = null, nonces = listOf("n1")), JcaSigner(mchKey))
            val builtin = Client(config().copy(nonces = listOf("n1")))
            val a = custom.createStock(stockRequest())
            val b = builtin.createStock(stockRequest())
            eq(a.headers["Authorization"], b.headers["Authorization"], "same Authorization")
            check(a.body.contentEquals(b.body)) { "same body" }
            // verify-only shape: no key, no signer, still verifies and parses
            val verifier = Client(config().copy(privateKey = null))
            val body = """{"stock_id":"1","create_time":"2026-11-27T09:59:48+08:00"}""".toByteArray()
            val h = Jca.responseHeaders(wxKey, Repo.k("public_key_id"), NOW, "vNonce", body)
            eq(verifier.parseCreateStock(200u, h, body).stockId, "1", "parsed")
            throws<WechatPayException> { verifier.request("GET", "/v3/x", ByteArray(0)) }
        }
        test("a throwing Kotlin signer surfaces as SignerException; so does an empty signature") {
            val throwing = object : Signer {
                override fun sign(message: ByteArray): ByteArray = throw IllegalStateException("HSM offline")
            }
            val e = throws<WechatPayException.SignerException> { Client(config().copy(privateKey = null), throwing).request("GET", "/v3/x", ByteArray(0)) }
            eq(e.code, "signer.failed", "code")
            val empty = object : Signer {
                override fun sign(message: ByteArray): ByteArray = ByteArray(0)
            }
            throws<WechatPayException.SignerException> { Client(config().copy(privateKey = null), empty).request("GET", "/v3/x", ByteArray(0)) }
        }
        test("signing from 8 threads (built-in key and Kotlin signer): every signature verifies with JCA") {
            val live = Client(config(now = null))
            val custom = Client(config(now = null).copy(privateKey = null), JcaSigner(mchKey))
            val pool = Executors.newFixedThreadPool(8)
            try {
                val jobs = (0 until 400).map { i ->
                    Callable {
                        val c = if (i % 2 == 0) live else custom
                        val s = c.sign("GET", "https://api.mch.weixin.qq.com/v3/marketing/favor/stocks/$i", ByteArray(0))
                        Jca.verify(mchPub, s.message, s.signature) && String(s.message).contains("/stocks/$i\n")
                    }
                }
                val ok = pool.invokeAll(jobs).count { it.get() }
                eq(ok, 400, "verified signatures")
            } finally {
                pool.shutdown()
            }
        }
        test("toString of the client and of errors shows no key material") {
            val secrets = listOf(Repo.k("apiv3_key")) + Repo.key("merchant_key.pem").lines().filter { it.length >= 16 && !it.startsWith("-----") }
            val texts = mutableListOf(client.toString(), config().toString(), config().privateKey.toString())
            texts += throws<WechatPayException.KeyConfigException> { Client(config().copy(apiv3Key = KeyMaterial.text(Repo.k("apiv3_key").drop(1)))) }.toString()
            texts += throws<WechatPayException.KeyConfigException> {
                Client(config().copy(privateKey = KeyMaterial.text(Repo.key("merchant_key.pem").replace("M", "!"))))
            }.toString()
            for (t in texts) for (s in secrets) check(s !in t) { "secret in: ${t.take(200)}" }
            check("redacted" in client.toString()) { client.toString() }
        }
    }

    fun notification(plaintext: String): String {
        val ct = Base64.getEncoder().encodeToString(Jca.gcm(Cipher.ENCRYPT_MODE, Repo.k("apiv3_key"), "nonce1234567", "coupon", plaintext.toByteArray()))
        return """{"id":"EV-1","create_time":"2026-11-27T09:59:50+08:00","resource_type":"encrypt-resource","event_type":"COUPON.USE","summary":"s","resource":{"original_type":"coupon","algorithm":"AEAD_AES_256_GCM","ciphertext":"$ct","associated_data":"coupon","nonce":"nonce1234567"}}"""
    }

    fun stockRequest() = CreateStockRequest(
        stockName = "满25减1", belongMerchant = "1900000001",
        availableBeginTime = "2026-11-28T10:00:00+08:00", availableEndTime = "2026-12-28T10:00:00+08:00",
        stockUseRule = StockRule(maxCoupons = 100, maxAmount = 10000, maxAmountByDay = 5000, maxCouponsPerUser = 2, naturalPersonLimit = false, preventApiAbuse = false),
        patternInfo = PatternInfo(description = "满 25 元减 1 元"),
        couponUseRule = CouponUseRule(fixedNormalCoupon = FixedNormalCoupon(couponAmount = 100, transactionMinimum = 2500), availableMerchants = listOf("1900000001")),
        noCash = false, stockType = StockTypeReq.Normal, outRequestNo = "1900000001202611281234",
    )
}
