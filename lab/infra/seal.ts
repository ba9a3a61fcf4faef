// Sealed envelopes: encrypt to a domain's long-term X25519 key (ephemeral ECDH + HKDF-SHA256 + AES-256-GCM).
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

const INFO = Buffer.from('joint-modeling-lab/seal/v1');
const VERSION = 1;

function deriveKey(shared: Buffer, ephemeralPub: Buffer, recipientPub: Buffer): Buffer {
  // Binding both public keys into the salt ties the key to this exact exchange.
  const salt = Buffer.concat([ephemeralPub, recipientPub]);
  return Buffer.from(hkdfSync('sha256', shared, salt, INFO, 32));
}

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

/**
 * Encrypts `plaintext` so only the holder of the recipient's X25519 private key can read it.
 * Layout: version(1) | ephemeral public key(32) | iv(12) | tag(16) | ciphertext.
 *
 * @example
 * const box = seal(publicKeyPem, Buffer.from('labels')); open(privateKeyPem, box).toString(); // 'labels'
 */
export function seal(recipientPublicPem: string, plaintext: Buffer, aad = Buffer.alloc(0)): Buffer {
  const recipient = createPublicKey(recipientPublicPem);
  const eph = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
  const ephPub = rawPublic(eph.publicKey);
  const key = deriveKey(shared, ephPub, rawPublic(recipient));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), ephPub, iv, cipher.getAuthTag(), body]);
}

/**
 * Opens an envelope made by `seal`; throws if it was altered or is not for this key.
 *
 * @example
 * const labels = open(privateKeyPem, box);
 */
export function open(recipientPrivatePem: string, box: Buffer, aad = Buffer.alloc(0)): Buffer {
  if (box.length < 61 || box[0] !== VERSION) throw new Error('sealed envelope: bad format');
  const priv = createPrivateKey(recipientPrivatePem);
  const ephPub = box.subarray(1, 33);
  const iv = box.subarray(33, 45);
  const tag = box.subarray(45, 61);
  const ephKey = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: ephPub.toString('base64url') },
    format: 'jwk',
  });
  const shared = diffieHellman({ privateKey: priv, publicKey: ephKey });
  const key = deriveKey(shared, ephPub, rawPublic(createPublicKey(priv)));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(box.subarray(61)), decipher.final()]);
}
