import { parseArgs } from 'node:util';
import {
  type FieldIssue,
  isReelayValidationError,
  parseTenantName,
  parseTenantSettingsPatch,
  type TenantSettingsPatch,
} from '@reelay/contracts';

export const TENANT_HELP = `usage: reelay tenant list [--json]
       reelay tenant show <name> [--json]
       reelay tenant set <name> [--weight N] [--max-in-flight N|none]
                                [--budget-usd X --period day|month|total | --no-budget]
                                [--pause | --resume] [--json]
       reelay tenant reconcile [<name>]
Reads and changes tenants (fair share, caps, pauses and budgets: see README.md). reconcile
repairs a tenant's counters from its records (every tenant without a name) and says what it fixed.
--weight N              share of the upstream slots against other tenants, 1-100 (default 1)
--max-in-flight N|none  this tenant's own cap on generations holding a slot; none removes it
--budget-usd X          spend limit in US dollars per --period (both together)
--period P              day or month (UTC calendar periods) or total
--no-budget             removes the budget
--pause, --resume       stops granting the tenant slots (queued work waits), or starts again
--json                  prints the tenant (or the list) as JSON`;

export type TenantCommand =
  | { kind: 'help' }
  | { kind: 'list'; json: boolean }
  | { kind: 'show'; name: string; json: boolean }
  | { kind: 'set'; name: string; patch: TenantSettingsPatch; json: boolean }
  | { kind: 'reconcile'; name?: string; json: boolean };

/** A usage error: what the operator typed that breaks a rule, one message per problem. */
export type TenantArgsResult = { ok: true; command: TenantCommand } | { ok: false; problems: string[] };

const SET_FLAGS = [
  'weight',
  'max-in-flight',
  'budget-usd',
  'period',
  'no-budget',
  'pause',
  'resume',
] as const;

const OPTIONS = {
  weight: { type: 'string', multiple: true },
  'max-in-flight': { type: 'string', multiple: true },
  'budget-usd': { type: 'string', multiple: true },
  period: { type: 'string', multiple: true },
  'no-budget': { type: 'boolean' },
  pause: { type: 'boolean' },
  resume: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Patch field (as contracts' zod paths name it) → the flag that sets it. */
const FLAG_OF: Record<string, string> = {
  weight: '--weight',
  maxInFlight: '--max-in-flight',
  budget: '--budget-usd',
  'budget.limitUsd': '--budget-usd',
  'budget.period': '--period',
  paused: '--pause/--resume',
};

/**
 * `reelay tenant …` arguments to a command, or every problem with them. Pure: nothing is read
 * or changed. Value rules (ranges, periods, the name) are contracts' own, reported against the
 * flag that carried the value; only the spelling of numbers and which flags go together are
 * decided here.
 */
export function parseTenantArgs(argv: string[]): TenantArgsResult {
  const parsed = tryParseArgs(argv);
  if ('problem' in parsed) return { ok: false, problems: [parsed.problem] };
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, command: { kind: 'help' } };
  const [sub, ...names] = positionals;
  const json = values.json ?? false;
  const problems: string[] = [];

  if (sub === undefined)
    return {
      ok: false,
      problems: ['expected a subcommand: list, show <name>, set <name> or reconcile [<name>]'],
    };
  if (sub !== 'list' && sub !== 'show' && sub !== 'set' && sub !== 'reconcile')
    return { ok: false, problems: [`unknown subcommand '${sub}': expected list, show, set or reconcile`] };

  if (sub !== 'set') {
    const given = SET_FLAGS.filter((f) => values[f] !== undefined).map((f) => `--${f}`);
    if (given.length)
      problems.push(
        `${given.join(', ')}: only \`reelay tenant set\` takes ${given.length > 1 ? 'these' : 'this'}`,
      );
  }
  if (sub === 'list') {
    if (names.length)
      problems.push(`unexpected argument '${names[0]}': \`reelay tenant list\` takes no name`);
    return problems.length ? { ok: false, problems } : { ok: true, command: { kind: 'list', json } };
  }

  if (sub === 'reconcile' && names.length === 0)
    return problems.length ? { ok: false, problems } : { ok: true, command: { kind: 'reconcile', json } };
  const name = nameOf(names, sub, problems);
  if (sub === 'reconcile')
    return problems.length || name === undefined
      ? { ok: false, problems }
      : { ok: true, command: { kind: 'reconcile', name, json } };
  if (sub === 'show') {
    return problems.length || name === undefined
      ? { ok: false, problems }
      : { ok: true, command: { kind: 'show', name, json } };
  }

  const patch = patchOf(values, problems);
  if (!problems.length && Object.keys(patch).length === 0)
    problems.push(
      'nothing to set: pass at least one of --weight, --max-in-flight, --budget-usd with --period, --no-budget, --pause, --resume',
    );
  problems.push(...contractProblems(patch));
  return problems.length || name === undefined
    ? { ok: false, problems }
    : { ok: true, command: { kind: 'set', name, patch, json } };
}

function tryParseArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const { code, message } = e as Error & { code?: string };
    const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(message)?.[1] : undefined;
    if (unknown) return { problem: `${unknown}: not a flag of \`reelay tenant\`` };
    // node:util's other messages name the flag too: "Option '--weight <value>' argument missing".
    return { problem: message };
  }
}

