import path from 'node:path';

export type IngestFormat = 'csv' | 'json' | 'ndjson' | 'xlsx';
export const INGEST_FORMATS: readonly IngestFormat[] = ['csv', 'json', 'ndjson', 'xlsx'];

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const BY_MEDIA_TYPE: Record<string, IngestFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/json': 'json',
  'text/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  [XLSX_MEDIA_TYPE]: 'xlsx',
};

const BY_EXTENSION: Record<string, IngestFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.xlsx': 'xlsx',
};

/** The media types an upload may carry (the rest are told to use one of these). */
export const UPLOAD_MEDIA_TYPES = Object.keys(BY_MEDIA_TYPE);

/**
 * The format of an upload: from its media type, else (for generic types such as
 * application/octet-stream, or none) from the file name's extension; null when neither says.
 */
export function formatOf(mediaType: string | null | undefined, sourceName: string | null | undefined): IngestFormat | null {
  const type = mediaType?.split(';')[0]!.trim().toLowerCase();
  if (type && BY_MEDIA_TYPE[type]) return BY_MEDIA_TYPE[type];
  const extension = sourceName ? path.extname(sourceName).toLowerCase() : '';
  return BY_EXTENSION[extension] ?? null;
}
