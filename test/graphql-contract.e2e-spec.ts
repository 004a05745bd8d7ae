import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { FieldType, OpenType, SharingType, UpdateCycle } from '@causeway/catalogue';
import { ACCESS_POLICY_KEY } from '@causeway/core';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { readFile } from 'node:fs/promises';
import { printSchemaArtifact, SCHEMA_FILE } from '../apps/gateway/src/graphql/schema-artifact.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

describe('the GraphQL contract', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterAll(() => gateway.close());

  it('matches the checked-in schema/schema.graphql (run `npm run schema:write` after changing the API)', async () => {
    const generated = printSchemaArtifact(gateway.get(GraphQLSchemaHost).schema);
    const checkedIn = await readFile(SCHEMA_FILE, 'utf8');
    expect(generated).toEqual(checkedIn);
  });

  it('has no root operation that does not declare who may call it', () => {
    const discovery = new DiscoveryService(gateway.get(ModulesContainer));
    const scanner = new MetadataScanner();
    const declared = new Map<string, unknown>();
    for (const wrapper of discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[method] as object;
        const type = Reflect.getMetadata('graphql:resolver_type', handler) as string | undefined;
        if (!type || !ROOT_TYPES.includes(type)) continue;
        const name = (Reflect.getMetadata('graphql:resolver_name', handler) as string | undefined) ?? method;
        declared.set(`${type}.${name}`, Reflect.getMetadata(ACCESS_POLICY_KEY, handler));
      }
    }
    const schema = gateway.get(GraphQLSchemaHost).schema;
    const undeclared: string[] = [];
    for (const rootType of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.keys(rootType?.getFields() ?? {})) {
        if (!declared.get(`${rootType!.name}.${field}`)) undeclared.push(`${rootType!.name}.${field}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect(declared.size).toBeGreaterThan(10);
  });

  it('declares who may call every typed dataset field served beside the static schema', async () => {
    await gateway.dataset('DG-CONTRACT', {
      code: 'CONTRACT-DS',
      title: '契约测试',
      summary: 'typed field policy',
      category: '部门',
      updateCycle: UpdateCycle.IRREGULAR,
      sharingType: SharingType.UNCONDITIONAL,
      openType: OpenType.CLOSED,
      fields: [{ name: 'code', title: '代码', type: FieldType.STRING }],
    });
    await loadVersion(gateway, 'DG-CONTRACT', 'CONTRACT-DS', [{ code: 'a' }]);
    const registry = gateway.get(TypedSchemaRegistry);
    await registry.settled();
    const staticFields = new Set(Object.keys(gateway.get(GraphQLSchemaHost).schema.getQueryType()!.getFields()));
    const typed = Object.keys(registry.schema.getQueryType()!.getFields()).filter((field) => !staticFields.has(field));
    expect(typed).toContain('contractDs');
    expect(typed.filter((field) => !registry.policyOf(field))).toEqual([]);
    // Guarded, and for outsiders not even there: CONTRACT-DS is not open (test/exchange-anonymous.e2e-spec.ts).
    expect((await gateway.gql('{ contractDs { totalCount } }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses anonymous introspection and hides field suggestions', async () => {
    const introspection = await gateway.gql('{ __schema { queryType { name } } }');
    expect(introspection.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(introspection.data ?? null).toBeNull();

    const typo = await gateway.gql('{ datasetz }');
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean|datasets/);
  });

  it('rejects operations beyond the depth and alias limits', async () => {
    const key = await gateway.client('DG-LIMITS', 'limits-system');
    const aliases = Array.from({ length: 40 }, (_, index) => `a${index}: me { id }`).join(' ');
    const tooManyAliases = await gateway.gql(`{ ${aliases} }`, {}, key);
    expect(tooManyAliases.errors?.length).toBeGreaterThan(0);
    expect(tooManyAliases.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(tooManyAliases.data ?? null).toBeNull();
  });

  it('serves the GraphQL IDE from the gateway itself, with no CDN', async () => {
    const page = await gateway.http('GET', '/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('/graphql-ide/');
    expect(page.body).not.toMatch(/unpkg|jsdelivr|cdnjs|googleapis/);
    expect(page.body).toContain('<base href="/graphql-ide/">');
    const script = page.body.match(/<script type="module" src="([^"]+\.js)">/)?.[1];
    expect(script).toBeDefined();
    const asset = await gateway.http('GET', `/graphql-ide/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.body.length).toBeGreaterThan(1000);
  });

  it('answers health and metrics', async () => {
    expect((await gateway.http('GET', '/health/live')).status).toBe(200);
    const ready = await gateway.http('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json<{ info: { database: { status: string } } }>().info.database.status).toBe('up');
    const metrics = await gateway.http('GET', '/metrics');
    expect(metrics.body).toContain('causeway_http_request_duration_seconds');
  });
});
