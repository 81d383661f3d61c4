import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@reelay/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docker/compose.yaml and docker/Dockerfile deploy as the README says (issue #14, item 7). No
 * Docker engine is needed: `docker compose config` only parses, and runs where the compose plugin
 * is installed; the YAML-level checks below run everywhere.
 */
const root = join(import.meta.dirname, '..', '..');
const composeFile = join(root, 'docker', 'compose.yaml');
const composeText = readFileSync(composeFile, 'utf8');
const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');
const envExample = readFileSync(join(root, 'docker', '.env.example'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

type DependsOn = string[] | Record<string, { condition?: string }>;
type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  stop_grace_period?: string;
  depends_on?: DependsOn;
};
const compose = parse(composeText) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(env.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

/** Compose durations: `45s`, `1m30s`, `500ms`, `1.5s`. */
function durationMs(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  expect(parts.map((p) => p[0]).join(''), `duration ${text}`).toBe(text);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (units[unit as string] ?? Number.NaN), 0);
}

// One-shot services: another service waits for them to exit 0. Every other one runs until stopped.
const oneShot = new Set(
  services.flatMap(([, s]) =>
    Array.isArray(s.depends_on) || !s.depends_on
      ? []
      : Object.entries(s.depends_on)
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([name]) => name),
  ),
);
const builders = services.filter(([, s]) => s.build !== undefined);
const reelayImage = builders[0]?.[1].image;
const longRunning = services.filter(([name]) => !oneShot.has(name));
const reelayServices = longRunning.filter(([, s]) => s.image === reelayImage);

// A pinned reference: a full version tag (x.y.z), not latest, and/or a digest.
const PINNED = /^[a-z0-9./_-]+(?::(?!latest$)[\w.-]*\d+\.\d+\.\d+[\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/;
function pinned(ref: string): boolean {
  return PINNED.test(ref) && (ref.includes('@sha256:') || /:[^/]+$/.test(ref));
}

describe('docker compose config', () => {
  const version = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const available = version.status === 0;
  if (!available)
    console.warn(
      'compose.test: `docker compose` is not available here (no compose plugin): skipping `docker compose config`; the YAML-level checks still run',
    );
  const dir = mkdtempSync(join(tmpdir(), 'reelay-compose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (envFile: string) =>
    spawnSync('docker', ['compose', '--env-file', envFile, '-f', composeFile, 'config', '--quiet'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });

  it.skipIf(!available)(
    `accepts docker/compose.yaml with docker/.env.example filled in${available ? '' : ' (skipped: no docker compose plugin)'}`,
    () => {
      const filled = envExample.replace(/^([A-Z0-9_]+)=$/gm, '$1=x');
      writeFileSync(join(dir, 'filled.env'), filled);
      const run = config(join(dir, 'filled.env'));
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    },
  );

  it.skipIf(!available)(
    `refuses it without them, naming docker/.env${available ? '' : ' (skipped: no docker compose plugin)'}`,
    () => {
      writeFileSync(join(dir, 'empty.env'), '');
      const run = config(join(dir, 'empty.env'));
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('docker/.env');
    },
  );
});

describe('docker/compose.yaml', () => {
  it('builds the Reelay image once, from docker/Dockerfile, as reelay:local', () => {
    expect(builders.map(([name]) => name)).toHaveLength(1);
    const [, builder] = builders[0] as [string, Service];
    expect(builder.image).toBe('reelay:local');
    expect(builder.build).toMatchObject({ context: '..', dockerfile: 'docker/Dockerfile' });
    expect(reelayServices.map(([name]) => name).sort()).toEqual(['api', 'dashboard', 'simulator', 'worker']);
  });

  it('pins every other image by version tag or digest', () => {
    for (const [name, s] of services) {
      expect(s.image, `${name}: image`).toBeTypeOf('string');
      if (s.image === reelayImage) continue;
      expect(
        pinned(s.image as string),
        `${name}: ${s.image} is not pinned (x.y.z tag or @sha256 digest)`,
      ).toBe(true);
    }
  });

  it('gives every long-running service a healthcheck', () => {
    for (const [name, s] of longRunning) {
      expect(s.healthcheck?.disable, `${name}: healthcheck disabled`).not.toBe(true);
      expect(s.healthcheck?.test, `${name}: no healthcheck`).toBeDefined();
      expect(s.healthcheck?.test?.length, `${name}: empty healthcheck`).toBeGreaterThan(0);
    }
  });

  it("checks Reelay services with node's fetch on the port the service listens on", () => {
    for (const [name, s] of reelayServices) {
      const test = s.healthcheck?.test as string[];
      // The node image has neither curl nor wget.
      expect(test.slice(0, 3), name).toEqual(['CMD', 'node', '-e']);
      const port = /fetch\('http:\/\/127\.0\.0\.1:(\d+)\//.exec(test[3] ?? '')?.[1];
      expect(port, `${name}: healthcheck URL`).toBeDefined();
      const ports = Object.entries(envOf(s)).filter(([k]) => k.endsWith('PORT'));
      expect(ports, `${name}: the healthcheck's port is one of the service's *_PORT`).toContainEqual([
        expect.any(String),
        port,
      ]);
    }
  });

  it('lets every Reelay service drain: stop_grace_period above its SHUTDOWN_TIMEOUT_MS', () => {
    for (const [name, s] of reelayServices) {
      const shutdownMs = loadConfig({ SHUTDOWN_TIMEOUT_MS: envOf(s).SHUTDOWN_TIMEOUT_MS }).shutdownTimeoutMs;
      expect(s.stop_grace_period, `${name}: no stop_grace_period (compose's default is 10s)`).toBeDefined();
      expect(durationMs(s.stop_grace_period as string), name).toBeGreaterThan(shutdownMs);
    }
  });

  it('interpolates no variable without a default or a :? message', () => {
    const refs = [...composeText.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref, `\${${ref}}`).toMatch(/^[A-Z0-9_]+(:\?.+|:?-.*)$/);
  });
});

describe('docker/.env.example', () => {
  const required = [...composeText.matchAll(/\$\{([A-Z0-9_]+):\?([^}]*)\}/g)].map((m) => ({
    name: m[1] as string,
    message: m[2] as string,
  }));
  const listed = [...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);

  it('lists exactly the variables compose requires, and each :? message points at docker/.env', () => {
    expect(required.length).toBeGreaterThan(0);
    expect([...listed].sort()).toEqual([...new Set(required.map((r) => r.name))].sort());
    for (const r of required) expect(r.message, r.name).toContain('docker/.env');
  });

  it("each is documented in the README's configuration tables, and the README says to copy the example", () => {
    const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
    for (const name of listed)
      expect(
        rows.some((row) => (row.split('|')[1] ?? '').includes(`\`${name}\``)),
        `${name} in a README table`,
      ).toBe(true);
    expect(readme).toContain('cp docker/.env.example docker/.env');
  });
});

describe('docker/Dockerfile', () => {
  // Instructions with continuation lines joined; comments dropped.
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = Object.fromEntries(
    instructions.flatMap((line) => {
      const m = /^ARG\s+(\w+)=(\S+)/.exec(line);
      return m ? [[m[1], m[2]]] : [];
    }),
  );
  type Stage = { name: string; from: string; lines: string[] };
  const stages: Stage[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from)
      stages.push({
        name: from[2] ?? String(stages.length),
        from: (from[1] as string).replace(/^\$\{(\w+)\}$/, (_, arg: string) => args[arg] ?? arg),
        lines: [],
      });
    else stages.at(-1)?.lines.push(line);
  }
  const final = stages.at(-1) as Stage;
  // Installs of the workspace's dependencies (a global install of pnpm itself is a tool).
  const installs = (stage: Stage) =>
    stage.lines.filter(
      (l) => /^RUN\b.*\b(pnpm|npm)\s+(install|i|ci|deploy)\b/.test(l) && !/\s(-g|--global)\b/.test(l),
    );
  const prodOnly = (run: string) => /\s--prod(\s|$)/.test(run) && !/--prod=false|--dev\b/.test(run);

  it('is multi-stage, every base image pinned', () => {
    expect(stages.length).toBeGreaterThan(1);
    for (const s of stages)
      if (!stages.some((other) => other.name === s.from))
        expect(pinned(s.from), `FROM ${s.from} is not pinned`).toBe(true);
  });

  it('installs nothing in the final stage and copies only from stages that install production dependencies', () => {
    expect(installs(final), 'the final stage installs nothing itself').toEqual([]);
    const copies = final.lines.filter((l) => /^COPY\b/.test(l));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const from = /--from=(\S+)/.exec(copy)?.[1];
      expect(from, `${copy}: the final stage copies the build context only through a stage`).toBeDefined();
      const stage = stages.find((s) => s.name === from) as Stage;
      expect(stage, `${copy}: no stage ${from}`).toBeDefined();
      const runs = installs(stage);
      expect(runs.length, `stage ${from} installs the dependencies`).toBeGreaterThan(0);
      for (const run of runs) {
        expect(prodOnly(run), `${run}: production dependencies only`).toBe(true);
        expect(run, 'a frozen lockfile').toMatch(/--frozen-lockfile/);
      }
      // Nothing reaches it from a stage with dev dependencies either.
      expect(
        stage.lines.filter((l) => /^COPY\b.*--from=/.test(l)),
        `stage ${from} copies from no other stage`,
      ).toEqual([]);
    }
  });

  it('keeps workspace packages as links, so Node strips their types: no pnpm deploy', () => {
    // Node refuses to strip types under node_modules; pnpm deploy copies workspace packages there.
    expect(instructions.filter((l) => /pnpm\s+deploy/.test(l))).toEqual([]);
    expect(final.lines).toContain('ENTRYPOINT ["node", "apps/cli/src/main.ts"]');
  });
});
