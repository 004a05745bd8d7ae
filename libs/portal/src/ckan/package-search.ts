import { searchableText, type OpenDataset } from '../open-dataset.js';
import { DOWNLOAD_FORMATS, licenceInfo } from '../vocabularies.js';
import { CkanError, shortPrefix } from './ckan-errors.js';
import { globMatches, hasWildcard, MAX_GLOB_LENGTH } from '@causeway/core';
import { fieldsOf, parseSolrQuery, termsOf, type QueryNode, type TermValue } from './solr-query.js';

/** package_search's parameters after validation. */
export interface PackageSearchParams {
  q?: string;
  fq: string[];
  rows: number;
  start: number;
  sort?: string;
  facetFields: string[];
  facetLimit: number;
  facetMinCount: number;
}

export const DEFAULT_SORT = 'score desc, metadata_modified desc';
export const DEFAULT_ROWS = 10;
/** CKAN's ckan.search.rows_max default: larger requests are capped, not refused. */
export const MAX_ROWS = 1000;

/** What a query can name, and how a dataset answers for each (lower-cased values). */
const KEYWORD_FIELDS = ['name', 'id', 'tags', 'organization', 'owner_org', 'res_format', 'license_id', 'type', 'dataset_type', 'state', 'capacity', 'private', 'groups', 'code'] as const;
const TEXT_FIELDS = ['text', 'title', 'notes', 'title_en'] as const;
const DATE_FIELDS = ['metadata_modified', 'metadata_created'] as const;
const NUMBER_FIELDS = ['num_resources', 'num_tags'] as const;
const KNOWN_FIELDS = new Set<string>([...KEYWORD_FIELDS, ...TEXT_FIELDS, ...DATE_FIELDS, ...NUMBER_FIELDS]);

const SORT_FIELDS = new Set(['score', 'name', 'title_string', 'title', 'metadata_modified', 'metadata_created', 'id', 'num_resources', 'num_tags']);

interface SearchDocument {
  dataset: OpenDataset;
  text: string;
  keywords: Record<(typeof KEYWORD_FIELDS)[number], string[]>;
  texts: Record<(typeof TEXT_FIELDS)[number], string>;
  dates: Record<(typeof DATE_FIELDS)[number], number>;
  numbers: Record<(typeof NUMBER_FIELDS)[number], number>;
}

function documentOf(dataset: OpenDataset): SearchDocument {
  const licence = licenceInfo(dataset.license);
  const formats = dataset.versions.length > 0 ? [DOWNLOAD_FORMATS.csv.ckanFormat.toLowerCase()] : [];
  return {
    dataset,
    text: searchableText(dataset),
    keywords: {
      name: [dataset.name],
      code: [dataset.code.toLowerCase()],
      id: [dataset.id],
      tags: dataset.keywords.map((keyword) => keyword.toLowerCase()),
      organization: dataset.publisher ? [dataset.publisher.name] : [],
      owner_org: dataset.publisher ? [dataset.publisher.id] : [],
      res_format: formats,
      license_id: [licence?.ckanId ?? 'notspecified'],
      type: ['dataset'],
      dataset_type: ['dataset'],
      state: ['active'],
      capacity: ['public'],
      private: ['false'],
      groups: [],
    },
    texts: {
      text: searchableText(dataset),
      title: dataset.title.toLowerCase(),
      title_en: (dataset.titleEn ?? '').toLowerCase(),
      notes: dataset.summary.toLowerCase(),
    },
    dates: {
      metadata_modified: dataset.updatedAt.getTime(),
      metadata_created: (dataset.publishedAt ?? dataset.createdAt).getTime(),
    },
    numbers: { num_resources: dataset.versions.length, num_tags: dataset.keywords.length },
  };
}

/** Solr date math as CKAN clients use it: an ISO date/time, *, NOW, NOW-7DAYS, NOW/DAY. */
export function solrDate(text: string, now: number): number | null {
  if (text === '*') return null;
  const math = /^NOW(?:\/DAY)?(?:([+-])(\d+)(DAYS?|HOURS?|MINUTES?|MONTHS?|YEARS?))?$/.exec(text);
  if (math) {
    let value = text.startsWith('NOW/DAY') ? new Date(new Date(now).toISOString().slice(0, 10)).getTime() : now;
    if (math[1]) {
      const amount = Number(math[2]) * (math[1] === '-' ? -1 : 1);
      const unit = math[3]!.replace(/S$/, '');
      const ms: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, MONTH: 30 * 86_400_000, YEAR: 365 * 86_400_000 };
      value += amount * ms[unit]!;
    }
    return value;
  }
  const parsed = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || text.length <= 10 ? text : `${text}Z`);
  if (Number.isNaN(parsed)) throw CkanError.searchQuery(`"${shortPrefix(text)}" is not a date: use e.g. 2024-01-31T00:00:00Z, NOW or NOW-7DAYS`);
  return parsed;
}

