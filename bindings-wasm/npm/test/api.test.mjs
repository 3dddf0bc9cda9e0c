// The Node API surface: custom signer, header and body shapes, paging, resign, retry advice,
// acknowledgements, notification envelopes, bills, the injected clock and the APIv2 plugin
// signatures. Mirrors bindings-python/tests/test_unit.py (and parts of test_hostile.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, createPrivateKey, createPublicKey, sign as rsaSignRaw, verify } from 'node:crypto';
import {
  ApiError, BACKUP_BASE_URL, BillError, Client, DecodeError, DecryptError, KeyConfigError, PRIMARY_BASE_URL, ProbeSignatureError,
  SignatureError, SignerError, ValidationError, VerifiedBill, WechatPayError, acknowledgement, h5CouponUrl, parseBill, pluginSign,
  retryAdvice, v2HmacSign, verifyBill, verifyV2Hmac,
} from '../src/index.js';
import { join } from 'node:path';
import { CORPUS, caseNamed, clientFor, gcmSeal, keyText, keysJson, pubkeyOptions, readJson, utf8, wechatpayHeaders } from './helpers.mjs';

const k = keysJson();
const T = 1795744800;
const merchantPriv = createPrivateKey(keyText('merchant_key.pem'));
const merchantPub = createPublicKey(merchantPriv);
const CERTS_URL = 'https://api.mch.weixin.qq.com/v3/certificates';

/** The fields of an Authorization header. */
const authFields = (auth) => Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));

/** Checks a signed request's Authorization with node:crypto over the exact message. */
function assertSignedRequest(req) {
  const f = authFields(req.headers.Authorization);
  const url = new URL(req.url);
  const message = Buffer.concat([
    Buffer.from(`${req.method}\n${url.pathname}${url.search}\n${f.timestamp}\n${f.nonce_str}\n`), Buffer.from(req.body ?? []), Buffer.from('\n'),
  ]);
  assert.ok(verify('sha256', message, merchantPub, Buffer.from(f.signature, 'base64')), 'Authorization does not verify');
  return f;
}

// --- custom signer ---

test('custom signer: gets the exact message, returns bytes; same result as the key', () => {
  const seen = [];
  const signer = (message) => {
    assert.ok(message instanceof Uint8Array);
    seen.push(Buffer.from(message).toString());
    return new Uint8Array(rsaSignRaw('sha256', message, merchantPriv));
  };
  const c = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, signer, now: T, nonce: 'N' });
  const s = c.sign('GET', CERTS_URL);
  assert.deepEqual(seen, [s.message]);
  const ref = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: keyText('merchant_key.pem'), now: T, nonce: 'N' });
  assert.deepEqual(ref.sign('GET', CERTS_URL), s);
  assert.equal(c.toJSON().signer, 'custom');
  // a Buffer is a Uint8Array too
  const b = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, signer: (m) => rsaSignRaw('sha256', m, merchantPriv), now: T, nonce: 'N' });
  assert.equal(b.sign('GET', CERTS_URL).signature, s.signature);
});

test('custom signer: a throwing signer → SignerError whose cause is what it threw', () => {
  const boom = new Error('HSM offline');
  const c = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, signer: () => { throw boom; } });
  assert.throws(() => c.getStock({ stock_id: '1', stock_creator_mchid: k.mchid }), (e) => {
    assert.ok(e instanceof SignerError && e instanceof WechatPayError, `${e.name}: ${e.message}`);
    assert.equal(e.cause, boom);
    assert.equal(e.kind, 'signer');
    assert.ok(e.code.startsWith('signer.'), e.code);
    return true;
  });
  // and again: each failure carries its own cause
  assert.throws(() => c.sign('GET', CERTS_URL), (e) => e instanceof SignerError && e.cause === boom);
});

test('custom signer: a base64 string (not bytes) → SignerError', () => {
  const good = rsaSignRaw('sha256', Buffer.from('x'), merchantPriv).toString('base64');
  const c = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, signer: () => good });
  assert.throws(() => c.sign('GET', 'https://x.example/v3/a'), (e) => e instanceof SignerError && e.kind === 'signer');
  const n = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, signer: () => undefined });
  assert.throws(() => n.sign('GET', CERTS_URL), SignerError);
});

