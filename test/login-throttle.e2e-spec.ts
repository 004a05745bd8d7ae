import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryRateLimitStore, RateLimitStore, Role } from '@causeway/core';
import { UsersService } from '@causeway/identity';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { passwordWork } from '../libs/identity/src/credentials.js';
import { TestGateway, type GraphQLResponse } from './support/gateway.js';

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
const PASSWORD = 'correct horse battery staple';
const MAX_FAILURES = 3;
const MAX_FAILURES_PER_IP = 6;
const LOCKOUT_SECONDS = 600;

describe('login: throttled per account and per address, and no cheaper for unknown accounts', () => {
  let gateway: TestGateway;
  let store: MemoryRateLimitStore;
  let now = Date.now();

  const login = async (email: string, password: string, remoteAddress = '127.0.0.1'): Promise<GraphQLResponse<{ login: { token: string } }>> => {
    const response = await gateway.app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url: '/graphql',
      remoteAddress,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query: LOGIN, variables: { input: { email, password } } }),
    });
    return response.json();
  };
  const codeOf = (answer: GraphQLResponse) => answer.errors?.[0]?.extensions?.code ?? 'OK';

  beforeAll(async () => {
    gateway = await TestGateway.start({
      env: {
        LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        LOGIN_MAX_FAILURES_PER_IP: String(MAX_FAILURES_PER_IP),
        LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
      },
    });
    const limits = gateway.get(RateLimitStore);
    if (!(limits instanceof MemoryRateLimitStore)) throw new Error('these tests move the in-memory store’s clock: run them without REDIS_URL');
    store = limits;
    store.now = () => now;
    await gateway.department('DG-AMR');
    for (const email of ['li.na@amr.test', 'wang.wei@amr.test']) {
      await gateway.get(UsersService).create(null, { department: 'DG-AMR', email, displayName: email, roles: [Role.STEWARD], password: PASSWORD });
    }
  });
  afterAll(() => gateway.close());

  it('after N wrong passwords the right one is refused with RATE_LIMITED, saying when to retry, until the window passes', async () => {
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) expect(codeOf(await login('li.na@amr.test', `guess ${attempt}`, '10.1.0.1'))).toBe('UNAUTHENTICATED');
    // Another address: the account's own lock holds wherever the guesses come from.
    const refused = await login('LI.NA@amr.test', PASSWORD, '10.1.0.2');
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toMatch(/Too many failed logins for this account: .* 600 more seconds \(until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBe(LOCKOUT_SECONDS);
    expect(refused.data?.login ?? null).toBeNull();
    const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    const [audited] = (await db.query(`select outcome, reason from audit_event where action = 'auth.login' order by seq desc limit 1`)) as { outcome: string; reason: string }[];
    expect(audited).toMatchObject({ outcome: 'DENIED', reason: expect.stringMatching(/^RATE_LIMITED: Too many failed logins/) });

    now += (LOCKOUT_SECONDS - 1) * 1000;
    expect(codeOf(await login('li.na@amr.test', PASSWORD, '10.1.0.2'))).toBe('RATE_LIMITED');
    now += 1000;
    expect(codeOf(await login('li.na@amr.test', PASSWORD, '10.1.0.2'))).toBe('OK');
  });

  it('an address guessing at many accounts is refused after N failures, even for an account it knows', async () => {
    now += LOCKOUT_SECONDS * 1000;
    for (let attempt = 0; attempt < MAX_FAILURES_PER_IP; attempt += 1) {
      expect(codeOf(await login(`nobody${attempt}@amr.test`, 'guess', '10.2.0.1'))).toBe('UNAUTHENTICATED');
    }
    const refused = await login('wang.wei@amr.test', PASSWORD, '10.2.0.1');
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toMatch(/for your address/);
    expect(codeOf(await login('wang.wei@amr.test', PASSWORD, '10.2.0.9'))).toBe('OK');
  });

  it('parallel guesses cannot all slip in under the limit: only N passwords are ever checked', async () => {
    now += LOCKOUT_SECONDS * 1000;
    const before = passwordWork.verifications;
    const answers = await Promise.all(Array.from({ length: MAX_FAILURES * 4 }, (_, attempt) => login('wang.wei@amr.test', `guess ${attempt}`, `10.4.0.${attempt}`)));
    const codes = answers.map(codeOf).sort();
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(MAX_FAILURES);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(MAX_FAILURES * 3);
    expect(passwordWork.verifications - before).toBe(MAX_FAILURES);
  });

  it('a login for an unknown e-mail spends one scrypt verification, as a known e-mail with a wrong password does', async () => {
    now += LOCKOUT_SECONDS * 1000;
    const before = passwordWork.verifications;
    expect(codeOf(await login('nobody-at-all@amr.test', 'guess', '10.3.0.1'))).toBe('UNAUTHENTICATED');
    expect(passwordWork.verifications - before).toBe(1);
    const known = passwordWork.verifications;
    expect(codeOf(await login('wang.wei@amr.test', 'guess', '10.3.0.1'))).toBe('UNAUTHENTICATED');
    expect(passwordWork.verifications - known).toBe(1);
  });
});
