import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { PolicyModule } from '@causeway/policy';
import { DataPool } from './data-pool.js';
import { ExchangeResolver } from './exchange.resolver.js';
import { ExchangeService } from './exchange.service.js';
import { OpenRowsService } from './open-rows.service.js';
import { TypedSchemaRegistry } from './typed/schema-registry.js';

@Module({
  imports: [PolicyModule, CatalogueModule, IdentityModule],
  providers: [DataPool, ExchangeService, ExchangeResolver, TypedSchemaRegistry, OpenRowsService],
  exports: [ExchangeService, TypedSchemaRegistry, OpenRowsService],
})
export class ExchangeModule {}
