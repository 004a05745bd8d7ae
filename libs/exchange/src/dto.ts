import { Injectable, type PipeTransform } from '@nestjs/common';
import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FIELD_NAME, FIELD_NAME_MESSAGE } from '@causeway/catalogue';
import { badInput, PageInfo } from '@causeway/core';
import { IsEnum, IsOptional, Matches } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

export enum MetricFunction {
  COUNT = 'COUNT',
  SUM = 'SUM',
  AVG = 'AVG',
  MIN = 'MIN',
  MAX = 'MAX',
}
registerEnumType(MetricFunction, { name: 'MetricFunction', description: 'COUNT without a field counts rows.' });

/** How many field names one query may list. */
export const FIELD_LIST_LIMITS = { fields: 500, groupBy: 10 } as const;

/**
 * Checks a list of field names (records' `fields`, aggregate's `groupBy`) before the query runs,
 * so that what the audit event keeps of them is bounded: at most `max` names, each a machine name
 * as the catalogue defines them. The error names the entry and never echoes it.
 */
@Injectable()
export class FieldNamesPipe implements PipeTransform<unknown, unknown> {
  constructor(private readonly argument: keyof typeof FIELD_LIST_LIMITS) {}

  transform(value: unknown): unknown {
    if (value === null || value === undefined) return value;
    const max = FIELD_LIST_LIMITS[this.argument];
    if (!Array.isArray(value)) throw badInput(this.argument, 'must be a list of field names');
    if (value.length > max) throw badInput(this.argument, `may name at most ${max} fields (${value.length} given)`);
    value.forEach((name: unknown, index) => {
      if (typeof name !== 'string' || !FIELD_NAME.test(name)) throw badInput(`${this.argument}[${index}]`, FIELD_NAME_MESSAGE);
    });
    return value;
  }
}

@InputType()
export class RecordOrder {
  @Field()
  @Matches(FIELD_NAME, { message: FIELD_NAME_MESSAGE })
  field!: string;

  @Field(() => SortDirection, { nullable: true, defaultValue: SortDirection.ASC })
  @IsOptional()
  @IsEnum(SortDirection)
  direction?: SortDirection;
}

@InputType()
export class MetricInput {
  @Field(() => MetricFunction)
  @IsEnum(MetricFunction)
  fn!: MetricFunction;

  @Field({ nullable: true, description: 'The field; omit with COUNT to count rows.' })
  @IsOptional()
  @Matches(FIELD_NAME, { message: FIELD_NAME_MESSAGE })
  field?: string;
}

@ObjectType()
export class RecordEdge {
  @Field()
  cursor!: string;

  @Field(() => GraphQLJSON)
  node!: Record<string, unknown>;
}

@ObjectType({ description: 'Rows as JSON objects keyed by field name; masked fields come masked; a row an open objection disputes carries "_disputed": true.' })
export class RecordConnection {
  @Field(() => [GraphQLJSON])
  nodes!: Record<string, unknown>[];

  @Field(() => [RecordEdge])
  edges!: RecordEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Rows matching the query (computed only when asked for).' })
  totalCount!: number;
}

@ObjectType()
export class MetricValue {
  @Field(() => MetricFunction)
  fn!: MetricFunction;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Whole numbers as numbers, decimals as exact text.' })
  value!: unknown;
}

@ObjectType()
export class AggregateGroup {
  @Field(() => GraphQLJSON, { description: 'The group’s values of the groupBy fields, e.g. {"district": "440106"}.' })
  key!: Record<string, unknown>;

  @Field(() => Int)
  count!: number;

  @Field(() => [MetricValue], { description: 'One per requested metric, in order.' })
  metrics!: MetricValue[];
}

@ObjectType()
export class AggregateResult {
  @Field(() => [AggregateGroup])
  groups!: AggregateGroup[];

  @Field(() => Int, { description: 'Groups left out because they hold fewer rows than minGroupSize.' })
  suppressedGroups!: number;

  @Field(() => Int, { description: 'Smallest group served (0: no suppression applies to the caller).' })
  minGroupSize!: number;
}
