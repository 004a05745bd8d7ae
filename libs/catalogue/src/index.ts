export { CatalogueModule } from './catalogue.module.js';
export { CatalogueRegistry, type DatasetChanged } from './registry/catalogue-registry.js';
export { CatalogueSearch } from './search/catalogue-search.js';
export { CatalogueVersions, type LoadedVersion, type OpenedVersion, type RecordedVersion } from './versions/catalogue-versions.js';
export {
  DatasetConnection,
  DatasetDto,
  DatasetFieldDto,
  DatasetFilter,
  DatasetVersionDto,
  FIELD_NAME,
  FIELD_NAME_MESSAGE,
  FieldInput,
  RegisterDatasetInput,
  UpdateDatasetInput,
} from './dto.js';
export type { VersionFieldSnapshot } from './entities.js';
export { DatasetStatus, FieldType, MaskType, OpenType, Sensitivity, SHARING_STRICTNESS, SharingType, UpdateCycle } from './enums.js';
export { deriveApiName } from './rules.js';
export {
  analyzeVersionTableSql,
  COLUMN_TYPES,
  copyIntoVersionTableSql,
  createVersionTableSql,
  DATA_SCHEMA,
  dropVersionTableSql,
  quoteVersionTable,
  versionKeyIndexSql,
  versionPrimaryKeySql,
  versionTableName,
} from './versions/version-tables.js';
export { DisputeLookup, disputedCondition, type DisputedKeyGroup, type DisputedKeys, type DisputeSource } from './disputes.js';
