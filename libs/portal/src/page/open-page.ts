import { FieldType, OpenType } from '@causeway/catalogue';
import type { OpenDataset } from '../open-dataset.js';
import { licenceInfo, UPDATE_CYCLE_ZH } from '../vocabularies.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** A fragment of HTML that is already safe; everything else interpolated into `html` is escaped. */
class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** Tagged template that escapes every interpolated value unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, text, index) => out + text + (index < values.length ? render(values[index]) : ''), ''));
}

/** Links are relative to the site root, so that the page never depends on the Host header. */
const datasetHref = (code: string) => `/open/datasets/${encodeURIComponent(code)}`;
const fileHref = (code: string, extension: string, version?: number) => `${datasetHref(code)}.${extension}${version === undefined ? '' : `?version=${version}`}`;

const FIELD_TYPE_ZH: Record<FieldType, string> = {
  [FieldType.STRING]: '文本',
  [FieldType.INTEGER]: '整数',
  [FieldType.DECIMAL]: '数值',
  [FieldType.BOOLEAN]: '是/否',
  [FieldType.DATE]: '日期',
  [FieldType.DATETIME]: '日期时间',
  [FieldType.JSON]: 'JSON',
};

// No web fonts, no scripts, no CDN: the system's CJK fonts, and a few lines of inline CSS.
const STYLE = `
body{margin:0;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",system-ui,sans-serif;color:#1f2328;background:#f6f8fa;line-height:1.6}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem 1.25rem}
header{background:#fff;border-bottom:1px solid #d0d7de;max-width:none}
header>*{max-width:60rem;margin-left:auto;margin-right:auto}
h1{font-size:1.5rem;margin:.5rem auto}h1 small,h2 small,h1 span[lang=en]{font-weight:normal;color:#57606a;font-size:.8em;margin-left:.5rem}
form{display:flex;gap:.5rem;margin:.75rem auto}input[type=search]{flex:1;padding:.5rem;font-size:1rem;border:1px solid #8c959f;border-radius:6px}
button{padding:.5rem 1rem;font-size:1rem;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
ul.datasets{list-style:none;padding:0}ul.datasets>li{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:0 0 1rem}
h2{font-size:1.15rem;margin:0 0 .25rem}a{color:#0969da}.meta{color:#57606a;font-size:.9rem;margin:.25rem 0}
.condition{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.25rem .5rem;font-size:.9rem}
.downloads a{display:inline-block;margin-right:.75rem;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;font-size:.9rem}
nav.pages a,nav.pages span{margin-right:.75rem}footer{color:#57606a;font-size:.85rem}code{background:#eaeef2;padding:0 .25rem;border-radius:4px}
`;

function layout(title: string, body: SafeHtml): string {
  return `<!doctype html>\n${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${new SafeHtml(STYLE)}</style><link rel="alternate" type="application/ld+json" href="/catalog.jsonld" title="DCAT-AP"></head><body>${body}<footer><p>开放接口 Open APIs：CKAN <a href="/api/3/action/package_list"><code>/api/3/action/</code></a> · DCAT-AP <a href="/catalog.jsonld"><code>/catalog.jsonld</code></a> <a href="/catalog.ttl"><code>/catalog.ttl</code></a></p><p>仅列出向社会开放的数据集及其公开字段。Only datasets open to the public, and only their public fields, are listed.</p></footer></body></html>`.value}`;
}

function meta(dataset: OpenDataset): SafeHtml {
  const licence = licenceInfo(dataset.license);
  const parts: Part[] = [
    html`资源代码 <code>${dataset.code}</code>`,
    dataset.publisher ? html` · 提供方 <a href="/open?org=${dataset.publisher.name}">${dataset.publisher.title}</a>` : null,
    html` · 分类 ${dataset.category}`,
    dataset.theme ? html` · 主题 ${dataset.theme}` : null,
    html` · 更新周期 ${UPDATE_CYCLE_ZH[dataset.updateCycle]}`,
    licence ? html` · 许可 ${licence.url ? html`<a href="${licence.url}" rel="license">${licence.title}</a>` : licence.title}` : null,
  ];
  return html`<p class="meta">${parts}</p>`;
}

function downloads(dataset: OpenDataset): SafeHtml {
  if (dataset.openType === OpenType.CONDITIONAL || !dataset.current) {
    return html`<p class="condition">有条件开放 Open on conditions${dataset.openCondition ? html`：${dataset.openCondition}` : ''}</p>`;
  }
  const current = dataset.current;
  return html`<p class="downloads">下载 Download：<a href="${fileHref(dataset.code, 'csv')}" download>CSV</a><a href="${fileHref(dataset.code, 'json')}" download>JSON</a><span class="meta">第 ${current.version} 版 · ${current.rowCount.toLocaleString('zh-CN')} 行 · 发布于 ${current.publishedAt.toISOString().slice(0, 10)}</span></p>`;
}

export interface ListPage {
  q: string;
  /** The publisher the list is narrowed to (CKAN organization name), if any. */
  org?: string;
  total: number;
  page: number;
  pages: number;
  datasets: OpenDataset[];
}

/** The /open page: search box, the open datasets with their download links, paging. */
export function renderListPage(view: ListPage): string {
  const pageHref = (page: number) => `/open?${new URLSearchParams({ ...(view.q ? { q: view.q } : {}), ...(view.org ? { org: view.org } : {}), page: String(page) }).toString()}`;
  const body = html`<header><h1>公共数据开放目录<span lang="en">Open data catalogue</span></h1>
