import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DatasetDto } from '@causeway/catalogue';
import { Authenticated, Ctx, type RequestContext } from '@causeway/core';
import { DatasetAccessDto } from './dto.js';
import { PolicyService, policyDataset } from './policy.service.js';

@Resolver(() => DatasetDto)
@Authenticated()
export class DatasetAccessResolver {
  constructor(private readonly policy: PolicyService) {}

  @ResolveField(() => DatasetAccessDto, { description: 'What the caller may read of this dataset: per field CLEAR, MASKED or DENIED, rows, validity.' })
  myAccess(@Ctx() ctx: RequestContext, @Parent() dataset: DatasetDto): Promise<DatasetAccessDto> {
    return this.policy.myAccess(ctx, policyDataset(dataset));
  }
}
