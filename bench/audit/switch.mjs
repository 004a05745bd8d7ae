// Benchmark only (loaded with --import into the gateway's process): switches auditing at run time,
// so that one process serves the same load with auditing off, as shipped, and with one INSERT per
// request, in alternating windows (a busy machine's drift then falls on all three alike).
// `GET http://127.0.0.1:$AUDIT_SWITCH_PORT/<mode>` selects: off (every event acknowledged at once,
// never written), group (the writer as shipped), single (batches of one, no commit delay).
// Never used by the product.
import http from 'node:http';
import { AuditWriter } from '../../dist/libs/audit/src/audit.writer.js';

const MODES = new Set(['off', 'group', 'single']);
let mode = 'group';
const shipped = new WeakMap();
const append = AuditWriter.prototype.append;

AuditWriter.prototype.append = function appendIn(record) {
  if (mode === 'off') return Promise.resolve({ seq: 0, hash: '', at: new Date() });
  if (!shipped.has(this)) shipped.set(this, { maxBatch: this.options.maxBatch, commitDelayMs: this.options.commitDelayMs });
  const options = mode === 'single' ? { maxBatch: 1, commitDelayMs: 0 } : shipped.get(this);
  Object.assign(this.options, options);
  return append.call(this, record);
};

http
  .createServer((request, response) => {
    const wanted = request.url.slice(1);
    if (MODES.has(wanted)) mode = wanted;
    response.end(mode);
  })
  .listen(Number(process.env.AUDIT_SWITCH_PORT), '127.0.0.1')
  .unref();
