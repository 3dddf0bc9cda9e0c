// The official SDK vectors (<repo>/../shared/vectors/official-sdk-vectors.json), through the
// Node package with both crypto backends. Mirrors test_official_sdk_vectors in test_vectors.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { Client, DecryptError, KeyConfigError, SignatureError } from '../src/index.js';
import { OFFICIAL, keyText, officialVectors, text, utf8 } from './helpers.mjs';

const vectors = officialVectors();
const skip = vectors === null ? `official vectors not found at ${OFFICIAL}; skipped outside CI` : false;

/** The vector's headers: a JSON object, or the Python dict literal some vectors carry. */
function headersOf(h) {
  if (typeof h === 'object') return h;
  try {
    return JSON.parse(h);
  } catch {
    // single-quoted Python literal → JSON (the values hold no quotes or backslashes)
    return JSON.parse(h.replace(/'([^'\\]*)'/g, (_, s) => JSON.stringify(s)));
  }
}

const byKind = (kind) => (vectors ?? []).filter((v) => v.kind === kind);

test('official: every known kind is present and no unknown kind', { skip }, () => {
  const known = new Set([
    'rsa-pkcs1v15-sha256-sign', 'notification-verify-and-decrypt', 'aead-aes-256-gcm', 'aead-aes-gcm-16-byte-key',
    'certificates-response-decrypt', 'rsa-oaep-sha1-decrypt',
  ]);
  assert.ok(vectors.length >= 6);
  for (const v of vectors) assert.ok(known.has(v.kind), `unknown official vector kind ${v.kind}`);
  for (const k of known) assert.ok(byKind(k).length > 0, `no ${k} vector`);
});

for (const crypto of ['node', 'wasm']) {
  for (const v of byKind('rsa-pkcs1v15-sha256-sign')) {
    test(`official/${crypto}: ${v.name}`, { skip }, () => {
      const pub = createPublicKey(v.public_key_pem);
      // the vector itself checks out with node:crypto…
      assert.ok(verify('sha256', utf8(v.message), pub, Buffer.from(v.signature_base64, 'base64')));
      // …and our request signature with the official key verifies there over the exact message
      const client = new Client({ mchid: '1900000001', merchantSerial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115', privateKey: v.private_key_pem, crypto });
      const signed = client.sign('GET', 'https://api.mch.weixin.qq.com/v3/x');
      assert.ok(verify('sha256', utf8(signed.message), pub, Buffer.from(signed.signature, 'base64')));
      assert.ok(!verify('sha256', utf8(`${signed.message}x`), pub, Buffer.from(signed.signature, 'base64')));
    });
  }

  for (const v of byKind('notification-verify-and-decrypt')) {
    test(`official/${crypto}: ${v.name}`, { skip }, () => {
      const client = new Client({
        mchid: '1900000001', merchantSerial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115', privateKey: keyText('merchant_key.pem'),
        platformCertificates: [v.platform_certificate_pem], now: Number(v.now_unix), crypto,
      });
      const headers = headersOf(v.headers);
      assert.equal(client.verify(headers, v.body).keyId, v.platform_certificate_serial);
      const tampered = Buffer.from(v.body);
      tampered[10] ^= 1;
      assert.throws(() => client.verify(headers, tampered), SignatureError);
      // its resource key is 16 bytes: not an APIv3 key
      assert.throws(
        () => new Client({ mchid: '1900000001', merchantSerial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115', privateKey: keyText('merchant_key.pem'), apiv3Key: v.apiv3_key, crypto }),
        (e) => e instanceof KeyConfigError && e.code === 'key.apiv3_key_length' && !e.message.includes(v.apiv3_key),
      );
    });
  }

  for (const v of byKind('aead-aes-256-gcm')) {
    test(`official/${crypto}: ${v.name}`, { skip }, () => {
      const client = new Client({ mchid: '1900000001', merchantSerial: 'ABCDEF', privateKey: keyText('merchant_key.pem'), apiv3Key: v.apiv3_key, crypto });
      assert.equal(text(client.decryptAead(v.nonce, v.associated_data, v.ciphertext_base64)), v.plaintext);
      assert.equal(client.encryptAead(v.nonce, v.associated_data, v.plaintext), v.ciphertext_base64);
      const bad = Buffer.from(v.ciphertext_base64, 'base64');
      bad[0] ^= 1;
      assert.throws(() => client.decryptAead(v.nonce, v.associated_data, bad.toString('base64')), DecryptError);
    });
  }

  for (const v of byKind('aead-aes-gcm-16-byte-key')) {
    test(`official/${crypto}: ${v.name}`, { skip }, () => {
      assert.throws(
        () => new Client({ mchid: '1900000001', merchantSerial: 'ABCDEF', privateKey: keyText('merchant_key.pem'), apiv3Key: v.apiv3_key, crypto }),
        (e) => e instanceof KeyConfigError && /32 bytes/.test(e.message),
      );
    });
  }

  for (const v of byKind('certificates-response-decrypt')) {
    test(`official/${crypto}: ${v.name}`, { skip }, () => {
      const client = new Client({ mchid: '1900000001', merchantSerial: 'ABCDEF', privateKey: keyText('merchant_key.pem'), apiv3Key: v.apiv3_key, crypto });
      const enc = JSON.parse(v.response_body).data[0].encrypt_certificate;
      const pem = text(client.decryptAead(enc.nonce, enc.associated_data, enc.ciphertext));
      assert.equal(pem.trim(), v.expected_certificate_pem.trim());
      assert.ok(!client.trustedKeys().includes(v.expected_serial));
      client.trustCertificate(pem);
      assert.ok(client.trustedKeys().includes(v.expected_serial));
    });
  }

  for (const v of byKind('rsa-oaep-sha1-decrypt')) {
    test(`official/${crypto}: ${v.name}`, { skip }, () => {
      const client = new Client({ mchid: '1900000001', merchantSerial: v.merchant_certificate_serial, privateKey: v.private_key_pem, crypto });
      assert.equal(client.decryptSensitive(v.ciphertext_base64), v.plaintext);
    });
  }
}
