import { Readable } from 'node:stream';
import type { VersionFieldSnapshot } from '@causeway/catalogue';
import { IngestFailure } from './failure.js';

export class XlsxRowStream {
  static async open(_file: string, _fields: readonly VersionFieldSnapshot[], _sheet: string | null): Promise<Readable> {
    throw new IngestFailure('UNSUPPORTED_FORMAT', 'XLSX is not supported yet');
  }
}
