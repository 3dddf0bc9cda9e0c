// Conversions of host values for the native half: header shapes to a flat list, body shapes to
// bytes, option names to the core's, JSON views to camelCase.
import { invalidArgument } from './errors.js';

const encoder = new TextEncoder();

/** Any header shape (fetch `Headers`, a plain object, Node's `IncomingHttpHeaders`, pairs) → JSON `[name, value, …]`. */
export function flatHeaders(headers) {
  const flat = [];
  if (headers === undefined || headers === null) return '[]';
  if (typeof headers !== 'object') throw invalidArgument('headers', 'a Headers, a plain object or [name, value] pairs');
  const add = (name, value) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      for (const v of value) flat.push(String(name), String(v));
    } else {
      flat.push(String(name), String(value));
    }
  };
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function' && !Array.isArray(headers)) {
    headers.forEach((value, name) => add(name, value)); // fetch Headers, Map
  } else if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) throw invalidArgument('headers', '[name, value] pairs');
      add(pair[0], pair[1]);
    }
  } else {
    for (const [name, value] of Object.entries(headers)) add(name, value);
  }
  return JSON.stringify(flat);
}

/** Any body shape (`Uint8Array`, `Buffer`, `ArrayBuffer`, a typed array view, `string`) → `Uint8Array`. */
export function bytes(body, field = 'body') {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) return new Uint8Array(0);
  throw invalidArgument(field, 'a Uint8Array, Buffer, ArrayBuffer or string (the raw bytes)');
}

/** Text or bytes of a PEM or key, as the core's options take it. */
export function pem(value, field) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return Array.from(bytes(value, field));
  }
  throw invalidArgument(field, 'a string or bytes (PEM)');
}

/** JSON text of params, refusing what JSON cannot carry (BigInt, cycles). */
export function jsonText(value, field) {
  try {
    return JSON.stringify(value ?? {});
  } catch {
    throw invalidArgument(field, 'JSON-serialisable data (no BigInt, no cycles)');
  }
}

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** A view object with camelCase keys, one level deep (`keep` names keys whose values stay as they are). */
export function camelKeys(obj, keep = []) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = camel(k);
    out[key] = v !== null && typeof v === 'object' && !Array.isArray(v) && !keep.includes(k) ? camelKeys(v, keep) : v;
  }
  return out;
}

/** `snake_case` for a camelCase option name. */
export const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A validation policy for the core: option keys may be camelCase (`promoteWarnings`) or snake_case. */
export function policyValue(policy) {
  if (policy !== null && typeof policy === 'object' && !Array.isArray(policy)) {
    const out = {};
    for (const [k, v] of Object.entries(policy)) out[snake(k)] = v;
    return out;
  }
  return policy;
}
