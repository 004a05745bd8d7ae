import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@causeway/identity';
import { CatalogueResolver } from './catalogue.resolver.js';
import { CatalogueService } from './catalogue.service.js';
import { DisputeLookup } from './disputes.js';
import { DatasetChangeEntity, DatasetEntity, DatasetFieldEntity, DatasetVersionEntity } from './entities.js';

@Module({
  imports: [TypeOrmModule.forFeature([DatasetEntity, DatasetFieldEntity, DatasetVersionEntity, DatasetChangeEntity]), IdentityModule],
  providers: [CatalogueService, CatalogueResolver, DisputeLookup],
  exports: [CatalogueService, DisputeLookup],
})
export class CatalogueModule {}
