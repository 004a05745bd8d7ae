import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '@causeway/catalogue';
import { GrantEntity } from './grant.entity.js';
import { GrantsService } from './grants.service.js';
import { DatasetAccessResolver } from './policy.resolver.js';
import { PolicyService } from './policy.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity]), CatalogueModule],
  providers: [PolicyService, GrantsService, DatasetAccessResolver],
  exports: [PolicyService, GrantsService],
})
export class PolicyModule {}
