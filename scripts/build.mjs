// Compiles apps/ and libs/ to dist/ with SWC (type checking is `npm run typecheck`).
// Path aliases (@causeway/<context>) are rewritten to relative imports so that plain `node`
// runs the output without a loader.
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
      if (entry.name === 'node_modules' || entry.name === 'test') continue;
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
// A note for people, so on stderr, and none under `npm run --silent` (as `npm run causeway` builds):
// a command's stdout (e.g. `--json`) stays what the command printed.
if (process.env.npm_config_loglevel !== 'silent') process.stderr.write(`built ${count} files in ${Date.now() - started} ms\n`);
