import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, DEFAULT_PAGE_SIZE, Role, Roles, type RequestContext } from '@causeway/core';
import { AccessService } from './access.service.js';
import { CalendarService } from './calendar.service.js';
import { DemandService } from './demand.service.js';
import {
  AccessRequestDto,
  AnswerDemandInput,
  AssignDemandInput,
  CalendarDayDto,
  CalendarYearDto,
  DemandConnection,
  DemandDto,
  DemandEventDto,
  DemandFilter,
  OverdueItemDto,
  RequestAccessFromDemandInput,
  SetCalendarDayInput,
  SubmitDemandInput,
} from './dto.js';

@Resolver(() => DemandDto)
@Authenticated()
export class DemandResolver {
  constructor(
    private readonly demands: DemandService,
    private readonly access: AccessService,
  ) {}

  @Query(() => DemandConnection, { name: 'demands', description: 'Demands (需求清单) your department submitted or must answer; all of them for the data bureau (ADMIN). Newest first.' })
  @Authenticated()
  listDemands(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter?: DemandFilter,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<DemandConnection> {
    return this.demands.list(ctx, filter, first, after);
  }

  @Query(() => DemandDto)
  @Authenticated()
  demand(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<DemandDto> {
    return this.demands.get(ctx, id);
  }

  @Mutation(() => DemandDto, { description: 'Ask for data that is not catalogued yet (需求清单); the data bureau assigns it to a provider.' })
  @Roles(Role.STEWARD, Role.CONSUMER)
  submitDemand(@Ctx() ctx: RequestContext, @Args('input') input: SubmitDemandInput): Promise<DemandDto> {
    return this.demands.submit(ctx, input);
  }

  @Mutation(() => DemandDto, { description: 'Assign a demand to the provider that must answer it (the data bureau, ADMIN).' })
  @Roles(Role.ADMIN)
  assignDemand(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('input') input: AssignDemandInput): Promise<DemandDto> {
    return this.demands.assign(ctx, id, input);
  }

  @Mutation(() => DemandDto, { description: 'Answer a demand assigned to your department: PLAN with a date, LINK a dataset, or DECLINE with a reason.' })
  @Roles(Role.STEWARD)
  answerDemand(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('input') input: AnswerDemandInput): Promise<DemandDto> {
    return this.demands.answer(ctx, id, input);
  }

  @Mutation(() => AccessRequestDto, { description: 'Request access to the dataset a demand was linked to, in one step.' })
  @Roles(Role.STEWARD, Role.CONSUMER)
  requestAccessFromDemand(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { nullable: true }) input?: RequestAccessFromDemandInput,
  ): Promise<AccessRequestDto> {
    return this.demands.requestAccess(ctx, id, input);
  }

  @Mutation(() => DemandDto, { description: 'Remind whoever must act on an open demand (催办); recorded in its history and the audit trail.' })
  @Roles(Role.ADMIN, Role.STEWARD, Role.CONSUMER)
  remindDemand(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('note', { nullable: true }) note?: string): Promise<DemandDto> {
    return this.demands.remind(ctx, id, note);
  }

  @Mutation(() => AccessRequestDto, { description: 'Remind the provider of a pending access request (催办); recorded in its history and the audit trail.' })
  @Roles(Role.ADMIN, Role.STEWARD, Role.CONSUMER)
  remindAccessRequest(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('note', { nullable: true }) note?: string): Promise<AccessRequestDto> {
    return this.access.remind(ctx, id, note);
  }

  @Query(() => [OverdueItemDto], {
    description: 'Access requests, demands and objections past the deadline of their current stage, most overdue first (ADMIN and city auditors: all; a steward or a department’s auditor: its department’s).',
  })
  @Roles(Role.ADMIN, Role.STEWARD, Role.AUDITOR)
  overdueItems(@Ctx() ctx: RequestContext): Promise<OverdueItemDto[]> {
    return this.demands.overdue(ctx);
  }

  @ResolveField(() => [DemandEventDto], { description: 'Every step: who, when, why.' })
  history(@Parent() demand: DemandDto): Promise<DemandEventDto[]> {
    return this.demands.historyOf(demand.id);
  }

  @ResolveField(() => AccessRequestDto, { nullable: true, description: 'The access request made from this demand.' })
  async accessRequest(@Ctx() ctx: RequestContext, @Parent() demand: DemandDto): Promise<AccessRequestDto | null> {
    return demand.accessRequestId ? this.access.get(ctx, demand.accessRequestId).catch(() => null) : null;
  }
}

@Resolver(() => CalendarDayDto)
@Authenticated()
export class CalendarResolver {
  constructor(private readonly calendar: CalendarService) {}

  @Query(() => [CalendarDayDto], { description: 'The working-day calendar’s holidays and make-up working days of a year (China time).' })
  @Authenticated()
  calendarDays(@Args('year', { type: () => Int }) year: number): Promise<CalendarDayDto[]> {
    return this.calendar.days(year);
  }

  @Query(() => [CalendarYearDto], { description: 'The years the calendar holds, where each comes from, and whether it is provisional.' })
  @Authenticated()
  calendarYears(): Promise<CalendarYearDto[]> {
    return this.calendar.years();
  }

  @Mutation(() => CalendarDayDto, { description: 'Set a holiday or a make-up working day (ADMIN). Deadlines already set keep their date.' })
  @Roles(Role.ADMIN)
  setCalendarDay(@Ctx() ctx: RequestContext, @Args('input') input: SetCalendarDayInput): Promise<CalendarDayDto> {
    return this.calendar.setDay(ctx, input);
  }

  @Mutation(() => CalendarDayDto, { description: 'Remove a day from the calendar (ADMIN): it becomes a plain weekday or weekend day again.' })
  @Roles(Role.ADMIN)
  removeCalendarDay(@Ctx() ctx: RequestContext, @Args('date') date: string): Promise<CalendarDayDto> {
    return this.calendar.removeDay(ctx, date);
  }
}
