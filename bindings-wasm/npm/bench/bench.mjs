// The Node benchmark (issue 11 item 8): ours vs wechatpay-node-v3, wechatpay-axios-plugin's
// offline helpers and raw node:crypto doing the same work. One run; each figure is the median
// per-operation time over many timed batches, after a warm-up. Prints a Markdown table and
// writes bench/results.json. Implementations of a row are timed in turns (see measure.mjs). Run: `node bench/bench.mjs` (add `--quick` for a short run).
import { createDecipheriv, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { Client } from '../src/index.js';
import {
  CORPUS, WASM_FILE, keyText, keysJson, notificationBody, pubkeyOptions, readJson, wechatpayHeaders,
} from '../test/helpers.mjs';
import { measureRow } from './measure.mjs';

const require = createRequire(import.meta.url);
const WxPay = require('wechatpay-node-v3');
const { Wechatpay, Rsa, Aes, Formatter } = require('wechatpay-axios-plugin');

const QUICK = process.argv.includes('--quick');
const NOW = 1795744800;
const k = keysJson();
const merchantPem = keyText('merchant_key.pem');
const merchantCert = keyText('merchant_cert.pem');
const wxPubPem = keyText('wechatpay_pub_key.pem');
const merchantKey = createPrivateKey(merchantPem);
const wxPubKey = createPublicKey(wxPubPem);
const STOCK_ID = '9856000';

// ---- fixtures: a signed get_stock response and a signed COUPON.USE notification ----
const stockBody = readJson(`${CORPUS}/responses.json`).cases.find((c) => c.operation === 'get_stock' && c.status === 200).body;
const respHeaders = wechatpayHeaders(stockBody, { timestamp: NOW, nonce: 'RespNonce08', requestId: 'req-1' });
const couponUse = {
  stock_creator_mchid: k.mchid, stock_id: STOCK_ID, coupon_id: '9867041', coupon_name: '满100减10',
  description: '全场通用', status: 'USED', create_time: '2026-11-27T10:00:00+08:00', coupon_type: 'NORMAL',
  no_cash: false, singleitem: false, available_begin_time: '2026-11-28T10:00:00+08:00',
  available_end_time: '2026-12-28T10:00:00+08:00',
  normal_coupon_information: { coupon_amount: 10, transaction_minimum: 100 },
  consume_information: { consume_time: '2026-11-29T10:00:00+08:00', consume_mchid: k.mchid, transaction_id: '4200000000202611290000000001' },
};
const notifyBody = notificationBody(k.apiv3_key, couponUse);
const notifyHeaders = wechatpayHeaders(notifyBody, { timestamp: NOW, nonce: 'NotifyNonce1' });
const notifyBytes = Buffer.from(notifyBody);
const stockBytes = Buffer.from(stockBody);
const apiv3 = Buffer.from(k.apiv3_key);

// ---- the implementations ----
// Timed clients draw a fresh nonce per request (as in production); the fixed-nonce ones only
// prove the signed message is the one raw crypto.sign and the peers sign.
const ours = new Client(pubkeyOptions());
const oursWasm = new Client(pubkeyOptions({ crypto: 'wasm' }));
const fixed = new Client(pubkeyOptions({ nonce: 'BenchNonce0123456789' }));
const fixedWasm = new Client(pubkeyOptions({ nonce: 'BenchNonce0123456789', crypto: 'wasm' }));
const nodeV3 = new WxPay({ appid: 'wx0000000000000000', mchid: k.mchid, publicKey: Buffer.from(merchantCert), privateKey: Buffer.from(merchantPem), key: k.apiv3_key });
WxPay.certificates[k.public_key_id] = wxPubPem; // trust the public key, so verifySign never fetches

// The exact message our client signs for get_stock, for raw crypto.sign and the peers.
const sample = fixed.getStock({ stock_id: STOCK_ID, stock_creator_mchid: k.mchid });
const url = new URL(sample.url);
const pathQuery = url.pathname + url.search;
const signMessage = `GET\n${pathQuery}\n${NOW}\nBenchNonce0123456789\n\n`;

// Sanity: every implementation must do the work correctly before it is timed.
function check(label, ok) {
  if (!ok) throw new Error(`bench sanity check failed: ${label}`);
}
const authSig = /signature="([^"]+)"/.exec(sample.headers.Authorization ?? sample.headers.authorization)[1];
check('our signature verifies with node:crypto', verify('sha256', Buffer.from(signMessage), merchantKey, Buffer.from(authSig, 'base64')));
check('our signature equals raw crypto.sign', authSig === sign('sha256', Buffer.from(signMessage), merchantKey).toString('base64'));
check('wasm-crypto signature is the same', /signature="([^"]+)"/.exec(fixedWasm.getStock({ stock_id: STOCK_ID, stock_creator_mchid: k.mchid }).headers.Authorization)[1] === authSig);
check('parseGetStock', ours.parseGetStock(200, respHeaders, stockBytes).stock_id === STOCK_ID);
check('wasm parseGetStock', oursWasm.parseGetStock(200, respHeaders, stockBytes).stock_id === STOCK_ID);
check('parseNotification', ours.parseNotification(notifyHeaders, notifyBytes).resource.coupon_id === '9867041');
check('wasm parseNotification', oursWasm.parseNotification(notifyHeaders, notifyBytes).resource.coupon_id === '9867041');
check('node-v3 verifySign', await nodeV3.verifySign({ timestamp: String(NOW), nonce: respHeaders['Wechatpay-Nonce'], body: stockBody, serial: k.public_key_id, signature: respHeaders['Wechatpay-Signature'] }));
check('axios-plugin Rsa.verify', Rsa.verify(Formatter.response(String(NOW), respHeaders['Wechatpay-Nonce'], stockBody), respHeaders['Wechatpay-Signature'], wxPubKey));

