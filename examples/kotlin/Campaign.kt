// A coupon campaign against the sandbox with java.net.http: upload the logo, create and start a
// stock, receive COUPON.USE notifications (com.sun.net.httpserver), send coupons, page through
// stocks, and download, verify and parse the use-flow bill.
//
// Run: start the sandbox (`wechatpay-coupons sandbox --port 0 --bills-anytime`), then
//   kotlin -cp <classes>:<jna.jar> com.wechatpay.coupons.examples.CampaignKt <merchant.json> <sandbox base URL>
package com.wechatpay.coupons.examples

import com.sun.net.httpserver.HttpServer
import com.wechatpay.coupons.BillDigest
import com.wechatpay.coupons.BillFile
import com.wechatpay.coupons.BillParser
import com.wechatpay.coupons.BillRow
import com.wechatpay.coupons.Client
import com.wechatpay.coupons.Notification
import com.wechatpay.coupons.Pager
import com.wechatpay.coupons.SignedRequest
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

fun stockParams(client: Client, logo: String): String {
    val now = client.now()
    val mchid = client.mchid()
    return """{"stock_name":"沙盒满25减1","belong_merchant":"$mchid","available_begin_time":"${rfc3339(now)}",
        "available_end_time":"${rfc3339(now + 7 * 86400)}",
        "stock_use_rule":{"max_coupons":100,"max_amount":10000,"max_amount_by_day":5000,"max_coupons_per_user":2,"natural_person_limit":false,"prevent_api_abuse":false},
        "pattern_info":{"description":"满 25 元减 1 元","merchant_logo":"$logo","background_color":"COLOR020"},
        "coupon_use_rule":{"fixed_normal_coupon":{"coupon_amount":100,"transaction_minimum":2500},"available_merchants":["$mchid"]},
        "no_cash":false,"stock_type":"NORMAL","out_request_no":"${client.outRequestNo()}"}"""
}

/** A JSON string field of a decoded response (the example avoids a JSON library on purpose). */
fun field(json: String, name: String): String =
    Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in ${json.take(200)}")

/** The whole flow; [useCoupon] asks the sandbox to use a coupon (it then notifies). */
fun campaign(client: Client, appid: String, useCoupon: (couponId: String, openid: String) -> Unit): CampaignResult {
    val mchid = client.mchid()
    fun call(req: SignedRequest, parse: (UShort, Map<String, List<String>>, ByteArray) -> String): String {
        val r = Http.send(req)
        return parse(r.status, r.headers, r.body)
    }
    val logo = field(call(client.uploadImage("logo.png", LOGO), client::parseUploadImage), "media_url")
    val stockId = field(call(client.createStock(stockParams(client, logo)), client::parseCreateStock), "stock_id")
    call(client.startStock("""{"stock_id":"$stockId","stock_creator_mchid":"$mchid"}"""), client::parseStartStock)

    val events = CopyOnWriteArrayList<Notification>()
    NotifyReceiver(client) { events.add(it) }.use { receiver ->
        call(client.setCallback("""{"mchid":"$mchid","notify_url":"${receiver.url}","switch":true}"""), client::parseSetCallback)
        val coupons = (0 until 3).map { i ->
            val openid = "oKotlinUser$i"
            val req = client.sendCoupon("""{"stock_id":"$stockId","out_request_no":"${client.outRequestNo()}","appid":"$appid","stock_creator_mchid":"$mchid","openid":"$openid"}""")
            openid to field(call(req, client::parseSendCoupon), "coupon_id")
        }
        // Every stock, one per page.
        val pager = Pager(client, "list_stocks", """{"offset":0,"limit":1,"stock_creator_mchid":"$mchid"}""")
        var pages = 0
        while (true) {
            val req = pager.nextRequest() ?: break
            pager.accept(call(req, client::parseListStocks))
            pages++
        }
        useCoupon(coupons[0].second, coupons[0].first)
        val deadline = System.nanoTime() + 15_000_000_000L
        while (receiver.answered.get() == 0 && System.nanoTime() < deadline) Thread.sleep(20)

        // The use-flow bill: download, check its SHA-1 in constant memory, then parse it.
        val flow = call(client.useFlow("""{"stock_id":"$stockId"}"""), client::parseUseFlow)
        val file = BillFile(field(flow, "url"), field(flow, "hash_type"), field(flow, "hash_value"))
        val data = Http.send(client.billFileRequest(file)).body
        val digest = BillDigest(file)
        data.toList().chunked(4096).forEach { digest.update(it.toByteArray()) }
        val parser = BillParser(digest.finish(), "use_flow")
        val rows = data.toList().chunked(4096).flatMap { parser.feed(it.toByteArray()) } + parser.finish().rows
        return CampaignResult(stockId, coupons, pages, events.toList(), rows)
    }
}

fun main(args: Array<String>) {
    require(args.size == 2) { "usage: Campaign <merchant.json> <sandbox base URL>" }
    val client = Client.fromConfig(args[0], args[1])
    val appid = field(java.io.File(args[0]).readText(), "appid")
    val r = campaign(client, appid) { couponId, openid ->
        Http.send(client.request("POST", "/sandbox/use", """{"coupon_id":"$couponId","openid":"$openid","order_amount":3000}""".toByteArray()))
    }
    println("stock ${r.stockId}: ${r.coupons.size} coupons sent, ${r.stockPages} stock page(s), ${r.notifications.size} COUPON.USE notification(s), ${r.billRows.size} bill row(s)")
}
