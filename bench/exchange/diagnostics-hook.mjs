// Loaded into the gateway's process by `bench:exchange -- --diagnose` (node --import). Each SIGWINCH
// (a signal Nest's shutdown hooks leave alone, unlike SIGUSR2)
// toggles a measurement window: the first starts V8's CPU profiler and its sampling heap profiler
// (objects collected by minor and major GCs included, so the samples add up to what was
// allocated, not to what survived); the second stops both and writes cpu.json and heap.json into
// DIAGNOSE_DIR, then done.json, which the benchmark waits for.
import { writeFile } from 'node:fs/promises';
import inspector from 'node:inspector';
import path from 'node:path';

const directory = process.env.DIAGNOSE_DIR;
const session = new inspector.Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

let measuring = false;
process.on('SIGWINCH', async () => {
  try {
    if (!measuring) {
      measuring = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      await post('HeapProfiler.enable');
      await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      return;
    }
    measuring = false;
    const { profile: cpu } = await post('Profiler.stop');
    const { profile: heap } = await post('HeapProfiler.stopSampling');
    await writeFile(path.join(directory, 'cpu.json'), JSON.stringify(cpu));
    await writeFile(path.join(directory, 'heap.json'), JSON.stringify(heap));
    await writeFile(path.join(directory, 'done.json'), '{}');
  } catch (error) {
    process.stderr.write(`diagnostics hook: ${error.stack ?? error}\n`);
  }
});
