import { registerEnumType } from '@nestjs/graphql';

export enum FieldType {
  STRING = 'STRING',
  INTEGER = 'INTEGER',
  DECIMAL = 'DECIMAL',
  BOOLEAN = 'BOOLEAN',
  DATE = 'DATE',
  DATETIME = 'DATETIME',
  JSON = 'JSON',
}

export enum Sensitivity {
  PUBLIC = 'PUBLIC',
  INTERNAL = 'INTERNAL',
  SENSITIVE = 'SENSITIVE',
  SECRET = 'SECRET',
}

export enum SharingType {
  UNCONDITIONAL = 'UNCONDITIONAL',
  CONDITIONAL = 'CONDITIONAL',
  NONE = 'NONE',
}

export enum OpenType {
  OPEN = 'OPEN',
  CONDITIONAL = 'CONDITIONAL',
  CLOSED = 'CLOSED',
}

export enum MaskType {
  NONE = 'NONE',
  ID_CARD = 'ID_CARD',
  PHONE = 'PHONE',
  NAME = 'NAME',
  EMAIL = 'EMAIL',
  ADDRESS = 'ADDRESS',
  REDACT = 'REDACT',
  HASH = 'HASH',
  YEAR_ONLY = 'YEAR_ONLY',
  LAST4 = 'LAST4',
}

export enum UpdateCycle {
  REALTIME = 'REALTIME',
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
  QUARTERLY = 'QUARTERLY',
  HALF_YEARLY = 'HALF_YEARLY',
  YEARLY = 'YEARLY',
  IRREGULAR = 'IRREGULAR',
}

export enum DatasetStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  RETIRED = 'RETIRED',
}

/** How strict a sharing type is; a field may be stricter than its dataset, never looser. */
export const SHARING_STRICTNESS: Record<SharingType, number> = {
  [SharingType.UNCONDITIONAL]: 0,
  [SharingType.CONDITIONAL]: 1,
  [SharingType.NONE]: 2,
};

registerEnumType(FieldType, { name: 'FieldType', description: 'Type of an information item (信息项).' });
registerEnumType(Sensitivity, { name: 'Sensitivity', description: 'PUBLIC and INTERNAL are shared in clear, SENSITIVE masked, SECRET only within the provider.' });
registerEnumType(SharingType, { name: 'SharingType', description: '共享类型: 无条件共享, 有条件共享, 不予共享.' });
registerEnumType(OpenType, { name: 'OpenType', description: '开放属性: open to the public, open on conditions, or closed.' });
registerEnumType(MaskType, { name: 'MaskType', description: 'How a field is masked when served masked.' });
registerEnumType(UpdateCycle, { name: 'UpdateCycle', description: '更新周期.' });
registerEnumType(DatasetStatus, { name: 'DatasetStatus' });
