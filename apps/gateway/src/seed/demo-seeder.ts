import { Injectable, Logger } from '@nestjs/common';
import { DemandAnswerOutcome, DemandService, ObjectionOutcome, ObjectionService, ReturnFlowService } from '@causeway/access';
import { CatalogueRegistry, type DatasetDto } from '@causeway/catalogue';
import { CausewayConfig, notFound, Role, type RequestContext } from '@causeway/core';
import { ExchangeService } from '@causeway/exchange';
import { DepartmentsService, SystemClientsService, UsersService } from '@causeway/identity';
import { IngestService, type IngestReport } from '@causeway/ingest';
import { anonymousContext } from '@causeway/policy';
import iconv from 'iconv-lite';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DEMO_CLIENTS, DEMO_DATASETS, DEMO_DEMANDS, DEMO_DEPARTMENTS, DEMO_OBJECTIONS, DEMO_PASSWORD, DEMO_PEOPLE, DEMO_RETURN_FLOW } from './demo-data.js';
import { DEMO_ROW_COUNTS, demoCsv } from './demo-rows.js';

export interface RowLoadOptions {
  /** Index of the first generated row (rows are the same for the same index). */
  start?: number;
  publish?: boolean;
  /** The file's encoding; gb18030 with Chinese column titles reads like an export from an old system. */
  encoding?: 'utf-8' | 'gb18030';
  titles?: boolean;
}

interface DemoCredentials {
  password: string;
  people: { email: string; department: string; roles: string[] }[];
  clients: { department: string; name: string; roles: string[]; key: string }[];
}

