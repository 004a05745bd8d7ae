import { Args, GraphQLISODateTime, Int, Query, Resolver } from '@nestjs/graphql';
import { Ctx, DEFAULT_PAGE_SIZE, Role, Roles, type RequestContext } from '@causeway/core';
import { Audited } from './audit.interceptor.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditChainStatus, AuditEventConnection, AuditFilter, AuditGroupBy, AuditSummaryRow } from './dto.js';

@Resolver()
export class AuditResolver {
  constructor(private readonly audits: AuditQueryService) {}

  @Query(() => AuditEventConnection, {
    description: 'Audit events, newest first. City auditors see all; a department’s auditors see events touching their department (as consumer or provider).',
  })
  @Roles(Role.AUDITOR, Role.ADMIN)
  // Reading the trail (who looked at whom) is on the record too.
  @Audited('audit.events')
  auditEvents(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter?: AuditFilter,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AuditEventConnection> {
    return this.audits.events(ctx, filter, first, after);
  }

  @Query(() => [AuditSummaryRow], { description: 'Event counts in a period, grouped by any of DEPARTMENT, DATASET, DAY, ACTION.' })
  @Roles(Role.AUDITOR, Role.ADMIN)
  @Audited('audit.summary')
  auditSummary(
    @Ctx() ctx: RequestContext,
    @Args('groupBy', { type: () => [AuditGroupBy] }) groupBy: AuditGroupBy[],
    @Args('from', { type: () => GraphQLISODateTime, nullable: true }) from?: Date,
    @Args('to', { type: () => GraphQLISODateTime, nullable: true }) to?: Date,
  ): Promise<AuditSummaryRow[]> {
    return this.audits.summary(ctx, from, to, groupBy);
  }

  @Query(() => AuditChainStatus, { description: 'Recomputes the hash chain and checks it against the signed checkpoints (the result is reused for 30 s unless fresh: true).' })
  @Roles(Role.AUDITOR, Role.ADMIN)
  auditChainStatus(@Ctx() ctx: RequestContext, @Args('fresh', { defaultValue: false }) fresh: boolean): Promise<AuditChainStatus> {
    return this.audits.chainStatus(ctx, fresh);
  }
}
