import { describe, expect, it } from 'vitest';
import { parseTenantArgs, type TenantArgsResult } from './tenant-args.ts';

const args = (line: string) => line.split(' ').filter(Boolean);
const command = (line: string) => {
  const r = parseTenantArgs(args(line));
  if (!r.ok) throw new Error(`expected ok, got ${r.problems.join('; ')}`);
  return r.command;
};
const problems = (line: string) => {
  const r: TenantArgsResult = parseTenantArgs(args(line));
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.command)}`);
  return r.problems;
};

describe('parseTenantArgs: list and show', () => {
  it('reads list and show, with --json', () => {
    expect(command('list')).toEqual({ kind: 'list', json: false });
    expect(command('list --json')).toEqual({ kind: 'list', json: true });
    expect(command('show acme')).toEqual({ kind: 'show', name: 'acme', json: false });
    expect(command('show acme.eu-1_x --json')).toEqual({ kind: 'show', name: 'acme.eu-1_x', json: true });
    expect(command('--help')).toEqual({ kind: 'help' });
    expect(command('set acme -h')).toEqual({ kind: 'help' });
  });

  it('wants a known subcommand and the right number of names', () => {
    expect(problems('')).toEqual([
      'expected a subcommand: list, show <name>, set <name> or reconcile [<name>]',
    ]);
    expect(problems('remove acme')).toEqual([
      "unknown subcommand 'remove': expected list, show, set or reconcile",
    ]);
    expect(problems('show')).toEqual(['<name>: `reelay tenant show` needs a tenant name']);
    expect(problems('show a b')).toEqual(["unexpected argument 'b': `reelay tenant show` takes one name"]);
    expect(problems('list acme')).toEqual(["unexpected argument 'acme': `reelay tenant list` takes no name"]);
  });

  it("checks the name against the contract's rule", () => {
    expect(problems('show a/b')).toEqual([
      `<name> 'a/b': must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"`,
    ]);
    expect(problems(`set ${'x'.repeat(65)} --pause`)[0]).toMatch(/^<name> 'x+': must be 1-64 characters/);
  });

  it('refuses the settings flags outside set', () => {
    expect(problems('show acme --pause --weight 2')).toEqual([
      '--weight, --pause: only `reelay tenant set` takes these',
    ]);
    expect(problems('list --no-budget')).toEqual(['--no-budget: only `reelay tenant set` takes this']);
  });

  it("passes node:util's own message for unknown flags and missing values", () => {
    expect(problems('set acme --wieght 2')).toEqual(['--wieght: not a flag of `reelay tenant`']);
    expect(problems('set acme --weight')[0]).toContain('--weight');
  });
});

