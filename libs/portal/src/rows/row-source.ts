import type { OpenRowsService, OpenTable } from '@causeway/exchange';
import type { OpenDataset, OpenVersion } from '../open-dataset.js';

/**
 * Where a portal read goes: a version of a listed dataset, and its table as the exchange engine
 * opens it to the public. The engine decides the columns (the anonymous principal's policy,
 * ARCHITECTURE §3 rule 6) within those the portal itself shows as public: both must admit a column.
 */
export interface RowSource {
  dataset: OpenDataset;
  version: OpenVersion;
  table: OpenTable;
}

/** The readable table of a version of a listed dataset; null when it serves no rows. */
export async function rowSource(rows: OpenRowsService, dataset: OpenDataset, version: OpenVersion): Promise<RowSource | null> {
  if (!dataset.current || !dataset.versions.some((candidate) => candidate.id === version.id)) return null;
  const table = await rows.table(dataset.code, version.id, dataset.fields.map((field) => field.name));
  return table ? { dataset, version, table } : null;
}
