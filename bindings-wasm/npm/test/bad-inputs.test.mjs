// The shared bad-input catalogue (tests/bad-inputs/catalogue.json) and the bad-input checks of
// bindings-python/tests/test_bad_inputs.py, through the Node package's public API. Every case
// must throw the listed WechatPayError, never a wasm panic (RuntimeError), never a secret, and
// leave the client (and the wasm instance) working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  Client, DecryptError, KeyConfigError, ProbeSignatureError, SignatureError, ValidationError, WechatPayError, acknowledgement,
} from '../src/index.js';
import { CATALOGUE_FILE, caseNamed, clientFor, keyText, keysJson, pemBodyLines, readJson, rsaSign, utf8 } from './helpers.mjs';

const CATALOGUE = readJson(CATALOGUE_FILE);
const DEFAULTS = CATALOGUE.client;

/** Expands {now}, {public_key_id} and {repeat:C:N} in every string. */
function expand(v) {
  if (typeof v === 'string') {
    return v
      .replaceAll('{now}', String(DEFAULTS.now))
      .replaceAll('{public_key_id}', DEFAULTS.wechatpay_public_key_id)
      .replace(/\{repeat:(.):(\d+)\}/g, (_, c, n) => c.repeat(Number(n)));
  }
  if (Array.isArray(v)) return v.map(expand);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
}

const SECRETS = [...CATALOGUE.secrets.strings, ...CATALOGUE.secrets.pem_files.flatMap(pemBodyLines)];

