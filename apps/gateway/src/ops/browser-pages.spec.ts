import { describe, expect, it } from '@jest/globals';
import { pageLanguage, prefersHtml } from './browser-pages.js';

describe('browser page negotiation', () => {
  it('a browser asking for HTML gets a page; a system asking for JSON or anything does not', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('application/json;q=0.5, text/html')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml('text/html;q=0, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
  });

  it('Chinese in any script or region, when asked before English, chooses the zh-CN IDE', () => {
    expect(pageLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pageLanguage('zh-TW')).toBe('zh-CN');
    expect(pageLanguage('fr-FR, zh;q=0.5, en;q=0.4')).toBe('zh-CN');
    expect(pageLanguage('en;q=0.4, zh;q=0.5')).toBe('zh-CN');
    expect(pageLanguage('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en-US');
    expect(pageLanguage('zh;q=0, en')).toBe('en-US');
    expect(pageLanguage('fr-FR')).toBe('en-US');
    expect(pageLanguage(undefined)).toBe('en-US');
    expect(pageLanguage('zhx')).toBe('en-US');
  });
});
