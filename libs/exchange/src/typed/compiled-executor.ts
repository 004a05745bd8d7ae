import { Logger } from '@nestjs/common';
import {
  execute,
  getNamedType,
  isLeafType,
  Kind,
  OperationTypeNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  getOperationAST,
  GraphQLError,
  isInputObjectType,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
  type ValueNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** What Apollo Server 5 hands a gateway's executor (the parts used here). */
export interface ExecutorRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  request: { operationName?: string | null; variables?: Record<string, unknown> };
  context: unknown;
}

interface JitError {
  message: string;
  locations?: readonly SourceLocation[];
  path?: readonly (string | number)[];
  originalError?: Error | null;
  extensions?: Record<string, unknown>;
}

/**
 * graphql-jit reports errors as look-alikes of graphql-js's GraphQLError (they pass instanceof but
 * lack what Apollo and the error formatter read, such as `extensions` when the cause has none),
 * so each becomes a real one: same message, path, locations and cause.
 */
function asGraphQLError(error: GraphQLError | JitError): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error as GraphQLError;
  const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions });
  if (error.locations && error.locations.length > 0) Object.defineProperty(converted, 'locations', { value: error.locations, enumerable: true });
  return converted;
}

/**
 * graphql-jit generates the coercion of input-object variables itself, and there it departs from
 * graphql-js: it never finishes on a type that contains itself (a typed field's `where`), and it
 * refuses a missing field that has a default (`FieldInput.mask`). Operations taking such a
 * variable run on graphql-js, as do mutations (not hot, and each one's input is such a variable).
 */
function needsGraphqlJs(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== OperationTypeNode.QUERY) return true;
  return (operation.variableDefinitions ?? []).some((definition) => isInputObjectType(getNamedType(typeFromAST(schema, definition.type))));
}

const holdsVariable = (value: ValueNode): boolean =>
  value.kind === Kind.VARIABLE ||
  (value.kind === Kind.LIST && value.values.some(holdsVariable)) ||
  (value.kind === Kind.OBJECT && value.fields.some((field) => holdsVariable(field.value)));

/**
 * graphql-jit reads the literal of a scalar argument once, when it compiles, so a variable inside
 * it (`where: { regNo: { eq: $k } }` on the JSON scalar) would be read as missing: such operations
 * run on graphql-js, which parses the literal with each request's variables.
 */
function hasVariableInsideScalarLiteral(schema: GraphQLSchema, document: DocumentNode): boolean {
  const types = new TypeInfo(schema);
  let found = false;
  const check = (value: ValueNode) => {
    const type = types.getInputType();
    if (value.kind !== Kind.VARIABLE && type && isLeafType(getNamedType(type)) && holdsVariable(value)) found = true;
  };
  visit(
    document,
    visitWithTypeInfo(types, {
      Argument: (node) => check(node.value),
      ObjectField: (node) => check(node.value),
    }),
  );
  return found;
}

/** Compiled operations kept per document (one document may hold several named operations). */
const OPERATIONS_PER_DOCUMENT = 16;

/**
 * Executes operations compiled once by graphql-jit instead of interpreted by graphql-js on every
 * request: variable coercion, field collection and result completion become generated code, which
 * is most of the time graphql-js spends on a wide answer (a typed page is 100 rows × every
 * column). Same schema, same resolvers (guards and the exchange engine run as before), same
 * errors. Compilations are held weakly by schema and document: a schema swapped out (a dataset
 * published or retired) and documents Apollo's document cache dropped take theirs with them. An
 * operation graphql-jit cannot compile runs on graphql-js.
 */
export class CompiledExecutor {
  private readonly logger = new Logger(CompiledExecutor.name);
  private readonly compilations = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CompiledQuery | null>>>();

  readonly execute = async (request: ExecutorRequest): Promise<ExecutionResult> => {
    const operationName = request.operationName ?? request.request.operationName ?? null;
    const variables = request.request.variables ?? {};
    const compiled = this.compiled(request.schema, request.document, operationName);
    if (!compiled) return execute({ schema: request.schema, document: request.document, operationName, contextValue: request.context, variableValues: variables });
    const result = await (compiled.query(undefined, request.context, variables) as ExecutionResult | Promise<ExecutionResult>);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  private compiled(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | null {
    let bySchema = this.compilations.get(schema);
    if (!bySchema) this.compilations.set(schema, (bySchema = new WeakMap()));
    let byOperation = bySchema.get(document);
    if (!byOperation) bySchema.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    const known = byOperation.get(key);
    if (known !== undefined) return known;
    let compiled: CompiledQuery | null = null;
    if (needsGraphqlJs(schema, document, operationName) || hasVariableInsideScalarLiteral(schema, document)) {
      byOperation.set(key, null);
      return null;
    }
    try {
      const result = compileQuery(schema, document, operationName ?? undefined);
      // Not compiled (no such operation, several without a name): graphql-js answers with its own errors.
      compiled = isCompiledQuery(result) ? result : null;
    } catch (error) {
      this.logger.warn(`operation left to graphql-js (graphql-jit could not compile it): ${(error as Error).message}`);
    }
    if (byOperation.size >= OPERATIONS_PER_DOCUMENT) byOperation.clear();
    byOperation.set(key, compiled);
    return compiled;
  }
}
