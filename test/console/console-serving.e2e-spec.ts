import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { consoleDistDirectory } from '../../apps/gateway/src/console/console-static.js';
import { TestGateway } from '../support/gateway.js';

// How the gateway serves the built console (npm test builds it first); no browser needed.
describe('web console serving', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('a browser asking for / is redirected to the console; an API client asking for / is not', async () => {
    const browser = await gateway.http('GET', '/', { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(browser.status).toBe(302);
    expect(browser.headers.location).toBe('/console/');
    const api = await gateway.http('GET', '/', { headers: { accept: 'application/json' } });
    expect(api.status).not.toBe(302);
  });

  it('a deep console path answers the app shell (history fallback), never cached, so a reload keeps the page', async () => {
    for (const url of ['/console', '/console/', '/console/audit?dataset=X', '/console/catalogue/%E4%BA%BA%E5%8F%A3']) {
      const response = await gateway.http('GET', url);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="root">');
    }
  });

  it('hashed assets are served with a year-long immutable cache, and nothing is fetched from outside (no CDN, no web font)', async () => {
    const assets = await readdir(path.join(consoleDistDirectory(), 'assets'));
    const script = assets.find((name) => name.endsWith('.js'))!;
    const response = await gateway.http('GET', `/console/assets/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
    const index = (await gateway.http('GET', '/console/')).body;
    expect(index).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(assets.filter((name) => /\.(woff2?|ttf|otf)$/.test(name))).toEqual([]);
  });

  it('a browser accepting brotli gets the script compressed at build time, the same script once decoded', async () => {
    const assets = await readdir(path.join(consoleDistDirectory(), 'assets'));
    const script = assets.find((name) => name.endsWith('.js'))!;
    const plain = await gateway.http('GET', `/console/assets/${script}`);
    const compressed = await gateway.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/console/assets/${script}`, headers: { 'accept-encoding': 'br, gzip' } });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.rawPayload.length).toBeLessThan(plain.body.length / 2);
    expect(brotliDecompressSync(compressed.rawPayload).toString('utf8')).toBe(plain.body);
  });

  it('an asset of an older build is a 404, not the HTML shell a browser would try to run as a script', async () => {
    const response = await gateway.http('GET', '/console/assets/index-0ld0ld.js');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).not.toContain('text/html');
  });

  it('a path that climbs out of the console folder serves no file from elsewhere', async () => {
    const response = await gateway.http('GET', '/console/assets/..%2f..%2f..%2f..%2fpackage.json');
    expect(response.body).not.toContain('"name": "causeway"');
  });
});
