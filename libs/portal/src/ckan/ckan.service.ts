import { Injectable, Logger } from '@nestjs/common';
import type { RequestContext } from '@causeway/core';
import { OpenCatalogueService } from '../open-catalogue.service.js';
import { openPublisher, type OpenDataset, type OpenPublisher } from '../open-dataset.js';
import type { PortalUrls } from '../portal-urls.js';
import { DatastoreService, type CurrentUrl } from './datastore.service.js';
import { ckanFailure, CkanError, ckanSuccess, shortPrefix, type CkanResponse } from './ckan-errors.js';
import { organizationDict, packageDict, resourceDict } from './ckan-mapping.js';
import { boolParam, intParam, jsonParam, listParam, naturalParam, stringParam, type CkanInput } from './ckan-params.js';
import { licenceRegister } from '../vocabularies.js';
import { DEFAULT_ROWS, MAX_ROWS, searchPackages } from './package-search.js';

/** The CKAN version whose Action API the portal answers like; reported by status_show. */
export const CKAN_API_LEVEL = '2.10.0';

/** Where an action is called from: the portal's links, and the request's own path and query. */
export interface CkanCall {
  urls: PortalUrls;
  current?: CurrentUrl;
}

type Action = (ctx: RequestContext, input: CkanInput, call: CkanCall) => Promise<unknown>;

/** Short help texts, answered by help_show like CKAN answers an action's docstring. */
const HELP: Record<string, string> = {
  package_list: 'Return a list of the names of the site’s datasets (packages).\n\n:param limit: ...\n:param offset: ...',
  package_search: 'Searches for packages satisfying a given search criteria.\n\n:param q, fq, rows, start, sort, facet.field, facet.limit, facet.mincount',
  package_show: 'Return the metadata of a dataset (package) and its resources.\n\n:param id: the id or name of the dataset',
  organization_list: 'Return a list of the names of the site’s organizations.\n\n:param sort, limit, offset, organizations, all_fields',
  organization_show: 'Return the details of an organization.\n\n:param id: the id or name of the organization\n:param include_datasets',
  resource_show: 'Return the metadata of a resource.\n\n:param id: the id of the resource',
  datastore_search: 'Search a DataStore resource.\n\n:param resource_id, filters, q, fields, sort, limit, offset, include_total, records_format',
  status_show: 'Return a dictionary with information about the site’s configuration.',
  tag_list: 'Return a list of the site’s tags.',
  group_list: 'Return a list of the names of the site’s groups.',
  help_show: 'Return the help string for a particular API action.\n\n:param name: Action function name',
  license_list: 'Return the list of licenses available for datasets on the site.',
  package_autocomplete: 'Return a list of datasets (packages) that match a string.\n\n:param q: the string to search for\n:param limit: the maximum number of datasets to return (optional, default: 10)',
  current_package_list_with_resources: 'Return a list of the site’s datasets (packages) and their resources, most recently modified first.\n\n:param limit, offset, page (deprecated)',
};

/**
 * What package_search reads, and what CKAN 2.10 accepts and passes to Solr (VALID_SOLR_PARAMETERS
 * and the parameters package_search itself takes); anything else is refused as CKAN refuses it.
 * Solr's tuning parameters (qf, bf, boost, tie, defType, mm, df, wt) are accepted and have no effect.
 */
const PACKAGE_SEARCH_PARAMETERS = new Set([
  'q', 'fq', 'fq_list', 'rows', 'start', 'sort', 'facet', 'facet.field', 'facet.limit', 'facet.mincount', 'fl', 'extras',
  'include_private', 'include_drafts', 'include_deleted', 'use_default_schema',
  'qf', 'bf', 'boost', 'tie', 'defType', 'mm', 'df', 'wt',
]);

/**
 * CKAN's Action API over the open catalogue: datasets as packages, departments as organizations,
 * published versions as resources. Every answer comes from OpenDataset, the portal's public view.
 */
