import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * A local S3-compatible storage for the tests: the S3 server of the npm package `@20minutes/s3rver`
 * (a maintained fork of `s3rver`), in process, on a free port, its objects in a temporary folder.
 * It speaks the S3 API the AWS SDK v3 uses (path-style addresses), checks every SigV4 signature
 * (headers and presigned queries, with their expiry), and, like a private bucket, refuses any
 * request that is not signed (s3rver alone would serve them).
 *
 *   const s3 = await start({ bucket: 'asso' });
 *   await startStrapi({ env: s3.env });      // UPLOAD_PROVIDER=s3 and the S3_* variables
 *   await s3.list();                          // the keys in the bucket
 *   await s3.stop();
 *
 * Two Strapi instances given the same `env` share the bucket.
 */
export interface S3StandIn {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** the variables that point the app at this storage */
  env: Record<string, string>;
  /** the keys of the bucket's objects, sorted */
  list: () => Promise<string[]>;
  /** an object's bytes (a signed request), or null */
  read: (key: string) => Promise<Buffer | null>;
  stop: () => Promise<void>;
}

/** What is used of the s3rver package (a Koa application). */
interface S3rverServer {
  middleware: Array<(ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void>;
  run: () => Promise<AddressInfo>;
  close: () => Promise<void>;
  httpServer?: Server;
  store: { listObjects: (bucket: string, options: Record<string, unknown>) => Promise<{ objects: Array<{ key: string }> }> };
}
interface S3rverContext {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverServer;

// the package ships no types
const S3rver = require('@20minutes/s3rver') as S3rverClass;

/** s3rver's default account: the only access key it accepts (its secret checks every signature). */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const REGION = 'fr-par';

const accessDenied = (ctx: S3rverContext) => {
  ctx.status = 403;
  ctx.type = 'application/xml';
  ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
};

export const start = async ({ bucket }: { bucket: string }): Promise<S3StandIn> => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  // a private bucket: no anonymous request (s3rver lets them through unchecked)
  server.middleware.unshift(async (ctx, next) => {
    const signed = Boolean(ctx.headers.authorization) || 'X-Amz-Signature' in ctx.query || 'Signature' in ctx.query;
    if (!signed && ctx.method !== 'OPTIONS') return accessDenied(ctx);
    return next();
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  });
  return {
    endpoint,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    env: {
      UPLOAD_PROVIDER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      S3_FORCE_PATH_STYLE: 'true',
    },
    async list() {
      // from the server's own store (what the bucket holds, whoever wrote it)
      const { objects } = await server.store.listObjects(bucket, {});
      return objects.map((o) => o.key).sort();
    },
    async read(key: string) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await answer.Body!.transformToByteArray());
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey') return null;
        throw e;
      }
    },
    async stop() {
      client.destroy();
      server.httpServer?.closeAllConnections?.();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
};
