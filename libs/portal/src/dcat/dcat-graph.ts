import { OpenType } from '@causeway/catalogue';
import { DataFactory } from 'n3';
import type { BlankNode, Literal, NamedNode, Quad } from 'n3';
import type { OpenDataset, OpenPublisher } from '../open-dataset.js';
import type { PortalUrls } from '../portal-urls.js';
import { ACCESS_RIGHTS, ckanLicenceTitle, DOWNLOAD_FORMATS, euThemeOf, FREQUENCY, licenceInfo } from '../vocabularies.js';

const { namedNode, literal, blankNode, quad } = DataFactory;

export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  locn: 'http://www.w3.org/ns/locn#',
} as const;

type Prefix = keyof typeof PREFIXES;
const term = (prefix: Prefix, local: string): NamedNode => namedNode(`${PREFIXES[prefix]}${local}`);

const RDF_TYPE = term('rdf', 'type');
const LANGUAGE_ZH = 'http://publications.europa.eu/resource/authority/language/ZHO';
const DATA_THEME_SCHEME = 'http://publications.europa.eu/resource/authority/data-theme';
const LOCAL_AUTHORITY = 'http://purl.org/adms/publishertype/LocalAuthority';
const PUBLISHER_TYPE_SCHEME = 'http://purl.org/adms/publishertype/1.0';
const IANA_MEDIA_TYPE = 'http://www.iana.org/assignments/media-types/';

/** DCAT-AP catalogue pages hold this many datasets (ckanext-dcat's default too). */
export const DATASETS_PER_PAGE = 100;

type Subject = NamedNode | BlankNode;
type Object_ = NamedNode | BlankNode | Literal;

/** Collects triples once each (vocabulary nodes are described by every dataset that uses them). */
class Graph {
  readonly quads: Quad[] = [];
  private readonly seen = new Set<string>();
  private blanks = 0;

  add(subject: Subject, predicate: NamedNode, object: Object_ | null | undefined): void {
    if (!object) return;
    const key = `${subject.termType}:${subject.value} ${predicate.value} ${object.termType}:${object.value}:${object.termType === 'Literal' ? `${object.language}|${object.datatype.value}` : ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.quads.push(quad(subject, predicate, object));
  }

  type(subject: Subject, ...types: NamedNode[]): void {
    for (const type of types) this.add(subject, RDF_TYPE, type);
  }

  blank(): BlankNode {
    this.blanks += 1;
    return blankNode(`b${this.blanks}`);
  }
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** A text with its language: Chinese when it has Chinese characters, else English. */
function text(value: string): Literal {
  return literal(value, CJK.test(value) ? 'zh' : 'en');
}

const dateTime = (date: Date): Literal => literal(date.toISOString(), term('xsd', 'dateTime'));
const date = (value: string): Literal => literal(value, term('xsd', 'date'));

/** What a catalogue page says about itself and its neighbours (hydra, as ckanext-dcat pages its catalogue). */
export interface CatalogPage {
  page: number;
  totalItems: number;
  format: 'jsonld' | 'ttl';
}

export interface CatalogDescription {
  publisher: OpenPublisher | null;
  /** Every listed dataset, for the catalogue's modification date. */
  all: OpenDataset[];
  /** The datasets on this page. */
  datasets: OpenDataset[];
  paging: CatalogPage | null;
}

function describePublisher(graph: Graph, urls: PortalUrls, publisher: OpenPublisher | null): NamedNode {
  if (!publisher) {
    // A catalogue must name a publisher; without departments it is the exchange itself.
    const node = namedNode(`${urls.base}/#publisher`);
    graph.type(node, term('foaf', 'Agent'));
    graph.add(node, term('foaf', 'name'), literal('Causeway', 'en'));
    return node;
  }
  const node = namedNode(urls.organization(publisher.code));
  graph.type(node, term('foaf', 'Agent'), term('foaf', 'Organization'));
  graph.add(node, term('foaf', 'name'), literal(publisher.title, 'zh'));
  if (publisher.titleEn) graph.add(node, term('foaf', 'name'), literal(publisher.titleEn, 'en'));
  graph.add(node, term('dct', 'identifier'), literal(publisher.code));
  graph.add(node, term('dct', 'type'), describeConcept(graph, LOCAL_AUTHORITY, literal('Local Authority', 'en'), { iri: PUBLISHER_TYPE_SCHEME, title: literal('Publisher Type', 'en') }));
  return node;
}

function describeConcept(graph: Graph, iri: string, label: Literal, scheme: { iri: string; title: Literal }): NamedNode {
  const node = namedNode(iri);
  graph.type(node, term('skos', 'Concept'));
  graph.add(node, term('skos', 'prefLabel'), label);
  const schemeNode = namedNode(scheme.iri);
  graph.add(node, term('skos', 'inScheme'), schemeNode);
  graph.type(schemeNode, term('skos', 'ConceptScheme'));
  graph.add(schemeNode, term('dct', 'title'), scheme.title);
  return node;
}

