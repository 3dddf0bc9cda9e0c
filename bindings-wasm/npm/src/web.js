// The entry point for runtimes without node:crypto (browsers, Deno, edge workers): the whole
// core runs in WebAssembly (RustCrypto). Call `await init()` once first; pass the `.wasm` bytes,
// a URL or a `WebAssembly.Module` where the runtime cannot fetch the file next to this module.
import * as native from '../dist/wasm/wechatpay_coupons.js';
import { makeClient, readResponse, SignedRequest } from './client.js';
import { makeExtras } from './extras.js';

let ready = null;
let api = null;

/** Loads the WebAssembly module; resolves to the package API (also exported once loaded). */
export async function init(input) {
  ready ??= native.default(input === undefined ? undefined : { module_or_path: input }).then(() => {
    api = { Client: makeClient({ native, defaultCrypto: 'wasm' }), ...makeExtras(native) };
    Object.assign(exported, api);
    return api;
  });
  return ready;
}

const exported = {};
/** The package API after `init()` resolved (`Client`, `verifyBill`, …). */
export function loaded() {
  if (!api) throw new Error('wechatpay-coupons: call `await init()` first');
  return api;
}
export { SignedRequest, readResponse };
export * from './errors.js';