@Injectable()
export class CkanService {
  private readonly logger = new Logger('CKAN');
  private readonly actions: Record<string, Action> = {
    package_list: (ctx, input) => this.packageList(ctx, input),
    package_search: (ctx, input, { urls }) => this.packageSearch(ctx, input, urls),
    package_show: (ctx, input, { urls }) => this.packageShow(ctx, input, urls),
    organization_list: (ctx, input) => this.organizationList(ctx, input),
    organization_show: (ctx, input, { urls }) => this.organizationShow(ctx, input, urls),
    resource_show: (ctx, input, { urls }) => this.resourceShow(ctx, input, urls),
    datastore_search: (ctx, input, { current }) => this.datastore.search(ctx, input, current),
    status_show: async (_ctx, _input, { urls }) => ({
      ckan_version: CKAN_API_LEVEL,
      site_url: urls.base,
      site_title: 'Causeway 公共数据开放',
      site_description: '政务数据开放目录（Causeway open data）',
      locale_default: 'zh_Hans_CN',
      error_emails_to: null,
      extensions: ['datastore', 'dcat'],
    }),
    license_list: async (ctx) => licenceRegister((await this.catalogue.list(ctx)).map((dataset) => dataset.license)),
    package_autocomplete: (ctx, input) => this.packageAutocomplete(ctx, input),
    current_package_list_with_resources: (ctx, input, { urls }) => this.currentPackages(ctx, input, urls),
    tag_list: async (ctx) => [...new Set((await this.catalogue.list(ctx)).flatMap((dataset) => dataset.keywords))].sort(),
    group_list: async () => [],
    help_show: async (_ctx, input) => {
      const name = stringParam(input, 'name');
      if (!name) throw CkanError.validation({ name: ['Missing value'] });
      const help = HELP[name];
      if (!help) throw CkanError.notFound(`Action function not found: ${name}`);
      return help;
    },
  };

  constructor(
    private readonly catalogue: OpenCatalogueService,
    private readonly datastore: DatastoreService,
  ) {}

  /** Runs one action and answers as CKAN's api view does: success envelope, or error with CKAN's status. */
  async call(ctx: RequestContext, action: string, input: CkanInput, call: CkanCall): Promise<CkanResponse> {
    const help = call.urls.ckanHelp(action);
    const run = Object.hasOwn(this.actions, action) ? this.actions[action] : undefined;
    if (!run) return ckanFailure(help, CkanError.badRequest(`Action name not known: ${action}`));
    try {
      // CKAN drops a JSONP callback from the action's input; the portal answers no JSONP.
      const { callback: _callback, ...data } = input;
      return ckanSuccess(help, await run(ctx, data, call));
    } catch (error) {
      const known = CkanError.from(error);
      if (known) return ckanFailure(help, known);
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return ckanFailure(help, CkanError.internal());
    }
  }

  /** The failure answer for an error raised before an action ran (e.g. unreadable request data). */
  failure(action: string, error: CkanError, urls: PortalUrls): CkanResponse {
    return ckanFailure(urls.ckanHelp(action), error);
  }

  private async packageList(ctx: RequestContext, input: CkanInput): Promise<string[]> {
    const limit = naturalParam(input, 'limit');
    const offset = naturalParam(input, 'offset') ?? 0;
    const names = (await this.catalogue.list(ctx)).map((dataset) => dataset.name).sort();
    return limit ? names.slice(offset, offset + limit) : names.slice(offset);
  }

