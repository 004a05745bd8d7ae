import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import path from 'node:path';
import yauzl from 'yauzl';
import type { VersionFieldSnapshot } from '@causeway/catalogue';
import { IngestFailure } from './failure.js';
import { mapHeader, type HeaderMapping } from './header.js';
import { headerFailure, pushRows, type RawRow, type RowSink } from './rows.js';

/**
 * XLSX reading with a random-access unzip (yauzl, over the upload spooled to a temporary file)
 * and a streaming XML parser (saxes). exceljs does not install from our registry mirror, and
 * SheetJS's npm release is stale and reads whole workbooks into memory. Reading the zip by its
 * central directory lets us take the workbook, styles and shared strings first, whatever order
 * the writer stored them in, and then stream the sheet row by row.
 *
 * The shared-string table is held in memory (Excel stores each distinct text once, and cells
 * refer to it by number); it is capped at MAX_SHARED_TEXT characters. Larger workbooks: CSV.
 */
export const MAX_SHARED_TEXT = 32 * 1024 * 1024;

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the zh-CN ones). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Whether a custom number format code shows a date or time (y m d h s outside quotes and brackets). */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .split(';')[0]!;
  return /[ymdhs]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

/** "AB12" → column 27 (0-based), row 12. */
export function cellPosition(ref: string): { column: number; row: number } | null {
  const match = /^([A-Z]{1,3})(\d+)$/.exec(ref.toUpperCase());
  if (!match) return null;
  let column = 0;
  for (const char of match[1]!) column = column * 26 + (char.charCodeAt(0) - 64);
  return { column: column - 1, row: Number(match[2]) };
}

export function columnLetters(column: number): string {
  let n = column + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** An Excel serial date (days since 1899-12-30; 1904-based when the workbook says so) as text. */
export function serialToText(serial: number, date1904: boolean): string {
  const days = date1904 ? serial + 1462 : serial;
  // Excel counts a 29 February 1900 that never was: serials before it are one day early.
  const adjusted = !date1904 && days < 61 ? days + 1 : days;
  const milliseconds = Math.round(adjusted * 86_400_000);
  const date = new Date(Date.UTC(1899, 11, 30) + milliseconds);
  const iso = date.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

/** Numbers as Excel shows them: 15 significant digits (0.1 + 0.2 is 0.3, not 0.30000000000000004). */
function excelNumber(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toPrecision(15));
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) reject(new IngestFailure('INVALID_XLSX', `The file is not an XLSX workbook (not a readable zip archive: ${error?.message ?? 'unknown'})`));
      else resolve(zip);
    });
  });
}

function entries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      found.set(entry.fileName.replace(/^\/+/, ''), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(found));
    zip.once('error', (error: Error) => reject(new IngestFailure('INVALID_XLSX', `The XLSX archive is damaged: ${error.message}`)));
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(new IngestFailure('INVALID_XLSX', `Cannot read ${entry.fileName} from the XLSX archive: ${error?.message ?? 'unknown'}`));
      else resolve(stream);
    });
  });
}

/** Runs a SAX parse over a whole (small) zip entry. */
async function parseEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, handlers: { open?: (tag: SaxesTagPlain) => void; text?: (text: string) => void; close?: (tag: SaxesTagPlain) => void }): Promise<void> {
  const stream = await entryStream(zip, entry);
  const parser = new SaxesParser();
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.text) parser.on('text', handlers.text);
  if (handlers.close) parser.on('closetag', handlers.close);
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream) parser.write(decoder.write(chunk as Buffer));
    parser.write(decoder.end()).close();
  } catch (error) {
    if (error instanceof IngestFailure) throw error;
    throw new IngestFailure('INVALID_XLSX', `${entry.fileName} in the XLSX archive is not well-formed XML: ${(error as Error).message}`);
  }
}

interface Workbook {
  sheets: { name: string; target: string }[];
  date1904: boolean;
}

async function readWorkbook(zip: yauzl.ZipFile, files: Map<string, yauzl.Entry>): Promise<Workbook> {
  const workbook = files.get('xl/workbook.xml');
  const rels = files.get('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new IngestFailure('INVALID_XLSX', 'The file is a zip archive but not an XLSX workbook (no xl/workbook.xml)');
  const sheets: { name: string; id: string }[] = [];
  let date1904 = false;
  await parseEntry(zip, workbook, {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === 'sheet') {
        const id = Object.entries(tag.attributes).find(([key]) => localName(key) === 'id' && key !== 'sheetId')?.[1];
        sheets.push({ name: tag.attributes.name ?? '', id: id ?? '' });
      } else if (name === 'workbookPr') {
        date1904 = tag.attributes.date1904 === '1' || tag.attributes.date1904 === 'true';
      }
    },
  });
  const targets = new Map<string, string>();
  await parseEntry(zip, rels, {
    open: (tag) => {
      if (localName(tag.name) === 'Relationship') targets.set(tag.attributes.Id ?? '', tag.attributes.Target ?? '');
    },
  });
  return {
    date1904,
    sheets: sheets.map((sheet) => {
      const target = targets.get(sheet.id) ?? '';
      return { name: sheet.name, target: target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join('xl', target)) };
    }),
  };
}

