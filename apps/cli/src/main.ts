/**
 * `reelay <command>`: the one entry point for people. It composes the other apps (worker,
 * simulator) through their public exports; nothing imports the CLI.
 */
import { readFileSync } from 'node:fs';
import { routeArgs } from './cli-args.ts';
import { COMMANDS } from './commands.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const route = routeArgs(process.argv.slice(2), version);
if (route.kind === 'print') {
  (route.to === 'stdout' ? process.stdout : process.stderr).write(`${route.text}\n`);
  process.exit(route.code);
}
const load = COMMANDS[route.command];
if (!load) throw new Error(`reelay: command '${route.command}' has a usage but no implementation`);
const code = await (await load())(route.args);
if (code !== -1) process.exit(code);
