export {
  comparisonsFor,
  evaluate,
  fieldsOf,
  FALSE,
  normaliseValue,
  parseWhere,
  toWhereJson,
  TRUE,
  WHERE_LIMITS,
  type Cond,
  type ConsumerAttributes,
  type FieldTypes,
  type ParsedWhere,
  type Scalar,
} from './conditions.js';
export { DatasetAccessDto, FieldAccessDto, GrantDto, GrantFilter, GrantStatus } from './dto.js';
export { GrantsService, grantProblems, type NewGrant } from './grants.service.js';
export { PolicyModule } from './policy.module.js';
export { anonymousContext, PolicyService, policyDataset } from './policy.service.js';
export {
  AccessLevel,
  COUNT_ROWS,
  DATA_READER_ROLES,
  DEFAULT_MIN_GROUP_SIZE,
  fieldTypesOf,
  type DatasetAccess,
  type DatasetAccessView,
  type FieldPlan,
  type PolicyDataset,
  type PolicyField,
  type ReadPlan,
  type ReadRequest,
} from './rules.js';
export { column, compileCondition, SqlParams, type SqlScope } from './sql.js';
export { openFieldsOf } from './rules.js';