function typedNode(graph: Graph, iri: string, type: NamedNode, label?: Literal): NamedNode {
  const node = namedNode(iri);
  graph.type(node, type);
  if (label) graph.add(node, term('rdfs', 'label'), label);
  return node;
}

function describeDataset(graph: Graph, urls: PortalUrls, dataset: OpenDataset): NamedNode {
  const node = namedNode(urls.dataset(dataset.code));
  graph.type(node, term('dcat', 'Dataset'));
  graph.add(node, term('dct', 'identifier'), literal(dataset.code));
  graph.add(node, term('dct', 'title'), literal(dataset.title, 'zh'));
  if (dataset.titleEn) graph.add(node, term('dct', 'title'), literal(dataset.titleEn, 'en'));
  const condition = dataset.openType === OpenType.CONDITIONAL && dataset.openCondition ? `\n开放条件：${dataset.openCondition}` : '';
  graph.add(node, term('dct', 'description'), literal(`${dataset.summary}${condition}`, 'zh'));
  if (dataset.publisher) graph.add(node, term('dct', 'publisher'), describePublisher(graph, urls, dataset.publisher));
  for (const keyword of dataset.keywords) graph.add(node, term('dcat', 'keyword'), text(keyword));

  const eu = euThemeOf(dataset.theme);
  graph.add(node, term('dcat', 'theme'), describeConcept(graph, eu.iri, literal(eu.label, 'en'), { iri: DATA_THEME_SCHEME, title: literal('Data theme', 'en') }));
  if (dataset.theme) {
    graph.add(node, term('dcat', 'theme'), describeConcept(graph, urls.theme(dataset.theme), literal(dataset.theme, 'zh'), { iri: urls.themeScheme(), title: literal('主题', 'zh') }));
  }

  const frequency = FREQUENCY[dataset.updateCycle];
  graph.add(node, term('dct', 'accrualPeriodicity'), typedNode(graph, frequency.iri, term('dct', 'Frequency'), literal(frequency.label, 'en')));
  const rights = dataset.openType === OpenType.OPEN ? ACCESS_RIGHTS.PUBLIC : ACCESS_RIGHTS.RESTRICTED;
  graph.add(node, term('dct', 'accessRights'), typedNode(graph, rights, term('dct', 'RightsStatement')));
  graph.add(node, term('dct', 'language'), typedNode(graph, LANGUAGE_ZH, term('dct', 'LinguisticSystem')));
  graph.add(node, term('dcat', 'landingPage'), typedNode(graph, urls.dataset(dataset.code), term('foaf', 'Document')));
  if (dataset.publishedAt) graph.add(node, term('dct', 'issued'), dateTime(dataset.publishedAt));
  graph.add(node, term('dct', 'modified'), dateTime(dataset.updatedAt));
  // DCAT 3's own property; DCAT-AP 3 deprecates owl:versionInfo for it.
  if (dataset.current) graph.add(node, term('dcat', 'version'), literal(String(dataset.current.version)));

  if (dataset.spatialCoverage) {
    const place = graph.blank();
    graph.type(place, term('dct', 'Location'));
    graph.add(place, term('locn', 'geographicName'), text(dataset.spatialCoverage));
    // What ckanext-dcat reads as the place's name (it does not read locn:geographicName).
    graph.add(place, term('skos', 'prefLabel'), text(dataset.spatialCoverage));
    graph.add(node, term('dct', 'spatial'), place);
  }
  if (dataset.temporalFrom || dataset.temporalTo) {
    const period = graph.blank();
    graph.type(period, term('dct', 'PeriodOfTime'));
    if (dataset.temporalFrom) graph.add(period, term('dcat', 'startDate'), date(dataset.temporalFrom));
    if (dataset.temporalTo) graph.add(period, term('dcat', 'endDate'), date(dataset.temporalTo));
    graph.add(node, term('dct', 'temporal'), period);
  }

  // Distributions only for a dataset that serves rows: a conditional one is described, not offered.
  if (dataset.current) {
    const licence = licenceInfo(dataset.license);
    for (const format of [DOWNLOAD_FORMATS.csv, DOWNLOAD_FORMATS.json]) {
      const distribution = namedNode(urls.distribution(dataset.code, format.extension));
      const download = namedNode(urls.download(dataset, format.extension));
      graph.add(node, term('dcat', 'distribution'), distribution);
      graph.type(distribution, term('dcat', 'Distribution'));
      graph.add(distribution, term('dct', 'title'), literal(`${dataset.code}.${format.extension}`));
      graph.add(distribution, term('dct', 'description'), literal(`${dataset.title}（第 ${dataset.current.version} 版，${dataset.current.rowCount} 行，${format.ckanFormat}）`, 'zh'));
      graph.add(distribution, term('dcat', 'accessURL'), download);
      graph.add(distribution, term('dcat', 'downloadURL'), download);
      graph.add(distribution, term('dcat', 'mediaType'), typedNode(graph, `${IANA_MEDIA_TYPE}${format.mediaType}`, term('dct', 'MediaType')));
      graph.add(distribution, term('dct', 'format'), typedNode(graph, format.fileType, term('dct', 'MediaTypeOrExtent')));
      graph.add(distribution, term('dct', 'issued'), dateTime(dataset.current.publishedAt));
      graph.add(distribution, term('dct', 'modified'), dateTime(new Date(Math.max(dataset.current.publishedAt.getTime(), dataset.updatedAt.getTime()))));
      if (licence) {
        let licenceNode: NamedNode | BlankNode;
        if (licence.euIri) {
          licenceNode = typedNode(graph, licence.euIri, term('dct', 'LicenseDocument'), literal(licence.title, 'en'));
        } else {
          licenceNode = graph.blank();
          graph.type(licenceNode, term('dct', 'LicenseDocument'));
          graph.add(licenceNode, term('rdfs', 'label'), text(licence.title));
        }
        // ckanext-dcat resolves a licence by its IRI, else by its dct:title against the CKAN
        // site's licence register: CKAN's own title makes a default CKAN find the same licence id.
        graph.add(licenceNode, term('dct', 'title'), literal(ckanLicenceTitle(licence)));
        graph.add(distribution, term('dct', 'license'), licenceNode);
      }
    }
  }
  return node;
}

