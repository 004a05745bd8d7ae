import { escapeLikeWildcards, type InputProblem } from '@causeway/core';
import { FieldType, MaskType, OpenType, Sensitivity, SHARING_STRICTNESS, SharingType } from './enums.js';

/** Root field names of the API that a dataset's apiName must not take. */
export const RESERVED_API_NAMES = new Set([
  'me', 'departments', 'department', 'datasets', 'dataset', 'records', 'aggregate', 'accessRequests', 'accessRequest',
  'grants', 'grant', 'auditEvents', 'auditSummary', 'auditChainStatus', 'users', 'systemClients', 'node', 'nodes',
]);

/** Column names used by Causeway itself in version tables. */
export const RESERVED_FIELD_NAMES = new Set(['_row', 'ctid', 'oid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

export interface SharingAttributes {
  sharingType: SharingType;
  sharingCondition?: string | null;
  sharingBasis?: string | null;
  openType: OpenType;
  openCondition?: string | null;
}

const blank = (value: string | null | undefined): boolean => value === undefined || value === null || value.trim() === '';

/** The catalogue's rules on sharing and open attributes (共享属性, 开放属性). */
export function sharingProblems(attributes: SharingAttributes, path = 'input'): InputProblem[] {
  const problems: InputProblem[] = [];
  if (attributes.sharingType === SharingType.CONDITIONAL && blank(attributes.sharingCondition)) {
    problems.push({ field: `${path}.sharingCondition`, message: 'is required for CONDITIONAL sharing: state the 共享条件 a consumer must meet' });
  }
  if (attributes.sharingType !== SharingType.UNCONDITIONAL && blank(attributes.sharingBasis)) {
    problems.push({
      field: `${path}.sharingBasis`,
      message: `is required for ${attributes.sharingType} sharing: cite the law, regulation or document (共享依据) behind it`,
    });
  }
  if (attributes.openType === OpenType.CONDITIONAL && blank(attributes.openCondition)) {
    problems.push({ field: `${path}.openCondition`, message: 'is required when openType is CONDITIONAL: state the 开放条件' });
  }
  if (attributes.sharingType === SharingType.NONE && attributes.openType !== OpenType.CLOSED) {
    problems.push({ field: `${path}.openType`, message: 'must be CLOSED for a dataset that is not shared (sharingType NONE) with other departments' });
  }
  return problems;
}

export interface FieldRuleInput {
  name: string;
  type: FieldType;
  isKey?: boolean;
  nullable?: boolean;
  sensitivity?: Sensitivity;
  sharingType?: SharingType | null;
  mask?: MaskType;
}

const MASKS_FOR_TEXT_ONLY = new Set([MaskType.ID_CARD, MaskType.PHONE, MaskType.NAME, MaskType.EMAIL, MaskType.ADDRESS, MaskType.LAST4]);

export function fieldProblems(fields: FieldRuleInput[], datasetSharing: SharingType, path = 'input.fields'): InputProblem[] {
  const problems: InputProblem[] = [];
  const seen = new Map<string, number>();
  fields.forEach((field, index) => {
    const at = `${path}[${index}]`;
    const earlier = seen.get(field.name.toLowerCase());
    if (earlier !== undefined) problems.push({ field: `${at}.name`, message: `"${field.name}" repeats the name of ${path}[${earlier}]; names must be unique regardless of case` });
    seen.set(field.name.toLowerCase(), index);
    if (RESERVED_FIELD_NAMES.has(field.name.toLowerCase())) problems.push({ field: `${at}.name`, message: `"${field.name}" is reserved; choose another name` });
    if (field.sharingType && SHARING_STRICTNESS[field.sharingType] < SHARING_STRICTNESS[datasetSharing]) {
      problems.push({ field: `${at}.sharingType`, message: `${field.sharingType} is looser than the dataset's ${datasetSharing}; a field may only be stricter` });
    }
    if (field.isKey && field.nullable === true) problems.push({ field: `${at}.nullable`, message: 'must be false for a key field' });
    if (field.isKey && field.type === FieldType.JSON) problems.push({ field: `${at}.isKey`, message: 'a JSON field cannot be a key' });
    const mask = field.mask ?? MaskType.NONE;
    if (MASKS_FOR_TEXT_ONLY.has(mask) && field.type !== FieldType.STRING) {
      problems.push({ field: `${at}.mask`, message: `${mask} masks text; use REDACT or HASH for a ${field.type} field` });
    }
    if (mask === MaskType.YEAR_ONLY && field.type !== FieldType.DATE && field.type !== FieldType.DATETIME) {
      problems.push({ field: `${at}.mask`, message: 'YEAR_ONLY applies to DATE or DATETIME fields' });
    }
    if (field.sensitivity === Sensitivity.SENSITIVE && mask === MaskType.NONE) {
      problems.push({ field: `${at}.mask`, message: 'a SENSITIVE field is served masked to other departments: choose a mask (e.g. ID_CARD, PHONE, NAME, REDACT, HASH)' });
    }
  });
  return problems;
}

/** "AMR-ENT-REG" → "amrEntReg": the default GraphQL name of a dataset's typed field. */
export function deriveApiName(code: string): string {
  const parts = code.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = parts
    .map((part, index) => (index === 0 ? part.toLowerCase() : part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()))
    .join('');
  return /^[a-z]/.test(camel) ? camel : `d${camel}`;
}

/** Lower-cased text the catalogue search matches against. */
export function searchTextOf(dataset: { code: string; title: string; titleEn?: string | null; summary: string; keywords?: string[]; category?: string; theme?: string | null }): string {
  return [dataset.code, dataset.title, dataset.titleEn, dataset.summary, dataset.category, dataset.theme, ...(dataset.keywords ?? [])]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join(' \u0001 ')
    .toLowerCase();
}

/** Escapes LIKE wildcards so a search for "100%" finds the text "100%". */
export function likePattern(text: string): string {
  return `%${escapeLikeWildcards(text.toLowerCase())}%`;
}
