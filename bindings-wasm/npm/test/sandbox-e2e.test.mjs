// End to end against the sandbox over real HTTP with the global fetch: every operation of the
// catalogue through its typed method, a node:http notification receiver (the example's), a
// COUPON.USE triggered by a simulated payment, bills streamed from fetch's body, image upload,
// API errors, certificate refresh, and the examples run as written.
//
// The sandbox is `target/debug/wechatpay-coupons sandbox --port 0` (WECHATPAY_SANDBOX_BIN to use
// another binary). Times come from the sandbox's clocks, never from the wall clock: stock times
// from its business clock (Beijing time), request timestamps from its protocol clock, and bills
// become available by moving the business clock forward, so the test passes at any hour.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  acknowledgement, ApiError, BillError, Client, parseBill, ProbeSignatureError, retryAdvice, SignatureError, ValidationError,
  verifyBill, VerifiedBill,
} from '../src/index.js';
import {
  beijing, EXAMPLES_DIR, exampleWorkspace, fetchSend, LOGO, nextDay10am, Sandbox, sandboxMissing,
} from './sandbox-helpers.mjs';

const missing = sandboxMissing();
const EVERY_OPERATION = Client.operations.map((o) => o.name);

/** Waits until `check()` is truthy (polling; bounded by a monotonic deadline). */
async function until(check, what, ms = 15_000) {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `node file args…` in `cwd`; resolves to `{code, stdout, stderr}`. */
function runNode(file, args, cwd, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [file, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Injected sandbox clocks at the edges of the day in Beijing: the main run starts ten seconds
 * before midnight, the certificate run five seconds before 10:00 (the demo once failed from 00:00
 * to 09:59 Beijing time). Our clients run on the sandbox's clock. The examples read the wall
 * clock, as a merchant's code does, so they run against a second sandbox on real time.
 */
const MIDNIGHT = '2026-12-31T23:59:50+08:00';
const TEN_AM = '2027-01-01T09:59:55+08:00';

describe('sandbox end to end (fetch)', { skip: missing ?? false }, () => {
  let sb;
  let wall;
  let work;
  let examples;
  let appid;

  before(async () => {
    sb = await Sandbox.start({ args: ['--start-time', MIDNIGHT] });
    wall = await Sandbox.start();
    appid = JSON.parse(readFileSync(sb.config, 'utf8')).appid;
    work = exampleWorkspace();
    examples = {
      notify: await import(pathToFileURL(join(work, 'notify-server.mjs')).href),
    };
  });
  after(async () => {
    await sb?.stop();
    await wall?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A client for the merchant of sandbox `on` on that sandbox's protocol clock. */
  async function sandboxClient(overrides = {}, on = sb) {
    return Client.fromConfig(on.dir, { now: await on.clientClock(), ...overrides });
  }

  test('the sandbox and our clients run on the injected clock', async () => {
    const start = Date.parse(MIDNIGHT) / 1000;
    const { business, protocol } = await sb.clock();
    assert.ok(business >= start && business < start + 600, String(business));
    assert.ok(protocol >= start && protocol < start + 600, String(protocol));
    const c = await sandboxClient();
    assert.ok(c.now() >= start && c.now() < start + 600, String(c.now()));
  });

  test('every operation of the catalogue, notifications and bills', async () => {
    const client = await sandboxClient();
    const mchid = client.mchid;
    const used = new Set();
    /** Sends a typed request with fetch and parses it with the matching typed parser. */
    const call = async (req) => {
      assert.ok(req.operation, 'typed methods tag their request');
      used.add(req.operation);
      const res = await fetch(req.url, req);
      const body = new Uint8Array(await res.arrayBuffer());
      const parser = `parse${req.operation.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase())}`;
      return client[parser](res.status, res.headers, body);
    };

    const logo = (await call(client.uploadImage(LOGO, 'logo.png'))).media_url;
    assert.match(logo, /^https?:\/\//);
    // the uploaded image is served back byte for byte
    const served = await fetch(logo.replace(/^https?:\/\/[^/]+/, sb.baseUrl));
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), LOGO);

    const { business } = await sb.clock();
    const end = business + 7 * 86400;
    const stockFields = () => ({
      stock_name: '沙盒满25减1',
      belong_merchant: mchid,
      available_begin_time: beijing(business),
      available_end_time: beijing(end),
      stock_use_rule: {
        max_coupons: 100, max_amount: 10000, max_amount_by_day: 5000, max_coupons_per_user: 2,
        natural_person_limit: false, prevent_api_abuse: false,
      },
      pattern_info: { description: '满 25 元减 1 元', merchant_logo: logo, background_color: 'COLOR020' },
      coupon_use_rule: {
        fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 2500 },
        available_merchants: [mchid],
      },
      no_cash: false,
      stock_type: 'NORMAL',
      out_request_no: client.outRequestNo(),
    });

    const stock = await call(client.createStock(stockFields()));
    const stockId = stock.stock_id;
    assert.match(stockId, /^\d+$/);
    assert.equal((await call(client.startStock({ stock_id: stockId, stock_creator_mchid: mchid }))).stock_id, stockId);

    const events = [];
    const receiver = await examples.notify.serve(client, (e) => { events.push(e); });
    const notifyUrl = `http://127.0.0.1:${receiver.address().port}/wechatpay/notify`;
    const coupons = [];
    let transaction0;
    let coupon0;
    let openid0;
    try {
      const cb = await call(client.setCallback({ mchid, notify_url: notifyUrl, switch: true }));
      assert.equal(cb.notify_url, notifyUrl);
      assert.equal((await call(client.getCallback({ mchid }))).notify_url, notifyUrl);

      let last;
      for (let i = 0; i < 3; i++) {
        const openid = `oPyFetchUser${String(i).padStart(4, '0')}`;
        last = client.sendCoupon({ stock_id: stockId, out_request_no: client.outRequestNo(), appid, stock_creator_mchid: mchid, openid });
        coupons.push([openid, (await call(last)).coupon_id]);
      }
      // a retry re-signs the same request: same out_request_no, same coupon
      const again = client.resign(last);
      assert.notEqual(again.headers.Authorization, last.headers.Authorization);
      assert.equal((await call(again)).coupon_id, coupons[2][1]);
      [openid0, coupon0] = coupons[0];

      const got = await call(client.getStock({ stock_id: stockId, stock_creator_mchid: mchid }));
      assert.equal(got.stock_id, stockId);
      assert.equal(got.distributed_coupons, 3);
      const c = await call(client.getCoupon({ openid: openid0, coupon_id: coupon0, appid }));
      assert.equal(c.status, 'SENDED');
      assert.equal(c.stock_id, stockId);

      const page = await call(client.listUserCoupons({ openid: openid0, appid, creator_mchid: mchid, offset: 0, limit: 10 }));
      assert.equal(page.total_count, 1);
      const userPages = [];
      for await (const p of client.pages('list_user_coupons', { openid: openid0, appid, creator_mchid: mchid, offset: 0, limit: 1 }, fetchSend)) {
        userPages.push(p);
      }
      used.add('list_user_coupons');
      assert.deepEqual(userPages.flatMap((p) => p.data.map((x) => x.coupon_id)), [coupon0]);

      const stocks = await call(client.listStocks({ offset: 0, limit: 10, stock_creator_mchid: mchid }));
      assert.ok(stocks.data.some((s) => s.stock_id === stockId));
      // pages() with fetch Responses as they are: one stock per page until the end
      const ids = [];
      for await (const p of client.pages('list_stocks', { offset: 0, limit: 1, stock_creator_mchid: mchid }, (req) => fetch(req.url, req))) {
        assert.ok(p.data.length <= 1);
        ids.push(...p.data.map((s) => s.stock_id));
      }
      assert.equal(ids.length, stocks.total_count);
      assert.ok(ids.includes(stockId));

      const merchants = await call(client.listStockMerchants({ stock_id: stockId, stock_creator_mchid: mchid, offset: 0, limit: 10 }));
      assert.ok(Array.isArray(merchants.data ?? []));
      const mod = await call(client.modifyItemCodes({ stock_id: stockId, stock_creator_mchid: mchid, add_goods_id_list: ['sku-1', 'sku-2'] }));
      assert.equal(mod.stock_id, stockId);
      assert.equal(typeof mod.effect_time, 'string');
      const items = await call(client.listStockItems({ stock_id: stockId, stock_creator_mchid: mchid, offset: 0, limit: 10 }));
      assert.ok(JSON.stringify(items).includes('sku-2'), JSON.stringify(items));

      await call(client.pauseStock({ stock_id: stockId, stock_creator_mchid: mchid }));
      await assert.rejects(
        call(client.sendCoupon({ stock_id: stockId, out_request_no: client.outRequestNo(), appid, stock_creator_mchid: mchid, openid: 'oLate' })),
        (e) => {
          assert.ok(e instanceof ApiError, String(e));
          assert.ok(e.status >= 400 && e.status < 500);
          assert.ok(e.wechatpayCode);
          assert.ok(e.requestId);
          assert.equal(e.retryable, false);
          assert.equal(retryAdvice(e, 1).retry, false);
          return true;
        },
      );
      await call(client.restartStock({ stock_id: stockId, stock_creator_mchid: mchid }));

      // a simulated payment with coupon 0: the sandbox notifies our receiver
      const paid = await sb.post('/sandbox/use', { coupon_id: coupon0, openid: openid0, order_amount: 3000 });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      transaction0 = paid.body.transaction_id;
      await until(() => events.length > 0, 'a verified COUPON.USE notification');
      const ev = events[0];
      assert.equal(ev.eventType, 'COUPON.USE');
      assert.equal(ev.resourceType, 'encrypt-resource');
      assert.equal(ev.resource.coupon_id, coupon0);
      assert.equal(ev.resource.stock_id, stockId);
      assert.equal(ev.resource.status, 'USED');
      assert.equal(ev.resource.consume_information.transaction_id, paid.body.transaction_id);
      assert.equal(ev.id, paid.body.notification_id);
      assert.ok(client.trustedKeys().includes(ev.keyId));
      assert.equal(JSON.parse(ev.plaintext).coupon_id, coupon0);
      // the receiver's acknowledgement reached the sandbox
      await until(async () => (await sb.get('/sandbox/notifications')).data.some((d) => d.acknowledged), 'the acknowledgement');
      assert.equal((await call(client.getCoupon({ openid: openid0, coupon_id: coupon0, appid }))).status, 'USED');

      // a forged notification gets the failure acknowledgement
      const forged = await fetch(notifyUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"x"}' });
      const forgedBody = await forged.text();
      assert.deepEqual({ status: forged.status, body: forgedBody }, (({ status, body }) => ({ status, body }))(acknowledgement(new SignatureError('x'))));
      assert.notEqual(forged.status, 200);
      assert.equal(events.length, 1);
    } finally {
      receiver.close();
    }

    // coupon 1 is used then refunded: one use-flow row for each use, one refund-flow row
    const [openid1, coupon1] = coupons[1];
    const used1 = await sb.post('/sandbox/use', { coupon_id: coupon1, openid: openid1, order_amount: 2600 });
    assert.equal(used1.status, 200);
    const refunded = await sb.post('/sandbox/refund', { coupon_id: coupon1 });
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));

    // stop applies to a stock that was never started
    const spare = (await call(client.createStock(stockFields()))).stock_id;
    assert.equal((await call(client.stopStock({ stock_id: spare, stock_creator_mchid: mchid }))).stock_id, spare);

    // Bills exist from 10:00 Beijing time of the day after the stock ends: move the business
    // clock a minute past that, from wherever it is now.
    const { business: nowB } = await sb.clock();
    const advanced = await sb.post('/sandbox/clock/advance', { seconds: Math.max(0, nextDay10am(end) + 60 - nowB) });
    assert.equal(advanced.status, 200, JSON.stringify(advanced.body));
    assert.equal((await call(client.getStock({ stock_id: stockId, stock_creator_mchid: mchid }))).status, 'stoped');

    const bill = async (operation, kind) => {
      const req = kind === 'use_flow' ? client.useFlow({ stock_id: stockId }) : client.refundFlow({ stock_id: stockId });
      const download = await call(req);
      assert.equal(download.hash_type, 'SHA1');
      // pass 1: the digest, streamed from fetch's ReadableStream
      const get = client.billFileRequest(download);
      const first = await fetch(get.url, get);
      assert.equal(first.status, 200);
      const verified = await verifyBill(download, first.body);
      assert.ok(verified instanceof VerifiedBill);
      assert.equal(verified.sha1, download.hash_value.toLowerCase());
      // pass 2: a second download, parsed row by row from the stream
      const again = client.billFileRequest(download);
      const second = await fetch(again.url, again);
      const rows = parseBill(verified, second.body, { kind });
      const out = [];
      for await (const row of rows) out.push(row);
      assert.ok(rows.summary, `${operation} has a summary`);
      // a changed byte fails the digest
      const { body: bytes } = await fetchSend(client.billFileRequest(download));
      assert.equal(bytes.length, verified.length);
      bytes[bytes.length - 2] ^= 1;
      await assert.rejects(verifyBill(download, [bytes.subarray(0, 7), bytes.subarray(7)]), (e) => {
        assert.ok(e instanceof BillError, String(e));
        assert.equal(e.code, 'bill.hash_mismatch');
        return true;
      });
      return out;
    };
    const useRows = await bill('use_flow', 'use_flow');
    const row = (r) => [r.stock_id, r.coupon_id, r.transaction_id, r.order_amount, r.discount_amount];
    assert.deepEqual(useRows.map(row), [
      [stockId, coupon0, transaction0, 3000, 100],
      [stockId, coupon1, used1.body.transaction_id, 2600, 100],
    ]);
    const refundRows = await bill('refund_flow', 'refund_flow');
    assert.deepEqual(refundRows.map(row), [[stockId, coupon1, used1.body.transaction_id, 2600, 100]]);
    assert.equal(refundRows[0].refund_id, refunded.body.refund_id);

    assert.deepEqual([...used].sort(), [...EVERY_OPERATION].sort(), 'every operation of the catalogue was called');
  });

  test('validation refuses before signing; nothing is sent', async () => {
    const client = await sandboxClient();
    assert.throws(() => client.createStock({ stock_name: '', out_request_no: 'bad no!' }), (e) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.code, 'validation.violations');
      assert.ok(e.violations.length > 1);
      for (const v of e.violations) for (const k of ['field', 'rule', 'message', 'issue']) assert.ok(k in v, k);
      return true;
    });
    assert.throws(() => client.getStock({ stock_id: '1', stock_creator_mchid: client.mchid, stok_typo: 'x' }), (e) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.violations[0].rule, 'unknown_field');
      assert.equal(e.violations[0].field, 'stok_typo');
      return true;
    });
  });

  test('API errors: status, WeChat Pay code, detail and Request-ID', async () => {
    const client = await sandboxClient();
    const req = client.getStock({ stock_id: '999999999', stock_creator_mchid: client.mchid });
    const res = await fetchSend(req);
    assert.throws(() => client.parseGetStock(res.status, res.headers, res.body), (e) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 404);
      assert.equal(e.wechatpayCode, 'RESOURCE_NOT_EXISTS');
      assert.equal(e.requestId, res.headers.get('request-id'));
      assert.equal(e.retryable, false);
      assert.equal(e.kind, 'api');
      return true;
    });
    // A body the core's rules would refuse, sent with the raw signed request: the server's
    // PARAM_ERROR comes back with the field in `detail`.
    const raw = client.request('POST', '/v3/marketing/favor/coupon-stocks', { stock_name: 'x' });
    const bad = await fetchSend(raw);
    assert.throws(() => client.parseResponse(bad.status, bad.headers, bad.body), (e) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.wechatpayCode, 'PARAM_ERROR');
      assert.ok(e.requestId);
      assert.equal(e.requestId, bad.headers.get('request-id'));
      assert.equal(e.code, 'api.param_error');
      assert.equal(e.detail.field, 'belong_merchant');
      assert.equal(e.detail.location, 'body');
      assert.match(e.apiMessage, /V-CS-10/);
      assert.equal(e.retryable, false);
      return true;
    });
  });

  test('a tampered or re-serialised response is rejected', async () => {
    const client = await sandboxClient();
    const res = await fetchSend(client.listStocks({ offset: 0, limit: 10, stock_creator_mchid: client.mchid }));
    const text = Buffer.from(res.body).toString('utf8');
    assert.ok(client.parseListStocks(res.status, res.headers, res.body).data);
    assert.throws(() => client.parseListStocks(res.status, res.headers, text.replace('total_count', 'total_coun ')), SignatureError);
    assert.throws(() => client.parseListStocks(res.status, res.headers, JSON.stringify(JSON.parse(text), null, 1)), SignatureError);
  });

  test('Client.fromConfig: the folder or its merchant.json; overrides win', async () => {
    const cfg = JSON.parse(readFileSync(wall.config, 'utf8'));
    const fromDir = Client.fromConfig(wall.dir); // the default clock: real time, as the sandbox `wall`
    const fromFile = Client.fromConfig(wall.config);
    for (const c of [fromDir, fromFile]) {
      assert.equal(c.mchid, cfg.mchid);
      assert.equal(c.merchantSerial, cfg.merchant_serial);
      assert.equal(c.baseUrl, cfg.base_url);
      assert.ok(c.trustedKeys().includes(cfg.wechatpay_public_key_id));
    }
    // the default clock works against the sandbox too (its protocol clock is real time)
    const page = await fromDir.call('list_stocks', { offset: 0, limit: 10, stock_creator_mchid: cfg.mchid }, fetchSend);
    assert.equal(typeof page.total_count, 'number');
    const fixed = Client.fromConfig(wall.dir, { now: 1_800_000_000 });
    assert.equal(fixed.now(), 1_800_000_000);
    // no key material in what a client shows
    const shown = `${JSON.stringify(fromDir)} ${String(fromDir)}`;
    const apiv3 = readFileSync(join(wall.dir, cfg.apiv3_key_file), 'utf8').trim();
    assert.ok(!shown.includes(apiv3));
    assert.ok(!shown.includes('PRIVATE KEY'));
  });

  test('examples/node/campaign.mjs runs as written', async () => {
    const out = await runNode(join(work, 'campaign.mjs'), [wall.dir], work);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    assert.match(out.stdout, /^created stock \d+$/m);
    assert.match(out.stdout, /^sent coupon (\d+)$/m);
    assert.match(out.stdout, /^stock: running 1 distributed$/m);
    assert.match(out.stdout, /^stocks of this merchant: [1-9]\d*$/m);
    const couponId = out.stdout.match(/^sent coupon (\d+)$/m)[1];
    assert.match(out.stdout, new RegExp(`^notification COUPON\\.USE ${couponId} USED$`, 'm'));
  });

  /** Starts a receiver example as its own process; runs a use against it; returns what it printed. */
  async function receiverExample(file) {
    const p = spawn(process.execPath, [join(work, file), wall.dir, '0'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => { stderr += d; });
    const lines = [];
    const rl = createInterface({ input: p.stdout });
    rl.on('line', (l) => lines.push(l));
    try {
      const url = (await until(() => lines.find((l) => l.startsWith('listening on ')), `${file} to listen`)).slice('listening on '.length);
      const client = await sandboxClient({}, wall);
      const mchid = client.mchid;
      const call = async (req) => client.parse(req.operation, ...Object.values(await fetchSend(req)));
      await call(client.setCallback({ mchid, notify_url: url, switch: true }));
      const { business } = await wall.clock();
      const stock = await call(client.createStock({
        stock_name: '接收示例', belong_merchant: mchid,
        available_begin_time: beijing(business), available_end_time: beijing(business + 86400),
        stock_use_rule: { max_coupons: 10, max_amount: 1000, max_amount_by_day: 1000, max_coupons_per_user: 1, natural_person_limit: false, prevent_api_abuse: false },
        pattern_info: { description: '满 25 元减 1 元' },
        coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 2500 }, available_merchants: [mchid] },
        no_cash: false, stock_type: 'NORMAL', out_request_no: client.outRequestNo(),
      }));
      await call(client.startStock({ stock_id: stock.stock_id, stock_creator_mchid: mchid }));
      const openid = `oReceiver${file.length}`;
      const wallAppid = JSON.parse(readFileSync(wall.config, 'utf8')).appid;
      const { coupon_id: couponId } = await call(client.sendCoupon({ openid, stock_id: stock.stock_id, appid: wallAppid, stock_creator_mchid: mchid, out_request_no: client.outRequestNo() }));
      const paid = await wall.post('/sandbox/use', { coupon_id: couponId, openid, order_amount: 3000 });
      assert.equal(paid.status, 200);
      await until(() => lines.includes(`coupon used: ${couponId} USED`), `${file} to print the event (${stderr})`);
      await until(async () => (await wall.get('/sandbox/notifications')).data.some((d) => d.id === paid.body.notification_id && d.acknowledged), 'the acknowledgement');
      return lines;
    } finally {
      p.kill();
    }
  }

  test('examples/node/notify-server.mjs receives a COUPON.USE', async () => {
    await receiverExample('notify-server.mjs');
  });

  test('examples/node/express-notify.mjs receives a COUPON.USE', { skip: existsSync(join(EXAMPLES_DIR, 'node_modules', 'express')) ? false : 'express not installed (npm ci --prefix examples/node)' }, async () => {
    await receiverExample('express-notify.mjs');
  });
});

