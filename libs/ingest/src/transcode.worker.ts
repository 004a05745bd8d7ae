// The ingest worker (see transcode.ts): input chunks in, COPY text out.
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { CsvRowStream } from './csv.js';
import { StrictDecoder } from './encoding.js';
import { JsonArrayRowStream, NdjsonRowStream } from './json.js';
import { CopyEncoder } from './rows.js';
import { ownBytes, serializeError, type FromWorker, type ToWorker, type TranscodeJob } from './transcode.js';

const port = parentPort!;
const job = workerData as TranscodeJob;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const encoder = new CopyEncoder(job.fields);
let sentLines = 0;
const newLines = (): number[] => {
  const entries = encoder.lines.entriesFrom(sentLines);
  sentLines = encoder.lines.size;
  return entries;
};

let written: (() => void) | null = null;
const input = new Readable({
  highWaterMark: 64 * 1024,
  read() {
    post({ type: 'pull' });
  },
});
port.on('message', (message: ToWorker) => {
  if (message.type === 'chunk') input.push(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
  else if (message.type === 'end') input.push(null);
  else if (message.type === 'written') {
    const callback = written;
    written = null;
    callback?.();
  }
});

const output = new Writable({
  highWaterMark: 64 * 1024,
  write(chunk: Buffer, _encoding, callback) {
    const bytes = ownBytes(chunk);
    written = callback;
    post({ type: 'copy', data: bytes, lines: newLines(), overflow: encoder.lines.overflowed }, [bytes.buffer as ArrayBuffer]);
  },
});

async function run(): Promise<void> {
  let decoder: StrictDecoder | null = null;
  const stages: (Readable | Transform)[] = [];
  if (job.format === 'xlsx') {
    // Imported only here: the zip and XML parsers (yauzl, saxes) would add ≈ 12 MB to every
    // worker, and most uploads are text.
    const { XlsxRowStream } = await import('./xlsx.js');
    stages.push(await XlsxRowStream.open(job.file!, job.fields, job.sheet, encoder));
  } else {
    decoder = new StrictDecoder(job.encoding);
    // The readers encode their rows themselves (see RowSink): row objects never wait in a buffer.
    const reader =
      job.format === 'csv'
        ? new CsvRowStream(job.fields, { sink: encoder })
        : job.format === 'json'
          ? new JsonArrayRowStream(job.fields, undefined, encoder)
          : new NdjsonRowStream(job.fields, undefined, encoder);
    stages.push(input, decoder, reader);
  }
  await pipeline([...stages, output]);
  post({
    type: 'done',
    lines: newLines(),
    overflow: encoder.lines.overflowed,
    summary: {
      rowsRead: encoder.rowsRead,
      rowsAccepted: encoder.rowsAccepted,
      rejectedRows: encoder.errors.rejectedRows,
      errors: encoder.errors.listed,
      errorTotal: encoder.errors.total,
      checksum: decoder?.checksum ?? null,
      encoding: decoder?.encoding ?? null,
    },
  });
}

run().catch((error: unknown) => post({ type: 'failed', error: serializeError(error) }));
