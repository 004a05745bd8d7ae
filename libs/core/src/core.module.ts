import { Global, Module } from '@nestjs/common';
import { CausewayConfig, loadConfig } from './config.js';
import { CursorCodec } from './cursor.js';
import { createRateLimitStore, RateLimitStore } from './rate-limit-store.js';
import { loadSecrets, Secrets } from './secrets.js';

/** Configuration and secrets, read once at start and shared by every context. */
@Global()
@Module({
  providers: [
    { provide: CausewayConfig, useFactory: () => loadConfig() },
    { provide: Secrets, inject: [CausewayConfig], useFactory: (config: CausewayConfig) => loadSecrets(config) },
    { provide: CursorCodec, inject: [Secrets], useFactory: (secrets: Secrets) => new CursorCodec(secrets.keyString('cursor')) },
    { provide: RateLimitStore, inject: [CausewayConfig], useFactory: (config: CausewayConfig) => createRateLimitStore(config.REDIS_URL) },
  ],
  exports: [CausewayConfig, Secrets, CursorCodec, RateLimitStore],
})
export class CoreModule {}
