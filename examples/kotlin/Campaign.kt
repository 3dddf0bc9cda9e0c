// A coupon campaign against the sandbox with java.net.http: upload the logo, create and start a
// stock, receive COUPON.USE notifications (com.sun.net.httpserver), send coupons, page through
// stocks, and download, verify and parse the use-flow bill.
//
// Run: start the sandbox (`wechatpay-coupons sandbox --port 0 --bills-anytime`), then
//   kotlin -cp <classes>:<jna.jar> com.wechatpay.coupons.examples.CampaignKt <merchant.json> <sandbox base URL>
package com.wechatpay.coupons.examples

import com.sun.net.httpserver.HttpServer
import com.wechatpay.coupons.BackgroundColor
import com.wechatpay.coupons.BillDigest
import com.wechatpay.coupons.BillParser
import com.wechatpay.coupons.BillRow
import com.wechatpay.coupons.Client
import com.wechatpay.coupons.CouponUseRule
import com.wechatpay.coupons.CreateStockRequest
import com.wechatpay.coupons.FixedNormalCoupon
import com.wechatpay.coupons.ListStocksRequest
import com.wechatpay.coupons.Notification
import com.wechatpay.coupons.PatternInfo
import com.wechatpay.coupons.SendCouponRequest
import com.wechatpay.coupons.SetCallbackRequest
import com.wechatpay.coupons.SignedRequest
import com.wechatpay.coupons.StartStockRequest
import com.wechatpay.coupons.StockRule
import com.wechatpay.coupons.StockTypeReq
import com.wechatpay.coupons.UseFlowRequest
import com.wechatpay.coupons.WechatPayException
import com.wechatpay.coupons.acknowledgement
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.util.Base64
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

/** A response as the binding's parse methods take it. */
class Reply(val status: UShort, val headers: Map<String, List<String>>, val body: ByteArray)

/** Sends a signed request exactly as built, with the JDK's HTTP client. */
object Http {
    private val client: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
    private val restricted = setOf("host", "content-length", "connection", "expect", "upgrade")

    fun send(r: SignedRequest): Reply {
        val b = HttpRequest.newBuilder(URI.create(r.url)).timeout(Duration.ofSeconds(15))
            .method(r.method, if (r.body.isEmpty()) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofByteArray(r.body))
        for ((k, v) in r.headers) if (k.lowercase() !in restricted) b.header(k, v)
        val resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray())
        return Reply(resp.statusCode().toUShort(), resp.headers().map(), resp.body())
    }
}

/** Receives notifications: verifies and decrypts each, answers with the acknowledgement. */
class NotifyReceiver(private val client: Client, private val onEvent: (Notification) -> Unit) : AutoCloseable {
    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)

    /** Notifications answered so far. */
    val answered = AtomicInteger()

    init {
        server.createContext("/wechatpay/notify") { ex ->
            val body = ex.requestBody.readAllBytes()
            val headers: Map<String, List<String>> = ex.requestHeaders
            val ack = try {
                onEvent(client.parseNotification(headers, body))
                acknowledgement(null)
            } catch (e: WechatPayException) {
                acknowledgement(errorCode(e))
            }
            ex.responseHeaders.add("Content-Type", ack.contentType)
            ex.sendResponseHeaders(ack.status.toInt(), ack.body.size.toLong())
            ex.responseBody.use { it.write(ack.body) }
            answered.incrementAndGet()
        }
        server.start()
    }

    val url: String get() = "http://127.0.0.1:${server.address.port}/wechatpay/notify"

    override fun close() = server.stop(0)
}

/** The stable code of a binding error. */
fun errorCode(e: WechatPayException): String = when (e) {
    is WechatPayException.ValidationException -> e.code
    is WechatPayException.KeyConfigException -> e.code
    is WechatPayException.SignatureException -> e.code
    is WechatPayException.ProbeSignatureException -> e.code
    is WechatPayException.DecryptException -> e.code
    is WechatPayException.ApiException -> e.code
    is WechatPayException.DecodeException -> e.code
    is WechatPayException.BillException -> e.code
    is WechatPayException.SignerException -> e.code
    is WechatPayException.CryptoException -> e.code
}

/** Beijing time in RFC 3339, as the API wants it. */
fun rfc3339(unix: Long): String =
    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochSecond(unix).atOffset(ZoneOffset.ofHours(8)))

/** What a campaign run produced. */
class CampaignResult(val stockId: String, val coupons: List<Pair<String, String>>, val stockPages: Int, val notifications: List<Notification>, val billRows: List<BillRow>)

/** A 2×2 PNG: the merchant logo. */
val LOGO: ByteArray = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII=")

