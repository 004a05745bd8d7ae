import { Module } from '@nestjs/common';
import { AuditModule } from '@causeway/audit';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { IngestModule } from '@causeway/ingest';
import { StatisticsService } from './statistics.service.js';

/** Published exchange statistics: the audit trail, counted and suppressed, as an open dataset. */
@Module({
  imports: [AuditModule, CatalogueModule, IdentityModule, IngestModule],
  providers: [StatisticsService],
  exports: [StatisticsService],
})
export class StatisticsModule {}
