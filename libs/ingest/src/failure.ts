/** Why a whole upload was refused (as opposed to single rows). */
export type FailureReason =
  | 'INVALID_ENCODING'
  | 'EMPTY_FILE'
  | 'NO_ROWS'
  | 'MALFORMED_CSV'
  | 'RECORD_TOO_LARGE'
  | 'UNKNOWN_COLUMNS'
  | 'MISSING_COLUMNS'
  | 'DUPLICATE_COLUMNS'
  | 'EMPTY_HEADER'
  | 'MALFORMED_JSON'
  | 'NOT_ARRAY_OF_OBJECTS'
  | 'INVALID_XLSX'
  | 'SHEET_NOT_FOUND'
  | 'MERGED_CELLS'
  | 'UNSUPPORTED_FORMAT'
  | 'TOO_MANY_ERRORS'
  | 'UPLOAD_INTERRUPTED'
  | 'UPLOAD_STALLED'
  | 'ROW_REFUSED_BY_DATABASE';

/** A problem with the file as a whole: the upload is refused and nothing is kept. */
export class IngestFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly details: { line?: number; byteOffset?: number; columns?: string[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'IngestFailure';
  }
}

/** Longest record (bytes of text) a reader holds while looking for its end. */
export const MAX_RECORD_SIZE = 1024 * 1024;
