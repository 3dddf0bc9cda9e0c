// The Node entry point: the WebAssembly core loaded synchronously from its file, with
// node:crypto doing the RSA and AES (see node-crypto.js).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import * as native from '../dist/wasm/wechatpay_coupons.js';
import { makeClient, readResponse, SignedRequest } from './client.js';
import { makeExtras } from './extras.js';
import { nodeCryptoProvider, nodeSigner } from './node-crypto.js';

native.initSync({ module: readFileSync(new URL('../dist/wasm/wechatpay_coupons_bg.wasm', import.meta.url)) });

export const Client = makeClient({
  native,
  defaultCrypto: 'node',
  nodeSigner,
  nodeCryptoProvider,
  readFile: (path) => readFileSync(path),
  configPath: (p) => {
    try {
      return statSync(p).isDirectory() ? join(p, 'merchant.json') : p;
    } catch {
      return p; // the core reports the read error, naming the file
    }
  },
  inspect: inspect.custom,
});

export const {
  VerifiedBill, verifyBill, parseBill, acknowledgement, retryAdvice, v2HmacSign, verifyV2Hmac, pluginSign, h5CouponUrl,
  PRIMARY_BASE_URL, BACKUP_BASE_URL,
} = makeExtras(native);
export { SignedRequest, readResponse };
export * from './errors.js';
/** The package version. */
export const VERSION = native.version();
