import { describe, expect, it } from 'vitest';
import { routeArgs } from './cli-args.ts';
import { COMMANDS } from './commands.ts';
import { COMMAND_HELP, USAGE } from './usage.ts';

const route = (...argv: string[]) => routeArgs(argv, '1.2.3');

describe('routeArgs', () => {
  it('prints every command its usage for --help or -h, on stdout with exit 0, running nothing', () => {
    for (const command of Object.keys(COMMANDS)) {
      for (const flag of ['--help', '-h']) {
        const r = route(command, flag);
        expect(r, `${command} ${flag}`).toEqual({
          kind: 'print',
          text: COMMAND_HELP[command],
          to: 'stdout',
          code: 0,
        });
        expect(COMMAND_HELP[command]).toMatch(new RegExp(`^usage: reelay ${command}\\b`));
      }
    }
  });

  it('has a usage for every command and a command for every usage', () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const command of Object.keys(COMMANDS)) expect(USAGE).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });

  it('takes --help anywhere after the command, and `reelay help <command>`', () => {
    expect(route('tenant', 'set', 'acme', '--weight', '2', '--help')).toMatchObject({
      kind: 'print',
      text: COMMAND_HELP.tenant,
      code: 0,
    });
    expect(route('status', '--help')).toMatchObject({ text: COMMAND_HELP.status, code: 0 });
    expect(route('batch', 'create', 'items.jsonl', '-h')).toMatchObject({
      text: COMMAND_HELP.batch,
      code: 0,
    });
    expect(COMMAND_HELP.batch).toMatch(/^usage: reelay batch create <file\.jsonl>/);
    expect(route('help', 'worker')).toMatchObject({ text: COMMAND_HELP.worker, to: 'stdout', code: 0 });
  });

  it('prints the general usage for --help, -h and help, and the version for --version and -v', () => {
    for (const argv of [['--help'], ['-h'], ['help']])
      expect(route(...argv)).toEqual({ kind: 'print', text: USAGE, to: 'stdout', code: 0 });
    expect(route('--version')).toEqual({ kind: 'print', text: '1.2.3', to: 'stdout', code: 0 });
    expect(route('-v')).toMatchObject({ text: '1.2.3', code: 0 });
  });

  it('refuses what it does not know on stderr with exit 2', () => {
    expect(route()).toEqual({ kind: 'print', text: USAGE, to: 'stderr', code: 2 });
    expect(route('wrker')).toEqual({
      kind: 'print',
      text: `reelay: unknown command 'wrker'\n\n${USAGE}`,
      to: 'stderr',
      code: 2,
    });
    expect(route('help', 'wrker')).toMatchObject({ to: 'stderr', code: 2 });
  });

  it('refuses arguments to a command that takes none, rather than start it ignoring them', () => {
    const r = route('worker', '--concurrency', '8');
    expect(r).toMatchObject({ kind: 'print', to: 'stderr', code: 2 });
    expect(r.kind === 'print' && r.text).toContain(
      "reelay: worker takes no arguments (got '--concurrency 8'); it is configured by environment variables",
    );
    expect(r.kind === 'print' && r.text).toContain(COMMAND_HELP.worker);
  });

  it('runs a command with its arguments', () => {
    expect(route('worker')).toEqual({ kind: 'run', command: 'worker', args: [] });
    expect(route('enqueue', 'req.json', '--priority', '2')).toEqual({
      kind: 'run',
      command: 'enqueue',
      args: ['req.json', '--priority', '2'],
    });
  });
});
