import { COMMAND_HELP, NO_ARGUMENTS, USAGE } from './usage.ts';

/** What `reelay` does with its arguments: print something and exit, or run a command. */
export type Route =
  | { kind: 'print'; text: string; to: 'stdout' | 'stderr'; code: number }
  | { kind: 'run'; command: string; args: string[] };

const isHelp = (a: string) => a === '--help' || a === '-h';

/**
 * Decides from the arguments alone, so `--help` and `--version` never load a command, connect
 * to Redis or start anything. Asked-for output goes to stdout and exits 0; a mistake goes to
 * stderr with the usage and exits 2.
 */
export function routeArgs(argv: readonly string[], version: string): Route {
  const [name, ...rest] = argv;
  const print = (text: string) => ({ kind: 'print', text, to: 'stdout', code: 0 }) as const;
  const refuse = (problem: string, usage: string) =>
    ({ kind: 'print', text: `reelay: ${problem}\n\n${usage}`, to: 'stderr', code: 2 }) as const;

  if (name === undefined) return { kind: 'print', text: USAGE, to: 'stderr', code: 2 };
  if (name === '--version' || name === '-v') return print(version);
  if (isHelp(name)) return print(USAGE);
  if (name === 'help') {
    const topic = rest[0];
    if (topic === undefined) return print(USAGE);
    const help = COMMAND_HELP[topic];
    return help ? print(help) : refuse(`unknown command '${topic}'`, USAGE);
  }
  const help = COMMAND_HELP[name];
  if (!help) return refuse(`unknown command '${name}'`, USAGE);
  // Anywhere after the command: `reelay tenant set acme --help` asks for help too.
  if (rest.some(isHelp)) return print(help);
  if (NO_ARGUMENTS.has(name) && rest.length)
    return refuse(
      `${name} takes no arguments (got '${rest.join(' ')}'); it is configured by environment variables`,
      help,
    );
  return { kind: 'run', command: name, args: rest };
}
