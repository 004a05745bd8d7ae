import { systemContext } from '@causeway/audit';
import { ObjectionService } from '@causeway/access';
import { ANONYMOUS, Role, type RequestContext } from '@causeway/core';
import os from 'node:os';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out } from './output.js';

/** The command line acts as the platform (the data bureau), like overdue:list. */
function platformContext(): RequestContext {
  const context = systemContext('cli');
  const label = `cli:${os.userInfo().username}`;
  return { ...context, principal: Object.freeze({ ...ANONYMOUS, kind: 'USER' as const, id: label, label, roles: [Role.ADMIN] }) };
}

@Command({ name: 'objections:statistics', description: 'Objections (校核纠错) per provider: received, open, overdue, answered in time, corrected, rejected' })
export class ObjectionStatisticsCommand extends CommandRunner {
  constructor(private readonly objections: ObjectionService) {
    super();
  }

  async run(_args: string[], options: { json?: boolean; provider?: string }): Promise<void> {
    const rows = await this.objections.statistics(platformContext(), options.provider ?? null);
    if (options.json) {
      out(JSON.stringify(rows, null, 2));
      return;
    }
    if (rows.length === 0) {
      out('no objections');
      return;
    }
    out('provider        received  open  overdue  answered  in time  confirmed  corrected  rejected');
    for (const row of rows) {
      const cells = [row.received, row.open, row.overdue, row.answered, row.answeredInTime, row.confirmed, row.corrected, row.rejected];
      const widths = [8, 5, 8, 9, 8, 10, 10, 9];
      out(`${row.providerDepartmentCode.padEnd(15)} ${cells.map((cell, index) => String(cell).padStart(widths[index]!)).join(' ')}`);
    }
  }

  @Option({ flags: '--provider <code>', description: 'one provider department, e.g. DG-AMR' })
  parseProvider(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON' })
  parseJson(): boolean {
    return true;
  }
}
