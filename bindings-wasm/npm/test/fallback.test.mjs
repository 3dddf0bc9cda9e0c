// The pure-WebAssembly (RustCrypto) backend: the web entry after `await init(bytes)`, and the
// Node entry with `crypto: 'wasm'`, each through every signing, verification, notification,
// AEAD, OAEP, certificate and media vector, with the same expected results as node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { init, loaded, ValidationError } from '../src/web.js';
import { caseNamed, clientFor, keyText, pubkeyOptions, utf8, WASM_FILE, wechatpayHeaders } from './helpers.mjs';
import { vectorSuite } from './vectors-helpers.mjs';

// The web entry first, from the module's bytes (this process has not loaded the Node entry yet).
assert.throws(() => loaded(), /init/);
const web = await init(readFileSync(WASM_FILE));
const node = await import('../src/index.js');

test('web: init() resolves to the API, loaded() returns it, init() again is the same', async () => {
  assert.equal(loaded(), web);
  assert.equal(await init(), web);
  for (const name of ['Client', 'verifyBill', 'parseBill', 'acknowledgement', 'retryAdvice', 'pluginSign', 'h5CouponUrl', 'v2HmacSign', 'verifyV2Hmac']) {
    assert.equal(typeof web[name], 'function', name);
  }
});

test('web: builds and verifies a vector with the pure-wasm backend', () => {
  const s = caseNamed('sign-get-query');
  const c = new web.Client({ mchid: s.mchid, merchantSerial: s.serial, privateKey: keyText(s.private_key), now: s.timestamp, nonce: s.nonce });
  assert.ok(!String(c).includes('node:crypto'), String(c));
  assert.equal(c.toJSON().signer, 'private key (wasm)');
  assert.equal(c.toJSON().crypto, 'rustcrypto');
  assert.equal(c.sign(s.method, s.url, utf8(s.body)).authorization, s.expected.authorization);
  const v = caseNamed('verify-ok-public-key');
  const out = clientFor(web.Client, v).parseResponse(v.status, v.headers, utf8(v.body));
  assert.equal(out.keyId, v.expected.key_id);
});

test('web: node:crypto is refused, with a typed error naming crypto', () => {
  assert.throws(() => new web.Client(pubkeyOptions({ crypto: 'node' })), (e) => e instanceof ValidationError && e.violations[0].field === 'crypto');
});

test("node entry: crypto 'wasm' switches the backend; both backends give identical signatures", () => {
  const wasm = new node.Client(pubkeyOptions({ crypto: 'wasm', nonce: 'N1' }));
  const viaNode = new node.Client(pubkeyOptions({ nonce: 'N1' }));
  assert.ok(String(viaNode).includes('node:crypto'));
  assert.equal(wasm.toJSON().crypto, 'rustcrypto');
  assert.equal(wasm.toJSON().signer, 'private key (wasm)');
  assert.equal(viaNode.toJSON().crypto, 'node:crypto');
  const url = 'https://api.mch.weixin.qq.com/v3/marketing/favor/stocks?offset=0';
  assert.deepEqual(wasm.sign('GET', url), viaNode.sign('GET', url));
  const body = utf8('{"stock_id":"1"}');
  const h = wechatpayHeaders(body, { timestamp: wasm.now() });
  assert.deepEqual(wasm.parseResponse(200, h, body), viaNode.parseResponse(200, h, body));
});

vectorSuite(web, 'web');
vectorSuite({ Client: node.Client, acknowledgement: node.acknowledgement }, "node crypto:'wasm'", { crypto: 'wasm' });
