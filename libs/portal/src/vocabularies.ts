import { UpdateCycle } from '@causeway/catalogue';

/** What the portal says about a licence, for CKAN (license_id, …) and DCAT (dct:license). */
export interface LicenceInfo {
  /** CKAN's licence id (from CKAN's default licence list where there is one). */
  ckanId: string;
  title: string;
  url: string | null;
  /** The EU licence authority IRI for DCAT-AP, when the licence is in it. */
  euIri: string | null;
  isOpen: boolean;
}

const EU_LICENCE = 'http://publications.europa.eu/resource/authority/licence/';

// Keyed by a normalised licence name (upper case, no spaces), so "CC-BY-4.0", "cc by 4.0" and
// "CC-BY" all find their entry.
const LICENCES: Record<string, LicenceInfo> = {
  'CC-BY-4.0': { ckanId: 'cc-by', title: 'Creative Commons Attribution 4.0', url: 'https://creativecommons.org/licenses/by/4.0/', euIri: `${EU_LICENCE}CC_BY_4_0`, isOpen: true },
  'CC-BY': { ckanId: 'cc-by', title: 'Creative Commons Attribution', url: 'http://www.opendefinition.org/licenses/cc-by', euIri: `${EU_LICENCE}CC_BY_4_0`, isOpen: true },
  'CC-BY-SA-4.0': { ckanId: 'cc-by-sa', title: 'Creative Commons Attribution Share-Alike 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/', euIri: `${EU_LICENCE}CC_BYSA_4_0`, isOpen: true },
  'CC-BY-SA': { ckanId: 'cc-by-sa', title: 'Creative Commons Attribution Share-Alike', url: 'http://www.opendefinition.org/licenses/cc-by-sa', euIri: `${EU_LICENCE}CC_BYSA_4_0`, isOpen: true },
  'CC0-1.0': { ckanId: 'cc-zero', title: 'Creative Commons CCZero', url: 'http://www.opendefinition.org/licenses/cc-zero', euIri: `${EU_LICENCE}CC0`, isOpen: true },
  CC0: { ckanId: 'cc-zero', title: 'Creative Commons CCZero', url: 'http://www.opendefinition.org/licenses/cc-zero', euIri: `${EU_LICENCE}CC0`, isOpen: true },
  'ODC-BY-1.0': { ckanId: 'odc-by', title: 'Open Data Commons Attribution License', url: 'http://www.opendefinition.org/licenses/odc-by', euIri: `${EU_LICENCE}ODC_BY`, isOpen: true },
  'ODBL-1.0': { ckanId: 'odc-odbl', title: 'Open Data Commons Open Database License (ODbL)', url: 'http://www.opendefinition.org/licenses/odc-odbl', euIri: `${EU_LICENCE}ODC_BL`, isOpen: true },
  'PDDL-1.0': { ckanId: 'odc-pddl', title: 'Open Data Commons Public Domain Dedication and License (PDDL)', url: 'http://www.opendefinition.org/licenses/odc-pddl', euIri: `${EU_LICENCE}ODC_PDDL`, isOpen: true },
};

