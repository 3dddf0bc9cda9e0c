// End to end against the sandbox over real HTTP (java.net.http): every endpoint, notifications
// (com.sun.net.httpserver), bills, image upload, certificates, errors; plus the example.
package com.wechatpay.coupons.test

import com.wechatpay.coupons.BillDigest
import com.wechatpay.coupons.Client
import com.wechatpay.coupons.ClientConfig
import com.wechatpay.coupons.CouponStatus
import com.wechatpay.coupons.CreateStockRequest
import com.wechatpay.coupons.GetCallbackRequest
import com.wechatpay.coupons.GetCouponRequest
import com.wechatpay.coupons.GetStockRequest
import com.wechatpay.coupons.KeyMaterial
import com.wechatpay.coupons.ListStockItemsRequest
import com.wechatpay.coupons.ListStockMerchantsRequest
import com.wechatpay.coupons.ListStocksRequest
import com.wechatpay.coupons.ListUserCouponsRequest
import com.wechatpay.coupons.ModifyItemCodesRequest
import com.wechatpay.coupons.PauseStockRequest
import com.wechatpay.coupons.RefundFlowRequest
import com.wechatpay.coupons.RestartStockRequest
import com.wechatpay.coupons.SendCouponRequest
import com.wechatpay.coupons.StockStatus
import com.wechatpay.coupons.StopStockRequest
import com.wechatpay.coupons.UseFlowRequest
import com.wechatpay.coupons.WechatPayException
import com.wechatpay.coupons.examples.Http
import com.wechatpay.coupons.examples.call
import com.wechatpay.coupons.examples.campaign
import com.wechatpay.coupons.examples.field
import com.wechatpay.coupons.examples.stockRequest
import com.wechatpay.coupons.retryAdvice
import com.wechatpay.coupons.test.Runner.test
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files

/** A sandbox process; with [startTime] (RFC 3339) its clock starts there, not at the wall clock,
 * and [client] pins the client's clock to the sandbox's, so a run does not depend on the hour. */
class Sandbox(mode: String, private val startTime: String? = null) : AutoCloseable {
    private val proc: Process
    val baseUrl: String
    val config: String

    init {
        val bin = System.getenv("WECHATPAY_SANDBOX_BIN") ?: File(Repo.root, "target/debug/wechatpay-coupons").path
        check(File(bin).canExecute()) { "sandbox binary $bin not built (cargo build -p wechatpay-coupons-cli)" }
        val dir = Files.createTempDirectory("wcsb-kt-").toString()
        val args = mutableListOf(bin, "sandbox", "--port", "0", "--dir", dir, "--mode", mode, "--bills-anytime")
        if (startTime != null) args += listOf("--start-time", startTime)
        proc = ProcessBuilder(args).redirectErrorStream(true).start()
        val out = proc.inputStream.bufferedReader()
        var url = ""
        var cfg = ""
        val deadline = System.nanoTime() + 60_000_000_000L
        while ((url.isEmpty() || cfg.isEmpty()) && System.nanoTime() < deadline) {
            val line = out.readLine() ?: break
            if ("listening on" in line) url = line.substringAfter("listening on").trim()
            if (line.startsWith("client config:")) cfg = line.substringAfter(":").trim()
        }
        baseUrl = url
        config = cfg
        Thread { out.lines().forEach { } }.apply { isDaemon = true }.start()
        if (url.isEmpty() || cfg.isEmpty()) {
            close()
            throw AssertionError("sandbox did not start")
        }
    }

    val appid: String get() = field(File(config).readText(), "appid")

    /** The sandbox's clock (Unix seconds), from `/sandbox/clock`. */
    fun now(): Long = Regex("\"now\"\\s*:\\s*(\\d+)").find(get("/sandbox/clock"))!!.groupValues[1].toLong()

    /** A client from the sandbox's merchant.json; on an injected clock, fixed at the sandbox's time. */
    fun client(): Client = Client.fromConfig(config, now = startTime?.let { now() })

    fun post(path: String, json: String): Int = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString(),
    ).statusCode()

    fun get(path: String): String = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(), HttpResponse.BodyHandlers.ofString()).body()

    override fun close() {
        proc.destroy()
        proc.waitFor()
    }
}

object SandboxTests {
    /** Ten seconds before midnight in Beijing. */
    const val MIDNIGHT = "2026-12-31T23:59:50+08:00"

    /** Five seconds before 10:00 in Beijing. */
    const val TEN_AM = "2027-01-01T09:59:55+08:00"