/** Fails if any secret shows in any rendering of `value`. */
function assertNoSecret(value, what) {
  const renderings = [String(value), inspect(value, { depth: 6, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) renderings.push(value.message, value.stack ?? '');
  for (const r of renderings) {
    for (const s of SECRETS) assert.ok(!r.includes(s), `${what} shows a secret (${s.slice(0, 6)}…)`);
  }
}

function clientOptions(raw) {
  const c = { ...DEFAULTS, ...(raw.client ?? {}) };
  const o = {
    mchid: c.mchid, merchantSerial: c.merchant_serial,
    wechatpayPublicKeyId: c.wechatpay_public_key_id, wechatpayPublicKey: keyText(c.wechatpay_public_key),
    now: c.now, allowHttpNotifyUrl: Boolean(c.allow_http_notify_url),
  };
  if (c.private_key !== null && c.private_key !== undefined) o.privateKey = keyText(c.private_key);
  if (c.apiv3_key !== null && c.apiv3_key !== undefined) o.apiv3Key = c.apiv3_key;
  if (c.base_url !== null && c.base_url !== undefined) o.baseUrl = c.base_url;
  if ('nonce' in c) o.nonce = c.nonce;
  if (c.signer_returns_bytes !== null && c.signer_returns_bytes !== undefined) {
    const n = Number(c.signer_returns_bytes);
    o.signer = () => new Uint8Array(n).fill(7);
  }
  return o;
}

const headerPairs = (pairs, sig = '') => pairs.map(([n, v]) => [n, v.replaceAll('{signature}', sig)]);

/** Runs a case; returns the client it built (if any) through `made`. */
function run(k, made) {
  const client = new Client(clientOptions(k));
  made.client = client;
  switch (k.action) {
    case 'client':
      return;
    case 'sign':
      client.sign(k.method, k.url, utf8(k.body));
      return;
    case 'sign_repeatedly':
      for (let i = 0; i < k.times - 1; i += 1) client.sign(k.method, k.url);
      client.sign(k.method, k.url);
      return;
    case 'build':
      client.build(k.operation, k.params);
      return;
    case 'request':
      client.request(k.method, k.path);
      return;
    case 'verify':
      client.verify(headerPairs(k.headers, rsaSign(DEFAULTS.response_signing_key, k.signed_message)), utf8(k.body));
      return;
    case 'parse_response':
      client.parseResponse(k.status, headerPairs(k.headers), utf8(k.body));
      return;
    case 'decrypt_aead':
      client.decryptAead(k.nonce, k.associated_data, k.ciphertext);
      return;
    case 'notification_envelope':
      client.notificationEnvelope(utf8(k.body));
      return;
    default:
      throw new Error(`unknown action ${k.action}`);
  }
}

/** A working default client: the wasm instance is not poisoned. */
function assertDefaultClientWorks() {
  const c = new Client(clientOptions({}));
  const s = c.sign('GET', 'https://api.mch.weixin.qq.com/v3/certificates');
  assert.match(s.authorization, /^WECHATPAY2-SHA256-RSA2048 /);
}

test('catalogue: is not empty and every action is known', () => {
  assert.ok(CATALOGUE.cases.length >= 25);
  const actions = new Set(['client', 'sign', 'sign_repeatedly', 'build', 'request', 'verify', 'parse_response', 'decrypt_aead', 'notification_envelope']);
  for (const k of CATALOGUE.cases) assert.ok(actions.has(k.action), k.action);
});

for (const raw of CATALOGUE.cases) {
  test(`catalogue: ${raw.id}`, () => {
    const k = expand(raw);
    const exp = k.expect;
    const made = {};
    let err;
    try {
      run(k, made);
    } catch (e) {
      err = e;
    }
    assert.ok(err !== undefined, 'no error thrown');
    assert.ok(!(err instanceof WebAssembly.RuntimeError), `wasm panic: ${err?.message}`);
    assert.ok(err instanceof WechatPayError, `${err?.name}: ${err?.message}`);
    const msg = err.message;
    const shown = msg.slice(0, 300);
    assert.equal(err.kind, exp.kind, shown);
    assert.equal(err.code, exp.code, shown);
    for (const want of exp.contains) assert.ok(msg.includes(want), `message lacks ${JSON.stringify(want)}: ${shown}`);
    for (const bad of exp.excludes ?? []) assert.ok(!msg.includes(bad), `message contains ${JSON.stringify(bad)}`);
    if (exp.max_len !== undefined) {
      assert.ok(Buffer.byteLength(msg) <= exp.max_len, `message is ${Buffer.byteLength(msg)} bytes`);
      assert.ok(Buffer.byteLength(inspect(err)) <= exp.max_len * 4, 'inspect(err) echoes too much');
    }
    if (exp.rule !== undefined) {
      assert.ok(err.violations.some((v) => v.rule === exp.rule && v.field === exp.field), JSON.stringify(err.violations));
    }
    assertNoSecret(err, 'error');
    if (made.client) {
      assertNoSecret(made.client, 'client');
      // the client still works (unless the case used up its fixed nonces or broke its signer)
      assert.ok(made.client.trustedKeys().includes(DEFAULTS.wechatpay_public_key_id));
      assert.equal(made.client.now(), DEFAULTS.now);
      if (!['sign_repeatedly'].includes(k.action) && k.client?.signer_returns_bytes === undefined && k.client?.nonce === undefined) {
        made.client.sign('GET', 'https://api.mch.weixin.qq.com/v3/certificates');
      }
    }
    assertDefaultClientWorks();
  });
}

test('catalogue: a client shows no secret in String, inspect or JSON', () => {
  const c = new Client(clientOptions({}));
  assertNoSecret(c, 'client');
  assert.equal(c.mchid, DEFAULTS.mchid);
  assert.ok(String(c).includes(DEFAULTS.mchid));
  assert.ok(inspect(c).includes(DEFAULTS.mchid));
});

// --- bindings-python/tests/test_bad_inputs.py ---

const MCHID = '1900000001';
const SERIAL = '3C6A4F1E8B2D90A7C5E3F1D2B4A6978812345678';

for (const [file, reason] of [
  ['garbage.pem', 'malformed'],
  ['platform_cert.pem', 'wrong_pem_kind'],
  ['encrypted_key.pem', 'encrypted_private_key'],
  ['rsa1024_key.pem', 'key_too_small'],
  ['ec_key.pem', 'not_rsa'],
]) {
  for (const crypto of ['node', 'wasm']) {
    test(`bad private key ${file} (${crypto})`, () => {
      assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText(file), crypto }), (e) => {
        assert.ok(e instanceof KeyConfigError, `${e.name}: ${e.message}`);
        assert.equal(e.code, `key.${reason}`);
        for (const line of pemBodyLines(file)) assert.ok(!e.message.includes(line));
        return true;
      });
    });
  }
}

