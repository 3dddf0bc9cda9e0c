// The core's crypto seams on node:crypto: the merchant signer (a KeyObject parsed once per
// client) and the provider for verification, RSA-OAEP and AES-256-GCM (public keys parsed once
// per key id and cached in the provider).
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, sign, verify } from 'node:crypto';

/**
 * The merchant key on node:crypto: `sign` (SHA256withRSA) and `decrypt` (RSA-OAEP SHA-1) over
 * a private key PEM that the core has checked. node:crypto parses it into a KeyObject once, at
 * its first use, so constructing a client parses no key twice.
 */
export function nodeSigner(privateKeyPem) {
  let key = null;
  const text = typeof privateKeyPem === 'string' ? privateKeyPem : Buffer.from(privateKeyPem);
  const keyObject = () => (key ??= createPrivateKey(text));
  return {
    sign: (message) => sign('sha256', message, keyObject()),
    decrypt: (ciphertext) =>
      privateDecrypt({ key: keyObject(), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ciphertext),
  };
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