// ---- raw node:crypto doing the same work ----
function rawVerify(headers, body) {
  const msg = Buffer.concat([Buffer.from(`${headers['Wechatpay-Timestamp']}\n${headers['Wechatpay-Nonce']}\n`), body, Buffer.from('\n')]);
  if (!verify('sha256', msg, wxPubKey, Buffer.from(headers['Wechatpay-Signature'], 'base64'))) throw new Error('bad signature');
}
function rawNotification() {
  rawVerify(notifyHeaders, notifyBytes);
  const env = JSON.parse(notifyBytes.toString('utf8'));
  const r = env.resource;
  const ct = Buffer.from(r.ciphertext, 'base64');
  const d = createDecipheriv('aes-256-gcm', apiv3, Buffer.from(r.nonce));
  d.setAAD(Buffer.from(r.associated_data));
  d.setAuthTag(ct.subarray(ct.length - 16));
  const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  return JSON.parse(plain.toString('utf8'));
}

// ---- the rows ----
const rows = [];
const o = { quick: QUICK };
async function row(measureName, goal, entries) {
  const results = await measureRow(entries, o);
  rows.push({ measure: measureName, goal, results });
}

await row('client construction', 'ours ≥ 10× faster than the fastest peer', [
  ['ours', () => new Client(pubkeyOptions())],
  ['ours (wasm crypto)', () => new Client(pubkeyOptions({ crypto: 'wasm' }))],
  ['wechatpay-node-v3', () => new WxPay({ appid: 'wx0000000000000000', mchid: k.mchid, publicKey: Buffer.from(merchantCert), privateKey: Buffer.from(merchantPem), key: k.apiv3_key })],
  ['wechatpay-axios-plugin', () => new Wechatpay({ mchid: k.mchid, serial: k.merchant_serial, privateKey: merchantPem, certs: { [k.public_key_id]: wxPubPem } })],
  ['node:crypto (parse both keys)', () => [createPrivateKey(merchantPem), createPublicKey(wxPubPem)]],
]);

await row('signed request (getStock)', 'ours ≤ 1.10× raw crypto.sign', [
  ['ours', () => ours.getStock({ stock_id: STOCK_ID, stock_creator_mchid: k.mchid })],
  ['ours (wasm crypto)', () => oursWasm.getStock({ stock_id: STOCK_ID, stock_creator_mchid: k.mchid }), { slow: true }],
  ['wechatpay-node-v3', () => nodeV3.buildAuthorization('GET', pathQuery)],
  ['wechatpay-axios-plugin', () => Formatter.authorization(k.mchid, 'BenchNonce0123456789', Rsa.sign(Formatter.request('GET', pathQuery, String(NOW), 'BenchNonce0123456789'), merchantKey), String(NOW), k.merchant_serial)],
  ['node:crypto sign', () => sign('sha256', Buffer.from(signMessage), merchantKey).toString('base64')],
]);

await row('response verification (parseGetStock)', 'ours ≤ 1.3× raw crypto.verify and ≥ 1.5× faster than the fastest peer', [
  ['ours', () => ours.parseGetStock(200, respHeaders, stockBytes)],
  ['ours parseResponse', () => ours.parseResponse(200, respHeaders, stockBytes)],
  ['ours (wasm crypto)', () => oursWasm.parseGetStock(200, respHeaders, stockBytes), { slow: true }],
  ['wechatpay-node-v3', () => nodeV3.verifySign({ timestamp: respHeaders['Wechatpay-Timestamp'], nonce: respHeaders['Wechatpay-Nonce'], body: stockBody, serial: k.public_key_id, signature: respHeaders['Wechatpay-Signature'] }).then(() => JSON.parse(stockBody)), { async: true }],
  ['wechatpay-axios-plugin', () => Rsa.verify(Formatter.response(respHeaders['Wechatpay-Timestamp'], respHeaders['Wechatpay-Nonce'], stockBody), respHeaders['Wechatpay-Signature'], wxPubKey) && JSON.parse(stockBody)],
  ['node:crypto verify (+ JSON.parse)', () => { rawVerify(respHeaders, stockBytes); return JSON.parse(stockBody); }],
]);

