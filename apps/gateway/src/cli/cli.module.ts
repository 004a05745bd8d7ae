import { Module } from '@nestjs/common';
import { AccessModule } from '@causeway/access';
import { AuditModule } from '@causeway/audit';
import { CatalogueModule } from '@causeway/catalogue';
import { CoreModule } from '@causeway/core';
import { DatabaseModule } from '@causeway/database';
import { IdentityModule } from '@causeway/identity';
import { IngestModule } from '@causeway/ingest';
import { StatisticsModule } from '@causeway/statistics';
import { SeedModule } from '../seed/seed.module.js';
import { AuditCheckpointCommand, AuditExportCommand, AuditVerifyCommand } from './audit.commands.js';
import { ClientCreateCommand, DepartmentCreateCommand, UserCreateCommand } from './identity.commands.js';
import { IngestCommand } from './ingest.commands.js';
import { MigrateCommand, SchemaWriteCommand, SeedCommand } from './platform.commands.js';
import { ObjectionStatisticsCommand } from './objection.commands.js';
import { CalendarImportCommand, CalendarListCommand, OverdueListCommand } from './workflow.commands.js';
import { StatsRefreshCommand } from './stats.commands.js';

/** The CLI works on the same database as the gateway (a running embedded server is reused). */
@Module({
  imports: [CoreModule, DatabaseModule.forRoot(), AuditModule, IdentityModule, CatalogueModule, IngestModule, SeedModule, AccessModule, StatisticsModule],
  providers: [AuditVerifyCommand, AuditExportCommand, AuditCheckpointCommand, MigrateCommand, SeedCommand, SchemaWriteCommand, DepartmentCreateCommand, UserCreateCommand, ClientCreateCommand, IngestCommand, CalendarImportCommand, CalendarListCommand, OverdueListCommand, StatsRefreshCommand, ObjectionStatisticsCommand],
})
export class CliModule {}