<form method="get" action="/open" role="search"><label for="q" hidden>搜索 Search</label><input type="search" id="q" name="q" value="${view.q}" placeholder="搜索数据集 Search datasets" maxlength="200">${view.org ? html`<input type="hidden" name="org" value="${view.org}">` : ''}<button type="submit">搜索 Search</button></form>
<p class="meta">${view.org ? html`提供方 <code>${view.org}</code>（<a href="/open">全部 All</a>）· ` : ''}${view.q ? html`“${view.q}”：` : ''}共 ${view.total} 个数据集 · ${view.total} dataset${view.total === 1 ? '' : 's'}</p></header>
<main>${
    view.datasets.length === 0
      ? html`<p>没有找到数据集。No dataset found.</p>`
      : html`<ul class="datasets">${view.datasets.map(
          (dataset) =>
            html`<li><h2><a href="${datasetHref(dataset.code)}">${dataset.title}</a>${dataset.titleEn ? html`<small lang="en">${dataset.titleEn}</small>` : ''}</h2>${meta(dataset)}<p>${dataset.summary}</p>${downloads(dataset)}</li>`,
        )}</ul>`
  }${
    view.pages > 1
      ? html`<nav class="pages">${view.page > 1 ? html`<a href="${pageHref(view.page - 1)}" rel="prev">上一页 Previous</a>` : ''}<span>第 ${view.page} / ${view.pages} 页</span>${
          view.page < view.pages ? html`<a href="${pageHref(view.page + 1)}" rel="next">下一页 Next</a>` : ''
        }</nav>`
      : ''
  }</main>`;
  return layout(view.q ? `${view.q} · 公共数据开放` : '公共数据开放 · Open data', body);
}

/** A dataset's landing page: what it holds (public fields), its versions and how to read it. */
export function renderDatasetPage(dataset: OpenDataset): string {
  const body = html`<header><p><a href="/open">← 公共数据开放目录 Open data catalogue</a></p><h1>${dataset.title}${dataset.titleEn ? html`<span lang="en">${dataset.titleEn}</span>` : ''}</h1>${meta(dataset)}</header>
<main><p>${dataset.summary}</p>${downloads(dataset)}
<h2>公开字段 Public fields</h2>${
    dataset.fields.length === 0
      ? html`<p>无公开字段。No public field.</p>`
      : html`<table><thead><tr><th>字段 Field</th><th>名称 Title</th><th>类型 Type</th><th>单位 Unit</th><th>说明 Description</th></tr></thead><tbody>${dataset.fields.map(
          (field) => html`<tr><td><code>${field.name}</code></td><td>${field.title}</td><td>${FIELD_TYPE_ZH[field.type]}</td><td>${field.unit ?? ''}</td><td>${field.description ?? ''}</td></tr>`,
        )}</tbody></table>`
  }${
    dataset.versions.length > 0
      ? html`<h2>版本 Versions</h2><ul>${dataset.versions.map(
          (version) =>
            html`<li>第 ${version.version} 版${version.current ? '（当前 current）' : ''} · ${version.rowCount.toLocaleString('zh-CN')} 行 · ${version.publishedAt.toISOString().slice(0, 10)} · <a href="${fileHref(dataset.code, 'csv', version.current ? undefined : version.version)}">CSV</a> <a href="${fileHref(dataset.code, 'json', version.current ? undefined : version.version)}">JSON</a> · API <a href="/api/3/action/datastore_search?resource_id=${version.id}"><code>datastore_search?resource_id=${version.id}</code></a></li>`,
        )}</ul>`
      : ''
  }<h2>元数据 Metadata</h2><p><a href="${`${datasetHref(dataset.code)}.jsonld`}">DCAT-AP JSON-LD</a> · <a href="${`${datasetHref(dataset.code)}.ttl`}">Turtle</a> · <a href="/api/3/action/package_show?id=${dataset.name}">CKAN package_show</a></p></main>`;
  return layout(`${dataset.title} · 公共数据开放`, body);
}

/** Headers of every portal page: no script may run, nothing is loaded from elsewhere. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};
