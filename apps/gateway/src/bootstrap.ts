import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { getDistDirectory } from 'altair-static';
import { AppModule, type AppOptions } from './app.module.js';
import { GRAPHQL_IDE_ASSETS } from './graphql/graphql-ide.js';
import { MetricsService } from './ops/metrics.js';

/** Builds the gateway application (not yet listening); shared by main.ts and the e2e tests. */
export async function createGateway(options: AppOptions & { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024, trustProxy: process.env.TRUST_PROXY === 'true' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: options.logger !== false,
    // Throw start-up errors to the caller (main.ts explains them) instead of exiting here.
    abortOnError: false,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.register(fastifyStatic, { root: getDistDirectory(), prefix: GRAPHQL_IDE_ASSETS, decorateReply: false });
  const metrics = app.get(MetricsService);
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