/** The licence of a dataset as CKAN and DCAT name it; null when the catalogue states none. */
export function licenceInfo(license: string | null): LicenceInfo | null {
  if (!license || license.trim() === '') return null;
  const key = license.trim().toUpperCase().replace(/\s+/g, '-');
  const known = LICENCES[key];
  if (known) return known;
  // A licence the portal does not know is passed on by name; it is not claimed to be open.
  return { ckanId: license.trim().toLowerCase(), title: license.trim(), url: /^https?:\/\//.test(license.trim()) ? license.trim() : null, euIri: null, isOpen: false };
}

/** 更新周期 → the EU frequency authority (DCAT-AP's controlled vocabulary for dct:accrualPeriodicity). */
export const FREQUENCY: Record<UpdateCycle, { iri: string; label: string }> = {
  [UpdateCycle.REALTIME]: { iri: 'http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT', label: 'continuously updated' },
  [UpdateCycle.DAILY]: { iri: 'http://publications.europa.eu/resource/authority/frequency/DAILY', label: 'daily' },
  [UpdateCycle.WEEKLY]: { iri: 'http://publications.europa.eu/resource/authority/frequency/WEEKLY', label: 'weekly' },
  [UpdateCycle.MONTHLY]: { iri: 'http://publications.europa.eu/resource/authority/frequency/MONTHLY', label: 'monthly' },
  [UpdateCycle.QUARTERLY]: { iri: 'http://publications.europa.eu/resource/authority/frequency/QUARTERLY', label: 'quarterly' },
  [UpdateCycle.HALF_YEARLY]: { iri: 'http://publications.europa.eu/resource/authority/frequency/ANNUAL_2', label: 'semiannual' },
  [UpdateCycle.YEARLY]: { iri: 'http://publications.europa.eu/resource/authority/frequency/ANNUAL', label: 'annual' },
  [UpdateCycle.IRREGULAR]: { iri: 'http://publications.europa.eu/resource/authority/frequency/IRREG', label: 'irregular' },
};

/** 更新周期 in Chinese, for the /open page. */
export const UPDATE_CYCLE_ZH: Record<UpdateCycle, string> = {
  [UpdateCycle.REALTIME]: '实时',
  [UpdateCycle.DAILY]: '每日',
  [UpdateCycle.WEEKLY]: '每周',
  [UpdateCycle.MONTHLY]: '每月',
  [UpdateCycle.QUARTERLY]: '每季度',
  [UpdateCycle.HALF_YEARLY]: '每半年',
  [UpdateCycle.YEARLY]: '每年',
  [UpdateCycle.IRREGULAR]: '不定期',
};

const EU_THEME = 'http://publications.europa.eu/resource/authority/data-theme/';

export const EU_THEMES: Record<string, string> = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  INTR: 'International issues',
  JUST: 'Justice, legal system and public safety',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
};

// The government resource catalogue's themes (主题) → the EU data themes DCAT-AP asks for. A theme
// not listed here falls back to GOVE (government and public sector), which every dataset of a
// government exchange belongs to.
const THEME_TO_EU: Record<string, keyof typeof EU_THEMES> = {
  法人: 'ECON',
  信用: 'ECON',
  财税: 'ECON',
  税务: 'ECON',
  经济: 'ECON',
  人口: 'SOCI',
  社会保障: 'SOCI',
  就业: 'SOCI',
  民政: 'SOCI',
  电子证照: 'GOVE',
  政务: 'GOVE',
  交通: 'TRAN',
  卫生健康: 'HEAL',
  医疗: 'HEAL',
  公共安全: 'JUST',
  司法: 'JUST',
  教育: 'EDUC',
  文化: 'EDUC',
  环境: 'ENVI',
  生态环境: 'ENVI',
  能源: 'ENER',
  农业: 'AGRI',
  科技: 'TECH',
  城市建设: 'REGI',
  自然资源: 'REGI',
};

export function euThemeOf(theme: string | null): { iri: string; code: string; label: string } {
  const code = (theme && THEME_TO_EU[theme]) || 'GOVE';
  return { iri: `${EU_THEME}${code}`, code, label: EU_THEMES[code]! };
}

export const ACCESS_RIGHTS = {
  PUBLIC: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
  RESTRICTED: 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED',
} as const;

export interface DownloadFormat {
  extension: 'csv' | 'json';
  mediaType: string;
  ckanFormat: string;
  /** EU file-type authority IRI (dct:format). */
  fileType: string;
}

export const DOWNLOAD_FORMATS: Record<'csv' | 'json', DownloadFormat> = {
  csv: { extension: 'csv', mediaType: 'text/csv', ckanFormat: 'CSV', fileType: 'http://publications.europa.eu/resource/authority/file-type/CSV' },
  json: { extension: 'json', mediaType: 'application/json', ckanFormat: 'JSON', fileType: 'http://publications.europa.eu/resource/authority/file-type/JSON' },
};

