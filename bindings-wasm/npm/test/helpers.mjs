// Shared test helpers: the repository's vectors, keys, corpus and catalogue, client factories
// and independent signing/encryption with node:crypto (never through the package).
import { constants, createCipheriv, createPrivateKey, publicEncrypt, sign } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (bindings-wasm/npm/test → ../../..). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const VECTORS = join(REPO, 'tests', 'vectors');
export const KEYS = join(VECTORS, 'keys');
export const CORPUS = join(REPO, 'tests', 'corpus');
export const CATALOGUE_FILE = join(REPO, 'tests', 'bad-inputs', 'catalogue.json');
/** The official SDK vectors live beside the repository (`<repo>/../shared`). */
export const OFFICIAL = join(REPO, '..', 'shared', 'vectors', 'official-sdk-vectors.json');
/** The compiled WebAssembly module. */
export const WASM_FILE = fileURLToPath(new URL('../dist/wasm/wechatpay_coupons_bg.wasm', import.meta.url));

/** Text of a file in tests/vectors/keys. */
export const keyText = (name) => readFileSync(join(KEYS, name), 'utf8');
/** tests/vectors/keys/keys.json. */
export const keysJson = () => JSON.parse(keyText('keys.json'));
/** A JSON file under the repository. */
export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Every tests/vectors/<name>/case.json (optionally of one `kind`), with `_name` set. */
export function cases(kind) {
  const out = [];
  for (const d of readdirSync(VECTORS).sort()) {
    const f = join(VECTORS, d, 'case.json');
    if (existsSync(f) && statSync(f).isFile()) {
      const c = readJson(f);
      c._name = d;
      if (kind === undefined || c.kind === kind) out.push(c);
    }
  }
  return out;
}

/** The vector case called `name`. */
export function caseNamed(name) {
  const c = cases().find((x) => x._name === name);
  if (!c) throw new Error(`no vector case ${name}`);
  return c;
}

/** Client options trusting the case's keys, with its clock (mirrors conftest.client_for). */
export function optionsFor(c, extra = {}) {
  const k = keysJson();
  const trust = c.trust ?? { public_keys: [], platform_certs: [] };
  const o = {
    mchid: k.mchid,
    merchantSerial: k.merchant_serial,
    privateKey: keyText('merchant_key.pem'),
    now: c.now ?? c.timestamp ?? 1795744800,
  };
  if (c.apiv3_key !== undefined) o.apiv3Key = c.apiv3_key;
  const pks = trust.public_keys ?? [];
  if (pks.length > 0) {
    o.wechatpayPublicKeyId = pks[0].id;
    o.wechatpayPublicKey = keyText(pks[0].file);
  }
  const certs = (trust.platform_certs ?? []).map(keyText);
  if (certs.length > 0) o.platformCertificates = certs;
  return { ...o, ...extra };
}

/** A client of class `Client` for the vector case (extra public keys trusted afterwards). */
export function clientFor(Client, c, extra = {}) {
  const client = new Client(optionsFor(c, extra));
  for (const pk of (c.trust?.public_keys ?? []).slice(1)) client.trustPublicKey(pk.id, keyText(pk.file));
  return client;
}

/** Options of the client trusting the WeChat Pay public key (conftest.pubkey_client). */
export function pubkeyOptions(extra = {}) {
  const k = keysJson();
  return {
    mchid: k.mchid,
    merchantSerial: k.merchant_serial,
    privateKey: keyText('merchant_key.pem'),
    apiv3Key: k.apiv3_key,
    wechatpayPublicKeyId: k.public_key_id,
    wechatpayPublicKey: keyText('wechatpay_pub_key.pem'),
    now: 1795744800,
    ...extra,
  };
}

/** The official SDK vectors, or `null` when absent (a failure when CI=true). */
export function officialVectors() {
  if (!existsSync(OFFICIAL)) {
    if (process.env.CI === 'true') throw new Error(`official vectors missing at ${OFFICIAL} (required when CI=true)`);
    return null;
  }
  return readJson(OFFICIAL).vectors;
}

/** SHA256withRSA (PKCS#1 v1.5) over `message` with a key file, base64, by node:crypto. */
export function rsaSign(keyFile, message) {
  return sign('sha256', Buffer.from(message), createPrivateKey(keyText(keyFile))).toString('base64');
}

/**
 * WeChat Pay response/notification headers over `body`, signed by node:crypto with `keyFile`
 * (default: the WeChat Pay public key's private half) at `timestamp` with `nonce`.
 */
export function wechatpayHeaders(body, { timestamp, nonce = 'NONCE123', keyFile = 'wechatpay_pub_private.pem', serial, requestId } = {}) {
  const raw = Buffer.from(body);
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), raw, Buffer.from('\n')]);
  const h = {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': sign('sha256', message, createPrivateKey(keyText(keyFile))).toString('base64'),
    'Wechatpay-Serial': serial ?? keysJson().public_key_id,
  };
  if (requestId !== undefined) h['Request-ID'] = requestId;
  return h;
}

/** AES-256-GCM by node:crypto: base64(ciphertext‖tag). */
export function gcmSeal(key, nonce, aad, plaintext) {
  const c = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
  c.setAAD(Buffer.from(aad));
  return Buffer.concat([c.update(Buffer.from(plaintext)), c.final(), c.getAuthTag()]).toString('base64');
}

/** RSA-OAEP (SHA-1, MGF1-SHA-1) encryption by node:crypto with the public half of a private key file. */
export function oaepEncrypt(privateKeyFile, plaintext) {
  const key = createPrivateKey(keyText(privateKeyFile));
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plaintext)).toString('base64');
}

/** The body lines (16+ characters) of a PEM file: what must never appear in an error. */
export function pemBodyLines(file) {
  return keyText(file).split(/\r?\n/).filter((l) => !l.startsWith('-----') && l.length >= 16);
}

/** A notification body (COUPON.USE) whose resource is encrypted by node:crypto. */
export function notificationBody(apiv3Key, resource, { id = 'EV-1', nonce = 'abcdefghijkl', aad = 'coupon' } = {}) {
  return JSON.stringify({
    id,
    create_time: '2026-11-27T10:00:00+08:00',
    event_type: 'COUPON.USE',
    resource_type: 'encrypt-resource',
    summary: 's',
    resource: {
      original_type: 'coupon', algorithm: 'AEAD_AES_256_GCM', associated_data: aad, nonce,
      ciphertext: gcmSeal(apiv3Key, nonce, aad, JSON.stringify(resource)),
    },
  });
}

/** Bytes of a string (UTF-8). */
export const utf8 = (s) => new TextEncoder().encode(s);
/** A string of bytes (UTF-8). */
export const text = (b) => new TextDecoder().decode(b);
