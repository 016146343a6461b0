// Object storage (S3 API through the MinIO client), one bucket, same object keys for both backends.
// Uploads are streamed: the MinIO client buffers whole objects below its part size, so we sign a PUT
// with it and pipe the request body straight to the endpoint. The MinIO client (a large module graph)
// is imported at the first storage call (the health ping is a plain HTTP HEAD), so a process that never
// touches storage never loads it.
import type * as Minio from 'minio';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../policy/errors.ts';
import { withTimeout, HEALTH_PING_MS } from './deadline.ts';
import { clientFor, httpStatus } from '../http/node-http.ts';

export interface StorageConfig {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/**
 * A fresh key per upload (the row names the live one): a replacement never overwrites what is there.
 * Everything under these prefixes that no row names is an orphan (src/infrastructure/orphan-sweep.ts).
 */
export const objectKeys = {
  vehiclePhoto: (vehicleId: string) => `vehicles/${vehicleId}/photo-${randomUUID()}`,
  maintenanceReceipt: (recordId: string) => `maintenance/${recordId}/receipt-${randomUUID()}`,
};
export const OBJECT_PREFIXES = ['vehicles/', 'maintenance/'] as const;

export interface StoredObject {
  stream: Readable;
  contentType: string;
  contentLength: number;
}

export interface UploadRequest {
  body: Readable;
  contentType: string | undefined;
  contentLength: string | undefined;
  allowedTypes: readonly string[];
  maxBytes: number;
}

const TIMEOUT_MS = 10_000;

const unavailable = () => new AppError('SERVICE_UNAVAILABLE', 'Object storage unavailable');

/** The media type without parameters, lower-cased ("image/png; x=y" → "image/png"). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Checks type and declared size before a single byte is stored (415 / 413). */
export function checkUpload(req: Pick<UploadRequest, 'contentType' | 'contentLength' | 'allowedTypes' | 'maxBytes'>): void {
  if (!req.allowedTypes.includes(mediaType(req.contentType))) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (req.contentLength !== undefined && Number(req.contentLength) > req.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE');
}

const incomplete = () => new AppError('VALIDATION_ERROR', 'Request body is incomplete', []);

/**
 * The body as it arrives, ending only when the request body really ended with the declared length: more
 * than `maxBytes` → 413, a client that closes early or sends fewer bytes than its content-length → 400.
 */
function checkedBody(source: Readable, maxBytes: number, declared: number | undefined): Transform {
  let seen = 0;
  let ended = false;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) cb(new AppError('PAYLOAD_TOO_LARGE'));
      else cb(null, chunk);
    },
    flush(cb) {
      cb(declared !== undefined && seen !== declared ? incomplete() : null);
    },
  });
  source.once('end', () => { ended = true; });
  // An aborted request closes without 'end' (pipe() would then leave `out` waiting forever).
  source.once('close', () => { if (!ended && !out.destroyed) out.destroy(incomplete()); });
  return out;
}

export class ObjectStore {
  readonly bucket: string;
  private readonly cfg: StorageConfig;
  private clientPromise: Promise<Minio.Client> | undefined;

  constructor(cfg: StorageConfig) {
    this.cfg = cfg;
    this.bucket = cfg.bucket;
  }

  /** The MinIO client, created (and the `minio` package loaded) on first use. */
  client(): Promise<Minio.Client> {
    this.clientPromise ??= import('minio').then(({ Client }) => new Client({
      endPoint: this.cfg.endPoint, port: this.cfg.port, useSSL: this.cfg.useSSL,
      accessKey: this.cfg.accessKey, secretKey: this.cfg.secretKey, region: this.cfg.region, pathStyle: true,
    }));
    return this.clientPromise;
  }

  async ensureBucket(): Promise<void> {
    const client = await this.client();
    if (!(await client.bucketExists(this.bucket))) await client.makeBucket(this.bucket, this.cfg.region);
  }

