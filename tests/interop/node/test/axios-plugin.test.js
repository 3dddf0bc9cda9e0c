// The sandbox driven by wechatpay-axios-plugin (npm, pinned in package.json and
// package-lock.json), a client no one here wrote: its chained `v3.marketing.favor.*` calls, its
// response verifier (signature, serial lookup, ±300 s clock check) and its own Rsa/Aes helpers
// for the COUPON.USE notification, in public-key and in certificate mode.
//
// The plugin takes axios options, so `baseURL` points it at the sandbox. A 2xx whose
// signature does not verify is thrown as an error by the plugin, so each resolved call below is
// a verified one; a separate test shows the verifier refusing a key that did not sign.

'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const crypto = require('node:crypto');

const { Wechatpay, Rsa, Aes, Formatter, Multipart } = require('wechatpay-axios-plugin');

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = process.env.WECHATPAY_SANDBOX_BIN || path.join(REPO, 'target', 'debug', 'wechatpay-coupons');
const OPENID = 'oInteropNode000000000000001';
// A 2x2 PNG.
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR42mNgP5jwHwQYYAwAZK0MR3YK05QAAAAASUVORK5CYII=',
  'base64',
);

/** Starts `wechatpay-coupons sandbox --port 0 --dir D --mode M --bills-anytime`. */
async function startSandbox(mode) {
  assert.ok(fs.existsSync(BIN), `sandbox binary ${BIN} not built (cargo build -p wechatpay-coupons-cli --bin wechatpay-coupons)`);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'interop-node-')), 'merchant');
  const proc = spawn(BIN, ['sandbox', '--port', '0', '--dir', dir, '--mode', mode, '--bills-anytime'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: proc.stdout });
  let baseUrl = '';
  let configPath = '';
  const timer = setTimeout(() => proc.kill(), 60_000);
  for await (const line of lines) {
    if (line.includes('listening on')) baseUrl = line.split('listening on')[1].trim();
    if (line.startsWith('client config:')) configPath = line.slice(line.indexOf(':') + 1).trim();
    if (baseUrl && configPath) break;
  }
  clearTimeout(timer);
  proc.stdout.resume();
  assert.ok(baseUrl && configPath, 'the sandbox did not print its base URL and client config');
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const file = (key) => fs.readFileSync(path.join(dir, config[key]), 'utf8');
  return {
    mode,
    baseUrl,
    config,
    file,
    async control(method, p, body) {
      const res = await fetch(baseUrl + p, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      assert.equal(res.status, 200, `${method} ${p}: ${res.status}`);
      return res.json();
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}

/** The key the plugin verifies with, by the id/serial the sandbox signs under. */
function certs(sb) {
  return sb.mode === 'public-key'
    ? { [sb.config.wechatpay_public_key_id]: sb.file('wechatpay_public_key_file') }
    : { [sb.config.platform_serial]: sb.file('platform_cert_file') };
}

function client(sb, trusted = certs(sb)) {
  return new Wechatpay({
    mchid: sb.config.mchid,
    serial: sb.config.merchant_serial,
    privateKey: sb.file('merchant_key_file'),
    certs: trusted,
    baseURL: `${sb.baseUrl}/`,
    timeout: 30_000,
  });
}

function beijing(t) {
  return `${new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00`;
}

async function stockBody(sb, outRequestNo, noCash) {
  const { now } = await sb.control('GET', '/sandbox/clock');
  const mchid = sb.config.mchid;
  const body = {
    stock_name: '互通测试批次',
    belong_merchant: mchid,
    available_begin_time: beijing(now + 60),
    available_end_time: beijing(now + 7 * 86_400),
    stock_use_rule: {
      max_coupons: 10, max_amount: 1000, max_coupons_per_user: 2, natural_person_limit: false, prevent_api_abuse: false,
    },
    coupon_use_rule: {
      fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 1000 },
      available_merchants: [mchid, '1900000109'],
      available_items: ['goods-1', 'goods-2'],
    },
    stock_type: 'NORMAL',
    out_request_no: outRequestNo,
  };
  if (noCash !== undefined) body.no_cash = noCash;
  return body;
}

/** A notify_url that checks each notification with the plugin's Rsa and Aes helpers. */
function receiver(sb, trusted) {
  const keys = Object.fromEntries(Object.entries(trusted).map(([k, v]) => [k, Rsa.from(v, Rsa.KEY_TYPE_PUBLIC)]));
  const apiv3Key = sb.file('apiv3_key_file').trim();
  const results = [];
  let arrived;
  const got = new Promise((resolve) => { arrived = resolve; });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const h = req.headers;
      const key = keys[h['wechatpay-serial']];
      const verified = Boolean(key) && Rsa.verify(
        Formatter.response(h['wechatpay-timestamp'], h['wechatpay-nonce'], body), h['wechatpay-signature'], key,
      );
      let plain = null;
      if (verified) {
        const { resource } = JSON.parse(body);
        plain = JSON.parse(Aes.AesGcm.decrypt(resource.ciphertext, apiv3Key, resource.nonce, resource.associated_data));
      }
      results.push({ verified, body: JSON.parse(body), plain });
      res.writeHead(verified ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(verified ? '{"code":"SUCCESS","message":"OK"}' : '{"code":"FAIL","message":"signature"}');
      arrived();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/wechatpay/notify`,
      results,
      got,
      close: () => server.close(),
    }));
  });
}

for (const mode of ['public-key', 'certificate']) {
  describe(`wechatpay-axios-plugin against the sandbox (${mode})`, () => {
    let sb;
    before(async () => { sb = await startSandbox(mode); });
    after(() => sb && sb.stop());

    it('runs the coupon flow; every 2xx passes the plugin\'s verifier', async () => {
      const wxpay = client(sb);
      const favor = wxpay.v3.marketing.favor;
      const mchid = sb.config.mchid;
      const tag = mode.slice(0, 3);

      const { data: created } = await favor.couponStocks.post(await stockBody(sb, `node${tag}0001`, false));
      const stockId = created.stock_id;
      assert.match(stockId, /^\d+$/);
      await favor.stocks._stock_id_.start.post({ stock_creator_mchid: mchid }, { stock_id: stockId });
      await sb.control('POST', '/sandbox/clock/advance', { seconds: 120 });
      const { data: sent } = await favor.users._openid_.coupons.post(
        { stock_id: stockId, out_request_no: `nodesend${tag}01`, appid: sb.config.appid, stock_creator_mchid: mchid },
        { openid: OPENID },
      );
      const couponId = sent.coupon_id;

      const { data: stock } = await favor.stocks._stock_id_.get({ params: { stock_creator_mchid: mchid }, stock_id: stockId });
      assert.equal(stock.status, 'running');
      const { data: list } = await favor.stocks.get({ params: { offset: 0, limit: 10, stock_creator_mchid: mchid } });
      assert.ok(list.data.some((s) => s.stock_id === stockId));
      const { data: coupon } = await favor.users._openid_.coupons._coupon_id_.get({
        params: { appid: sb.config.appid }, openid: OPENID, coupon_id: couponId,
      });
      assert.equal(coupon.status, 'SENDED');
      const { data: mine } = await favor.users._openid_.coupons.get({
        params: { appid: sb.config.appid, creator_mchid: mchid, offset: 0, limit: 20 }, openid: OPENID,
      });
      assert.deepEqual(mine.data.map((c) => c.coupon_id), [couponId]);
      const { data: merchants } = await favor.stocks._stock_id_.merchants.get({
        params: { offset: 0, limit: 50, stock_creator_mchid: mchid }, stock_id: stockId,
      });
      assert.deepEqual([...merchants.data].sort(), [mchid, '1900000109'].sort());
      const { data: items } = await favor.stocks._stock_id_.items.get({
        params: { offset: 0, limit: 50, stock_creator_mchid: mchid }, stock_id: stockId,
      });
      assert.deepEqual([...items.data].sort(), ['goods-1', 'goods-2']);

      await favor.stocks._stock_id_.pause.post({ stock_creator_mchid: mchid }, { stock_id: stockId });
      const { data: paused } = await favor.stocks._stock_id_.get({ params: { stock_creator_mchid: mchid }, stock_id: stockId });
      assert.equal(paused.status, 'paused');
      await favor.stocks._stock_id_.restart.post({ stock_creator_mchid: mchid }, { stock_id: stockId });

      const trusted = certs(sb);
      const rx = await receiver(sb, trusted);
      try {
        const { data: cb } = await favor.callbacks.post({ mchid, notify_url: rx.url, switch: true });
        assert.equal(cb.notify_url, rx.url);

        // Image upload with the plugin's Multipart: the signature covers the `meta` JSON.
        const meta = { filename: 'logo.png', sha256: crypto.createHash('sha256').update(LOGO).digest('hex') };
        const form = new Multipart();
        form.append('meta', JSON.stringify(meta), 'meta.json');
        form.append('file', LOGO, 'logo.png');
        const { data: media } = await favor.media.imageUpload.post(form, { meta, headers: form.getHeaders() });
        const fetched = Buffer.from(await (await fetch(media.media_url)).arrayBuffer());
        assert.ok(fetched.equals(LOGO));

        const used = await sb.control('POST', '/sandbox/use', { coupon_id: couponId, openid: OPENID, order_amount: 3000 });
        assert.ok(used.notification_id);
        const waited = await Promise.race([rx.got.then(() => true), new Promise((r) => { setTimeout(() => r(false), 30_000).unref(); })]);
        assert.ok(waited, 'no COUPON.USE notification arrived');
        const [first] = rx.results;
        assert.ok(first.verified, 'the notification signature did not verify with the plugin\'s Rsa.verify');
        assert.equal(first.body.event_type, 'COUPON.USE');
        assert.equal(first.plain.coupon_id, couponId);
        assert.equal(first.plain.status, 'USED');
        assert.equal(first.plain.consume_information.transaction_id, used.transaction_id);
      } finally {
        rx.close();
      }

      const { data: flow } = await favor.stocks._stock_id_.useFlow.get({ stock_id: stockId });
      assert.ok(flow.url.startsWith(sb.baseUrl));
      assert.equal(flow.hash_type, 'SHA1');
    });

    it('the plugin\'s verifier refuses a key that did not sign, and an unknown serial', async () => {
      const mchid = sb.config.mchid;
      const id = Object.keys(certs(sb))[0];
      const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
        .export({ type: 'spki', format: 'pem' });
      const wrongKey = client(sb, { [id]: other });
      await assert.rejects(
        wrongKey.v3.marketing.favor.stocks.get({ params: { offset: 0, limit: 10, stock_creator_mchid: mchid } }),
        (e) => e.code === 'EV3_RES_HEADER_SIGNATURE_DIGEST',
      );
      const wrongSerial = client(sb, { PUB_KEY_ID_0000000000000000000000000000000000: other });
      await assert.rejects(
        wrongSerial.v3.marketing.favor.stocks.get({ params: { offset: 0, limit: 10, stock_creator_mchid: mchid } }),
        (e) => e.code === 'EV3_RES_HEADER_PLATFORM_SERIAL',
      );
    });

    it('a stock without no_cash is refused with a message that says to send false', async () => {
      const wxpay = client(sb);
      await assert.rejects(
        wxpay.v3.marketing.favor.couponStocks.post(await stockBody(sb, `nodenc${mode.slice(0, 3)}01`, undefined)),
        (e) => {
          assert.equal(e.response.status, 400);
          assert.equal(e.response.data.code, 'PARAM_ERROR');
          assert.match(e.response.data.message, /no_cash is required/);
          assert.match(e.response.data.message, /send false explicitly/);
          return true;
        },
      );
    });
  });
}