test('not a PEM at all', () => {
  assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: 'not a pem' }), (e) => e instanceof KeyConfigError && e.code === 'key.not_pem');
});

for (const length of [16, 33]) {
  test(`APIv3 key of ${length} bytes`, () => {
    assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem'), apiv3Key: 'k'.repeat(length) }), (e) => {
      assert.ok(e instanceof KeyConfigError);
      assert.equal(e.code, 'key.apiv3_key_length');
      assert.ok(!inspect(e).includes('k'.repeat(16)));
      return true;
    });
  });
}

const verifyCase = (name, { headers = {}, body } = {}) => {
  const c = caseNamed(name);
  return clientFor(Client, c).parseResponse(c.status ?? 200, { ...c.headers, ...headers }, body ?? utf8(c.body));
};

test('non-base64 signature, probe, unknown serial', () => {
  assert.throws(() => verifyCase('verify-signature-not-base64'), SignatureError);
  assert.throws(() => verifyCase('verify-probe'), (e) => {
    assert.ok(e instanceof ProbeSignatureError && e instanceof SignatureError);
    assert.equal(e.code.split('.').pop(), 'probe');
    assert.equal(acknowledgement(e).status, 401);
    return true;
  });
  assert.throws(() => verifyCase('verify-unknown-serial'), (e) => e instanceof SignatureError && e.code === 'verify.unknown_serial');
});

test('timestamp missing, non-numeric, too old, in the future', () => {
  const ok = caseNamed('verify-ok-public-key');
  const headers = Object.fromEntries(Object.entries(ok.headers).filter(([k]) => k !== 'Wechatpay-Timestamp'));
  assert.throws(() => clientFor(Client, ok).parseResponse(200, headers, ok.body), (e) => e.code === 'verify.missing_header');
  assert.throws(() => verifyCase('verify-ok-public-key', { headers: { 'Wechatpay-Timestamp': '17957x4797' } }), (e) => e.code === 'verify.malformed_header');
  for (const name of ['verify-skew-past', 'verify-skew-future']) {
    assert.throws(() => verifyCase(name), (e) => e instanceof SignatureError && e.code === 'verify.timestamp_skew');
  }
});

test('one byte of the body changed', () => {
  const body = Buffer.from(caseNamed('verify-ok-public-key').body);
  body[5] ^= 1;
  assert.throws(() => verifyCase('verify-ok-public-key', { body }), (e) => e.code === 'verify.bad_signature');
});

test('empty 204 body and mixed-case headers (object and pairs)', () => {
  const c = caseNamed('verify-empty-body-204');
  const out = clientFor(Client, c).parseResponse(204, c.headers, new Uint8Array());
  assert.equal(out.data, null);
  assert.equal(out.status, 204);
  const m = caseNamed('verify-mixed-case-headers');
  assert.ok(clientFor(Client, m).parseResponse(200, m.headers, m.body).keyId);
  assert.ok(clientFor(Client, m).parseResponse(200, Object.entries(m.headers), m.body).keyId);
});

for (const [name, Want] of [
  ['notify-unknown-algorithm', DecryptError],
  ['notify-wrong-aad', DecryptError],
  ['notify-truncated-ciphertext', DecryptError],
  ['notify-corrupted-tag', DecryptError],
  ['notify-body-reserialised', SignatureError],
  ['notify-probe', ProbeSignatureError],
]) {
  test(`bad notification ${name}`, () => {
    const c = caseNamed(name);
    assert.throws(() => clientFor(Client, c).parseNotification(c.headers, utf8(c.body)), (e) => {
      assert.ok(e instanceof Want, `${e.name}: ${e.message}`);
      assert.ok(!inspect(e).includes('coupon_id'), 'plaintext in the error');
      assertNoSecret(e, 'error');
      return true;
    });
  });
}

