import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '@causeway/core';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { AuditOutcome } from './audit.types.js';

@ObjectType('AuditEvent', { description: 'One exchange or administrative act on the tamper-evident record (ARCHITECTURE §6).' })
export class AuditEventDto {
  @Field(() => ID, { description: 'Place in the hash chain; consecutive, without gaps.' })
  seq!: string;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field({ description: 'What happened, e.g. records.query, aggregate, ingest.upload, grant.revoke, auth.login.' })
  action!: string;

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;

  @Field({ description: 'Who: e.g. client:DG-TAX/tax-system, user:li.na@amr.gov.cn, anonymous.' })
  principal!: string;

  @Field({ description: 'USER, CLIENT or ANONYMOUS (anonymous also stands for the command line: principal system:cli).' })
  principalKind!: string;

  /** Code of the caller's department; the gateway resolves `department` from it. */
  @Field(() => String, { nullable: true, description: 'Code of the caller’s department.' })
  departmentCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Code of the department on the other side: the dataset’s provider, or the department an administrative act concerns.' })
  providerDepartmentCode!: string | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field()
  requestId!: string;

  @Field(() => String, { nullable: true, description: 'X-User-Id: the end user inside the consumer’s system.' })
  endUserId!: string | null;

  @Field(() => String, { nullable: true, description: 'Dataset code.' })
  dataset!: string | null;

  @Field(() => Int, { nullable: true })
  version!: number | null;

  @Field(() => String, { nullable: true, description: 'What an administrative act was done to, e.g. client:DG-AMR/amr-system.' })
  target!: string | null;

  @Field(() => [String])
  fieldsRequested!: string[];

  @Field(() => [String])
  fieldsClear!: string[];

  @Field(() => [String])
  fieldsMasked!: string[];

  @Field(() => [String])
  fieldsRefused!: string[];

  @Field(() => Int, { nullable: true })
  rowsReturned!: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The row scope applied.' })
  rowScope!: unknown;

  @Field(() => [ID])
  grantIds!: string[];

  @Field(() => [Int], { description: 'Version of each grant in grantIds at the time (-1 when not known).' })
  grantVersions!: number[];

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was denied or failed.' })
  reason!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  detail!: unknown;

  @Field(() => Int, { nullable: true })
  durationMs!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why part of this stored event could not be read back (e.g. detail is not valid JSON); that part reads as null here and audit:export shows it as stored. Null when the event reads back whole.',
  })
  readProblem!: string | null;

  @Field()
  prevHash!: string;

  @Field()
  hash!: string;
}

@ObjectType()
export class AuditEventEdge {
  @Field(() => AuditEventDto)
  node!: AuditEventDto;

  @Field()
  cursor!: string;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => [AuditEventDto])
  nodes!: AuditEventDto[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@InputType({ description: 'Every condition given must hold. Times: from inclusive, to exclusive.' })
export class AuditFilter {
  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  to?: Date;

  @Field(() => String, { nullable: true, description: 'Department code, as the caller’s department or the other side (provider).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  department?: string;

  @Field(() => String, { nullable: true, description: 'Dataset code.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  dataset?: string;

  @Field(() => String, { nullable: true, description: 'Principal label, e.g. client:DG-TAX/tax-system or user:li.na@amr.gov.cn.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  principal?: string;

  @Field(() => String, { nullable: true, description: 'Action, e.g. records.query; a trailing * matches a prefix (records.*).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;

  @Field(() => AuditOutcome, { nullable: true })
  @IsOptional()
  outcome?: AuditOutcome;

  @Field(() => String, { nullable: true, description: 'Field (machine name) requested, returned in clear or masked, e.g. idCard.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  field?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Words of the purpose the caller declared (X-Purpose): events whose purpose contains this text, ignoring case, e.g. a case number such as 2024-017.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  purpose?: string;

  @Field(() => String, { nullable: true, description: 'Request id (X-Request-Id).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  requestId?: string;
}

export enum AuditGroupBy {
  DEPARTMENT = 'DEPARTMENT',
  DATASET = 'DATASET',
  DAY = 'DAY',
  ACTION = 'ACTION',
}
registerEnumType(AuditGroupBy, { name: 'AuditGroupBy', description: 'DEPARTMENT is the caller’s department; DAY is the UTC day.' });
export const AUDIT_GROUP_BY = Object.values(AuditGroupBy);

@ObjectType({ description: 'Counts of events for one combination of the grouping keys (keys not grouped by are null).' })
export class AuditSummaryRow {
  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field(() => String, { nullable: true })
  dataset!: string | null;

  @Field(() => String, { nullable: true, description: 'UTC day, YYYY-MM-DD.' })
  day!: string | null;

  @Field(() => String, { nullable: true })
  action!: string | null;

  @Field(() => Int)
  events!: number;

  @Field(() => Int)
  allowed!: number;

  @Field(() => Int)
  denied!: number;

  @Field(() => Int)
  errors!: number;

  @Field(() => Number, { description: 'Rows returned, summed.' })
  rowsReturned!: number;
}

@ObjectType('AuditCheckpoint', { description: 'A signed statement of the chain head at a moment.' })
export class AuditCheckpointDto {
  @Field(() => ID)
  seq!: string;

  @Field()
  hash!: string;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field()
  keyId!: string;
}

@ObjectType({ description: 'Result of recomputing the whole chain and checking it against the signed checkpoints.' })
export class AuditChainStatus {
  @Field()
  ok!: boolean;

  @Field(() => ID, { description: 'The last sequence number that checked out.' })
  lastVerifiedSeq!: string;

  @Field(() => ID)
  headSeq!: string;

  @Field()
  headHash!: string;

  @Field(() => ID, { nullable: true, description: 'The first sequence number that can no longer be trusted.' })
  brokenAt!: string | null;

  @Field(() => String, { nullable: true, description: 'MODIFIED, DELETED, INSERTED, REORDERED, CHECKPOINT_MISMATCH or CHECKPOINT_INVALID.' })
  problem!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Int)
  checkpointsChecked!: number;

  @Field(() => AuditCheckpointDto, { nullable: true })
  lastCheckpoint!: AuditCheckpointDto | null;

  @Field(() => GraphQLISODateTime)
  checkedAt!: Date;

  @Field({ description: 'Id of the key checkpoints are signed with here.' })
  signingKeyId!: string;
}

