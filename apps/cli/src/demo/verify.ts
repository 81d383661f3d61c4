import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { type GenerationStatus, webhookIdFor } from '@reelay/contracts';
import type { DemoStack } from './demo-stack.ts';

export type Check = { ok: boolean; detail: string };
export type GenerationCheck = { state: Check; object: Check; sha256: Check; webhook: Check };

/**
 * Checks one finished generation the way a sceptical user would: the object is in S3 with the
 * recorded size; its bytes hash to the recorded sha256, which matches the upstream's video
 * (the simulator's own hash when embedded); a signed webhook for it arrived and verified.
 */
export async function verifyGeneration(stack: DemoStack, status: GenerationStatus): Promise<GenerationCheck> {
  const fail = (detail: string): Check => ({ ok: false, detail });
  const state: Check = {
    ok: status.state === 'succeeded',
    detail: status.state + (status.error ? ` (${status.error.code}: ${status.error.message})` : ''),
  };
  const out = status.output;
  if (!out)
    return {
      state,
      object: fail('no object'),
      sha256: fail('-'),
      webhook: await webhookCheck(stack, status),
    };

  let object: Check;
  let sha256: Check;
  try {
    const head = await stack.s3Client.send(new HeadObjectCommand({ Bucket: out.bucket, Key: out.key }));
    object =
      head.ContentLength === out.size
        ? { ok: true, detail: `${out.size} B` }
        : fail(`stored ${head.ContentLength} B, recorded ${out.size} B`);
    const expected =
      stack.sim && status.upstream.taskId
        ? await stack.sim.expectedSha256(status.upstream.taskId)
        : out.sha256;
    const body = (await stack.s3Client.send(new GetObjectCommand({ Bucket: out.bucket, Key: out.key })))
      .Body as AsyncIterable<Uint8Array>;
    const hash = createHash('sha256');
    for await (const chunk of body) hash.update(chunk);
    const actual = hash.digest('hex');
    sha256 =
      actual === expected && actual === out.sha256
        ? { ok: true, detail: actual.slice(0, 12) }
        : fail(`stored ${actual.slice(0, 12)}, expected ${expected.slice(0, 12)}`);
  } catch (e) {
    object = fail((e as Error).message);
    sha256 = fail('-');
  }
  return { state, object, sha256, webhook: await webhookCheck(stack, status) };
}

async function webhookCheck(stack: DemoStack, status: GenerationStatus): Promise<Check> {
  const event =
    status.state === 'succeeded'
      ? 'generation.succeeded'
      : status.state === 'failed'
        ? 'generation.failed'
        : 'generation.canceled';
  if (!stack.receiver) {
    const d = status.deliveries.find((x) => x.event === event);
    return d?.state === 'delivered'
      ? { ok: true, detail: 'delivered' }
      : { ok: false, detail: d?.state ?? 'not sent' };
  }
  const id = webhookIdFor(status.id, event);
  try {
    const all = await stack.receiver.waitFor(
      (ds) => ds.some((d) => d.webhookId === id && d.verified),
      15_000,
    );
    const mine = all.filter((d) => d.webhookId === id);
    return {
      ok: mine.every((d) => d.verified),
      detail: `verified (${mine.length} delivery${mine.length > 1 ? 'ies' : ''})`,
    };
  } catch {
    return { ok: false, detail: 'no verified delivery' };
  }
}
