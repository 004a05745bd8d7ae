// Compiles apps/ and libs/ to dist/ with SWC (type checking is `npm run typecheck`).
// Path aliases (@causeway/<context>) are rewritten to relative imports so that plain `node`
// runs the output without a loader. Then builds the web console (apps/console, Vite) into
// apps/console/dist, which the gateway serves at /console. The log goes to stderr: stdout stays
// clean for commands such as `npx causeway … --json`.
import { transformFile } from '@swc/core';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// `--out-dir DIR` builds elsewhere than dist/ (the tests build a copy without disturbing dist/).
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDirFlag = process.argv.indexOf('--out-dir');
const outDir = outDirFlag > 0 && process.argv[outDirFlag + 1] ? path.resolve(process.argv[outDirFlag + 1]) : path.join(root, 'dist');
// The folder is emptied first: only dist/ or a folder inside the system's temporary folder.
const insideTemp = !path.relative(os.tmpdir(), outDir).startsWith('..') && path.relative(os.tmpdir(), outDir) !== '';
if (outDir !== path.join(root, 'dist') && !insideTemp) throw new Error(`--out-dir must be a folder inside ${os.tmpdir()} (it is emptied first); got ${outDir}`);

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'test' || full === path.join(root, 'apps', 'console')) continue;
      yield* sources(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      yield full;
    }
  }
}

function rewriteAliases(code, fromFile) {
  return code.replace(/(from\s+|import\s*\(\s*)(['"])@causeway\/([a-z-]+)\2/g, (_m, lead, quote, context) => {
    const target = path.join(outDir, 'libs', context, 'src', 'index.js');
    let rel = path.relative(path.dirname(fromFile), target);
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
let count = 0;
for (const top of ['apps', 'libs']) {
  for await (const file of sources(path.join(root, top))) {
    const out = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, {
      swcrc: false,
      sourceMaps: true,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        target: 'es2023',
        keepClassNames: true,
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
      module: { type: 'es6' },
    });
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${rewriteAliases(code, out)}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
    await writeFile(`${out}.map`, map ?? '');
    count += 1;
  }
}
// Data files the code reads at run time (e.g. libs/access/src/calendar/*.json) go beside it.
const DATA_DIRS = ['libs/access/src/calendar'];
for (const dir of DATA_DIRS) {
  for (const entry of await readdir(path.join(root, dir))) {
    if (!entry.endsWith('.json')) continue;
    await mkdir(path.join(outDir, dir), { recursive: true });
    await copyFile(path.join(root, dir, entry), path.join(outDir, dir, entry));
  }
}
// Marks a complete build with the time it started, for scripts/causeway.mjs to tell whether a source
// changed since (a file edited during the build counts as newer).
await writeFile(path.join(outDir, '.built'), `${JSON.stringify({ started })}\n`);
// A note for people, so on stderr, and none under `npm run --silent` (as `npm run causeway` builds):
// a command's stdout (e.g. `--json`) stays what the command printed.
if (process.env.npm_config_loglevel !== 'silent') process.stderr.write(`built ${count} files in ${Date.now() - started} ms\n`);

// The web console (vite): skipped by `--no-console` (the CLI and test copies do not serve it).
if (!process.argv.includes('--no-console') && outDir === path.join(root, 'dist')) {
  const consoleStarted = Date.now();
  const { validateConsoleOperations } = await import('./console-operations.mjs');
  const { count: operations, problems } = await validateConsoleOperations();
  if (problems.length > 0) {
    console.error(`The console's GraphQL operations do not match schema/schema.graphql:\n${problems.join('\n')}`);
    process.exit(1);
  }
  const { build } = await import('vite');
  const consoleRoot = path.join(root, 'apps', 'console');
  await build({
    root: consoleRoot,
    base: '/console/',
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: path.join(consoleRoot, 'dist'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 1500,
      reportCompressedSize: false,
      rolldownOptions: {
        // antd and react-router mark their modules "use client" for React server components; a
        // client-only bundle needs no such boundary.
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
  });
  // Compressed once here rather than on every request: the gateway serves x.js.br / x.js.gz to
  // browsers that accept them (@fastify/static preCompressed).
  const { brotliCompressSync, gzipSync, constants } = await import('node:zlib');
  const { readFile: read } = await import('node:fs/promises');
  const assetsDir = path.join(consoleRoot, 'dist', 'assets');
  for (const name of await readdir(assetsDir)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const bytes = await read(path.join(assetsDir, name));
    await writeFile(path.join(assetsDir, `${name}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
    await writeFile(path.join(assetsDir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  }
  if (process.env.npm_config_loglevel !== 'silent') console.error(`built the console (${operations} operations checked against the schema) in ${Date.now() - consoleStarted} ms`);
}
