import { Args, GraphQLISODateTime, Query, Resolver } from '@nestjs/graphql';
import { Ctx, Role, Roles, type RequestContext } from '@causeway/core';
import { AccessRequestStatisticsDto } from './timeliness.dto.js';
import { TimelinessService } from './timeliness.service.js';

@Resolver()
export class TimelinessResolver {
  constructor(private readonly timeliness: TimelinessService) {}

  @Query(() => [AccessRequestStatisticsDto], {
    description:
      'Answer times of the access requests filed in [from, to) (default: the last 90 days), per provider department: answered in time or late, pending, overdue, working days taken. ADMIN and city auditors: every provider; a steward or a department’s auditor: requests touching its department.',
  })
  @Roles(Role.ADMIN, Role.AUDITOR, Role.STEWARD)
  accessRequestStatistics(
    @Ctx() ctx: RequestContext,
    @Args('from', { type: () => GraphQLISODateTime, nullable: true }) from?: Date | null,
    @Args('to', { type: () => GraphQLISODateTime, nullable: true }) to?: Date | null,
  ): Promise<AccessRequestStatisticsDto[]> {
    return this.timeliness.statistics(ctx, from, to);
  }
}
