// The core's crypto seams on node:crypto: the merchant signer (a KeyObject parsed once per
// client) and the provider for verification, RSA-OAEP and AES-256-GCM (public keys parsed once
// per key id and cached in the provider).
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, publicEncrypt, sign, verify } from 'node:crypto';

/** A signer `(message) => signature` over a private key PEM, with its signature length; `null` when node:crypto cannot read the key (the core then reports why). */
export function nodeSigner(privateKeyPem) {
  let key;
  try {
    key = createPrivateKey(typeof privateKeyPem === 'string' ? privateKeyPem : Buffer.from(privateKeyPem));
  } catch {
    return null;
  }
  if (key.asymmetricKeyType !== 'rsa') return null;
  const len = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8) || undefined;
  return { sign: (message) => sign('sha256', message, key), len };
}

/** The crypto provider on node:crypto. */
export function nodeCryptoProvider() {
  const keys = new Map(); // key id → { der, key }
  const publicKey = (id, der) => {
    const hit = keys.get(id);
    if (hit && Buffer.compare(hit.der, der) === 0) return hit.key;
    const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    keys.set(id, { der: Buffer.from(der), key });
    return key;
  };
  return {
    name: 'node:crypto',
    verify: (id, der, message, signature) => verify('sha256', message, publicKey(id, der), signature),
    oaepEncrypt: (id, der, plaintext) =>
      publicEncrypt({ key: publicKey(id, der), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, plaintext),
    gcmOpen: (key, nonce, aad, sealed) => {
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAAD(aad);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
    },
    gcmSeal: (key, nonce, aad, plaintext) => {
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    },
  };
}
