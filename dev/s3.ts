// Local S3 endpoint for `make dev` and the tests (s3rver, data on disk), used when MINIO_ENDPOINT is not set.
// s3rver (3.7.1) has had no release for years; it stays because it is embedded (no binary, no container,
// starts in-process in milliseconds) and only ever serves development and tests, never production. Nothing
// outside this file knows it: callers get a LocalS3 (an S3 endpoint and keys) from startS3(), so replacing it
// (e.g. by a versitygw or SeaweedFS binary, or the compose S3 server) changes this file only.
import S3rver from 's3rver';
import { mkdir, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DATA_DIR } from './paths.ts';

export interface LocalS3 {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  close(): Promise<void>;
}

// s3rver accepts only its hard-coded dummy account.
export const S3RVER_KEY = 'S3RVER';

export async function startS3({ dir = `${DATA_DIR}/s3`, port = 9100, host = '127.0.0.1', silent = true } = {}): Promise<LocalS3> {
  const directory = resolve(dir);
  await mkdir(directory, { recursive: true });
  // vhostBuckets off: we address buckets path-style, and a hostname must never be taken for a bucket.
  const server = new S3rver({ address: host, port, directory, silent, vhostBuckets: false });
  keepDirectories(server);
  const address = await server.run();
  let closed = false;
  return {
    endPoint: host,
    port: address.port,
    accessKey: S3RVER_KEY,
    secretKey: S3RVER_KEY,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}

/**
 * s3rver deletes an object's parent directories once they look empty, racing a concurrent PUT into the
 * same prefix (its write then fails with an unhandled ENOENT, and the DELETE with ENOTEMPTY → 500). Real
 * S3 has no directories: delete only the object's files and leave the directories.
 */
function keepDirectories(server: S3rver): void {
  const store = server.store;
  store.deleteObject = async (bucket, key) => {
    await Promise.all(['object', 'object.md5', 'metadata.json'].map((r) =>
      unlink(store.getResourcePath(bucket, key, r)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      })));
  };
}
