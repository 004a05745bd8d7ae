import { describe, expect, it } from '@jest/globals';
import { creditCodeCheck, enterprise, idCardCheck, isValidCreditCode, isValidIdCard, organizationCodeCheck, person, random } from './synthetic.js';

describe('synthetic identifiers', () => {
  it('computes GB 11643 identity-number check characters, X included', () => {
    expect(idCardCheck('11010519491231002')).toBe('X');
    expect(isValidIdCard('11010519491231002X')).toBe(true);
    expect(isValidIdCard('110105194912310021')).toBe(false);
  });

  it('computes GB 32100 credit-code and GB 11714 organisation-code check characters', () => {
    // A published example code: 91350100M000100Y43.
    expect(organizationCodeCheck('M000100Y')).toBe('4');
    expect(creditCodeCheck('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
  });

  it('gives every person a valid, unique identity number whose sequence parity is the gender', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 30_000; index += 1) {
      const p = person(index * 37);
      expect(isValidIdCard(p.idCard)).toBe(true);
      expect(Number(p.idCard[16]) % 2 === 1 ? '男' : '女').toBe(p.gender);
      expect(p.idCard.slice(6, 14)).toBe(p.birthDate.replace(/-/g, ''));
      expect(p.address.startsWith(`广州市${p.district}`)).toBe(true);
      seen.add(p.idCard);
    }
    expect(seen.size).toBe(30_000);
  });

  it('gives every enterprise a valid, unique credit code in a 广州 district', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 30_000; index += 1) {
      const e = enterprise(index * 101);
      expect(isValidCreditCode(e.creditCode)).toBe(true);
      expect(e.creditCode.slice(2, 8)).toBe(e.district.code);
      seen.add(e.creditCode);
    }
    expect(seen.size).toBe(30_000);
  });

  it('is deterministic', () => {
    expect(person(42)).toEqual(person(42));
    expect(enterprise(7)).toEqual(enterprise(7));
    const a = random(1);
    const b = random(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
