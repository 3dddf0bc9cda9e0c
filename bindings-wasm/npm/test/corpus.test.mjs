// The language-neutral corpus of tests/corpus (operations, validation, responses), run through
// the Node package's public API. Mirrors bindings-python/tests/test_corpus.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ApiError, Client, ValidationError } from '../src/index.js';
import { CORPUS, keyText, readJson, utf8 } from './helpers.mjs';

const OPERATIONS = readJson(join(CORPUS, 'operations.json'));
const VALIDATION = readJson(join(CORPUS, 'validation.json'));
const RESPONSES = readJson(join(CORPUS, 'responses.json'));

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase());

/** The client a corpus file describes: merchant key, fixed clock and nonce, optional trust. */
function client(c) {
  const o = {
    mchid: c.mchid, merchantSerial: c.serial, privateKey: keyText(c.private_key), now: c.timestamp,
    allowHttpNotifyUrl: Boolean(c.allow_http_notify_url),
  };
  // every nonce the client asks for is this one (a string alone would serve only once)
  if (c.nonce !== undefined) o.nonce = Array(8).fill(c.nonce);
  if (c.base_url !== undefined) o.baseUrl = c.base_url;
  if (c.wechatpay_public_key_id !== undefined) {
    o.wechatpayPublicKeyId = c.wechatpay_public_key_id;
    o.wechatpayPublicKey = keyText(c.wechatpay_public_key);
  }
  return new Client(o);
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function build(c, operation, params) {
  if (operation === 'upload_image') return c.uploadImage(Buffer.from(params.file_base64, 'base64'), params.filename);
  return c[camel(operation)](params);
}

function parse(c, operation, status, headers, body) {
  if (operation === 'upload_image') return c.parseUploadImage(status, headers, utf8(body));
  return c[`parse${pascal(operation)}`](status, headers, utf8(body));
}

const triples = (vs) => new Set(vs.map((v) => `${v.rule}|${v.field}|${v.severity}`));

test('corpus: every operation has a case and a method pair', () => {
  const names = Client.operations.map((o) => o.name);
  assert.equal(names.length, 18);
  assert.deepEqual(new Set(OPERATIONS.cases.map((c) => c.operation)), new Set(names));
  for (const n of names) {
    if (n === 'upload_image') {
      assert.equal(typeof Client.prototype.uploadImage, 'function');
      assert.equal(typeof Client.prototype.parseUploadImage, 'function');
    } else {
      assert.equal(typeof Client.prototype[camel(n)], 'function', camel(n));
      assert.equal(typeof Client.prototype[`parse${pascal(n)}`], 'function', `parse${pascal(n)}`);
    }
  }
});

for (const k of OPERATIONS.cases) {
  test(`corpus/operations: ${k.name}`, () => {
    const c = client(OPERATIONS.client);
    const e = k.expected;
    const req = build(c, k.operation, k.params);
    assert.equal(req.method, e.method);
    assert.equal(req.url, e.url);
    assert.equal(req.operation, k.operation);
    const want = e.body_base64 !== undefined ? Buffer.from(e.body_base64, 'base64') : Buffer.from(e.body);
    if (e.method === 'GET') {
      assert.equal(req.body, undefined);
      assert.equal(want.length, 0);
    } else {
      assert.deepEqual(Buffer.from(req.body), want);
    }
    assert.equal(req.headers.Authorization, e.authorization);
    if (e.content_type !== undefined) assert.equal(req.headers['Content-Type'], e.content_type);
    // the message the client signs for this URL and signed body (the meta part for uploads)
    const signedBody = e.signed_message.split('\n').slice(4).join('\n').slice(0, -1);
    const signed = c.sign(e.method, e.url, utf8(signedBody));
    assert.equal(signed.message, e.signed_message);
    assert.equal(signed.authorization, e.authorization);
  });
}

for (const k of VALIDATION.cases) {
  test(`corpus/validation: ${k.name}`, () => {
    const c = client(VALIDATION.client);
    const params = mergePatch(VALIDATION.bases[k.operation], k.patch);
    let got;
    try {
      got = triples(build(c, k.operation, params).warnings);
    } catch (err) {
      assert.ok(err instanceof ValidationError, `${err.name}: ${err.message}`);
      got = triples(err.violations);
    }
    assert.deepEqual(got, triples(k.expected));
  });
}

for (const k of RESPONSES.cases) {
  test(`corpus/responses: ${k.name}`, () => {
    const c = client(RESPONSES.client);
    let got;
    try {
      got = parse(c, k.operation, k.status, k.headers, k.body);
    } catch (err) {
      assert.ok(err instanceof ApiError, `${err.name}: ${err.message}`);
      got = { error: { status: err.status, code: err.wechatpayCode } };
    }
    assert.deepEqual(got, k.expected);
  });
}
