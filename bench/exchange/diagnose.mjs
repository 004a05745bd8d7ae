// Reads what diagnostics-hook.mjs wrote during one measurement window and says where a request's
// CPU time and allocations went: per request, by component (Nest, Apollo, graphql-js, pg, pino,
// the project's libs, V8's garbage collector…) and by function.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a call frame belongs to: a package under node_modules, a part of the project, or V8/Node itself. */
function componentOf(frame) {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1];
  const project = /\/dist\/((?:libs|apps)\/[^/]+)/.exec(url);
  if (project) return project[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return path.basename(url);
}

const label = (frame) => `${frame.functionName || '(anonymous)'} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();

function cpuShares(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const components = new Map();
  const functions = new Map();
  let busy = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += micros;
    const component = componentOf(frame);
    components.set(component, (components.get(component) ?? 0) + micros);
    const name = label(frame);
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  return { busy, components, functions };
}

function allocation(profile) {
  const components = new Map();
  const functions = new Map();
  let total = 0;
  const walk = (node) => {
    if (node.selfSize > 0) {
      total += node.selfSize;
      const component = componentOf(node.callFrame);
      components.set(component, (components.get(component) ?? 0) + node.selfSize);
      const name = label(node.callFrame);
      functions.set(name, (functions.get(name) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return { total, components, functions };
}

const top = (map, count) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);

/** Lines describing one window of `requests` requests. */
export async function diagnose(directory, requests) {
  const cpu = cpuShares(JSON.parse(await readFile(path.join(directory, 'cpu.json'), 'utf8')));
  const heap = allocation(JSON.parse(await readFile(path.join(directory, 'heap.json'), 'utf8')));
  const perRequestMs = cpu.busy / 1000 / requests;
  const lines = [
    `gateway CPU per request: ${perRequestMs.toFixed(3)} ms (on the main thread; ${requests} requests); allocated per request: ${(heap.total / 1024 / requests).toFixed(1)} KB`,
    '',
    'CPU by component: ' + top(cpu.components, 14).map(([name, micros]) => `${name} ${((micros / cpu.busy) * 100).toFixed(1)}%`).join(', '),
    '',
    'CPU by function (self):',
    ...top(cpu.functions, 25).map(([name, micros]) => `  ${((micros / cpu.busy) * 100).toFixed(1).padStart(5)}%  ${name}`),
    '',
    'Allocation by component (KB per request): ' + top(heap.components, 14).map(([name, bytes]) => `${name} ${(bytes / 1024 / requests).toFixed(1)}`).join(', '),
    '',
    'Allocation by function (KB per request):',
    ...top(heap.functions, 25).map(([name, bytes]) => `  ${(bytes / 1024 / requests).toFixed(2).padStart(7)}  ${name}`),
  ];
  return lines;
}
