import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FIELD_NAME, FIELD_NAME_MESSAGE } from '@causeway/catalogue';
import { PageInfo } from '@causeway/core';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsDate, IsEnum, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { CalendarDayKind } from './working-days.js';

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

  @Field({ description: 'REQUESTED, APPROVED, REJECTED, WITHDRAWN, GRANT_REVOKED, REMINDED' })
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

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the provider was last reminded of the deadline.' })
  lastRemindedAt!: Date | null;
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

// ---- working-day calendar --------------------------------------------------------------------

registerEnumType(CalendarDayKind, { name: 'CalendarDayKind', description: 'HOLIDAY: no work (法定节假日 and its added days); WORKDAY: a make-up working day (调休上班).' });

@ObjectType('CalendarDay', { description: 'An exception to Monday–Friday in the working-day calendar (China time).' })
export class CalendarDayDto {
  @Field({ description: 'YYYY-MM-DD' })
  date!: string;

  @Field(() => CalendarDayKind)
  kind!: CalendarDayKind;

  @Field({ description: 'e.g. 国庆节, 国庆节调休上班' })
  name!: string;

  @Field({ description: 'Not from an official arrangement yet.' })
  provisional!: boolean;

  @Field({ description: 'The notice the day comes from, or who set it.' })
  source!: string;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field()
  updatedBy!: string;
}

@ObjectType('CalendarYear', { description: 'A year of the working-day calendar and where its days come from.' })
export class CalendarYearDto {
  @Field(() => Int)
  year!: number;

  @Field()
  source!: string;

  @Field({ description: 'True while the official arrangement for the year is not known.' })
  provisional!: boolean;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => GraphQLISODateTime)
  loadedAt!: Date;

  @Field()
  loadedBy!: string;
}

