import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CausewayConfig } from './config.js';

/** Keys derived from one master secret, each for one purpose, so no key serves two jobs. */
export class Secrets {
  constructor(private readonly master: Buffer) {}

  /** A 32-byte key for a named purpose ("jwt", "cursor", "mask-hash", ...). */
  key(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `causeway:${purpose}`, 32));
  }

  keyString(purpose: string): string {
    return this.key(purpose).toString('base64url');
  }

  /**
   * Names the master secret without revealing anything of it (an HMAC of a fixed label under a key
   * of its own): two processes with equal fingerprints share one secret.
   */
  fingerprint(): string {
    return createHmac('sha256', this.key('fingerprint')).update('causeway master secret fingerprint v1').digest('hex');
  }
}

/**
 * JWT_SECRET when set; otherwise a master secret generated once into the data folder
 * (mode 0600), so development restarts keep sessions and cursors valid.
 */
export async function loadSecrets(config: CausewayConfig): Promise<Secrets> {
  if (config.JWT_SECRET) return new Secrets(Buffer.from(config.JWT_SECRET, 'utf8'));
  const file = path.join(config.dataDir, 'master.key');
  try {
    return new Secrets(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  const generated = randomBytes(48);
  await writeFile(file, generated.toString('base64'), { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return new Secrets(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
}