  /**
   * The endpoint answers over HTTP: an unsigned HEAD of the bucket (any status below 500 — a 403 or 404
   * still proves the server serves S3). Not through the MinIO client, so a health probe never loads it.
   */
  async ping(): Promise<boolean> {
    const host = this.cfg.endPoint.includes(':') ? `[${this.cfg.endPoint}]` : this.cfg.endPoint;
    const url = new URL(`${this.cfg.useSSL ? 'https' : 'http'}://${host}:${this.cfg.port}/${encodeURIComponent(this.bucket)}`);
    const status = await httpStatus(url, 'HEAD', HEALTH_PING_MS);
    return status !== null && status < 500;
  }

  /**
   * Validates, then streams the body to `key` (a fresh key: see objectKeys). A body without content-length
   * is spooled to a temp file. Resolves only when the whole declared body is stored; on any failure what
   * may have reached `key` is removed (best effort; the orphan sweep catches the rest).
   * A refusal leaves the rest of the body unread; the error handlers drain it (src/http/http-body.ts).
   */
  async upload(key: string, req: UploadRequest): Promise<void> {
    checkUpload(req);
    const contentType = mediaType(req.contentType);
    const declared = req.contentLength === undefined ? undefined : Number(req.contentLength);
    // pipe(), not pipeline(): a refusal must not destroy the request (that would reset the connection).
    const checked = checkedBody(req.body, req.maxBytes, declared);
    req.body.pipe(checked);
    checked.on('error', () => req.body.unpipe(checked));
    try {
      if (declared !== undefined) {
        await this.putStream(key, checked, contentType, declared);
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), 'mvp-upload-'));
      try {
        const file = join(dir, 'body');
        await pipeline(checked, createWriteStream(file));
        const { size } = await stat(file);
        await this.putStream(key, createReadStream(file), contentType, size);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } catch (err) {
      await this.remove(key).catch(() => {});
      throw err;
    }
  }

  private async putStream(key: string, body: Readable, contentType: string, size: number): Promise<void> {
    let url: URL;
    try {
      url = new URL(await withTimeout((await this.client()).presignedPutObject(this.bucket, key, 300), TIMEOUT_MS));
    } catch {
      throw unavailable();
    }
    await new Promise<void>((resolve, reject) => {
      const out = clientFor(url).request(url, {
        method: 'PUT',
        headers: { 'content-type': contentType, 'content-length': String(size) },
        timeout: TIMEOUT_MS,
      }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(unavailable())));
      });
      out.on('timeout', () => out.destroy(new Error('storage timeout')));
      out.on('error', (err) => reject(err instanceof AppError ? err : unavailable()));
      body.on('error', (err) => {
        out.destroy();
        reject(err instanceof AppError ? err : unavailable());
      });
      body.pipe(out);
    });
  }

  /** The object, or null when there is none. */
  async get(key: string): Promise<StoredObject | null> {
    try {
      const stream = (await withTimeout((await this.client()).getObject(this.bucket, key), TIMEOUT_MS)) as Readable & {
        headers?: Record<string, string>;
      };
      const headers = stream.headers ?? {};
      return {
        stream,
        contentType: headers['content-type'] ?? 'application/octet-stream',
        contentLength: Number(headers['content-length'] ?? 0),
      };
    } catch (err) {
      if ((err as { code?: string }).code === 'NoSuchKey' || (err as { code?: string }).code === 'NotFound') return null;
      throw unavailable();
    }
  }

  /** Every key under `prefix` with its last-modified time (for the orphan sweep). */
  async list(prefix: string): Promise<Array<{ key: string; lastModified: Date }>> {
    const out: Array<{ key: string; lastModified: Date }> = [];
    for await (const item of (await this.client()).listObjectsV2(this.bucket, prefix, true)) {
      if (item.name) out.push({ key: item.name, lastModified: item.lastModified ?? new Date(0) });
    }
    return out;
  }

  async remove(key: string): Promise<void> {
    try {
      await withTimeout((await this.client()).removeObject(this.bucket, key), TIMEOUT_MS);
    } catch {
      throw unavailable();
    }
  }
}
