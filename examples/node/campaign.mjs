// The demo campaign from Node against the sandbox, over the global fetch: upload a logo, create
// and start a stock, receive notifications, send a coupon, let a simulated user pay with it and
// print the verified COUPON.USE.
//
//     target/debug/wechatpay-coupons sandbox --port 8080 --dir /tmp/merchant &
//     node examples/node/campaign.mjs /tmp/merchant
//
// The merchant folder (or its merchant.json) comes from the first argument or WECHATPAY_CONFIG;
// merchant.json names the sandbox's URL.
import { Client } from 'wechatpay-coupons';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from './notify-server.mjs';

const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII=',
  'base64',
);

/** Unix seconds → RFC 3339 in Beijing time. @param {number} t */
const beijing = (t) => new Date((t + 8 * 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, '+08:00');

const config = process.argv[2] ?? process.env.WECHATPAY_CONFIG ?? 'sandbox-merchant';
const file = statSync(config).isDirectory() ? join(config, 'merchant.json') : config;
const { appid } = JSON.parse(readFileSync(file, 'utf8'));
const client = Client.fromConfig(config);
const mchid = client.mchid;

/**
 * Sends a signed request with fetch: `[status, headers, raw body]` for the matching `parse…`.
 * @param {import('wechatpay-coupons').SignedRequest} req
 * @returns {Promise<[number, Headers, Uint8Array]>}
 */
async function send(req) {
  const res = await fetch(req.url, req);
  return [res.status, res.headers, new Uint8Array(await res.arrayBuffer())];
}
/**
 * The sandbox's own (unsigned) controls: a simulated user, its clock.
 * @param {string} path
 * @param {object} [body]
 */
async function sandbox(path, body) {
  const res = await fetch(client.baseUrl + path, body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const { media_url: logo } = client.parseUploadImage(...await send(client.uploadImage(LOGO, 'logo.png')));
// Stock times follow the sandbox's business clock (Beijing time), which tests may move forward.
const now = (await sandbox('/sandbox/clock')).body.now;
const stock = client.parseCreateStock(...await send(client.createStock({
  stock_name: '满25减1', belong_merchant: mchid,
  available_begin_time: beijing(now), available_end_time: beijing(now + 7 * 86400),
  stock_use_rule: {
    max_coupons: 100, max_amount: 10000, max_amount_by_day: 5000, max_coupons_per_user: 2,
    natural_person_limit: false, prevent_api_abuse: false,
  },
  pattern_info: { description: '满 25 元减 1 元', merchant_logo: logo },
  coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 2500 }, available_merchants: [mchid] },
  no_cash: false, stock_type: 'NORMAL', out_request_no: client.outRequestNo(),
})));
console.log('created stock', stock.stock_id);
client.parseStartStock(...await send(client.startStock({ stock_id: stock.stock_id, stock_creator_mchid: mchid })));

/** @type {import('wechatpay-coupons').Notification[]} */
const events = [];
const receiver = await serve(client, (event) => events.push(event));
const { port } = /** @type {import('node:net').AddressInfo} */ (receiver.address());
const notifyUrl = `http://127.0.0.1:${port}/wechatpay/notify`;
try {
  client.parseSetCallback(...await send(client.setCallback({ mchid, notify_url: notifyUrl, switch: true })));
  const openid = 'oCampaignUser0001';
  const coupon = client.parseSendCoupon(...await send(client.sendCoupon({
    openid, stock_id: stock.stock_id, appid, stock_creator_mchid: mchid, out_request_no: client.outRequestNo(),
  })));
  console.log('sent coupon', coupon.coupon_id);
  const got = client.parseGetStock(...await send(client.getStock({ stock_id: stock.stock_id, stock_creator_mchid: mchid })));
  console.log('stock:', got.status, got.distributed_coupons, 'distributed');
  // every page, verified; `send` may return the fetch Response as it is
  let total = 0;
  const params = { offset: 0, limit: 10, stock_creator_mchid: mchid };
  for await (const page of client.pages('list_stocks', params, (req) => fetch(req.url, req))) total += page.data.length;
  console.log('stocks of this merchant:', total);

  // The sandbox simulates the user paying with the coupon; WeChat Pay then notifies us.
  const paid = await sandbox('/sandbox/use', { coupon_id: coupon.coupon_id, openid, order_amount: 3000 });
  console.log('payment:', paid.status, paid.body.transaction_id);
  const deadline = performance.now() + 15_000;
  while (events.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const event of events) {
    const use = /** @type {import('wechatpay-coupons').CouponUseEvent} */ (event.resource);
    console.log('notification', event.eventType, use.coupon_id, use.status);
  }
  if (events.length === 0) {
    console.error('no COUPON.USE notification arrived');
    process.exitCode = 1;
  }
} finally {
  receiver.close();
}
