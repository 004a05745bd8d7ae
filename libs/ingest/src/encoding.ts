import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';

/** What a caller may ask for; `auto` tries strict UTF-8, then strict GB18030. */
export type RequestedEncoding = 'auto' | 'utf-8' | 'gbk' | 'gb18030';
export const REQUESTED_ENCODINGS: readonly RequestedEncoding[] = ['auto', 'utf-8', 'gbk', 'gb18030'];
/** The encoding a file was actually decoded with, as reported. */
export type DecodedEncoding = 'utf-8' | 'gbk' | 'gb18030';

/** Raised when bytes cannot be decoded; `byteOffset` is 0-based from the start of the file. */
export class EncodingError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
    readonly attempts: Partial<Record<DecodedEncoding, number>>,
  ) {
    super(message);
    this.name = 'EncodingError';
  }
}

/** Result of scanning bytes: where the first bad sequence is, or how long the complete prefix is. */
export interface ScanResult {
  /** Offset of the first undecodable byte, or -1. */
  invalidAt: number;
  /** Bytes that form complete characters (a trailing, possibly incomplete, sequence is excluded). */
  complete: number;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Length of a UTF-8 sequence from its first byte, 0 when the byte cannot start one. */
function utf8Length(byte: number): number {
  if (byte < 0x80) return 1;
  if (byte >= 0xc2 && byte <= 0xdf) return 2;
  if (byte >= 0xe0 && byte <= 0xef) return 3;
  if (byte >= 0xf0 && byte <= 0xf4) return 4;
  return 0;
}

/**
 * Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). At the end of a chunk
 * (`final` false) a sequence that is merely cut short is not an error: it is left out of `complete`.
 */
export function scanUtf8(bytes: Uint8Array, final: boolean): ScanResult {
  // Fast path: the native validator, on everything but a possibly cut sequence at the end.
  const tail = final ? bytes.length : utf8CompleteLength(bytes);
  if (isUtf8(bytes.subarray(0, tail))) {
    return { invalidAt: -1, complete: tail };
  }
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const length = utf8Length(b);
    if (length === 0) return { invalidAt: i, complete: i };
    if (i + length > n) {
      // Cut short: valid so far at the end of a chunk, an error at the end of the file.
      for (let k = i + 1; k < n; k += 1) if (!continuation(bytes, i, k)) return { invalidAt: i, complete: i };
      return final ? { invalidAt: i, complete: i } : { invalidAt: -1, complete: i };
    }
    for (let k = i + 1; k < i + length; k += 1) if (!continuation(bytes, i, k)) return { invalidAt: i, complete: i };
    i += length;
  }
  return { invalidAt: -1, complete: n };
}

/** Whether bytes[k] may follow the lead byte bytes[lead] at its position (RFC 3629 table). */
function continuation(bytes: Uint8Array, lead: number, k: number): boolean {
  const byte = bytes[k]!;
  if (k === lead + 1) {
    const first = bytes[lead]!;
    if (first === 0xe0) return byte >= 0xa0 && byte <= 0xbf;
    if (first === 0xed) return byte >= 0x80 && byte <= 0x9f;
    if (first === 0xf0) return byte >= 0x90 && byte <= 0xbf;
    if (first === 0xf4) return byte >= 0x80 && byte <= 0x8f;
  }
  return byte >= 0x80 && byte <= 0xbf;
}

/** Length of the prefix that does not end inside a (possibly valid) multi-byte sequence. */
function utf8CompleteLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back += 1) {
    const byte = bytes[n - back]!;
    if (byte < 0x80) return n;
    if (byte >= 0xc0) return utf8Length(byte) > back ? n - back : n;
  }
  return n;
}

// GB18030 four-byte sequences are a linear code space; only two ranges of it are assigned.
const GB_LINEAR_BMP_MAX = gbLinear(0x84, 0x31, 0xa4, 0x39);
const GB_LINEAR_SUPPLEMENTARY_MIN = gbLinear(0x90, 0x30, 0x81, 0x30);
const GB_LINEAR_SUPPLEMENTARY_MAX = gbLinear(0xe3, 0x32, 0x9a, 0x35);

function gbLinear(b1: number, b2: number, b3: number, b4: number): number {
  return (((b1 - 0x81) * 10 + (b2 - 0x30)) * 126 + (b3 - 0x81)) * 10 + (b4 - 0x30);
}

/**
 * Strict GB18030 structure: one byte 00–7F, two bytes 81–FE + 40–7E/80–FE, or four bytes
 * 81–FE 30–39 81–FE 30–39 within the assigned ranges. With `gbkOnly`, four-byte sequences are
 * refused (GBK has none). 0x80 and 0xFF alone are errors (code pages that map 0x80 to € are not GB18030).
 */