// --- header and body shapes ---

test('headers: fetch Headers, plain object, IncomingHttpHeaders, pairs and Map all verify', () => {
  const v = caseNamed('verify-ok-public-key');
  const c = clientFor(Client, v);
  const lower = Object.fromEntries(Object.entries(v.headers).map(([n, x]) => [n.toLowerCase(), x]));
  const shapes = {
    object: v.headers,
    headers: new Headers(v.headers),
    incoming: { ...lower, 'set-cookie': ['a=1', 'b=2'], connection: 'keep-alive' },
    pairs: Object.entries(v.headers),
    map: new Map(Object.entries(v.headers)),
  };
  for (const [name, h] of Object.entries(shapes)) {
    const out = c.parseResponse(200, h, v.body);
    assert.equal(out.keyId, v.expected.key_id, name);
  }
  // a wrong signature in each shape fails the same way
  const bad = { ...v.headers, 'Wechatpay-Nonce': 'other' };
  for (const h of [bad, new Headers(bad), Object.entries(bad)]) {
    assert.throws(() => c.parseResponse(200, h, v.body), (e) => e.code === 'verify.bad_signature');
  }
  assert.throws(() => c.parseResponse(200, 42, v.body), (e) => e instanceof ValidationError && e.violations[0].field === 'headers');
});

test('bodies: Buffer, ArrayBuffer, string, Uint8Array, DataView and offset views are the same bytes', () => {
  const v = caseNamed('verify-ok-public-key');
  const c = clientFor(Client, v);
  const raw = utf8(v.body);
  const padded = new Uint8Array(raw.length + 8);
  padded.set(raw, 5);
  const shapes = {
    buffer: Buffer.from(v.body),
    arrayBuffer: raw.slice().buffer,
    string: v.body,
    uint8: raw,
    dataView: new DataView(padded.buffer, 5, raw.length),
    view: padded.subarray(5, 5 + raw.length),
  };
  for (const [name, body] of Object.entries(shapes)) {
    assert.deepEqual(c.parseResponse(200, v.headers, body).data, JSON.parse(v.body), name);
  }
  // the whole padded buffer is not the body
  assert.throws(() => c.parseResponse(200, v.headers, padded), SignatureError);
  assert.throws(() => c.parseResponse(200, v.headers, 12345), (e) => e instanceof ValidationError && e.violations[0].field === 'body');
});

test('request bodies: signed bytes are the bytes sent, in every shape', () => {
  const c = new Client(pubkeyOptions());
  for (const body of ['{"a":"中文"}', Buffer.from('{"a":"中文"}'), utf8('{"a":"中文"}').buffer, { a: '中文' }]) {
    const req = c.request('POST', '/v3/marketing/favor/x', body);
    assert.equal(Buffer.from(req.body).toString(), '{"a":"中文"}');
    assertSignedRequest(req);
  }
});

// --- paging ---

// One stock as the corpus's list_stocks response has it (the fake server varies id and name).
const STOCK = JSON.parse(readJson(join(CORPUS, 'responses.json')).cases.find((x) => x.name === 'list_stocks').body).data[0];

/** A fake WeChat Pay: list_stocks over `total` stocks, answering page-index or item-offset requests. */
function fakeStocks(total, { itemOffset = false, asResponse = false } = {}) {
  const seen = [];
  const send = async (req) => {
    assertSignedRequest(req);
    const q = new URL(req.url).searchParams;
    const offset = Number(q.get('offset'));
    const limit = Number(q.get('limit'));
    seen.push(offset);
    const start = itemOffset ? offset : offset * limit;
    const data = [];
    for (let i = start; i < Math.min(start + limit, total); i += 1) data.push({ ...STOCK, stock_id: `S${i}`, stock_name: `批次${i}` });
    const body = JSON.stringify({ total_count: total, data, limit, offset });
    const headers = wechatpayHeaders(body, { timestamp: T, nonce: `P${offset}`, requestId: `R${offset}` });
    await new Promise((r) => setImmediate(r));
    return asResponse ? new Response(body, { status: 200, headers }) : { status: 200, headers, body: utf8(body) };
  };
  return { send, seen };
}

