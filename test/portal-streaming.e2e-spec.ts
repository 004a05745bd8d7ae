import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { TestGateway } from './support/gateway.js';
import { publishGeneratedRows, simpleOpen } from './support/portal-fixtures.js';

// Large enough that a buffered download would show in the heap (≈ 25 MB of CSV), small enough
// for the suite; bench/portal-download.mjs streams a million rows and more.
const ROWS = 300_000;

describe('portal: downloads stream from a cursor', () => {
  let gateway: TestGateway;
  let base: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', simpleOpen('BIG-OPEN', '大数据集'));
    await publishGeneratedRows(gateway, 'DG-AMR', 'BIG-OPEN', ROWS);
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => gateway.close());

  it('serves every row of a large version while the live heap stays flat', async () => {
    // Collect garbage before each sample, so that the samples measure what is held, not what is
    // waiting to be collected.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let samples = 0;
    // One sample per 4 MB received: a download held in memory could not hide between them.
    const sample = () => {
      gc();
      samples += 1;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const { bytes, lines, first } = await new Promise<{ bytes: number; lines: number; first: Buffer }>((resolve, reject) => {
      http
        .get(`${base}/open/datasets/BIG-OPEN.csv`, (response) => {
          expect(response.statusCode).toBe(200);
          let bytes = 0;
          let lines = 0;
          let first: Buffer | null = null;
          response.on('data', (chunk: Buffer) => {
            first ??= chunk;
            if (Math.floor((bytes + chunk.length) / (4 << 20)) > Math.floor(bytes / (4 << 20))) sample();
            bytes += chunk.length;
            for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines += 1;
          });
          response.on('end', () => resolve({ bytes, lines, first: first ?? Buffer.alloc(0) }));
          response.on('error', reject);
        })
        .on('error', reject);
    });
    expect(samples).toBeGreaterThanOrEqual(5);
    expect(first.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(lines).toBe(ROWS + 1);
    expect(bytes).toBeGreaterThan(20 * 1024 * 1024);
    // A download held in memory would grow the live heap by at least its own size.
    expect(peak - baseline).toBeLessThan(bytes / 4);
  }, 120_000);

  it('gives the database connection back when the reader goes away mid-download', async () => {
    // More aborted downloads than the export pool has connections: a leak would make the last one wait and fail.
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await new Promise<void>((resolve, reject) => {
        const request = http.get(`${base}/open/datasets/BIG-OPEN.json`, (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
      });
    }
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${base}/open/datasets/BIG-OPEN.json`, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 120_000);
});
