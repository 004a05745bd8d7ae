import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { VersionFieldSnapshot } from '@causeway/catalogue';
import { EncodingError, type RequestedEncoding } from './encoding.js';
import { IngestFailure, type FailureReason } from './failure.js';
import type { IngestFormat } from './formats.js';
import type { LineMap, RowError } from './rows.js';

/** What the worker is told to do. */
export interface TranscodeJob {
  fields: VersionFieldSnapshot[];
  format: IngestFormat;
  encoding: RequestedEncoding;
  sheet: string | null;
  /** XLSX: the spooled file (the worker reads it itself). */
  file: string | null;
}

/** What the worker found, at the end. */
export interface TranscodeSummary {
  rowsRead: number;
  rowsAccepted: number;
  rejectedRows: number;
  errors: RowError[];
  errorTotal: number;
  checksum: string | null;
  encoding: string | null;
}

export type SerializedError =
  | { kind: 'ingest'; reason: FailureReason; message: string; details: Record<string, unknown> }
  | { kind: 'encoding'; message: string; byteOffset: number; attempts: Record<string, number> }
  | { kind: 'error'; message: string };

/** Messages from the worker. */
export type FromWorker =
  | { type: 'pull' }
  | { type: 'copy'; data: Uint8Array; lines: number[]; overflow: boolean }
  | { type: 'done'; summary: TranscodeSummary; lines: number[]; overflow: boolean }
  | { type: 'failed'; error: SerializedError };

/** Messages to the worker. */
export type ToWorker = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'written' };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof IngestFailure) return { kind: 'ingest', reason: error.reason, message: error.message, details: error.details };
  if (error instanceof EncodingError) return { kind: 'encoding', message: error.message, byteOffset: error.byteOffset, attempts: error.attempts };
  return { kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

function deserializeError(error: SerializedError): Error {
  if (error.kind === 'ingest') return new IngestFailure(error.reason, error.message, error.details);
  if (error.kind === 'encoding') return new EncodingError(error.message, error.byteOffset, error.attempts);
  return new Error(`ingest worker: ${error.message}`);
}

/** A copy of bytes in an ArrayBuffer of their own, which can be transferred (not cloned). */
export function ownBytes(chunk: Uint8Array): Uint8Array {
  const copy = new Uint8Array(chunk.byteLength);
  copy.set(chunk);
  return copy;
}

/** The compiled worker: beside this module, or (when the sources run as TypeScript, in tests) in dist/. */
function workerFile(): URL {
  const beside = new URL('./transcode.worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../../dist/libs/ingest/src/transcode.worker.js', import.meta.url);
}

/** A request stream that closed or failed before its end: the client went away. */
function interrupted(error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'ECONNABORTED' || (error as Error).message === 'aborted') {
    return new IngestFailure('UPLOAD_INTERRUPTED', 'The upload ended before the whole file arrived; nothing was loaded');
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Heap of the worker: text formats need little; XLSX holds its shared strings (see xlsx.ts).
 * The text path's young generation is 16 MB: with 8 MB the pieces in flight in the pipeline were
 * sometimes still alive at two scavenges in a row, depending on which modules the worker had
 * loaded; then ≈ 90 % of what survived was promoted, the old generation was collected ≈ 90 times
 * per million rows and an upload took ≈ 50 % more CPU. 16 MB measured the same speed in every
 * case, for ≈ 5 MB more (docs/performance.md, ingest).
 */
const LIMITS = {
  text: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 },
  xlsx: { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 8 },
};

/**
 * Decodes, parses, validates and encodes an upload in a worker thread, writing the COPY text it
 * sends back to `copy`. The parsing allocates a few objects per value; in the gateway's own heap
 * (large, shared with everything else) that garbage was promoted faster than it was collected and
 * the process grew with the file. The worker's heap is small and capped, so its garbage is
 * collected young and the memory of an upload stays flat; the gateway's event loop stays free.
 *
 * Flow control: the worker pulls input a chunk at a time and waits for each piece of COPY text to
 * be written (the COPY stream's own backpressure) before it makes the next.
 */
export function transcode(job: TranscodeJob, source: Readable | null, copy: Writable, lines: LineMap): Promise<TranscodeSummary> {
  return new Promise<TranscodeSummary>((resolve, reject) => {
    const worker = new Worker(workerFile(), { workerData: job, resourceLimits: job.format === 'xlsx' ? LIMITS.xlsx : LIMITS.text });
    const chunks = source?.iterator({ destroyOnReturn: false }) ?? null;
    let settled = false;
    const finish = (error: Error | null, summary?: TranscodeSummary) => {
      if (settled) return;
      settled = true;
      copy.off('error', onCopyError);
      void worker.terminate();
      if (error) reject(error);
      else resolve(summary!);
    };
    const onCopyError = (error: Error) => finish(error);
    copy.on('error', onCopyError);
    const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => {
      if (!settled) worker.postMessage(message, transfer);
    };

    worker.on('message', (message: FromWorker) => {
      if (settled) return;
      switch (message.type) {
        case 'pull':
          if (!chunks) return;
          chunks.next().then(
            (next) => {
              if (next.done) send({ type: 'end' });
              else {
                const bytes = ownBytes(typeof next.value === 'string' ? Buffer.from(next.value) : (next.value as Uint8Array));
                send({ type: 'chunk', data: bytes }, [bytes.buffer as ArrayBuffer]);
              }
            },
            (error: unknown) => finish(interrupted(error)),
          );
          return;
        case 'copy': {
          lines.append(message.lines, message.overflow);
          const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
          if (copy.write(data)) send({ type: 'written' });
          else copy.once('drain', () => send({ type: 'written' }));
          return;
        }
        case 'done':
          lines.append(message.lines, message.overflow);
          copy.end(() => finish(null, message.summary));
          return;
        case 'failed':
          finish(deserializeError(message.error));
          return;
        default:
          return;
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      finish(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new IngestFailure('RECORD_TOO_LARGE', 'The file needs more memory than an upload may use (an XLSX with a very large shared-string table?); save it as CSV and upload that')
          : error,
      );
    });
    worker.on('exit', (code) => finish(new Error(`the ingest worker stopped (exit code ${code}) before it finished`)));
  });
}
