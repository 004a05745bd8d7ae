import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { IngestService } from './ingest.service.js';

@Module({
  imports: [CatalogueModule],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
