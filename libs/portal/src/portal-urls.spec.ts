import { describe, expect, it } from '@jest/globals';
import { baseUrlOf, PortalUrls } from './portal-urls.js';

describe('portal URLs', () => {
  it('prefers the configured public URL', () => {
    expect(baseUrlOf('https://data.gz.gov.cn', { protocol: 'http', host: 'evil.example' })).toBe('https://data.gz.gov.cn');
  });

  it('uses the request’s host when it is a plain host name, and localhost otherwise', () => {
    expect(baseUrlOf(null, { protocol: 'https', host: 'data.example:8443' })).toBe('https://data.example:8443');
    expect(baseUrlOf(null, { protocol: 'http', host: 'evil.example/"><script>' })).toBe('http://localhost');
    expect(baseUrlOf(null, { protocol: 'javascript', host: undefined })).toBe('http://localhost');
  });

  it('names downloads, earlier versions and CKAN help', () => {
    const urls = new PortalUrls('https://d.example');
    expect(urls.download({ code: 'A-B' }, 'csv')).toBe('https://d.example/open/datasets/A-B.csv');
    expect(urls.download({ code: 'A-B' }, 'json', 3)).toBe('https://d.example/open/datasets/A-B.json?version=3');
    expect(urls.ckanHelp('package_show')).toBe('https://d.example/api/3/action/help_show?name=package_show');
  });
});