    fun run() {
        // Injected clocks at the edges of the day in Beijing: the campaign crosses midnight, the
        // certificate run crosses 10:00 (the demo once failed from 00:00 to 09:59 Beijing time).
        val sb = try {
            Sandbox("public-key", MIDNIGHT)
        } catch (e: Throwable) {
            test("sandbox starts") { throw e }
            return
        }
        sb.use { runWith(it) }
        test("certificate mode: download, trust on first use, then verify and encrypt") {
            Sandbox("certificate", TEN_AM).use { s ->
                val cfg = Json.obj(File(s.config).readText())
                val base = File(s.config).parentFile
                val client = Client(
                    ClientConfig(
                        mchid = cfg["mchid"] as String, merchantSerial = cfg["merchant_serial"] as String,
                        privateKey = KeyMaterial.text(File(base, cfg["merchant_key_file"] as String).readText()),
                        apiv3Key = KeyMaterial.text(File(base, cfg["apiv3_key_file"] as String).readText().trim()), baseUrl = s.baseUrl,
                        now = s.now(),
                    ),
                )
                eq(client.trustedKeys(), emptyList<String>(), "nothing trusted yet")
                val r = Http.send(client.certificatesRequest())
                val u = client.applyCertificatesResponse(r.status, r.headers, r.body)
                check(u.trustOnFirstUse && u.added.isNotEmpty() && u.refreshAt > client.now()) { "$u" }
                val page = call(client.listStocks(ListStocksRequest(offset = 0, limit = 10, stockCreatorMchid = cfg["mchid"] as String)), client::parseListStocks)
                check(page.totalCount >= 0 && page.offset == 0L) { "stocks $page" }
                check(client.encryptSensitive("13800138000").serial in client.trustedKeys()) { "serial" }
            }
        }
    }

