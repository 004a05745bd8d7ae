import { Global, Module } from '@nestjs/common';
import { CausewayConfig } from '@causeway/core';
import { DatabaseServer } from '@causeway/database';
import { AuditCheckpointer } from './audit.checkpointer.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';
import { AuditWriter, DEFAULT_WRITER_OPTIONS } from './audit.writer.js';
import { AuditSigningKey, loadSigningKey } from './signing-key.js';

/** Global: every context records its exchanges through AuditService without importing this module. */
@Global()
@Module({
  providers: [
    {
      provide: AuditWriter,
      inject: [DatabaseServer, CausewayConfig],
      useFactory: (server: DatabaseServer, config: CausewayConfig) =>
        new AuditWriter({ ...DEFAULT_WRITER_OPTIONS, url: server.url, commitDelayMs: config.AUDIT_COMMIT_DELAY_MS }),
    },
    { provide: AuditSigningKey, inject: [CausewayConfig], useFactory: (config: CausewayConfig) => loadSigningKey(config) },
    AuditCheckpointer,
    AuditService,
    AuditQueryService,
    AuditResolver,
    AuditInterceptor,
  ],
  exports: [AuditService, AuditQueryService, AuditSigningKey, AuditInterceptor],
})
export class AuditModule {}
