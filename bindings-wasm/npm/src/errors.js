// The error classes of the package, rooted at WechatPayError. Every error the core raises
// arrives as a native error whose `payload` is `{kind, code, message, fields}` (the core's
// stable codes); `fromNative` maps it by `kind`, mechanically.

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Base class of every error of this package. `code` is the core's stable code. */
export class WechatPayError extends Error {
  /** The `kind` of an error made with `new` (the core sets it on the errors it raises). */
  static defaultKind = 'error';
  constructor(message, { code = 'error', kind = new.target.defaultKind, fields = {}, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true });
    /** The core's stable code, `<kind>.<reason>` (for example `verify.timestamp_skew`). */
    this.code = code;
    /** The core's error class (`validation`, `verify`, `api`, …). */
    this.kind = kind;
    /** The error's fields as data (camelCase keys). */
    this.fields = fields;
  }
}

/** The request breaks documented rules; `violations` lists each one. */
export class ValidationError extends WechatPayError {
  static defaultKind = 'validation';
  constructor(message, init = {}) {
    super(message, init);
    this.violations = (init.fields?.violations ?? []).map((v) => ({
      field: v.field,
      value: v.value ?? null,
      issue: v.issue ?? v.message,
      rule: v.rule,
      severity: v.severity ?? 'error',
      message: v.message,
      messageZh: v.messageZh ?? '',
    }));
  }
}
/** A key, certificate or configuration value is missing or unusable. */
export class KeyConfigError extends WechatPayError {
  static defaultKind = 'key';
}
/** A response or notification failed signature verification. */
export class SignatureError extends WechatPayError {
  static defaultKind = 'verify';
}
/** The signature is a `WECHATPAY/SIGNTEST/` probe: answer it like any verification failure. */
export class ProbeSignatureError extends SignatureError {
  static defaultKind = 'probe';
}
/** An encrypted payload could not be decrypted. */
export class DecryptError extends WechatPayError {
  static defaultKind = 'decrypt';
}
/** A verified body does not have the expected shape. */
export class DecodeError extends WechatPayError {
  static defaultKind = 'decode';
}
/** A bill file failed its integrity check or could not be parsed. */
export class BillError extends WechatPayError {
  static defaultKind = 'bill';
}
/** The custom signer failed; `cause` is what it threw. */
export class SignerError extends WechatPayError {
  static defaultKind = 'signer';
}
/** WeChat Pay answered with a non-2xx status. */
export class ApiError extends WechatPayError {
  static defaultKind = 'api';
  constructor(message, init = {}) {
    super(message, init);
    const f = init.fields ?? {};
    /** HTTP status. */
    this.status = f.status;
    /** WeChat Pay's own code (`PARAM_ERROR`, …); `null` when the body had none. */
    this.wechatpayCode = f.code ?? null;
    /** WeChat Pay's message, if any. */
    this.apiMessage = f.message ?? null;
    /** The `detail` object of parameter errors, if any. */
    this.detail = f.detail ?? null;
    /** `Request-ID`, to quote in support tickets. */
    this.requestId = f.requestId ?? null;
    /** Whether sending again (re-signed) may succeed. */
    this.retryable = Boolean(f.retryable);
  }
}

const BY_KIND = {
  validation: ValidationError,
  input: ValidationError,
  key: KeyConfigError,
  config: KeyConfigError,
  verify: SignatureError,
  probe: ProbeSignatureError,
  decrypt: DecryptError,
  api: ApiError,
  decode: DecodeError,
  bill: BillError,
  signer: SignerError,
  crypto: WechatPayError,
};

function camelFields(value) {
  if (Array.isArray(value)) return value.map(camelFields);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[camel(k)] = k === 'detail' ? v : camelFields(v);
  return out;
}

/** The package error for a native one; anything else is returned as it is. */
export function fromNative(err, cause) {
  if (!(err instanceof Error) || err.name !== 'WechatPayNativeError' || typeof err.payload !== 'string') {
    return err;
  }
  const p = JSON.parse(err.payload);
  let fields = camelFields(p.fields ?? {});
  if (p.kind === 'input') {
    // A bad argument: one violation naming the field, like the other bindings.
    fields = {
      ...fields,
      violations: [{ field: fields.field ?? 'request', rule: p.code.split('.')[1], severity: 'error', message: p.message, messageZh: '' }],
    };
  }
  const Class = BY_KIND[p.kind] ?? WechatPayError;
  return new Class(p.message, { code: p.code, kind: p.kind, fields, cause });
}

/** Calls `fn`, turning native errors into package errors. */
export function guard(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

/** A ValidationError for bad input caught in JS (argument shapes), naming `field`. */
export function invalidArgument(field, message, rule = 'type') {
  return new ValidationError(`${field}: ${message}`, {
    code: 'validation.violations',
    kind: 'validation',
    fields: { violations: [{ field, rule, severity: 'error', message }] },
  });
}
