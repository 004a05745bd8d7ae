import { createHmac, timingSafeEqual } from 'node:crypto';
import { badInput } from './errors.js';

/**
 * Opaque, tamper-proof pagination cursors: base64url(JSON) plus an HMAC, so a cursor
 * cannot be forged or carried into another query (the scope string is part of the MAC).
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(scope: string, position: unknown): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.mac(scope, payload)}`;
  }

  decode<T>(scope: string, cursor: string, argument = 'after'): T {
    const [payload, mac] = cursor.split('.');
    if (!payload || !mac) throw badInput(argument, 'is not a cursor from this query; pass pageInfo.endCursor unchanged');
    const expected = Buffer.from(this.mac(scope, payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw badInput(argument, 'is not a cursor from this query; pass pageInfo.endCursor unchanged');
    }
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  }

  private mac(scope: string, payload: string): string {
    return createHmac('sha256', this.secret).update(scope).update('\0').update(payload).digest('base64url').slice(0, 22);
  }
}
