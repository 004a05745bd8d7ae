import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { bodyArriving, openWithin, watchBody } from './body-watch.js';

describe('watchBody', () => {
  it('a body that stops arriving fails as UPLOAD_STALLED', async () => {
    const source = new PassThrough();
    const body = watchBody(source, 100);
    source.write('itemNo,value\n');
    const chunks = body[Symbol.asyncIterator]();
    await chunks.next();
    await expect(chunks.next()).rejects.toMatchObject({ reason: 'UPLOAD_STALLED' });
    source.destroy();
  });

  it('bytes waiting for a slow reader do not count as a stall', async () => {
    const source = new PassThrough();
    const body = watchBody(source, 100);
    source.end(Buffer.alloc(64 * 1024, 'a'));
    // Nobody reads for several idle periods: the bytes wait here, the client is not silent.
    await new Promise((resolve) => setTimeout(resolve, 400));
    let length = 0;
    for await (const chunk of body) length += (chunk as Buffer).length;
    expect(length).toBe(64 * 1024);
  });

  it('a source closed before its end fails as UPLOAD_INTERRUPTED', async () => {
    const source = new PassThrough();
    const body = watchBody(source, 10_000);
    source.write('x');
    source.destroy();
    const chunks = body[Symbol.asyncIterator]();
    await expect(
      (async () => {
        for (;;) if ((await chunks.next()).done) return;
      })(),
    ).rejects.toMatchObject({ reason: 'UPLOAD_INTERRUPTED' });
  });
});

describe('bodyArriving', () => {
  it('waits for the first byte without consuming it, and fails when the body stalls first', async () => {
    const source = new PassThrough();
    const body = watchBody(source, 10_000);
    const arriving = bodyArriving(body);
    source.end('first');
    await arriving;
    let text = '';
    for await (const chunk of body) text += String(chunk);
    expect(text).toBe('first');

    const silent = watchBody(new PassThrough(), 100);
    await expect(bodyArriving(silent)).rejects.toMatchObject({ reason: 'UPLOAD_STALLED' });
  });

  it('openWithin fails as UPLOAD_STALLED when a multipart part never begins', async () => {
    await expect(openWithin(new Promise(() => undefined), 50)).rejects.toMatchObject({ reason: 'UPLOAD_STALLED' });
    await expect(openWithin(Promise.resolve('opened'), 50)).resolves.toBe('opened');
  });
});