/** One page of the catalogue (or, with paging null, the whole of it) as DCAT-AP 3 triples. */
export function catalogGraph(urls: PortalUrls, description: CatalogDescription): Quad[] {
  const graph = new Graph();
  const catalog = namedNode(urls.catalog());
  graph.type(catalog, term('dcat', 'Catalog'));
  graph.add(catalog, term('dct', 'title'), literal('公共数据开放目录', 'zh'));
  graph.add(catalog, term('dct', 'title'), literal('Open data catalogue', 'en'));
  graph.add(catalog, term('dct', 'description'), literal('各部门向社会开放的政务数据资源目录，仅含开放数据集及其公开字段。', 'zh'));
  graph.add(catalog, term('dct', 'description'), literal('Government datasets the departments open to the public: open datasets and their public fields only.', 'en'));
  graph.add(catalog, term('dct', 'publisher'), describePublisher(graph, urls, description.publisher));
  graph.add(catalog, term('foaf', 'homepage'), typedNode(graph, urls.page(), term('foaf', 'Document')));
  graph.add(catalog, term('dct', 'language'), typedNode(graph, LANGUAGE_ZH, term('dct', 'LinguisticSystem')));
  graph.add(catalog, term('dcat', 'themeTaxonomy'), namedNode(DATA_THEME_SCHEME));
  graph.type(namedNode(DATA_THEME_SCHEME), term('skos', 'ConceptScheme'));
  graph.add(namedNode(DATA_THEME_SCHEME), term('dct', 'title'), literal('Data theme', 'en'));
  const modified = description.all.reduce<number | null>((latest, dataset) => Math.max(latest ?? 0, dataset.updatedAt.getTime()), null);
  if (modified !== null) graph.add(catalog, term('dct', 'modified'), dateTime(new Date(modified)));
  for (const dataset of description.datasets) graph.add(catalog, term('dcat', 'dataset'), describeDataset(graph, urls, dataset));

  if (description.paging) {
    const { page, totalItems, format } = description.paging;
    const last = Math.max(1, Math.ceil(totalItems / DATASETS_PER_PAGE));
    const view = namedNode(urls.catalogPage(format, page));
    const integer = (value: number) => literal(String(value), term('xsd', 'integer'));
    graph.type(view, term('hydra', 'PagedCollection'));
    graph.add(view, term('hydra', 'totalItems'), integer(totalItems));
    graph.add(view, term('hydra', 'itemsPerPage'), integer(DATASETS_PER_PAGE));
    // Hydra's current terms (first, next, …) and the deprecated *Page ones older harvesters read,
    // both, as ckanext-dcat writes them; its harvester follows hydra:next, else hydra:nextPage.
    const link = (current: string, deprecated: string, target: number) => {
      graph.add(view, term('hydra', current), namedNode(urls.catalogPage(format, target)));
      graph.add(view, term('hydra', deprecated), namedNode(urls.catalogPage(format, target)));
    };
    link('first', 'firstPage', 1);
    link('last', 'lastPage', last);
    if (page > 1) link('previous', 'previousPage', page - 1);
    if (page < last) link('next', 'nextPage', page + 1);
  }
  return graph.quads;
}

/** One dataset's DCAT-AP description (its own metadata document). */
export function datasetGraph(urls: PortalUrls, dataset: OpenDataset): Quad[] {
  const graph = new Graph();
  const node = describeDataset(graph, urls, dataset);
  graph.add(node, term('dct', 'isPartOf'), namedNode(urls.catalog()));
  return graph.quads;
}
