import { parseArgs } from 'node:util';
import { isBatchId } from '@reelay/contracts';

export const BATCH_HELP = `usage: reelay batch create <file.jsonl> [--tenant T] [--webhook-url URL] [--idempotency-key K] [--json]
       reelay batch status <batch id> [--watch] [--json]
       reelay batch cancel <batch id> [--json]
Creates, follows and cancels batches (README.md, "Running each part").
create   reads one item per line of the file (- for stdin): { "request": {...}, "options": {...} }
         or a bare request object; blank lines are skipped. Every line is checked first: a bad
         line is named with its number and field, exits 2 and nothing is enqueued. Prints the
         batch id (--json: the whole create result, with every member's id).
status   prints the counts by state, cost, state and results file. --watch on a terminal redraws
         a progress bar until the batch ends, then prints the summary; when stdout is not a
         terminal (a pipe, a file, CI) --watch prints one snapshot, as without it.
cancel   cancels every member not yet ended; prints the batch as it is then.
--tenant T              the tenant the whole batch belongs to (default: default)
--webhook-url URL       receives batch.completed, and each member's events unless it names its own
--idempotency-key K     the same key returns the same batch instead of making a second one
--json                  prints JSON instead of text`;

export type BatchCommand =
  | { kind: 'help' }
  | {
      kind: 'create';
      file: string;
      tenant?: string;
      webhookUrl?: string;
      idempotencyKey?: string;
      json: boolean;
    }
  | { kind: 'status'; id: string; watch: boolean; json: boolean }
  | { kind: 'cancel'; id: string; json: boolean };

export type BatchArgsResult = { ok: true; command: BatchCommand } | { ok: false; problems: string[] };

const CREATE_FLAGS = ['tenant', 'webhook-url', 'idempotency-key'] as const;

const OPTIONS = {
  tenant: { type: 'string', multiple: true },
  'webhook-url': { type: 'string', multiple: true },
  'idempotency-key': { type: 'string', multiple: true },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `reelay batch …` arguments to a command, or every problem with them. Pure: nothing is read.
 * The values of --tenant, --webhook-url and --idempotency-key are checked by the SDK's own rules
 * when the batch is created (before anything is enqueued), and reported against the flag.
 */
export function parseBatchArgs(argv: string[]): BatchArgsResult {
  const parsed = tryParseArgs(argv);
  if ('problem' in parsed) return { ok: false, problems: [parsed.problem] };
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, command: { kind: 'help' } };
  const [sub, ...rest] = positionals;
  const json = values.json ?? false;
  if (sub === undefined)
    return {
      ok: false,
      problems: ['expected a subcommand: create <file.jsonl>, status <batch id> or cancel <batch id>'],
    };
  if (sub !== 'create' && sub !== 'status' && sub !== 'cancel')
    return { ok: false, problems: [`unknown subcommand '${sub}': expected create, status or cancel`] };

  const problems: string[] = [];
  if (sub !== 'create') {
    const given = CREATE_FLAGS.filter((f) => values[f] !== undefined).map((f) => `--${f}`);
    if (given.length)
      problems.push(
        `${given.join(', ')}: only \`reelay batch create\` takes ${given.length > 1 ? 'these' : 'this'}`,
      );
  }
  if (sub !== 'status' && values.watch) problems.push('--watch: only `reelay batch status` takes this');
  if (sub === 'status' && values.watch && json)
    problems.push('--watch, --json: give one or the other (--json prints one snapshot)');

  const [target, extra] = rest;
  if (extra !== undefined)
    problems.push(`unexpected argument '${extra}': \`reelay batch ${sub}\` takes one ${what(sub)}`);
  if (target === undefined) {
    problems.push(
      `<${what(sub)}>: \`reelay batch ${sub}\` needs ${sub === 'create' ? 'a file' : 'a batch id'}`,
    );
    return { ok: false, problems };
  }

  if (sub === 'create') {
    const once = (flag: (typeof CREATE_FLAGS)[number]): string | undefined => {
      const v = values[flag];
      if (!v) return undefined;
      if (v.length > 1) problems.push(`--${flag}: given ${v.length} times; give it once`);
      return v[0];
    };
    const tenant = once('tenant');
    const webhookUrl = once('webhook-url');
    const idempotencyKey = once('idempotency-key');
    if (problems.length) return { ok: false, problems };
    return {
      ok: true,
      command: {
        kind: 'create',
        file: target,
        json,
        ...(tenant !== undefined ? { tenant } : {}),
        ...(webhookUrl !== undefined ? { webhookUrl } : {}),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      },
    };
  }
  if (!isBatchId(target))
    problems.push(`<batch id> '${target}': must be bat_ followed by 26 characters (as create printed it)`);
  if (problems.length) return { ok: false, problems };
  return sub === 'status'
    ? { ok: true, command: { kind: 'status', id: target, watch: values.watch ?? false, json } }
    : { ok: true, command: { kind: 'cancel', id: target, json } };
}

function tryParseArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const { code, message } = e as Error & { code?: string };
    const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(message)?.[1] : undefined;
    if (unknown) return { problem: `${unknown}: not a flag of \`reelay batch\`` };
    return { problem: message };
  }
}

const what = (sub: string) => (sub === 'create' ? 'file' : 'batch id');
