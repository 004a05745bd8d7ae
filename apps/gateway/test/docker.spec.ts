import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { CausewayConfig } from '@causeway/core';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string | string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The service a postgres:// or redis:// URL points at. */
const hostOf = (url: string | number | undefined): string => new URL(String(url).replace(/\$\{[^}]*\}/g, 'x')).hostname;

// No Docker engine runs where the tests run: check what can be checked without one.
describe('docker/', () => {
  const dockerfile = readFileSync('docker/Dockerfile', 'utf8');
  const compose = load(readFileSync('docker/compose.yaml', 'utf8')) as Compose;
  const services = compose.services;
  const gateways = Object.entries(services).filter(([, service]) => service.build?.dockerfile === 'docker/Dockerfile');

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

  it('composes the scaled shape: two gateways behind a load balancer, a primary, a streaming replica and Redis', () => {
    expect(gateways.map(([name]) => name)).toHaveLength(2);
    for (const [, gateway] of gateways) {
      const environment = gateway.environment!;
      const primary = services[hostOf(environment.DATABASE_URL)];
      const replica = services[hostOf(environment.DATABASE_REPLICA_URLS)];
      expect(primary?.image).toMatch(/^postgres:/);
      expect(replica?.image).toMatch(/^postgres:/);
      expect(hostOf(environment.DATABASE_REPLICA_URLS)).not.toBe(hostOf(environment.DATABASE_URL));
      // The replica is a copy of that primary, streaming from it.
      expect(JSON.stringify(replica!.command)).toContain(`pg_basebackup -h ${hostOf(environment.DATABASE_URL)}`);
      expect(services[hostOf(environment.REDIS_URL)]?.image).toMatch(/^redis:/);
      expect(environment.TRUST_PROXY).toBe('true');
    }
    const balancer = Object.values(services).find((service) => service.image?.startsWith('nginx:'))!;
    expect(balancer.ports).toEqual(['3000:80']);
    const config = balancer.volumes!.map((volume) => volume.split(':')).find(([, target]) => target === '/etc/nginx/nginx.conf')!;
    const nginx = readFileSync(path.join('docker', config[0]!), 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server (\S+):(\d+)/gm)].map((match) => `${match[1]}:${match[2]}`);
    expect(upstream.sort()).toEqual(gateways.map(([name, gateway]) => `${name}:${gateway.environment!.PORT}`).sort());
  });

  it('gives every gateway the same secrets and database, and only configuration variables it knows', () => {
    const known = new Set([...Object.keys(new CausewayConfig()), 'DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'AUDIT_SIGNING_KEY', 'HOST', 'TRUST_PROXY']);
    const [first, ...others] = gateways.map(([, gateway]) => gateway.environment!);
    for (const name of Object.keys(first!)) expect(known.has(name)).toBe(true);
    for (const name of ['DATABASE_URL', 'JWT_SECRET', 'AUDIT_SIGNING_KEY', 'DATABASE_REPLICA_URLS', 'REDIS_URL']) expect(first![name]).toBeDefined();
    for (const environment of others) expect(environment).toEqual(first);
    // Each replica keeps its data folder to itself.
    const folders = gateways.map(([, gateway]) => gateway.volumes!.find((volume) => volume.endsWith(':/var/lib/causeway')));
    expect(new Set(folders).size).toBe(gateways.length);
  });

  it('refers only to services, volumes and files that exist, and health-checks what others wait for', () => {
    for (const service of Object.values(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency]).toBeDefined();
        if (condition === 'service_healthy') expect(services[dependency]!.healthcheck ?? services[dependency]!.build).toBeDefined();
      }
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.startsWith('.')) expect(existsSync(path.join('docker', source!))).toBe(true);
        else expect(compose.volumes).toHaveProperty(source!);
      }
    }
    expect(dockerfile).toContain('/health/ready');
  });
});
