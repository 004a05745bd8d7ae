import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { AuditInterceptor, AuditModule } from '@causeway/audit';
import { CatalogueModule } from '@causeway/catalogue';
import { CausewayConfig, CoreModule } from '@causeway/core';
import { DatabaseModule, type DatabaseModuleOptions } from '@causeway/database';
import { AuthGuard, IdentityModule } from '@causeway/identity';
import { IngestModule } from '@causeway/ingest';
import { PolicyModule } from '@causeway/policy';
import { DatasetSchemaApolloDriver, ExchangeModule, TypedSchemaRegistry, type DatasetSchemaDriverConfig } from '@causeway/exchange';
import { AccessModule } from '@causeway/access';
import { PortalModule } from '@causeway/portal';
import { StatisticsModule, StatisticsScheduler } from '@causeway/statistics';
import { LoggerModule } from 'nestjs-pino';
import { AuditEventDepartmentResolver } from './graphql/audit-event.resolver.js';
import { graphqlOptions } from './graphql/graphql.options.js';
import { InputValidationPipe } from './graphql/validation.pipe.js';
import { HealthController } from './ops/health.controller.js';
import { HttpErrorFilter } from './ops/http-exception.filter.js';
import { MetricsController, MetricsService } from './ops/metrics.js';
import { SeedModule } from './seed/seed.module.js';

export type AppOptions = DatabaseModuleOptions;

/** The gateway: GraphQL, REST and operations endpoints over the bounded contexts in libs/. */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule,
        LoggerModule.forRootAsync({
          inject: [CausewayConfig],
          useFactory: (config: CausewayConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              genReqId: (request) => {
                const header = request.headers['x-request-id'];
                return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : crypto.randomUUID();
              },
              autoLogging: { ignore: (request) => request.url === '/health/live' || request.url === '/metrics' },
              transport: process.stdout.isTTY && !config.isProduction ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
            },
          }),
        }),
        DatabaseModule.forRoot(options),
        AuditModule,
        IdentityModule,
        CatalogueModule,
        PolicyModule,
        ExchangeModule,
        AccessModule,
        IngestModule,
        PortalModule,
        StatisticsModule,
        SeedModule,
        TerminusModule,
        // Serves the static schema plus one typed root field per published dataset (libs/exchange).
        GraphQLModule.forRootAsync<DatasetSchemaDriverConfig>({
          driver: DatasetSchemaApolloDriver,
          imports: [IdentityModule, ExchangeModule],
          inject: [AuthGuard, TypedSchemaRegistry],
          useFactory: (guard: AuthGuard, datasetSchema: TypedSchemaRegistry) => ({ ...graphqlOptions(guard), datasetSchema }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        MetricsService,
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        // Every operation leaves its audit event (refusals and failures too); see libs/audit.
        { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
        AuditEventDepartmentResolver,
        StatisticsScheduler,
      ],
    };
  }
}