await row('notification (verify + decrypt + decode)', 'ours ≥ 2× faster than the fastest peer', [
  ['ours', () => ours.parseNotification(notifyHeaders, notifyBytes)],
  ['ours (wasm crypto)', () => oursWasm.parseNotification(notifyHeaders, notifyBytes), { slow: true }],
  ['wechatpay-node-v3', async () => {
    await nodeV3.verifySign({ timestamp: notifyHeaders['Wechatpay-Timestamp'], nonce: notifyHeaders['Wechatpay-Nonce'], body: notifyBody, serial: k.public_key_id, signature: notifyHeaders['Wechatpay-Signature'] });
    const r = JSON.parse(notifyBody).resource;
    return nodeV3.decipher_gcm(r.ciphertext, r.associated_data, r.nonce, k.apiv3_key);
  }, { async: true }],
  ['wechatpay-axios-plugin', () => {
    if (!Rsa.verify(Formatter.response(notifyHeaders['Wechatpay-Timestamp'], notifyHeaders['Wechatpay-Nonce'], notifyBody), notifyHeaders['Wechatpay-Signature'], wxPubKey)) throw new Error('bad');
    const r = JSON.parse(notifyBody).resource;
    return JSON.parse(Aes.AesGcm.decrypt(r.ciphertext, k.apiv3_key, r.nonce, r.associated_data));
  }],
  ['node:crypto (verify + GCM + JSON.parse)', rawNotification],
]);

// ---- .wasm size ----
const wasm = readFileSync(WASM_FILE);
const gz = gzipSync(wasm, { level: 9 });
const size = { raw: wasm.length, gzip: gz.length };

// ---- goals ----
const med = (r, n) => r.results[n].median_us;
const fastestPeer = (r) => Math.min(med(r, 'wechatpay-node-v3'), med(r, 'wechatpay-axios-plugin'));
const [ctor, signed, resp, notif] = rows;
const goals = [
  { measure: 'client construction', goal: '≥ 10× faster than the fastest peer', value: fastestPeer(ctor) / med(ctor, 'ours'), unit: '× faster', met: fastestPeer(ctor) / med(ctor, 'ours') >= 10 },
  { measure: 'signed request', goal: '≤ 1.10× raw node:crypto sign', value: med(signed, 'ours') / med(signed, 'node:crypto sign'), unit: '× raw', met: med(signed, 'ours') / med(signed, 'node:crypto sign') <= 1.10 },
  { measure: 'response verification', goal: '≤ 1.3× raw node:crypto verify', value: med(resp, 'ours') / med(resp, 'node:crypto verify (+ JSON.parse)'), unit: '× raw', met: med(resp, 'ours') / med(resp, 'node:crypto verify (+ JSON.parse)') <= 1.3 },
  { measure: 'response verification', goal: '≥ 1.5× faster than the fastest peer', value: fastestPeer(resp) / med(resp, 'ours'), unit: '× faster', met: fastestPeer(resp) / med(resp, 'ours') >= 1.5 },
  { measure: 'notification', goal: '≥ 2× faster than the fastest peer', value: fastestPeer(notif) / med(notif, 'ours'), unit: '× faster', met: fastestPeer(notif) / med(notif, 'ours') >= 2 },
  { measure: '.wasm size', goal: 'gzipped ≤ 1 MiB', value: size.gzip / 1048576, unit: 'MiB gzipped', met: size.gzip <= 1048576 },
];

// ---- output ----
const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
const lines = [];
lines.push(`Node ${process.version}, ${process.platform}/${process.arch}; wechatpay-node-v3 ${require('wechatpay-node-v3/package.json').version}, wechatpay-axios-plugin ${require('wechatpay-axios-plugin/package.json').version}. Median per operation, one run${QUICK ? ' (quick)' : ''}.`, '');
lines.push('| measure | implementation | median | samples × batch |', '|---|---|---:|---:|');
for (const r of rows) {
  for (const [name, m] of Object.entries(r.results)) lines.push(`| ${r.measure} | ${name} | ${fmt(m.median_us)} | ${m.samples} × ${m.batch} |`);
}
lines.push(`| .wasm size | ours | ${(size.raw / 1048576).toFixed(2)} MiB raw, ${(size.gzip / 1048576).toFixed(2)} MiB gzipped (level 9) | |`, '');
lines.push('| goal | measured | met |', '|---|---:|:---:|');
for (const g of goals) lines.push(`| ${g.measure}: ${g.goal} | ${g.value.toFixed(2)} ${g.unit} | ${g.met ? 'yes' : 'no'} |`);
console.log(lines.join('\n'));

writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({
  node: process.version, platform: `${process.platform}/${process.arch}`, quick: QUICK,
  peers: { 'wechatpay-node-v3': require('wechatpay-node-v3/package.json').version, 'wechatpay-axios-plugin': require('wechatpay-axios-plugin/package.json').version },
  rows, wasm_size: size, goals,
}, null, 2)}\n`);
