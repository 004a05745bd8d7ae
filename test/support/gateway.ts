import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CatalogueRegistry, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role, type RequestContext } from '@causeway/core';
import { DepartmentsService, SystemClientsService, UsersService } from '@causeway/identity';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createGateway } from '../../apps/gateway/src/bootstrap.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> & { code?: string } }[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json<T = unknown>(): T;
}

/** A gateway on a fresh database of its own, driven in-process through Fastify's inject. */
export class TestGateway {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly databaseUrl: string,
    readonly dataDir: string,
    private readonly ownsDataDir = true,
  ) {}

  /**
   * `serverUrl`: the PostgreSQL server to make the database on (default the run's shared one);
   * `env` adds or overrides environment variables for this gateway's start only (e.g. NODE_ENV=production).
   */
  static async start(options: { serverUrl?: string; env?: Record<string, string> } = {}): Promise<TestGateway> {
    const env = options.env ?? {};
    const serverUrl = options.serverUrl ?? process.env.CAUSEWAY_TEST_SERVER_URL;
    if (!serverUrl) throw new Error('CAUSEWAY_TEST_SERVER_URL is not set: run the e2e tests through jest (test/global-setup.ts)');
    const database = `causeway_test_${process.env.JEST_WORKER_ID ?? '0'}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${pg.escapeIdentifier(database)}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'causeway-gw-'));
    process.env.DATABASE_URL = url.toString();
    process.env.CAUSEWAY_DATA_DIR = dataDir;
    process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
    process.env.NODE_ENV = 'test';
    const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    let app: NestFastifyApplication;
    try {
      app = await createGateway({ logger: false });
      await app.init();
    } finally {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    await app.getHttpAdapter().getInstance().ready();
    return new TestGateway(app, url.toString(), dataDir);
  }

  /** Another gateway on this one's database and data folder, with caches and a change feed of its own: a second replica. */
  async replica(): Promise<TestGateway> {
    process.env.DATABASE_URL = this.databaseUrl;
    process.env.CAUSEWAY_DATA_DIR = this.dataDir;
    const app = await createGateway({ logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new TestGateway(app, this.databaseUrl, this.dataDir, false);
  }

  async close(): Promise<void> {
    await this.app.close();
    // Keys, checkpoints and credentials of a test gateway are not kept (CI machines would pile them up).
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  get<T>(token: abstract new (...args: never[]) => T): T {
    return this.app.get(token as never, { strict: false }) as T;
  }

  async http(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpResponse> {
    const response = await this.app.getHttpAdapter().getInstance().inject({ method, url, headers: options.headers, payload: options.body });
    return { status: response.statusCode, headers: response.headers, body: response.body, json: <T>() => JSON.parse(response.body) as T };
  }

  async gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, credential?: string, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const response = await this.http('POST', '/graphql', {
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return response.json<GraphQLResponse<T>>();
  }

  // ---- fixtures, created through the contexts' public services --------------------------

  async department(code: string, name = `${code} 部门`, divisionCode = '440100'): Promise<void> {
    const departments = this.get(DepartmentsService);
    if (!(await departments.byCode(code))) await departments.create(null, { code, name, divisionCode });
  }

  /** A system client's API key. */
  async client(department: string, name: string, roles: Role[] = [Role.CONSUMER]): Promise<string> {
    await this.department(department);
    return (await this.get(SystemClientsService).create(null, { department, name, roles })).key;
  }

  /** A person's login token. */
  async person(department: string, email: string, roles: Role[]): Promise<string> {
    await this.department(department);
    const password = 'correct horse battery staple';
    await this.get(UsersService).create(null, { department, email, displayName: email, roles, password });
    const result = await this.gql<{ login: { token: string } }>('mutation($input: LoginInput!) { login(input: $input) { token } }', { input: { email, password } });
    return result.data!.login.token;
  }

  async steward(department: string): Promise<RequestContext> {
    await this.department(department);
    const found = (await this.get(DepartmentsService).byCode(department))!;
    return {
      requestId: 'test',
      principal: { kind: 'USER', id: 'test', label: `test:${department}`, departmentId: found.id, departmentCode: department, divisionCode: found.divisionCode, roles: [Role.STEWARD] },
      clientIp: null,
      purpose: null,
      endUserId: null,
      startedAt: Date.now(),
    };
  }

  async dataset(provider: string, input: RegisterDatasetInput): Promise<void> {
    await this.get(CatalogueRegistry).register(await this.steward(provider), input);
  }
}
