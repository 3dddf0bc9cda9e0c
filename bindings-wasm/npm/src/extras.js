// What the package offers beside the Client: bills, acknowledgements, retry advice and the
// APIv2 plugin signatures. `makeExtras(native)` binds them to one runtime's native module.
import { bytes, camelKeys, jsonText } from './convert.js';
import { ApiError, fromNative, guard, invalidArgument, WechatPayError } from './errors.js';

/** Chunks of a `ReadableStream`, an async or sync iterable of byte chunks, or one `Uint8Array`. */
async function* chunks(source) {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer || typeof source === 'string') {
    yield bytes(source, 'source');
    return;
  }
  if (source && typeof source.getReader === 'function') {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield bytes(value, 'source');
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (source && (typeof source[Symbol.asyncIterator] === 'function' || typeof source[Symbol.iterator] === 'function')) {
    for await (const c of source) yield bytes(c, 'source');
    return;
  }
  throw invalidArgument('source', 'a ReadableStream, an (async) iterable of Uint8Array chunks, or a Uint8Array');
}

export function makeExtras(native) {
  /** Proof that a bill file matched its `hash_value`: the only way to parse one. */
  class VerifiedBill {
    #inner;
    constructor(inner) {
      this.#inner = inner;
      /** Length of the verified bytes. */
      this.length = inner.length;
      /** The verified SHA-1, lower-case hex. */
      this.sha1 = inner.sha1;
    }
    /** @internal */
    static native(v) {
      if (!(v instanceof VerifiedBill)) throw invalidArgument('verified', 'a VerifiedBill from verifyBill()');
      return v.#inner;
    }
  }

  /** Pass 1: streams `source` through SHA-1 in constant memory and checks it against `download.hash_value`. */
  async function verifyBill(download, source) {
    const d = guard(() => new native.BillDigest(jsonText(download, 'download')));
    try {
      for await (const c of chunks(source)) guard(() => d.update(c));
      return new VerifiedBill(guard(() => d.finish()));
    } finally {
      d.free();
    }
  }

  /**
   * Pass 2: the rows of a verified bill, parsed chunk by chunk in constant memory. Iterate it
   * with `for await`; `summary` is set when the file ends.
   */
  class BillRows {
    constructor(verified, source, { kind = 'use_flow', recheck = false } = {}) {
      this.summary = null;
      Object.defineProperty(this, 'source', { value: source, enumerable: false });
      Object.defineProperty(this, 'parser', {
        value: guard(() => new native.BillParser(VerifiedBill.native(verified), String(kind), Boolean(recheck))),
        enumerable: false,
      });
    }
    async *[Symbol.asyncIterator]() {
      const p = this.parser;
      try {
        for await (const c of chunks(this.source)) {
          for (const row of JSON.parse(guard(() => p.feed(c)))) yield row;
        }
        const end = JSON.parse(guard(() => p.finish()));
        this.summary = end.summary;
        for (const row of end.rows) yield row;
      } finally {
        p.free();
      }
    }
  }
  const parseBill = (verified, source, options) => new BillRows(verified, source, options);

  /** The answer to send WeChat Pay for a notification: success without an error, else the failure its kind calls for. */
  function acknowledgement(error) {
    let kind;
    if (error !== undefined && error !== null) kind = error instanceof WechatPayError ? error.kind : 'error';
    const a = JSON.parse(native.acknowledgementFor(kind));
    return { status: a.status, headers: { 'Content-Type': a.content_type }, body: a.body };
  }

  /** Whether, when and where to retry after `error` ended attempt `attempt` (1 for the first). */
  function retryAdvice(error, attempt = 1) {
    let status = 0; // a transport failure (no HTTP answer)
    let code;
    if (error instanceof ApiError) {
      status = error.status;
      code = error.wechatpayCode ?? undefined;
    } else if (error instanceof WechatPayError) {
      return { retry: false, delayMs: 0, useBackupHost: false, baseUrl: null };
    }
    return camelKeys(JSON.parse(native.retryAdvice(status, code, attempt)));
  }

  const key = (k) => bytes(k, 'apiv2Key');
  /** APIv2 HMAC-SHA256 over `params` (an object of strings): `{sign, stringToSignRedacted}`. */
  const v2HmacSign = (params, apiv2Key) => camelKeys(JSON.parse(guard(() => native.v2HmacSign(jsonText(params, 'params'), key(apiv2Key)))));
  /** Checks an APIv2 HMAC-SHA256 `sign` (constant time). */
  const verifyV2Hmac = (params, apiv2Key, sign) => guard(() => native.verifyV2Hmac(jsonText(params, 'params'), key(apiv2Key), String(sign)));
  /** Signs the send-coupon plugin's parameters: `{payload, sign, stringToSignRedacted, warnings}`. */
  const pluginSign = (sendCouponMerchant, entries, apiv2Key) =>
    camelKeys(JSON.parse(guard(() => native.pluginSign(String(sendCouponMerchant), jsonText(entries, 'send_coupon_params'), key(apiv2Key)))), ['payload']);
  /** Builds and signs the H5 coupon page URL: `{url, sign, stringToSignRedacted, warnings}`. */
  const h5CouponUrl = (params, apiv2Key) => camelKeys(JSON.parse(guard(() => native.h5CouponUrl(jsonText(params, 'params'), key(apiv2Key)))));

  const [PRIMARY_BASE_URL, BACKUP_BASE_URL] = JSON.parse(native.baseUrls());
  return {
    VerifiedBill, verifyBill, parseBill, acknowledgement, retryAdvice, v2HmacSign, verifyV2Hmac, pluginSign, h5CouponUrl,
    PRIMARY_BASE_URL, BACKUP_BASE_URL, fromNative,
  };
}
