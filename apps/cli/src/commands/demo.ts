import { parseArgs } from 'node:util';
import { ConfigError } from '@reelay/core';
import { DEMO_REQUESTS } from '../demo/demo-requests.ts';
import { type DemoStack, startDemoStack } from '../demo/demo-stack.ts';
import { follow } from '../demo/progress.ts';
import { renderTable } from '../demo/table.ts';
import { type GenerationCheck, verifyGeneration } from '../demo/verify.ts';
import { DEMO_HELP as HELP } from '../usage.ts';

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { rounds: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const rounds = Number(values.rounds ?? 1);
  const timeoutMs = Number(values.timeout ?? 300) * 1000;
  if (!Number.isInteger(rounds) || rounds < 1 || !(timeoutMs > 0)) {
    process.stderr.write(
      `reelay demo: --rounds must be a whole number ≥ 1 and --timeout a positive number\n${HELP}\n`,
    );
    return 2;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);

  let stack: DemoStack;
  try {
    stack = await startDemoStack(process.env);
  } catch (e) {
    process.stderr.write(`reelay demo: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    return 1;
  }
  try {
    out('Reelay demo');
    for (const n of stack.notes) out(`  ${n}`);
    const batch = Array.from({ length: rounds }, (_, r) =>
      DEMO_REQUESTS.map((d) => ({ ...d, label: rounds > 1 ? `${d.label} #${r + 1}` : d.label })),
    ).flat();
    const results = await stack.producer.enqueueMany(
      batch.map((b) => ({ request: b.request, options: { metadata: { mode: b.label } } })),
    );
    const items = results.map((r, i) => ({ id: r.id, label: `${r.id.slice(0, 16)}… ${batch[i]!.label}` }));
    out(`\nenqueued ${items.length} generations (${DEMO_REQUESTS.length} media modes × ${rounds})\n`);

    const statuses = await follow(stack.producer, items, out, timeoutMs);
    const rows: string[][] = [];
    let allOk = true;
    for (const [i, item] of items.entries()) {
      const status = statuses.get(item.id) ?? (await stack.producer.getStatus(item.id));
      if (!status) {
        allOk = false;
        rows.push([item.id, batch[i]!.label, 'missing', '', '', '', '']);
        continue;
      }
      const c: GenerationCheck = await verifyGeneration(stack, status);
      const ok = c.state.ok && c.object.ok && c.sha256.ok && c.webhook.ok;
      allOk &&= ok;
      const mark = (x: { ok: boolean; detail: string }) => `${x.ok ? '✓' : '✗'} ${x.detail}`;
      rows.push([
        item.id,
        batch[i]!.label,
        mark(c.state),
        status.output?.key ?? '-',
        mark(c.object),
        mark(c.sha256),
        mark(c.webhook),
      ]);
    }
    out(`\n${renderTable(['generation', 'media', 'state', 's3 key', 'size', 'sha256', 'webhook'], rows)}\n`);
    out(allOk ? `all ${items.length} generations verified` : 'some generations did not check out (✗ above)');
    return allOk ? 0 : 1;
  } finally {
    await stack.close();
  }
}
