import { Transform, type TransformCallback } from 'node:stream';
import { IngestFailure, MAX_RECORD_SIZE } from './failure.js';
import { headerIndex, headerKey, type HeaderField } from './header.js';
import { pushRows, type RawRow, type RowSink } from './rows.js';

/** Maps the keys of JSON objects to field positions (by name or title), remembering each key. */
export class KeyMapper {
  private readonly index: Map<string, number>;
  private readonly known = new Map<string, number>();

  constructor(private readonly fields: readonly HeaderField[]) {
    this.index = headerIndex(fields);
  }

  /** The object's values aligned with the fields; unknown keys refuse the file, by name. */
  cells(object: Record<string, unknown>, line: number): unknown[] {
    const cells: unknown[] = new Array(this.fields.length);
    const filled: number[] = [];
    for (const key of Object.keys(object)) {
      let position = this.known.get(key);
      if (position === undefined) {
        position = this.index.get(headerKey(key)) ?? -1;
        this.known.set(key, position);
      }
      if (position === -1) {
        throw new IngestFailure(
          'UNKNOWN_COLUMNS',
          `Unknown key "${key}" at line ${line}: each key must name a field (name or title): ${this.fields.map((f) => `${f.name} (${f.title})`).join(', ')}`,
          { line, columns: [key] },
        );
      }
      if (filled.includes(position)) {
        throw new IngestFailure('DUPLICATE_COLUMNS', `The object at line ${line} gives ${this.fields[position]!.name} twice (by name and by title)`, { line, columns: [key] });
      }
      filled.push(position);
      cells[position] = object[key];
    }
    return cells;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rowOf(text: string, line: number, keys: KeyMapper): RawRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, cells: null, problem: `is not valid JSON (${(error as Error).message})` };
  }
  if (!isPlainObject(value)) return { line, cells: null, problem: `is ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'null' : `a ${typeof value}`}, not an object with one key per field` };
  return { line, cells: keys.cells(value, line) };
}

/** Newline-delimited JSON: one object per line; blank lines are skipped. */
export class NdjsonRowStream extends Transform {
  private text = '';
  private line = 1;
  private readonly keys: KeyMapper;
  private readonly decoder = new TextDecoder('utf-8');
  private seen = false;

  constructor(
    fields: readonly HeaderField[],
    private readonly maxRecordSize = MAX_RECORD_SIZE,
    private readonly sink: RowSink | null = null,
  ) {
    super({ readableObjectMode: true, readableHighWaterMark: 4, decodeStrings: false });
    this.keys = new KeyMapper(fields);
  }

  override _transform(chunk: string | Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.run(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }), false, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.run(this.decoder.decode(), true, callback);
  }

  private run(chunk: string, final: boolean, callback: TransformCallback): void {
    const rows: RawRow[] = [];
    try {
      this.text += chunk;
      let start = 0;
      for (;;) {
        const end = this.text.indexOf('\n', start);
        if (end === -1 && !final) break;
        const record = this.text.slice(start, end === -1 ? undefined : end);
        if (record.trim() !== '') {
          this.seen = true;
          rows.push(rowOf(record, this.line, this.keys));
        }
        this.line += 1;
        if (end === -1) {
          start = this.text.length;
          break;
        }
        start = end + 1;
      }
      this.text = this.text.slice(start);
      if (this.text.length > this.maxRecordSize) {
        throw new IngestFailure('RECORD_TOO_LARGE', `Line ${this.line} is longer than ${this.maxRecordSize} characters`, { line: this.line });
      }
      if (final && !this.seen) throw new IngestFailure('EMPTY_FILE', 'The file is empty: send one JSON object per line');
    } catch (error) {
      callback(error as Error);
      return;
    }
    pushRows(this, this.sink, rows, callback);
  }
}

const enum Phase {
  START,
  BETWEEN,
  ELEMENT,
  END,
}

/**
 * A JSON array of objects, streamed: a small scanner finds where each element ends (strings,
 * escapes, nesting) and JSON.parse reads the element, so no more than one element is ever held.
 */
export class JsonArrayRowStream extends Transform {
  private text = '';
  private phase = Phase.START;
  private line = 1;
  private expectComma = false;
  private readonly keys: KeyMapper;
  private readonly decoder = new TextDecoder('utf-8');
  // Element scanning state, kept across chunks.
  private elementStart = -1;
  private elementLine = 1;
  private depth = 0;
  private inString = false;
  private container = false;
  private scanned = 0;
  private started = false;

  constructor(
    fields: readonly HeaderField[],
    private readonly maxRecordSize = MAX_RECORD_SIZE,
    private readonly sink: RowSink | null = null,
  ) {
    super({ readableObjectMode: true, readableHighWaterMark: 4, decodeStrings: false });
    this.keys = new KeyMapper(fields);
  }