/** Which cell styles (by index) display a date. */
async function readDateStyles(zip: yauzl.ZipFile, files: Map<string, yauzl.Entry>): Promise<boolean[]> {
  const styles = files.get('xl/styles.xml');
  if (!styles) return [];
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await parseEntry(zip, styles, {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === 'numFmt') custom.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) formats.push(Number(tag.attributes.numFmtId ?? 0));
    },
    close: (tag) => {
      if (localName(tag.name) === 'cellXfs') inCellXfs = false;
    },
  });
  return formats.map((id) => (custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id)));
}

async function readSharedStrings(zip: yauzl.ZipFile, files: Map<string, yauzl.Entry>): Promise<string[]> {
  const entry = files.get('xl/sharedStrings.xml');
  if (!entry) return [];
  const strings: string[] = [];
  let current = '';
  let inText = false;
  let inPhonetic = false;
  let total = 0;
  await parseEntry(zip, entry, {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === 'si') current = '';
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && !inPhonetic) inText = true;
    },
    text: (text) => {
      if (inText) current += text;
    },
    close: (tag) => {
      const name = localName(tag.name);
      if (name === 't') inText = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') {
        total += current.length;
        if (total > MAX_SHARED_TEXT) {
          throw new IngestFailure('INVALID_XLSX', `The workbook holds more than ${MAX_SHARED_TEXT} characters of distinct text; save the sheet as CSV (UTF-8) and upload that`);
        }
        strings.push(current);
      }
    },
  });
  return strings;
}

interface Cell {
  column: number;
  type: string;
  style: number;
  value: string;
  formula: boolean;
  ref: string;
}

/**
 * Streams one worksheet's XML into rows. The first row with content is the header; cell values
 * are typed as Excel stored them (numbers, booleans, text), dates by their cell style. A formula
 * counts by its saved result; a formula error (#DIV/0!, #REF!, …) or a formula saved without
 * a result refuses its row. Merged cells refuse the file: a merged range puts one value where
 * several rows or columns need one each.
 */
export class XlsxSheetStream extends Transform {
  private readonly parser = new SaxesParser();
  private readonly decoder = new StringDecoder('utf8');
  private batch: RawRow[] = [];
  private header: HeaderMapping | null = null;
  private headerColumns = 0;
  private rowNumber = 0;
  private rowCells: Cell[] = [];
  private cell: Cell | null = null;
  private capture: 'v' | 't' | 'f' | null = null;
  private inInline = false;
  private readonly merged: string[] = [];
  private failure: Error | null = null;