/** The stock of the campaign: 1 yuan off orders of 25 yuan, a week from now. */
fun stockRequest(client: Client, logo: String): CreateStockRequest {
    val now = client.now()
    val mchid = client.mchid()
    return CreateStockRequest(
        stockName = "沙盒满25减1", belongMerchant = mchid,
        availableBeginTime = rfc3339(now), availableEndTime = rfc3339(now + 7 * 86400),
        stockUseRule = StockRule(
            maxCoupons = 100, maxAmount = 10000, maxAmountByDay = 5000, maxCouponsPerUser = 2,
            naturalPersonLimit = false, preventApiAbuse = false,
        ),
        patternInfo = PatternInfo(description = "满 25 元减 1 元", merchantLogo = logo, backgroundColor = BackgroundColor.Color020),
        couponUseRule = CouponUseRule(
            fixedNormalCoupon = FixedNormalCoupon(couponAmount = 100, transactionMinimum = 2500),
            availableMerchants = listOf(mchid),
        ),
        noCash = false, stockType = StockTypeReq.Normal, outRequestNo = client.outRequestNo(),
    )
}

/** Sends [req] and decodes the answer with the operation's typed parse method. */
fun <T> call(req: SignedRequest, parse: (UShort, Map<String, List<String>>, ByteArray) -> T): T {
    val r = Http.send(req)
    return parse(r.status, r.headers, r.body)
}

/** The whole flow; [useCoupon] asks the sandbox to use a coupon (it then notifies). */
fun campaign(client: Client, appid: String, useCoupon: (couponId: String, openid: String) -> Unit): CampaignResult {
    val mchid = client.mchid()
    val logo = call(client.uploadImage("logo.png", LOGO), client::parseUploadImage).mediaUrl
    val stockId = call(client.createStock(stockRequest(client, logo)), client::parseCreateStock).stockId
    call(client.startStock(StartStockRequest(stockId = stockId, stockCreatorMchid = mchid)), client::parseStartStock)

    val events = CopyOnWriteArrayList<Notification>()
    NotifyReceiver(client) { events.add(it) }.use { receiver ->
        call(client.setCallback(SetCallbackRequest(mchid = mchid, notifyUrl = receiver.url, switch = true)), client::parseSetCallback)
        val coupons = (0 until 3).map { i ->
            val openid = "oKotlinUser$i"
            val req = client.sendCoupon(
                SendCouponRequest(stockId = stockId, outRequestNo = client.outRequestNo(), appid = appid, stockCreatorMchid = mchid, openid = openid),
            )
            openid to call(req, client::parseSendCoupon).couponId
        }
        // Every stock, one per page.
        val pager = client.listStocksPager(ListStocksRequest(offset = 0, limit = 1, stockCreatorMchid = mchid))
        var pages = 0
        while (true) {
            val req = pager.nextRequest() ?: break
            val r = Http.send(req)
            pager.accept(r.status, r.headers, r.body).data.forEach { check(it.stockCreatorMchid == mchid) }
            pages++
        }
        useCoupon(coupons[0].second, coupons[0].first)
        val deadline = System.nanoTime() + 15_000_000_000L
        while (receiver.answered.get() == 0 && System.nanoTime() < deadline) Thread.sleep(20)

        // The use-flow bill: download, check its SHA-1 in constant memory, then parse it.
        val file = call(client.useFlow(UseFlowRequest(stockId = stockId)), client::parseUseFlow)
        val data = Http.send(client.billFileRequest(file)).body
        val digest = BillDigest(file)
        data.toList().chunked(4096).forEach { digest.update(it.toByteArray()) }
        val parser = BillParser(digest.finish(), "use_flow")
        val rows = data.toList().chunked(4096).flatMap { parser.feed(it.toByteArray()) } + parser.finish().rows
        return CampaignResult(stockId, coupons, pages, events.toList(), rows)
    }
}

/** A string field of a JSON text such as `merchant.json` (the example avoids a JSON library). */
fun field(json: String, name: String): String =
    Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in ${json.take(200)}")

fun main(args: Array<String>) {
    require(args.size == 2) { "usage: Campaign <merchant.json> <sandbox base URL>" }
    val client = Client.fromConfig(args[0], args[1])
    val appid = field(java.io.File(args[0]).readText(), "appid")
    val r = campaign(client, appid) { couponId, openid ->
        Http.send(client.request("POST", "/sandbox/use", """{"coupon_id":"$couponId","openid":"$openid","order_amount":3000}""".toByteArray()))
    }
    println("stock ${r.stockId}: ${r.coupons.size} coupons sent, ${r.stockPages} stock page(s), ${r.notifications.size} COUPON.USE notification(s), ${r.billRows.size} bill row(s)")
}
