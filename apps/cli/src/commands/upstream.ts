import { producerFromEnv } from './producer-from-env.ts';

export const UPSTREAM_HELP = `usage: reelay upstream status [--json]
       reelay upstream pause [--reason TEXT]
       reelay upstream resume
The upstream pause: while paused, no worker creates upstream tasks (queued generations wait,
polls, copies and webhooks go on). An account failure (bad key, no balance, no permission)
pauses it by itself and one submit per UPSTREAM_PAUSE_PROBE_MS probes it; a pause made here is
never probed: only \`reelay upstream resume\` (or the dashboard) ends it.`;

export type UpstreamCommand =
  | { kind: 'status'; json: boolean }
  | { kind: 'pause'; reason: string }
  | { kind: 'resume' }
  | { kind: 'help' };

/** Pure: the command, or every problem with the arguments. */
export function parseUpstreamArgs(
  argv: string[],
): { ok: true; command: UpstreamCommand } | { ok: false; problems: string[] } {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h') return { ok: true, command: { kind: 'help' } };
  if (verb === 'status') {
    const extra = rest.filter((a) => a !== '--json');
    return extra.length
      ? { ok: false, problems: extra.map((a) => `status: unknown argument ${a}`) }
      : { ok: true, command: { kind: 'status', json: rest.includes('--json') } };
  }
  if (verb === 'pause') {
    if (rest.length === 0) return { ok: true, command: { kind: 'pause', reason: 'paused by an operator' } };
    if (rest[0] === '--reason' && rest.length === 2 && rest[1]!.trim())
      return { ok: true, command: { kind: 'pause', reason: rest[1]!.trim() } };
    return { ok: false, problems: ['pause: takes only --reason TEXT (one non-empty argument)'] };
  }
  if (verb === 'resume')
    return rest.length
      ? { ok: false, problems: ['resume: takes no arguments'] }
      : { ok: true, command: { kind: 'resume' } };
  return {
    ok: false,
    problems: [
      verb
        ? `unknown subcommand ${verb}: status, pause or resume`
        : 'missing subcommand: status, pause or resume',
    ],
  };
}

export async function runUpstream(argv: string[]): Promise<number> {
  const parsed = parseUpstreamArgs(argv);
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`reelay upstream: ${p}\n`);
    process.stderr.write(`\n${UPSTREAM_HELP}\n`);
    return 2;
  }
  const { command } = parsed;
  if (command.kind === 'help') {
    process.stdout.write(`${UPSTREAM_HELP}\n`);
    return 0;
  }
  const producer = producerFromEnv();
  if (!producer) return 2;
  const pause = producer.ops.upstream;
  try {
    if (command.kind === 'pause')
      await pause.pause({ by: 'operator', code: 'REELAY_UPSTREAM_PAUSED', reason: command.reason });
    if (command.kind === 'resume') {
      const was = await pause.resume();
      process.stdout.write(
        was ? 'upstream resumed: workers create tasks again\n' : 'upstream was not paused\n',
      );
      return 0;
    }
    const now = await pause.get();
    if (command.kind === 'status' && command.json)
      process.stdout.write(`${JSON.stringify(now ?? { paused: false })}\n`);
    else
      process.stdout.write(
        now
          ? `paused since ${new Date(now.since).toISOString()} (${now.by}): ${now.code}: ${now.reason}\n`
          : 'not paused: workers create upstream tasks\n',
      );
    return 0;
  } finally {
    await producer.close();
  }
}
