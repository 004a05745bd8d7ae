import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { AuditService } from '@causeway/audit';
import { RateLimitMetrics } from '@causeway/identity';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module.js';
import { registerConsole } from './console/console-static.js';
import { GRAPHQL_IDE_ASSETS, graphqlIdeAssetsDirectory } from './graphql/graphql-ide.js';
import { serveBrowserPages } from './ops/browser-pages.js';
import { MetricsService } from './ops/metrics.js';
import { frameworkErrors, registerRequestChecks } from './ops/request-checks.js';

/** Builds the gateway application (not yet listening); shared by main.ts and the e2e tests. */
export async function createGateway(options: AppOptions & { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024, trustProxy: process.env.TRUST_PROXY === 'true', frameworkErrors });
  // Start-up failures are explained once by the caller (main.ts), not also dumped by Nest.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: false,
    abortOnError: false,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.register(fastifyStatic, { root: graphqlIdeAssetsDirectory(), prefix: GRAPHQL_IDE_ASSETS, decorateReply: false });
  await registerConsole(app);
  serveBrowserPages(app.getHttpAdapter().getInstance());
  registerRequestChecks(app.getHttpAdapter().getInstance());
  const metrics = app.get(MetricsService);
  app.get(AuditService).registerMetrics(metrics.registry);
  app.get(RateLimitMetrics).registerOn(metrics.registry);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.httpDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  return app;
}
