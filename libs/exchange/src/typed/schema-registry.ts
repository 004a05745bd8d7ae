import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { CatalogueRegistry, CatalogueSearch, type DatasetDto } from '@causeway/catalogue';
import { Authenticated, CausewayError, type AccessPolicy, type RequestWithContext } from '@causeway/core';
import { AuthGuard } from '@causeway/identity';
import { openFieldsOf, policyDataset } from '@causeway/policy';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { Subscription } from 'rxjs';
import { ExchangeService } from '../exchange.service.js';
import { selectedFields } from '../selection.js';
import { CompiledExecutor } from './compiled-executor.js';
import type { OpenSchemaSource, Outsider } from './open-schema.plugin.js';
import { buildTypedSchema, type TypedDataset } from './typed-schema.js';

/** What Apollo Server 5 asks of a `gateway`: it loads a schema and hears about new ones. */
export interface SchemaGateway {
  load(options: { apollo: unknown }): Promise<{ executor: CompiledExecutor['execute'] }>;
  onSchemaLoadOrUpdate(callback: (context: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void): () => void;
  stop(): Promise<void>;
}

/** Every typed dataset field may be called by any authenticated principal; the engine decides what it reads. */
export const TYPED_FIELD_POLICY: AccessPolicy = { kind: 'authenticated' };

/**
 * The declaration the global guard reads for typed dataset fields, exactly as it reads a
 * resolver's: the typed fields are not Nest resolvers, so the registry hands the guard this
 * handler (same policy checks, same refusals, same audit of refused credentials).
 */
class TypedDatasetField {
  @Authenticated()
  query(): void {}
}

/** Rebuilds wait this long for more catalogue changes (a seed publishes many datasets at once). */
const DEBOUNCE_MS = 20;

interface TypedArgs {
  where?: unknown;
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' }[] | null;
  first?: number | null;
  after?: string | null;
}

/**
 * The served GraphQL schema: the static schema (what GraphQLSchemaHost holds and schema.graphql
 * records) plus one typed root field per published dataset. Rebuilt when the catalogue changes
 * (committed changes of any gateway or CLI process, heard through the ChangeFeed), validated, then handed to
 * Apollo, which serves each request with the schema it started with: queries in flight finish
 * on the old one.
 */
@Injectable()
export class TypedSchemaRegistry implements OnModuleDestroy, OpenSchemaSource {
  private readonly logger = new Logger(TypedSchemaRegistry.name);
  private base: GraphQLSchema | null = null;
  private current: GraphQLSchema | null = null;
  private typedFields = new Map<string, string>();
  /** Each served schema's open counterpart: what outsiders may see of it (see openSchemaPlugin). */
  private readonly openSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();
  private readonly listeners = new Set<(context: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void>();
  private subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | null = null;
  private building: Promise<void> | null = null;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly catalogue: CatalogueRegistry,
    private readonly search: CatalogueSearch,
    private readonly exchange: ExchangeService,
    private readonly guard: AuthGuard,
  ) {}

  /** Called by the GraphQL driver with the static schema; builds the first served schema. */
  async start(base: GraphQLSchema): Promise<void> {
    this.base = base;
    this.current = base;
    this.openSchemas.set(base, base);
    await this.rebuild();
    // Committed catalogue changes of every process (ChangeFeed), this one's at commit.
    this.subscriptions = [this.catalogue.changes.subscribe(() => this.schedule())];
  }

  /** The Apollo `gateway` serving this registry's schemas. */
  gateway(): SchemaGateway {
    return {
      load: async () => {
        this.announce();
        return { executor: new CompiledExecutor().execute };
      },
      onSchemaLoadOrUpdate: (callback) => {
        this.listeners.add(callback);
        return () => this.listeners.delete(callback);
      },
      stop: async () => this.onModuleDestroy(),
    };
  }

  /** The schema served now. */
  get schema(): GraphQLSchema {
    if (!this.current) throw new Error('the typed schema registry has not started');
    return this.current;
  }

  /** Root field name → dataset code of the typed fields served now. */
  get fields(): ReadonlyMap<string, string> {
    return this.typedFields;
  }

  /**
   * What an outsider may see of a served schema: the static schema plus the typed fields of
   * OPEN datasets with their PUBLIC fields only. Requests in flight keep the schema they started
   * with, so each served schema keeps its own open counterpart.
   */
  openSchemaFor(served: GraphQLSchema): GraphQLSchema {
    return this.openSchemas.get(served) ?? this.base ?? served;
  }