describe('sandbox in certificate mode (fetch)', { skip: missing ?? false }, () => {
  test('bootstrap: download the platform certificates, trust on first use, then call', async () => {
    const sb = await Sandbox.start({ mode: 'certificate', args: ['--start-time', TEN_AM] });
    try {
      const cfg = JSON.parse(readFileSync(sb.config, 'utf8'));
      const file = (k) => readFileSync(join(sb.dir, cfg[k]), 'utf8');
      const client = new Client({
        mchid: cfg.mchid,
        merchantSerial: cfg.merchant_serial,
        privateKey: file('merchant_key_file'),
        apiv3Key: file('apiv3_key_file').trim(),
        baseUrl: sb.baseUrl,
        now: await sb.clientClock(),
      });
      assert.deepEqual(client.trustedKeys(), []);
      const res = await fetchSend(client.certificatesRequest());
      const update = client.applyCertificatesResponse(res.status, res.headers, res.body);
      assert.equal(update.trustOnFirstUse, true);
      assert.ok(update.added.length >= 1);
      assert.ok(update.refreshAt > client.now());
      assert.deepEqual(update.certificates.map((c) => c.serial), update.added);
      for (const c of update.certificates) {
        assert.ok(c.notBefore <= client.now() && client.now() < c.notAfter);
        assert.match(c.pem, /^-----BEGIN CERTIFICATE-----/);
      }
      const page = await client.call('list_stocks', { offset: 0, limit: 10, stock_creator_mchid: cfg.mchid }, fetchSend);
      assert.ok(Array.isArray(page.data ?? []));
      const enc = client.encryptSensitive('13800138000');
      assert.ok(client.trustedKeys().includes(enc.serial));
      assert.equal(client.requestSerial(), enc.serial);
    } finally {
      await sb.stop();
    }
  });
});

