// The tests/vectors suite as a function of one package API (Node entry, or the web entry after
// `init()`) and extra client options (for example `crypto: 'wasm'`). Mirrors
// bindings-python/tests/test_vectors.py; run by vectors.test.mjs and fallback.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import { DecryptError, ProbeSignatureError, SignatureError, ValidationError, WechatPayError } from '../src/errors.js';
import { cases, clientFor, keyText, keysJson, text, utf8 } from './helpers.mjs';

export const OUTCOME_ERRORS = {
  'bad-signature': SignatureError,
  probe: ProbeSignatureError,
  'timestamp-skew': SignatureError,
  'unknown-serial': SignatureError,
  'missing-header': SignatureError,
  'malformed-header': SignatureError,
  'unknown-algorithm': DecryptError,
  'decrypt-failed': DecryptError,
  'unsupported-image': ValidationError,
  'too-large': ValidationError,
};
export const REASONS = {
  'bad-signature': 'bad_signature',
  probe: 'probe',
  'timestamp-skew': 'timestamp_skew',
  'unknown-serial': 'unknown_serial',
  'missing-header': 'missing_header',
  'malformed-header': 'malformed_header',
};

/** Runs every vector of tests/vectors against `Client` (shared with the wasm fallback suite). */
export function vectorSuite({ Client, acknowledgement }, label, options = {}) {
  const client = (c, extra = {}) => clientFor(Client, c, { ...options, ...extra });

  test(`${label}: the vector set is complete`, () => {
    const kinds = new Set(cases().map((c) => c.kind));
    for (const k of ['sign-request', 'verify-response', 'notification', 'aead', 'oaep-decrypt', 'oaep-encrypt', 'certificates', 'media-upload']) {
      assert.ok(kinds.has(k), `no ${k} vectors`);
    }
  });

  for (const c of cases('sign-request')) {
    test(`${label}: sign-request ${c._name}`, () => {
      const cl = new Client({ mchid: c.mchid, merchantSerial: c.serial, privateKey: keyText(c.private_key), now: c.timestamp, nonce: c.nonce, ...options });
      const signed = cl.sign(c.method, c.url, utf8(c.body));
      assert.equal(signed.message, c.expected.message);
      assert.equal(signed.signature, c.expected.signature);
      assert.equal(signed.authorization, c.expected.authorization);
    });
  }

  for (const c of cases('verify-response')) {
    test(`${label}: verify-response ${c._name}`, () => {
      const cl = client(c);
      const e = c.expected;
      const body = utf8(c.body);
      if (e.outcome === 'ok') {
        const out = cl.parseResponse(c.status, c.headers, body);
        assert.equal(out.keyId, e.key_id);
        assert.equal(out.status, c.status);
        const rid = Object.entries(c.headers).filter(([k]) => k.toLowerCase() === 'request-id').map(([, v]) => v);
        assert.equal(out.requestId, rid.length ? rid[0] : null);
        assert.deepEqual(out.data, body.length ? JSON.parse(c.body) : null);
        // verify() alone agrees on the key
        assert.equal(cl.verify(c.headers, body).keyId, e.key_id);
      } else {
        const Want = OUTCOME_ERRORS[e.outcome];
        assert.throws(() => cl.parseResponse(c.status, c.headers, body), (err) => {
          assert.ok(err instanceof Want, `${err.name}: ${err.message}`);
          assert.equal(err.code.split('.').pop(), REASONS[e.outcome], err.code);
          if (e.outcome === 'probe') assert.ok(err instanceof ProbeSignatureError);
          else if (e.header !== undefined) assert.ok(err.message.includes(e.header), err.message);
          return true;
        });
      }
    });
  }

  for (const c of cases('notification')) {
    test(`${label}: notification ${c._name}`, () => {
      const cl = client(c);
      const e = c.expected;
      const body = utf8(c.body);
      if (e.envelope !== undefined) {
        const env = cl.notificationEnvelope(body);
        for (const [k, v] of Object.entries(e.envelope)) assert.deepEqual(env[k], v, k);
      }
      if (e.outcome === 'ok') {
        const ev = cl.parseNotification(c.headers, body);
        assert.equal(ev.plaintext, e.plaintext);
        const camel = (s) => s.replace(/_([a-z])/g, (_, x) => x.toUpperCase());
        for (const [k, v] of Object.entries(e.envelope)) assert.deepEqual(ev[camel(k)], v, k);
        assert.equal(ev.eventType, 'COUPON.USE');
        const raw = JSON.parse(e.plaintext);
        assert.equal(ev.resource.coupon_id, raw.coupon_id);
        assert.equal(ev.resource.stock_id, raw.stock_id);
        assert.equal(ev.requestId, c.headers['Request-ID']);
        // a string body works too
        assert.equal(cl.parseNotification(c.headers, c.body).id, ev.id);
      } else {
        let caught;
        assert.throws(() => cl.parseNotification(c.headers, body), (err) => {
          caught = err;
          return err instanceof OUTCOME_ERRORS[e.outcome];
        });
        assert.ok(!caught.message.includes('coupon_id'), 'plaintext in the message');
        // the acknowledgement asks WeChat Pay to deliver again
        assert.ok([400, 401].includes(acknowledgement(caught).status));
      }
    });
  }

  for (const c of cases('aead')) {
    test(`${label}: aead ${c._name}`, () => {
      const cl = client(c);
      const pt = cl.decryptAead(c.nonce, c.associated_data, c.ciphertext_base64);
      assert.equal(text(pt), c.plaintext);
      assert.equal(cl.encryptAead(c.nonce, c.associated_data, utf8(c.plaintext)), c.ciphertext_base64);
    });
  }

  for (const c of cases('oaep-decrypt')) {
    test(`${label}: oaep-decrypt ${c._name}`, () => {
      const k = keysJson();
      const cl = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: keyText(c.private_key), ...options });
      assert.equal(cl.decryptSensitive(c.ciphertext_base64), c.plaintext);
    });
  }

  for (const c of cases('oaep-encrypt')) {
    test(`${label}: oaep-encrypt ${c._name}`, () => {
      const k = keysJson();
      const o = { mchid: k.mchid, merchantSerial: k.merchant_serial, privateKey: keyText('merchant_key.pem'), now: 1795744800, ...options };
      if (c.public_key_file !== undefined) {
        o.wechatpayPublicKeyId = c.key_id;
        o.wechatpayPublicKey = keyText(c.public_key_file);
      } else {
        o.platformCertificates = [keyText(c.certificate_file)];
      }
      const enc = new Client(o).encryptSensitive(c.plaintext);
      assert.equal(enc.serial, c.expected.serial);
      const pt = privateDecrypt(
        { key: createPrivateKey(keyText(c.decrypt_with)), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(enc.ciphertext, 'base64'),
      );
      assert.equal(pt.toString('utf8'), c.plaintext);
    });
  }

  for (const c of cases('certificates')) {
    test(`${label}: certificates ${c._name}`, () => {
      const cl = client(c);
      const e = c.expected;
      if (e.outcome === 'ok') {
        const u = cl.applyCertificatesResponse(200, c.headers, utf8(c.body));
        assert.equal(u.verifiedBy, e.verified_by);
        assert.equal(u.trustOnFirstUse, true);
        assert.deepEqual(
          u.certificates.map((x) => [x.serial, x.notBefore, x.notAfter, x.pem]),
          e.certificates.map((x) => [x.serial_no, x.not_before_unix, x.not_after_unix, x.pem]),
        );
        assert.deepEqual([...u.expired].sort(), [...e.expired_serials].sort());
        assert.ok(u.added.length > 0);
        for (const s of u.added) assert.ok(cl.trustedKeys().includes(s), s);
        for (const s of e.expired_serials) assert.ok(!cl.trustedKeys().includes(s), s);
      } else {
        assert.throws(() => cl.applyCertificatesResponse(200, c.headers, utf8(c.body)), OUTCOME_ERRORS[e.outcome]);
        assert.deepEqual(cl.trustedKeys(), []);
      }
    });
  }

  for (const c of cases('media-upload')) {
    test(`${label}: media-upload ${c._name}`, () => {
      const cl = new Client({
        mchid: c.mchid, merchantSerial: c.serial, privateKey: keyText(c.private_key), now: c.timestamp,
        nonce: [c.boundary, c.nonce], baseUrl: c.url.split('/v3/')[0], ...options,
      });
      const data = c.file_base64 !== undefined ? Buffer.from(c.file_base64, 'base64') : new Uint8Array(c.file_size).fill(c.file_fill_byte);
      const e = c.expected;
      if (e.outcome === 'ok') {
        const req = cl.uploadImage(data, c.filename);
        assert.equal(req.url, c.url);
        assert.equal(req.method, 'POST');
        assert.equal(req.operation, 'upload_image');
        assert.equal(req.headers.Authorization, e.authorization);
        assert.deepEqual(Buffer.from(req.body), Buffer.from(e.body_base64, 'base64'));
        assert.equal(req.headers['Content-Type'], e.content_type_header);
      } else {
        assert.throws(() => cl.uploadImage(data, c.filename), (err) => {
          assert.ok(err instanceof ValidationError, `${err.name}: ${err.message}`);
          // refused by the V-IMG rules of validation-rules.md §6 (size, then type)
          assert.equal(err.violations[0].rule, e.outcome === 'too-large' ? 'V-IMG-02' : 'V-IMG-01');
          return true;
        });
      }
    });
  }

  test(`${label}: every failure is a WechatPayError`, () => {
    const c = cases('verify-response').find((x) => x.expected.outcome !== 'ok');
    assert.throws(() => client(c).parseResponse(c.status, c.headers, utf8(c.body)), WechatPayError);
  });
}