/** Seeds the demo city on an empty database and remembers the demo keys for the start banner. */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly config: CausewayConfig,
    private readonly departments: DepartmentsService,
    private readonly users: UsersService,
    private readonly clients: SystemClientsService,
    private readonly catalogue: CatalogueRegistry,
    private readonly ingest: IngestService,
    private readonly demands: DemandService,
    private readonly returnFlows: ReturnFlowService,
    private readonly objections: ObjectionService,
    private readonly exchange: ExchangeService,
  ) {}

  private get credentialsFile(): string {
    return path.join(this.config.dataDir, 'demo-credentials.json');
  }

  async seedIfEmpty(): Promise<boolean> {
    if ((await this.departments.all()).length > 0) return false;
    await this.seed();
    return true;
  }

  /** Creates whatever part of the demo setting is missing. */
  async seed(): Promise<void> {
    for (const department of DEMO_DEPARTMENTS) {
      if (await this.departments.byCode(department.code)) continue;
      await this.departments.create(null, {
        code: department.code,
        name: department.name,
        nameEn: department.nameEn,
        parentCode: department.parentCode,
        divisionCode: department.divisionCode,
        contactEmail: `${department.slug}@causeway.demo`,
      });
    }
    const credentials: DemoCredentials = (await this.readCredentials()) ?? { password: DEMO_PASSWORD, people: [], clients: [] };
    const existingPeople = new Set((await this.users.list()).map((user) => user.email));
    for (const person of DEMO_PEOPLE) {
      if (existingPeople.has(person.email)) continue;
      await this.users.create(null, { ...person, password: DEMO_PASSWORD });
      credentials.people.push({ email: person.email, department: person.department, roles: person.roles });
    }
    const existingClients = new Set((await this.clients.list()).map((client) => `${client.department.code}/${client.name}`));
    for (const client of DEMO_CLIENTS) {
      if (existingClients.has(`${client.department}/${client.name}`)) continue;
      const created = await this.clients.create(null, client);
      credentials.clients.push({ department: client.department, name: client.name, roles: client.roles, key: created.key });
    }
    for (const { provider, ...dataset } of DEMO_DATASETS) {
      if (await this.catalogue.findByCode(dataset.code)) continue;
      await this.catalogue.register(await this.stewardOf(provider), dataset);
    }
    await writeFile(this.credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    let rows = 0;
    for (const { code } of DEMO_DATASETS) {
      const dataset = await this.catalogue.findByCode(code);
      if (!dataset || dataset.currentVersionId) continue;
      // The enterprise registry arrives as an old system would export it: GB18030, Chinese titles.
      const legacy = code === 'AMR-ENT-REG';
      rows += (await this.loadRows(code, DEMO_ROW_COUNTS[code] ?? 1000, { publish: true, encoding: legacy ? 'gb18030' : 'utf-8', titles: legacy })).rowCount;
    }
    await this.seedDemands();
    await this.seedReturnFlow();
    await this.seedObjections();
    this.logger.log(
      `demo setting seeded: ${DEMO_DEPARTMENTS.length} departments, ${DEMO_PEOPLE.length} people, ${DEMO_CLIENTS.length} system clients, ${DEMO_DATASETS.length} datasets, ${rows} rows`,
    );
  }

  /**
   * Loads `count` generated rows into a new version of a dataset, through the ingest path (CSV,
   * streamed: 12 million rows never sit in memory), as a steward of its provider.
   */
  async loadRows(code: string, count: number, options: RowLoadOptions = {}): Promise<IngestReport> {
    const dataset = await this.catalogue.findByCode(code);
    if (!dataset) throw notFound(`Dataset ${code}`);
    const columns = dataset.fields.map((field) => field.name);
    const header = options.titles ? dataset.fields.map((field) => field.title) : columns;
    const pieces = demoCsv(code, columns, count, { start: options.start, header, fields: dataset.fields });
    const encoding = options.encoding ?? 'utf-8';
    const bytes = Readable.from(
      (function* encode() {
        for (const piece of pieces) yield encoding === 'utf-8' ? Buffer.from(piece, 'utf8') : iconv.encode(piece, 'gb18030');
      })(),
    );
    return this.ingest.ingest(await this.stewardOfDataset(dataset), code, bytes, {
      format: 'csv',
      encoding: 'auto',
      publish: options.publish ?? true,
      sourceName: `${code.toLowerCase()}-demo-${count}.${encoding === 'utf-8' ? 'utf8' : 'gb18030'}.csv`,
    });
  }

  private async stewardOfDataset(dataset: DatasetDto): Promise<RequestContext> {
    const department = await this.departments.byId(dataset.providerDepartmentId);
    return this.stewardOf(department!.code);
  }

  /** The demo demands (需求清单) in their states, when the city has none yet. */
  private async seedDemands(): Promise<void> {
    const bureau = await this.stewardOf('GZ-DATA');
    const admin: RequestContext = { ...bureau, principal: { ...bureau.principal, roles: [Role.ADMIN] } };
    if ((await this.demands.list(admin, {}, 1)).totalCount > 0) return;
    const planned = new Date(Date.now() + 60 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const { requester, assignTo, answer, ...input } of DEMO_DEMANDS) {
      const demand = await this.demands.submit(await this.stewardOf(requester), input);
      if (!assignTo) continue;
      await this.demands.assign(admin, demand.id, { provider: assignTo, note: '请于期限内答复' });
      if (!answer) continue;
      const provider = await this.stewardOf(assignTo);
      if (answer.outcome === 'PLAN') await this.demands.answer(provider, demand.id, { outcome: DemandAnswerOutcome.PLAN, plannedBy: planned, reason: '拟于下季度编目' });
      if (answer.outcome === 'LINK') await this.demands.answer(provider, demand.id, { outcome: DemandAnswerOutcome.LINK, dataset: answer.dataset });
      if (answer.outcome === 'DECLINE') await this.demands.answer(provider, demand.id, { outcome: DemandAnswerOutcome.DECLINE, reason: answer.reason });
    }
  }

  /** The demo return flow (数据回流), when the provider has none yet. */
  private async seedReturnFlow(): Promise<void> {
    const { provider, ...input } = DEMO_RETURN_FLOW;
    const steward = await this.stewardOf(provider);
    if ((await this.returnFlows.list(steward, input.dataset)).length > 0) return;
    await this.returnFlows.create(steward, input);
  }

  /** The demo objections (校核纠错) in their states, when the city has none yet. */
  private async seedObjections(): Promise<void> {
    const bureau = await this.stewardOf('GZ-DATA');
    const admin: RequestContext = { ...bureau, principal: { ...bureau.principal, roles: [Role.ADMIN] } };
    if ((await this.objections.list(admin, {}, 1)).totalCount > 0) return;
    for (const demo of DEMO_OBJECTIONS) {
      const dataset = await this.catalogue.findByCode(demo.dataset);
      if (!dataset?.currentVersionId) continue;
      const objector = demo.objector === 'PUBLIC' ? { ...anonymousContext(), purpose: 'demo seed' } : await this.stewardOf(demo.objector);
      // The objector names a record it reads, as a user would: by its key values from a read.
      const keys = dataset.fields.filter((field) => field.isKey).map((field) => field.name);
      const page = await this.exchange.records(objector, { dataset: demo.dataset, fields: keys, first: demo.row + 1, via: 'seed' });
      const record = page.nodes[demo.row];
      if (!record) continue;
      const filed = await this.objections.file(objector, { dataset: demo.dataset, records: [record], fields: demo.fields, evidence: demo.evidence, contact: demo.contact });
      if (!demo.answer) continue;
      const provider = await this.stewardOfDataset(dataset);
      if (demo.answer.outcome === 'CONFIRM') {
        await this.objections.answer(provider, filed.id, { outcome: ObjectionOutcome.CONFIRM, correctedInVersion: filed.version + 1, reason: demo.answer.note });
      } else {
        await this.objections.answer(provider, filed.id, { outcome: ObjectionOutcome.REJECT, reason: demo.answer.reason });
      }
    }
  }

  /** A request context acting as the seeding steward of a department. */
  async stewardOf(departmentCode: string): Promise<RequestContext> {
    const department = (await this.departments.byCode(departmentCode))!;
    return {
      requestId: `seed-${departmentCode}`,
      principal: {
        kind: 'USER',
        id: 'seed',
        label: `seed:${departmentCode}`,
        departmentId: department.id,
        departmentCode: department.code,
        divisionCode: department.divisionCode,
        roles: [Role.STEWARD],
      },
      clientIp: null,
      purpose: 'demo seed',
      endUserId: null,
      startedAt: Date.now(),
    };
  }

  /** What `npm start` prints once listening; `seed --demo` prints it with its own headline. */
  async banner(baseUrl: string, headline = 'Causeway is running.'): Promise<string> {
    const credentials = await this.readCredentials();
    const lines = [
      '',
      `  ${headline}`,
      '',
      `  GraphQL API and IDE   ${baseUrl}/graphql`,
      `  Health                ${baseUrl}/health/ready`,
      `  Metrics               ${baseUrl}/metrics`,
      '',
    ];
    if (credentials) {
      lines.push(`  Demo people (password: ${credentials.password})`);
      for (const person of credentials.people.slice(0, 6)) lines.push(`    ${person.email.padEnd(36)} ${person.roles.join(',').padEnd(10)} ${person.department}`);
      if (credentials.people.length > 6) lines.push(`    … ${credentials.people.length - 6} more: steward.<dept>@causeway.demo, auditor.<dept>@causeway.demo`);
      lines.push('', '  Demo system clients (send as  Authorization: Bearer <key>)');
      for (const client of credentials.clients) lines.push(`    ${`${client.department}/${client.name}`.padEnd(32)} ${client.roles.join(',').padEnd(10)} ${client.key}`);
      lines.push('', `  (kept in ${this.credentialsFile}; a real deployment shows keys once, at creation)`);
    }
    lines.push(
      '',
      '  First query:',
      `    curl -s ${baseUrl}/graphql -H 'content-type: application/json' \\`,
      `      -H "authorization: Bearer ${credentials?.clients[0]?.key ?? '<key>'}" \\`,
      `      -d '{"query":"{ me { department { code } } datasets(first: 5) { totalCount nodes { code title } } }"}'`,
      '',
    );
    return `${lines.join('\n')}\n`;
  }

  private async readCredentials(): Promise<DemoCredentials | null> {
    try {
      return JSON.parse(await readFile(this.credentialsFile, 'utf8')) as DemoCredentials;
    } catch {
      return null;
    }
  }
}
