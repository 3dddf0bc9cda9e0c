// The sandbox console in a real browser: headless Debian chromium driven by playwright-core.
//
// The test starts the sandbox binary, creates and starts a stock through the API (requests
// signed here with node:crypto by the APIv3 rules, responses verified with node:crypto), then
// in the console: sees the stock, advances the business clock, sends a coupon to a new test
// user, pays with it, sees the COUPON.USE delivery acknowledged by a local receiver, downloads
// the use-flow bill, sees the merchant page without any secret, and after a deliberately
// mis-signed request sees the expected-message diff. It saves a screenshot.

'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = process.env.WECHATPAY_SANDBOX_BIN
  || path.join(process.env.CARGO_TARGET_DIR || path.join(REPO, 'target'), 'debug', 'wechatpay-coupons');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SCREENSHOT = process.env.CONSOLE_SCREENSHOT || path.join(__dirname, '..', 'out', 'console.png');
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * The sandbox's clock starts ten seconds before midnight in Beijing (an injected time, so the run
 * does not depend on the hour); requests are signed on the sandbox's protocol clock.
 */
const START = '2026-12-31T23:59:50+08:00';

/** Starts `wechatpay-coupons sandbox --port 0 --dir D --bills-anytime --start-time START`. */
async function startSandbox() {
  assert.ok(fs.existsSync(BIN), `sandbox binary ${BIN} not built (cargo build -p wechatpay-coupons-cli --bin wechatpay-coupons)`);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'console-test-')), 'merchant');
  const proc = spawn(BIN, ['sandbox', '--port', '0', '--dir', dir, '--bills-anytime', '--start-time', START], {
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
  return { baseUrl, config, configPath, file, stop: () => proc.kill('SIGTERM') };
}

/** The sandbox's protocol time (what request timestamps must be near). */
async function protocolNow(sb) {
  const res = await fetch(`${sb.baseUrl}/sandbox/clock`);
  return (await res.json()).protocol_now;
}

/**
 * Sends an APIv3 request signed with node:crypto. `sent` is the body on the wire, `signed` the
 * body put in the signed message (the same unless a mis-signed request is wanted).
 */
async function api(sb, method, target, { sent = '', signed = sent } = {}) {
  const ts = await protocolNow(sb);
  const nonce = crypto.randomBytes(16).toString('hex');
  const message = `${method}\n${target}\n${ts}\n${nonce}\n${signed}\n`;
  const signature = crypto.sign('sha256', Buffer.from(message), sb.file('merchant_key_file')).toString('base64');
  const c = sb.config;
  const auth = `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchid}",nonce_str="${nonce}",signature="${signature}",`
    + `timestamp="${ts}",serial_no="${c.merchant_serial}"`;
  const res = await fetch(sb.baseUrl + target, {
    method,
    headers: { Authorization: auth, Accept: 'application/json', 'User-Agent': 'console-test', 'Content-Type': 'application/json' },
    body: method === 'GET' ? undefined : sent,
  });
  const text = await res.text();
  if (res.ok) {
    // The answer is signed with the WeChat Pay key: checked independently of our core.
    const h = res.headers;
    assert.equal(h.get('wechatpay-serial'), c.wechatpay_public_key_id);
    const signedOver = `${h.get('wechatpay-timestamp')}\n${h.get('wechatpay-nonce')}\n${text}\n`;
    const ok = crypto.verify('sha256', Buffer.from(signedOver), sb.file('wechatpay_public_key_file'),
      Buffer.from(h.get('wechatpay-signature'), 'base64'));
    assert.ok(ok, `${method} ${target}: response signature does not verify`);
  }
  return { status: res.status, json: text ? JSON.parse(text) : null, requestId: res.headers.get('request-id') };
}

function beijing(t) {
  return `${new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00`;
}

/** A notify_url on loopback that answers 200 and counts what arrives. */
async function startReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"code":"SUCCESS","message":"成功"}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/notify`, received, close: () => server.close() };
}

describe('sandbox console in headless chromium', () => {
  let sb;
  let receiver;
  let context;
  let page;
  let stockId;

  before(async () => {
    sb = await startSandbox();
    receiver = await startReceiver();
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 860 },
      acceptDownloads: true,
    });
    page = context.pages()[0] || await context.newPage();
  });

  after(async () => {
    if (context) await context.close();
    if (receiver) receiver.close();
    if (sb) sb.stop();
  });

  it('creates a callback and a started stock through the signed API', async () => {
    const mchid = sb.config.mchid;
    const cb = await api(sb, 'POST', '/v3/marketing/favor/callbacks', {
      sent: JSON.stringify({ mchid, notify_url: receiver.url, switch: true }),
    });
    assert.equal(cb.status, 200, JSON.stringify(cb.json));
    const now = await protocolNow(sb);
    const created = await api(sb, 'POST', '/v3/marketing/favor/coupon-stocks', {
      sent: JSON.stringify({
        stock_name: '控制台测试批次',
        belong_merchant: mchid,
        available_begin_time: beijing(now + 60),
        available_end_time: beijing(now + 7 * 86_400),
        stock_use_rule: { max_coupons: 10, max_amount: 1000, max_coupons_per_user: 2, natural_person_limit: false, prevent_api_abuse: false },
        coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 100, transaction_minimum: 1000 }, available_merchants: [mchid] },
        stock_type: 'NORMAL',
        no_cash: false,
        out_request_no: `console-${crypto.randomBytes(6).toString('hex')}`,
      }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    stockId = created.json.stock_id;
    const started = await api(sb, 'POST', `/v3/marketing/favor/stocks/${stockId}/start`, {
      sent: JSON.stringify({ stock_creator_mchid: mchid }),
    });
    assert.equal(started.status, 200, JSON.stringify(started.json));
  });

  it('shows the stock, and the clock advances from the Clock page', async () => {
    await page.goto(`${sb.baseUrl}/console/stocks`);
    const row = page.locator('tr', { hasText: stockId });
    await row.waitFor();
    assert.match(await row.innerText(), /RUNNING|running/i);
    assert.match(await row.innerText(), /控制台测试批次/);

    await page.getByRole('link', { name: 'Clock' }).click();
    await page.getByLabel('Seconds').fill('120');
    await page.getByRole('button', { name: 'Advance' }).click();
    assert.match(await page.locator('.flash').innerText(), /Business time is now/);
    assert.match(await page.locator('dd', { hasText: 's ahead' }).innerText(), /^120 s ahead/);
  });

  it('sends a coupon to a new test user and pays with it; the COUPON.USE delivery appears', async () => {
    await page.goto(`${sb.baseUrl}/console/stocks`);
    await page.getByRole('link', { name: stockId }).click();
    await page.getByRole('button', { name: 'Send a coupon to a new test user' }).click();
    assert.match(await page.locator('.flash').innerText(), /sent to new test user console-user-/);
    const coupon = page.locator('tr[id^="coupon-"]');
    assert.equal(await coupon.count(), 1);
    assert.equal((await coupon.locator('.coupon-state').innerText()).trim(), 'SENDED');

    await coupon.getByLabel('Order amount (fen)').fill('1500');
    await coupon.getByRole('button', { name: 'Pay with coupon' }).click();
    assert.match(await page.locator('.flash').innerText(), /COUPON\.USE notification EV-\d+ sent/);
    assert.equal((await page.locator('tr[id^="coupon-"] .coupon-state').innerText()).trim(), 'USED');

    await page.getByRole('link', { name: 'Notifications' }).click();
    const event = page.locator('section.delivery', { hasText: 'COUPON.USE' });
    for (let i = 0; i < 50 && !(await event.innerText()).includes('acknowledged'); i += 1) {
      await page.waitForTimeout(100);
      await page.reload();
    }
    const text = await event.innerText();
    assert.match(text, /acknowledged/);
    assert.match(text, /HTTP 200/);
    assert.match(text, /\d+ ms/);
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0].event_type, 'COUPON.USE');

    await event.getByRole('button', { name: /^Redeliver / }).click();
    assert.match(await page.locator('.flash').innerText(), /being delivered again/);
    for (let i = 0; i < 50 && receiver.received.length < 2; i += 1) await page.waitForTimeout(100);
    assert.equal(receiver.received.length, 2);
  });

  it('downloads the use-flow bill and shows the merchant without secrets', async () => {
    await page.getByRole('link', { name: 'Bills' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('tr', { hasText: stockId }).getByRole('link', { name: 'use flow' }).click(),
    ]);
    const bill = fs.readFileSync(await download.path(), 'utf8');
    assert.match(bill, new RegExp(stockId));

    await page.getByRole('link', { name: 'Merchant' }).click();
    const html = await page.content();
    assert.ok(html.includes(sb.config.mchid) && html.includes(sb.config.wechatpay_public_key_id));
    assert.ok(html.includes(sb.configPath), 'the page says where merchant.json is');
    assert.ok(!/PRIVATE KEY/.test(html), 'no private key on the page');
    assert.ok(!html.includes(sb.file('apiv3_key_file').trim()), 'no APIv3 key on the page');
  });

  it('shows the expected-message diff for a mis-signed request', async () => {
    const mchid = sb.config.mchid;
    // Sent with Python-style spacing, signed compact: the signature is over other bytes.
    const sent = `{"mchid": "${mchid}", "notify_url": "${receiver.url}"}`;
    const bad = await api(sb, 'POST', '/v3/marketing/favor/callbacks', { sent, signed: JSON.stringify(JSON.parse(sent)) });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.code, 'SIGN_ERROR');

    await page.getByRole('link', { name: 'Requests' }).click();
    await page.getByLabel('Endpoint').fill('POST /v3/marketing/favor/callbacks');
    await page.getByLabel('Status').selectOption('SIGN_ERROR');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('tbody tr.request');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), new RegExp(bad.requestId));
    assert.match(await rows.first().innerText(), /signature over a different message/);
    const row = page.locator('tbody tr.diag');
    assert.match(await row.locator('.variant').innerText(), /^body-compact$/);
    // The differing bytes: the three spaces sent (expected), none in what was signed.
    assert.deepEqual(await row.locator('mark.expected').allInnerTexts(), [' ', ' ', ' ']);
    assert.equal(await row.locator('mark.signed').count(), 0);
    assert.match(await row.locator('.diff').innerText(), new RegExp(`\\{"mchid":"${mchid}","notify_url"`));

    // Unfiltered, the API requests are all there, newest first.
    await page.getByRole('link', { name: 'Clear' }).click();
    const all = await page.locator('tbody tr.request td:first-child').allInnerTexts();
    assert.ok(all.length >= 4);
    assert.deepEqual(all.map(Number), [...all.map(Number)].sort((a, b) => b - a));

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    assert.ok(fs.statSync(SCREENSHOT).size > 10_000);

    // Keyboard: the Tab stops start with the navigation's real links, and Enter follows one.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Requests');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Stocks');
    await Promise.all([page.waitForURL('**/console/stocks'), page.keyboard.press('Enter')]);
  });
});
