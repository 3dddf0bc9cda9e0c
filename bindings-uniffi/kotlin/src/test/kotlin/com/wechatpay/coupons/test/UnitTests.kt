// The API surface beyond the vectors: config records, fixed clock, pager, retry advice,
// acknowledgements, plugin signatures, catalogue, bill parser on a synthetic file.
package com.wechatpay.coupons.test

import com.wechatpay.coupons.BillDigest
import com.wechatpay.coupons.FlowFileResponse
import com.wechatpay.coupons.HashType
import com.wechatpay.coupons.ListStocksRequest
import com.wechatpay.coupons.StockCollection
import com.wechatpay.coupons.BillParser
import com.wechatpay.coupons.Client
import com.wechatpay.coupons.H5CouponRequest
import com.wechatpay.coupons.KeyMaterial
import com.wechatpay.coupons.Pager
import com.wechatpay.coupons.Param
import com.wechatpay.coupons.SendCouponEntry
import com.wechatpay.coupons.WechatPayException
import com.wechatpay.coupons.acknowledgement
import com.wechatpay.coupons.h5CouponUrl
import com.wechatpay.coupons.pluginSign
import com.wechatpay.coupons.retryAdvice
import com.wechatpay.coupons.retryAdviceForTransportFailure
import com.wechatpay.coupons.test.Runner.test
import com.wechatpay.coupons.v2HmacSign
import com.wechatpay.coupons.verifyV2Hmac
import java.security.MessageDigest
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

