import { systemContext } from '@causeway/audit';
import { CalendarFileError, CalendarService, DemandService, parseCalendarFile } from '@causeway/access';
import { ANONYMOUS, Role, type RequestContext } from '@causeway/core';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out, UsageError } from './output.js';

/**
 * The command line acts as the platform (the data bureau) on its own database, like `seed`:
 * an operator's tool, recorded in the audit trail as `cli:<os user>`.
 */
function platformContext(): RequestContext {
  const context = systemContext('cli');
  const label = `cli:${os.userInfo().username}`;
  return { ...context, principal: Object.freeze({ ...ANONYMOUS, kind: 'USER' as const, id: label, label, roles: [Role.ADMIN] }) };
}

@Command({ name: 'calendar:import', arguments: '<file>', description: 'Load a working-day calendar file (holidays and 调休 make-up days); each year in it replaces that year' })
export class CalendarImportCommand extends CommandRunner {
  constructor(private readonly calendar: CalendarService) {
    super();
  }

  async run([file]: string[]): Promise<void> {
    if (!file) throw new UsageError('usage: causeway calendar:import FILE, e.g. causeway calendar:import cn-2027.json (format: docs/workflows.md)');
    const text = await readFile(file, 'utf8').catch(() => {
      throw new UsageError(`cannot read ${file}`);
    });
    let parsed;
    try {
      parsed = parseCalendarFile(text);
    } catch (error) {
      if (error instanceof CalendarFileError) throw new UsageError(`${file} is not a calendar file:\n  ${error.problems.join('\n  ')}`);
      throw error;
    }
    const ctx = platformContext();
    const done = await this.calendar.importFile(ctx, parsed, ctx.principal.label);
    for (const year of done) out(`${year.year}: ${year.days} days loaded`);
  }
}

@Command({ name: 'calendar:list', description: 'List the holidays and make-up working days of a year' })
export class CalendarListCommand extends CommandRunner {
  constructor(private readonly calendar: CalendarService) {
    super();
  }

  async run(_args: string[], options: { year?: number }): Promise<void> {
    const year = options.year ?? Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    const known = (await this.calendar.years()).find((entry) => entry.year === year);
    out(known ? `${year}: ${known.source}${known.provisional ? ' (PROVISIONAL)' : ''}` : `${year}: no calendar loaded: counted Monday to Friday`);
    for (const day of await this.calendar.days(year)) out(`${day.date}  ${day.kind.padEnd(7)}  ${day.name}${day.provisional ? '  (provisional)' : ''}`);
  }

  @Option({ flags: '--year <year>', description: 'the year (default: this year, China time)' })
  parseYear(value: string): number {
    if (!/^\d{4}$/.test(value)) throw new UsageError('--year takes a year, e.g. --year 2026');
    return Number(value);
  }
}

@Command({ name: 'overdue:list', description: 'List access requests, demands and objections past their deadline (run it daily, e.g. from cron)' })
export class OverdueListCommand extends CommandRunner {
  constructor(private readonly demands: DemandService) {
    super();
  }

  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    const items = await this.demands.overdue(platformContext());
    if (options.json) {
      out(JSON.stringify(items, null, 2));
      return;
    }
    if (items.length === 0) {
      out('nothing is overdue');
      return;
    }
    for (const item of items) {
      out(
        `${item.kind.padEnd(14)} ${item.id}  ${item.stage.padEnd(9)} due ${item.deadline.toISOString()}  ${String(item.workingDaysOverdue).padStart(3)} working days late  ` +
          `${item.requesterDepartmentCode} → ${item.responsible}  ${item.subject}`,
      );
    }
  }

  @Option({ flags: '--json', description: 'print JSON' })
  parseJson(): boolean {
    return true;
  }
}