  /** Whether a request comes from an outsider: no credentials, or credentials refused (and why). */
  async outsider(request: RequestWithContext): Promise<Outsider | null> {
    try {
      return (await this.guard.authenticateRequest(request)).principal.kind === 'ANONYMOUS' ? { refusal: null } : null;
    } catch (error) {
      return { refusal: error instanceof CausewayError ? error.message : 'Your credentials were refused' };
    }
  }

  /** The access policy of a typed root field (undefined: not a typed field). */
  policyOf(fieldName: string): AccessPolicy | undefined {
    return this.typedFields.has(fieldName) ? TYPED_FIELD_POLICY : undefined;
  }

  /** Resolves once every catalogue change seen so far is in the served schema. */
  async settled(): Promise<void> {
    while (this.timer || this.building) {
      if (this.timer) await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
      if (this.building) await this.building;
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.rebuild();
    }, DEBOUNCE_MS);
  }

  private rebuild(): Promise<void> {
    if (this.building) {
      this.dirty = true;
      return this.building;
    }
    this.building = (async () => {
      do {
        this.dirty = false;
        try {
          await this.build();
        } catch (error) {
          // Keep serving the last good schema.
          this.logger.error(`typed schema rebuild failed: ${(error as Error).message}`);
        }
      } while (this.dirty && !this.stopped);
    })().finally(() => {
      this.building = null;
    });
    return this.building;
  }

  private async build(): Promise<void> {
    if (!this.base || this.stopped) return;
    const started = Date.now();
    const published = (await this.search.listPublished()).filter((dataset) => dataset.currentVersionId);
    const resolverFor = (dataset: TypedDataset) => (_source: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) =>
      this.resolve(dataset, args as TypedArgs, context as { req: RequestWithContext }, info);
    const result = buildTypedSchema(this.base, published.map(typedDataset), resolverFor);
    for (const skipped of result.skipped) this.logger.warn(`no typed field for ${skipped.code}: ${skipped.reason} (it stays available through records)`);
    // Only datasets served above, so that the open schema never holds a name the served one lacks.
    const served = new Set(result.fields.values());
    const open = published.filter((dataset) => served.has(dataset.code)).map(openTypedDataset).filter((dataset) => dataset.fields.length > 0);
    this.openSchemas.set(result.schema, buildTypedSchema(this.base, open, resolverFor).schema);
    this.current = result.schema;
    this.typedFields = result.fields;
    this.announce();
    this.logger.debug(`typed schema: ${result.fields.size} dataset fields in ${Date.now() - started} ms`);
  }

  private announce(): void {
    const schema = this.current;
    if (!schema) return;
    for (const listener of this.listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
  }

  /**
   * One typed root field: authorised once (as every root operation is, by the same guard), the
   * selection read once, then the same engine as `records`. Row fields use graphql-js's default
   * resolvers on plain objects: no per-field hooks.
   */
  private async resolve(dataset: TypedDataset, args: TypedArgs, context: { req: RequestWithContext }, info: GraphQLResolveInfo): Promise<unknown> {
    const host = new ExecutionContextHost([undefined, args, context, info], TypedDatasetField, TypedDatasetField.prototype.query);
    host.setType('graphql');
    await this.guard.canActivate(host);
    const ctx = await this.guard.authenticateRequest(context.req);
    const top = selectedFields(info);
    const fields = new Set<string>();
    for (const name of top.get('nodes') ? selectedFields(info, ['nodes']).keys() : []) fields.add(name);
    for (const name of top.get('edges') ? selectedFields(info, ['edges', 'node']).keys() : []) fields.add(name);
    fields.delete('__typename');
    fields.delete('_disputed');
    return this.exchange.records(ctx, {
      dataset: dataset.code,
      fields: [...fields],
      where: args.where ?? null,
      orderBy: args.orderBy ?? [],
      first: args.first,
      after: args.after,
      totalCount: top.has('totalCount'),
      via: `typed:${dataset.apiName}`,
    });
  }
}

/** A dataset as outsiders may see it: only its open fields (none unless it is OPEN). */
function openTypedDataset(dataset: DatasetDto): TypedDataset {
  const open = new Set(openFieldsOf(policyDataset(dataset)));
  const typed = typedDataset(dataset);
  return { ...typed, fields: typed.fields.filter((field) => open.has(field.name)) };
}

function typedDataset(dataset: DatasetDto): TypedDataset {
  return {
    code: dataset.code,
    apiName: dataset.apiName,
    title: dataset.title,
    fields: dataset.fields.map((field) => ({ name: field.name, title: field.title, type: field.type, mask: field.mask, description: field.description })),
  };
}
