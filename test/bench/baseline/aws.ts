/**
 * The AWS SDK for the baseline, resolved through the worker package (test/ depends on
 * @aws-sdk/client-s3 but not on @aws-sdk/lib-storage), so both come from the same install Reelay
 * uses. Typed narrowly: only what the baseline calls.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

const fromWorker = createRequire(new URL('../../../apps/worker/package.json', import.meta.url));

export type S3ClientLike = { send(command: unknown): Promise<unknown>; destroy(): void };
type UploadParams = { Bucket: string; Key: string; Body: Readable; ContentType?: string };
export type UploadLike = { done(): Promise<unknown>; abort(): Promise<void> };

const storage = fromWorker('@aws-sdk/lib-storage') as {
  Upload: new (opts: {
    client: S3ClientLike;
    params: UploadParams;
    partSize?: number;
    queueSize?: number;
  }) => UploadLike;
};
const s3 = fromWorker('@aws-sdk/client-s3') as {
  S3Client: new (config: Record<string, unknown>) => S3ClientLike;
};

export const Upload = storage.Upload;

/** An S3 client with the settings Reelay's worker uses against s3rver (path style, checksums only when required). */
export function s3Client(endpoint: string): S3ClientLike {
  return new s3.S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
