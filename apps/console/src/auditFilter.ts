/**
 * The audit page keeps its filter in the URL (a search can be bookmarked or sent to a colleague):
 * these turn the URL's query into the API's AuditFilter and the search form's values back into a URL.
 */
export const AUDIT_FILTER_KEYS = ['from', 'to', 'department', 'dataset', 'action', 'outcome', 'principal', 'purpose'] as const;
export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];
export type AuditFilterValues = Partial<Record<AuditFilterKey, string>>;

const TIME_KEYS: ReadonlySet<AuditFilterKey> = new Set(['from', 'to']);

/** The filter in the URL, as the API's AuditFilter: unknown parameters and empty values left out. */
export function auditFilterFromParams(params: URLSearchParams): AuditFilterValues {
  const filter: AuditFilterValues = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (!value) continue;
    // A hand-edited URL with a time the API cannot read would fail the whole search: left out.
    if (TIME_KEYS.has(key) && Number.isNaN(Date.parse(value))) continue;
    filter[key] = value;
  }
  return filter;
}

/** Something that turns itself into an ISO time, as the date picker's dayjs values do. */
interface TimeValue {
  toISOString(): string;
}
const isTime = (value: unknown): value is TimeValue => typeof value === 'object' && value !== null && typeof (value as TimeValue).toISOString === 'function';

/** The search form's values as the URL's query: times as ISO text, text trimmed, empty fields left out. */
export function auditParamsFromValues(values: Partial<Record<AuditFilterKey, unknown>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = values[key];
    if (TIME_KEYS.has(key) && isTime(value)) params.set(key, value.toISOString());
    else if (typeof value === 'string' && value.trim()) params.set(key, value.trim());
  }
  return params;
}
