import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { BatchManifest, BatchResultLine } from '@reelay/contracts';
import type { BatchStore, GenerationRecord, StatusStore } from '@reelay/core';
import type { S3Target } from './deps.ts';

/** Members read at once while the results file is built. */
const PAGE = 500;

/** Where a batch's results file goes: `${S3_KEY_PREFIX}batches/<batch id>.jsonl`. */
export const resultsKey = (keyPrefix: string, batchId: string): string =>
  `${keyPrefix}batches/${batchId}.jsonl`;

/** One line of the results file, from a member's record (undefined: the record expired). */
export function resultLine(index: number, id: string, record: GenerationRecord | undefined): BatchResultLine {
  if (!record) return { index, id, state: 'expired', output: null, error: null, costUsd: null };
  const { output, error } = record;
  return {
    index,
    id,
    state: record.state,
    output: output
      ? { bucket: output.bucket, key: output.key, size: output.size, sha256: output.sha256 }
      : null,
    error: error ? { stage: error.stage, code: error.code, message: error.message } : null,
    costUsd: { estimated: record.cost.estimatedUsd, actual: record.cost.actualUsd ?? null },
    ...(record.metadata ? { metadata: record.metadata } : {}),
  };
}

/**
 * Writes a batch's results file: one JSON line per member, in the order of the items, read a
 * page at a time. At 10,000 members it is a few MB, put in one request (S3 takes 5 GB so).
 */
export async function writeResults(
  deps: { store: StatusStore; batches: BatchStore; s3: S3Target },
  batchId: string,
): Promise<BatchManifest & { lines: number }> {
  const chunks: string[] = [];
  let index = 0;
  for (let start = 0; ; start += PAGE) {
    const ids = await deps.batches.memberIds(batchId, start, PAGE);
    const records = await Promise.all(ids.map((id) => deps.store.get(id, { attempts: false })));
    for (const [i, id] of ids.entries())
      chunks.push(`${JSON.stringify(resultLine(index++, id, records[i]))}\n`);
    if (ids.length < PAGE) break;
  }
  const key = resultsKey(deps.s3.keyPrefix, batchId);
  await deps.s3.client.send(
    new PutObjectCommand({
      Bucket: deps.s3.bucket,
      Key: key,
      Body: chunks.join(''),
      ContentType: 'application/x-ndjson',
    }),
  );
  return { bucket: deps.s3.bucket, key, lines: index };
}
