// Types of the entry point for runtimes without node:crypto: the same API after `init()`.
import type * as api from './index.js';

export * from './models.js';
export type { ClientOptions, SignedRequest, Violation, Notification, RetryAdvice, Acknowledgement, BillDownload } from './index.js';
export { WechatPayError, ValidationError, KeyConfigError, SignatureError, ProbeSignatureError, DecryptError, DecodeError, BillError, SignerError, ApiError, readResponse } from './index.js';

/** The package API once loaded. */
export interface Api {
  Client: typeof api.Client;
  verifyBill: typeof api.verifyBill;
  parseBill: typeof api.parseBill;
  acknowledgement: typeof api.acknowledgement;
  retryAdvice: typeof api.retryAdvice;
  v2HmacSign: typeof api.v2HmacSign;
  verifyV2Hmac: typeof api.verifyV2Hmac;
  pluginSign: typeof api.pluginSign;
  h5CouponUrl: typeof api.h5CouponUrl;
  PRIMARY_BASE_URL: string;
  BACKUP_BASE_URL: string;
}
/** Loads the WebAssembly module (its bytes, a URL, a Response or a `WebAssembly.Module`; default: the file next to this module). */
export function init(input?: BufferSource | URL | string | Response | WebAssembly.Module): Promise<Api>;
/** The API after `init()` resolved. */
export function loaded(): Api;