export function scanGb18030(bytes: Uint8Array, final: boolean, gbkOnly = false): ScanResult {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b1 = bytes[i]!;
    if (b1 < 0x80) {
      i += 1;
      continue;
    }
    if (b1 === 0x80 || b1 === 0xff) return { invalidAt: i, complete: i };
    if (i + 1 >= n) return final ? { invalidAt: i, complete: i } : { invalidAt: -1, complete: i };
    const b2 = bytes[i + 1]!;
    if ((b2 >= 0x40 && b2 <= 0x7e) || (b2 >= 0x80 && b2 <= 0xfe)) {
      i += 2;
      continue;
    }
    if (b2 < 0x30 || b2 > 0x39 || gbkOnly) return { invalidAt: i, complete: i };
    if (i + 3 >= n) {
      const b3 = bytes[i + 2];
      if (b3 !== undefined && (b3 < 0x81 || b3 > 0xfe)) return { invalidAt: i, complete: i };
      return final ? { invalidAt: i, complete: i } : { invalidAt: -1, complete: i };
    }
    const b3 = bytes[i + 2]!;
    const b4 = bytes[i + 3]!;
    if (b3 < 0x81 || b3 > 0xfe || b4 < 0x30 || b4 > 0x39) return { invalidAt: i, complete: i };
    const linear = gbLinear(b1, b2, b3, b4);
    if (linear > GB_LINEAR_BMP_MAX && (linear < GB_LINEAR_SUPPLEMENTARY_MIN || linear > GB_LINEAR_SUPPLEMENTARY_MAX)) return { invalidAt: i, complete: i };
    i += 4;
  }
  return { invalidAt: -1, complete: n };
}

function countNonAscii(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i += 1) if (bytes[i]! >= 0x80) count += 1;
  return count;
}

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i += 1) if (bytes[i]! >= 0x80) return i;
  return -1;
}

/**
 * GB18030 bytes (already validated) to text: the platform's decoder (ICU, WHATWG mapping, which
 * follows GB18030-2022) is about twice as fast as iconv-lite; iconv-lite stands in on a Node built
 * without full ICU, and is loaded only then (in the ingest worker it would cost ≈ 5 MB).
 */
const gbDecode: (bytes: Uint8Array) => string = (() => {
  try {
    const decoder = new TextDecoder('gb18030');
    return (bytes: Uint8Array) => decoder.decode(bytes);
  } catch {
    const iconv = createRequire(import.meta.url)('iconv-lite') as typeof import('iconv-lite');
    return (bytes: Uint8Array) => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gb18030');
  }
})();

/** Bytes of non-ASCII content looked at before `auto` commits to an encoding. */
export const DETECTION_WINDOW = 64 * 1024;

/**
 * Decodes a byte stream strictly into text (string chunks, what the parsers read), hashing the
 * decoded content (SHA-256 of its UTF-8 form) on the way.
 *
 * `auto`: ASCII is the same in both encodings, so ASCII passes through at once; from the first
 * non-ASCII byte on, up to DETECTION_WINDOW bytes are held and tried as strict UTF-8, then as
 * strict GB18030; the first that decodes the window decodes the rest of the file, strictly.
 * A UTF-8 byte-order mark commits to UTF-8 (and is not part of the content). Memory stays bounded:
 * at most one window is held.
 */
export class StrictDecoder extends Transform {
  private offset = 0;
  private carry: Buffer = Buffer.alloc(0);
  private carryOffset = 0;
  private chosen: DecodedEncoding | null;
  private started = false;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | null = null;
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(private readonly requested: RequestedEncoding) {
    super({ writableHighWaterMark: 64 * 1024, readableObjectMode: true, readableHighWaterMark: 2 });
    // GBK and GB18030 are decided on the first window too: see detect().
    this.chosen = requested === 'utf-8' ? 'utf-8' : null;
  }

  /** The encoding in use (`utf-8` for a file that is all ASCII). */
  get encoding(): DecodedEncoding {
    return this.chosen ?? 'utf-8';
  }

