import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditOutcome, systemContext } from '@causeway/audit';
import { AuditWriter, DEFAULT_WRITER_OPTIONS } from '../libs/audit/src/audit.writer.js';
import { normaliseEvent } from '../libs/audit/src/canonical.js';
import { TestGateway } from './support/gateway.js';

/** An event of an exchange that took `durationMs` (a batch waits at most half the time its quickest exchange took). */
const event = (label: string, durationMs = 600_000) =>
  normaliseEvent(systemContext('group-commit', label), { action: 'group-commit.test', outcome: AuditOutcome.ALLOWED, durationMs }, new Date());
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the value, or with 'still waiting' if it has not settled after `ms`. */
const within = async <T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
};

describe('audit: group commits wait for exchanges in flight (commit delay)', () => {
  let gateway: TestGateway;
  let writer: AuditWriter | null = null;
  const open = (commitDelayMs: number): { writer: AuditWriter; batches: number[] } => {
    const batches: number[] = [];
    writer = new AuditWriter({ ...DEFAULT_WRITER_OPTIONS, url: gateway.databaseUrl, commitDelayMs });
    writer.onCommitted(({ size }) => batches.push(size));
    return { writer, batches };
  };

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterEach(async () => {
    await writer?.close();
    writer = null;
  });
  afterAll(() => gateway.close());

  it('writes the event of a request that is alone at once, whatever the delay', async () => {
    const { writer, batches } = open(60_000);
    const receipt = await within(writer.append(event('alone')), 10_000);
    expect(receipt).not.toBe('still waiting');
    expect(batches).toEqual([1]);
  });

  it('puts the events of exchanges in flight together into one commit', async () => {
    const { writer, batches } = open(60_000);
    const first = writer.begin();
    const second = writer.begin();
    const firstReceipt = writer.append(event('first'));
    first();
    await pause(50);
    // The first event waits for the second exchange, which is still working.
    expect(batches).toEqual([]);
    const secondReceipt = writer.append(event('second'));
    second();
    const receipts = await Promise.all([firstReceipt, secondReceipt]);
    expect(batches).toEqual([2]);
    expect(receipts[1]!.seq).toBe(receipts[0]!.seq + 1);
  });

  it('stops waiting when an exchange in flight finishes without an event', async () => {
    const { writer, batches } = open(60_000);
    const quiet = writer.begin();
    const receipt = writer.append(event('waits for a quiet one'));
    await pause(50);
    expect(batches).toEqual([]);
    quiet();
    expect(await within(receipt, 10_000)).not.toBe('still waiting');
    expect(batches).toEqual([1]);
  });

  it('waits no longer than the delay for an exchange that never reports back', async () => {
    const { writer, batches } = open(100);
    writer.begin();
    expect(await within(writer.append(event('bounded')), 10_000)).not.toBe('still waiting');
    expect(batches).toEqual([1]);
  });

  it('waits no longer than half the time the quickest exchange of the batch took', async () => {
    const { writer, batches } = open(60_000);
    writer.begin();
    const started = performance.now();
    writer.append(event('slow', 600_000)).catch(() => undefined);
    expect(await within(writer.append(event('quick', 100)), 10_000)).not.toBe('still waiting');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(batches).toEqual([2]);
  });

  it('writes each batch at once when the delay is 0', async () => {
    const { writer, batches } = open(0);
    writer.begin();
    await writer.append(event('no delay'));
    expect(batches).toEqual([1]);
  });
});
