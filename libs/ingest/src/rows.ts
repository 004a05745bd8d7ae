import { Transform, type TransformCallback } from 'node:stream';
import { IngestFailure } from './failure.js';
import type { HeaderProblem } from './header.js';
import { converterFor, type ConvertibleField, type Converter } from './values.js';

/**
 * One record as a reader found it: its line (CSV/NDJSON line, XLSX row, position in a JSON array)
 * and its values aligned with the dataset's fields (undefined where the file has none), or the
 * reason the reader could not make a row of it.
 */
export interface RawRow {
  line: number;
  cells: unknown[] | null;
  problem?: string;
  /** The reader knows that no text value needs COPY escaping (see Converter). */
  plain?: boolean;
}

/** One refused value or row, as reported to the uploader. */
export interface RowError {
  line: number;
  /** The field, or null when the row as a whole was refused (e.g. wrong column count). */
  field: string | null;
  reason: string;
}

/**
 * Where a reader hands its rows. Readers given a sink push COPY text instead of row objects:
 * rows then live only within one call, never waiting in a stream buffer, so they die young
 * instead of being promoted and piling up in the old generation of the heap (which is what made
 * the gateway's memory grow with the file).
 */
export interface RowSink {
  encode(batch: RawRow[], emit: (chunk: Buffer) => void): void;
}

/**
 * Pushes a reader's batch (as COPY text through its sink, or as row objects), then calls the
 * transform's callback: with the error when the batch could not be encoded.
 */
export function pushRows(stream: { push(chunk: unknown): boolean }, sink: RowSink | null, batch: RawRow[], callback: TransformCallback): void {
  try {
    if (batch.length > 0) {
      if (sink) sink.encode(batch, (chunk) => stream.push(chunk));
      else stream.push(batch);
    }
  } catch (error) {
    callback(error as Error);
    return;
  }
  callback();
}

/**
 * COPY text leaves the encoder as UTF-8 bytes in pieces of about this many characters: the
 * string of a piece (a rope of every value of its rows) dies young, in the young generation,
 * instead of waiting in a stream buffer until a garbage collection promotes it (or being large
 * enough to go straight to the large-object space, which only a full collection frees).
 */
const PIECE = 16 * 1024;

/** How many row errors a report lists in full; the rest are counted. */
export const REPORTED_ERRORS = 1000;

export function headerFailure(problems: HeaderProblem[], line: number): IngestFailure {
  const first = problems[0]!;
  return new IngestFailure(first.kind, problems.map((problem) => problem.message).join('; '), {
    line,
    problems: problems.map((problem) => ({ kind: problem.kind, columns: problem.columns })),
    columns: first.columns,
  });
}

/** Collects row errors: the first REPORTED_ERRORS in full, then a count. */
export class ErrorLog {
  readonly listed: RowError[] = [];
  total = 0;
  rejectedRows = 0;

  add(error: RowError): void {
    this.total += 1;
    if (this.listed.length < REPORTED_ERRORS) this.listed.push(error);
  }
}

/**
 * Where each loaded row came from, without a number per row: `line - row` only grows (rows are
 * numbered in file order, a line holds at most one row), so the map keeps the rows where that
 * difference changes. A file of one-line records needs one entry; the map stops growing at
 * `limit` entries and then answers null (reports fall back to the row number).
 */
export class LineMap {
  private rows: number[] = [];
  private deltas: number[] = [];
  private overflow = false;

  constructor(private readonly limit = 1_000_000) {}

  record(row: number, line: number): void {
    const delta = line - row;
    if (this.deltas.length > 0 && this.deltas[this.deltas.length - 1] === delta) return;
    if (this.rows.length >= this.limit) {
      this.overflow = true;
      return;
    }
    this.rows.push(row);
    this.deltas.push(delta);
  }

  /** Entries from position `from` on, flattened as [row, delta, …] (to mirror the map elsewhere). */
  entriesFrom(from: number): number[] {
    const flat: number[] = [];
    for (let i = from; i < this.rows.length; i += 1) flat.push(this.rows[i]!, this.deltas[i]!);
    return flat;
  }

  get size(): number {
    return this.rows.length;
  }

  get overflowed(): boolean {
    return this.overflow;
  }

  /** Adds entries produced by entriesFrom of another map. */
  append(flat: readonly number[], overflow: boolean): void {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      this.rows.push(flat[i]!);
      this.deltas.push(flat[i + 1]!);
    }
    if (overflow) this.overflow = true;
  }

  lineOf(row: number): number | null {
    if (this.overflow && row >= this.rows[this.rows.length - 1]!) return null;
    let low = 0;
    let high = this.rows.length - 1;
    if (high < 0 || row < this.rows[0]!) return null;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.rows[middle]! <= row) low = middle;
      else high = middle - 1;
    }
    return row + this.deltas[low]!;
  }
}

/**
 * Turns raw rows into COPY text (`_row`, then one column per field), refusing rows whose values
 * do not fit their fields. Accepted rows are numbered 1..N in file order.
 */
export class CopyEncoder extends Transform {
  readonly errors = new ErrorLog();
  readonly lines = new LineMap();
  rowsRead = 0;
  rowsAccepted = 0;
  private readonly converters: Converter[];
  private readonly names: string[];

  constructor(fields: readonly ConvertibleField[]) {
    super({ writableObjectMode: true, writableHighWaterMark: 4, readableHighWaterMark: 256 * 1024 });
    this.converters = fields.map(converterFor);
    this.names = fields.map((field) => field.name);
  }

  override _transform(batch: RawRow[], _encoding: BufferEncoding, callback: TransformCallback): void {
    this.encode(batch, (chunk) => this.push(chunk));
    callback();
  }

  /** COPY text of a batch, in pieces (rows refused are counted, not written). */
  encode(batch: RawRow[], emit: (chunk: Buffer) => void): void {
    let out = '';
    const converters = this.converters;
    const count = converters.length;
    for (const row of batch) {
      this.rowsRead += 1;
      const cells = row.cells;
      if (!cells) {
        this.errors.rejectedRows += 1;
        this.errors.add({ line: row.line, field: null, reason: row.problem ?? 'cannot be read as a row' });
        continue;
      }
      const plain = row.plain === true;
      let line = '';
      let refused = false;
      for (let i = 0; i < count; i += 1) {
        const converted = converters[i]!(cells[i], plain);
        if (converted === null) line += '\t\\N';
        else if (typeof converted === 'string') line += `\t${converted}`;
        else {
          refused = true;
          this.errors.add({ line: row.line, field: this.names[i]!, reason: converted.reason });
        }
      }
      if (refused) {
        this.errors.rejectedRows += 1;
        continue;
      }
      this.rowsAccepted += 1;
      this.lines.record(this.rowsAccepted, row.line);
      out += `${this.rowsAccepted}${line}\n`;
      if (out.length >= PIECE) {
        emit(Buffer.from(out, 'utf8'));
        out = '';
      }
    }
    if (out.length > 0) emit(Buffer.from(out, 'utf8'));
  }
}
