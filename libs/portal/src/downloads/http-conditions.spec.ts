import { describe, expect, it } from '@jest/globals';
import { acceptsGzip, attachment, downloadEtag, etagMatches, notModifiedSince } from './http-conditions.js';

describe('download validators', () => {
  const etag = downloadEtag('version-1', ['a', 'b'], 'csv');

  it('changes the ETag with the version, the columns served and the format', () => {
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    expect(downloadEtag('version-2', ['a', 'b'], 'csv')).not.toBe(etag);
    expect(downloadEtag('version-1', ['a'], 'csv')).not.toBe(etag);
    expect(downloadEtag('version-1', ['a', 'b'], 'json')).not.toBe(etag);
    expect(downloadEtag('version-1', ['a', 'b'], 'csv')).toBe(etag);
  });

  it('matches If-None-Match weakly, in a list, and for *', () => {
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(etag.replace('W/', ''), etag)).toBe(true);
    expect(etagMatches(`"other", ${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"other"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });

  it('answers If-Modified-Since to the second', () => {
    const modified = new Date('2024-03-02T10:00:00.750Z');
    expect(notModifiedSince(modified.toUTCString(), modified)).toBe(true);
    expect(notModifiedSince(new Date('2024-03-02T09:59:59Z').toUTCString(), modified)).toBe(false);
    expect(notModifiedSince('not a date', modified)).toBe(false);
  });

  it('reads gzip from Accept-Encoding, honouring q=0 and *', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('names the attachment in ASCII and in UTF-8', () => {
    expect(attachment('企业.csv')).toBe(`attachment; filename="__.csv"; filename*=UTF-8''%E4%BC%81%E4%B8%9A.csv`);
    expect(attachment('a"b.csv')).toContain('filename="a_b.csv"');
  });
});
