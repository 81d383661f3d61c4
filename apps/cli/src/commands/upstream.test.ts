import { describe, expect, it } from 'vitest';
import { parseUpstreamArgs } from './upstream.ts';

describe('parseUpstreamArgs', () => {
  it('reads status, pause with or without a reason, resume and --help', () => {
    expect(parseUpstreamArgs(['status'])).toEqual({ ok: true, command: { kind: 'status', json: false } });
    expect(parseUpstreamArgs(['status', '--json'])).toEqual({
      ok: true,
      command: { kind: 'status', json: true },
    });
    expect(parseUpstreamArgs(['pause'])).toEqual({
      ok: true,
      command: { kind: 'pause', reason: 'paused by an operator' },
    });
    expect(parseUpstreamArgs(['pause', '--reason', 'card expired'])).toEqual({
      ok: true,
      command: { kind: 'pause', reason: 'card expired' },
    });
    expect(parseUpstreamArgs(['resume'])).toEqual({ ok: true, command: { kind: 'resume' } });
    expect(parseUpstreamArgs(['--help'])).toEqual({ ok: true, command: { kind: 'help' } });
  });

  it('names what is wrong', () => {
    expect(parseUpstreamArgs([])).toEqual({
      ok: false,
      problems: ['missing subcommand: status, pause or resume'],
    });
    expect(parseUpstreamArgs(['stop'])).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/unknown subcommand stop/)],
    });
    expect(parseUpstreamArgs(['pause', '--reason'])).toMatchObject({ ok: false });
    expect(parseUpstreamArgs(['pause', '--reason', '  '])).toMatchObject({ ok: false });
    expect(parseUpstreamArgs(['resume', 'now'])).toEqual({
      ok: false,
      problems: ['resume: takes no arguments'],
    });
    expect(parseUpstreamArgs(['status', '-x'])).toEqual({
      ok: false,
      problems: ['status: unknown argument -x'],
    });
  });
});