  private async packageSearch(ctx: RequestContext, input: CkanInput, urls: PortalUrls) {
    const unknown = Object.keys(input).filter((key) => !PACKAGE_SEARCH_PARAMETERS.has(key));
    // CKAN's words (ckan/lib/search/query.py), a Python list's repr included, for clients that match on them.
    if (unknown.length > 0) throw CkanError.searchQuery(`Invalid search parameters: [${unknown.map((key) => `'${shortPrefix(key)}'`).join(', ')}]`);
    const rows = Math.min(naturalParam(input, 'rows') ?? DEFAULT_ROWS, MAX_ROWS);
    const start = naturalParam(input, 'start') ?? 0;
    const fq = [stringParam(input, 'fq'), ...(listParam(input, 'fq_list') ?? [])].filter((value): value is string => !!value && value.trim() !== '');
    const facet = boolParam(input, 'facet', true);
    const facetFields = facet ? facetFieldsOf(input) : [];
    const outcome = searchPackages(await this.catalogue.list(ctx), {
      q: stringParam(input, 'q'),
      fq,
      rows,
      start,
      sort: stringParam(input, 'sort'),
      facetFields,
      facetLimit: intParam(input, 'facet.limit') ?? 50,
      facetMinCount: intParam(input, 'facet.mincount') ?? 1,
    });
    const fields = fieldList(input);
    return {
      count: outcome.count,
      facets: outcome.facets,
      results: outcome.datasets.map((dataset) => {
        const dict = packageDict(dataset, urls);
        return fields ? Object.fromEntries(fields.filter((field) => field in dict).map((field) => [field, dict[field as keyof typeof dict]])) : dict;
      }),
      sort: outcome.sort,
      search_facets: outcome.searchFacets,
    };
  }

  /** Datasets whose name or title holds q (CKAN matches n-grams of both), names first, as CKAN's autocomplete answers. */
  private async packageAutocomplete(ctx: RequestContext, input: CkanInput) {
    const q = stringParam(input, 'q');
    if (q === undefined) throw CkanError.validation({ q: ['Missing value'] });
    const limit = naturalParam(input, 'limit') ?? 10;
    const wanted = q.trim().toLowerCase();
    if (wanted === '') return [];
    const rank = (dataset: OpenDataset) => (dataset.name.startsWith(wanted) ? 0 : dataset.name.includes(wanted) ? 1 : 2);
    return (await this.catalogue.list(ctx))
      .filter((dataset) => dataset.name.includes(wanted) || dataset.title.toLowerCase().includes(wanted) || (dataset.titleEn ?? '').toLowerCase().includes(wanted))
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map((dataset) =>
        dataset.name.includes(wanted)
          ? { name: dataset.name, title: dataset.title, match_field: 'name', match_displayed: dataset.name }
          : { name: dataset.name, title: dataset.title, match_field: 'title', match_displayed: `${dataset.title} (${dataset.name})` },
      );
  }

  /**
   * Packages with their resources, most recently modified first. CKAN 2.10 runs this as a
   * package_search, so without `limit` it answers package_search's default of 10 rows.
   */
  private async currentPackages(ctx: RequestContext, input: CkanInput, urls: PortalUrls) {
    const limit = naturalParam(input, 'limit');
    let offset = naturalParam(input, 'offset') ?? 0;
    if (input.offset === undefined && input.page !== undefined) {
      const page = intParam(input, 'page');
      if (page === undefined || page < 1) throw CkanError.invalid('page', 'Must be a postive integer'); // CKAN's own spelling (is_positive_integer)
      offset = limit ? (page - 1) * limit : 0;
    }
    const outcome = searchPackages(await this.catalogue.list(ctx), {
      fq: [],
      rows: Math.min(limit ?? DEFAULT_ROWS, MAX_ROWS),
      start: offset,
      facetFields: [],
      facetLimit: 0,
      facetMinCount: 1,
    });
    return outcome.datasets.map((dataset) => packageDict(dataset, urls));
  }

  private async packageShow(ctx: RequestContext, input: CkanInput, urls: PortalUrls) {
    const id = stringParam(input, 'id') || stringParam(input, 'name_or_id');
    if (!id) throw CkanError.validation({ name_or_id: ['Missing value'] });
    const dataset = await this.catalogue.find(ctx, id);
    if (!dataset) throw CkanError.notFound();
    return packageDict(dataset, urls);
  }

