// A domain's X25519 key pair on disk: SPKI public key, PKCS#8 private key readable by the owner only.
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `keys/domain.pub.pem` and `keys/domain.key.pem` (mode 0600) under the domain folder. Keys are
 * fresh randomness on every run — the only non-deterministic output of the generator.
 *
 * @example
 * await writeDomainKeys('/tmp/world/domains/d-bj');
 */
export async function writeDomainKeys(domainDir: string): Promise<void> {
  const dir = path.join(domainDir, 'keys');
  await mkdir(dir, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('x25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const keyFile = path.join(dir, 'domain.key.pem');
  await writeFile(path.join(dir, 'domain.pub.pem'), publicKey);
  await writeFile(keyFile, privateKey, { mode: 0o600 });
  // `mode` only applies when the file is created; a rerun over an old world must tighten it too.
  await chmod(keyFile, 0o600);
}