function nameOf(names: string[], sub: string, problems: string[]): string | undefined {
  if (names.length === 0) {
    problems.push(`<name>: \`reelay tenant ${sub}\` needs a tenant name`);
    return undefined;
  }
  if (names.length > 1)
    problems.push(`unexpected argument '${names[1]}': \`reelay tenant ${sub}\` takes one name`);
  try {
    return parseTenantName(names[0], 'name');
  } catch (e) {
    if (!isReelayValidationError(e)) throw e;
    problems.push(...e.issues.map((i) => `<name> '${names[0]}': ${i.message}`));
    return undefined;
  }
}

type Values = {
  weight?: string[];
  'max-in-flight'?: string[];
  'budget-usd'?: string[];
  period?: string[];
  'no-budget'?: boolean;
  pause?: boolean;
  resume?: boolean;
};

/** The patch the flags spell, checking their syntax and which of them go together. */
function patchOf(values: Values, problems: string[]): TenantSettingsPatch {
  const patch: TenantSettingsPatch = {};
  const once = (flag: keyof Values & string): string | undefined => {
    const v = values[flag] as string[] | undefined;
    if (v && v.length > 1) problems.push(`--${flag}: given ${v.length} times; give it once`);
    return v?.at(-1);
  };

  const weight = once('weight');
  if (weight !== undefined) {
    const n = decimal(weight);
    if (n === undefined) problems.push(`--weight: must be an integer from 1 to 100 (got '${weight}')`);
    else patch.weight = n;
  }

  const cap = once('max-in-flight');
  if (cap !== undefined) {
    const n = cap.trim().toLowerCase() === 'none' ? null : decimal(cap);
    if (n === undefined)
      problems.push(`--max-in-flight: must be a positive integer, or none to remove the cap (got '${cap}')`);
    else patch.maxInFlight = n;
  }

  const usd = once('budget-usd');
  const period = once('period');
  if (values['no-budget']) {
    if (usd !== undefined || period !== undefined)
      problems.push('--no-budget: cannot be combined with --budget-usd or --period');
    else patch.budget = null;
  } else if (usd !== undefined || period !== undefined) {
    if (usd === undefined) problems.push('--period: needs --budget-usd (a budget is a limit per period)');
    if (period === undefined)
      problems.push('--budget-usd: needs --period day, month or total (a budget is a limit per period)');
    const limit = usd === undefined ? undefined : decimal(usd);
    if (usd !== undefined && limit === undefined)
      problems.push(`--budget-usd: must be a number of US dollars, e.g. 250 or 12.50 (got '${usd}')`);
    if (limit !== undefined && period !== undefined)
      patch.budget = { limitUsd: limit, period: period as 'day' | 'month' | 'total' };
  }

  if (values.pause && values.resume) problems.push('--pause, --resume: give one or the other, not both');
  else if (values.pause) patch.paused = true;
  else if (values.resume) patch.paused = false;
  return patch;
}

/** A plain decimal number (`12`, `-3`, `12.50`); hex, exponents, blanks and words are not. */
function decimal(s: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

/** The contract's range and enum rules, reported against the flags. */
function contractProblems(patch: TenantSettingsPatch): string[] {
  try {
    parseTenantSettingsPatch(patch);
    return [];
  } catch (e) {
    if (!isReelayValidationError(e)) throw e;
    return e.issues.map(flagMessage);
  }
}

function flagMessage(issue: FieldIssue): string {
  const flag = FLAG_OF[issue.path] ?? issue.path;
  // The contract's word for "no cap" is null; the flag's is none.
  const message = flag === '--max-in-flight' ? issue.message.replace('or null', 'or none') : issue.message;
  return `${flag}: ${message}`;
}
