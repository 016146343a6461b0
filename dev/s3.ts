// Local S3 endpoint for `make dev` (s3rver, data on disk), used when MINIO_ENDPOINT is not set.
import S3rver from 's3rver';
import { mkdir } from 'node:fs/promises';
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
