import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, Role, Roles, type RequestContext } from '@causeway/core';
import { GrantDto } from '@causeway/policy';
import { CreateReturnFlowInput, ReturnFlowDto } from './return-flow.dto.js';
import { ReturnFlowService } from './return-flow.service.js';

@Resolver(() => ReturnFlowDto)
@Authenticated()
export class ReturnFlowResolver {
  constructor(private readonly flows: ReturnFlowService) {}

  @Query(() => [ReturnFlowDto], { description: 'Return flows (数据回流) your department made or receives; all of them for the data bureau (ADMIN). Newest first.' })
  @Authenticated()
  returnFlows(@Ctx() ctx: RequestContext, @Args('dataset', { nullable: true }) dataset?: string): Promise<ReturnFlowDto[]> {
    return this.flows.list(ctx, dataset);
  }

  @Query(() => ReturnFlowDto)
  @Authenticated()
  returnFlow(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<ReturnFlowDto> {
    return this.flows.get(ctx, id);
  }

  @Mutation(() => ReturnFlowDto, {
    description: 'Return your department’s data to lower-level departments (数据回流): each receives the chosen fields of the rows of its own division, as one agreement (provider’s steward).',
  })
  @Roles(Role.STEWARD)
  createReturnFlow(@Ctx() ctx: RequestContext, @Args('input') input: CreateReturnFlowInput): Promise<ReturnFlowDto> {
    return this.flows.create(ctx, input);
  }

  @Mutation(() => ReturnFlowDto, { description: 'End a return flow: every grant of it is revoked at once, in one transaction (provider’s steward).' })
  @Roles(Role.STEWARD)
  revokeReturnFlow(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string): Promise<ReturnFlowDto> {
    return this.flows.revoke(ctx, id, reason);
  }

  @ResolveField(() => [GrantDto], { description: 'The agreement’s grants: all for the provider, a receiver’s own for a receiver.' })
  grants(@Ctx() ctx: RequestContext, @Parent() flow: ReturnFlowDto): Promise<GrantDto[]> {
    return this.flows.grantsOf(ctx, flow);
  }
}
