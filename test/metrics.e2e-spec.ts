import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { TestGateway } from './support/gateway.js';

/** promtool (Debian: `apt-get install prometheus`), or the one PROMTOOL names; absent in many CI images. */
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const hasPromtool = spawnSync(PROMTOOL, ['--version'], { stdio: 'ignore' }).status === 0;
const withPromtool = hasPromtool ? it : it.skip;
if (!hasPromtool) process.stderr.write(`test/metrics.e2e-spec.ts: promtool not found (${PROMTOOL}); its check is skipped, the built-in naming checks still run. Install it with \`apt-get install prometheus\`.\n`);

function promtoolCheck(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

/** Each metric family's declared type, from the exposition's `# TYPE` lines. */
function families(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]]));
}

describe('the Prometheus scrape', () => {
  let gateway: TestGateway;
  let exposition: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    // Something in every family: a GraphQL request, a refusal, a REST route, an audit event.
    await gateway.gql('{ __typename }');
    await gateway.gql('{ me { id } }');
    await gateway.http('GET', '/health/ready');
    const scrape = await gateway.http('GET', '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    exposition = scrape.body;
  });
  afterAll(() => gateway.close());

  it('no gauge is named like a counter (…_total) and every counter is (the naming promtool enforces)', () => {
    const types = families(exposition);
    expect(types.size).toBeGreaterThan(10);
    const misnamed = [...types].filter(([name, type]) => (type === 'counter') !== name.endsWith('_total'));
    expect(misnamed).toEqual([]);
    const reservedSuffix = [...types].filter(([name, type]) => (type === 'histogram' || type === 'summary') && /_(total|count|sum|bucket)$/.test(name));
    expect(reservedSuffix).toEqual([]);
    for (const name of types.keys()) expect(name).toMatch(/^causeway_[a-z0-9_]+$/);
  });

  it("includes Node's default collectors and the gateway's own metrics", () => {
    const types = families(exposition);
    for (const name of [
      'causeway_process_cpu_seconds_total',
      'causeway_process_resident_memory_bytes',
      'causeway_nodejs_eventloop_lag_seconds',
      'causeway_nodejs_heap_size_used_bytes',
      'causeway_nodejs_active_handles',
      'causeway_nodejs_gc_duration_seconds',
      'causeway_http_request_duration_seconds',
      'causeway_audit_events_total',
    ]) {
      expect([name, types.get(name)]).toEqual([name, expect.any(String)]);
    }
  });

  withPromtool('`promtool check metrics` finds nothing to complain about', async () => {
    const { code, output } = await promtoolCheck(exposition);
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});
