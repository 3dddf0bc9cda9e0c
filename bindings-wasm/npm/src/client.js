// The Client: options in, fetch-ready signed requests out, verified and typed results back.
// Every coupon operation's pair of methods (`createStock` / `parseCreateStock`, …) is made from
// the core's operation catalogue when the module loads. Shared by the Node and web entry points:
// `makeClient(runtime)` receives the native module and what the host offers.
import { bytes, camelKeys, flatHeaders, jsonText, pem, policyValue, snake } from './convert.js';
import { fromNative, guard, invalidArgument, SignerError } from './errors.js';

const OPTION_NAMES = new Set([
  'mchid', 'merchantSerial', 'privateKey', 'apiv3Key', 'wechatpayPublicKeyId', 'wechatpayPublicKey',
  'platformCertificates', 'signer', 'now', 'nonce', 'baseUrl', 'validation', 'userAgent', 'maxSkew',
  'allowHttpNotifyUrl', 'serialPolicy', 'pageMode', 'crypto',
]);
const PEM_OPTIONS = ['privateKey', 'apiv3Key', 'wechatpayPublicKey'];

const textDecoder = new TextDecoder();
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase());

/** A signed request: `fetch(req.url, req)` sends it as it is. */
export class SignedRequest {
  constructor(native, operation) {
    /** HTTP method. */
    this.method = native.method;
    /** Absolute URL; its path and query are what was signed. */
    this.url = native.url;
    const flat = native.headers;
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    /** Headers, including `Authorization`. */
    this.headers = headers;
    const body = native.body;
    /** The exact signed body bytes (`undefined` for a request without a body). */
    this.body = body.length === 0 && this.method === 'GET' ? undefined : body;
    Object.defineProperty(this, 'operation', { value: operation, enumerable: false });
    const warnings = JSON.parse(native.warnings);
    Object.defineProperty(this, 'warnings', {
      value: warnings.map((w) => ({ field: w.field, rule: w.rule, severity: w.severity, message: w.message, messageZh: w.message_zh })),
      enumerable: false,
    });
    native.free();
  }
}

function response(res) {
  if (res === null || typeof res !== 'object') throw invalidArgument('response', 'an object { status, headers, body }');
  return res;
}

/** `{status, headers, body}` from a fetch `Response` (or anything with `arrayBuffer()`); other objects pass through. */
export async function readResponse(res) {
  if (res && typeof res.arrayBuffer === 'function' && typeof res.status === 'number') {
    return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
  }
  return response(res);
}