@Suppress("UNCHECKED_CAST")
object UnitTests {
    fun run() {
        val client = Client(CrossCheckTests.config())
        test("fixed clock moves with setNow; a live clock refuses it") {
            client.setNow(1795744900L)
            eq(client.now(), 1795744900L, "now")
            client.setNow(1795744800L)
            throws<WechatPayException.ValidationException> { Client(CrossCheckTests.config(now = null)).setNow(1L) }
        }
        test("validation policy by name and as JSON; a bad one is named") {
            Client(CrossCheckTests.config().copy(validation = "strict"))
            Client(CrossCheckTests.config().copy(validation = """{"promote_warnings":true}"""))
            val e = throws<WechatPayException.ValidationException> { Client(CrossCheckTests.config().copy(validation = "lenient-ish")) }
            check("validation" in e.text) { e.text }
        }
        test("bad JSON params are a ValidationException naming the request") {
            val e = throws<WechatPayException.ValidationException> { client.build("get_stock", "[1,2]") }
            eq(e.violations[0].field, "request", "field")
            throws<WechatPayException.ValidationException> { client.build("get_stock", "{not json") }
            throws<WechatPayException.ValidationException> { client.build("no_such_operation", "{}") }
        }
        test("Pager: offsets advance page by page and stop after the last page") {
            // A decoded stock from the shared corpus, as the page items.
            val corpus = Json.obj(java.io.File(Repo.root, "tests/corpus/responses.json").readText())
            val stock = ((corpus["cases"] as List<Map<String, Any?>>).first { it["operation"] == "list_stocks" }["expected"] as Map<String, Any?>)["data"].let { (it as List<Any?>)[0] }
            fun page(n: Int, offset: Int) = Json.write(mapOf("total_count" to 3L, "data" to List(n) { stock }, "limit" to 2L, "offset" to offset.toLong()))
            val p = Pager(client, "list_stocks", """{"offset":0,"limit":2,"stock_creator_mchid":"1900000001"}""")
            val first = p.nextRequest()!!.url
            check("offset=0" in first) { first }
            p.accept(page(2, 0))
            val second = p.nextRequest()!!.url
            check("offset=0" !in second && "offset=" in second) { second }
            eq(Json.obj(p.currentParams()!!)["stock_creator_mchid"], "1900000001", "path and query params kept")
            p.accept(page(1, Json.obj(p.currentParams()!!)["offset"].toString().toInt()))
            eq(p.nextRequest(), null, "after the last page")
            throws<WechatPayException> { Pager(client, "get_stock", "{}") }
        }
        test("typed pager: accept verifies and decodes each page, then moves on") {
            val corpus = Json.obj(java.io.File(Repo.root, "tests/corpus/responses.json").readText())
            val case = (corpus["cases"] as List<Map<String, Any?>>).first { it["name"] == "list_stocks" }
            val signed = Client(CrossCheckTests.config().copy(now = (corpus["client"] as Map<String, Any?>)["timestamp"] as Long))
            val h = (case["headers"] as Map<String, Any?>).mapValues { listOf(it.value as String) }
            val body = (case["body"] as String).toByteArray()
            val want = signed.parseListStocks(200u, h, body)
            val p = signed.listStocksPager(ListStocksRequest(offset = 0, limit = want.limit, stockCreatorMchid = "1900000001"))
            check("offset=0" in p.nextRequest()!!.url) { "first page" }
            val page: StockCollection = p.accept(200u, h, body)
            eq(page, want, "the page, typed")
            if (want.totalCount <= want.limit) eq(p.nextRequest(), null, "one page only")
            throws<WechatPayException.SignatureException> { p.accept(200u, h, body + " ".toByteArray()) }
        }
        test("retry advice: 5xx retries with back-off and moves host; 4xx stops; transport failures retry") {
            val a = retryAdvice(500u, """{"code":"SYSTEM_ERROR","message":"x"}""".toByteArray(), 1u)
            check(a.retry && a.delayMs > 0uL) { "$a" }
            val b = retryAdvice(500u, """{"code":"SYSTEM_ERROR","message":"x"}""".toByteArray(), 2u)
            check(b.useBackupHost && b.baseUrl != null) { "$b" }
            check(!retryAdvice(400u, """{"code":"PARAM_ERROR","message":"x"}""".toByteArray(), 1u).retry) { "400" }
            check(!retryAdvice(500u, ByteArray(0), 3u).retry) { "gives up" }
            check(retryAdviceForTransportFailure(1u).retry) { "transport" }
        }
        test("acknowledgements: success, 401 for verification, 400 for decryption, 500 otherwise") {
            eq(acknowledgement(null).status.toInt(), 200, "ok")
            check("SUCCESS" in String(acknowledgement(null).body)) { "body" }
            eq(acknowledgement("verify.bad_signature").status.toInt(), 401, "verify")
            eq(acknowledgement("decrypt.bad_tag").status.toInt(), 400, "decrypt")
            eq(acknowledgement("api.system_error").status.toInt(), 500, "other")
        }
        test("APIv2 HMAC-SHA256 matches JCA's HmacSHA256; plugin and H5 signatures verify") {
            val key = "k".repeat(32)
            val params = listOf(Param("b", "2"), Param("a", "1"), Param("empty", ""))
            val s = v2HmacSign(params, KeyMaterial.text(key))
            val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(key.toByteArray(), "HmacSHA256")) }
            val want = mac.doFinal("a=1&b=2&key=$key".toByteArray()).joinToString("") { "%02X".format(it) }
            eq(s.sign, want, "sign")
            check(key !in s.stringToSignRedacted) { "redacted" }
            check(verifyV2Hmac(params, KeyMaterial.text(key), s.sign)) { "verifies" }
            check(!verifyV2Hmac(params, KeyMaterial.text(key), s.sign.lowercase().replaceRange(0, 1, "0"))) { "tampered" }
            val p = pluginSign("1900000001", listOf(SendCouponEntry("9856000", "1900000001202611281234", "1900000001")), KeyMaterial.text(key))
            check("send_coupon_params" in p.payloadJson && p.sign.length == 64) { p.payloadJson }
            val h5 = h5CouponUrl(H5CouponRequest("9856000", "1900000001202611281234", "1900000001", "oUser"), KeyMaterial.text(key))
            check(h5.url.startsWith("https://") && "sign=" in h5.url) { h5.url }
        }
        test("bills: a synthetic use-flow file digests and parses in chunks; one changed byte is refused") {
            val head = "批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）,交易类型,支付单号,消耗时间,消耗商户号,设备号,银行流水号,单品信息\n"
            val row = "`9856000,`c-1,`全场代金券,`1.00,`30.00,`JSAPI,`4200001,`2026-11-27 09:59:48,`1900000001,`,`,`\n"
            val data = (head + row + "总条数\n`1\n").toByteArray()
            val sha1 = MessageDigest.getInstance("SHA-1").digest(data).joinToString("") { "%02x".format(it) }
            val file = FlowFileResponse(hashType = HashType.Sha1, hashValue = sha1, url = "https://api.mch.weixin.qq.com/v3/billdownload/file?token=x")
            val d = BillDigest(file)
            data.toList().chunked(7).forEach { d.update(it.toByteArray()) }
            val v = d.finish()
            eq(v.sha1(), sha1, "sha1")
            val parser = BillParser(v, "use_flow", true)
            val rows = data.toList().chunked(5).flatMap { parser.feed(it.toByteArray()) }
            val end = parser.finish()
            val all = rows + end.rows
            eq(all.map { it.couponId }, listOf("c-1"), "rows")
            eq(all[0].discountAmount, 100L, "discount in fen")
            eq(end.summary.rows, 1uL, "summary")
            val bad = BillDigest(file)
            bad.update(data.copyOf().also { it[it.size - 3] = '2'.code.toByte() })
            throws<WechatPayException.BillException> { bad.finish() }
        }
    }
}
