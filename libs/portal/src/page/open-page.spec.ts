import { describe, expect, it } from '@jest/globals';
import { OpenType } from '@causeway/catalogue';
import { openDataset } from '../test/datasets.js';
import { escapeHtml, html, renderDatasetPage, renderListPage } from './open-page.js';

describe('the /open page', () => {
  it('escapes every interpolated value', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}</p>`.value).toBe('<p>&lt;b&gt;</p>');
  });

  it('escapes catalogue text that looks like markup', () => {
    const page = renderListPage({ q: '', total: 1, page: 1, pages: 1, datasets: [openDataset({ title: '<img src=x onerror=alert(1)>', summary: '"><script>' })] });
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('links downloads relative to the site, and shows a condition instead for a conditional dataset', () => {
    const page = renderListPage({ q: '', total: 2, page: 1, pages: 1, datasets: [openDataset(), openDataset({ code: 'COND', openType: OpenType.CONDITIONAL, openCondition: '实名', versions: [], current: null })] });
    expect(page).toContain('href="/open/datasets/AMR-ENT.csv"');
    expect(page).not.toContain('href="/open/datasets/COND.csv"');
    expect(page).toContain('有条件开放 Open on conditions：实名');
    expect(page).toContain('<small lang="en">Enterprise Registration</small>');
  });

  it('pages with links that keep the search words', () => {
    const page = renderListPage({ q: '企业 a&b', total: 120, page: 2, pages: 3, datasets: [] });
    expect(page).toContain('href="/open?q=%E4%BC%81%E4%B8%9A+a%26b&amp;page=1"');
    expect(page).toContain('href="/open?q=%E4%BC%81%E4%B8%9A+a%26b&amp;page=3"');
  });

  it('lists a dataset’s public fields and its versions with their downloads', () => {
    const page = renderDatasetPage(openDataset());
    expect(page).toContain('<code>regCapital</code>');
    expect(page).toContain('href="/open/datasets/AMR-ENT.csv?version=1"');
  });
});
