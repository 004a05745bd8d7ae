import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical.js';

/** A signed statement "the chain had this head hash at this sequence number, at this time". */
export interface SignedCheckpoint {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** Ed25519 signature over checkpointPayload, base64. */
  signature: string;
}

/** A checkpoint as exported to a file, with the public key needed to check it offline. */
export interface ExportedCheckpoint extends SignedCheckpoint {
  type: 'causeway-audit-checkpoint';
  publicKey: string;
}

/** The bytes a checkpoint signature covers. */
export function checkpointPayload(checkpoint: Omit<SignedCheckpoint, 'signature'>): Buffer {
  return Buffer.from(
    canonicalJson({ type: 'causeway-audit-checkpoint', v: 1, seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, keyId: checkpoint.keyId }),
    'utf8',
  );
}

/** A short, stable name for a public key: the first 16 hex digits of SHA-256 over its SPKI DER form. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function signCheckpoint(privateKey: KeyObject, head: { seq: number; hash: string; at: string }): SignedCheckpoint {
  const keyId = keyIdOf(createPublicKey(privateKey));
  const unsigned = { seq: head.seq, hash: head.hash, at: head.at, keyId };
  return { ...unsigned, signature: sign(null, checkpointPayload(unsigned), privateKey).toString('base64') };
}

/** True when the signature is valid under the key the checkpoint names; false when not, or when that key is unknown. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKeys: ReadonlyMap<string, KeyObject>): boolean {
  const key = publicKeys.get(checkpoint.keyId);
  if (!key) return false;
  try {
    return verify(null, checkpointPayload(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

export function exportCheckpoint(checkpoint: SignedCheckpoint, publicKey: KeyObject): ExportedCheckpoint {
  return { type: 'causeway-audit-checkpoint', ...checkpoint, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Reads an exported checkpoint; throws when it is not one. */
export function parseExportedCheckpoint(text: string): { checkpoint: SignedCheckpoint; publicKey: KeyObject } {
  const parsed = JSON.parse(text) as Partial<ExportedCheckpoint>;
  if (parsed.type !== 'causeway-audit-checkpoint' || typeof parsed.seq !== 'number' || typeof parsed.hash !== 'string' || typeof parsed.signature !== 'string' || typeof parsed.publicKey !== 'string') {
    throw new Error('not an exported audit checkpoint (expected the JSON written by `causeway audit:checkpoint`)');
  }
  return {
    checkpoint: { seq: parsed.seq, hash: parsed.hash, at: String(parsed.at), keyId: String(parsed.keyId), signature: parsed.signature },
    publicKey: createPublicKey(parsed.publicKey),
  };
}

export function generateSigningKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** A private key from PEM, or from base64 of its PKCS#8 DER form (handy in an environment variable). */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----') ? createPrivateKey(trimmed) : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  return key;
}
