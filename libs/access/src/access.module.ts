import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { PolicyModule } from '@causeway/policy';
import { AccessRequestResolver, GrantResolver } from './access.resolver.js';
import { AccessService } from './access.service.js';
import { AccessRequestEntity, AccessRequestEventEntity } from './entities.js';

@Module({
  imports: [TypeOrmModule.forFeature([AccessRequestEntity, AccessRequestEventEntity]), CatalogueModule, IdentityModule, PolicyModule],
  providers: [AccessService, AccessRequestResolver, GrantResolver],
  exports: [AccessService],
})
export class AccessModule {}
