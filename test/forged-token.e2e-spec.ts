import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { TestGateway } from './support/gateway.js';

const ME = '{ me { kind label } }';

describe('login tokens: a validly signed token that login did not issue is refused, never a 500', () => {
  let gateway: TestGateway;
  let jwt: JwtService;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    jwt = gateway.get(JwtService);
  });
  afterAll(() => gateway.close());

  it('a signed token whose sub is not a UUID is UNAUTHENTICATED, not an internal error', async () => {
    for (const sub of ['admin', "1' or '1'='1", 'x'.repeat(5000)]) {
      const forged = await jwt.signAsync({ sub, kind: 'USER' });
      const answer = await gateway.gql(ME, {}, forged);
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(answer)).not.toContain(sub.slice(0, 40));
    }
  });

  it('a signed token of another kind, or without a subject, is UNAUTHENTICATED', async () => {
    for (const claims of [{ sub: '6f1c1d3e-8a4b-4c2d-9e0f-1a2b3c4d5e6f', kind: 'CLIENT' }, { kind: 'USER' }, { sub: 42, kind: 'USER' }]) {
      const answer = await gateway.gql(ME, {}, await jwt.signAsync(claims));
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a signed token for a UUID that is no one is UNAUTHENTICATED', async () => {
    const answer = await gateway.gql(ME, {}, await jwt.signAsync({ sub: '6f1c1d3e-8a4b-4c2d-9e0f-1a2b3c4d5e6f', kind: 'USER' }));
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