  constructor(
    private readonly fields: readonly VersionFieldSnapshot[],
    private readonly strings: string[],
    private readonly dateStyles: boolean[],
    private readonly date1904: boolean,
    private readonly sheetName: string,
    private readonly sink: RowSink | null = null,
  ) {
    super({ readableObjectMode: true, readableHighWaterMark: 4 });
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('text', (text) => this.text(text));
    this.parser.on('closetag', (tag) => this.close(tag));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.feed(this.decoder.write(chunk), false, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.feed(this.decoder.end(), true, callback);
  }

  private feed(text: string, final: boolean, callback: TransformCallback): void {
    try {
      this.parser.write(text);
      if (final) {
        this.parser.close();
        this.finish();
      }
    } catch (error) {
      callback(error instanceof IngestFailure ? error : new IngestFailure('INVALID_XLSX', `The sheet "${this.sheetName}" is not well-formed XML: ${(error as Error).message}`));
      return;
    }
    const batch = this.batch;
    this.batch = [];
    pushRows(this, this.sink, batch, callback);
  }

  private finish(): void {
    if (this.merged.length > 0) {
      throw new IngestFailure(
        'MERGED_CELLS',
        `The sheet "${this.sheetName}" has merged cells (${this.merged.slice(0, 20).join(', ')}${this.merged.length > 20 ? ', …' : ''}): unmerge them and fill in every cell, so that each row stands on its own`,
        { ranges: this.merged.slice(0, 100) },
      );
    }
    if (!this.header) throw new IngestFailure('EMPTY_FILE', `The sheet "${this.sheetName}" is empty: its first row must name the columns`);
  }

  private open(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    switch (name) {
      case 'row':
        this.rowNumber = tag.attributes.r ? Number(tag.attributes.r) : this.rowNumber + 1;
        this.rowCells = [];
        break;
      case 'c': {
        const ref = tag.attributes.r ?? '';
        const position = ref ? cellPosition(ref) : null;
        const previous = this.rowCells[this.rowCells.length - 1];
        const column = position ? position.column : previous ? previous.column + 1 : 0;
        this.cell = { column, type: tag.attributes.t ?? 'n', style: Number(tag.attributes.s ?? 0), value: '', formula: false, ref: ref || `${columnLetters(column)}${this.rowNumber}` };
        break;
      }
      case 'v':
        if (this.cell) this.capture = 'v';
        break;
      case 'f':
        if (this.cell) this.cell.formula = true;
        break;
      case 'is':
        this.inInline = true;
        break;
      case 't':
        if (this.cell && this.inInline) this.capture = 't';
        break;
      case 'rPh':
        // Phonetic guides are not part of the cell's text.
        this.inInline = false;
        break;
      case 'mergeCell':
        if (tag.attributes.ref) this.merged.push(tag.attributes.ref);
        break;
      default:
        break;
    }
  }

  private text(text: string): void {
    if (this.capture && this.cell) this.cell.value += text;
  }

  private close(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    if (name === 'v' || name === 't') this.capture = null;
    else if (name === 'is') this.inInline = false;
    else if (name === 'c') {
      if (this.cell) this.rowCells.push(this.cell);
      this.cell = null;
    } else if (name === 'row') this.endRow();
  }

  private endRow(): void {
    const cells = this.rowCells;
    this.rowCells = [];
    if (!this.header) {
      const texts: string[] = [];
      for (const cell of cells) {
        const value = this.cellValue(cell);
        texts[cell.column] = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
      }
      while (texts.length > 0 && (texts[texts.length - 1] ?? '').trim() === '') texts.pop();
      if (texts.length === 0) return;
      const columns = Array.from(texts, (text) => text ?? '');
      const mapped = mapHeader(this.fields, columns);
      if (Array.isArray(mapped)) throw headerFailure(mapped, this.rowNumber);
      this.header = mapped;
      this.headerColumns = columns.length;
      return;
    }
    const values: unknown[] = new Array(this.fields.length);
    let content = false;
    for (const cell of cells) {
      const value = this.cellValue(cell);
      if (value === undefined || value === '') continue;
      if (value instanceof Error) {
        this.batch.push({ line: this.rowNumber, cells: null, problem: `${value.message} in cell ${cell.ref}` });
        return;
      }
      content = true;
      if (cell.column >= this.headerColumns) {
        this.batch.push({ line: this.rowNumber, cells: null, problem: `has a value in cell ${cell.ref}, a column without a header` });
        return;
      }
      values[this.header.columnToField[cell.column]!] = value;
    }
    if (content) this.batch.push({ line: this.rowNumber, cells: values });
  }

  /** A cell's value as Excel stored it; an Error for a formula error or a formula without a result. */
  private cellValue(cell: Cell): unknown {
    switch (cell.type) {
      case 's': {
        const text = this.strings[Number(cell.value)];
        return text === undefined ? new Error(`a reference to shared text ${cell.value} that the workbook lacks`) : text;
      }
      case 'inlineStr':
      case 'str':
        if (cell.formula && cell.value === '' && cell.type === 'str') return new Error('a formula saved without its result (open the file in Excel and save it again)');
        return cell.value;
      case 'b':
        return cell.value === '1' || cell.value === 'true';
      case 'e':
        return new Error(`the formula error ${cell.value}`);
      case 'd':
        return cell.value.replace('T', ' ').replace(/Z$/, '');
      default: {
        if (cell.value === '') return cell.formula ? new Error('a formula saved without its result (open the file in Excel and save it again)') : undefined;
        const number = Number(cell.value);
        if (!Number.isFinite(number)) return cell.value;
        if (this.dateStyles[cell.style]) return serialToText(number, this.date1904);
        return excelNumber(number);
      }
    }
  }
}

/** Opens a spooled XLSX upload and streams the chosen sheet (default: the first) as rows. */
export class XlsxRowStream {
  static async open(file: string, fields: readonly VersionFieldSnapshot[], sheet: string | null, sink: RowSink | null = null): Promise<Readable> {
    const zip = await openZip(file);
    try {
      const files = await entries(zip);
      const workbook = await readWorkbook(zip, files);
      if (workbook.sheets.length === 0) throw new IngestFailure('INVALID_XLSX', 'The workbook has no sheets');
      const chosen = sheet === null ? workbook.sheets[0]! : workbook.sheets.find((candidate) => candidate.name === sheet);
      if (!chosen) {
        throw new IngestFailure('SHEET_NOT_FOUND', `The workbook has no sheet named "${sheet}"; its sheets are ${workbook.sheets.map((s) => `"${s.name}"`).join(', ')}`, {
          sheets: workbook.sheets.map((s) => s.name),
        });
      }
      const entry = files.get(chosen.target);
      if (!entry) throw new IngestFailure('INVALID_XLSX', `The workbook names a sheet file ${chosen.target} that the archive lacks`);
      const dateStyles = await readDateStyles(zip, files);
      const strings = await readSharedStrings(zip, files);
      const rows = new XlsxSheetStream(fields, strings, dateStyles, workbook.date1904, chosen.name, sink);
      const source = await entryStream(zip, entry);
      source.once('error', (error) => rows.destroy(new IngestFailure('INVALID_XLSX', `The sheet data is damaged: ${error.message}`)));
      rows.once('close', () => zip.close());
      return source.pipe(rows);
    } catch (error) {
      zip.close();
      throw error;
    }
  }
}