@InputType()
export class SetCalendarDayInput {
  @Field({ description: 'YYYY-MM-DD (China time).' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD, e.g. 2026-10-01' })
  date!: string;

  @Field(() => CalendarDayKind)
  @IsEnum(CalendarDayKind)
  kind!: CalendarDayKind;

  @Field()
  @Length(1, 100, { message: 'must name the day (1 to 100 characters), e.g. 国庆节' })
  name!: string;

  @Field({ nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  provisional?: boolean;

  @Field({ nullable: true, description: 'The notice the day comes from.' })
  @IsOptional()
  @MaxLength(500)
  source?: string;
}

// ---- demand list (需求清单) --------------------------------------------------------------------

export enum DemandStatus {
  /** Waiting for the data bureau to check it and assign a provider. */
  SUBMITTED = 'SUBMITTED',
  /** Waiting for the assigned provider's answer. */
  ASSIGNED = 'ASSIGNED',
  /** The provider will catalogue the data by a date. */
  PLANNED = 'PLANNED',
  /** The provider linked a catalogued dataset: access can be requested from the demand. */
  LINKED = 'LINKED',
  /** The provider declined, with a reason. */
  DECLINED = 'DECLINED',
}
registerEnumType(DemandStatus, { name: 'DemandStatus' });

export enum DemandAnswerOutcome {
  /** Will catalogue the data by `plannedBy`. */
  PLAN = 'PLAN',
  /** The data is the (existing) dataset `dataset`. */
  LINK = 'LINK',
  /** Will not provide it; `reason` says why. */
  DECLINE = 'DECLINE',
}
registerEnumType(DemandAnswerOutcome, { name: 'DemandAnswerOutcome' });

@InputType()
export class SubmitDemandInput {
  @Field({ description: 'A short name of the data wanted.' })
  @Length(2, 200, { message: 'must name the data wanted (2 to 200 characters)' })
  title!: string;

  @Field({ description: 'What data is wanted, as precisely as the requester can say.' })
  @Length(1, 4000, { message: 'must describe the data wanted (1 to 4000 characters)' })
  description!: string;

  @Field(() => [String], { description: 'The fields (data items) wanted, in the requester’s words.' })
  @ArrayMinSize(1, { message: 'must name at least one field wanted' })
  @ArrayMaxSize(200)
  @Length(1, 200, { each: true, message: 'each field must be 1 to 200 characters' })
  fields!: string[];

  @Field({ description: 'What the data serves (申请事由).' })
  @Length(1, 2000, { message: 'must say what the data serves (1 to 2000 characters)' })
  purpose!: string;

  @Field({ nullable: true, description: 'The law or document the use rests on.' })
  @IsOptional()
  @MaxLength(2000)
  legalBasis?: string;

  @Field({ nullable: true, description: 'Code of the department believed to hold the data.' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-AMR' })
  suggestedProvider?: string;
}

@InputType()
export class AssignDemandInput {
  @Field({ description: 'Code of the department that must answer.' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-AMR' })
  provider!: string;

  @Field({ nullable: true, description: 'A note to the provider.' })
  @IsOptional()
  @MaxLength(2000)
  note?: string;
}

@InputType()
export class AnswerDemandInput {
  @Field(() => DemandAnswerOutcome)
  @IsEnum(DemandAnswerOutcome)
  outcome!: DemandAnswerOutcome;

  @Field({ nullable: true, description: 'PLAN: the date (YYYY-MM-DD, China time) the data will be catalogued by.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD, e.g. 2026-12-31' })
  plannedBy?: string;

  @Field({ nullable: true, description: 'LINK: the code of your department’s dataset that holds the data.' })
  @IsOptional()
  @Length(2, 64)
  dataset?: string;

  @Field({ nullable: true, description: 'DECLINE: why (required); otherwise a note.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string;
}

@InputType()
export class RequestAccessFromDemandInput {
  @Field(() => [String], { nullable: true, description: 'Fields of the linked dataset; default: those of the demand’s fields the dataset has.' })
  @IsOptional()
  @ArrayMinSize(1, { message: 'must name at least one field' })
  @ArrayMaxSize(500)
  @Length(1, 63, { each: true })
  fields?: string[];

  @Field({ nullable: true, description: 'Default: the demand’s purpose.' })
  @IsOptional()
  @Length(1, 2000)
  purpose?: string;

  @Field({ nullable: true, description: '使用范围' })
  @IsOptional()
  @MaxLength(2000)
  useScope?: string;

  @Field({ nullable: true, description: 'Default: the demand’s legal basis.' })
  @IsOptional()
  @MaxLength(2000)
  legalBasis?: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the requested period.' })
  @IsOptional()
  @IsDate()
  validUntil?: Date;
}

@InputType()
export class DemandFilter {
  @Field(() => DemandStatus, { nullable: true })
  @IsOptional()
  @IsEnum(DemandStatus)
  status?: DemandStatus;

  @Field({ nullable: true, description: 'Requesting department code.' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-TAX' })
  requester?: string;

  @Field({ nullable: true, description: 'Assigned provider department code.' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-AMR' })
  provider?: string;

  @Field({ nullable: true, description: 'Only demands past the deadline of their current stage.' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}

@ObjectType('DemandEvent', { description: 'One step of a demand: who, when, why.' })
export class DemandEventDto {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field()
  principal!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field({ description: 'SUBMITTED, ASSIGNED, PLANNED, LINKED, DECLINED, REMINDED, ACCESS_REQUESTED' })
  action!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLJSON)
  details!: Record<string, unknown>;
}

@ObjectType('Demand', { description: '需求清单: a department asking for data that is not catalogued yet.' })
export class DemandDto {
  @Field(() => ID)
  id!: string;

  datasetId!: string | null;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => [String])
  fields!: string[];

  @Field()
  purpose!: string;

  @Field(() => String, { nullable: true })
  legalBasis!: string | null;

  @Field()
  requesterDepartmentCode!: string;

  @Field()
  requestedBy!: string;

  @Field(() => String, { nullable: true, description: 'The department the requester believes holds the data.' })
  suggestedProviderDepartmentCode!: string | null;

  @Field(() => String, { nullable: true, description: 'The department assigned to answer.' })
  providerDepartmentCode!: string | null;

  @Field(() => DemandStatus)
  status!: DemandStatus;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When the data bureau must assign it by.' })
  assignDeadline!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  assignedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the provider must answer by.' })
  answerDeadline!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  answeredAt!: Date | null;

  @Field(() => String, { nullable: true })
  answeredBy!: string | null;

  @Field(() => String, { nullable: true, description: 'PLANNED: the date the provider will catalogue the data by.' })
  plannedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'LINKED: the dataset’s code.' })
  datasetCode!: string | null;

  @Field(() => String, { nullable: true })
  declineReason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The access request made from this demand, if any.' })
  accessRequestId!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The deadline of the current stage (none once answered, or the promised date when planned).' })
  deadline!: Date | null;

  @Field({ description: 'Past the deadline of its current stage.' })
  overdue!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastRemindedAt!: Date | null;
}

@ObjectType()
export class DemandEdge {
  @Field()
  cursor!: string;

  @Field(() => DemandDto)
  node!: DemandDto;
}

@ObjectType()
export class DemandConnection {
  @Field(() => [DemandDto])
  nodes!: DemandDto[];

  @Field(() => [DemandEdge])
  edges!: DemandEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

// ---- deadlines and overdue items -------------------------------------------------------------

export enum WorkflowItemKind {
  ACCESS_REQUEST = 'ACCESS_REQUEST',
  DEMAND = 'DEMAND',
  OBJECTION = 'OBJECTION',
}
registerEnumType(WorkflowItemKind, { name: 'WorkflowItemKind' });

@ObjectType('OverdueItem', { description: 'An access request, a demand or an objection past the deadline of its current stage.' })
export class OverdueItemDto {
  @Field(() => WorkflowItemKind)
  kind!: WorkflowItemKind;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'ANSWER (provider’s answer to an access request or demand), ASSIGN (the data bureau’s check of a demand), CATALOGUE (a promised date).' })
  stage!: string;

  @Field({ description: 'The dataset code, or the demand’s title.' })
  subject!: string;

  @Field({ description: 'Who asked.' })
  requesterDepartmentCode!: string;

  @Field({ description: 'Who must act: the provider, or the data bureau (platform) for an unassigned demand.' })
  responsible!: string;

  @Field(() => GraphQLISODateTime)
  deadline!: Date;

  @Field(() => Int, { description: 'Working days past the deadline.' })
  workingDaysOverdue!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastRemindedAt!: Date | null;
}
