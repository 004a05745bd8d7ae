import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, MAX_PAGE_SIZE, type InputProblem } from '@causeway/core';
import {
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isScalarType,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';

/**
 * What any argument of any operation may hold, whatever the resolver behind it. Generous for real
 * clients (the longest documented text is 4,000 characters), tight enough that no argument can
 * reach PostgreSQL as text it refuses, or come back whole in an error.
 */
export const ARGUMENT_LIMITS = {
  /** Characters of one text (a string argument, an input field, a key or value inside JSON). */
  text: 10_000,
  /** Entries of one list. */
  list: 10_000,
  /** Nesting of objects and lists inside a JSON argument. */
  depth: 32,
  /** Problems reported at once. */
  problems: 10,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** PostgreSQL's timestamptz reaches 4713 BC to 294276 AD, JavaScript's Date ±275760: four-digit years fit both. */
const YEARS = { min: 1, max: 9999 };

function typeName(type: GraphQLInputType): string | null {
  const nullable = getNullableType(type);
  return isScalarType(nullable) ? nullable.name : null;
}

/** Every argument value of one operation checked against ARGUMENT_LIMITS and the rules of its type. */
class ArgumentChecker {
  readonly problems: InputProblem[] = [];

  private add(field: string, message: string): void {
    if (this.problems.length < ARGUMENT_LIMITS.problems) this.problems.push({ field, message });
  }

  /** A value as the client sent it (variables already substituted), against the argument's declared type. */
  check(value: unknown, type: GraphQLInputType, path: string, depth = 0): void {
    if (value === null || value === undefined) return;
    if (depth > ARGUMENT_LIMITS.depth) return this.add(path, `nests deeper than ${ARGUMENT_LIMITS.depth} levels`);
    const nullable = getNullableType(type);
    if (typeof value === 'string') return this.checkText(value, typeName(nullable), path);
    if (Array.isArray(value)) {
      if (value.length > ARGUMENT_LIMITS.list) return this.add(path, `holds ${value.length} entries; at most ${ARGUMENT_LIMITS.list} are accepted`);
      const itemType = isListType(nullable) ? nullable.ofType : nullable;
      value.forEach((item, index) => this.check(item, itemType, `${path}[${index}]`, depth + 1));
      return;
    }
    if (typeof value === 'object') {
      const fields = isInputObjectType(nullable) ? nullable.getFields() : null;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        this.checkText(key, null, `${path} (a key)`);
        const fieldType = fields?.[key]?.type ?? nullable;
        this.check(item, fieldType, `${path}.${key.length > 64 || key.includes('\u0000') ? '…' : key}`, depth + 1);
      }
      return;
    }
    if (typeof value === 'number' && typeName(nullable) === 'ID') this.checkId(String(value), path);
  }

  /** `first` pages every connection: a whole number from 0 to MAX_PAGE_SIZE. */
  checkFirst(value: unknown, path: string): void {
    if (typeof value === 'number' && Number.isInteger(value) && (value < 0 || value > MAX_PAGE_SIZE)) this.add(path, `must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
  }

  private checkText(value: string, scalar: string | null, path: string): void {
    if (value.length > ARGUMENT_LIMITS.text) return this.add(path, `is ${value.length} characters long; at most ${ARGUMENT_LIMITS.text} are accepted`);
    // PostgreSQL text cannot hold NUL: refused here, named, instead of failing in the database.
    if (value.includes('\u0000')) return this.add(path, 'must not contain NUL characters (\\u0000)');
    if (scalar === 'ID') return this.checkId(value, path);
    if (scalar === 'DateTime') {
      const time = Date.parse(value);
      const year = Number.isNaN(time) ? null : new Date(time).getUTCFullYear();
      if (year !== null && (year < YEARS.min || year > YEARS.max)) this.add(path, `must be a time between the years ${YEARS.min} and ${YEARS.max}, e.g. 2027-06-30T00:00:00Z`);
    }
  }

  private checkId(value: string, path: string): void {
    if (!UUID.test(value)) this.add(path, 'must be an id as the API gave it (a UUID, e.g. 3f2b8c1e-5d4a-4c3b-9e2f-1a0b9c8d7e6f)');
  }
}

/** Where an operation (fragments included) passes an argument: the argument and the value as written. */
interface ArgumentSite {
  argument: GraphQLArgument;
  value: ValueNode;
}

/**
 * Argument sites per schema and operation. Apollo hands the same parsed document to every request
 * with the same text, so the walk with type information runs once per query text and schema.
 */
const siteCache = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, ArgumentSite[]>>();

function argumentSites(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ArgumentSite[] {
  let bySchema = siteCache.get(schema);
  if (!bySchema) siteCache.set(schema, (bySchema = new WeakMap()));
  const cached = bySchema.get(operation);
  if (cached) return cached;
  const sites: ArgumentSite[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: (node) => (node === operation ? undefined : false),
      Argument: (node) => {
        const argument = typeInfo.getArgument();
        if (argument) sites.push({ argument, value: node.value });
        return false;
      },
    }),
  );
  bySchema.set(operation, sites);
  return sites;
}

/** The problems of every argument of the operation about to run (fragments included), or none. */
export function argumentProblems(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): InputProblem[] {
  const values: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  const checker = new ArgumentChecker();
  for (const { argument, value: node } of argumentSites(schema, document, operation)) {
    const value = valueFromASTUntyped(node, values);
    checker.check(value, argument.type, argument.name);
    if (argument.name === 'first' && typeName(argument.type) === 'Int') checker.checkFirst(value, argument.name);
  }
  return checker.problems;
}

/**
 * Refuses an operation whose arguments break ARGUMENT_LIMITS or their type's rules (NUL in a text,
 * a text or list too long, an ID that is not a UUID, a time out of range, a page size out of
 * bounds) before it runs: BAD_USER_INPUT naming each argument, never echoing its value. The
 * refusal is recorded by the audit-rejections plugin, as for any operation refused before it runs.
 */
export function argumentChecksPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problems = argumentProblems(schema, document, operation, request.variables ?? {});
          if (problems.length === 0) return;
          throw new GraphQLError(problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '), {
            extensions: { code: ErrorCode.BAD_USER_INPUT, problems, http: { status: 400 } },
          });
        },
      };
    },
  };
}
