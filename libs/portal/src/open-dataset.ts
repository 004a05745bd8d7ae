import {
  DatasetStatus,
  FieldType,
  OpenType,
  Sensitivity,
  SharingType,
  type DatasetDto,
  type DatasetFieldDto,
  type DatasetVersionDto,
  type UpdateCycle,
} from '@causeway/catalogue';
import type { DepartmentDto } from '@causeway/identity';

/**
 * The portal's whole view of a dataset: only what an anonymous member of the public may see.
 * Everything the portal answers (CKAN, DCAT, the /open page, downloads) is built from this type,
 * never from a DatasetDto, so that a closed field or an internal attribute cannot leak by mistake.
 */
export interface OpenDataset {
  id: string;
  /** 资源代码, e.g. AMR-ENT-REG. */
  code: string;
  /** The CKAN package name: the code in lower case (CKAN names are lower case). */
  name: string;
  title: string;
  titleEn: string | null;
  summary: string;
  category: string;
  theme: string | null;
  keywords: string[];
  updateCycle: UpdateCycle;
  /** OPEN serves rows; CONDITIONAL is listed with its condition and serves none. */
  openType: OpenType.OPEN | OpenType.CONDITIONAL;
  openCondition: string | null;
  license: string | null;
  temporalFrom: string | null;
  temporalTo: string | null;
  spatialCoverage: string | null;
  publisher: OpenPublisher | null;
  /** PUBLIC fields only, in catalogue order. */
  fields: OpenField[];
  /** Published versions, newest first; empty when the dataset serves no rows (CONDITIONAL, or no public field). */
  versions: OpenVersion[];
  /** The current version when the dataset serves rows, otherwise null. */
  current: OpenVersion | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

export interface OpenField {
  name: string;
  title: string;
  type: FieldType;
  description: string | null;
  unit: string | null;
  isKey: boolean;
}

export interface OpenVersion {
  id: string;
  version: number;
  rowCount: number;
  loadedAt: Date;
  publishedAt: Date;
  current: boolean;
}

export interface OpenPublisher {
  id: string;
  code: string;
  /** CKAN organization name: the department code in lower case. */
  name: string;
  title: string;
  titleEn: string | null;
}

/** A dataset appears on the portal only when it is published, current and open (or open on conditions). */
export function isListed(dataset: Pick<DatasetDto, 'status' | 'currentVersionId' | 'openType'>): boolean {
  return (
    dataset.status === DatasetStatus.PUBLISHED &&
    dataset.currentVersionId !== null &&
    (dataset.openType === OpenType.OPEN || dataset.openType === OpenType.CONDITIONAL)
  );
}

/**
 * The fields an anonymous caller may read (ARCHITECTURE §3 rule 6): PUBLIC ones. A field whose own
 * sharing type is NONE is not shared even with other departments, so it is never opened to the
 * public either, whatever its sensitivity says.
 */
export function isPublicField(field: Pick<DatasetFieldDto, 'sensitivity' | 'sharingType'>): boolean {
  return field.sensitivity === Sensitivity.PUBLIC && field.sharingType !== SharingType.NONE;
}

export const packageName = (code: string): string => code.toLowerCase();

export function openPublisher(department: DepartmentDto): OpenPublisher {
  return { id: department.id, code: department.code, name: department.code.toLowerCase(), title: department.name, titleEn: department.nameEn };
}

/** The portal view of a catalogue entry, or null when the portal must not show it at all. */
export function toOpenDataset(dataset: DatasetDto, versions: DatasetVersionDto[], publisher: DepartmentDto | null): OpenDataset | null {
  if (!isListed(dataset)) return null;
  const fields = dataset.fields.filter(isPublicField);
  // Rows are served for an OPEN dataset with at least one public field; otherwise it is listed only.
  const servesRows = dataset.openType === OpenType.OPEN && fields.length > 0;
  const published = servesRows
    ? versions
        .filter((version) => version.publishedAt !== null)
        .sort((a, b) => b.version - a.version)
        .map((version): OpenVersion => ({
          id: version.id,
          version: version.version,
          rowCount: version.rowCount,
          loadedAt: version.loadedAt,
          publishedAt: version.publishedAt!,
          current: version.id === dataset.currentVersionId,
        }))
    : [];
  const current = published.find((version) => version.current) ?? null;
  // A dataset whose current version cannot be found is not shown rather than shown half.
  if (servesRows && !current) return null;
  return {
    id: dataset.id,
    code: dataset.code,
    name: packageName(dataset.code),
    title: dataset.title,
    titleEn: dataset.titleEn,
    summary: dataset.summary,
    category: dataset.category,
    theme: dataset.theme,
    keywords: [...dataset.keywords],
    updateCycle: dataset.updateCycle,
    openType: dataset.openType as OpenType.OPEN | OpenType.CONDITIONAL,
    openCondition: dataset.openType === OpenType.CONDITIONAL ? dataset.openCondition : null,
    license: dataset.license,
    temporalFrom: dataset.temporalFrom,
    temporalTo: dataset.temporalTo,
    spatialCoverage: dataset.spatialCoverage,
    publisher: publisher ? openPublisher(publisher) : null,
    fields: fields.map((field) => ({
      name: field.name,
      title: field.title,
      type: field.type,
      description: field.description,
      unit: field.unit,
      isKey: field.isKey,
    })),
    versions: published,
    current,
    createdAt: dataset.createdAt,
    updatedAt: dataset.updatedAt,
    publishedAt: dataset.publishedAt,
  };
}

/** Lower-cased text that free-text portal searches match against. */
export function searchableText(dataset: OpenDataset): string {
  return [dataset.code, dataset.title, dataset.titleEn, dataset.summary, dataset.category, dataset.theme, dataset.publisher?.title, dataset.publisher?.titleEn, ...dataset.keywords]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join(' \u0001 ')
    .toLowerCase();
}
