import { createHash } from 'node:crypto';

/**
 * The validator of a download: the version, the columns served (a field made non-public changes
 * the file without a new version) and the format. Weak, because the gzip and identity encodings
 * of one download share it (RFC 9110 §8.8.1).
 */
export function downloadEtag(versionId: string, columns: readonly string[], format: string): string {
  const digest = createHash('sha256').update(`${versionId}\u0000${columns.join('\u0000')}\u0000${format}`).digest('base64url').slice(0, 22);
  return `W/"${digest}"`;
}

/** If-None-Match against an ETag, with weak comparison (RFC 9110 §13.1.2). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}

/** If-Modified-Since: true when the resource has not changed since (HTTP dates have whole seconds). */
export function notModifiedSince(ifModifiedSince: string | undefined, lastModified: Date): boolean {
  if (!ifModifiedSince) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** Whether Accept-Encoding allows gzip (with a q-value above 0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  let star: boolean | null = null;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    const allowed = q === undefined || Number(q) > 0;
    if (name === 'gzip' || name === 'x-gzip') return allowed;
    if (name === '*') star = allowed;
  }
  return star === true;
}

/** Content-Disposition for a download, with an ASCII fallback and the RFC 5987 UTF-8 name. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
