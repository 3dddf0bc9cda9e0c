// Hostile input through the Node API: signed bodies no JSON reader should turn into values, a
// custom signer failing twice, wrongly typed validation/nonce options and bad APIv2 keys. Every
// error is a WechatPayError. Mirrors bindings-python/tests/test_hostile.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DecodeError, SignerError, ValidationError, WechatPayError, h5CouponUrl, pluginSign, v2HmacSign, verifyV2Hmac } from '../src/index.js';
import { gcmSeal, keysJson, pubkeyOptions, wechatpayHeaders } from './helpers.mjs';

const k = keysJson();
const T = 1795744800;
const CERTS_URL = 'https://api.mch.weixin.qq.com/v3/certificates';

// Bodies that pass signature verification but that no JSON reader should turn into values.
const HOSTILE = {
  not_utf8: Buffer.concat([Buffer.from('{"stock_id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","data":[]}')]),
  nested_200_arrays: Buffer.from('['.repeat(200) + ']'.repeat(200)),
  nested_200_objects: Buffer.from(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`),
  float_out_of_range: Buffer.from('{"stock_id":"1","n":1e400}'),
  integer_out_of_range: Buffer.from(`{"stock_id":"1","n":${'9'.repeat(400)}}`),
};
const hostileClient = () => new Client(pubkeyOptions());
const hostileHeaders = (body) => wechatpayHeaders(body, { timestamp: T, nonce: 'HOSTILE' });
function hostileNotification(plaintext, eventType) {
  const nonce = 'abcdefghijkl';
  return JSON.stringify({
    id: 'EV-HOSTILE', create_time: '2026-11-27T10:00:00+08:00', event_type: eventType, resource_type: 'encrypt-resource', summary: 's',
    resource: { original_type: 'coupon', algorithm: 'AEAD_AES_256_GCM', associated_data: 'coupon', nonce, ciphertext: gcmSeal(k.apiv3_key, nonce, 'coupon', plaintext) },
  });
}

for (const [name, body] of Object.entries(HOSTILE)) {
  test(`hostile body ${name}: every parse entry point throws only WechatPayErrors`, () => {
    const c = hostileClient();
    const h = hostileHeaders(body);
    const calls = [
      ['parseResponse', () => c.parseResponse(200, h, body)],
      ['verify', () => c.verify(h, body)],
      ['applyCertificatesResponse', () => c.applyCertificatesResponse(200, h, body)],
      ['notificationEnvelope', () => c.notificationEnvelope(body)],
      ['parseNotification(envelope)', () => c.parseNotification(h, body)],
      ['parseUploadImage', () => c.parseUploadImage(200, h, body)],
    ];
    for (const op of Client.operations) {
      calls.push([`parse(${op.name})`, () => c.parse(op.name, 200, h, body)]);
      if (op.name !== 'upload_image') calls.push([`parse${op.name}`, () => c[`parse${op.name.replace(/(^|_)([a-z])/g, (_, _u, x) => x.toUpperCase())}`](200, h, body)]);
    }
    for (const eventType of ['COUPON.USE', 'COUPON.SEND', 'MARKETING.OTHER']) {
      const env = hostileNotification(body, eventType);
      calls.push([`parseNotification(resource of ${eventType})`, () => c.parseNotification(hostileHeaders(env), env)]);
    }
    const escaped = [];
    for (const [label, call] of calls) {
      try {
        call();
      } catch (e) {
        if (!(e instanceof WechatPayError)) escaped.push(`${label}: ${e?.name}: ${String(e?.message).slice(0, 80)}`);
      }
    }
    assert.deepEqual(escaped, []);
    // parseResponse calls it a DecodeError of the response body
    assert.throws(() => c.parseResponse(200, h, body), (e) => e instanceof DecodeError && e.kind === 'decode' && e.message.includes('response body'));
  });
}

test('hostile: another event type keeps the decrypted text, not turned into values', () => {
  const c = hostileClient();
  for (const [name, body] of Object.entries(HOSTILE)) {
    if (name === 'not_utf8') continue;
    const env = hostileNotification(body, 'COUPON.SEND');
    const ev = c.parseNotification(hostileHeaders(env), env);
    assert.equal(ev.resource, null, name);
    assert.equal(ev.plaintext, body.toString(), name);
  }
});

test('custom signer: a later failure that threw nothing carries no stale cause', () => {
  let fail = true;
  const c = new Client({ mchid: k.mchid, merchantSerial: k.merchant_serial, signer: () => { if (fail) throw new RangeError('first'); return 'text'; } });
  assert.throws(() => c.sign('GET', CERTS_URL), (e) => e instanceof SignerError && e.cause instanceof RangeError);
  fail = false;
  assert.throws(() => c.sign('GET', CERTS_URL), (e) => e instanceof SignerError && e.cause === undefined);
});

const VALIDATION_OPTIONS = [
  [{ promote: 'V-G-05' }, 'validation.promote', 'a list of rule ids such as ["V-G-05"]'],
  [{ silence: 'V-CS-21' }, 'validation.silence', 'a list of rule ids such as ["V-G-05"]'],
  [{ promote: 5 }, 'validation.promote', 'a list of rule ids'],
  [{ promote: ['V-G-05', 7] }, 'validation.promote[1]', 'a rule id'],
  [{ silence: ['G-05'] }, 'validation.silence[0]', 'a rule id such as "V-G-05"'],
  [{ promote_warnings: 'yes' }, 'validation.promote_warnings', 'true or false'],
  [{ begin_time_grace_secs: '60' }, 'validation.begin_time_grace_secs', 'a whole number of seconds'],
  [{ begin_time_grace_secs: 1.5 }, 'validation.begin_time_grace_secs', 'a whole number of seconds'],
  [{ begin_time_grace_secs: -1 }, 'validation.begin_time_grace_secs', 'from 0 to'],
  [{ promte: [] }, 'validation.promte', 'one of promote_warnings, promote, silence'],
  ['lenient', 'validation', '"default", "strict"'],
  [['V-G-05'], 'validation', '"default", "strict"'],
];
for (const [validation, field, expected] of VALIDATION_OPTIONS) {
  test(`validation option ${JSON.stringify(validation)} → ${field}`, () => {
    for (const make of [
      () => new Client(pubkeyOptions({ validation })),
      () => new Client(pubkeyOptions()).getStock({ stock_id: '1', stock_creator_mchid: k.mchid }, { validation }),
    ]) {
      assert.throws(make, (e) => {
        assert.ok(e instanceof ValidationError, `${e.name}: ${e.message}`);
        assert.equal(e.violations[0].field, field);
        assert.ok(e.violations[0].message.includes(expected), e.violations[0].message);
        return true;
      });
    }
  });
}

test('validation options accepted (per client and per request)', () => {
  for (const ok of [{ promote: ['V-G-05'], silence: ['V-CS-21'], promote_warnings: false, begin_time_grace_secs: 60 }, 'strict', 'default', undefined]) {
    const c = new Client(pubkeyOptions({ validation: ok }));
    assert.equal(c.getStock({ stock_id: '1', stock_creator_mchid: k.mchid }, { validation: ok }).method, 'GET');
  }
});

test('validation option messages end cleanly and take camelCase keys', () => {
  assert.throws(() => new Client(pubkeyOptions({ validation: 'lenient' })), (e) => !e.message.endsWith('()') && !e.message.includes('dict'));
  const c = new Client(pubkeyOptions({ validation: { promoteWarnings: true, beginTimeGraceSecs: 5 } }));
  assert.equal(c.getStock({ stock_id: '1', stock_creator_mchid: k.mchid }).method, 'GET');
  assert.throws(() => new Client(pubkeyOptions({ validation: { promoteWarning: true } })), (e) => e instanceof ValidationError && e.violations[0].field === 'validation.promote_warning');
});

test('a wrong nonce option names the field and what was expected', () => {
  assert.throws(() => new Client(pubkeyOptions({ nonce: [1, 2] })), (e) => {
    assert.ok(e instanceof ValidationError);
    assert.equal(e.violations[0].field, 'nonce');
    assert.ok(!e.message.includes('enum'), e.message);
    assert.ok(/string/.test(e.message), e.message);
    return true;
  });
});

for (const apiv2Key of ['short', '', 'k'.repeat(31), 'k'.repeat(33), '0123456789abcdef0123456789abcdef\n']) {
  test(`APIv2 key ${JSON.stringify(apiv2Key.slice(0, 8))}… of ${apiv2Key.length} characters is refused everywhere`, () => {
    for (const call of [
      () => v2HmacSign({ a: '1' }, apiv2Key),
      () => verifyV2Hmac({ a: '1' }, apiv2Key, '0'.repeat(64)),
      () => pluginSign('1900000001', [{ stock_id: '1', out_request_no: 'a', create_coupon_merchant: '1900000001' }], apiv2Key),
      () => h5CouponUrl({ stock_id: '1', out_request_no: 'a', send_coupon_merchant: '1900000001', open_id: 'o' }, apiv2Key),
    ]) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof ValidationError, `${e.name}: ${e.message}`);
        assert.equal(e.violations[0].field, 'apiv2_key');
        assert.ok(e.message.includes('32 visible ASCII characters'), e.message);
        if (apiv2Key.trim()) assert.ok(!e.message.includes(apiv2Key.trim()));
        return true;
      });
    }
  });
}