  /** SHA-256 (hex) of the decoded content, once the stream has ended. */
  get checksum(): string {
    if (this.digest === null) this.digest = this.hash.digest('hex');
    return this.digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.accept(chunk, false);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.accept(Buffer.alloc(0), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private accept(chunk: Buffer, final: boolean): void {
    let bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let base = this.carry.length > 0 ? this.carryOffset : this.offset;
    this.offset += chunk.length;
    this.carry = Buffer.alloc(0);
    if (!this.started) {
      if (bytes.length < 3 && !final && UTF8_BOM.subarray(0, bytes.length).equals(bytes)) {
        this.hold(bytes, base);
        return;
      }
      this.started = true;
      if (bytes.length >= 3 && bytes.subarray(0, 3).equals(UTF8_BOM)) {
        if (this.requested === 'gbk' || this.requested === 'gb18030') {
          throw new EncodingError(
            `The file starts with a UTF-8 byte-order mark but encoding=${this.requested} was asked for; upload it with encoding=auto or utf-8`,
            0,
            { [this.requested]: 0 },
          );
        }
        this.chosen = 'utf-8';
        bytes = bytes.subarray(3);
        base += 3;
      }
    }
    if (this.chosen === null) {
      const nonAscii = firstNonAscii(bytes);
      if (nonAscii === -1) {
        this.output(bytes);
        return;
      }
      if (nonAscii > 0) {
        this.output(bytes.subarray(0, nonAscii));
        bytes = bytes.subarray(nonAscii);
        base += nonAscii;
      }
      if (bytes.length < DETECTION_WINDOW && !final) {
        this.hold(bytes, base);
        return;
      }
      this.chosen = this.detect(bytes, base, final);
    }
    const scan = this.chosen === 'utf-8' ? scanUtf8(bytes, final) : scanGb18030(bytes, final, this.chosen === 'gbk');
    if (scan.invalidAt >= 0) throw this.undecodable(this.chosen, base + scan.invalidAt, final && scan.invalidAt >= bytes.length - 4);
    const complete = bytes.subarray(0, scan.complete);
    if (complete.length > 0) {
      if (this.chosen === 'utf-8') this.output(complete);
      else this.outputText(gbDecode(complete));
    }
    if (scan.complete < bytes.length) this.hold(bytes.subarray(scan.complete), base + scan.complete);
  }

  private detect(window: Buffer, base: number, final: boolean): DecodedEncoding {
    const asUtf8 = scanUtf8(window, final);
    if (this.requested === 'gbk' || this.requested === 'gb18030') {
      // UTF-8 Chinese is often structurally valid GBK: decoding it so would be a silent mis-decode.
      if (asUtf8.invalidAt === -1 && countNonAscii(window) >= 16) {
        throw new EncodingError(`encoding=${this.requested} was asked for, but the file reads as UTF-8; upload it with encoding=auto or utf-8`, base, { [this.requested]: base });
      }
      const scan = scanGb18030(window, final, this.requested === 'gbk');
      if (scan.invalidAt >= 0) throw this.undecodable(this.requested, base + scan.invalidAt, final && scan.invalidAt >= window.length - 4);
      return this.requested;
    }
    if (asUtf8.invalidAt === -1) return 'utf-8';
    const asGb = scanGb18030(window, final);
    if (asGb.invalidAt === -1) return 'gb18030';
    const utf8At = base + asUtf8.invalidAt;
    const gbAt = base + asGb.invalidAt;
    const truncated = final && Math.max(asUtf8.invalidAt, asGb.invalidAt) >= window.length - 4;
    throw new EncodingError(
      `The file is neither UTF-8 nor GB18030/GBK: the first undecodable byte sequence is at byte offset ${Math.max(utf8At, gbAt)}` +
        ` (as UTF-8 it fails at byte ${utf8At}, as GB18030 at byte ${gbAt})${truncated ? '; the file ends in the middle of a character (truncated?)' : ''}.` +
        ' Save it as UTF-8 or GB18030 and upload it again.',
      Math.max(utf8At, gbAt),
      { 'utf-8': utf8At, gb18030: gbAt },
    );
  }

  private undecodable(encoding: DecodedEncoding, at: number, atEnd: boolean): EncodingError {
    const hint = this.requested === 'auto' ? ` (the start of the file was ${encoding}; a file must use one encoding throughout)` : '';
    return new EncodingError(
      `The file is not valid ${encoding.toUpperCase()}: undecodable byte sequence at byte offset ${at}${atEnd ? ', at the end of the file (truncated?)' : ''}${hint}.`,
      at,
      { [encoding]: at },
    );
  }

  private hold(bytes: Buffer, base: number): void {
    this.carry = Buffer.from(bytes);
    this.carryOffset = base;
  }

  /** UTF-8 bytes (validated, whole characters) out as text. */
  private output(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.hash.update(bytes);
    this.push(this.utf8.decode(bytes));
  }

  private outputText(text: string): void {
    if (text.length === 0) return;
    this.hash.update(text, 'utf8');
    this.push(text);
  }
}
