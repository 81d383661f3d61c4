/**
 * What-if preload for Reelay workers (`run.ts --preload what-if/skip-head.ts`): the sink without
 * its HeadObject after the upload. The bytes each upload sent are noted, and the HEAD that follows
 * is answered with that size instead of a request to S3, so the size check still runs. Measures
 * the proposed fix without changing product code.
 */
import { S3Client } from '@aws-sdk/client-s3';

type Input = { Bucket?: string; Key?: string; UploadId?: string; Body?: unknown };
type Command = { constructor: { name: string }; input: Input };

let noted = false;
const sent = new Map<string, number>();
const parts = new Map<string, number>();
const bytesOf = (body: unknown): number | undefined =>
  body instanceof Uint8Array
    ? body.byteLength
    : typeof body === 'string'
      ? Buffer.byteLength(body)
      : undefined;
const keyOf = (i: Input) => `${i.Bucket}/${i.Key}`;

const send = S3Client.prototype.send as (
  this: S3Client,
  command: Command,
  ...rest: unknown[]
) => Promise<unknown>;
(S3Client.prototype as unknown as { send: typeof send }).send = async function (command, ...rest) {
  const { input } = command;
  switch (command.constructor.name) {
    case 'HeadObjectCommand': {
      const size = sent.get(keyOf(input));
      if (size === undefined) break;
      sent.delete(keyOf(input));
      if (!noted) process.stderr.write('what-if skip-head: HEAD answered from the bytes sent\n');
      noted = true;
      return { ContentLength: size, $metadata: {} };
    }
    case 'PutObjectCommand': {
      const size = bytesOf(input.Body);
      const out = await send.call(this, command, ...rest);
      if (size !== undefined) sent.set(keyOf(input), size);
      return out;
    }
    case 'UploadPartCommand': {
      const out = await send.call(this, command, ...rest);
      const id = input.UploadId ?? '';
      parts.set(id, (parts.get(id) ?? 0) + (bytesOf(input.Body) ?? Number.NaN));
      return out;
    }
    case 'CompleteMultipartUploadCommand': {
      const out = await send.call(this, command, ...rest);
      const id = input.UploadId ?? '';
      const size = parts.get(id);
      parts.delete(id);
      if (size !== undefined && Number.isFinite(size)) sent.set(keyOf(input), size);
      return out;
    }
  }
  return send.call(this, command, ...rest);
};