  override _transform(chunk: string | Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.run(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }), false, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.run(this.decoder.decode(), true, callback);
  }

  private run(chunk: string, final: boolean, callback: TransformCallback): void {
    const rows: RawRow[] = [];
    try {
      this.text += chunk;
      const consumed = this.scan(rows);
      this.text = this.text.slice(consumed);
      if (this.elementStart >= 0) {
        this.elementStart -= consumed;
        this.scanned -= consumed;
      }
      if (this.text.length > this.maxRecordSize) {
        throw new IngestFailure('RECORD_TOO_LARGE', `The array element starting at line ${this.elementLine} is longer than ${this.maxRecordSize} characters`, { line: this.elementLine });
      }
      if (final) this.finish();
    } catch (error) {
      callback(error as Error);
      return;
    }
    pushRows(this, this.sink, rows, callback);
  }

  private finish(): void {
    if (!this.started) throw new IngestFailure('EMPTY_FILE', 'The file is empty: send a JSON array of objects, one object per row');
    if (this.phase !== Phase.END) throw new IngestFailure('MALFORMED_JSON', `The JSON array is not closed: the file ends at line ${this.line} inside it (truncated?)`, { line: this.line });
  }

  /** Scans `text`, emitting complete elements; returns how many characters are done with. */
  private scan(rows: RawRow[]): number {
    const text = this.text;
    let pos = this.elementStart >= 0 ? this.scanned : 0;
    let done = this.elementStart >= 0 ? this.elementStart : 0;
    while (pos < text.length) {
      const code = text.charCodeAt(pos);
      if (this.phase === Phase.ELEMENT) {
        if (this.inString) {
          const quote = text.indexOf('"', pos);
          if (quote === -1) {
            pos = text.length;
            break;
          }
          let backslashes = 0;
          for (let k = quote - 1; text.charCodeAt(k) === 92; k -= 1) backslashes += 1;
          pos = quote + 1;
          if (backslashes % 2 === 0) this.inString = false;
          continue;
        }
        let end = -1;
        if (code === 34) this.inString = true;
        else if (code === 10) this.line += 1;
        if (this.container) {
          if (code === 123 || code === 91) this.depth += 1;
          else if (code === 125 || code === 93) {
            this.depth -= 1;
            if (this.depth === 0) end = pos + 1;
          }
        } else if (code === 44 || code === 93 || code === 125 || code === 32 || code === 10 || code === 13 || code === 9) {
          // A scalar element ends before the separator that follows it.
          if (code === 10) this.line -= 1;
          end = pos;
        }
        if (end === -1) {
          pos += 1;
          continue;
        }
        rows.push(rowOf(text.slice(this.elementStart, end), this.elementLine, this.keys));
        this.phase = Phase.BETWEEN;
        this.expectComma = true;
        this.elementStart = -1;
        pos = end;
        done = end;
        continue;
      }
      if (code === 32 || code === 9 || code === 13 || code === 10) {
        if (code === 10) this.line += 1;
        pos += 1;
        done = pos;
        continue;
      }
      this.started = true;
      if (this.phase === Phase.START) {
        if (code !== 91) {
          throw new IngestFailure('NOT_ARRAY_OF_OBJECTS', `The file must be a JSON array of objects, one object per row ([{…}, {…}]); it starts with "${text.slice(pos, pos + 20)}"`, { line: this.line });
        }
        this.phase = Phase.BETWEEN;
        this.expectComma = false;
        pos += 1;
        done = pos;
        continue;
      }
      if (this.phase === Phase.END) throw new IngestFailure('MALFORMED_JSON', `Text after the end of the JSON array at line ${this.line}`, { line: this.line });
      // Between elements.
      if (code === 93) {
        this.phase = Phase.END;
        pos += 1;
        done = pos;
        continue;
      }
      if (code === 44) {
        if (!this.expectComma) throw new IngestFailure('MALFORMED_JSON', `Line ${this.line}: a comma where an array element was expected`, { line: this.line });
        this.expectComma = false;
        pos += 1;
        done = pos;
        continue;
      }
      if (this.expectComma) throw new IngestFailure('MALFORMED_JSON', `Line ${this.line}: a comma or ] was expected between array elements`, { line: this.line });
      this.phase = Phase.ELEMENT;
      this.elementStart = pos;
      this.elementLine = this.line;
      this.depth = 0;
      this.inString = false;
      this.container = code === 123 || code === 91;
      done = pos;
      // Re-read this character as the element's first.
    }
    if (this.phase === Phase.ELEMENT) {
      this.scanned = pos;
      return this.elementStart >= 0 ? this.elementStart : done;
    }
    return done;
  }

}
