import { CkanError, shortPrefix } from './ckan-errors.js';

/** An action's input as CKAN receives it: a JSON object (POST) or the query string (GET). */
export type CkanInput = Record<string, unknown>;

/**
 * Reads request data the way CKAN does (ckan/views/api.py `_get_request_data`): a GET's query
 * parameters become strings (a list when repeated); a POST's body is a JSON object, or a form
 * (whose one key is the JSON when its value is empty or "1", as `curl -d '{…}'` sends it).
 */
export function requestData(method: string, query: unknown, body: unknown, mediaType: string | null = 'application/json'): CkanInput {
  if (method === 'GET' || method === 'HEAD') {
    return isPlainObject(query) ? { ...query } : {};
  }
  if (body === undefined || body === null || body === '') return isPlainObject(query) ? { ...query } : {};
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const text = body.toString();
    if (text.trim() === '') return {};
    if (mediaType !== null && /^application\/x-www-form-urlencoded/i.test(mediaType)) return formData(text);
    return asDict(parseJson(text));
  }
  return asDict(body);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw CkanError.requestData(`JSON Error: Error decoding JSON data. Error: ${shortPrefix((error as Error).message, 120)}`);
  }
}

function formData(text: string): CkanInput {
  const form = new URLSearchParams(text);
  const keys = [...new Set(form.keys())];
  if (keys.length === 1 && form.getAll(keys[0]!).length === 1 && ['', '1'].includes(form.get(keys[0]!)!)) return asDict(parseJson(keys[0]!));
  return Object.fromEntries(keys.map((key) => {
    const values = form.getAll(key);
    return [key, values.length === 1 ? values[0] : values];
  }));
}

function asDict(value: unknown): CkanInput {
  if (!isPlainObject(value)) {
    throw CkanError.requestData(`JSON Error: Request data JSON decoded to ${shortPrefix(JSON.stringify(value) ?? String(value))} but it needs to be a dictionary.`);
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

/** CKAN's int_validator: a base-10 integer, a whole number, or nothing. */
export function intParam(input: CkanInput, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined;
    if (INTEGER.test(value)) return Number.parseInt(value, 10);
  }
  throw CkanError.invalid(key, 'Invalid integer');
}

/** CKAN's natural_number_validator: an integer ≥ 0. */
export function naturalParam(input: CkanInput, key: string): number | undefined {
  const value = intParam(input, key);
  if (value !== undefined && value < 0) throw CkanError.invalid(key, 'Must be a natural number');
  return value;
}

/** CKAN's boolean_validator: true for true, "true", "yes", "t", "y", "1" (any case); false otherwise. */
export function boolParam(input: CkanInput, key: string, fallback: boolean): boolean {
  const value = input[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  return typeof value === 'string' && ['true', 'yes', 't', 'y', '1'].includes(value.trim().toLowerCase());
}

export function stringParam(input: CkanInput, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw CkanError.invalid(key, 'Must be a string');
}

/**
 * CKAN's list_of_strings_or_string followed by datastore's get_list: a list of strings, or one
 * string of comma-separated values.
 */
export function listParam(input: CkanInput, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return splitCommaList(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.map((item) => item.trim()).filter((item) => item !== '');
  throw CkanError.invalid(key, 'Not a list');
}

/** Splits "a, b,\"c,d\"" as CKAN's csv-based get_list does: commas separate, double quotes group. */
export function splitCommaList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '"') {
      if (quoted && text[index + 1] === '"') {
        current += '"';
        index += 1;
      } else {
        quoted = !quoted;
      }
    } else if (char === ',' && !quoted) {
      items.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current.trim());
  return items.filter((item) => item !== '');
}

/** A JSON object or list given as itself (POST) or as JSON text (GET), as CKAN's json_validator reads it. */
export function jsonParam(input: CkanInput, key: string): unknown {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw CkanError.invalid(key, 'Cannot parse JSON');
  }
}
