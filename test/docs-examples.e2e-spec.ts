import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { Kind, parse, print, type DefinitionNode, type OperationDefinitionNode } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEMO_PASSWORD } from '../apps/gateway/src/seed/demo-data.js';
import { DemoSeeder } from '../apps/gateway/src/seed/demo-seeder.js';
import { TestGateway } from './support/gateway.js';

/**
 * Every ```graphql example in README.md and docs/*.md, run as written against the demo city, so
 * the documentation cannot drift from the API. The conventions, for whoever writes an example:
 *
 * - Each operation of a block runs on its own, in order (a block may hold several, as a walkthrough).
 * - `# as: WHO` (a line of its own) says whose credential runs the operations after it: a demo
 *   person's e-mail (logged in with the demo password), a demo system client's name (its key), or
 *   `anonymous`. Without one, a block runs with the first demo key, the one the README's curl uses.
 *   Headers follow after commas: `# as: tianhe-amr-system, X-Purpose: case-2026-0173`.
 * - `# expect: CODE` before an operation: it must be refused with that `extensions.code`.
 *   Otherwise an operation must answer without any error, and find something: no root field may
 *   answer an empty list or connection (an example that finds nothing on the demo city, e.g. a
 *   period the demo has no events in, shows a reader nothing), unless marked `# expect: nothing`.
 * - `"…"` stands for an id: the last `id` in the answers of the earlier operations of the same file.
 * - A block that must not run (a schema excerpt, a fragment of an operation) is fenced with another
 *   language, e.g. ```graphql-schema or ```text.
 *
 * DOCS_EXAMPLES_SHOW=1 prints every answer (to write the sample output in a comment).
 */

interface Example {
  file: string;
  line: number;
  source: string;
}

interface Step {
  operation: string;
  who: string | null;
  headers: Record<string, string>;
  expectCode: string | null;
  line: number;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const FILES = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];

function examplesOf(file: string): Example[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^[ \t]*```graphql[ \t]*\n([\s\S]*?)^[ \t]*```/gm)].map((match) => ({
    file,
    line: text.slice(0, match.index).split('\n').length,
    source: match[1]!,
  }));
}

/** The block's operations, each with the credential, headers and expectation its annotations give it. */
function stepsOf(example: Example): Step[] {
  const document = parse(example.source);
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  const lines = example.source.split('\n');
  const lineOf = (definition: DefinitionNode) => example.source.slice(0, definition.loc!.start).split('\n').length;
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  let who: string | null = null;
  let headers: Record<string, string> = {};
  let cursor = 0;
  return operations.map((operation) => {
    let expectCode: string | null = null;
    const start = lineOf(operation);
    for (; cursor < start - 1; cursor += 1) {
      const as = /^\s*#\s*as:\s*(.+)$/.exec(lines[cursor]!);
      if (as) {
        const [name, ...headerParts] = as[1]!.split(/,\s*/);
        who = name!.trim();
        headers = Object.fromEntries(headerParts.map((part) => [part.slice(0, part.indexOf(':')).trim(), part.slice(part.indexOf(':') + 1).trim()]));
      }
      const expected = /^\s*#\s*expect:\s*([A-Z_]+|nothing)\b/.exec(lines[cursor]!);
      if (expected) expectCode = expected[1]!;
    }
    return { operation: [print(operation), ...fragments.map((fragment) => print(fragment))].join('\n'), who, headers, expectCode, line: example.line + start };
  });
}

/** The root fields that answered an empty list or an empty connection. */
function emptyRootFields(data: Record<string, unknown> | null | undefined): string[] {
  return Object.entries(data ?? {})
    .filter(([, value]) => {
      if (Array.isArray(value)) return value.length === 0;
      if (!value || typeof value !== 'object') return false;
      const connection = value as { nodes?: unknown; totalCount?: unknown; groups?: unknown };
      return connection.totalCount === 0 || (Array.isArray(connection.nodes) && connection.nodes.length === 0) || (Array.isArray(connection.groups) && connection.groups.length === 0);
    })
    .map(([field]) => field);
}

/** Every `id` in an answer, in document order. */
function idsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) idsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'id' && typeof inner === 'string') found.push(inner);
      else idsIn(inner, found);
    }
  }
  return found;
}

describe('every GraphQL example in README.md and docs/ runs against the demo city as written', () => {
  let gateway: TestGateway;
  let clientKeys: Map<string, string>;
  let firstKey: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.get(DemoSeeder).seed();
    await gateway.get(TypedSchemaRegistry).settled();
    const credentials = JSON.parse(await readFile(path.join(gateway.dataDir, 'demo-credentials.json'), 'utf8')) as { clients: { name: string; key: string }[] };
    clientKeys = new Map(credentials.clients.map((client) => [client.name, client.key]));
    firstKey = credentials.clients[0]!.key;
  }, 180_000);
  afterAll(() => gateway.close());

  async function credentialOf(who: string | null): Promise<string | undefined> {
    if (who === null) return firstKey;
    if (who === 'anonymous') return undefined;
    if (!who.includes('@')) {
      const key = clientKeys.get(who);
      if (!key) throw new Error(`# as: ${who} names no demo system client (${[...clientKeys.keys()].join(', ')})`);
      return key;
    }
    let token = tokens.get(who);
    if (!token) {
      const login = await gateway.gql<{ login: { token: string } }>('mutation($input: LoginInput!) { login(input: $input) { token } }', { input: { email: who, password: DEMO_PASSWORD } });
      if (!login.data) throw new Error(`# as: ${who} could not log in: ${JSON.stringify(login.errors)}`);
      token = login.data.login.token;
      tokens.set(who, token);
    }
    return token;
  }

  for (const file of FILES) {
    const examples = examplesOf(file);
    if (examples.length === 0) continue;
    describe(file, () => {
      const ids: string[] = [];
      for (const example of examples) {
        it(`the example at line ${example.line} runs`, async () => {
          const steps = stepsOf(example);
          expect(steps.length).toBeGreaterThan(0);
          for (const step of steps) {
            const placeholder = step.operation.includes('"…"');
            if (placeholder && ids.length === 0) throw new Error(`${file}:${step.line}: "…" stands for an id, but no earlier example of ${file} answered one`);
            const operation = placeholder ? step.operation.replaceAll('"…"', JSON.stringify(ids.at(-1))) : step.operation;
            const answer = await gateway.gql(operation, {}, await credentialOf(step.who), step.headers);
            const codes = (answer.errors ?? []).map((error) => `${String(error.extensions?.code)}: ${error.message}`);
            if (step.expectCode === 'nothing') {
              expect({ at: `${file}:${step.line}`, errors: codes }).toEqual({ at: `${file}:${step.line}`, errors: [] });
            } else if (step.expectCode) {
              expect({ at: `${file}:${step.line}`, code: answer.errors?.[0]?.extensions?.code }).toEqual({ at: `${file}:${step.line}`, code: step.expectCode });
            } else {
              expect({ at: `${file}:${step.line}`, errors: codes, empty: emptyRootFields(answer.data) }).toEqual({ at: `${file}:${step.line}`, errors: [], empty: [] });
            }
            if (process.env.DOCS_EXAMPLES_SHOW) process.stderr.write(`${file}:${step.line} ${JSON.stringify(answer).slice(0, 600)}\n`);
            ids.push(...idsIn(answer.data));
          }
        });
      }
    });
  }

  it('covers the README and at least the exchange and audit guides', () => {
    const covered = FILES.filter((file) => examplesOf(file).length > 0);
    expect(covered).toEqual(expect.arrayContaining(['README.md', 'docs/audit.md', 'docs/exchange.md']));
  });
});
