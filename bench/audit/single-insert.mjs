// Benchmark only (loaded with --import into the gateway's process): the writer commits one event
// per transaction (no group commit), the "one synchronous INSERT per request" design.
import { DEFAULT_WRITER_OPTIONS } from '../../dist/libs/audit/src/audit.writer.js';

DEFAULT_WRITER_OPTIONS.maxBatch = 1;
