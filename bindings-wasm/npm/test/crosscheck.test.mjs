// Independent checks with node:crypto, both directions, for both backends of the package: our
// signatures verify there, its signatures verify here, ciphertexts cross both ways.
// Mirrors bindings-python/tests/test_crosscheck.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createDecipheriv, createPrivateKey, createPublicKey, privateDecrypt, randomBytes, verify } from 'node:crypto';
import { Client, SignatureError } from '../src/index.js';
import { gcmSeal, keyText, keysJson, notificationBody, oaepEncrypt, pubkeyOptions, rsaSign, utf8, wechatpayHeaders } from './helpers.mjs';

const k = keysJson();
const merchantPub = createPublicKey(createPrivateKey(keyText('merchant_key.pem')));

for (const crypto of ['node', 'wasm']) {
  const client = () => new Client(pubkeyOptions({ crypto }));

  test(`crosscheck/${crypto}: Authorization signatures verify with crypto.verify over the exact message`, () => {
    const c = client();
    for (const body of [new Uint8Array(), utf8('{"中文":"值"}'), new Uint8Array(randomBytes(64))]) {
      const url = 'https://api.mch.weixin.qq.com/v3/a?b=%2B1';
      const signed = c.sign('POST', url, body);
      const message = utf8(signed.message);
      // the exact message: METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n
      const nonce = /nonce_str="([^"]+)"/.exec(signed.authorization)[1];
      const want = Buffer.concat([Buffer.from(`POST\n/v3/a?b=%2B1\n1795744800\n${nonce}\n`), Buffer.from(body), Buffer.from('\n')]);
      if (body.length <= 20) assert.deepEqual(Buffer.from(message), want); // random bytes are not valid UTF-8 text
      assert.ok(verify('sha256', want, merchantPub, Buffer.from(signed.signature, 'base64')), 'signature does not verify');
      assert.ok(signed.authorization.includes(`signature="${signed.signature}"`));
      assert.ok(signed.authorization.includes(`serial_no="${k.merchant_serial}"`));
    }
  });

  test(`crosscheck/${crypto}: built requests carry a signature node:crypto verifies`, () => {
    const c = client();
    const req = c.startStock({ stock_id: '123', stock_creator_mchid: k.mchid });
    const auth = req.headers.Authorization;
    const field = (n) => new RegExp(`${n}="([^"]+)"`).exec(auth)[1];
    const url = new URL(req.url);
    const message = Buffer.concat([
      Buffer.from(`POST\n${url.pathname}${url.search}\n${field('timestamp')}\n${field('nonce_str')}\n`), Buffer.from(req.body), Buffer.from('\n'),
    ]);
    assert.ok(verify('sha256', message, merchantPub, Buffer.from(field('signature'), 'base64')));
    message[message.length - 2] ^= 1;
    assert.ok(!verify('sha256', message, merchantPub, Buffer.from(field('signature'), 'base64')));
  });

  test(`crosscheck/${crypto}: responses signed with crypto.sign verify and parse`, () => {
    const c = client();
    const body = utf8(JSON.stringify({ stock_id: '1', 中文: true }));
    const headers = wechatpayHeaders(body, { timestamp: c.now(), requestId: 'RID-9' });
    const out = c.parseResponse(200, headers, body);
    assert.equal(out.data.中文, true);
    assert.equal(out.keyId, k.public_key_id);
    assert.equal(out.requestId, 'RID-9');
    assert.equal(c.verify(headers, body).keyId, k.public_key_id);
    // signed by another key under the same id: refused
    const forged = wechatpayHeaders(body, { timestamp: c.now(), keyFile: 'unknown_key.pem' });
    assert.throws(() => c.parseResponse(200, forged, body), (e) => e instanceof SignatureError && e.code === 'verify.bad_signature');
  });

  test(`crosscheck/${crypto}: responses signed by a platform certificate key verify`, () => {
    const c = new Client(pubkeyOptions({ crypto, platformCertificates: [keyText('platform_cert.pem')] }));
    const body = utf8('{"a":1}');
    const headers = wechatpayHeaders(body, { timestamp: c.now(), keyFile: 'platform_key.pem', serial: k.platform_serial });
    assert.equal(c.parseResponse(200, headers, body).keyId, k.platform_serial);
  });

  test(`crosscheck/${crypto}: AES-256-GCM both ways against createCipheriv/createDecipheriv`, () => {
    const c = client();
    for (const pt of [new Uint8Array(), utf8('x'), utf8('代金券'.repeat(100))]) {
      const nonce = randomBytes(9).toString('base64'); // 12 ASCII bytes
      const ct = gcmSeal(k.apiv3_key, nonce, 'coupon', pt);
      assert.deepEqual(Buffer.from(c.decryptAead(nonce, 'coupon', ct)), Buffer.from(pt));
      const ours = Buffer.from(c.encryptAead(nonce, 'coupon', pt), 'base64');
      const d = createDecipheriv('aes-256-gcm', Buffer.from(k.apiv3_key), Buffer.from(nonce));
      d.setAAD(Buffer.from('coupon'));
      d.setAuthTag(ours.subarray(ours.length - 16));
      assert.deepEqual(Buffer.concat([d.update(ours.subarray(0, ours.length - 16)), d.final()]), Buffer.from(pt));
    }
  });

  test(`crosscheck/${crypto}: OAEP both directions against publicEncrypt/privateDecrypt`, () => {
    const c = client();
    assert.equal(c.decryptSensitive(oaepEncrypt('merchant_key.pem', '王小明')), '王小明');
    const enc = c.encryptSensitive('13800138000');
    assert.equal(enc.serial, k.public_key_id);
    const pt = privateDecrypt(
      { key: createPrivateKey(keyText('wechatpay_pub_private.pem')), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(enc.ciphertext, 'base64'),
    );
    assert.equal(pt.toString(), '13800138000');
    // OAEP is randomised: two encryptions differ
    assert.notEqual(c.encryptSensitive('13800138000').ciphertext, enc.ciphertext);
  });

  test(`crosscheck/${crypto}: a notification built with node:crypto (encrypt + sign) parses`, () => {
    const c = client();
    const resource = { stock_creator_mchid: '1900000001', stock_id: '9', coupon_id: 'C1', status: 'USED' };
    const body = notificationBody(k.apiv3_key, resource);
    const h = wechatpayHeaders(body, { timestamp: c.now(), nonce: 'N' });
    const pairs = Object.entries(h).map(([n, v]) => [n.toLowerCase(), v]);
    const ev = c.parseNotification(pairs, body);
    assert.equal(ev.resource.coupon_id, 'C1');
    assert.equal(ev.eventType, 'COUPON.USE');
    assert.equal(ev.id, 'EV-1');
    assert.equal(ev.keyId, k.public_key_id);
    assert.deepEqual(JSON.parse(ev.plaintext), resource);
    // the same body signed with rsaSign directly over the notification message
    const sig = rsaSign('wechatpay_pub_private.pem', `${c.now()}\nN2\n${body}\n`);
    assert.equal(c.parseNotification({ ...h, 'Wechatpay-Nonce': 'N2', 'Wechatpay-Signature': sig }, body).id, 'EV-1');
  });
}