test('pages(): every page of list_stocks, page-index mode, plain responses', async () => {
  const c = new Client(pubkeyOptions());
  const { send, seen } = fakeStocks(5);
  const ids = [];
  let pages = 0;
  for await (const page of c.pages('list_stocks', { offset: 0, limit: 2, stock_creator_mchid: k.mchid }, send)) {
    pages += 1;
    assert.equal(page.total_count, 5);
    ids.push(...page.data.map((s) => s.stock_id));
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen, [0, 1, 2]);
  assert.deepEqual(ids, ['S0', 'S1', 'S2', 'S3', 'S4']);
});

test('pages(): item-offset mode with fetch Response objects', async () => {
  const c = new Client(pubkeyOptions({ pageMode: 'item_offset' }));
  const { send, seen } = fakeStocks(5, { itemOffset: true, asResponse: true });
  const ids = [];
  for await (const page of c.pages('list_stocks', { offset: 0, limit: 2, stock_creator_mchid: k.mchid }, send)) ids.push(...page.data.map((s) => s.stock_id));
  assert.deepEqual(seen, [0, 2, 4]);
  assert.deepEqual(ids, ['S0', 'S1', 'S2', 'S3', 'S4']);
});

test('pages(): an empty list is one page; a failing page throws ApiError; send must be a function', async () => {
  const c = new Client(pubkeyOptions());
  const { send } = fakeStocks(0);
  const got = [];
  for await (const p of c.pages('list_stocks', { offset: 0, limit: 10, stock_creator_mchid: k.mchid }, send)) got.push(p);
  assert.equal(got.length, 1);
  assert.deepEqual(got[0].data, []);
  const failing = async () => ({ status: 500, headers: { 'Request-ID': 'RID-500' }, body: '{"code":"SYSTEM_ERROR","message":"busy"}' });
  await assert.rejects(async () => {
    for await (const p of c.pages('list_stocks', { offset: 0, limit: 10, stock_creator_mchid: k.mchid }, failing)) assert.fail(`page ${p}`);
  }, (e) => e instanceof ApiError && e.status === 500 && e.wechatpayCode === 'SYSTEM_ERROR' && e.requestId === 'RID-500' && e.retryable === true);
  await assert.rejects(async () => {
    for await (const p of c.pages('list_stocks', {}, 'not a function')) assert.fail(`page ${p}`);
  }, ValidationError);
});

test('call(): builds, sends and parses one operation', async () => {
  const c = new Client(pubkeyOptions());
  const { send } = fakeStocks(1);
  const page = await c.call('list_stocks', { offset: 0, limit: 10, stock_creator_mchid: k.mchid }, send);
  assert.equal(page.data[0].stock_name, '批次0');
});

// --- resign and retry advice ---

test('resign(): fresh timestamp and nonce, same method/URL/body; backup base URL on request', () => {
  const c = new Client(pubkeyOptions());
  const req = c.startStock({ stock_id: '123', stock_creator_mchid: k.mchid });
  const f1 = assertSignedRequest(req);
  c.setNow(T + 60);
  const again = c.resign(req);
  const f2 = assertSignedRequest(again);
  assert.equal(again.method, 'POST');
  assert.equal(again.url, req.url);
  assert.deepEqual(Buffer.from(again.body), Buffer.from(req.body));
  assert.equal(again.operation, 'start_stock');
  assert.equal(Number(f2.timestamp), T + 60);
  assert.notEqual(f2.nonce_str, f1.nonce_str);
  const backup = c.resign(req, { baseUrl: BACKUP_BASE_URL });
  assert.equal(new URL(backup.url).origin, new URL(BACKUP_BASE_URL).origin);
  assert.equal(new URL(backup.url).pathname + new URL(backup.url).search, new URL(req.url).pathname + new URL(req.url).search);
  assertSignedRequest(backup);
  assert.notEqual(PRIMARY_BASE_URL, BACKUP_BASE_URL);
  assert.throws(() => c.resign({}), ValidationError);
});

