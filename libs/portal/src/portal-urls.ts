import type { OpenDataset } from './open-dataset.js';

const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** What a request tells about where the portal is reached: scheme and Host. */
export interface RequestOrigin {
  protocol: string;
  host: string | undefined;
}

/**
 * The portal's base URL: the configured public URL, else the request's scheme and Host. A Host
 * that is not a plain host name (an injection attempt) falls back to localhost rather than being
 * echoed into links.
 */
export function baseUrlOf(configured: string | null, origin: RequestOrigin): string {
  if (configured) return configured;
  const protocol = origin.protocol === 'https' ? 'https' : 'http';
  const host = origin.host && HOST.test(origin.host) ? origin.host : 'localhost';
  return `${protocol}://${host}`;
}

/** Every absolute link the portal hands out, in one place so that CKAN, DCAT and the page agree. */
export class PortalUrls {
  constructor(readonly base: string) {}

  ckanHelp(action: string): string {
    return `${this.base}/api/3/action/help_show?name=${encodeURIComponent(action)}`;
  }

  page(query?: string): string {
    return query ? `${this.base}/open?q=${encodeURIComponent(query)}` : `${this.base}/open`;
  }

  /** The dataset's IRI and landing page. */
  dataset(code: string): string {
    return `${this.base}/open/datasets/${encodeURIComponent(code)}`;
  }

  /** A download; a version other than the current one is named by its number. */
  download(dataset: Pick<OpenDataset, 'code'>, extension: 'csv' | 'json', version?: number): string {
    const url = `${this.base}/open/datasets/${encodeURIComponent(dataset.code)}.${extension}`;
    return version === undefined ? url : `${url}?version=${version}`;
  }

  distribution(code: string, extension: 'csv' | 'json'): string {
    return `${this.dataset(code)}#distribution-${extension}`;
  }

  organization(code: string): string {
    return `${this.base}/open/organizations/${encodeURIComponent(code)}`;
  }

  catalog(): string {
    return `${this.base}/catalog`;
  }

  catalogPage(extension: 'jsonld' | 'ttl', page?: number): string {
    return page === undefined ? `${this.base}/catalog.${extension}` : `${this.base}/catalog.${extension}?page=${page}`;
  }

  datasetMetadata(code: string, extension: 'jsonld' | 'ttl'): string {
    return `${this.dataset(code)}.${extension}`;
  }

  theme(theme: string): string {
    return `${this.base}/open/themes/${encodeURIComponent(theme)}`;
  }

  themeScheme(): string {
    return `${this.base}/open/themes`;
  }

  datastoreSearch(resourceId: string): string {
    return `${this.base}/api/3/action/datastore_search?resource_id=${encodeURIComponent(resourceId)}`;
  }
}
