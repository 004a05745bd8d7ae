import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { DETECTION_WINDOW, EncodingError, scanGb18030, scanUtf8, StrictDecoder, type RequestedEncoding } from './encoding.js';

async function decode(chunks: Buffer[], encoding: RequestedEncoding = 'auto'): Promise<{ text: string; encoding: string; checksum: string }> {
  const decoder = new StrictDecoder(encoding);
  let text = '';
  await pipeline(
    Readable.from(chunks),
    decoder,
    new Writable({
      objectMode: true,
      write(chunk: string, _encoding, callback) {
        text += chunk;
        callback();
      },
    }),
  );
  return { text, encoding: decoder.encoding, checksum: decoder.checksum };
}

/** Splits bytes into pieces of `size`, to cut characters at every possible place. */
const pieces = (bytes: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(bytes.length / size) }, (_v, i) => bytes.subarray(i * size, (i + 1) * size));

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('scanUtf8', () => {
  it('accepts valid UTF-8 and leaves a sequence cut at the end of a chunk for the next', () => {
    const bytes = Buffer.from('统一社会信用代码𠮷');
    expect(scanUtf8(bytes, true)).toEqual({ invalidAt: -1, complete: bytes.length });
    expect(scanUtf8(bytes.subarray(0, bytes.length - 1), false)).toEqual({ invalidAt: -1, complete: bytes.length - 4 });
    expect(scanUtf8(bytes.subarray(0, bytes.length - 1), true).invalidAt).toBe(bytes.length - 4);
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80, 0x61], 1],
    ['an overlong encoding', [0x61, 0xc0, 0xaf], 1],
    ['a surrogate', [0xed, 0xa0, 0x80], 0],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a lead byte without its continuation', [0xe4, 0x41, 0x42], 0],
    ['GBK bytes', [...iconv.encode('中文', 'gbk')], 0],
  ])('names the offset of %s', (_name, bytes, offset) => {
    expect(scanUtf8(Buffer.from(bytes), true).invalidAt).toBe(offset);
  });
});

describe('scanGb18030', () => {
  it('accepts one-, two- and four-byte sequences', () => {
    const bytes = iconv.encode('abc统一社会信用代码𠮷€', 'gb18030');
    expect(scanGb18030(bytes, true)).toEqual({ invalidAt: -1, complete: bytes.length });
  });

  it('refuses 0x80 and 0xFF alone, bad trail bytes, unassigned four-byte codes, and four-byte codes under gbk', () => {
    expect(scanGb18030(Buffer.from([0x41, 0x80]), true).invalidAt).toBe(1);
    expect(scanGb18030(Buffer.from([0xff]), true).invalidAt).toBe(0);
    expect(scanGb18030(Buffer.from([0xd6, 0x20]), true).invalidAt).toBe(0);
    expect(scanGb18030(Buffer.from([0x84, 0x31, 0xa5, 0x30]), true).invalidAt).toBe(0);
    expect(scanGb18030(Buffer.from([0xe3, 0x32, 0x9a, 0x36]), true).invalidAt).toBe(0);
    expect(scanGb18030(iconv.encode('𠮷', 'gb18030'), true, true).invalidAt).toBe(0);
  });

  it('leaves a cut sequence at the end of a chunk for the next, and refuses it at the end of the file', () => {
    const bytes = iconv.encode('中𠮷', 'gb18030');
    expect(scanGb18030(bytes.subarray(0, 4), false)).toEqual({ invalidAt: -1, complete: 2 });
    expect(scanGb18030(bytes.subarray(0, 4), true).invalidAt).toBe(2);
  });
});

describe('StrictDecoder', () => {
  const text = '统一社会信用代码,企业名称\n91440106MA59A0B01X,广州𠮷野家餐饮有限公司\n';

  it.each([1, 2, 3, 7, 4096])('decodes UTF-8 and GB18030 cut into %i-byte pieces identically, with the checksum of the text', async (size) => {
    const utf8 = await decode(pieces(Buffer.from(text), size));
    const gb = await decode(pieces(iconv.encode(text, 'gb18030'), size));
    expect(utf8).toEqual({ text, encoding: 'utf-8', checksum: sha256(text) });
    expect(gb).toEqual({ text, encoding: 'gb18030', checksum: sha256(text) });
  });

  it('strips a UTF-8 byte-order mark (also when cut) and does not hash it', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(await decode(pieces(bytes, 1))).toEqual({ text, encoding: 'utf-8', checksum: sha256(text) });
  });

  it('passes an ASCII file through as UTF-8', async () => {
    expect(await decode([Buffer.from('a,b\n1,2\n')])).toMatchObject({ text: 'a,b\n1,2\n', encoding: 'utf-8' });
  });

  it('decides on a window and then holds the whole file to that encoding: a GBK line after a long UTF-8 start is refused at its offset', async () => {
    const start = Buffer.from('名'.repeat(DETECTION_WINDOW));
    const gbk = iconv.encode('名称\n', 'gbk');
    const error = await decode(pieces(Buffer.concat([start, gbk]), 65536)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EncodingError);
    expect((error as EncodingError).byteOffset).toBe(start.length);
    expect((error as EncodingError).message).toMatch(/not valid UTF-8/);
  });

  it('refuses bytes that are neither, naming both attempts', async () => {
    const error = (await decode([Buffer.from([0x61, 0x2c, 0xe9, 0x2c, 0x62])]).catch((caught: unknown) => caught)) as EncodingError;
    expect(error).toBeInstanceOf(EncodingError);
    expect(error.attempts).toEqual({ 'utf-8': 2, gb18030: 2 });
    expect(error.byteOffset).toBe(2);
  });

  it('honours an explicit encoding', async () => {
    expect(await decode([iconv.encode(text.replace('𠮷', '吉'), 'gbk')], 'gbk')).toMatchObject({ encoding: 'gbk' });
    await expect(decode([Buffer.from(text)], 'gbk')).rejects.toThrow(EncodingError);
    await expect(decode([iconv.encode(text, 'gb18030')], 'utf-8')).rejects.toThrow(/not valid UTF-8/);
  });
});
