import { describe, expect, it } from '@jest/globals';
import { CursorCodec } from './cursor.js';

describe('CursorCodec', () => {
  const codec = new CursorCodec('a secret of the deployment');

  it('round-trips a position within its scope', () => {
    const cursor = codec.encode('datasets', { code: 'AMR-ENT-REG' });
    expect(codec.decode('datasets', cursor)).toEqual({ code: 'AMR-ENT-REG' });
  });

  it('refuses a cursor carried into another query scope', () => {
    const cursor = codec.encode('records:DG-TAX:AMR-ENT-REG', { k: 1 });
    expect(() => codec.decode('records:DG-PSB:AMR-ENT-REG', cursor)).toThrow(/not a cursor from this query/);
  });

  it('refuses a forged position', () => {
    const [, mac] = codec.encode('datasets', { code: 'A' }).split('.');
    const forged = `${Buffer.from(JSON.stringify({ code: 'Z' })).toString('base64url')}.${mac}`;
    expect(() => codec.decode('datasets', forged)).toThrow(/not a cursor/);
    expect(() => codec.decode('datasets', 'garbage')).toThrow(/not a cursor/);
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec('another secret');
    expect(() => codec.decode('datasets', other.encode('datasets', { code: 'A' }))).toThrow(/not a cursor/);
  });
});