test('retryAdvice(): server errors back off and move to the backup host; rate limits stay; others stop', () => {
  const c = new Client(pubkeyOptions());
  const apiError = (status, code) => {
    try {
      c.parseResponse(status, {}, code ? JSON.stringify({ code, message: 'm' }) : '');
    } catch (e) {
      return e;
    }
    return assert.fail('no ApiError');
  };
  const sys = apiError(500, 'SYSTEM_ERROR');
  assert.ok(sys instanceof ApiError && sys.retryable);
  assert.deepEqual(retryAdvice(sys, 1), { retry: true, delayMs: 1000, useBackupHost: false, baseUrl: null });
  assert.deepEqual(retryAdvice(sys, 2), { retry: true, delayMs: 2000, useBackupHost: true, baseUrl: BACKUP_BASE_URL });
  assert.equal(retryAdvice(sys, 3).retry, false);
  const limited = apiError(429, 'FREQUENCY_LIMITED');
  assert.deepEqual(retryAdvice(limited, 2), { retry: true, delayMs: 4000, useBackupHost: false, baseUrl: null });
  const param = apiError(400, 'PARAM_ERROR');
  assert.equal(param.retryable, false);
  assert.equal(retryAdvice(param, 1).retry, false);
  // a transport failure (no HTTP answer) is retried like a server error
  assert.deepEqual(retryAdvice(new TypeError('fetch failed'), 1), { retry: true, delayMs: 1000, useBackupHost: false, baseUrl: null });
  // a verification failure is never retried
  const v = caseNamed('verify-skew-past');
  let sig;
  try {
    clientFor(Client, v).parseResponse(200, v.headers, v.body);
  } catch (e) {
    sig = e;
  }
  assert.ok(sig instanceof SignatureError);
  assert.deepEqual(retryAdvice(sig, 1), { retry: false, delayMs: 0, useBackupHost: false, baseUrl: null });
});

// --- acknowledgements and notification envelopes ---

test('acknowledgement(): success, and the failure each error class calls for', () => {
  const ok = acknowledgement();
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['Content-Type'], 'application/json');
  assert.ok(String(ok.body).includes('SUCCESS'));
  assert.equal(acknowledgement(null).status, 200);
  const probe = caseNamed('notify-probe');
  const errors = {};
  const grab = (name, fn) => {
    try {
      fn();
    } catch (e) {
      errors[name] = e;
    }
  };
  grab('probe', () => clientFor(Client, probe).parseNotification(probe.headers, probe.body));
  const sigCase = caseNamed('notify-body-reserialised');
  grab('signature', () => clientFor(Client, sigCase).parseNotification(sigCase.headers, sigCase.body));
  const tag = caseNamed('notify-corrupted-tag');
  grab('decrypt', () => clientFor(Client, tag).parseNotification(tag.headers, tag.body));
  grab('decode', () => new Client(pubkeyOptions()).notificationEnvelope('not json'));
  grab('validation', () => new Client(pubkeyOptions()).getStock({ stock_id: '..', stock_creator_mchid: k.mchid }));
  grab('key', () => new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: 'not a pem' }));
  grab('api', () => new Client(pubkeyOptions()).parseResponse(500, {}, ''));
  const want = {
    probe: [ProbeSignatureError, 401], signature: [SignatureError, 401], decrypt: [DecryptError, 400], decode: [DecodeError, 400],
    validation: [ValidationError, 500], key: [KeyConfigError, 500], api: [ApiError, 500],
  };
  for (const [name, [Class, status]] of Object.entries(want)) {
    assert.ok(errors[name] instanceof Class, `${name}: ${errors[name]}`);
    const a = acknowledgement(errors[name]);
    assert.equal(a.status, status, name);
    assert.ok(!String(a.body).includes('SUCCESS'), name);
  }
  assert.equal(acknowledgement(new Error('anything else')).status, 500);
  // errors made by the application with `new` carry their class's kind (Python: for_error(DecryptError("x")))
  for (const [Class, status, kind] of [
    [DecryptError, 400, 'decrypt'], [DecodeError, 400, 'decode'], [SignatureError, 401, 'verify'], [ProbeSignatureError, 401, 'probe'],
    [ValidationError, 500, 'validation'], [ApiError, 500, 'api'], [WechatPayError, 500, 'error'],
  ]) {
    const e = new Class('x');
    assert.equal(e.kind, kind, Class.name);
    assert.equal(acknowledgement(e).status, status, Class.name);
  }
});

