import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { CausewayConfig } from '@causeway/core';

// No Docker engine runs where the tests run: check what can be checked without one.
describe('docker/', () => {
  const dockerfile = readFileSync('docker/Dockerfile', 'utf8');
  const compose = readFileSync('docker/compose.yaml', 'utf8');

  it('copies only files that exist into the build context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(source)).toBe(true);
  });

  it('runs the built gateway as a non-root user in production mode', () => {
    expect(dockerfile).toMatch(/^USER causeway$/m);
    expect(dockerfile).toContain('NODE_ENV=production');
    expect(dockerfile).toContain('"dist/apps/gateway/src/main.js"');
    expect(existsSync('apps/gateway/src/main.ts')).toBe(true);
    expect(dockerfile).toContain('npm run build');
  });

  it('passes the gateway only configuration variables it knows', () => {
    const gateway = compose.slice(compose.indexOf('  gateway:'));
    const environment = gateway.slice(gateway.indexOf('environment:'), gateway.indexOf('ports:'));
    const names = [...environment.matchAll(/^\s{6}([A-Z_]+):/gm)].map((match) => match[1]!);
    const known = new Set([...Object.keys(new CausewayConfig()), 'DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'HOST', 'TRUST_PROXY']);
    expect(names).toContain('DATABASE_URL');
    for (const name of names) expect(known.has(name)).toBe(true);
  });

  it('health-checks both services', () => {
    expect(compose.match(/healthcheck:/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(dockerfile).toContain('/health/ready');
  });
});
