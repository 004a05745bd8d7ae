import { Global, Module } from '@nestjs/common';
import { DatabaseServer } from '@causeway/database';
import { AuditService } from './audit.service.js';
import { AuditWriter, DEFAULT_WRITER_OPTIONS } from './audit.writer.js';

/** Global: every context records its exchanges through AuditService without importing this module. */
@Global()
@Module({
  providers: [
    {
      provide: AuditWriter,
      inject: [DatabaseServer],
      useFactory: (server: DatabaseServer) => new AuditWriter({ ...DEFAULT_WRITER_OPTIONS, url: server.url }),
    },
    AuditService,
  ],
  exports: [AuditService],
})
export class AuditModule {}