/** One licence of CKAN's register, as license_list answers it (ckan/model/license.py). */
export interface CkanLicence {
  domain_content: boolean;
  domain_data: boolean;
  domain_software: boolean;
  family: string;
  id: string;
  is_generic: boolean;
  od_conformance: 'approved' | 'not reviewed';
  osd_conformance: 'approved' | 'not reviewed';
  maintainer: string;
  status: 'active';
  url: string;
  title: string;
  /** Deprecated by CKAN, still answered: od_conformance / osd_conformance === 'approved'. */
  is_okd_compliant: boolean;
  is_osi_compliant: boolean;
}

function ckanLicence(id: string, title: string, options: { url?: string; content?: boolean; data?: boolean; generic?: boolean; open?: boolean } = {}): CkanLicence {
  return {
    domain_content: options.content ?? false,
    domain_data: options.data ?? false,
    domain_software: false,
    family: '',
    id,
    is_generic: options.generic ?? false,
    od_conformance: options.open ? 'approved' : 'not reviewed',
    osd_conformance: 'not reviewed',
    maintainer: '',
    status: 'active',
    url: options.url ?? '',
    title,
    is_okd_compliant: options.open ?? false,
    is_osi_compliant: false,
  };
}

const OPEN_DEFINITION = 'http://www.opendefinition.org/licenses/';

/** CKAN 2.10's default licence register, in its order: what a CKAN site without licenses_group_url lists. */
export const CKAN_LICENCES: readonly CkanLicence[] = [
  ckanLicence('notspecified', 'License not specified', { generic: true }),
  ckanLicence('odc-pddl', 'Open Data Commons Public Domain Dedication and License (PDDL)', { url: `${OPEN_DEFINITION}odc-pddl`, data: true, open: true }),
  ckanLicence('odc-odbl', 'Open Data Commons Open Database License (ODbL)', { url: `${OPEN_DEFINITION}odc-odbl`, data: true, open: true }),
  ckanLicence('odc-by', 'Open Data Commons Attribution License', { url: `${OPEN_DEFINITION}odc-by`, data: true, open: true }),
  ckanLicence('cc-zero', 'Creative Commons CCZero', { url: `${OPEN_DEFINITION}cc-zero`, content: true, data: true, open: true }),
  ckanLicence('cc-by', 'Creative Commons Attribution', { url: `${OPEN_DEFINITION}cc-by`, content: true, open: true }),
  ckanLicence('cc-by-sa', 'Creative Commons Attribution Share-Alike', { url: `${OPEN_DEFINITION}cc-by-sa`, content: true, open: true }),
  ckanLicence('gfdl', 'GNU Free Documentation License', { url: `${OPEN_DEFINITION}gfdl`, content: true, open: true }),
  ckanLicence('other-open', 'Other (Open)', { content: true, generic: true, open: true }),
  ckanLicence('other-pd', 'Other (Public Domain)', { content: true, generic: true, open: true }),
  ckanLicence('other-at', 'Other (Attribution)', { content: true, generic: true, open: true }),
  ckanLicence('uk-ogl', 'UK Open Government Licence (OGL)', { url: 'http://reference.data.gov.uk/id/open-government-licence', content: true, open: true }),
  ckanLicence('cc-nc', 'Creative Commons Non-Commercial (Any)', { url: 'http://creativecommons.org/licenses/by-nc/2.0/' }),
  ckanLicence('other-nc', 'Other (Non-Commercial)', { generic: true }),
  ckanLicence('other-closed', 'Other (Not Open)', { generic: true }),
];

/** The licences license_list answers: CKAN's register, then any licence an open dataset names that it lacks. */
export function licenceRegister(licences: (string | null)[]): CkanLicence[] {
  const register = [...CKAN_LICENCES];
  for (const named of licences) {
    const licence = licenceInfo(named);
    if (!licence || register.some((entry) => entry.id === licence.ckanId)) continue;
    register.push(ckanLicence(licence.ckanId, licence.title, { url: licence.url ?? '', open: licence.isOpen }));
  }
  return register;
}

/** The title CKAN's register gives a licence id (what ckanext-dcat matches a dct:title against). */
export function ckanLicenceTitle(licence: LicenceInfo): string {
  return CKAN_LICENCES.find((entry) => entry.id === licence.ckanId)?.title ?? licence.title;
}
