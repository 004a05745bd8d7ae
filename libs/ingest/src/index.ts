export { IngestModule } from './ingest.module.js';
export { IngestService, type IngestOptions, type IngestReport, type SourceOpener, type UploadSource } from './ingest.service.js';
export { type RequestedEncoding, REQUESTED_ENCODINGS } from './encoding.js';
export { type IngestFormat, INGEST_FORMATS, formatOf } from './formats.js';
export { type RowError, REPORTED_ERRORS } from './rows.js';