/** Makes the package's `Client` class for one runtime. */
export function makeClient(runtime) {
  const { native } = runtime;
  const catalogue = JSON.parse(native.operations());

  class Client {
    #native;

    /** A client: keys are parsed here, once. See the README for every option. */
    constructor(options) {
      if (options === null || typeof options !== 'object') throw invalidArgument('options', 'an object of client options');
      for (const name of Object.keys(options)) {
        if (!OPTION_NAMES.has(name)) throw invalidArgument(name, `an unknown client option (known: ${[...OPTION_NAMES].join(', ')})`, 'unknown_field');
      }
      const o = {};
      for (const [name, value] of Object.entries(options)) {
        if (value === undefined || ['signer', 'crypto', 'now', 'platformCertificates'].includes(name)) continue;
        o[snake(name)] = PEM_OPTIONS.includes(name) ? pem(value, name) : name === 'validation' ? policyValue(value) : value;
      }
      if (options.platformCertificates !== undefined) {
        const list = Array.isArray(options.platformCertificates) ? options.platformCertificates : [options.platformCertificates];
        o.platform_certificates = list.map((c, i) => pem(c, `platformCertificates[${i}]`));
      }
      let clock;
      if (typeof options.now === 'number') o.now = options.now;
      else if (typeof options.now === 'function') clock = options.now;
      else if (options.now !== undefined) throw invalidArgument('now', 'Unix seconds (a number) or a function returning them');

      const mode = options.crypto ?? runtime.defaultCrypto;
      let host;
      let signer;
      let hostKey;
      if (mode === 'node') {
        if (!runtime.nodeCryptoProvider) throw invalidArgument('crypto', '"wasm" here: node:crypto is not available in this runtime', 'invalid_input');
        host = runtime.nodeCryptoProvider();
        if (options.signer === undefined && o.private_key !== undefined) {
          // node:crypto signs and decrypts; the core only checks the key.
          hostKey = bytes(typeof o.private_key === 'string' ? o.private_key : Uint8Array.from(o.private_key), 'privateKey');
          signer = runtime.nodeSigner(hostKey);
          delete o.private_key;
        }
      } else if (mode !== 'wasm') {
        if (mode === null || typeof mode !== 'object') throw invalidArgument('crypto', '"node", "wasm" or an object with verify, oaepEncrypt, gcmOpen and gcmSeal', 'invalid_input');
        host = mode;
      }
      if (options.signer !== undefined) {
        if (typeof options.signer !== 'function') throw invalidArgument('signer', 'a function (message: Uint8Array) => Uint8Array');
        signer = { sign: options.signer };
      }
      let signerCause;
      const signFn = signer && ((message) => {
        signerCause = undefined;
        try {
          return signer.sign(message);
        } catch (e) {
          signerCause = e;
          throw e;
        }
      });
      this.#signerLabel = options.signer !== undefined ? 'custom' : signer ? 'private key (node:crypto)' : 'private key (wasm)';
      const opts = jsonText(o, 'options');
      try {
        this.#native = new native.NativeClient(opts, signFn, signer?.decrypt, hostKey, host, clock);
      } catch (e) {
        throw fromNative(e);
      }
      // Errors of the custom signer carry what it threw as their `cause`.
      this.#call = (fn) => {
        try {
          return fn();
        } catch (e) {
          const err = fromNative(e);
          if (err instanceof SignerError && signerCause !== undefined) {
            const withCause = new SignerError(err.message, { code: err.code, kind: err.kind, fields: err.fields, cause: signerCause });
            signerCause = undefined;
            throw withCause;
          }
          throw err;
        }
      };
    }

    #call;
    #signerLabel;

    /** A client for the merchant that `merchant.json` in `dir` (or the file itself) describes; `overrides` are client options. */
    static fromConfig(dir, overrides = {}) {
      if (!runtime.readFile) throw invalidArgument('dir', 'a file system: fromConfig needs Node', 'invalid_input');
      const path = runtime.configPath(String(dir));
      const o = JSON.parse(guard(() => native.configOptions(path, runtime.readFile)));
      const options = {};
      for (const [k, v] of Object.entries(o)) if (v !== null && v !== false) options[camel(k)] = v;
      return new Client({ ...options, ...overrides });
    }

    /** The operation catalogue of the core (name, method, path, parameters, …). */
    static get operations() {
      return catalogue;
    }

    /** The merchant id. */
    get mchid() {
      return this.#describe().mchid;
    }
    /** The merchant API certificate serial. */
    get merchantSerial() {
      return this.#describe().merchant_serial;
    }
    /** The base URL requests go to. */
    get baseUrl() {
      return this.#describe().base_url;
    }

    #describe() {
      return { ...JSON.parse(this.#native.describe()), signer: this.#signerLabel };
    }

    /** What the client is, without any key material. */
    toJSON() {
      return camelKeys(this.#describe());
    }
    toString() {
      const d = this.#describe();
      return `Client(mchid=${d.mchid}, merchantSerial=${d.merchant_serial}, baseUrl=${d.base_url}, crypto=${d.crypto})`;
    }

    /** The client's current time (Unix seconds). */
    now() {
      return this.#native.now();
    }
    /** Moves a fixed clock (clients built with a numeric `now`). */
    setNow(now) {
      if (typeof now !== 'number') throw invalidArgument('now', 'Unix seconds (a number)');
      this.#call(() => this.#native.setNow(now));
    }
    /** Ids of the trusted WeChat Pay public keys and platform certificate serials. */
    trustedKeys() {
      return JSON.parse(this.#native.trustedKeys());
    }
    /** Trusts another WeChat Pay public key (for example during a rotation). */
    trustPublicKey(keyId, pemText) {
      this.#call(() => this.#native.trustPublicKey(String(keyId), bytes(pemText, 'pem')));
    }
    /** Trusts a platform certificate (X.509 PEM). */
    trustCertificate(pemText) {
      this.#call(() => this.#native.trustCertificate(bytes(pemText, 'pem')));
    }
    /** The `Wechatpay-Serial` requests carry, if any. */
    requestSerial() {
      return this.#native.requestSerial() ?? null;
    }
    /** A fresh `out_request_no`; keep it for retries of the same request. */
    outRequestNo() {
      return this.#call(() => this.#native.outRequestNo());
    }

    /** Signs `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n` for `url`: `{message, signature, authorization}`. */
    sign(method, url, body) {
      return JSON.parse(this.#call(() => this.#native.sign(String(method), String(url), bytes(body))));
    }
    /** A signed request to `path` (path and query, percent-encoded); an object body is sent as JSON. */
    request(method, path, body) {
      const raw = body !== undefined && body !== null && typeof body === 'object' && !ArrayBuffer.isView(body) && !(body instanceof ArrayBuffer)
        ? jsonText(body, 'body')
        : body;
      return new SignedRequest(this.#call(() => this.#native.request(String(method), String(path), bytes(raw))), undefined);
    }
    /** Signs `req` again (fresh timestamp and nonce) for a retry, optionally for another base URL. */
    resign(req, { baseUrl } = {}) {
      if (!req || typeof req.url !== 'string') throw invalidArgument('request', 'a SignedRequest');
      const out = this.#call(() => this.#native.resign(String(req.method), req.url, flatHeaders(req.headers), bytes(req.body), baseUrl));
      return new SignedRequest(out, req.operation);
    }
    /** Verifies signature headers over the raw body: `{keyId, timestamp, nonce}`. */
    verify(headers, body) {
      return camelKeys(JSON.parse(this.#call(() => this.#native.verify(flatHeaders(headers), bytes(body)))));
    }
    /** Consumes any response: a 2xx must verify (then `data` is its JSON); any other status throws `ApiError`. */
    parseResponse(status, headers, body) {
      const raw = bytes(body);
      const out = JSON.parse(this.#call(() => this.#native.parseResponse(status, flatHeaders(headers), raw)));
      // The core verified the bytes and checked that they are JSON; parse those same bytes here.
      const data = raw.length === 0 ? null : JSON.parse(textDecoder.decode(raw));
      return { status: out.status, keyId: out.key_id, requestId: out.request_id ?? null, data };
    }

    /** Builds the signed request of operation `name` (see `Client.operations`) from its params. */
    build(name, params, { validation } = {}) {
      const v = validation === undefined ? undefined : jsonText(policyValue(validation), 'validation');
      return new SignedRequest(this.#call(() => this.#native.build(String(name), jsonText(params, 'request'), v)), name);
    }
    /** Verifies and decodes the response of operation `name`. */
    parse(name, status, headers, body) {
      return JSON.parse(this.#call(() => this.#native.parse(String(name), status, flatHeaders(headers), bytes(body))));
    }
    /** The signed multipart image upload (JPG, PNG or BMP, at most 2 MiB), checked by the V-IMG rules. */
    uploadImage(image, filename, { validation } = {}) {
      const v = validation === undefined ? undefined : jsonText(policyValue(validation), 'validation');
      return new SignedRequest(this.#call(() => this.#native.buildImage(String(filename ?? ''), bytes(image, 'bytes'), v)), 'upload_image');
    }
    /** The params of the page after `previous` (a decoded page), or `null` after the last page. */
    nextPage(name, params, previous, { pageMode } = {}) {
      const next = this.#call(() => this.#native.nextPage(String(name), jsonText(params, 'params'), jsonText(previous, 'previous'), pageMode));
      return next === undefined ? null : JSON.parse(next);
    }
    /**
     * Every page of a paged operation: `send(req)` is your HTTP call, returning
     * `{status, headers, body}` or a fetch `Response`.
     */
    async *pages(name, params, send) {
      if (typeof send !== 'function') throw invalidArgument('send', 'a function (SignedRequest) => Promise<{status, headers, body} | Response>');
      let p = params ?? {};
      while (p !== null) {
        const res = await readResponse(await send(this.build(name, p)));
        const page = this.parse(name, res.status, res.headers, res.body);
        yield page;
        p = this.nextPage(name, p, page);
      }
    }
    /** Builds, sends with `send` and parses one operation. */
    async call(name, params, send) {
      if (typeof send !== 'function') throw invalidArgument('send', 'a function (SignedRequest) => Promise<{status, headers, body} | Response>');
      const req = name === 'upload_image' ? this.uploadImage(params?.bytes, params?.filename) : this.build(name, params);
      const res = await readResponse(await send(req));
      return this.parse(name, res.status, res.headers, res.body);
    }

    /** A notification's envelope (`id`, `event_type`, …) before verifying or decrypting: to dispatch on `event_type`. */
    notificationEnvelope(body) {
      return JSON.parse(this.#call(() => this.#native.notificationEnvelope(bytes(body))));
    }
    /** Verifies a notification over its raw body, decrypts it and types it (`COUPON.USE` as its model). */
    parseNotification(headers, rawBody) {
      const v = JSON.parse(this.#call(() => this.#native.parseNotification(flatHeaders(headers), bytes(rawBody))));
      return {
        id: v.id, createTime: v.create_time, eventType: v.event_type, resourceType: v.resource_type,
        summary: v.summary, originalType: v.original_type, resource: v.resource, plaintext: v.plaintext,
        keyId: v.key_id, requestId: v.request_id ?? null,
      };
    }

    /** AEAD_AES_256_GCM decryption with the APIv3 key (`ciphertext` is base64 of data‖tag). */
    decryptAead(nonce, associatedData, ciphertext) {
      return this.#call(() => this.#native.decryptAead(String(nonce), String(associatedData ?? ''), String(ciphertext)));
    }
    /** AEAD_AES_256_GCM encryption with the APIv3 key: base64(ciphertext‖tag). */
    encryptAead(nonce, associatedData, plaintext) {
      return this.#call(() => this.#native.encryptAead(String(nonce), String(associatedData ?? ''), bytes(plaintext, 'plaintext')));
    }
    /** RSA-OAEP encryption of a sensitive field for the key in `Wechatpay-Serial`: `{ciphertext, serial}`. */
    encryptSensitive(plaintext) {
      return JSON.parse(this.#call(() => this.#native.encryptSensitive(String(plaintext))));
    }
    /** Decrypts a field WeChat Pay encrypted for this merchant (needs the private key). */
    decryptSensitive(ciphertext) {
      return this.#call(() => this.#native.decryptSensitive(String(ciphertext)));
    }
    /** `GET /v3/certificates` (optionally `?algorithm_type=RSA|SM2|ALL`). */
    certificatesRequest(algorithmType) {
      return new SignedRequest(this.#call(() => this.#native.certificatesRequest(algorithmType)), 'certificates');
    }
    /** Verifies the `/v3/certificates` response and trusts its valid certificates. */
    applyCertificatesResponse(status, headers, body) {
      const u = JSON.parse(this.#call(() => this.#native.applyCertificatesResponse(status, flatHeaders(headers), bytes(body))));
      return { ...camelKeys(u), certificates: (u.certificates ?? []).map((c) => camelKeys(c)) };
    }
    /** The signed `GET` of a bill file (`{url, hash_type, hash_value}` from `useFlow` / `refundFlow`). */
    billFileRequest(download) {
      return new SignedRequest(this.#call(() => this.#native.billFileRequest(jsonText(download, 'download'))), 'bill_file');
    }
  }

  for (const op of catalogue) {
    if (op.name === 'upload_image') {
      Client.prototype.parseUploadImage = function parseUploadImage(status, headers, body) {
        return this.parse('upload_image', status, headers, body);
      };
      continue;
    }
    const build = {
      [camel(op.name)](params, options) {
        return this.build(op.name, params, options);
      },
    }[camel(op.name)];
    const parse = {
      [`parse${pascal(op.name)}`](status, headers, body) {
        return this.parse(op.name, status, headers, body);
      },
    }[`parse${pascal(op.name)}`];
    Object.defineProperty(Client.prototype, camel(op.name), { value: build, writable: true, configurable: true });
    Object.defineProperty(Client.prototype, `parse${pascal(op.name)}`, { value: parse, writable: true, configurable: true });
  }
  if (runtime.inspect) {
    Object.defineProperty(Client.prototype, runtime.inspect, {
      value: function inspect() {
        return this.toString();
      },
    });
  }
  return Client;
}
