import { createPublicKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CausewayConfig } from '@causeway/core';
import { generateSigningKey, keyIdOf, parseSigningKey } from './checkpoint.js';

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';
export const CHECKPOINT_LOG_FILE = 'audit-checkpoints.jsonl';

/** The checkpoint signing key: kept outside the database, so that whoever can rewrite the table cannot re-sign it. */
export class AuditSigningKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(
    readonly privateKey: KeyObject,
    readonly source: string,
  ) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

/**
 * AUDIT_SIGNING_KEY when set; otherwise the key file in the data folder, generated once (mode
 * 0600) with its public half beside it for verifiers.
 */
export async function loadSigningKey(config: CausewayConfig): Promise<AuditSigningKey> {
  if (config.AUDIT_SIGNING_KEY) return new AuditSigningKey(parseSigningKey(config.AUDIT_SIGNING_KEY), 'AUDIT_SIGNING_KEY');
  const file = path.join(config.dataDir, SIGNING_KEY_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing !== null) return new AuditSigningKey(await readKeyFile(file), file);
  await mkdir(config.dataDir, { recursive: true });
  const generated = generateSigningKey();
  // wx: when two processes start at once, the first file wins and both read it back.
  await writeFile(file, generated.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  const key = new AuditSigningKey(await readKeyFile(file), file);
  await writeFile(path.join(config.dataDir, PUBLIC_KEY_FILE), key.publicKeyPem, { mode: 0o644 });
  return key;
}

/** Reads the key file, waiting briefly if another process is still writing it. */
async function readKeyFile(file: string): Promise<ReturnType<typeof parseSigningKey>> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return parseSigningKey(await readFile(file, 'utf8'));
    } catch (error) {
      if (attempt >= 5) throw new Error(`cannot read the audit signing key ${file}: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