function inRange(value: number, range: Extract<TermValue, { kind: 'range' }>, parse: (text: string) => number | null): boolean {
  const from = parse(range.from);
  const to = parse(range.to);
  if (from !== null && (range.includeFrom ? value < from : value <= from)) return false;
  if (to !== null && (range.includeTo ? value > to : value >= to)) return false;
  return true;
}

function matches(node: QueryNode, doc: SearchDocument, now: number): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.items.every((item) => matches(item, doc, now));
    case 'or':
      return node.items.some((item) => matches(item, doc, now));
    case 'not':
      return !matches(node.item, doc, now);
    case 'term':
      return termMatches(node.field ?? 'text', node.value, doc, now);
  }
}

function termMatches(field: string, value: TermValue, doc: SearchDocument, now: number): boolean {
  if ((DATE_FIELDS as readonly string[]).includes(field)) {
    const actual = doc.dates[field as (typeof DATE_FIELDS)[number]];
    if (value.kind === 'range') return inRange(actual, value, (text) => solrDate(text, now));
    const wanted = solrDate(value.text, now);
    return wanted === null || wanted === actual;
  }
  if ((NUMBER_FIELDS as readonly string[]).includes(field)) {
    const actual = doc.numbers[field as (typeof NUMBER_FIELDS)[number]];
    const number = (text: string) => {
      if (text === '*') return null;
      const parsed = Number(text);
      if (!Number.isFinite(parsed)) throw CkanError.searchQuery(`"${shortPrefix(text)}" is not a number`);
      return parsed;
    };
    return value.kind === 'range' ? inRange(actual, value, number) : number(value.text) === actual;
  }
  if (value.kind === 'range') throw CkanError.searchQuery(`${field} takes no range`);
  const wanted = value.text.toLowerCase();
  if ((TEXT_FIELDS as readonly string[]).includes(field)) {
    const haystack = doc.texts[field as (typeof TEXT_FIELDS)[number]];
    if (wanted === '*') return true;
    // A phrase must appear as written; loose words each must appear (CKAN's default: all words).
    return value.phrase ? haystack.includes(wanted) : wanted.split(/\s+/).every((word) => haystack.includes(word.replace(/[*?]/g, '')));
  }
  const candidates = doc.keywords[field as (typeof KEYWORD_FIELDS)[number]];
  return hasWildcard(wanted) ? candidates.some((candidate) => globMatches(wanted, candidate)) : candidates.includes(wanted);
}

/** Free words of a query, for scoring. */
function wordsOf(node: QueryNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.items.flatMap(wordsOf);
    case 'term':
      return (node.field === null || node.field === 'text' || node.field === 'title') && node.value.kind === 'text' ? [node.value.text.toLowerCase()] : [];
    default:
      return [];
  }
}

/** A relevance score in the spirit of CKAN's Solr boosts: title matters most, then tags, then the rest. */
function scoreOf(doc: SearchDocument, words: string[]): number {
  let score = 0;
  for (const word of words) {
    if (doc.texts.title.includes(word) || doc.texts.title_en.includes(word)) score += 4;
    if (doc.keywords.tags.includes(word)) score += 3;
    if (doc.keywords.code.some((code) => code.includes(word))) score += 2;
    if (doc.texts.notes.includes(word)) score += 1;
  }
  return score;
}

function parseQuery(text: string | undefined): QueryNode {
  if (text === undefined || text.trim() === '' || text.trim() === '*:*') return { kind: 'all' };
  const node = parseSolrQuery(text);
  const unknown = fieldsOf(node).filter((field) => !KNOWN_FIELDS.has(field));
  // Solr answers "undefined field"; CKAN reports it as a Search Error.
  if (unknown.length > 0) throw CkanError.search(`undefined field ${shortPrefix(unknown[0]!)}`);
  for (const term of termsOf(node)) {
    if (term.value.kind === 'text' && hasWildcard(term.value.text) && [...term.value.text].length > MAX_GLOB_LENGTH) {
      throw CkanError.searchQuery(`the wildcard term ${shortPrefix(term.value.text)} is longer than ${MAX_GLOB_LENGTH} characters`);
    }
  }
  return node;
}

interface SortKey {
  field: string;
  descending: boolean;
}

