import { Args, Info, Int, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, DEFAULT_PAGE_SIZE, type RequestContext } from '@causeway/core';
import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { AggregateResult, FieldNamesPipe, MetricInput, RecordConnection, RecordOrder } from './dto.js';
import { ExchangeService } from './exchange.service.js';
import { wantsTotalCount } from './selection.js';

/**
 * The generic data queries. Both root fields are non-null, so a refusal (FORBIDDEN_FIELDS) nulls
 * the whole answer: a query naming a field it may not read returns nothing at all.
 */
@Resolver()
export class ExchangeResolver {
  constructor(private readonly exchange: ExchangeService) {}

  @Query(() => RecordConnection, {
    description:
      'Rows of a dataset as JSON objects keyed by field name, each field clear or masked as your department may read it. ' +
      '`where`: { field: { eq|neq|in|nin|lt|lte|gt|gte|like|isNull: value } }, combined with _and, _or, _not.',
  })
  @Authenticated()
  records(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('dataset') dataset: string,
    @Args('fields', { type: () => [String] }, new FieldNamesPipe('fields')) fields: string[],
    @Args('where', { type: () => GraphQLJSON, nullable: true }) where?: unknown,
    @Args('orderBy', { type: () => [RecordOrder], nullable: true }) orderBy?: RecordOrder[],
    @Args('first', { type: () => Int, nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: 'At most 1000.' }) first?: number | null,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<RecordConnection> {
    return this.exchange.records(ctx, { dataset, fields, where, orderBy, first, after, totalCount: wantsTotalCount(info), via: 'records' }) as Promise<RecordConnection>;
  }

  @Query(() => AggregateResult, {
    description:
      'Statistics over a dataset: COUNT/SUM/AVG/MIN/MAX by groups. Grouping, filtering and aggregating a field need it in clear; ' +
      'under an aggregate-only grant, groups of fewer than minGroupSize rows are left out.',
  })
  @Authenticated()
  aggregate(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('groupBy', { type: () => [String], nullable: true }, new FieldNamesPipe('groupBy')) groupBy?: string[],
    @Args('metrics', { type: () => [MetricInput], nullable: true }) metrics?: MetricInput[],
    @Args('where', { type: () => GraphQLJSON, nullable: true }) where?: unknown,
  ): Promise<AggregateResult> {
    return this.exchange.aggregate(ctx, { dataset, groupBy, metrics, where, via: 'aggregate' }) as Promise<AggregateResult>;
  }
}
