import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, DEFAULT_PAGE_SIZE, Public, Role, Roles, type RequestContext } from '@causeway/core';
import { AnswerObjectionInput, FileObjectionInput, ObjectionConnection, ObjectionDto, ObjectionFilter, ObjectionStatisticsDto } from './objection.dto.js';
import { ObjectionService } from './objection.service.js';

@Resolver(() => ObjectionDto)
export class ObjectionResolver {
  constructor(private readonly objections: ObjectionService) {}

  @Mutation(() => ObjectionDto, {
    description:
      'Say that records (by their key values) or fields of a dataset you read are wrong, with evidence (校核纠错). A department that may read the records, ' +
      'or the public for an OPEN dataset (with a contact; keep the receipt). The records are marked disputed until the provider answers.',
  })
  @Public()
  fileObjection(@Ctx() ctx: RequestContext, @Args('input') input: FileObjectionInput): Promise<ObjectionDto> {
    return this.objections.file(ctx, input);
  }

  @Mutation(() => ObjectionDto, { description: 'Answer an objection to your department’s data: CONFIRM with the correcting version, or REJECT with a reason.' })
  @Roles(Role.STEWARD)
  answerObjection(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('input') input: AnswerObjectionInput): Promise<ObjectionDto> {
    return this.objections.answer(ctx, id, input);
  }

  @Query(() => ObjectionConnection, { name: 'objections', description: 'Objections your department filed or must answer; all of them for the data bureau (ADMIN). Newest first.' })
  @Authenticated()
  listObjections(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter?: ObjectionFilter,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<ObjectionConnection> {
    return this.objections.list(ctx, filter, first, after);
  }

  @Query(() => ObjectionDto)
  @Authenticated()
  objection(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<ObjectionDto> {
    return this.objections.get(ctx, id);
  }

  @Query(() => ObjectionDto, { description: 'An objection filed without credentials, by the receipt its filing returned.' })
  @Public()
  objectionByReceipt(@Ctx() ctx: RequestContext, @Args('receipt') receipt: string): Promise<ObjectionDto> {
    return this.objections.byReceipt(ctx, receipt);
  }

  @Query(() => [ObjectionStatisticsDto], { description: 'Objections per provider: received, answered in time, corrected… Every provider for ADMIN; a steward’s own department.' })
  @Roles(Role.ADMIN, Role.STEWARD)
  objectionStatistics(@Ctx() ctx: RequestContext, @Args('provider', { nullable: true, description: 'Provider department code.' }) provider?: string): Promise<ObjectionStatisticsDto[]> {
    return this.objections.statistics(ctx, provider);
  }
}
