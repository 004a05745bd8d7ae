import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** scrypt$N$r$p$salt$hash — parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFC'), salt, KEY_LENGTH, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** scrypt verifications done by this process (a login for an unknown account must cost one too). */
export const passwordWork = { verifications: 0 };

let dummyHash: Promise<string> | null = null;

/**
 * A hash of no one's password, with today's parameters: an unknown e-mail is verified against it
 * so that it takes the same work, and so the same time, as a known one.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64'));
  return dummyHash;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  passwordWork.verifications += 1;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(expected, actual);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  let token = '';
  for (let i = 0; i < length; i += 1) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}

// No 0/O, 1/l/I: a temporary password is read off a screen and typed in by a person.
const READABLE = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A one-time password of 16 random characters (≈ 92 bits) in groups of four, e.g. `Kq7m-Xr3t-Hb9w-Pz2e`. */
export function generateTemporaryPassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group += 1) {
    let text = '';
    for (let i = 0; i < 4; i += 1) text += READABLE[randomInt(READABLE.length)];
    groups.push(text);
  }
  return groups.join('-');
}

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

/**
 * API keys look like `cw_<prefix>_<secret>`: the prefix finds the client row, the SHA-256 of
 * the whole key is what is stored (190 random bits need no slow hash).
 */
export function generateApiKey(): GeneratedKey {
  const prefix = randomToken(10);
  const key = `cw_${prefix}_${randomToken(32)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function parseApiKey(candidate: string): { prefix: string } | null {
  const match = /^cw_([A-Za-z0-9]{10})_[A-Za-z0-9]{32}$/.exec(candidate);
  return match ? { prefix: match[1]! } : null;
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