    @Suppress("UNCHECKED_CAST")
    private fun runWith(sb: Sandbox) {
        val client = sb.client()
        val mchid = client.mchid()
        var stockId = ""
        var coupons = emptyList<Pair<String, String>>()
        test("the sandbox and the client run on the injected clock") {
            val t = client.now()
            check(t in 1798732790L..1798732790L + 120) { "client clock $t" }
            check(sb.now() - t in 0..120) { "sandbox clock ${sb.now()}" }
        }
        test("example Campaign.kt: upload, create, start, callback, send, pager, COUPON.USE notification, use-flow bill") {
            val r = campaign(client, sb.appid) { couponId, openid ->
                eq(sb.post("/sandbox/use", """{"coupon_id":"$couponId","openid":"$openid","order_amount":3000}"""), 200, "use")
            }
            stockId = r.stockId
            coupons = r.coupons
            check(r.stockPages >= 1) { "pages" }
            check(r.notifications.isNotEmpty()) { "no verified COUPON.USE notification" }
            val use = r.notifications[0].couponUse!!
            eq(use.couponId, r.coupons[0].second, "used coupon"); eq(use.status, "USED", "status")
            eq(use.normalCouponInformation?.couponAmount, 100L, "face value")
            eq(use.consumeInformation?.consumeMchid, client.mchid(), "used at")
            check(use.toJson().contains("\"coupon_id\":\"${use.couponId}\"")) { use.toJson() }
            check(r.billRows.any { it.couponId == r.coupons[0].second }) { "bill rows ${r.billRows.size}" }
            val deadline = System.nanoTime() + 15_000_000_000L
            while ("\"acknowledged\":true" !in sb.get("/sandbox/notifications").replace(" ", "") && System.nanoTime() < deadline) Thread.sleep(20)
            check("\"acknowledged\":true" in sb.get("/sandbox/notifications").replace(" ", "")) { "acknowledged" }
        }
        test("the remaining endpoints: get/list, items, merchants, callback, pause/restart, resign, refund flow, stop") {
            check(stockId.isNotEmpty()) { "campaign did not run" }
            val (openid0, coupon0) = coupons[0]
            check(call(client.getCallback(GetCallbackRequest(mchid = mchid)), client::parseGetCallback).notifyUrl.startsWith("http://127.0.0.1")) { "callback" }
            val got = call(client.getStock(GetStockRequest(stockId = stockId, stockCreatorMchid = mchid)), client::parseGetStock)
            eq(got.distributedCoupons, 3L, "distributed")
            eq(got.status, StockStatus.Running, "status")
            eq(got.status.wireValue(), "running", "wire value")
            val coupon = call(client.getCoupon(GetCouponRequest(openid = openid0, couponId = coupon0, appid = sb.appid)), client::parseGetCoupon)
            check(coupon.status in listOf(CouponStatus.Sended, CouponStatus.Used)) { "coupon status ${coupon.status}" }
            val mine = call(
                client.listUserCoupons(ListUserCouponsRequest(openid = openid0, appid = sb.appid, creatorMchid = mchid, offset = 0, limit = 10)),
                client::parseListUserCoupons,
            )
            check(mine.totalCount >= 1 && mine.data.any { it.couponId == coupon0 }) { "user coupons" }
            val merchants = call(client.listStockMerchants(ListStockMerchantsRequest(stockId = stockId, stockCreatorMchid = mchid, offset = 0, limit = 10)), client::parseListStockMerchants)
            eq(merchants.stockId, stockId, "merchants")
            val items = call(client.listStockItems(ListStockItemsRequest(stockId = stockId, stockCreatorMchid = mchid, offset = 0, limit = 10)), client::parseListStockItems)
            check(items.totalCount >= 0) { "items" }
            try {
                call(client.modifyItemCodes(ModifyItemCodesRequest(stockId = stockId, stockCreatorMchid = mchid, addGoodsIdList = listOf("sku-1"))), client::parseModifyItemCodes)
            } catch (e: WechatPayException.ApiException) {
                check(e.status.toInt() in listOf(400, 403) && e.apiCode != null) { "modify: $e" }
            }
            call(client.pauseStock(PauseStockRequest(stockId = stockId, stockCreatorMchid = mchid)), client::parsePauseStock)
            fun send(openid: String) = client.sendCoupon(
                SendCouponRequest(stockId = stockId, outRequestNo = client.outRequestNo(), appid = sb.appid, stockCreatorMchid = mchid, openid = openid),
            )
            val late = throws<WechatPayException.ApiException> { call(send("oLate"), client::parseSendCoupon) }
            check(late.status.toInt() >= 400 && late.apiCode != null && !late.retryable) { "$late" }
            check(!retryAdvice(late.status, late.body, 1u).retry) { "no retry" }
            call(client.restartStock(RestartStockRequest(stockId = stockId, stockCreatorMchid = mchid)), client::parseRestartStock)
            val req = send("oRetry")
            val first = call(req, client::parseSendCoupon).couponId
            eq(call(client.resign(req), client::parseSendCoupon).couponId, first, "a re-signed retry gets the same coupon")
            // The JSON form of the same operations answers alike.
            val r = Http.send(client.build("get_stock", """{"stock_id":"$stockId","stock_creator_mchid":"$mchid"}"""))
            eq(Json.obj(client.parse("get_stock", r.status, r.headers, r.body))["stock_id"], stockId, "JSON build and parse")
            try {
                check(call(client.refundFlow(RefundFlowRequest(stockId = stockId)), client::parseRefundFlow).url.isNotEmpty()) { "refund flow" }
            } catch (e: WechatPayException.ApiException) {
                check(e.status.toInt() == 404 && e.errorKind == "not_found" && e.requestId != null) { "$e" }
            }
        }
        test("stop a stock that was never started") {
            val up = Http.send(client.uploadImage("logo.png", com.wechatpay.coupons.examples.LOGO))
            val logo = client.parseUploadImage(up.status, up.headers, up.body).mediaUrl
            val spare = call(client.createStock(stockRequest(client, logo)), client::parseCreateStock).stockId
            eq(call(client.stopStock(StopStockRequest(stockId = spare, stockCreatorMchid = mchid)), client::parseStopStock).stockId, spare, "stopped")
        }
        test("validation before signing; unknown fields named") {
            val e = throws<WechatPayException.ValidationException> { client.createStock(CreateStockRequest(stockName = "", outRequestNo = "bad no!")) }
            check(e.violations.size > 1) { "${e.violations}" }
            val u = throws<WechatPayException.ValidationException> { client.build("get_stock", """{"stock_id":"1","stock_creator_mchid":"$mchid","stok_typo":"x"}""") }
            eq(u.violations[0].rule, "unknown_field", "rule")
        }
        test("API error fields; a tampered or re-serialised response is rejected") {
            val req = client.getStock(GetStockRequest(stockId = "999999999", stockCreatorMchid = mchid))
            val r = Http.send(req)
            val e = throws<WechatPayException.ApiException> { client.parseGetStock(r.status, r.headers, r.body) }
            check(e.status == r.status && e.status.toInt() >= 400 && e.apiCode != null && e.apiMessage != null && !e.retryable) { "$e" }
            check(e.body.contentEquals(r.body)) { "body" }
            val lr = client.listStocks(ListStocksRequest(offset = 0, limit = 10, stockCreatorMchid = mchid))
            val ok = Http.send(lr)
            throws<WechatPayException.SignatureException> { client.parseListStocks(ok.status, ok.headers, String(ok.body).replace("total_count", "total_coun ").toByteArray()) }
            throws<WechatPayException.SignatureException> { client.parseListStocks(ok.status, ok.headers, Json.write(Json.parse(String(ok.body))).toByteArray() + " ".toByteArray()) }
        }
        test("a bill that does not match its hash is refused") {
            val file = call(client.useFlow(UseFlowRequest(stockId = stockId)), client::parseUseFlow)
            val data = Http.send(client.billFileRequest(file)).body
            val d = BillDigest(file)
            d.update(data + " ".toByteArray())
            eq(throws<WechatPayException.BillException> { d.finish() }.code, "bill.hash_mismatch", "code")
        }
    }
}
