import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { PolicyModule } from '@causeway/policy';
import { DataPool } from './data-pool.js';
import { ExchangeResolver } from './exchange.resolver.js';
import { ExchangeService } from './exchange.service.js';

@Module({
  imports: [PolicyModule, CatalogueModule, IdentityModule],
  providers: [DataPool, ExchangeService, ExchangeResolver],
  exports: [ExchangeService],
})
export class ExchangeModule {}
