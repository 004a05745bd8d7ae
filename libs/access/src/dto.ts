import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FIELD_NAME, FIELD_NAME_MESSAGE } from '@causeway/catalogue';
import { PageInfo } from '@causeway/core';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsDate, IsEnum, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';

export enum AccessRequestStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(AccessRequestStatus, { name: 'AccessRequestStatus' });

@InputType()
export class RequestAccessInput {
  @Field({ description: 'Dataset code (资源代码).' })
  @Length(2, 64)
  dataset!: string;

  @Field(() => [String], { description: 'The fields wanted.' })
  @ArrayMinSize(1, { message: 'must name at least one field' })
  @ArrayMaxSize(500)
  @Matches(FIELD_NAME, { each: true, message: FIELD_NAME_MESSAGE })
  fields!: string[];

  @Field({ description: '申请事由: what the data serves.' })
  @Length(1, 2000, { message: 'must say what the data serves (1 to 2000 characters)' })
  purpose!: string;

  @Field({ nullable: true, description: '使用范围' })
  @IsOptional()
  @MaxLength(2000)
  useScope?: string;

  @Field({ nullable: true, description: 'The law or document the use rests on.' })
  @IsOptional()
  @MaxLength(2000)
  legalBasis?: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the requested period.' })
  @IsOptional()
  @IsDate()
  validUntil?: Date;
}

@InputType()
export class ApproveAccessRequestInput {
  @Field(() => [String], { nullable: true, description: 'Narrows the request; default all requested fields.' })
  @IsOptional()
  @ArrayMinSize(1, { message: 'must keep at least one field (reject the request instead)' })
  @ArrayMaxSize(500)
  @Matches(FIELD_NAME, { each: true, message: FIELD_NAME_MESSAGE })
  fields?: string[];

  @Field(() => [String], { nullable: true, description: 'Of the granted fields, those served masked.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @Matches(FIELD_NAME, { each: true, message: FIELD_NAME_MESSAGE })
  masked?: string[];

  @Field(() => GraphQLJSON, { nullable: true, description: 'Row scope in the where-filter language of records; may use {"$consumer": "divisionCode"}.' })
  @IsOptional()
  rowScope?: unknown;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the grant; default the requested period’s end.' })
  @IsOptional()
  @IsDate()
  validUntil?: Date;

  @Field({ nullable: true, defaultValue: false, description: 'Statistics only (aggregate), no rows.' })
  @IsOptional()
  @IsBoolean()
  aggregateOnly?: boolean;

  @Field({ nullable: true, defaultValue: false, description: 'Queries under the grant must send X-Purpose.' })
  @IsOptional()
  @IsBoolean()
  requirePurpose?: boolean;

  @Field({ nullable: true, defaultValue: false, description: 'Queries under the grant must send X-User-Id.' })
  @IsOptional()
  @IsBoolean()
  requireEndUserId?: boolean;
}

@InputType()
export class AccessRequestFilter {
  @Field(() => AccessRequestStatus, { nullable: true })
  @IsOptional()
  @IsEnum(AccessRequestStatus)
  status?: AccessRequestStatus;

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

  @Field({ nullable: true, description: 'Only pending requests past their answer deadline.' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}

@ObjectType('AccessRequestEvent', { description: 'One step of a request: who, when, why.' })
export class AccessRequestEventDto {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field()
  principal!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field({ description: 'REQUESTED, APPROVED, REJECTED, WITHDRAWN, GRANT_REVOKED' })
  action!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLJSON)
  details!: Record<string, unknown>;
}

@ObjectType('AccessRequest', { description: '共享申请: a department asking another for data.' })
export class AccessRequestDto {
  @Field(() => ID)
  id!: string;

  datasetId!: string;
  consumerDepartmentId!: string;
  grantId!: string | null;

  @Field({ description: 'Dataset code.' })
  datasetCode!: string;

  @Field({ description: 'The provider department’s code.' })
  providerDepartmentCode!: string;

  @Field({ description: 'The consumer department’s code.' })
  consumerDepartmentCode!: string;

  @Field()
  requestedBy!: string;

  @Field(() => [String])
  fields!: string[];

  @Field()
  purpose!: string;

  @Field(() => String, { nullable: true })
  useScope!: string | null;

  @Field(() => String, { nullable: true })
  legalBasis!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the requested period.' })
  validUntil!: Date | null;

  @Field(() => AccessRequestStatus)
  status!: AccessRequestStatus;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When the provider must answer by (working days after filing).' })
  deadline!: Date;

  @Field({ description: 'Still pending after its deadline.' })
  overdue!: boolean;

  @Field(() => Int, { description: 'Working days waited so far (or until the answer).' })
  waitingWorkingDays!: number;

  @Field(() => Int, { description: 'Hours waited so far (or until the answer).' })
  waitingHours!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true })
  decidedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected (or withdrawn).' })
  decisionReason!: string | null;
}

@ObjectType()
export class AccessRequestEdge {
  @Field()
  cursor!: string;

  @Field(() => AccessRequestDto)
  node!: AccessRequestDto;
}

@ObjectType()
export class AccessRequestConnection {
  @Field(() => [AccessRequestDto])
  nodes!: AccessRequestDto[];

  @Field(() => [AccessRequestEdge])
  edges!: AccessRequestEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
