import { describe, expect, it } from 'vitest';
import { parseBatchArgs } from './batch-args.ts';

const ID = 'bat_01jd8x3k4m5n6p7q8r9s0t1v2w';
const args = (line: string) => line.split(' ').filter(Boolean);
const command = (line: string) => {
  const r = parseBatchArgs(args(line));
  if (!r.ok) throw new Error(`expected ok, got ${r.problems.join('; ')}`);
  return r.command;
};
const problems = (line: string) => {
  const r = parseBatchArgs(args(line));
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.command)}`);
  return r.problems;
};

describe('parseBatchArgs', () => {
  it('reads create with its flags', () => {
    expect(command('create items.jsonl')).toEqual({ kind: 'create', file: 'items.jsonl', json: false });
    expect(
      command(
        'create - --tenant acme --webhook-url https://hooks.example/b --idempotency-key nightly-7 --json',
      ),
    ).toEqual({
      kind: 'create',
      file: '-',
      tenant: 'acme',
      webhookUrl: 'https://hooks.example/b',
      idempotencyKey: 'nightly-7',
      json: true,
    });
    expect(command('create a.jsonl --tenant=acme')).toMatchObject({ tenant: 'acme' });
  });

  it('reads status and cancel', () => {
    expect(command(`status ${ID}`)).toEqual({ kind: 'status', id: ID, watch: false, json: false });
    expect(command(`status ${ID} --watch`)).toEqual({ kind: 'status', id: ID, watch: true, json: false });
    expect(command(`status ${ID} --json`)).toEqual({ kind: 'status', id: ID, watch: false, json: true });
    expect(command(`cancel ${ID}`)).toEqual({ kind: 'cancel', id: ID, json: false });
    expect(command('--help')).toEqual({ kind: 'help' });
    expect(command(`cancel ${ID} -h`)).toEqual({ kind: 'help' });
  });

  it('wants a known subcommand and its one argument', () => {
    expect(problems('')).toEqual([
      'expected a subcommand: create <file.jsonl>, status <batch id> or cancel <batch id>',
    ]);
    expect(problems('list')).toEqual(["unknown subcommand 'list': expected create, status or cancel"]);
    expect(problems('create')).toEqual(['<file>: `reelay batch create` needs a file']);
    expect(problems('status')).toEqual(['<batch id>: `reelay batch status` needs a batch id']);
    expect(problems(`cancel ${ID} ${ID}`)).toEqual([
      `unexpected argument '${ID}': \`reelay batch cancel\` takes one batch id`,
    ]);
    expect(problems('create a.jsonl b.jsonl')).toEqual([
      "unexpected argument 'b.jsonl': `reelay batch create` takes one file",
    ]);
  });

  it('checks the batch id', () => {
    expect(problems('status gen_01jd8x3k4m5n6p7q8r9s0t1v2w')).toEqual([
      "<batch id> 'gen_01jd8x3k4m5n6p7q8r9s0t1v2w': must be bat_ followed by 26 characters (as create printed it)",
    ]);
  });

  it('refuses flags where they do not belong, and flags given twice', () => {
    expect(problems(`status ${ID} --tenant acme --webhook-url x`)).toEqual([
      '--tenant, --webhook-url: only `reelay batch create` takes these',
    ]);
    expect(problems('create a.jsonl --watch')).toEqual(['--watch: only `reelay batch status` takes this']);
    expect(problems(`status ${ID} --watch --json`)).toEqual([
      '--watch, --json: give one or the other (--json prints one snapshot)',
    ]);
    expect(problems('create a.jsonl --tenant a --tenant b')).toEqual([
      '--tenant: given 2 times; give it once',
    ]);
    expect(problems('create a.jsonl --colour blue')).toEqual(['--colour: not a flag of `reelay batch`']);
    expect(problems('create a.jsonl --tenant')[0]).toContain('--tenant');
  });
});