  private async resourceShow(ctx: RequestContext, input: CkanInput, urls: PortalUrls) {
    const id = stringParam(input, 'id');
    if (!id) throw CkanError.validation({ id: ['Missing value'] });
    const found = await this.catalogue.findByVersionId(ctx, id);
    if (!found) throw CkanError.notFound('Resource was not found.');
    return resourceDict(found.dataset, found.version, found.dataset.versions.indexOf(found.version), urls);
  }

  private async organizations(ctx: RequestContext): Promise<{ publisher: OpenPublisher; datasets: OpenDataset[] }[]> {
    const datasets = await this.catalogue.list(ctx);
    return (await this.catalogue.departmentsList()).map((department) => ({
      publisher: openPublisher(department),
      datasets: datasets.filter((dataset) => dataset.publisher?.id === department.id),
    }));
  }

  private async organizationList(ctx: RequestContext, input: CkanInput) {
    const allFields = boolParam(input, 'all_fields', false);
    // CKAN's ckan.group_and_organization_list_max and …_all_fields_max defaults.
    const max = allFields ? 25 : 1000;
    const limit = Math.min(naturalParam(input, 'limit') ?? max, max);
    const offset = naturalParam(input, 'offset') ?? 0;
    const only = listParam(input, 'organizations')?.map((name) => name.toLowerCase());
    const sort = (stringParam(input, 'sort') ?? 'title asc').trim();
    const [field, direction = 'asc'] = sort.split(/\s+/);
    if (!['name', 'title', 'package_count'].includes(field ?? '') || !['asc', 'desc'].includes(direction.toLowerCase())) {
      throw CkanError.validation({ sort: [`Cannot sort by field \`${field}\``] });
    }
    const rows = (await this.organizations(ctx))
      .filter((row) => !only || only.includes(row.publisher.name))
      .sort((a, b) => {
        const result =
          field === 'package_count'
            ? a.datasets.length - b.datasets.length
            : field === 'name'
              ? a.publisher.name.localeCompare(b.publisher.name)
              : a.publisher.title.localeCompare(b.publisher.title, 'zh');
        return direction.toLowerCase() === 'desc' ? -result : result;
      })
      .slice(offset, offset + limit);
    if (!allFields) return rows.map((row) => row.publisher.name);
    const includeCount = boolParam(input, 'include_dataset_count', true);
    return rows.map((row) => organizationDict(row.publisher, includeCount ? row.datasets.length : undefined));
  }

  private async organizationShow(ctx: RequestContext, input: CkanInput, urls: PortalUrls) {
    const id = stringParam(input, 'id');
    if (!id) throw CkanError.validation({ id: ['Missing value'] });
    const key = id.trim().toLowerCase();
    const row = (await this.organizations(ctx)).find((candidate) => candidate.publisher.id === key || candidate.publisher.name === key);
    if (!row) throw CkanError.notFound();
    const includeDatasets = boolParam(input, 'include_datasets', false);
    return {
      ...organizationDict(row.publisher, row.datasets.length),
      extras: [],
      groups: [],
      tags: [],
      users: [],
      ...(includeDatasets ? { packages: row.datasets.slice(0, MAX_ROWS).map((dataset) => packageDict(dataset, urls)) } : {}),
    };
  }
}

/** fl: the keys of each result to answer (a list, or names separated by commas or spaces); all when absent. */
function fieldList(input: CkanInput): string[] | undefined {
  const value = input.fl;
  if (value === undefined || value === null || value === '') return undefined;
  const names = Array.isArray(value) ? value : [value];
  if (!names.every((name) => typeof name === 'string')) throw CkanError.invalid('fl', 'Must be a list of field names, e.g. name,title');
  return (names as string[]).flatMap((name) => name.split(/[\s,]+/)).filter((name) => name !== '');
}

/** facet.field: a JSON list (as CKAN expects) or a plain list. */
function facetFieldsOf(input: CkanInput): string[] {
  const value = jsonParam(input, 'facet.field');
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw CkanError.invalid('facet.field', 'Must be a JSON list of field names, e.g. ["organization", "tags"]');
}