test('notificationEnvelope(): readable on a SIGNTEST probe, which parseNotification refuses', () => {
  const p = caseNamed('notify-probe');
  const c = clientFor(Client, p);
  const env = c.notificationEnvelope(p.body);
  assert.equal(env.id, 'EV-2026112710000012345678');
  assert.equal(env.event_type, 'COUPON.USE');
  for (const [key, value] of Object.entries(p.expected.envelope ?? {})) assert.deepEqual(env[key], value);
  assert.throws(() => c.parseNotification(p.headers, p.body), (e) => e instanceof ProbeSignatureError && e instanceof SignatureError);
});

// --- bills ---

const BILL = utf8('批次id,优惠id,优惠类型,优惠金额(元),订单总金额(元)\r\n`123,`C1,全场代金券,1.00,30.00\r\n`123,`C2,全场代金券,2.50,40.00\r\n总条数\r\n`2\r\n');
const billDownload = (body) => ({ url: 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=x', hash_type: 'SHA1', hash_value: createHash('sha1').update(body).digest('hex') });
const streamOf = (body, size) => new ReadableStream({
  start(ctl) {
    for (let i = 0; i < body.length; i += size) ctl.enqueue(body.subarray(i, i + size));
    ctl.close();
  },
});
async function* generatorOf(body, size) {
  for (let i = 0; i < body.length; i += size) {
    await new Promise((r) => setImmediate(r));
    yield Buffer.from(body.subarray(i, i + size));
  }
}

for (const [label, source] of [['ReadableStream', (b) => streamOf(b, 7)], ['async generator', (b) => generatorOf(b, 5)], ['one Uint8Array', (b) => b]]) {
  test(`bills: verifyBill + parseBill from ${label}`, async () => {
    const download = billDownload(BILL);
    const v = await verifyBill(download, source(BILL));
    assert.ok(v instanceof VerifiedBill);
    assert.equal(v.length, BILL.length);
    assert.equal(v.sha1, download.hash_value);
    const bill = parseBill(v, source(BILL), { kind: 'use_flow' });
    const rows = [];
    assert.equal(bill.summary, null);
    for await (const row of bill) rows.push(row);
    assert.deepEqual(rows.map((r) => [r.coupon_id, r.discount_amount]), [['C1', 100], ['C2', 250]]);
    assert.notEqual(bill.summary, null);
  });
}

test('bills: a wrong hash and a changed file are BillErrors', async () => {
  const download = billDownload(BILL);
  await assert.rejects(verifyBill({ ...download, hash_value: '0'.repeat(40) }, streamOf(BILL, 9)), BillError);
  const v = await verifyBill(download, BILL);
  const changed = Buffer.concat([Buffer.from(BILL), Buffer.from('x')]);
  await assert.rejects(async () => {
    for await (const row of parseBill(v, generatorOf(changed, 4))) assert.ok(row);
  }, BillError);
  assert.throws(() => parseBill({ length: 1, sha1: 'x' }, BILL), ValidationError);
  await assert.rejects(verifyBill(download, 42), ValidationError);
});

// --- the injected clock ---

test('setNow(): the skew limit is ±300 s exactly (299 s accepted, 300 s refused, apiv3-rules.md b.3)', () => {
  const body = '{"stock_id":"1"}';
  const h = wechatpayHeaders(body, { timestamp: T });
  const c = new Client(pubkeyOptions());
  for (const [now, ok] of [[T + 299, true], [T - 299, true], [T + 300, false], [T - 300, false], [T + 301, false], [T, true]]) {
    c.setNow(now);
    assert.equal(c.now(), now);
    if (ok) assert.equal(c.parseResponse(200, h, body).data.stock_id, '1', `now ${now - T}`);
    else assert.throws(() => c.parseResponse(200, h, body), (e) => e instanceof SignatureError && e.code === 'verify.timestamp_skew', `now ${now - T}`);
  }
  assert.throws(() => c.setNow('soon'), (e) => e instanceof ValidationError && e.violations[0].field === 'now');
  const edge = caseNamed('verify-skew-edge-ok');
  assert.equal(clientFor(Client, edge).parseResponse(edge.status, edge.headers, edge.body).keyId, edge.expected.key_id);
});

test('now as a function is read at each use; maxSkew narrows the window', () => {
  let clock = T;
  const c = new Client(pubkeyOptions({ now: () => clock, nonce: ['A', 'B'] }));
  assert.equal(c.now(), T);
  assert.equal(authFields(c.sign('GET', CERTS_URL).authorization).timestamp, String(T));
  clock = T + 42;
  assert.equal(c.now(), T + 42);
  assert.equal(authFields(c.sign('GET', CERTS_URL).authorization).timestamp, String(T + 42));
  const narrow = new Client(pubkeyOptions({ maxSkew: 10 }));
  const body = '{}';
  narrow.parseResponse(200, wechatpayHeaders(body, { timestamp: T - 9 }), body);
  assert.throws(() => narrow.parseResponse(200, wechatpayHeaders(body, { timestamp: T - 10 }), body), (e) => e.code === 'verify.timestamp_skew');
});

// --- APIv2 plugin signatures ---

/** APIv2 HMAC-SHA256 computed here with node:crypto (coupon-plugin-sign.md §1). */
function hmacV2(params, key) {
  const s = Object.entries(params).filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, v]) => `${n}=${v}`).join('&');
  return createHmac('sha256', key).update(`${s}&key=${key}`).digest('hex').toUpperCase();
}