export function parseSort(sort: string): SortKey[] {
  return sort
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [field, direction, ...rest] = part.split(/\s+/);
      if (!direction || rest.length > 0 || !['asc', 'desc'].includes(direction.toLowerCase())) {
        throw CkanError.searchQuery(`Invalid "sort" parameter ("Can't determine a Sort Order (asc or desc) in sort spec '${shortPrefix(part)}'")`);
      }
      if (!SORT_FIELDS.has(field!)) throw CkanError.search(`sort param field can't be found: ${shortPrefix(field!)}`);
      return { field: field!, descending: direction.toLowerCase() === 'desc' };
    });
}

function compare(a: SearchDocument & { score: number }, b: SearchDocument & { score: number }, keys: SortKey[]): number {
  for (const key of keys) {
    let result = 0;
    switch (key.field) {
      case 'score':
        result = a.score - b.score;
        break;
      case 'name':
        result = a.dataset.name.localeCompare(b.dataset.name);
        break;
      case 'title':
      case 'title_string':
        result = a.dataset.title.localeCompare(b.dataset.title, 'zh');
        break;
      case 'id':
        result = a.dataset.id.localeCompare(b.dataset.id);
        break;
      case 'metadata_modified':
      case 'metadata_created':
        result = a.dates[key.field] - b.dates[key.field];
        break;
      case 'num_resources':
      case 'num_tags':
        result = a.numbers[key.field] - b.numbers[key.field];
        break;
    }
    if (result !== 0) return key.descending ? -result : result;
  }
  // A stable last resort, so that paging never repeats or skips a dataset.
  return a.dataset.name.localeCompare(b.dataset.name);
}

export interface FacetItem {
  name: string;
  display_name: string;
  count: number;
}

export interface PackageSearchOutcome {
  count: number;
  datasets: OpenDataset[];
  sort: string;
  facets: Record<string, Record<string, number>>;
  searchFacets: Record<string, { title: string; items: FacetItem[] }>;
}

function facetValues(doc: SearchDocument, field: string): { name: string; display: string }[] {
  switch (field) {
    case 'organization':
      return doc.dataset.publisher ? [{ name: doc.dataset.publisher.name, display: doc.dataset.publisher.title }] : [];
    case 'tags':
      return doc.dataset.keywords.map((keyword) => ({ name: keyword, display: keyword }));
    case 'res_format':
      return doc.keywords.res_format.map((format) => ({ name: format.toUpperCase(), display: format.toUpperCase() }));
    case 'license_id': {
      const licence = licenceInfo(doc.dataset.license);
      return [{ name: licence?.ckanId ?? 'notspecified', display: licence?.title ?? 'License not specified' }];
    }
    default:
      return [];
  }
}

/** package_search over the open catalogue: filter (q, fq), score, sort, facet and page. */
export function searchPackages(datasets: OpenDataset[], params: PackageSearchParams, now = Date.now()): PackageSearchOutcome {
  const query = parseQuery(params.q);
  const filters = params.fq.map(parseQuery);
  const sort = params.sort?.trim() ? params.sort.trim() : DEFAULT_SORT;
  const keys = parseSort(sort);
  const words = wordsOf(query);
  const found = datasets
    .map(documentOf)
    .filter((doc) => matches(query, doc, now) && filters.every((filter) => matches(filter, doc, now)))
    .map((doc) => ({ ...doc, score: scoreOf(doc, words) }))
    .sort((a, b) => compare(a, b, keys));

  const facets: PackageSearchOutcome['facets'] = {};
  const searchFacets: PackageSearchOutcome['searchFacets'] = {};
  for (const field of params.facetFields) {
    const counts = new Map<string, { display: string; count: number }>();
    for (const doc of found) {
      for (const value of facetValues(doc, field)) {
        const entry = counts.get(value.name) ?? { display: value.display, count: 0 };
        entry.count += 1;
        counts.set(value.name, entry);
      }
    }
    const items = [...counts.entries()]
      .filter(([, entry]) => entry.count >= params.facetMinCount)
      .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
      .slice(0, params.facetLimit < 0 ? undefined : params.facetLimit);
    facets[field] = Object.fromEntries(items.map(([name, entry]) => [name, entry.count]));
    searchFacets[field] = { title: field, items: items.map(([name, entry]) => ({ name, display_name: entry.display, count: entry.count })) };
  }

  return {
    count: found.length,
    datasets: found.slice(params.start, params.start + params.rows).map((doc) => doc.dataset),
    sort,
    facets,
    searchFacets,
  };
}
