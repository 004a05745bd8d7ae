import { Transform, type Readable } from 'node:stream';
import { IngestFailure } from './failure.js';

/**
 * Passes an upload's bytes through and fails it (UPLOAD_STALLED) when the client sends nothing
 * for `idleMs`: a body that stops arriving must not hold its transaction, its dataset lock and its
 * connection for ever. Only the client's silence counts: while bytes wait here for a slow reader
 * (the database, the worker), the clock does not run. A source that fails or closes before its
 * end fails the upload as interrupted.
 */
export function watchBody(source: Readable, idleMs: number): Readable {
  let lastActivity = Date.now();
  const watched = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      lastActivity = Date.now();
      done(null, chunk);
    },
  });
  const check = () => {
    // Bytes waiting on either side: the reader is the slow one, not the client.
    if (watched.readableLength > 0 || watched.writableLength > 0 || source.readableLength > 0) lastActivity = Date.now();
    else if (Date.now() - lastActivity >= idleMs) {
      watched.destroy(
        new IngestFailure('UPLOAD_STALLED', `No byte of the upload arrived for ${Math.round(idleMs / 1000)} s; nothing was loaded. Send the file again`, {
          idleTimeoutMs: idleMs,
        }),
      );
    }
  };
  const timer = setInterval(check, Math.max(50, Math.min(1_000, Math.floor(idleMs / 4))));
  timer.unref();
  watched.once('close', () => clearInterval(timer));
  watched.once('end', () => clearInterval(timer));
  source.once('error', (error) => watched.destroy(error));
  source.once('close', () => {
    if (!source.readableEnded && !watched.destroyed) {
      watched.destroy(new IngestFailure('UPLOAD_INTERRUPTED', 'The upload ended before the whole file arrived; nothing was loaded'));
    }
  });
  // A failed upload stops reading its source (the reply closes the connection).
  watched.once('error', () => source.unpipe(watched));
  source.pipe(watched);
  return watched;
}

/**
 * Resolves once the body has begun to arrive (a first byte, or its end), so that an upload takes
 * its transaction and its dataset's lock only then; rejects when it fails first (e.g. stalls).
 * Nothing is consumed: the bytes stay buffered for the reader.
 */
export function bodyArriving(body: Readable): Promise<void> {
  if (body.readableLength > 0 || body.readableEnded) return Promise.resolve();
  if (body.destroyed) return Promise.reject(body.errored ?? new IngestFailure('UPLOAD_INTERRUPTED', 'The upload ended before the whole file arrived; nothing was loaded'));
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error | null) => {
      body.off('readable', onReadable);
      body.off('error', onError);
      body.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onReadable = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(body.errored ?? (body.readableEnded ? null : new IngestFailure('UPLOAD_INTERRUPTED', 'The upload ended before the whole file arrived; nothing was loaded')));
    body.on('readable', onReadable);
    body.once('error', onError);
    body.once('close', onClose);
  });
}

/** Opens an upload's body (a multipart part waits for its headers), failing as stalled when nothing arrives for `idleMs`. */
export async function openWithin<T>(opening: Promise<T>, idleMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new IngestFailure('UPLOAD_STALLED', `No byte of the upload arrived for ${Math.round(idleMs / 1000)} s; nothing was loaded. Send the file again`, { idleTimeoutMs: idleMs })),
      idleMs,
    );
  });
  try {
    return await Promise.race([opening, stalled]);
  } finally {
    clearTimeout(timer);
  }
}