test('v2HmacSign / verifyV2Hmac: the official V2 example and node:crypto agree', () => {
  const official = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
  const okey = '192006250b4c09247ec02edce69f6a2d';
  assert.equal(v2HmacSign(official, okey).sign, '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  const key = 'a'.repeat(32);
  const s = v2HmacSign({ b: '2', a: '1', empty: '' }, key);
  assert.equal(s.sign.length, 64);
  assert.equal(s.sign, hmacV2({ b: '2', a: '1', empty: '' }, key));
  assert.ok(!s.stringToSignRedacted.includes(key));
  assert.ok(s.stringToSignRedacted.startsWith('a=1&b=2&key='));
  assert.equal(verifyV2Hmac({ a: '1', b: '2' }, key, s.sign), true);
  assert.equal(verifyV2Hmac({ a: '1', b: '3' }, key, s.sign), false);
  const other = s.sign.slice(0, -1) + (s.sign.endsWith('0') ? '1' : '0');
  assert.equal(verifyV2Hmac({ a: '1', b: '2' }, key, other), false);
  assert.equal(verifyV2Hmac({ a: '1', b: '2' }, 'b'.repeat(32), s.sign), false);
});

test('pluginSign: the worked examples of coupon-plugin-sign.md §2.4 and the payload', () => {
  const d = pluginSign('1900000109', [{ stock_id: '9865000', out_request_no: '89560002019101000121', create_coupon_merchant: '1900000109' }], '0123456789abcdef0123456789abcdef');
  assert.equal(d.sign, 'D4CF8D84161D8BEAF05A38AD1D2F09852C26A494FAA0BAE2064D9235B786B18B');
  assert.deepEqual(d.payload, {
    send_coupon_params: [{ stock_id: '9865000', out_request_no: '89560002019101000121', create_coupon_merchant: '1900000109' }],
    send_coupon_merchant: '1900000109',
    sign: d.sign,
  });
  // E: an empty coupon_code is dropped: same sign
  const e = pluginSign('1900000109', [{ stock_id: '9865000', out_request_no: '89560002019101000121', create_coupon_merchant: '1900000109', coupon_code: '' }], '0123456789abcdef0123456789abcdef');
  assert.equal(e.sign, d.sign);
  // example B (商家券 entries without create_coupon_merchant) is refused for 代金券 by V-FE-05
  assert.throws(
    () => pluginSign('10016226', [{ out_request_no: '1234567', stock_id: 'abc123' }], 'exposed_your_key_here_have_risks'),
    (err) => err instanceof ValidationError && err.violations.some((v) => v.rule === 'V-FE-05' && v.field === 'send_coupon_params[0].create_coupon_merchant'),
  );
  // two entries: indices 0 and 1, checked with node:crypto over the flattened names
  const entries = [
    { stock_id: '111', out_request_no: 'r1', create_coupon_merchant: '1900000109' },
    { stock_id: '222', out_request_no: 'r2', create_coupon_merchant: '1900000109' },
  ];
  const flat = { send_coupon_merchant: '1900000109' };
  entries.forEach((x, i) => Object.entries(x).forEach(([n, v]) => { flat[`${n}${i}`] = v; }));
  assert.equal(pluginSign('1900000109', entries, '0123456789abcdef0123456789abcdef').sign, hmacV2(flat, '0123456789abcdef0123456789abcdef'));
  const key = 'a'.repeat(32);
  const p = pluginSign('1900000001', [{ stock_id: '123', out_request_no: 'abc123', create_coupon_merchant: '1900000001' }], key);
  assert.equal(p.payload.sign, p.sign);
  assert.ok(!p.stringToSignRedacted.includes(key));
  assert.throws(() => pluginSign('1900000001', [], key), ValidationError);
});

test('h5CouponUrl: signed over the raw values, with the mandatory fragment', () => {
  const key = 'a'.repeat(32);
  const params = { stock_id: '123', out_request_no: 'abc123', send_coupon_merchant: '1900000001', open_id: 'o1' };
  const u = h5CouponUrl(params, key);
  assert.ok(u.url.endsWith('#wechat_pay&wechat_redirect'), u.url);
  assert.ok(u.url.startsWith('https://action.weixin.qq.com/busifavor/getcouponinfo?'), u.url);
  assert.equal(u.sign, hmacV2(params, key));
  assert.equal(new URL(u.url).searchParams.get('sign'), u.sign);
  assert.ok(!u.url.includes(key) && !u.stringToSignRedacted.includes(key));
});

/** A small use-flow bill with line ending `eol` (and the 总条数 trailer unless `trailer` is false). */
function bill(eol, trailer = true) {
  const lines = ['批次id,优惠id,优惠类型,优惠金额（元）,订单总金额（元）', '`123,`C1,`全场代金券,`1.00,`30.00', '`123,`C2,`全场代金券,`1.00,`40.00', ...(trailer ? ['总条数', '`2'] : [])];
  const body = utf8(lines.map((l) => l + eol).join(''));
  return [billDownload(body), body];
}

test('bills: CRLF and LF line endings parse; a bare CR is a BillError', async () => {
  for (const eol of ['\r\n', '\n']) {
    const [download, body] = bill(eol);
    const rows = [];
    for await (const r of parseBill(await verifyBill(download, body), body)) rows.push(r.coupon_id);
    assert.deepEqual(rows, ['C1', 'C2']);
  }
  const [download, body] = bill('\r');
  const v = await verifyBill(download, body);
  await assert.rejects(async () => {
    for await (const r of parseBill(v, body)) assert.ok(r);
  }, (e) => e instanceof BillError && e.code === 'bill.bare_carriage_return' && e.message.includes('carriage return'));
});

test('bills: a file without the 总条数 trailer parses with a warning in the summary', async () => {
  const [download, body] = bill('\r\n', false);
  const parsed = parseBill(await verifyBill(download, body), streamOf(body, 11));
  const rows = [];
  for await (const r of parsed) rows.push(r);
  assert.equal(rows.length, 2);
  assert.equal(parsed.summary.declared_count ?? null, null);
  assert.equal(parsed.summary.warnings.length, 1);
  const [d2, b2] = bill('\r\n');
  const full = parseBill(await verifyBill(d2, b2), b2);
  for await (const r of full) assert.ok(r);
  assert.deepEqual(full.summary.warnings, []);
});

// --- smaller surface checks (bindings-python/tests/test_unit.py) ---

test('requests: GET has no body and its operation; RFC 3339 query values are percent-encoded', () => {
  const c = new Client(pubkeyOptions());
  const req = c.getStock({ stock_id: '123', stock_creator_mchid: k.mchid });
  assert.equal(req.method, 'GET');
  assert.equal(req.body, undefined);
  assert.equal(req.operation, 'get_stock');
  assert.ok(req.url.endsWith('/v3/marketing/favor/stocks/123?stock_creator_mchid=1900000001'));
  assert.ok(req.headers.Authorization.startsWith('WECHATPAY2-SHA256-RSA2048 '));
  assert.ok(!Object.keys(req).includes('operation'), 'operation is not enumerable');
  const post = c.startStock({ stock_id: '123', stock_creator_mchid: k.mchid });
  assert.equal(post.method, 'POST');
  assert.ok(Buffer.from(post.body).toString().includes('stock_creator_mchid'));
  assert.ok(!Buffer.from(post.body).toString().includes('stock_id'));
  const list = c.listStocks({ offset: 0, limit: 10, stock_creator_mchid: k.mchid, create_start_time: '2026-11-01T00:00:00+08:00' });
  assert.ok(list.url.includes('create_start_time=2026-11-01T00%3A00%3A00%2B08%3A00'), list.url);
});

test('outRequestNo(): fresh, alphanumeric, starting with the mchid', () => {
  const c = new Client(pubkeyOptions());
  const a = c.outRequestNo();
  const b = c.outRequestNo();
  assert.notEqual(a, b);
  assert.ok(a.startsWith(k.mchid));
  assert.match(a, /^[A-Za-z0-9]+$/);
});

test('keys as bytes (PKCS#1 PEM, APIv3 key) work like text', () => {
  const c = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: Buffer.from(keyText('merchant_key_pkcs1.pem')), apiv3Key: utf8(k.apiv3_key), now: T, nonce: 'N' });
  assert.equal(c.mchid, k.mchid);
  assert.equal(c.merchantSerial, k.merchant_serial);
  const ref = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: keyText('merchant_key.pem'), now: T, nonce: 'N' });
  assert.equal(c.sign('GET', CERTS_URL).signature, ref.sign('GET', CERTS_URL).signature);
  assert.equal(c.encryptAead('abcdefghijkl', 'x', 'y'), gcmSeal(k.apiv3_key, 'abcdefghijkl', 'x', 'y'));
});

