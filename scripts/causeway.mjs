#!/usr/bin/env node
// `npx causeway <command> [options]`: the CLI with a stdout that holds what the command printed and
// nothing else (`npm run causeway` cannot: npm prints its own `> causeway@… causeway` line there
// first). Builds dist/ first when it is missing or older than a source, with the build's log on
// stderr, then runs the CLI in this process from the project root, as `npm run causeway` does.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** When the last complete build started (scripts/build.mjs writes dist/.built at its end), or 0. */
async function builtAt() {
  try {
    const { started } = JSON.parse(await readFile(path.join(root, 'dist', '.built'), 'utf8'));
    return typeof started === 'number' ? started : 0;
  } catch {
    return 0;
  }
}

/**
 * Whether anything the build reads changed after `since`. Folders count too: adding, removing or
 * renaming a file changes its folder's time. Spec files and the web console are not built.
 */
async function changedSince(since, dir) {
  if ((await stat(dir)).mtimeMs > since) return true;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || full === path.join(root, 'apps', 'console')) continue;
      if (await changedSince(since, full)) return true;
    } else if (!entry.name.endsWith('.spec.ts') && (await stat(full)).mtimeMs > since) {
      return true;
    }
  }
  return false;
}

const since = await builtAt();
const stale =
  since === 0 ||
  (await stat(path.join(root, 'scripts', 'build.mjs'))).mtimeMs > since ||
  (await changedSince(since, path.join(root, 'apps'))) ||
  (await changedSince(since, path.join(root, 'libs')));
if (stale) {
  // The build's stdout goes to our stderr too: stdout is the command's alone.
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--no-console'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write(`causeway: the build failed (exit ${build.status ?? build.signal}), see above\n`);
    process.exit(1);
  }
}

process.setSourceMapsEnabled(true);
process.chdir(root);
await import(pathToFileURL(path.join(root, 'dist', 'apps', 'gateway', 'src', 'cli.js')).href);