describe('sandbox sending probe signatures (fetch)', { skip: missing ?? false }, () => {
  test('a WECHATPAY/SIGNTEST/ response is a ProbeSignatureError; a probed notification is refused', async () => {
    const sb = await Sandbox.start({ args: ['--probe-rate', '1', '--start-time', MIDNIGHT] });
    let receiver;
    try {
      const client = Client.fromConfig(sb.dir, { now: await sb.clientClock() });
      const mchid = client.mchid;
      const res = await fetchSend(client.listStocks({ offset: 0, limit: 10, stock_creator_mchid: mchid }));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('wechatpay-signature'), /^WECHATPAY\/SIGNTEST\//);
      assert.throws(() => client.parseListStocks(res.status, res.headers, res.body), (e) => {
        assert.ok(e instanceof ProbeSignatureError, String(e));
        assert.ok(e instanceof SignatureError);
        assert.equal(e.code, 'verify.probe');
        assert.equal(retryAdvice(e, 1).retry, false);
        return true;
      });
      // Every answer is a probe, so the set-up calls are checked by status only.
      const work = exampleWorkspace('wc-probe-');
      try {
        const { serve } = await import(pathToFileURL(join(work, 'notify-server.mjs')).href);
        const events = [];
        receiver = await serve(client, (e) => { events.push(e); });
        const notifyUrl = `http://127.0.0.1:${receiver.address().port}/wechatpay/notify`;
        const status = async (req) => (await fetchSend(req)).status;
        assert.equal(await status(client.setCallback({ mchid, notify_url: notifyUrl, switch: true })), 200);
        const { business } = await sb.clock();
        const created = await fetchSend(client.createStock({
          stock_name: '探测签名', belong_merchant: mchid,
          available_begin_time: beijing(business), available_end_time: beijing(business + 86400),
          stock_use_rule: { max_coupons: 10, max_amount: 1000, max_amount_by_day: 1000, max_coupons_per_user: 1, natural_person_limit: false, prevent_api_abuse: false },
          pattern_info: { description: '满 25 元减 1 元' },
          coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 2500 }, available_merchants: [mchid] },
          no_cash: false, stock_type: 'NORMAL', out_request_no: client.outRequestNo(),
        }));
        assert.equal(created.status, 200);
        const stockId = JSON.parse(Buffer.from(created.body).toString('utf8')).stock_id;
        assert.equal(await status(client.startStock({ stock_id: stockId, stock_creator_mchid: mchid })), 200);
        const appid = JSON.parse(readFileSync(sb.config, 'utf8')).appid;
        const sent = await fetchSend(client.sendCoupon({ openid: 'oProbeUser', stock_id: stockId, appid, stock_creator_mchid: mchid, out_request_no: client.outRequestNo() }));
        const couponId = JSON.parse(Buffer.from(sent.body).toString('utf8')).coupon_id;
        const paid = await sb.post('/sandbox/use', { coupon_id: couponId, openid: 'oProbeUser', order_amount: 3000 });
        assert.equal(paid.status, 200);
        // the receiver refused the probed delivery with the failure acknowledgement
        const attempt = await until(async () => {
          const d = (await sb.get('/sandbox/notifications')).data.find((x) => x.id === paid.body.notification_id);
          return d && d.attempts.length > 0 ? d.attempts[0] : null;
        }, 'a delivery attempt');
        assert.equal(attempt.probe, true);
        assert.equal(attempt.status, acknowledgement(new ProbeSignatureError('probe')).status);
        assert.notEqual(attempt.status, 200);
        assert.equal(events.length, 0);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    } finally {
      receiver?.close();
      await sb.stop();
    }
  });
});