test('fromConfig(): errors come from the core, typed as config errors', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'wcp-node-'));
  try {
    assert.throws(() => Client.fromConfig(dir), (e) => e instanceof KeyConfigError && e.kind === 'config' && e.code === 'config.read');
    writeFileSync(join(dir, 'merchant.json'), '{"mchid": "1900000001"}');
    assert.throws(() => Client.fromConfig(join(dir, 'merchant.json')), (e) => e.code === 'config.missing' && e.message.includes('merchant_serial'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const c of [...['verify-ok-public-key', 'verify-ok-certificate', 'verify-mixed-case-headers', 'verify-unknown-serial', 'verify-body-byte-changed', 'verify-probe', 'verify-missing-timestamp']]) {
  test(`header containers agree: ${c}`, () => {
    const v = caseNamed(c);
    const client = clientFor(Client, v);
    const outcome = (fn) => {
      try {
        return ['ok', fn()];
      } catch (e) {
        return ['error', e.name, e.code, e.message];
      }
    };
    const noise = [['Server', 'nginx'], ['Date', 'Fri, 27 Nov 2026 07:00:00 GMT'], ['Connection', 'keep-alive'], ['Content-Type', 'application/json; charset=utf-8']];
    const pairs = [...noise, ...Object.entries(v.headers)];
    const expected = outcome(() => client.parseResponse(v.status, v.headers, v.body));
    for (const [name, h] of [['object', Object.fromEntries(pairs)], ['pairs', pairs], ['Headers', new Headers(pairs)], ['Map', new Map(pairs)], ['lower-case', Object.fromEntries(pairs.map(([n, x]) => [n.toLowerCase(), x]))]]) {
      assert.deepEqual(outcome(() => client.parseResponse(v.status, h, v.body)), expected, name);
    }
  });
}
