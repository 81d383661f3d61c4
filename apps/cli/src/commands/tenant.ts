import { isReelayValidationError } from '@reelay/producer';
import { parseTenantArgs, TENANT_HELP } from '../tenant/tenant-args.ts';
import { tenantBlock, tenantTable } from '../tenant/tenant-format.ts';
import { producerFromEnv } from './producer-from-env.ts';

/**
 * `reelay tenant list | show <name> | set <name> [flags] | reconcile [<name>]`. Arguments are checked in full before
 * Redis is reached: a bad flag changes nothing and exits 2.
 */
export async function runTenant(argv: string[]): Promise<number> {
  const parsed = parseTenantArgs(argv);
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`reelay tenant: ${p}\n`);
    process.stderr.write(`\n${TENANT_HELP}\n`);
    return 2;
  }
  const command = parsed.command;
  if (command.kind === 'help') {
    process.stdout.write(`${TENANT_HELP}\n`);
    return 0;
  }
  const producer = producerFromEnv();
  if (!producer) return 2;
  const print = (value: unknown, text: string) =>
    process.stdout.write(`${command.json ? JSON.stringify(value, null, 2) : text}\n`);
  try {
    if (command.kind === 'list') {
      const tenants = await producer.listTenants();
      print(tenants, tenantTable(tenants));
    } else if (command.kind === 'reconcile') {
      const names = command.name ? [command.name] : (await producer.listTenants()).map((t) => t.name);
      const repairs = [];
      for (const name of names) repairs.push({ name, ...(await producer.ops.reconcileTenant(name)) });
      print(
        repairs,
        repairs
          .map(
            (r) =>
              `${r.name}: ${r.slotsFreed} slot(s) freed, ${r.queueEntriesDropped} queue entr(ies) dropped, reservation ${r.reservedChangeUsd >= 0 ? '+' : ''}${r.reservedChangeUsd.toFixed(2)} USD`,
          )
          .join('\n') || 'no tenants',
      );
    } else if (command.kind === 'show') {
      const tenant = await producer.getTenant(command.name);
      print(tenant, tenantBlock(tenant));
    } else {
      const tenant = await producer.setTenant(command.name, command.patch);
      print(tenant, tenantBlock(tenant));
    }
    return 0;
  } catch (e) {
    if (isReelayValidationError(e)) {
      process.stderr.write(`reelay tenant: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await producer.close();
  }
}
