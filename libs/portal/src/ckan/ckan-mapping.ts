import { createHash } from 'node:crypto';
import { FieldType, OpenType } from '@causeway/catalogue';
import type { OpenDataset, OpenField, OpenPublisher, OpenVersion } from '../open-dataset.js';
import type { PortalUrls } from '../portal-urls.js';
import { ckanLicenceTitle, DOWNLOAD_FORMATS, licenceInfo } from '../vocabularies.js';

/** CKAN writes timestamps as naive UTC ISO 8601 with microseconds, e.g. 2024-05-01T08:00:00.123000. */
export function ckanTimestamp(date: Date | null): string | null {
  return date ? `${date.toISOString().slice(0, 23)}000` : null;
}

/** A stable UUID for a name that has no id of its own (tags): the same tag always has the same id. */
export function nameUuid(namespace: string, name: string): string {
  const hex = createHash('sha1').update(`${namespace}\u0000${name}`).digest('hex');
  // Shaped as a version-5 UUID (RFC 9562 §5.5) so that clients validating ids accept it.
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

export interface CkanOrganization {
  approval_status: 'approved';
  created: string | null;
  description: string;
  display_name: string;
  id: string;
  image_display_url: string;
  image_url: string;
  is_organization: true;
  name: string;
  num_followers: number;
  package_count?: number;
  state: 'active';
  title: string;
  type: 'organization';
  [extra: string]: unknown;
}

/** A department as a CKAN organization. Contact details stay out: the portal is anonymous. */
export function organizationDict(publisher: OpenPublisher, packageCount?: number): CkanOrganization {
  return {
    approval_status: 'approved',
    created: null,
    description: publisher.titleEn ?? '',
    display_name: publisher.title,
    id: publisher.id,
    image_display_url: '',
    image_url: '',
    is_organization: true,
    name: publisher.name,
    num_followers: 0,
    ...(packageCount === undefined ? {} : { package_count: packageCount }),
    state: 'active',
    title: publisher.title,
    type: 'organization',
  };
}

export interface CkanResource {
  id: string;
  package_id: string;
  name: string;
  url: string;
  format: string;
  mimetype: string;
  datastore_active: boolean;
  position: number;
  [extra: string]: unknown;
}

/** A published version of an OPEN dataset as a CKAN resource (a CSV download, readable through the datastore). */
export function resourceDict(dataset: OpenDataset, version: OpenVersion, position: number, urls: PortalUrls): CkanResource {
  const csv = DOWNLOAD_FORMATS.csv;
  return {
    cache_last_updated: null,
    cache_url: null,
    created: ckanTimestamp(version.loadedAt),
    datastore_active: true,
    description: `${dataset.title} 第 ${version.version} 版（${version.rowCount} 行）${version.current ? '，当前版本' : ''}`,
    format: csv.ckanFormat,
    hash: '',
    id: version.id,
    last_modified: ckanTimestamp(version.publishedAt),
    metadata_modified: ckanTimestamp(version.publishedAt),
    mimetype: csv.mediaType,
    mimetype_inner: null,
    name: version.current ? `${dataset.title}.csv` : `${dataset.title} v${version.version}.csv`,
    package_id: dataset.id,
    position,
    resource_type: null,
    size: null,
    state: 'active',
    url: urls.download(dataset, 'csv', version.current ? undefined : version.version),
    url_type: null,
    // Not CKAN core keys: CKAN passes a resource's extra keys through, and clients ignore unknown ones.
    version: version.version,
    row_count: version.rowCount,
    json_url: urls.download(dataset, 'json', version.current ? undefined : version.version),
  };
}

export interface CkanTag {
  display_name: string;
  id: string;
  name: string;
  state: 'active';
  vocabulary_id: null;
}

export function tagDict(keyword: string): CkanTag {
  return { display_name: keyword, id: nameUuid('tag', keyword), name: keyword, state: 'active', vocabulary_id: null };
}

export interface CkanPackage {
  id: string;
  name: string;
  title: string;
  notes: string;
  resources: CkanResource[];
  tags: CkanTag[];
  organization: CkanOrganization | null;
  extras: { key: string; value: string }[];
  [key: string]: unknown;
}

/** A dataset as a CKAN package (package_show's result), with its published versions as resources. */
export function packageDict(dataset: OpenDataset, urls: PortalUrls): CkanPackage {
  const licence = licenceInfo(dataset.license);
  const resources = dataset.versions.map((version, position) => resourceDict(dataset, version, position, urls));
  const extras: Record<string, string | null> = {
    code: dataset.code,
    title_en: dataset.titleEn,
    category: dataset.category,
    theme: dataset.theme,
    update_cycle: dataset.updateCycle,
    open_type: dataset.openType,
    open_condition: dataset.openCondition,
    temporal_start: dataset.temporalFrom,
    temporal_end: dataset.temporalTo,
    spatial_text: dataset.spatialCoverage,
    fields: dataset.fields.length > 0 ? JSON.stringify(dataset.fields.map(fieldInfo)) : null,
    dcat_metadata: urls.datasetMetadata(dataset.code, 'jsonld'),
  };
  return {
    author: null,
    author_email: null,
    creator_user_id: null,
    extras: Object.entries(extras)
      .filter((entry): entry is [string, string] => entry[1] !== null && entry[1] !== '')
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    groups: [],
    id: dataset.id,
    isopen: dataset.openType === OpenType.OPEN && (licence?.isOpen ?? false),
    license_id: licence?.ckanId ?? 'notspecified',
    license_title: licence ? ckanLicenceTitle(licence) : 'License not specified',
    ...(licence?.url ? { license_url: licence.url } : {}),
    maintainer: dataset.publisher?.title ?? null,
    maintainer_email: null,
    metadata_created: ckanTimestamp(dataset.publishedAt ?? dataset.createdAt),
    metadata_modified: ckanTimestamp(dataset.updatedAt),
    name: dataset.name,
    notes: dataset.summary,
    num_resources: resources.length,
    num_tags: dataset.keywords.length,
    organization: dataset.publisher ? organizationDict(dataset.publisher) : null,
    owner_org: dataset.publisher?.id ?? null,
    private: false,
    relationships_as_object: [],
    relationships_as_subject: [],
    resources,
    state: 'active',
    tags: dataset.keywords.map(tagDict),
    title: dataset.title,
    type: 'dataset',
    url: urls.dataset(dataset.code),
    version: dataset.current ? String(dataset.current.version) : null,
  };
}

/** CKAN datastore column types (PostgreSQL type names, as datastore_search reports them). */
export const DATASTORE_TYPES: Record<FieldType, string> = {
  [FieldType.STRING]: 'text',
  [FieldType.INTEGER]: 'int8',
  [FieldType.DECIMAL]: 'numeric',
  [FieldType.BOOLEAN]: 'bool',
  [FieldType.DATE]: 'date',
  [FieldType.DATETIME]: 'timestamptz',
  [FieldType.JSON]: 'json',
};

export interface DatastoreFieldInfo {
  id: string;
  type: string;
  info?: { label: string; notes: string; unit?: string };
}

/** A column as datastore_search describes it, with CKAN's data dictionary (`info`) filled from the catalogue. */
export function datastoreField(field: OpenField): DatastoreFieldInfo {
  return {
    id: field.name,
    type: DATASTORE_TYPES[field.type],
    info: { label: field.title, notes: field.description ?? '', ...(field.unit ? { unit: field.unit } : {}) },
  };
}

function fieldInfo(field: OpenField) {
  return { id: field.name, label: field.title, type: DATASTORE_TYPES[field.type], ...(field.unit ? { unit: field.unit } : {}) };
}
