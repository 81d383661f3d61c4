import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { isIdempotencyConflict, isReelayValidationError } from '@reelay/producer';
import { ENQUEUE_HELP as HELP } from '../usage.ts';
import { producerFromEnv } from './producer-from-env.ts';

export async function runEnqueue(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'idempotency-key': { type: 'string' },
      'webhook-url': { type: 'string' },
      metadata: { type: 'string', multiple: true },
      priority: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const source = positionals[0];
  let request: unknown;
  try {
    request = JSON.parse(
      source && source !== '-' ? await readFile(source, 'utf8') : await text(process.stdin),
    );
  } catch (e) {
    process.stderr.write(`reelay enqueue: could not read the request as JSON: ${(e as Error).message}\n`);
    return 2;
  }
  const options: Record<string, unknown> = {};
  if (values['idempotency-key']) options.idempotencyKey = values['idempotency-key'];
  if (values['webhook-url']) options.webhook = { url: values['webhook-url'] };
  if (values.priority) options.priority = Number(values.priority);
  if (values.metadata)
    options.metadata = Object.fromEntries(
      values.metadata.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );

  const producer = producerFromEnv();
  if (!producer) return 2;
  try {
    const result = await producer.enqueue(request, options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (e) {
    if (isReelayValidationError(e)) {
      process.stderr.write(`reelay enqueue: ${e.message}\n`);
      return 1;
    }
    if (isIdempotencyConflict(e)) {
      process.stderr.write(`reelay enqueue: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await producer.close();
  }
}
