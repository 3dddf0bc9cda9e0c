// Types of the package's Node entry point. The request and response models and the operation
// map (`Operations`) are generated from the core (`./models.d.ts`, `cargo xtask gen`); this file
// types the client, the errors and the binding's own views, and derives one method pair per
// operation from `Operations`, so a new operation needs no edit here.
import type { CouponUseEvent, OperationName, Operations } from './models.js';

export * from './models.js';

/** `create_stock` → `createStock`. */
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** Headers as fetch `Headers`, a plain object, Node's `IncomingHttpHeaders` or `[name, value]` pairs. */
export type HeadersLike =
  | { forEach(cb: (value: string, name: string) => void): void; get(name: string): string | null }
  | Record<string, string | string[] | number | undefined>
  | ReadonlyArray<readonly [string, string]>;

/** Raw body bytes: `Uint8Array` (and `Buffer`), `ArrayBuffer`, another typed-array view, or text. */
export type BodyLike = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** A PEM (or key) as text or bytes. */
export type PemLike = string | Uint8Array | ArrayBuffer;

/** A response as your HTTP client gives it. */
export interface RawResponse {
  status: number;
  headers: HeadersLike;
  body: BodyLike;
}

/** A fetch `Response`, or anything with `status`, `headers` and `arrayBuffer()`. */
export interface ResponseLike {
  status: number;
  headers: HeadersLike;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Sends a signed request with your HTTP client. */
export type Send = (request: SignedRequest) => Promise<RawResponse | ResponseLike>;

/** One documented-rule violation. */
export interface Violation {
  /** JSON path of the field, e.g. `coupon_use_rule.fixed_normal_coupon.coupon_amount`. */
  field: string;
  /** The offending value, echoed and truncated; `null` when the field is missing. */
  value: string | null;
  /** What is wrong (English). */
  issue: string;
  /** Rule id, e.g. `V-CS-12`, `unknown_field`, `type`. */
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  messageZh: string;
}

/** A validation policy: `"default"`, `"strict"`, or an object (see the README). */
export type ValidationPolicy = 'default' | 'strict' | { [option: string]: unknown };

/** A host crypto provider (the default on Node is `node:crypto`). */
export interface CryptoProvider {
  name?: string;
  verify(keyId: string, spkiDer: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  oaepEncrypt(keyId: string, spkiDer: Uint8Array, plaintext: Uint8Array): Uint8Array;
  gcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array;
  gcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
}

/** Client options. Give a `privateKey` or a `signer`. */
export interface ClientOptions {
  /** The merchant id. */
  mchid: string;
  /** The merchant API certificate serial (hex). */
  merchantSerial: string;
  /** The merchant API private key (PKCS#8 or PKCS#1 PEM). */
  privateKey?: PemLike;
  /** The APIv3 key (32 bytes). */
  apiv3Key?: PemLike;
  /** The WeChat Pay public key id (`PUB_KEY_ID_…`), with `wechatpayPublicKey`. */
  wechatpayPublicKeyId?: string;
  /** The WeChat Pay public key PEM. */
  wechatpayPublicKey?: PemLike;
  /** Platform certificates (PEM), for merchants not yet on the public key. */
  platformCertificates?: PemLike | PemLike[];
  /** Signs with a key kept elsewhere (HSM, KMS): returns the raw RSA signature bytes. */
  signer?: (message: Uint8Array) => Uint8Array;
  /** A fixed clock (Unix seconds; move it with `setNow`) or a clock function. */
  now?: number | (() => number);
  /** Fixed nonces, for reproducible tests. */
  nonce?: string | string[];
  /** The API origin (default `https://api.mch.weixin.qq.com`; the sandbox's URL for tests). */
  baseUrl?: string;
  /** The validation policy of every build. */
  validation?: ValidationPolicy;
  /** The `User-Agent` header. */
  userAgent?: string;
  /** Largest accepted `|now − Wechatpay-Timestamp|` in seconds (default 300). */
  maxSkew?: number;
  /** Accept `http://` notify URLs on loopback hosts (sandbox use). */
  allowHttpNotifyUrl?: boolean;
  /** `"auto"` (default), `"omit"` or a fixed `Wechatpay-Serial`. */
  serialPolicy?: string;
  /** The default page mode of paged operations. */
  pageMode?: 'page_index' | 'item_offset';
  /** `"node"` (default on Node), `"wasm"` (pure WebAssembly) or your own provider. */
  crypto?: 'node' | 'wasm' | CryptoProvider;
}

/** A signed request: `fetch(req.url, req)` sends it as it is. */
export class SignedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The exact signed body; `undefined` for a GET. */
  readonly body: Uint8Array<ArrayBuffer> | undefined;
  /** The operation it was built for, if any. */
  readonly operation: string | undefined;
  /** Validation warnings (never errors: those refuse the build). */
  readonly warnings: Violation[];
}

/** Per-call build options. */
export interface BuildOptions {
  /** Overrides the client's validation policy for this call. */
  validation?: ValidationPolicy;
}

/** One method per operation: `createStock(params)` → the signed request. */
type BuildMethods = {
  [K in Exclude<OperationName, 'upload_image'> as Camel<K>]: (
    params: Operations[K]['request'],
    options?: BuildOptions,
  ) => SignedRequest;
};

/** One method per operation: `parseCreateStock(status, headers, body)` → the verified, typed response. */
type ParseMethods = {
  [K in OperationName as `parse${Capitalize<Camel<K>>}`]: (
    status: number,
    headers: HeadersLike,
    body: BodyLike,
  ) => Operations[K]['response'];
};

/** A verified, decrypted notification. */
export interface Notification<R = CouponUseEvent | unknown> {
  id: string;
  createTime: string;
  /** `COUPON.USE`, … */
  eventType: string;
  resourceType: string;
  summary: string;
  originalType: string;
  /** `COUPON.USE` as its model; another event's JSON; `null` when not JSON. */
  resource: R;
  plaintext: string;
  /** The key that verified it. */
  keyId: string;
  requestId: string | null;
}

/** A notification's envelope, read before any verification. */
export interface NotificationEnvelope {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary: string;
  resource: { algorithm: string; ciphertext: string; nonce: string; associated_data?: string; original_type: string };
  [extra: string]: unknown;
}

/** The answer to send back to a notification. */
export interface Acknowledgement {
  status: number;
  headers: { 'Content-Type': string };
  body: string;
}

/** Whether, when and where to retry. */
export interface RetryAdvice {
  retry: boolean;
  delayMs: number;
  useBackupHost: boolean;
  baseUrl: string | null;
}

/** A `{url, hash_type, hash_value}` bill download (the `useFlow` / `refundFlow` response). */
export interface BillDownload {
  url: string;
  hash_type: string;
  hash_value: string;
}

/** A merchant's APIv3 client. Builds signed requests and verifies what comes back; no I/O. */
export interface Client extends BuildMethods, ParseMethods {}
export class Client {
  constructor(options: ClientOptions);
  /** A client from `merchant.json` in `dir` (or the file itself); `overrides` win. */
  static fromConfig(dir: string, overrides?: Partial<ClientOptions>): Client;
  /** The core's operation catalogue. */
  static readonly operations: ReadonlyArray<{
    name: OperationName;
    title: string;
    method: string;
    path: string;
    path_params: string[];
    query_params: string[];
    body: string;
    parameters: { name: string; location: string; kind: string }[];
    signed_response: boolean;
    paged: boolean;
    request_type: string;
    response_type: string;
  }>;
  readonly mchid: string;
  readonly merchantSerial: string;
  readonly baseUrl: string;
  toJSON(): { mchid: string; merchantSerial: string; baseUrl: string; trustedKeys: string[]; signer: string; crypto: string };
  now(): number;
  setNow(now: number): void;
  trustedKeys(): string[];
  trustPublicKey(keyId: string, pem: PemLike): void;
  trustCertificate(pem: PemLike): void;
  requestSerial(): string | null;
  outRequestNo(): string;
  sign(method: string, url: string, body?: BodyLike): { message: string; signature: string; authorization: string };
  request(method: string, path: string, body?: BodyLike | object): SignedRequest;
  resign(request: SignedRequest, options?: { baseUrl?: string }): SignedRequest;
  verify(headers: HeadersLike, body: BodyLike): { keyId: string; timestamp: number; nonce: string };
  parseResponse(status: number, headers: HeadersLike, body: BodyLike): { status: number; keyId: string; requestId: string | null; data: unknown };
  build<K extends Exclude<OperationName, 'upload_image'>>(name: K, params: Operations[K]['request'], options?: BuildOptions): SignedRequest;
  parse<K extends OperationName>(name: K, status: number, headers: HeadersLike, body: BodyLike): Operations[K]['response'];
  uploadImage(image: BodyLike, filename: string, options?: BuildOptions): SignedRequest;
  nextPage<K extends OperationName>(name: K, params: Operations[K]['request'], previous: Operations[K]['response'], options?: { pageMode?: 'page_index' | 'item_offset' }): Operations[K]['request'] | null;
  pages<K extends OperationName>(name: K, params: Operations[K]['request'], send: Send): AsyncGenerator<Operations[K]['response'], void, void>;
  call<K extends OperationName>(name: K, params: Operations[K]['request'], send: Send): Promise<Operations[K]['response']>;
  notificationEnvelope(body: BodyLike): NotificationEnvelope;
  parseNotification(headers: HeadersLike, rawBody: BodyLike): Notification;
  decryptAead(nonce: string, associatedData: string, ciphertext: string): Uint8Array;
  encryptAead(nonce: string, associatedData: string, plaintext: BodyLike): string;
  encryptSensitive(plaintext: string): { ciphertext: string; serial: string };
  decryptSensitive(ciphertext: string): string;
  certificatesRequest(algorithmType?: 'RSA' | 'SM2' | 'ALL'): SignedRequest;
  applyCertificatesResponse(status: number, headers: HeadersLike, body: BodyLike): {
    added: string[];
    expired: string[];
    verifiedBy: string;
    trustOnFirstUse: boolean;
    /** When to download again (Unix seconds). */
    refreshAt: number;
    certificates: { serial: string; notBefore: number; notAfter: number; pem: string }[];
  };
  billFileRequest(download: BillDownload): SignedRequest;
}

/** Proof that a bill file matched its `hash_value`. */
export class VerifiedBill {
  readonly length: number;
  readonly sha1: string;
}

/** A source of bill bytes. */
export type BillSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array | ArrayBuffer | string;

/** Rows of a bill file; `summary` is set once iteration ends. */
export interface BillRows extends AsyncIterable<Record<string, string | null>> {
  summary: Record<string, unknown> | null;
}

/** Pass 1: SHA-1 of the file in constant memory, checked against `hash_value`. */
export function verifyBill(download: BillDownload, source: BillSource): Promise<VerifiedBill>;
/** Pass 2: the rows of a verified bill, parsed in constant memory. */
export function parseBill(verified: VerifiedBill, source: BillSource, options?: { kind?: 'use_flow' | 'refund_flow'; recheck?: boolean }): BillRows;
/** The answer for a notification: success without an error, else the failure its class calls for. */
export function acknowledgement(error?: unknown): Acknowledgement;
/** Retry advice after `error` ended attempt `attempt` (1 for the first). */
export function retryAdvice(error: unknown, attempt?: number): RetryAdvice;
export function v2HmacSign(params: Record<string, string>, apiv2Key: PemLike): { sign: string; stringToSignRedacted: string };
export function verifyV2Hmac(params: Record<string, string>, apiv2Key: PemLike, sign: string): boolean;
export function pluginSign(
  sendCouponMerchant: string,
  entries: { stock_id: string; out_request_no: string; product?: 'favor' | 'busifavor'; create_coupon_merchant?: string; coupon_code?: string; customize_send_time?: string }[],
  apiv2Key: PemLike,
): { payload: Record<string, unknown>; sign: string; stringToSignRedacted: string; warnings: unknown[] };
export function h5CouponUrl(
  params: { stock_id: string; out_request_no: string; send_coupon_merchant: string; open_id: string; coupon_code?: string; customize_send_time?: string },
  apiv2Key: PemLike,
): { url: string; sign: string; stringToSignRedacted: string; warnings: unknown[] };
/** `{status, headers, body}` of a fetch `Response`. */
export function readResponse(res: RawResponse | ResponseLike): Promise<RawResponse>;
export const PRIMARY_BASE_URL: string;
export const BACKUP_BASE_URL: string;
export const VERSION: string;

/** Base class of every error of this package. */
export class WechatPayError extends Error {
  /** The core's stable code, `<kind>.<reason>` (e.g. `verify.timestamp_skew`). */
  readonly code: string;
  /** The core's error class: `validation`, `key`, `config`, `verify`, `probe`, `decrypt`, `api`, `decode`, `bill`, `signer`, `crypto`. */
  readonly kind: string;
  /** The error's fields as data. */
  readonly fields: Record<string, unknown>;
}
export class ValidationError extends WechatPayError {
  readonly violations: Violation[];
}
export class KeyConfigError extends WechatPayError {}
export class SignatureError extends WechatPayError {}
export class ProbeSignatureError extends SignatureError {}
export class DecryptError extends WechatPayError {}
export class DecodeError extends WechatPayError {}
export class BillError extends WechatPayError {}
export class SignerError extends WechatPayError {}
export class ApiError extends WechatPayError {
  readonly status: number;
  /** WeChat Pay's own code (`PARAM_ERROR`, …). */
  readonly wechatpayCode: string | null;
  readonly apiMessage: string | null;
  readonly detail: Record<string, unknown> | null;
  readonly requestId: string | null;
  readonly retryable: boolean;
}
