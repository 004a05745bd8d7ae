import { describe, expect, it } from '@jest/globals';
import { generateApiKey, generateTemporaryPassword, hashApiKey, hashPassword, parseApiKey, sameHash, verifyPassword } from './credentials.js';

describe('credentials', () => {
  it('hashes passwords with a salt and verifies them', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).not.toEqual(second);
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$/);
    await expect(verifyPassword('correct horse battery staple', first)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', first)).resolves.toBe(false);
    await expect(verifyPassword('x', 'md5$whatever')).resolves.toBe(false);
  });

  it('generates keys whose prefix finds the row and whose hash is all that is stored', () => {
    const generated = generateApiKey();
    expect(parseApiKey(generated.key)).toEqual({ prefix: generated.prefix });
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generated.hash).not.toContain(generated.key.split('_')[2]);
    expect(sameHash(generated.hash, hashApiKey(generated.key))).toBe(true);
    expect(sameHash(generated.hash, hashApiKey(generateApiKey().key))).toBe(false);
  });

  it('generates temporary passwords that follow the password rules and have no look-alike characters', () => {
    const passwords = Array.from({ length: 50 }, () => generateTemporaryPassword());
    for (const password of passwords) {
      expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3}$/);
      expect(password.length).toBeGreaterThanOrEqual(12);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('does not parse things that are not keys', () => {
    expect(parseApiKey('eyJhbGciOiJIUzI1NiJ9.e30.x')).toBeNull();
    expect(parseApiKey('cw_short_secret')).toBeNull();
  });
});
