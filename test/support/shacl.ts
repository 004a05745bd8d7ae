import jsonld from 'jsonld';
import { Parser, Store } from 'n3';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import SHACLValidator from 'rdf-validate-shacl';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures');
/** DCAT-AP 3's shapes, and the shapes of its mandatory controlled vocabularies. */
const SHAPES = ['dcat-ap-3-shapes.ttl', 'dcat-ap-3-vocabulary-shapes.ttl'].map((name) => path.join(FIXTURES, name));
/** The EU vocabularies' concepts, loaded next to the data as the official validator loads them. */
const VOCABULARIES = path.join(FIXTURES, 'eu-vocabularies.ttl');

export interface ShaclOutcome {
  conforms: boolean;
  /** One line per violation: focus node, path and message, for a readable failure. */
  problems: string[];
  store: Store;
}

async function validate(store: Store): Promise<ShaclOutcome> {
  const shapes = new Store();
  for (const file of SHAPES) shapes.addQuads(new Parser().parse(await readFile(file, 'utf8')));
  const data = new Store([...store, ...new Parser().parse(await readFile(VOCABULARIES, 'utf8'))]);
  const report = await new SHACLValidator(shapes).validate(data);
  return {
    conforms: report.conforms,
    problems: report.results.map((result) => `${result.focusNode?.value} ${result.path?.value ?? ''}: ${result.message.map((message) => message.value).join('; ')}`),
    store,
  };
}

export function validateTurtle(turtle: string): Promise<ShaclOutcome> {
  return validate(new Store(new Parser().parse(turtle)));
}

/** Reads JSON-LD as RDF with jsonld.js (no remote contexts: the feed's context is inline). */
export async function validateJsonLd(document: unknown): Promise<ShaclOutcome> {
  const nquads = (await jsonld.toRDF(document as jsonld.JsonLdDocument, { format: 'application/n-quads' })) as unknown as string;
  return validate(new Store(new Parser({ format: 'application/n-quads' }).parse(nquads)));
}
