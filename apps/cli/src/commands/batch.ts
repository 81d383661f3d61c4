import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { isBudgetExceeded, isIdempotencyConflict, isReelayValidationError } from '@reelay/producer';
import { BATCH_HELP, type BatchCommand, parseBatchArgs } from '../batch/batch-args.ts';
import { batchBlock, watchBatch } from '../batch/batch-format.ts';
import { issueMessage, parseBatchLines } from '../batch/batch-lines.ts';
import { producerFromEnv } from './producer-from-env.ts';

const say = (line: string) => process.stderr.write(`reelay batch: ${line}\n`);

/**
 * `reelay batch create <file.jsonl> | status <id> [--watch] | cancel <id>`. Arguments and every
 * line of the file are checked before anything is enqueued: a bad one is named, exits 2 and
 * changes nothing.
 */
export async function runBatch(argv: string[]): Promise<number> {
  const parsed = parseBatchArgs(argv);
  if (!parsed.ok) {
    for (const p of parsed.problems) say(p);
    process.stderr.write(`\n${BATCH_HELP}\n`);
    return 2;
  }
  const command = parsed.command;
  if (command.kind === 'help') {
    process.stdout.write(`${BATCH_HELP}\n`);
    return 0;
  }
  if (command.kind === 'create') return create(command);

  const producer = producerFromEnv();
  if (!producer) return 2;
  const print = (value: unknown, text: string) =>
    process.stdout.write(`${command.json ? JSON.stringify(value, null, 2) : text}\n`);
  try {
    if (command.kind === 'cancel') {
      const batch = await producer.cancelBatch(command.id);
      if (!batch) return unknown(command.id);
      print(batch, batchBlock(batch));
      return 0;
    }
    if (command.watch && process.stdout.isTTY) {
      let stop = false;
      let wake: (() => void) | undefined;
      const interrupt = () => {
        stop = true;
        wake?.();
      };
      process.once('SIGINT', interrupt);
      try {
        const last = await watchBatch({
          get: () => producer.getBatch(command.id),
          write: (t) => process.stdout.write(t),
          pause: (ms) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, ms);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            }),
          stopped: () => stop,
        });
        return last ? 0 : unknown(command.id);
      } finally {
        process.off('SIGINT', interrupt);
      }
    }
    const batch = await producer.getBatch(command.id);
    if (!batch) return unknown(command.id);
    print(batch, batchBlock(batch));
    return 0;
  } finally {
    await producer.close();
  }
}

function unknown(id: string): number {
  say(`no batch ${id}`);
  return 1;
}

async function create(command: Extract<BatchCommand, { kind: 'create' }>): Promise<number> {
  let source: string;
  try {
    source = command.file === '-' ? await text(process.stdin) : await readFile(command.file, 'utf8');
  } catch (e) {
    say(`could not read ${command.file}: ${(e as Error).message}`);
    return 2;
  }
  const lines = parseBatchLines(source);
  if (!lines.ok) {
    for (const p of lines.problems) say(`${command.file}: ${p}`);
    return 2;
  }
  const producer = producerFromEnv();
  if (!producer) return 2;
  try {
    const result = await producer.createBatch(
      lines.lines.map((l) => l.item),
      {
        ...(command.tenant !== undefined ? { tenant: command.tenant } : {}),
        ...(command.webhookUrl !== undefined ? { webhook: { url: command.webhookUrl } } : {}),
        ...(command.idempotencyKey !== undefined ? { idempotencyKey: command.idempotencyKey } : {}),
      },
    );
    process.stdout.write(
      command.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${result.id}\n${result.created ? '' : `(the idempotency key names this batch, made before: nothing new was enqueued)\n`}`,
    );
    return 0;
  } catch (e) {
    if (isReelayValidationError(e)) {
      for (const issue of e.issues)
        say(
          issue.path.startsWith('items[')
            ? `${command.file}: ${issueMessage(issue, lines.lines)}`
            : issueMessage(issue, lines.lines),
        );
      say('nothing was enqueued');
      return 2;
    }
    if (isBudgetExceeded(e) || isIdempotencyConflict(e)) {
      say(`${(e as Error).message}; nothing was enqueued`);
      return 1;
    }
    throw e;
  } finally {
    await producer.close();
  }
}
