import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsOptional, Matches, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { AccessLevel } from './rules.js';

registerEnumType(AccessLevel, { name: 'AccessLevel', description: 'How a caller may read a field: in clear, masked, or not at all.' });

export enum GrantStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(GrantStatus, { name: 'GrantStatus', description: 'EXPIRED follows from validUntil: a grant stops working at its end without anyone acting.' });

@ObjectType('FieldAccess')
export class FieldAccessDto {
  @Field()
  field!: string;

  @Field(() => AccessLevel)
  access!: AccessLevel;
}

@ObjectType('DatasetAccess', { description: 'What the caller may read of a dataset, before it asks.' })
export class DatasetAccessDto {
  @Field(() => [FieldAccessDto])
  fields!: FieldAccessDto[];

  @Field(() => GraphQLJSON, { nullable: true, description: 'The rows the caller may read (the where-filter language); null: every row.' })
  rowScope!: Record<string, unknown> | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the caller’s access ends; null: no end.' })
  validUntil!: Date | null;

  @Field({ description: 'Only statistics (the aggregate query), no rows.' })
  aggregateOnly!: boolean;

  @Field(() => [ID])
  grantIds!: string[];
}

@ObjectType('Grant', { description: 'The machine-enforced result of an approved access request.' })
export class GrantDto {
  @Field(() => ID)
  id!: string;

  datasetId!: string;
  consumerDepartmentId!: string;

  @Field({ description: 'Code of the dataset (资源代码).' })
  datasetCode!: string;

  @Field({ description: 'Code of the consumer department.' })
  consumerDepartmentCode!: string;

  @Field(() => [FieldAccessDto], { description: 'The granted fields, each CLEAR or MASKED.' })
  fields!: FieldAccessDto[];

  @Field(() => GraphQLJSON, { nullable: true, description: 'Row scope (where-filter language, may reference {"$consumer": "divisionCode"}); null: every row.' })
  rowScope!: Record<string, unknown> | null;

  @Field()
  purpose!: string;

  @Field(() => String, { nullable: true })
  useScope!: string | null;

  @Field(() => String, { nullable: true })
  legalBasis!: string | null;

  @Field(() => GraphQLISODateTime)
  validFrom!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  validUntil!: Date | null;

  @Field()
  aggregateOnly!: boolean;

  @Field({ description: 'Queries under this grant must send X-Purpose.' })
  requirePurpose!: boolean;

  @Field({ description: 'Queries under this grant must send X-User-Id.' })
  requireEndUserId!: boolean;

  @Field(() => GrantStatus)
  status!: GrantStatus;

  @Field(() => Int)
  version!: number;

  @Field(() => ID, { nullable: true })
  accessRequestId!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokedBy!: string | null;

  @Field(() => String, { nullable: true })
  revokeReason!: string | null;
}

@InputType()
export class GrantFilter {
  @Field({ nullable: true, description: 'Dataset code.' })
  @IsOptional()
  @MaxLength(64)
  dataset?: string;

  @Field({ nullable: true, description: 'Consumer department code.' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-TAX' })
  consumer?: string;

  @Field({ nullable: true, description: 'Provider department code.' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-AMR' })
  provider?: string;

  @Field(() => GrantStatus, { nullable: true })
  @IsOptional()
  @IsEnum(GrantStatus)
  status?: GrantStatus;
}
