export { CatalogueModule } from './catalogue.module.js';
export { CatalogueService, type DatasetChanged } from './catalogue.service.js';
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
export { COLUMN_TYPES, deriveApiName, versionTableName } from './rules.js';
export { DisputeLookup, disputedCondition, type DisputedKeyGroup, type DisputedKeys, type DisputeSource } from './disputes.js';