test('expired platform certificate', () => {
  const k = keysJson();
  const ok = caseNamed('verify-ok-certificate');
  const client = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: keyText('merchant_key.pem'), platformCertificates: [keyText('platform_cert.pem')], now: 1795744800 });
  client.parseResponse(200, ok.headers, ok.body);
  client.setNow(1795744800 + 10 * 365 * 86400); // years after the certificate expired
  assert.throws(() => client.verify(ok.headers, ok.body), (e) => ['verify.certificate_not_valid', 'verify.timestamp_skew'].includes(e.code));
  const expired = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: keyText('merchant_key.pem'), platformCertificates: [keyText('platform_cert_expired.pem')], now: 1795744800 });
  assert.throws(() => expired.verify({ ...ok.headers, 'Wechatpay-Serial': k.platform_expired_serial }, ok.body), SignatureError);
});

test('bad certificates response signature trusts nothing', () => {
  const c = caseNamed('certs-bad-signature');
  const client = clientFor(Client, c);
  assert.throws(() => client.applyCertificatesResponse(200, c.headers, c.body), SignatureError);
  assert.deepEqual(client.trustedKeys(), []);
});

for (const [filename, data, rule] of [
  ['a.gif', utf8('GIF89a....'), 'V-IMG-01'],
  ['a.png', Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2 * 1024 * 1024)]), 'V-IMG-02'],
  ['a.png', new Uint8Array(), 'V-IMG-02'],
]) {
  test(`bad image ${filename} of ${data.length} bytes → ${rule}`, () => {
    const client = new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem') });
    assert.throws(() => client.uploadImage(data, filename), (e) => e instanceof ValidationError && e.violations[0].rule === rule);
  });
}

test('bad request values and argument shapes', () => {
  const client = new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem') });
  assert.throws(() => client.listStocks({ offset: 'zero', limit: 10, stock_creator_mchid: MCHID }), (e) => e instanceof ValidationError && e.violations[0].field === 'offset');
  assert.throws(() => client.getStock({ stock_id: 10n }), (e) => e instanceof ValidationError && e.violations[0].field === 'request');
  const cyclic = { stock_creator_mchid: MCHID };
  cyclic.self = cyclic;
  assert.throws(() => client.getStock(cyclic), ValidationError);
  assert.throws(() => client.parseResponse(200, {}, { parsed: 'object' }), (e) => e instanceof ValidationError && e.violations[0].field === 'body');
  assert.throws(() => client.parseResponse(200, 'Wechatpay-Serial: x', '{}'), (e) => e instanceof ValidationError && e.violations[0].field === 'headers');
  assert.throws(() => client.parseResponse(200, [['only-a-name']], '{}'), (e) => e instanceof ValidationError && e.violations[0].field === 'headers');
  assert.throws(() => new Client({ mchid: MCHID, merchantSerial: 'not-hex!', privateKey: keyText('merchant_key.pem') }), KeyConfigError);
  assert.throws(() => new Client({ mchid: '19000x', merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem') }), ValidationError);
  assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem'), apiV3Key: 'x' }), (e) => e instanceof ValidationError && e.violations[0].field === 'apiV3Key');
  assert.throws(() => new Client(null), ValidationError);
  assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem'), now: '1795744800' }), (e) => e.violations[0].field === 'now');
  assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, privateKey: keyText('merchant_key.pem'), crypto: 'openssl' }), ValidationError);
  assert.throws(() => new Client({ mchid: MCHID, merchantSerial: SERIAL, signer: 'not a function' }), (e) => e.violations[0].field === 'signer');
  // the client is still usable afterwards
  assert.match(client.sign('GET', 'https://api.mch.weixin.qq.com/v3/certificates').authorization, /^WECHATPAY2-SHA256-RSA2048 /);
});
