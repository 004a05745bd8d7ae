import { Writer } from 'n3';
import type { Quad, Term } from 'n3';
import { PREFIXES } from './dcat-graph.js';

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** Turtle with the DCAT prefixes. */
export function toTurtle(quads: Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, result: string) => (error ? reject(error) : resolve(result))));
}

/** An IRI as a compact IRI when one of the prefixes covers it. */
function compact(iri: string): string {
  for (const [prefix, namespace] of Object.entries(PREFIXES)) {
    if (iri.startsWith(namespace) && /^[A-Za-z_][\w.-]*$/.test(iri.slice(namespace.length))) return `${prefix}:${iri.slice(namespace.length)}`;
  }
  return iri;
}

type JsonLdValue = { '@id': string } | { '@value': string; '@language'?: string; '@type'?: string };

function valueOf(term: Term): JsonLdValue {
  if (term.termType === 'NamedNode') return { '@id': term.value };
  if (term.termType === 'BlankNode') return { '@id': `_:${term.value}` };
  if (term.termType === 'Literal') {
    if (term.language) return { '@value': term.value, '@language': term.language };
    if (term.datatype.value !== XSD_STRING) return { '@value': term.value, '@type': compact(term.datatype.value) };
    return { '@value': term.value };
  }
  throw new Error(`no JSON-LD for a ${term.termType}`);
}

/**
 * JSON-LD of the same triples: one node object per subject, in a @graph, with the prefixes as the
 * context (so that it reads like the DCAT-AP examples and expands to exactly the Turtle's triples).
 */
export function toJsonLd(quads: Quad[]): Record<string, unknown> {
  const nodes = new Map<string, Record<string, unknown>>();
  for (const { subject, predicate, object } of quads) {
    const id = subject.termType === 'BlankNode' ? `_:${subject.value}` : subject.value;
    let node = nodes.get(id);
    if (!node) {
      node = { '@id': id };
      nodes.set(id, node);
    }
    if (predicate.value === RDF_TYPE && object.termType === 'NamedNode') {
      node['@type'] = [...((node['@type'] as string[] | undefined) ?? []), compact(object.value)];
      continue;
    }
    const key = compact(predicate.value);
    node[key] = [...((node[key] as JsonLdValue[] | undefined) ?? []), valueOf(object)];
  }
  return { '@context': { ...PREFIXES }, '@graph': [...nodes.values()] };
}