describe('parseTenantArgs: set', () => {
  const patch = (line: string) => {
    const c = command(line);
    if (c.kind !== 'set') throw new Error(`expected set, got ${c.kind}`);
    return c.patch;
  };

  it('turns each flag into its field of the patch', () => {
    expect(patch('set acme --weight 3')).toEqual({ weight: 3 });
    expect(patch('set acme --max-in-flight 10')).toEqual({ maxInFlight: 10 });
    expect(patch('set acme --max-in-flight none')).toEqual({ maxInFlight: null });
    expect(patch('set acme --max-in-flight NONE')).toEqual({ maxInFlight: null });
    expect(patch('set acme --budget-usd 500 --period month')).toEqual({
      budget: { limitUsd: 500, period: 'month' },
    });
    expect(patch('set acme --budget-usd=12.50 --period=day')).toEqual({
      budget: { limitUsd: 12.5, period: 'day' },
    });
    expect(patch('set acme --budget-usd 0 --period total')).toEqual({
      budget: { limitUsd: 0, period: 'total' },
    });
    expect(patch('set acme --no-budget')).toEqual({ budget: null });
    expect(patch('set acme --pause')).toEqual({ paused: true });
    expect(patch('set acme --resume')).toEqual({ paused: false });
    expect(command('set acme --weight 2 --max-in-flight 4 --no-budget --resume --json')).toEqual({
      kind: 'set',
      name: 'acme',
      json: true,
      patch: { weight: 2, maxInFlight: 4, budget: null, paused: false },
    });
  });

  it('wants something to set', () => {
    expect(problems('set acme')).toEqual([
      'nothing to set: pass at least one of --weight, --max-in-flight, --budget-usd with --period, --no-budget, --pause, --resume',
    ]);
    expect(problems('set acme --json')[0]).toMatch(/^nothing to set/);
  });

  it('names the flag and the rule for a number that is not one', () => {
    expect(problems('set acme --weight abc')).toEqual([
      "--weight: must be an integer from 1 to 100 (got 'abc')",
    ]);
    expect(problems('set acme --weight 0x10')).toEqual([
      "--weight: must be an integer from 1 to 100 (got '0x10')",
    ]);
    expect(problems('set acme --max-in-flight lots')).toEqual([
      "--max-in-flight: must be a positive integer, or none to remove the cap (got 'lots')",
    ]);
    expect(problems('set acme --budget-usd 1e3 --period day')).toEqual([
      "--budget-usd: must be a number of US dollars, e.g. 250 or 12.50 (got '1e3')",
    ]);
  });

  it("names the flag and the contract's rule for a value out of range", () => {
    expect(problems('set acme --weight 0')).toEqual(['--weight: must be an integer from 1 to 100']);
    expect(problems('set acme --weight 101')).toEqual(['--weight: must be an integer from 1 to 100']);
    expect(problems('set acme --weight 1.5')).toEqual(['--weight: must be an integer from 1 to 100']);
    expect(problems('set acme --max-in-flight 0')).toEqual([
      '--max-in-flight: must be a positive integer or none (no cap of its own)',
    ]);
    expect(problems('set acme --max-in-flight 2000000')).toEqual([
      '--max-in-flight: must be at most 1000000',
    ]);
    expect(problems('set acme --budget-usd=-1 --period day')).toEqual(['--budget-usd: must be at least 0']);
    expect(problems('set acme --budget-usd 5 --period week')).toEqual([
      '--period: must be one of day, month, total (UTC calendar periods)',
    ]);
  });

  it('refuses flags that do not go together', () => {
    expect(problems('set acme --budget-usd 5')).toEqual([
      '--budget-usd: needs --period day, month or total (a budget is a limit per period)',
    ]);
    expect(problems('set acme --period day')).toEqual([
      '--period: needs --budget-usd (a budget is a limit per period)',
    ]);
    expect(problems('set acme --no-budget --budget-usd 5 --period day')).toEqual([
      '--no-budget: cannot be combined with --budget-usd or --period',
    ]);
    expect(problems('set acme --pause --resume')).toEqual([
      '--pause, --resume: give one or the other, not both',
    ]);
    expect(problems('set acme --weight 2 --weight 3')).toEqual(['--weight: given 2 times; give it once']);
  });

  it('reports every problem at once', () => {
    expect(problems('set a/b --weight 0 --max-in-flight x --pause --resume')).toEqual([
      `<name> 'a/b': must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"`,
      "--max-in-flight: must be a positive integer, or none to remove the cap (got 'x')",
      '--pause, --resume: give one or the other, not both',
      '--weight: must be an integer from 1 to 100',
    ]);
  });

  it('reconcile takes one tenant or none (every tenant)', () => {
    expect(parseTenantArgs(['reconcile'])).toEqual({ ok: true, command: { kind: 'reconcile', json: false } });
    expect(parseTenantArgs(['reconcile', 'acme', '--json'])).toEqual({
      ok: true,
      command: { kind: 'reconcile', name: 'acme', json: true },
    });
    expect(parseTenantArgs(['reconcile', 'acme', '--weight', '2'])).toMatchObject({ ok: false });
  });
});
