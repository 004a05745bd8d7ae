// Validates every GraphQL document of the web console (template literals marked /* GraphQL */ in
// apps/console/src) against schema/schema.graphql, the public contract: an unknown field, argument,
// type or a wrong variable fails `npm run build`. Also runnable alone: node scripts/console-operations.mjs
import { buildSchema, parse, validate } from 'graphql';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MARKED = /\/\*\s*GraphQL\s*\*\/\s*`([^`]*)`/g;

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.spec.ts')) yield full;
  }
}

/** Answers the problems found, one line each (empty: every document is valid). */
export async function validateConsoleOperations() {
  const schema = buildSchema(await readFile(path.join(root, 'schema/schema.graphql'), 'utf8'));
  const problems = [];
  let count = 0;
  for await (const file of sources(path.join(root, 'apps/console/src'))) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(MARKED)) {
      count += 1;
      const where = `${path.relative(root, file)}:${text.slice(0, match.index).split('\n').length}`;
      if (match[1].includes('${')) {
        problems.push(`${where}: interpolation in a GraphQL document (it cannot be checked)`);
        continue;
      }
      try {
        for (const error of validate(schema, parse(match[1]))) problems.push(`${where}: ${error.message}`);
      } catch (error) {
        problems.push(`${where}: ${error.message}`);
      }
    }
  }
  return { count, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { count, problems } = await validateConsoleOperations();
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stderr.write(`${count} console operations checked against schema/schema.graphql\n`);
  process.exit(problems.length ? 1 : 0);
}
